"""Formula injection in exports, staff-only pages, API tokens, bad filters, and the public impact board."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shop.api.models import ApiToken
from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.orders import lifecycle
from shop.regions.models import PairingKind
from tests.factories import make_cooperative, make_pairing, make_product, make_user
from tests.order_factories import make_order
from tests.web import english, login, post

NASTY = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 131", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def nasty_sales(app):
    """Paid sales of products and cooperatives whose names a spreadsheet would run as formulas."""
    with app.app_context():
        buyer = make_user(email="nasty@example.cn")
        make_user(email="staff@example.cn", is_staff=True)
        for name in NASTY:
            product = make_product(make_cooperative("652929", name=f"{name}合作社"), name=name, stock=10)
            order = make_order(buyer, (product, 1))
            lifecycle.mark_paid(order.id)


@pytest.fixture
def staff(app, nasty_sales):
    client = app.test_client()
    login(client, "staff@example.cn")
    return client


@pytest.mark.parametrize("by, column", [("product", "product"), ("cooperative", "cooperative")])
def test_csv_neutralises_formula_text(staff, by, column):
    text = staff.get(f"/staff/tallies/export.csv?by={by}").get_data(as_text=True)
    values = [row[column] for row in csv.DictReader(io.StringIO(text[1:], newline=""))]
    assert len(values) == len(NASTY), values
    for value in values:
        assert value.startswith("'"), value
    assert {value[1:].removesuffix("合作社") for value in values} == set(NASTY), values


@pytest.mark.parametrize("by", ["product", "cooperative"])
def test_xlsx_writes_formula_text_as_plain_strings(staff, by):
    data = staff.get(f"/staff/tallies/export.xlsx?by={by}").data
    sheet = load_workbook(io.BytesIO(data)).active
    texts = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    # XML turns a bare carriage return into a line feed when the file is read back.
    wanted = {name.replace("\r", "\n") for name in NASTY}
    found = {cell.value.removesuffix("合作社") for cell in texts} & wanted
    assert found == wanted
    assert all(cell.data_type == "s" for cell in texts)


@pytest.mark.parametrize("url", ["/staff/tallies/", "/staff/tallies/export.csv", "/staff/tallies/export.xlsx",
                                 "/staff/api-tokens/"])
def test_staff_only(app, nasty_sales, url):
    anonymous = app.test_client()
    assert anonymous.get(url).status_code in (302, 401, 403)
    buyer = app.test_client()
    login(buyer, "nasty@example.cn")
    assert buyer.get(url).status_code in (403, 404)


@pytest.mark.parametrize("query, message", [
    ("by=galaxy", "Group by"), ("from=2026-13-01", "From"), ("from=2026-05-01&to=2026-04-01", "before the start"),
    ("county=12", "6-digit"), ("organization=abc", "Organization"), ("from=1800-01-01", "from 2000"),
])
def test_bad_filters_are_a_clear_400(staff, query, message):
    english(staff)
    for url in ("/staff/tallies/", "/staff/tallies/export.csv", "/staff/tallies/export.xlsx"):
        response = staff.get(f"{url}?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True), (url, query)


def _token(runner, name="合作平台"):
    result = runner.invoke(args=["create-api-token", name])
    assert result.exit_code == 0
    return result.output.strip().splitlines()[0]


def test_api_tokens_missing_wrong_and_revoked(app, nasty_sales, runner):
    client = app.test_client()
    token = _token(runner)
    assert token.startswith("bf_") and len(token) > 40
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash != token and token not in row.token_hash and row.prefix == token[:10]
    for headers in ({}, {"Authorization": "Bearer bf_wrong"}, {"Authorization": f"Basic {token}"},
                    {"Authorization": token}, {"Authorization": f"Bearer {token}x"}):
        response = client.get("/api/v1/tallies", headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]["code"] == "unauthorized"
    good = client.get("/api/v1/tallies?by=product", headers={"Authorization": f"Bearer {token}"})
    assert good.status_code == 200 and len(good.get_json()["rows"]) == len(NASTY)
    bad = client.get("/api/v1/tallies?by=county&from=2026-02-30", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400 and "Not a valid date" in bad.get_json()["error"]["message"]
    assert runner.invoke(args=["revoke-api-token", "合作平台"]).exit_code == 0
    assert client.get("/api/v1/tallies", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert runner.invoke(args=["revoke-api-token", "nobody"]).exit_code != 0
    assert runner.invoke(args=["create-api-token", "合作平台"]).exit_code != 0  # names are unique


def test_staff_create_and_revoke_tokens_on_the_page(app, staff):
    page = post(staff, "/staff/api-tokens/", {"name": "省协作办"}, token_from="/staff/api-tokens/")
    html = page.get_data(as_text=True)
    token = html.split('class="reference new-token">', 1)[1].split("<", 1)[0]
    assert page.headers["Cache-Control"] == "no-store"
    client = app.test_client()
    assert client.get("/api/v1/tallies", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert token not in staff.get("/staff/api-tokens/").get_data(as_text=True)  # shown once
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    post(staff, f"/staff/api-tokens/{token_id}/revoke", token_from="/staff/api-tokens/")
    assert client.get("/api/v1/tallies", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert post(staff, "/staff/api-tokens/", {"name": ""}, token_from="/staff/api-tokens/").status_code == 400


def test_impact_board_and_county_pages(app, client):
    today = today_in_china()
    with app.app_context():
        buyer = make_user()
        for county in ("652929", "522633", "522632", "522324"):
            make_pairing(helper="330100", recipient=county, kind=PairingKind.EAST_WEST, starts_on=date(2021, 1, 1))
        make_pairing(helper="330100", recipient="513334", starts_on=date(2013, 1, 1), ends_on=date(2020, 12, 31))
        big = make_product(make_cooperative("652929"), price_fen=100_000, net_weight_g=1000, stock=50)
        small = make_product(make_cooperative("522633"), price_fen=10_000, net_weight_g=500, stock=50)
        for product, quantity in ((big, 3), (small, 1)):
            lifecycle.mark_paid(make_order(buyer, (product, quantity)).id)
    english(client)
    html = client.get("/impact").get_data(as_text=True)
    assert f"Consumption aid in {today.year}" in html and "¥3,100.00" in html
    # Four counties have an active pairing (513334's ended in 2020): an equal share is 25%.
    assert "513334" not in html and html.count('class="card form-card underserved"') == 3
    assert "/products?county=522632" in html
    kp = client.get("/counties/652929").get_data(as_text=True)
    assert "¥3,000.00" in kp and "387% of an equal share" in kp and "Under-served" not in kp
    cj = client.get("/counties/522633").get_data(as_text=True)
    assert "Under-served" in cj and "13% of an equal share" in cj
    assert "Under-served" not in client.get("/counties/513334").get_data(as_text=True)

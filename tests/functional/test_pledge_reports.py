"""Pledges beyond the organization's pages: the staff list and its CSV/XLSX exports (read back), the API, and the
public impact board, whose pledged figures add up to the pledges' targets."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shop.accounts.models import OrganizationRole
from shop.api.services import create_token
from shop.core.timezones import today_in_china
from shop.orders import lifecycle
from shop.organizations.pledges import PledgeTerms, save_pledge
from shop.reports.impact import impact_board
from shop.reports.pledges import all_progress
from tests.factories import (
    add_to_organization,
    make_cooperative,
    make_organization,
    make_pairing,
    make_product,
    make_user,
)
from tests.order_factories import make_order
from tests.web import login

YEAR = today_in_china().year


@pytest.fixture
def pledged(app):
    """甲 pledged ¥10,000.01 tied to 柯坪 and 从江 and bought ¥91.60 from 柯坪 for itself; 乙 pledged ¥3,000 untied;
    a formula-looking organization name; staff and an organization admin to log in."""
    with app.app_context():
        make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
        make_pairing(helper="330100", recipient="522633", starts_on=date(2013, 1, 1))
        make_pairing(helper="330100", recipient="522632", starts_on=date(2013, 1, 1))
        first, second = make_organization(name="甲单位"), make_organization(name="=HYPERLINK(1)乙单位")
        admin_a, admin_b = make_user(email="a@example.cn"), make_user(email="b@example.cn")
        add_to_organization(admin_a, first, OrganizationRole.ADMIN)
        add_to_organization(admin_b, second, OrganizationRole.ADMIN)
        make_user(email="staff@example.cn", is_staff=True)
        save_pledge(admin_a.id, first.id, PledgeTerms(YEAR, target_fen=1_000_001, county_codes=("652929", "522633")),
                    new=True)
        save_pledge(admin_b.id, second.id, PledgeTerms(YEAR, base_fen=3_000_000, ratio_bp=1_000), new=True)
        order = make_order(admin_a, (make_product(make_cooperative("652929"), price_fen=4580, stock=9), 2),
                           organization_id=first.id)
        lifecycle.mark_paid(order.id)
        return first.id, second.id


def _staff(app):
    client = app.test_client()
    login(client, "staff@example.cn")
    return client


def test_staff_list_shows_every_pledge_with_completion(app, pledged):
    page = _staff(app).get("/staff/pledges/").get_data(as_text=True)
    assert "甲单位" in page and "¥10,000.01" in page and "¥91.60" in page and "¥9,908.41" in page
    assert "=HYPERLINK(1)乙单位" in page and "¥3,000.00" in page
    other_year = _staff(app).get("/staff/pledges/?year=2020").get_data(as_text=True)
    assert "2020 年没有认购目标。" in other_year and "甲单位" not in other_year


@pytest.mark.parametrize("who, status", [("a@example.cn", 403), (None, 302)])
@pytest.mark.parametrize("url", ["/staff/pledges/", "/staff/pledges/export.csv", "/staff/pledges/export.xlsx"])
def test_staff_only(app, pledged, url, who, status):
    client = app.test_client()
    if who:
        login(client, who)
    assert client.get(url).status_code == status


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "year=99999"])
def test_a_bad_year_is_a_clear_400(app, pledged, query):
    assert _staff(app).get(f"/staff/pledges/?{query}").status_code == 400


def test_csv_export_reads_back(app, pledged):
    response = _staff(app).get(f"/staff/pledges/export.csv?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["organization"] for row in rows] == ["'=HYPERLINK(1)乙单位", "甲单位"]  # neutralised
    second, first = rows
    assert (first["target"], first["bought"], first["bought_tied"], first["counted"], first["remaining"],
            first["completion_percent"], first["tied_counties"]) == \
        ("10000.01", "91.60", "91.60", "91.60", "9908.41", "0", "从江县、柯坪县")
    assert (second["target"], second["base"], second["ratio_percent"], second["bought_tied"], second["counted"]) == \
        ("3000.00", "30000.00", "10.00", "", "0.00")


def test_xlsx_export_reads_back(app, pledged):
    response = _staff(app).get(f"/staff/pledges/export.xlsx?year={YEAR}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    assert header[:4] == ("年度", "单位编号", "单位", "认购目标（元）")
    by_name = {row[2]: dict(zip(header, row)) for row in rows[2:]}
    first = by_name["甲单位"]
    assert Decimal(str(first["认购目标（元）"])) == Decimal("10000.01")
    assert Decimal(str(first["尚差（元）"])) == Decimal("9908.41") and first["年度"] == YEAR
    formula_cell = next(cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value ==
                        "=HYPERLINK(1)乙单位")
    assert formula_cell.data_type == "s"


def test_api_gives_the_same_figures_to_token_holders(app, pledged):
    client = app.test_client()
    assert client.get("/api/v1/pledges").status_code == 401
    with app.app_context():
        _row, token = create_token("partner", actor_id=None)
        expected = {row.organization_id: row for row in all_progress(YEAR)}
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/pledges?year={YEAR}", headers=headers).get_json()
    assert body["year"] == YEAR and body["currency"] == "CNY"
    got = {row["organization_id"]: row for row in body["pledges"]}
    assert set(got) == set(expected)
    for organization_id, row in expected.items():
        assert Decimal(got[organization_id]["target"]) * 100 == row.target_fen
        assert Decimal(got[organization_id]["counted"]) * 100 == row.counted_fen
        assert got[organization_id]["completion_percent"] == row.percent
    bad = client.get("/api/v1/pledges?year=abc", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_request"


def test_impact_board_pledges_add_up(app, pledged, client):
    with app.app_context():
        board = impact_board()
        pledged_by_code = {county.code: county.pledged_fen for county in board.counties}
        assert pledged_by_code == {"522632": 0, "522633": 500_001, "652929": 500_000}  # split evenly, fen first
        assert board.untied_pledged_fen == 300_000
        assert board.pledged_fen == 1_000_001 + 300_000
        keping = next(county for county in board.counties if county.code == "652929")
        assert keping.pledge_gap_fen == 500_000 - 9160
    page = client.get("/impact").get_data(as_text=True)
    assert "本年认购：¥5,000.01" in page and "本年认购：¥5,000.00" in page and "尚缺 ¥4,908.40" in page
    assert "未指定结对县" in page and "本年认购：¥3,000.00" in page
    assert "¥13,000.01" in page  # the year's pledges in all
    assert "指定多个县的认购目标在这些县之间平均分配" in page

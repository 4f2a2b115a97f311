"""The tallies (service, page, CSV, XLSX, API, command line) equal an independent recount, fen for fen."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from shop.catalog.models import Product
from shop.core.money import fen_to_yuan_str, kilograms
from shop.extensions import db
from shop.reports import labels
from shop.reports.ledger import Filters, tally
from tests.factories import make_product, make_user
from tests.order_factories import make_paid_order
from tests.reports import recount as rc
from tests.web import login

HEADER = ("county_code,county,prefecture,province,helpers,orders,buyers,units,weight_kg,gross_yuan,refunded_yuan,"
          "net_yuan")
PERIODS = [(None, None), (date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 2, 15), date(2026, 5, 20))]


def service_counts(by: str, filters: Filters, key: str) -> dict:
    result = tally(by, filters)
    return {row.keys[key]: (row.orders, row.buyers, row.units, row.weight_g, row.gross_fen, row.refunded_fen)
            for row in result.rows}


@pytest.mark.parametrize("by, key, recount_key", [
    ("county", "county_code", rc.by_county),
    ("month", "month", rc.by_month),
    ("helper", "helper_code", rc.by_helper),
    ("category", "category_id", rc.by_category),
    ("buyer_class", None, rc.by_buyer_class),
    ("organization", "organization_id", rc.by_organization),
])
def test_every_grouping_matches_the_recount(app_ctx, ledger, by, key, recount_key):
    for start, end in PERIODS:
        expected = rc.recount(recount_key, start, end)
        filters = Filters(date_from=start, date_to=end)
        result = tally(by, filters)
        got = {}
        for row, code in zip(result.rows, _codes(by, filters)):
            got[code] = (row.orders, row.buyers, row.units, row.weight_g, row.gross_fen, row.refunded_fen)
        assert got == expected, (start, end)
        everything = rc.recount(lambda *args: ["all"], start, end).get("all", (0, 0, 0, 0, 0, 0))
        totals = result.totals
        assert (totals.orders, totals.buyers, totals.units, totals.weight_g, totals.gross_fen,
                totals.refunded_fen) == everything


def _codes(by, filters):
    """The raw group keys, in the order of the tally's rows."""
    from shop.reports.ledger import grouped_statement
    return [record[0] for record in db.session.execute(grouped_statement(by, filters))]


def test_the_ledger_has_what_the_test_needs(app_ctx, ledger):
    """Guard against a fixture that would make the other tests trivial."""
    refunds = rc.recount(rc.by_month)
    assert len(ledger.paid) >= 25 and len(ledger.unpaid) >= 3
    assert any(refunded for *_, refunded in refunds.values())
    assert "2026-04" in refunds  # the 00:10 orders of 1 April (China time) are there
    helpers = rc.recount(rc.by_helper)
    assert {"330500", "330000"} <= set(helpers)  # 柯坪 counts for both its helpers


def test_attribution_follows_the_line_not_the_product_today(app_ctx, ledger):
    counties = {row.keys["county_code"] for row in tally("county", Filters()).rows}
    assert counties == set(rc.recount(rc.by_county))
    assert len(counties) == 5  # products were moved to 522633 after the sales; the tallies did not move


def _csv_rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def _expected_county_rows(start, end) -> dict:
    return {code: {"orders": str(o), "buyers": str(b), "units": str(u), "weight_kg": kilograms(w),
                   "gross_yuan": fen_to_yuan_str(g), "refunded_yuan": fen_to_yuan_str(r),
                   "net_yuan": fen_to_yuan_str(g - r)}
            for code, (o, b, u, w, g, r) in rc.recount(rc.by_county, start, end).items()}


@pytest.fixture
def staff(app, ledger):
    from shop.accounts.models import User
    from shop.extensions import db
    with app.app_context():
        user = db.session.get(User, ledger.staff_id)
        user.email = "tallies-staff@example.cn"
        db.session.commit()
    client = app.test_client()
    login(client, "tallies-staff@example.cn")
    return client


def test_csv_export_matches_the_recount(app, staff):
    for start, end in PERIODS:
        query = "by=county" + (f"&from={start}&to={end}" if start else "")
        response = staff.get(f"/staff/tallies/export.csv?{query}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        text = response.get_data(as_text=True)
        assert text[1:].splitlines()[0] == HEADER
        with app.app_context():
            expected = _expected_county_rows(start, end)
        got = {row["county_code"]: {k: row[k] for k in expected[next(iter(expected))]} for row in _csv_rows(text)}
        assert got == expected
        assert all(re.fullmatch(r"-?\d+\.\d{3}", row["weight_kg"]) for row in _csv_rows(text))


def test_xlsx_export_matches_the_recount(app, staff):
    response = staff.get("/staff/tallies/export.xlsx?by=county&from=2026-02-15&to=2026-05-20")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "帮扶集市 销售统计" and any(r and r[0] == "期间" for r in rows[:6])
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "县级代码")
    assert rows[header_at][:6] == ("县级代码", "县", "地级", "省级", "帮扶方", "订单数")
    body, totals = rows[header_at + 1:-1], rows[-1]
    with app.app_context():
        expected = rc.recount(rc.by_county, date(2026, 2, 15), date(2026, 5, 20))
        everything = rc.recount(lambda *a: ["all"], date(2026, 2, 15), date(2026, 5, 20))["all"]
    got = {}
    for row in body:
        code, orders, buyers, units, weight, gross, refunded, net = row[0], *row[5:]
        assert all(isinstance(v, (int, float)) for v in (orders, buyers, units, weight, gross, refunded, net))
        got[code] = (orders, buyers, units, round(weight * 1000), round(gross * 100), round(refunded * 100))
        assert round(net * 100) == round(gross * 100) - round(refunded * 100)
    assert got == expected
    assert totals[0] == "合计" and (totals[5], totals[6], totals[7]) == everything[:3]
    assert round(totals[9] * 100) == everything[4] and round(totals[10] * 100) == everything[5]


def test_page_shows_the_same_figures_with_totals_and_charts(app, staff):
    html = staff.get("/staff/tallies/?by=county&date_from=2026-02-15&date_to=2026-05-20").get_data(as_text=True)
    with app.app_context():
        expected = rc.recount(rc.by_county, date(2026, 2, 15), date(2026, 5, 20))
        everything = rc.recount(lambda *a: ["all"], date(2026, 2, 15), date(2026, 5, 20))["all"]
    from shop.core.money import format_fen
    for code, (*_, gross, refunded) in expected.items():
        assert code in html and format_fen(gross - refunded) in html
    assert format_fen(everything[4] - everything[5]) in html and 'class="totals"' in html
    assert "<svg" in html and "export.csv?by=county&amp;from=2026-02-15&amp;to=2026-05-20" in html
    assert "by=cooperative" in html  # each county links to its detail


@pytest.mark.parametrize("by", ["prefecture", "province", "cooperative", "product", "buyer_region"])
def test_other_groupings_add_up_to_the_totals(app, staff, by):
    text = staff.get(f"/staff/tallies/export.csv?by={by}").get_data(as_text=True)
    rows = _csv_rows(text)
    with app.app_context():
        everything = rc.recount(lambda *a: ["all"])["all"]
    assert sum(int(row["units"]) for row in rows) == everything[2]
    net_fen = sum(int(row["net_yuan"].replace(".", "")) for row in rows)
    assert net_fen == everything[4] - everything[5]
    assert staff.get(f"/staff/tallies/?by={by}").status_code == 200


def test_api_returns_the_same_figures(app, ledger, runner):
    result = runner.invoke(args=["create-api-token", "省协作办"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[0]
    client = app.test_client()
    response = client.get("/api/v1/tallies?by=county&from=2026-04-01&to=2026-04-30",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["by"], body["from"], body["to"], body["currency"]) == ("county", "2026-04-01", "2026-04-30", "CNY")
    with app.app_context():
        expected = _expected_county_rows(date(2026, 4, 1), date(2026, 4, 30))
    got = {row["county_code"]: {k: (str(v) if isinstance(v, int) else v) for k, v in row.items()
                                if k in expected[next(iter(expected))]} for row in body["rows"]}
    assert got == expected
    assert set(body["rows"][0]) == set(HEADER.split(","))


def test_export_command_writes_csv_and_xlsx(app, ledger, runner, tmp_path):
    out = tmp_path / "county.csv"
    result = runner.invoke(args=["export-tallies", "--by", "county", "--from", "2026-01-01", "--to", "2026-12-31",
                                 "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    with app.app_context():
        expected = _expected_county_rows(date(2026, 1, 1), date(2026, 12, 31))
    assert {row["county_code"]: row["net_yuan"] for row in _csv_rows(text)} == \
        {code: row["net_yuan"] for code, row in expected.items()}
    xlsx = tmp_path / "county.xlsx"
    result = runner.invoke(args=["export-tallies", "--by", "month", "--format", "xlsx", "--output", str(xlsx)])
    assert result.exit_code == 0 and load_workbook(xlsx).active["A1"].value == "帮扶集市 销售统计"
    bad = runner.invoke(args=["export-tallies", "--by", "galaxy", "--output", str(out)])
    assert bad.exit_code != 0 and "galaxy" in bad.output


def test_filters_are_picked_by_name_and_named_in_the_excel_file(app, ledger, staff):
    from sqlalchemy import select

    from shop.catalog.models import Category
    from shop.cooperatives.models import Cooperative
    from shop.core.money import format_fen
    from shop.extensions import db
    from shop.orders.models import Order
    from shop.organizations.models import Organization

    with app.app_context():
        line = db.session.scalar(select(Order).where(Order.number == ledger.paid[0])).lines[0]
        cooperative = db.session.get(Cooperative, line.cooperative_id)
        category = db.session.get(Category, line.category_id)
        organization = db.session.get(Organization, ledger.organization_ids[0])
        picked = {"cooperative": (cooperative.id, cooperative.name), "category": (category.id, category.name_zh),
                  "organization": (organization.id, organization.name)}
        expected = rc.recount(lambda order, line, *a: ["all"] if (
            line.cooperative_id == cooperative.id and line.category_id == category.id) else [])["all"]
    html = staff.get("/staff/tallies/").get_data(as_text=True)
    for value, name in picked.values():
        assert re.search(rf'<option value="{value}">{re.escape(name)}', html)
    assert '<option value="652929">柯坪县</option>' in html

    query = f"by=county&cooperative={picked['cooperative'][0]}&category={picked['category'][0]}"
    html = staff.get(f"/staff/tallies/?{query}").get_data(as_text=True)
    assert f'<option value="{picked["cooperative"][0]}" selected>{picked["cooperative"][1]}' in html
    assert expected[4] > 0 and format_fen(expected[4] - expected[5]) in html

    sheet = load_workbook(io.BytesIO(staff.get(f"/staff/tallies/export.xlsx?{query}").data)).active
    described = {row[0]: row[1] for row in sheet.iter_rows(max_row=8, values_only=True) if row and row[0]}
    assert described["合作社"] == "{1} ({0})".format(*picked["cooperative"])
    assert described["分类"] == "{1} ({0})".format(*picked["category"])


def test_products_are_named_by_their_latest_line_across_statements(app_ctx):
    """The by-product tally names each product from the snapshot of its latest line (the name it was last sold
    under), found product by product, several statements' worth of products."""
    buyer = make_user()
    products = [make_product(stock=100) for _ in range(5)]
    paid = datetime(2026, 3, 1, 4, 0, tzinfo=timezone.utc)
    for product in products:
        make_paid_order(buyer, (product, 1), paid_at=paid)
    renamed = db.session.get(Product, products[2].id)
    renamed.name = "新疆薄皮核桃（新包装）"
    db.session.commit()
    make_paid_order(buyer, (renamed, 1), paid_at=paid)
    make_paid_order(make_user(), (products[0], 1), paid_at=paid)
    ids = [product.id for product in products]
    found = labels._latest_lines(ids, chunk=2)
    assert sorted(found) == sorted(ids)
    assert found[products[2].id].product_name == "新疆薄皮核桃（新包装）"
    assert {found[p.id].product_name for p in products if p.id != products[2].id} == {
        p.name for p in products if p.id != products[2].id}
    result = tally("product", Filters())
    assert [row.keys["product"] for row in result.rows if row.keys["product_id"] == products[2].id] == [
        "新疆薄皮核桃（新包装）"]
    assert labels._latest_lines([]) == {}

"""One table of tally columns read by every output; the staff page reads the ledger no more than it needs."""
from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from shop.extensions import db
from shop.orders import lifecycle
from shop.payments.models import Method, Payment
from shop.payments.refunds import refund_order
from shop.reports import columns
from shop.reports.ledger import GROUPINGS
from tests.factories import make_cooperative, make_product, make_user
from tests.order_factories import make_order
from tests.web import english, login

JANUARY = datetime(2026, 1, 10, 2, 0, tzinfo=timezone.utc)
FEBRUARY = datetime(2026, 2, 10, 2, 0, tzinfo=timezone.utc)


def test_every_grouping_names_its_columns_in_the_table():
    for grouping in GROUPINGS.values():
        keys = columns.key_columns(grouping)
        assert [column.key for column in keys] == list(grouping.keys)
        assert len({column.key for column in columns.columns_of(grouping)}) == len(grouping.keys) + 7
    formats = {columns.MONEY, columns.WEIGHT, columns.COUNT, columns.TEXT, columns.DATE}
    for column in list(columns.KEY_COLUMNS.values()) + list(columns.METRIC_COLUMNS):
        assert column.format in formats and column.header and str(column.label)
        assert (column.source is not None) == (column in columns.METRIC_COLUMNS)


@pytest.fixture
def refunded_sale(app):
    """Two units of a ¥45.80, 1 kg product paid in January; one unit refunded in February."""
    with app.app_context():
        make_user(email="columns-staff@example.cn", is_staff=True)
        buyer = make_user()
        product = make_product(make_cooperative("652929", name="-柯坪合作社"), name="=红枣", price_fen=4580,
                               net_weight_g=1000, stock=10)
        order = make_order(buyer, (product, 2), now=JANUARY)
        db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                               reference="COLUMNS1", received_at=JANUARY))
        db.session.commit()
        lifecycle.mark_paid(order.id, now=JANUARY)
        refund_order(order.id, {order.lines[0].id: 1}, reason="破损", restock=False, actor_id=buyer.id,
                     request_token=secrets.token_hex(16), now=FEBRUARY)


@pytest.fixture
def staff(app, refunded_sale):
    client = app.test_client()
    login(client, "columns-staff@example.cn")
    return client


def test_a_negative_month_stays_numbers_in_csv_while_text_is_neutralised(staff):
    text = staff.get("/staff/tallies/export.csv?by=product&from=2026-02-01&to=2026-02-28").get_data(as_text=True)
    [row] = csv.DictReader(io.StringIO(text[1:], newline=""))
    assert (row["product"], row["cooperative"]) == ("'=红枣", "'-柯坪合作社")
    assert (row["units"], row["weight_kg"], row["gross_yuan"], row["refunded_yuan"], row["net_yuan"]) == \
        ("-1", "-1.000", "0.00", "45.80", "-45.80")


def test_xlsx_cells_are_typed_by_the_columns_format(staff):
    data = staff.get("/staff/tallies/export.xlsx?by=month").data
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    header_at = next(i for i, row in enumerate(rows) if row[0].value == "月份")
    assert [cell.value for cell in rows[header_at]] == ["月份", "订单数", "采购方数", "件数", "重量（千克）",
                                                        "销售额（元）", "退款额（元）", "净额（元）"]
    january, february = rows[header_at + 1], rows[header_at + 2]
    assert january[0].value == datetime(2026, 1, 1) and january[0].number_format == "yyyy-mm"
    assert [cell.value for cell in january[1:]] == [1, 1, 2, 2, 91.6, 0, 91.6]
    assert [cell.value for cell in february[1:]] == [0, 0, -1, -1, 0, 45.8, -45.8]
    assert [cell.number_format for cell in february[1:]] == ["0", "0", "0", "0.000", "#,##0.00", "#,##0.00",
                                                             "#,##0.00"]
    assert rows[-1][0].value == "合计" and rows[-1][7].value == 45.8


def test_the_api_and_the_page_use_the_same_columns(app, staff, runner):
    token = runner.invoke(args=["create-api-token", "columns"]).output.strip().splitlines()[0]
    body = app.test_client().get("/api/v1/tallies?by=month", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["rows"][1] == {"month": "2026-02", "orders": 0, "buyers": 0, "units": -1, "weight_kg": "-1.000",
                               "gross_yuan": "0.00", "refunded_yuan": "45.80", "net_yuan": "-45.80"}
    assert body["totals"]["net_yuan"] == "45.80"
    english(staff)
    html = staff.get("/staff/tallies/?by=county").get_data(as_text=True)
    assert "<th>Helper regions</th>" in html and '<th class="num">Weight (kg)</th>' in html
    assert "<strong>¥45.80</strong>" in html and '<td class="num">1.000</td>' in html
    with staff.session_transaction() as session:
        session["lang"] = "zh_CN"
    html = staff.get("/staff/tallies/?by=county").get_data(as_text=True)
    assert "<th>帮扶方</th>" in html and '<th class="num">净销售额</th>' in html


def _ledger_scans(app, client, url: str, marker: str = "AS ledger") -> int:
    """How many statements the request runs over the ledger subquery (or over what `marker` names)."""
    scans = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if marker in statement:
            scans.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(scans)


@pytest.mark.parametrize("by, scans", [
    ("prefecture", 3),  # the table and its totals, then county and month for the charts (six before: with totals)
    ("county", 2),  # the table and its totals in one statement, the table is the county chart's; the month chart
    ("month", 2),  # the table and its totals in one statement, the county chart (three before)
])
def test_the_tallies_page_reads_the_ledger_once_per_figure(app, staff, by, scans):
    assert _ledger_scans(app, staff, f"/staff/tallies/?by={by}") == scans
    assert _ledger_scans(app, staff, f"/staff/tallies/export.csv?by={by}") == 1  # no totals row in CSV
    # The distinct buyers, groups and totals: one statement over who bought what in the period.
    assert _ledger_scans(app, staff, f"/staff/tallies/?by={by}", "AS bought") == 1
    assert _ledger_scans(app, staff, f"/staff/tallies/export.csv?by={by}", "AS bought") == 1

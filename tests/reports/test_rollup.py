"""The daily rollup equals the ledger read from the lines, fen for fen, on random scenarios; reconcile-tallies
finds and repairs differences."""
from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, inspect, select, update

from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order
from shop.payments import refunds
from shop.payments.models import Method, Payment, Refund
from shop.regions.models import PairingKind
from shop.reports import rollup, rollup_read
from shop.reports.ledger import GROUPINGS, Filters, grouped_statement, totals_statement
from shop.reports.rollup_models import BUYER_GRAIN, BUYER_SUMS, GRAIN, SUMS, DailyTally, MonthlyBuyer
from tests.factories import (
    add_to_organization,
    make_category,
    make_cooperative,
    make_organization,
    make_pairing,
    make_product,
    make_user,
)
from tests.order_factories import make_order

COUNTIES = ["652929", "522633", "522632", "513334"]
FIRST = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _pay(order: Order, paid: datetime, method: Method) -> None:
    db.session.add(Payment(order_id=order.id, method=method, amount_fen=order.total_fen,
                           reference=secrets.token_hex(6), received_at=paid))
    db.session.commit()
    lifecycle.mark_paid(order.id, now=paid)


def _refund(order_id: int, quantities: dict[int, int], when: datetime, staff_id: int, by_card: bool) -> None:
    refund = refunds.refund_order(order_id, quantities, reason="破损", restock=False, actor_id=staff_id,
                                  request_token=secrets.token_hex(16), now=when)
    if by_card:  # pending until the provider's answer: settled by a bulk UPDATE, as the webhook does
        provider_id = f"re_{secrets.token_hex(6)}"
        db.session.execute(update(Refund).where(Refund.id == refund.id).values(provider_refund_id=provider_id))
        db.session.commit()
        # Settled up to a day later, sometimes across China midnight.
        refunds.settle_from_stripe(provider_id, "succeeded", when + timedelta(hours=order_id % 30))
        db.session.commit()


def scenario(seed: int) -> dict:
    """Orders for the public and organizations over a few months, paid around China midnight among other times,
    with partial and full refunds (bank and card) on later days, and a pairing that ends in the period."""
    rng = random.Random(seed)
    make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
    make_pairing(helper="330000", recipient="652929", starts_on=date(2017, 1, 1))
    make_pairing(helper="330100", recipient="522633", kind=PairingKind.EAST_WEST, starts_on=date(2013, 1, 1),
                 ends_on=date(2026, 2, 14))
    make_pairing(helper="330100", recipient="522632", kind=PairingKind.EAST_WEST, starts_on=date(2013, 1, 1))
    categories = [make_category("nuts", "干果坚果", "Nuts"), make_category("meat", "肉禽蛋品", "Meat")]
    products = []
    for county in COUNTIES:
        coop = make_cooperative(county)
        for category in categories + [None]:
            products.append(make_product(coop, category, price_fen=rng.choice([990, 4580, 12800]),
                                         net_weight_g=rng.choice([250, 1000]), stock=10_000))
    staff = make_user(is_staff=True)
    people = [make_user() for _ in range(4)]
    organizations = []
    for kind in ("budget_unit", "union"):
        organization = make_organization(kind=kind, region=rng.choice(["330500", "330100"]))
        member = make_user()
        add_to_organization(member, organization)
        organizations.append((organization.id, member))
    for n in range(24):
        day = FIRST + timedelta(days=rng.randrange(90))
        # 16:00 UTC is midnight in China: a minute either side lands on different China days.
        paid = day.replace(hour=16) + timedelta(minutes=rng.choice([-1, 0, 1])) if n % 3 == 0 else \
            day + timedelta(minutes=rng.randrange(24 * 60))
        items = [(product, rng.randint(1, 3)) for product in rng.sample(products, rng.randint(1, 4))]
        if rng.random() < 0.4:
            org_id, member = rng.choice(organizations)
            order = make_order(member, *items, organization_id=org_id, now=paid - timedelta(minutes=5))
        else:
            order = make_order(rng.choice(people), *items, now=paid - timedelta(minutes=5))
        if rng.random() < 0.1:
            continue  # never paid: counts nothing
        by_card = rng.random() < 0.4
        _pay(order, paid, Method.CARD if by_card else Method.BANK_TRANSFER)
        order = db.session.get(Order, order.id)
        fate = rng.random()
        later = paid + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 23))
        if fate < 0.25:  # full refund
            _refund(order.id, {line.id: line.quantity for line in order.lines}, later, staff.id, by_card)
        elif fate < 0.55:  # partial refund, sometimes in two steps
            line = rng.choice(order.lines)
            _refund(order.id, {line.id: 1}, later, staff.id, by_card)
            if line.quantity > 1 and rng.random() < 0.5:
                _refund(order.id, {line.id: 1}, later + timedelta(days=3), staff.id, False)
    return {"organizations": [org_id for org_id, _ in organizations],
            "cooperatives": sorted({p.cooperative_id for p in products}),
            "categories": [category.id for category in categories]}


def _filters(ids: dict) -> list[Filters]:
    periods = [(None, None), (date(2026, 1, 20), date(2026, 2, 14)), (date(2026, 2, 15), date(2026, 6, 30)),
               (date(2026, 1, 10), date(2026, 1, 10)), (date(2026, 1, 1), date(2026, 3, 31)),
               (date(2026, 2, 10), date.today() + timedelta(days=40))]
    narrower = [Filters(buyer_class="public"), Filters(buyer_class="budget_unit"),
                Filters(organization_id=ids["organizations"][0]), Filters(cooperative_id=ids["cooperatives"][1]),
                Filters(category_id=ids["categories"][0]), Filters(county="652929"),
                Filters(county="522633", category_id=ids["categories"][1])]
    return [Filters(date_from=start, date_to=end) for start, end in periods] + narrower + [
        Filters(date_from=date(2026, 2, 1), date_to=date(2026, 3, 15), buyer_class=f.buyer_class,
                organization_id=f.organization_id, cooperative_id=f.cooperative_id, category_id=f.category_id,
                county=f.county) for f in narrower]


def _figures(statement, sums: int = 6) -> dict:
    return {tuple(record[:-sums]): tuple(int(value) for value in record[-sums:])
            for record in db.session.execute(statement)}


@pytest.mark.parametrize("seed", [11, 2026])
def test_the_rollup_equals_the_lines_for_every_grouping_and_filter(app_ctx, seed):
    ids = scenario(seed)
    answered = with_totals = 0
    for filters in _filters(ids):
        expected_totals = list(_figures(totals_statement(filters)).values())[0]
        for by in GROUPINGS:
            expected = [(code, *sums) for (code,), sums in _figures(grouped_statement(by, filters)).items()]
            groups, _ = rollup_read.tally_records(by, filters, with_totals=False)
            if groups is not None:
                answered += 1
                assert [tuple(record) for record in groups] == expected, (by, filters)
            groups, totals = rollup_read.tally_records(by, filters, with_totals=True)
            if totals is not None:
                with_totals += 1
                assert [tuple(record) for record in groups] == expected, (by, filters)
                assert tuple(totals)[1:] == expected_totals, (by, filters)
    assert answered >= 150  # of 242: all but helpers and filters finer than the grouping
    assert with_totals >= 100  # not with two line filters, whose orders only the lines count
    assert _figures(grouped_statement("county", Filters()))  # the scenario sold something
    assert rollup.differences(db.session.connection(), date(2025, 12, 1), date(2026, 12, 31)) == []


def test_a_period_is_read_as_whole_months_and_the_days_of_part_months():
    today = date(2026, 12, 3)

    def parts(first, last):
        return rollup_read.period_parts(Filters(date_from=first, date_to=last), today)
    assert parts(None, None) == ((None, None), [])
    assert parts(date(2026, 1, 1), date(2026, 3, 31)) == ((date(2026, 1, 1), date(2026, 3, 1)), [])
    assert parts(date(2026, 2, 1), date(2026, 2, 28)) == ((date(2026, 2, 1), date(2026, 2, 1)), [])
    assert parts(date(2026, 1, 20), date(2026, 2, 14)) == (None, [(date(2026, 1, 20), date(2026, 1, 31)),
                                                                  (date(2026, 2, 1), date(2026, 2, 14))])
    assert parts(date(2026, 2, 15), date(2026, 6, 30)) == ((date(2026, 3, 1), date(2026, 6, 1)),
                                                           [(date(2026, 2, 15), date(2026, 2, 28))])
    assert parts(date(2026, 1, 10), date(2026, 1, 10)) == (None, [(date(2026, 1, 10), date(2026, 1, 10))])
    assert parts(None, date(2026, 3, 15)) == ((None, date(2026, 2, 1)), [(date(2026, 3, 1), date(2026, 3, 15))])
    assert parts(date(2024, 2, 10), None) == ((date(2024, 3, 1), None), [(date(2024, 2, 10), date(2024, 2, 29))])
    # Ending today or later: nothing can have been paid after today, so the period ends with its month.
    assert parts(date(2026, 1, 1), today) == ((date(2026, 1, 1), None), [])
    assert parts(date(2026, 12, 2), date(2027, 1, 31)) == ((date(2027, 1, 1), None),
                                                           [(date(2026, 12, 2), date(2026, 12, 31))])


def test_the_charts_net_sales_from_the_rollups_sums_equal_the_lines(app, app_ctx):
    """The staff page's charts sum the rollup per month and per county (no distinct counts); they equal the month
    and county tallies read from the lines under every filter, and, with the rollup off, are those tallies."""
    from shop.reports.labels import region_names

    def from_lines(by: str, filters: Filters) -> list[tuple[str, int]]:
        figures = {code: sums[4] - sums[5] for (code,), sums in _figures(grouped_statement(by, filters)).items()}
        names = region_names(figures) if by == "county" else {}
        return [(names.get(code, code), net_fen) for code, net_fen in sorted(figures.items())]

    ids = scenario(5)
    for filters in _filters(ids):
        assert rollup_read.monthly_net_sales(filters) == from_lines("month", filters), filters
        assert rollup_read.county_net_sales(filters) == from_lines("county", filters), filters
    assert len(rollup_read.monthly_net_sales(Filters())) >= 3  # the scenario's sales span months
    assert len(rollup_read.county_net_sales(Filters())) == len(COUNTIES)
    app.config["TALLY_ROLLUP"] = False
    try:
        assert rollup_read.monthly_net_sales(Filters()) == from_lines("month", Filters())
        assert rollup_read.county_net_sales(Filters()) == from_lines("county", Filters())
    finally:
        app.config["TALLY_ROLLUP"] = True


def test_what_the_rollup_cannot_answer_is_left_to_the_lines():
    assert rollup_read.orders_column("helper", Filters()) is None
    assert rollup_read.orders_column("prefecture", Filters(county="652929")) is None
    assert rollup_read.orders_column("county", Filters(cooperative_id=1)) is None
    assert rollup_read.orders_column("month", Filters(county="652929", cooperative_id=1)) is None
    assert rollup_read.orders_column("product", Filters(county="652929", cooperative_id=1)) == "orders"
    assert rollup_read.orders_column("month", Filters(county="652929")) == "orders_county"


def test_the_tallies_read_the_rollup(app, app_ctx):
    """Cells changed behind the rollups' backs show on the page's figures: proof that they come from them."""
    scenario(7)
    db.session.execute(update(DailyTally).values(gross_fen=DailyTally.gross_fen + 1))
    db.session.execute(delete(MonthlyBuyer).where(MonthlyBuyer.month == date(2026, 2, 1)))
    db.session.commit()
    cells = db.session.scalar(select(db.func.count()).select_from(DailyTally))
    from shop.reports.ledger import tally
    lines = list(_figures(totals_statement(Filters())).values())[0]
    february = Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    assert list(_figures(totals_statement(february)).values())[0][1] > 0  # February had buyers
    assert tally("county", Filters()).require_totals().gross_fen == lines[4] + cells
    assert tally("county", february).require_totals().buyers == 0
    assert tally("county", Filters(date_from=date(2026, 2, 2), date_to=date(2026, 2, 28))).require_totals().buyers > 0
    app.config["TALLY_ROLLUP"] = False
    try:
        assert tally("county", Filters()).require_totals().gross_fen == lines[4]
        assert tally("county", february).require_totals().buyers > 0
    finally:
        app.config["TALLY_ROLLUP"] = True


def test_reconcile_tallies_reports_and_repairs(app, app_ctx):
    scenario(5)
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["reconcile-tallies"])
    assert clean.exit_code == 0 and " 0 cells on 0 days and 0 buyer cells in 0 months differ" in clean.output, \
        clean.output
    changed = db.session.scalars(select(DailyTally).where(DailyTally.lines > 0).order_by(DailyTally.id)).first()
    changed_day = changed.day
    db.session.execute(update(DailyTally).where(DailyTally.id == changed.id)
                       .values(gross_fen=DailyTally.gross_fen + 7))
    lost = db.session.scalars(select(DailyTally).where(DailyTally.day != changed_day)
                              .order_by(DailyTally.id.desc())).first()
    db.session.execute(delete(DailyTally).where(DailyTally.id == lost.id))
    buyer = db.session.scalars(select(MonthlyBuyer).order_by(MonthlyBuyer.id)).first()
    db.session.execute(delete(MonthlyBuyer).where(MonthlyBuyer.id == buyer.id))
    db.session.commit()
    found = runner.invoke(args=["reconcile-tallies"])
    assert found.exit_code == 1, found.output
    assert "2 cells on 2 days and 1 buyer cells in 1 months differ" in found.output, found.output
    assert f"day={changed_day}" in found.output and "gross_fen " in found.output and f"day={lost.day}" in found.output
    assert f"differs in monthly_buyers: month={buyer.month}" in found.output
    assert f"buyer_key={buyer.buyer_key}: lines 0 (lines: {buyer.lines})" in found.output
    db.session.remove()
    repaired = runner.invoke(args=["reconcile-tallies", "--repair"])
    assert repaired.exit_code == 0 and "rebuilt them" in repaired.output, repaired.output
    after = runner.invoke(args=["reconcile-tallies", "--from", "2026-01-01", "--to", "2026-12-31"])
    assert after.exit_code == 0 and " 0 cells on 0 days and 0 buyer cells in 0 months differ" in after.output, \
        after.output


def test_reconcile_tallies_refuses_a_backwards_period(app):
    result = app.test_cli_runner().invoke(args=["reconcile-tallies", "--from", "2026-03-01", "--to", "2026-02-01"])
    assert result.exit_code != 0 and "--to is before --from" in result.output


def _both_rollups() -> tuple[dict, dict]:
    days = select(*[DailyTally.__table__.c[name] for name in (*GRAIN, *SUMS)])
    months = select(*[MonthlyBuyer.__table__.c[name] for name in (*BUYER_GRAIN, *BUYER_SUMS)])
    return _figures(days, len(SUMS)), _figures(months, len(BUYER_SUMS))


def test_the_back_fill_rebuilds_both_rollups_from_the_lines(app_ctx):
    """What migration 0029 runs on existing data: rebuild() with no period."""
    scenario(3)
    kept = _both_rollups()
    db.session.execute(delete(DailyTally))
    db.session.execute(delete(MonthlyBuyer))
    rollup.rebuild(db.session.connection())
    db.session.commit()
    assert kept[0] and kept[1] and _both_rollups() == kept


def test_migration_0029_fills_both_rollups_from_the_orders_already_paid(app_ctx):
    """Upgraded from 0028 (the person in the daily grain) with orders already paid and refunded, the shop's tallies
    have both rollups filled as the transactions would have; downgraded, the old table is back."""
    scenario(9)
    kept = _both_rollups()
    db.session.commit()
    from flask_migrate import downgrade, upgrade
    downgrade(revision="0028")
    columns = {column["name"] for column in inspect(db.engine).get_columns("daily_tallies")}
    assert "buyer_key" in columns and not inspect(db.engine).has_table("monthly_buyers")
    upgrade()
    assert kept[0] and kept[1] and _both_rollups() == kept

"""Pledge progress equals an independent recount from the orders and refunds, following the tallies' rules: orders
placed for the organization, on their paid day in China time, refunds negative in their own month; other
organizations' orders and a member's personal orders do not count."""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from shop.accounts.models import OrganizationRole
from shop.core.timezones import china_date
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order
from shop.organizations.pledges import PledgeTerms, save_pledge
from shop.payments.models import Method, Payment, Refund, RefundStatus
from shop.payments.refunds import refund_order
from shop.reports.pledges import all_progress, progress, split_evenly, year_elapsed
from tests.factories import (
    add_to_organization,
    make_cooperative,
    make_organization,
    make_pairing,
    make_product,
    make_user,
)
from tests.order_factories import make_order

TIED = ("522633", "652929")


def _utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def paid_order(user, items, paid_at: datetime, organization_id: int | None = None) -> Order:
    """An order placed a few minutes before `paid_at` and paid by bank transfer at `paid_at`."""
    order = make_order(user, *items, organization_id=organization_id, now=paid_at - timedelta(minutes=5))
    db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                           reference=secrets.token_hex(4), received_at=paid_at))
    db.session.commit()
    lifecycle.mark_paid(order.id, now=paid_at)
    return db.session.get(Order, order.id)


@pytest.fixture
def scene(app_ctx):
    """Organization A (pledged, tied to 从江 and 柯坪) and B; A's purchaser also buys for himself."""
    for county in ("652929", "522633", "522632"):
        make_pairing(helper="330500", recipient=county, starts_on=date(2010, 1, 1))
    products = {county: make_product(make_cooperative(county), price_fen=price, stock=1000)
                for county, price in (("652929", 4580), ("522633", 8800), ("522632", 12345))}
    org_a, org_b = make_organization(name="甲单位"), make_organization(name="乙单位")
    admin, purchaser, other = make_user(), make_user(), make_user()
    add_to_organization(admin, org_a, OrganizationRole.ADMIN)
    add_to_organization(purchaser, org_a)
    add_to_organization(other, org_b)
    staff = make_user(is_staff=True)
    save_pledge(admin.id, org_a.id, PledgeTerms(2026, target_fen=1_000_000, county_codes=TIED), new=True)
    save_pledge(admin.id, org_a.id, PledgeTerms(2025, target_fen=500), new=True)
    keping, congjiang, rongjiang = products["652929"], products["522633"], products["522632"]
    # 00:30 on 1 February in China: counts in February.
    first = paid_order(purchaser, [(keping, 4), (rongjiang, 1)], _utc(2026, 1, 31, 16, 30), org_a.id)
    paid_order(purchaser, [(congjiang, 2)], _utc(2026, 3, 10, 2), org_a.id)
    paid_order(purchaser, [(keping, 1)], _utc(2025, 12, 31, 15, 0), org_a.id)  # 23:00 on 31 Dec 2025: last year
    paid_order(purchaser, [(keping, 3)], _utc(2026, 12, 31, 16, 1), org_a.id)  # 1 Jan 2027 in China: next year
    make_order(purchaser, (congjiang, 5), organization_id=org_a.id, now=_utc(2026, 4, 1))  # never paid
    paid_order(purchaser, [(keping, 7)], _utc(2026, 2, 3, 3))  # personal: not the organization's
    paid_order(other, [(keping, 9), (congjiang, 1)], _utc(2026, 2, 4, 3), org_b.id)  # another organization's
    line = next(line for line in first.lines if line.origin_county_code == "652929")
    # A refund three months later counts negative in May, for 柯坪.
    refund_order(first.id, {line.id: 1}, reason="破损", restock=False, actor_id=staff.id,
                 request_token=secrets.token_hex(16), now=_utc(2026, 5, 6, 1))
    return org_a.id, org_b.id


def recount(organization_id: int, year: int):
    """Net fen by county and by month, straight from the orders and refunds (not through the ledger)."""
    by_county: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for order in db.session.scalars(select(Order).where(Order.organization_id == organization_id)):
        if order.paid_at is None or china_date(order.paid_at).year != year:
            continue
        for line in order.lines:
            by_county[line.origin_county_code] += line.unit_price_fen * line.quantity
            by_month[china_date(order.paid_at).strftime("%Y-%m")] += line.unit_price_fen * line.quantity
    for refund in db.session.scalars(select(Refund).where(Refund.status == RefundStatus.SUCCEEDED)):
        order = db.session.get(Order, refund.order_id)
        if order.organization_id != organization_id or china_date(refund.refunded_at).year != year:
            continue
        for refund_line in refund.lines:
            by_county[refund_line.order_line.origin_county_code] -= refund_line.amount_fen
            by_month[china_date(refund.refunded_at).strftime("%Y-%m")] -= refund_line.amount_fen
    return dict(by_county), dict(by_month)


def test_progress_equals_an_independent_recount(scene):
    org_a, _org_b = scene
    result = progress(org_a, 2026, today=date(2026, 7, 2))
    by_county, by_month = recount(org_a, 2026)
    assert {county.code: county.net_fen for county in result.counties} == by_county
    assert {figure.month: figure.net_fen for figure in result.months} == by_month
    assert result.total_fen == sum(by_county.values())
    assert result.tied_fen == sum(by_county.get(code, 0) for code in TIED)
    # The same figures by hand: 4 × 45.80 − 45.80 refunded (柯坪), 2 × 88.00 (从江), 123.45 (榕江, not tied).
    assert by_county == {"652929": 3 * 4580, "522633": 2 * 8800, "522632": 12345}
    assert by_month == {"2026-02": 4 * 4580 + 12345, "2026-03": 2 * 8800, "2026-05": -4580}
    assert result.counted_fen == 3 * 4580 + 2 * 8800
    assert result.remaining_fen == 1_000_000 - result.counted_fen
    assert result.percent == result.counted_fen * 100 // 1_000_000


def test_the_other_organization_counts_only_its_own(scene):
    _org_a, org_b = scene
    assert progress(org_b, 2026) is None  # no pledge
    with_pledge = {row.organization_id for row in all_progress(2026)}
    assert org_b not in with_pledge


def test_last_years_pledge_counts_last_years_orders(scene):
    org_a, _org_b = scene
    result = progress(org_a, 2025)
    assert (result.total_fen, result.counted_fen, result.tied) == (4580, 4580, False)
    assert [figure.month for figure in result.months] == ["2025-12"]


def test_tied_counties_are_behind_when_below_their_share_of_the_year_so_far(scene):
    org_a, _org_b = scene
    today = date(2026, 7, 2)  # day 183 of 365
    result = progress(org_a, 2026, today=today)
    tied = {county.code: county for county in result.counties if county.tied}
    assert set(tied) == set(TIED) and all(county.share_fen == 500_000 for county in tied.values())
    assert all(county.due_fen == 500_000 * 183 // 365 for county in tied.values())
    assert [county.code for county in result.behind] == ["522633", "652929"]  # 17,600 and 13,740 fen < 250,684
    early = progress(org_a, 2026, today=date(2026, 1, 1))  # 1/365 of 500,000 fen is due: 1,369 fen
    assert early.behind == [] and {county.due_fen for county in early.counties if county.tied} == {1369}


def test_staff_list_matches_each_organizations_progress(scene):
    org_a, _org_b = scene
    [row] = all_progress(2026, today=date(2026, 7, 2))
    assert row == progress(org_a, 2026, today=date(2026, 7, 2))


@pytest.mark.parametrize("total, codes", [(1_000_000, ["652929", "522633"]), (100, ["a", "b", "c"]), (7, ["x"]),
                                          (2, ["a", "b", "c"])])
def test_split_evenly_adds_up(total, codes):
    shares = split_evenly(total, codes)
    assert sum(shares.values()) == total and max(shares.values()) - min(shares.values()) <= 1


def test_year_elapsed():
    assert year_elapsed(2025, date(2026, 3, 1)) == (365, 365)
    assert year_elapsed(2027, date(2026, 3, 1)) == (0, 365)
    assert year_elapsed(2028, date(2028, 12, 31)) == (366, 366)

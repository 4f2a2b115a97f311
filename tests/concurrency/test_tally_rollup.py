"""Real threads paying and refunding orders that add to the same rollup cells: no increment is lost."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import OrderLine
from shop.payments.models import Method, Payment
from shop.payments.refunds import refund_order
from shop.reports import rollup
from shop.reports.rollup_models import DailyTally, MonthlyBuyer
from tests.concurrency.test_checkout_races import race
from tests.factories import add_to_organization, make_organization, make_product, make_user
from tests.order_factories import make_order

PAID = datetime(2026, 5, 1, 2, 0, tzinfo=timezone.utc)
BUYERS = 12


def test_concurrent_payments_and_refunds_add_up_in_the_rollup(app):
    with app.app_context():
        product = make_product(price_fen=1250, net_weight_g=500, stock=1_000)
        organization = make_organization()
        staff = make_user(is_staff=True)
        order_ids = []
        for _ in range(BUYERS):  # one organization's purchasers: every order lands in the same cell
            member = make_user()
            add_to_organization(member, organization)
            order = make_order(member, (product, 2), organization_id=organization.id, now=PAID - timedelta(minutes=5))
            db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                                   reference=secrets.token_hex(6), received_at=PAID))
            order_ids.append(order.id)
        db.session.commit()
        staff_id = staff.id

    paid = race(app, [lambda order_id=order_id: lifecycle.mark_paid(order_id, now=PAID) for order_id in order_ids])
    assert not [result for result in paid if isinstance(result, Exception)], paid

    def refund_one(order_id: int):
        line_id = db.session.scalar(select(OrderLine.id).where(OrderLine.order_id == order_id))
        return refund_order(order_id, {line_id: 1}, reason="破损", restock=False, actor_id=staff_id,
                            request_token=secrets.token_hex(16), now=PAID + timedelta(days=3))
    refunded = race(app, [lambda order_id=order_id: refund_one(order_id) for order_id in order_ids])
    assert not [result for result in refunded if isinstance(result, Exception)], refunded

    with app.app_context():
        sums = db.session.execute(select(func.sum(DailyTally.lines), func.sum(DailyTally.units),
                                         func.sum(DailyTally.gross_fen), func.sum(DailyTally.refunded_fen),
                                         func.sum(DailyTally.orders_all), func.count())).one()
        assert tuple(int(value) for value in sums) == (BUYERS, BUYERS, BUYERS * 2500, BUYERS * 1250, BUYERS, 2)
        # One organization, one product, one month: one buyer cell, every payment's line added to it.
        assert db.session.execute(select(MonthlyBuyer.lines)).scalars().all() == [BUYERS]
        assert rollup.differences(db.session.connection(), date(2026, 4, 1), date(2026, 5, 31)) == []

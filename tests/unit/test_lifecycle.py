"""The order state machine: allowed steps, refused steps, timestamps, stock given back."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.core.database import utcnow
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.exceptions import IllegalTransition, OrderError
from shop.orders.models import Order, OrderStatus
from tests.factories import make_cooperative, make_product, make_user
from tests.order_factories import make_order

pytestmark = pytest.mark.usefixtures("app_ctx")
S = OrderStatus


def stock(product_id):
    return db.session.scalar(select(Product.stock).where(Product.id == product_id))


@pytest.fixture
def order_with_two_cooperatives():
    user = make_user()
    first, second = make_cooperative("652929"), make_cooperative("522633")
    a, b = make_product(first, stock=10), make_product(second, stock=10)
    order = make_order(user, (a, 2), (b, 3))
    return order, user, first, second, a, b


def test_the_whole_happy_path_is_timestamped(order_with_two_cooperatives):
    order, user, first, second, _, _ = order_with_two_cooperatives
    lifecycle.mark_paid(order.id)
    lifecycle.ship(order.id, first.id, "顺丰", "SF1001", None)
    assert db.session.get(Order, order.id).status == S.PAID  # one cooperative still to ship
    lifecycle.ship(order.id, second.id, "中国邮政", "EMS2002", None)
    order = db.session.get(Order, order.id)
    assert order.status == S.SHIPPED and len(order.shipments) == 2
    lifecycle.confirm_receipt(order.id, user.id)
    done = lifecycle.complete_due_orders(days=7, now=utcnow() + timedelta(days=8))
    order = db.session.get(Order, order.id)
    assert done == [order.number] and order.status == S.COMPLETED
    assert order.paid_at and order.shipped_at and order.received_at and order.completed_at
    assert [e.to_status for e in order.events] == [S.PENDING_PAYMENT, S.PAID, S.SHIPPED, S.RECEIVED, S.COMPLETED]
    assert all(e.at is not None for e in order.events)


@pytest.mark.parametrize("current, target", [
    (S.PENDING_PAYMENT, S.SHIPPED), (S.PENDING_PAYMENT, S.RECEIVED), (S.PAID, S.PENDING_PAYMENT),
    (S.SHIPPED, S.CANCELLED), (S.RECEIVED, S.PAID), (S.COMPLETED, S.CANCELLED), (S.CANCELLED, S.PAID),
])
def test_illegal_transitions(current, target):
    assert not lifecycle.can_transition(current, target)


def test_illegal_steps_raise_a_clear_error(order_with_two_cooperatives):
    order, user, first, *_ = order_with_two_cooperatives
    with pytest.raises(IllegalTransition):
        lifecycle.confirm_receipt(order.id, user.id)
    with pytest.raises(IllegalTransition):
        lifecycle.ship(order.id, first.id, "顺丰", "SF1", None)
    lifecycle.mark_paid(order.id)
    with pytest.raises(IllegalTransition):
        lifecycle.mark_paid(order.id)
    assert db.session.get(Order, order.id).status == S.PAID


def test_completion_waits_for_the_after_sales_window(order_with_two_cooperatives):
    order, user, first, second, *_ = order_with_two_cooperatives
    lifecycle.mark_paid(order.id)
    lifecycle.ship(order.id, first.id, "顺丰", "SF1", None)
    lifecycle.ship(order.id, second.id, "顺丰", "SF2", None)
    lifecycle.confirm_receipt(order.id, user.id)
    assert lifecycle.complete_due_orders(days=7, now=utcnow() + timedelta(days=6)) == []


def test_shipping_twice_or_for_a_stranger_is_refused(order_with_two_cooperatives):
    order, _, first, _, _, _ = order_with_two_cooperatives
    lifecycle.mark_paid(order.id)
    lifecycle.ship(order.id, first.id, "顺丰", "SF1", None)
    with pytest.raises(IllegalTransition):
        lifecycle.ship(order.id, first.id, "顺丰", "SF1", None)
    with pytest.raises(OrderError):
        lifecycle.ship(order.id, make_cooperative().id, "顺丰", "SF3", None)
    with pytest.raises(OrderError):
        lifecycle.ship(order.id, first.id, " ", "", None)


def test_buyer_cancels_an_unpaid_order_and_stock_comes_back(order_with_two_cooperatives):
    order, user, _, _, a, b = order_with_two_cooperatives
    assert (stock(a.id), stock(b.id)) == (8, 7)
    lifecycle.cancel_order(order.id, user.id, "不要了")
    order = db.session.get(Order, order.id)
    assert order.status == S.CANCELLED and order.cancelled_at and order.cancel_reason == "不要了"
    assert (stock(a.id), stock(b.id)) == (10, 10)
    with pytest.raises(IllegalTransition):
        lifecycle.cancel_order(order.id, user.id, "again")
    assert (stock(a.id), stock(b.id)) == (10, 10)


def test_a_paid_order_is_not_cancelled_but_refunded(order_with_two_cooperatives):
    order, user, _, _, a, _ = order_with_two_cooperatives
    lifecycle.mark_paid(order.id)
    with pytest.raises(IllegalTransition):
        lifecycle.cancel_order(order.id, user.id, "不要了")
    staff = make_user(is_staff=True)
    with pytest.raises(IllegalTransition):
        lifecycle.cancel_order(order.id, staff.id, "库存盘点有误", by_staff=True)
    assert db.session.get(Order, order.id).status == S.PAID and db.session.scalar(select(AuditEntry)) is None


def test_staff_cancel_an_unpaid_order_with_a_reason(order_with_two_cooperatives):
    order, user, _, _, a, _ = order_with_two_cooperatives
    staff = make_user(is_staff=True)
    lifecycle.cancel_order(order.id, staff.id, "库存盘点有误", by_staff=True)
    assert db.session.get(Order, order.id).status == S.CANCELLED and stock(a.id) == 10
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_id, entry.action, entry.target_id) == (staff.id, "order.cancel", order.number)
    assert entry.before == {"status": "pending_payment"} and entry.after == {"status": "cancelled"}
    assert entry.note == "库存盘点有误"


def test_unpaid_orders_expire_and_give_stock_back(order_with_two_cooperatives):
    order, _, _, _, a, b = order_with_two_cooperatives
    assert lifecycle.expire_due_orders(now=utcnow()) == []
    later = utcnow() + timedelta(minutes=31)
    assert lifecycle.expire_due_orders(now=later) == [order.number]
    assert lifecycle.expire_due_orders(now=later) == []  # no double restock
    order = db.session.get(Order, order.id)
    assert order.status == S.CANCELLED and order.cancel_reason == lifecycle.EXPIRED_NOTE
    assert (stock(a.id), stock(b.id)) == (10, 10)


def test_paid_orders_never_expire(order_with_two_cooperatives):
    order, *_ = order_with_two_cooperatives
    lifecycle.mark_paid(order.id)
    assert lifecycle.expire_due_orders(now=utcnow() + timedelta(days=1)) == []
    assert lifecycle.expire_if_due(order.id, now=utcnow() + timedelta(days=1)) is None

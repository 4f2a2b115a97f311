"""The order state machine: every step is checked against the allowed transitions and timestamped.

    pending_payment ──paid──▶ paid ──all cooperatives shipped──▶ shipped ──▶ received ──▶ completed
          │                     │
          └──▶ cancelled ◀──────┘ (a paid order only by a full refund: see shop.payments.refunds)

The payments module moves orders to paid and, after a full refund, to cancelled, inside its own
transactions through `record_paid` and `record_refunded_cancel`.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from shop.audit.services import record
from shop.catalog.models import Product
from shop.core.database import rowcount, utcnow, write_transaction
from shop.extensions import db
from shop.orders.emails import queue_order_mail
from shop.orders.exceptions import IllegalTransition, OrderError
from shop.orders.models import (
    EXPIRED,
    STATUS_LABELS,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Shipment,
    gift_lines,
)

S = OrderStatus
TRANSITIONS: dict[OrderStatus, set[OrderStatus]] = {
    S.PENDING_PAYMENT: {S.PAID, S.CANCELLED},
    S.PAID: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.RECEIVED},
    S.RECEIVED: {S.COMPLETED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}
TIMESTAMPS = {S.PAID: "paid_at", S.SHIPPED: "shipped_at", S.RECEIVED: "received_at",
              S.COMPLETED: "completed_at", S.CANCELLED: "cancelled_at"}
EXPIRED_NOTE = "payment time ran out"  # the cancel reason kept on the order; its event has the kind EXPIRED


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def _transition(order: Order, target: OrderStatus, actor_id: int | None, now: datetime, note: str = "",
                kind: str | None = None, params: dict[str, object] | None = None) -> None:
    """Move `order` to `target` inside the caller's transaction, guarded against a concurrent change; the event
    carries a free-text `note` or a `kind` (with its `params`) that is worded when shown."""
    current = order.status
    if not can_transition(current, target):
        raise IllegalTransition(_("An order that is “%(current)s” cannot become “%(target)s”.",
                                  current=order.status_label, target=STATUS_LABELS[target]))
    # Compare-and-set: if another request moved the order meanwhile, this updates nothing.
    values = {"status": target, TIMESTAMPS[target]: now}
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == current).values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise IllegalTransition(_("The order changed meanwhile; please reload the page."))
    db.session.add(OrderEvent(order_id=order.id, at=now, from_status=current, to_status=target,
                              actor_id=actor_id, note=note[:200], kind=kind, params=params))
    db.session.expire(order)


def give_back_stock(quantities: dict[int, int]) -> None:
    """Add quantities back to products' stock (inside the caller's transaction), locking in id order
    like checkout does."""
    for product_id in sorted(quantities):
        db.session.execute(
            update(Product).where(Product.id == product_id)
            .values(stock=Product.stock + quantities[product_id]).execution_options(synchronize_session=False)
        )


def _restock(order: Order) -> None:
    quantities: dict[int, int] = {}
    for line in order.lines:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    give_back_stock(quantities)


def load_order(order_id: int) -> Order:
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is None:
        raise OrderError(_("No such order."))
    return order


def cancel_order(order_id: int, actor_id: int | None, reason: str, *, by_staff: bool = False,
                 now: datetime | None = None) -> Order:
    """Cancel an unpaid order and give its stock back (money taken is given back by a refund instead)."""
    now = now or utcnow()
    with write_transaction(db.session):
        order = load_order(order_id)
        if order.status == S.PAID and by_staff:
            raise IllegalTransition(_("A paid order is cancelled by refunding it in full."))
        if order.status != S.PENDING_PAYMENT and not by_staff:
            raise IllegalTransition(_("Only an unpaid order can be cancelled here; contact us for a paid one."))
        before = order.status
        _transition(order, S.CANCELLED, actor_id, now, reason)
        db.session.execute(update(Order).where(Order.id == order.id).values(cancel_reason=reason[:200]))
        _restock(order)
        if by_staff:
            record(actor_id, "order.cancel", "order", order.number,
                   before={"status": before.value}, after={"status": S.CANCELLED.value}, note=reason)
    return load_order(order_id)


def expire_due_orders(now: datetime | None = None) -> list[str]:
    """Cancel unpaid orders whose payment time has run out, restocking them; return their numbers."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(Order.id).where(Order.status == S.PENDING_PAYMENT, Order.expires_at <= now).order_by(Order.id)
    ))
    expired = []
    for order_id in due:
        order = expire_if_due(order_id, now)
        if order is not None:
            expired.append(order.number)
    return expired


def _lock_for_job(order_id: int) -> Order | None:
    """The order, its row locked until the transaction ends; None while another transaction holds it (on
    PostgreSQL): a job runner on another host is changing it, and waiting only to find it changed would fail the
    job. SQLite renders no lock clause; its writers already take turns."""
    return db.session.scalar(select(Order).where(Order.id == order_id).with_for_update(skip_locked=True, of=Order)
                             .execution_options(populate_existing=True))


def _due(order: Order, now: datetime) -> bool:
    return order.status == S.PENDING_PAYMENT and order.expires_at <= now


def expire_if_due(order_id: int, now: datetime | None = None) -> Order | None:
    """Cancel one order if it is unpaid past its deadline; None when nothing was due."""
    now = now or utcnow()
    if not _due(load_order(order_id), now):
        return None  # the common case, on every pay and order page: no write transaction, no writer lock
    with write_transaction(db.session):
        order = _lock_for_job(order_id)
        if order is None or not _due(order, now):  # checked again under the lock: paid or expired meanwhile
            return None
        _transition(order, S.CANCELLED, None, now, kind=EXPIRED)
        db.session.execute(update(Order).where(Order.id == order.id).values(cancel_reason=EXPIRED_NOTE))
        _restock(order)
    return load_order(order_id)


def record_paid(order: Order, now: datetime, actor_id: int | None = None, kind: str | None = None,
                params: dict[str, object] | None = None) -> None:
    """Move a pending order to paid and queue the buyer's mail, inside the caller's write transaction; `kind` and
    `params` say how (e.g. the payment method, see shop.payments.models.PAID_BY)."""
    _transition(order, S.PAID, actor_id, now, kind=kind, params=params)
    queue_order_mail(load_order(order.id), "paid")


def mark_paid(order_id: int, now: datetime | None = None, actor_id: int | None = None) -> Order:
    """Record payment of a pending order in a transaction of its own."""
    with write_transaction(db.session):
        record_paid(load_order(order_id), now or utcnow(), actor_id)
    return load_order(order_id)


def record_refunded_cancel(order: Order, now: datetime, actor_id: int | None, reason: str) -> None:
    """Cancel a paid, unshipped order whose money has all been refunded (inside the caller's transaction;
    the refund decided about stock)."""
    _transition(order, S.CANCELLED, actor_id, now, reason)
    db.session.execute(update(Order).where(Order.id == order.id).values(cancel_reason=reason[:200]))


def ship(order_id: int, cooperative_id: int, carrier: str, tracking_number: str, actor_id: int | None,
         now: datetime | None = None, *, recipient_id: int | None = None) -> Shipment:
    """Record one cooperative's shipment (in a gift order, of one recipient's lines); the order is shipped once
    every line of it has been."""
    now = now or utcnow()
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise OrderError(_("Carrier and tracking number are required."))
    with write_transaction(db.session):
        order = load_order(order_id)
        if order.status != S.PAID:
            raise IllegalTransition(_("Only a paid order can be shipped."))
        lines = _parcel_lines(order, cooperative_id, recipient_id)
        if any(line.shipment_id for line in lines):
            raise IllegalTransition(_("These lines have already been shipped."))
        shipment = Shipment(order_id=order.id, cooperative_id=cooperative_id, carrier=carrier[:40],
                            tracking_number=tracking_number[:64], shipped_at=now, shipped_by=actor_id,
                            recipient_id=recipient_id)
        db.session.add(shipment)
        db.session.flush()
        db.session.execute(
            update(OrderLine).where(OrderLine.id.in_([line.id for line in lines]))
            .values(shipment_id=shipment.id).execution_options(synchronize_session=False)
        )
        unshipped = db.session.scalar(
            select(OrderLine.id).where(OrderLine.order_id == order.id, OrderLine.shipment_id.is_(None)).limit(1)
        )
        if unshipped is None:
            _transition(order, S.SHIPPED, actor_id, now)
        if unshipped is None or not order.is_gift:  # a gift order's buyer hears once, not once per recipient
            queue_order_mail(load_order(order_id), "shipped")  # one mail per parcel, listing every parcel so far
    return shipment


def _parcel_lines(order: Order, cooperative_id: int, recipient_id: int | None) -> list[OrderLine]:
    """The lines one parcel holds: the cooperative's, and in a gift order only the named recipient's."""
    if order.is_gift != (recipient_id is not None):
        raise OrderError(_("A gift order is shipped per recipient.") if order.is_gift
                         else _("This order has no recipients list."))
    query = select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.cooperative_id == cooperative_id)
    if recipient_id is not None:
        query = query.join(gift_lines, gift_lines.c.order_line_id == OrderLine.id) \
            .where(gift_lines.c.recipient_id == recipient_id)
    lines = list(db.session.scalars(query.order_by(OrderLine.id)))
    if not lines:
        raise OrderError(_("This order has nothing from that cooperative."))
    return lines


def receive_parcel(order_id: int, shipment_id: int, user_id: int, now: datetime | None = None) -> Order:
    """The buyer says one parcel of a gift order arrived; the order is received when every parcel is."""
    now = now or utcnow()
    with write_transaction(db.session):
        order = load_order(order_id)
        shipment = next((s for s in order.shipments if s.id == shipment_id and s.recipient_id is not None), None)
        if shipment is None:
            raise OrderError(_("No such parcel."))
        if shipment.received_at is None:
            db.session.execute(update(Shipment).where(Shipment.id == shipment_id, Shipment.received_at.is_(None))
                               .values(received_at=now).execution_options(synchronize_session=False))
        waiting = db.session.scalar(select(Shipment.id).where(Shipment.order_id == order.id,
                                                              Shipment.received_at.is_(None)).limit(1))
        if order.status == S.SHIPPED and waiting is None:
            _transition(order, S.RECEIVED, user_id, now)
    return load_order(order_id)


def confirm_receipt(order_id: int, user_id: int, now: datetime | None = None) -> Order:
    """The buyer says the goods arrived (in a gift order: every parcel not yet confirmed one by one)."""
    now = now or utcnow()
    with write_transaction(db.session):
        order = load_order(order_id)
        _transition(order, S.RECEIVED, user_id, now)
        db.session.execute(update(Shipment).where(Shipment.order_id == order_id, Shipment.recipient_id.is_not(None),
                                                  Shipment.received_at.is_(None))
                           .values(received_at=now).execution_options(synchronize_session=False))
    return load_order(order_id)


def complete_due_orders(days: int, now: datetime | None = None) -> list[str]:
    """Complete orders received more than `days` ago (the after-sales window has closed)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    due = list(db.session.scalars(
        select(Order.id).where(Order.status == S.RECEIVED, Order.received_at <= cutoff).order_by(Order.id)
    ))
    done = []
    for order_id in due:
        with write_transaction(db.session):
            order = _lock_for_job(order_id)
            if order is not None and order.status == S.RECEIVED:
                _transition(order, S.COMPLETED, None, now)
                done.append(order.number)
    return done

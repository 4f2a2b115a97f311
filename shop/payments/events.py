"""Applying Stripe events, from the webhook or from reconciliation: the only path by which a card, Alipay
or WeChat Pay payment marks an order paid.

Each event id is inserted under a unique constraint in the same transaction as its effects, so a repeated
delivery, even a concurrent one, changes nothing. An event is believed only when its amount, currency and
order number match the attempt and the order. Events never move anything backwards: a failure after a
success, or a late success after a refund, is recorded and ignored.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.core.database import utcnow, write_transaction
from shop.core.money import format_fen
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from shop.payments import refunds
from shop.payments.alerts import raise_alert
from shop.payments.gateway import Event, IntentEvent, RefundEvent
from shop.payments.models import (
    CURRENCY,
    FINAL_ATTEMPT_STATUSES,
    PAID_BY,
    AttemptStatus,
    Payment,
    PaymentAttempt,
    StripeEvent,
)

DUPLICATE = "duplicate"


def apply_event(event: Event, source: str = "webhook", now: datetime | None = None) -> str:
    """Apply one verified event once; returns what happened ("paid", "duplicate", "mismatch" ...)."""
    if not isinstance(event, (IntentEvent, RefundEvent)):
        return "ignored"
    now = now or utcnow()
    refund_ids: list[int] = []
    try:
        with write_transaction(db.session):
            if db.session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event.event_id)):
                return DUPLICATE
            seen = StripeEvent(event_id=event.event_id, type=event.type, created_at=event.created, received_at=now,
                               source=source, outcome="",
                               intent_id=event.intent.id if isinstance(event, IntentEvent) else None)
            db.session.add(seen)
            db.session.flush()  # a concurrent delivery of the same event fails here, before any effect
            if isinstance(event, IntentEvent):
                seen.outcome = _apply_intent_event(event, now, refund_ids)
            else:
                seen.outcome = refunds.settle_from_stripe(event.refund_id, event.status, event.created)
            outcome = seen.outcome
    except IntegrityError:
        db.session.rollback()
        if db.session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event.event_id)):
            return DUPLICATE
        raise
    for refund_id in refund_ids:  # Stripe is called after the decision is safely stored
        refunds.submit_refund(refund_id)
    return outcome


def _apply_intent_event(event: IntentEvent, now: datetime, refund_ids: list[int]) -> str:
    intent = event.intent
    attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.intent_id == intent.id)
                                .with_for_update())
    if attempt is None:
        if event.type == "payment_intent.succeeded":
            raise_alert(None, "unknown_payment",
                        _("Stripe reports a payment of %(amount)s (%(intent)s, order “%(number)s”) that the shop "
                          "did not start; it was not applied.", amount=format_fen(intent.amount), intent=intent.id,
                          number=intent.order_number or "?"),
                        intent=intent.id)
        return "unknown"
    db.session.execute(select(Order.id).where(Order.id == attempt.order_id).with_for_update())
    order = lifecycle.load_order(attempt.order_id)
    if attempt.status in FINAL_ATTEMPT_STATUSES:
        return "ignored"  # e.g. a failure, or a repeated success, after the success was applied
    if event.type == "payment_intent.succeeded":
        return _succeeded(event, attempt, order, now, refund_ids)
    if event.type == "payment_intent.payment_failed":
        attempt.status = AttemptStatus.FAILED
        attempt.failure_message = (intent.failure_message or _("The payment failed."))[:300]
        return "failed"
    if event.type == "payment_intent.canceled":
        attempt.status = AttemptStatus.CANCELED
        return "canceled"
    if event.type == "payment_intent.processing":
        attempt.status = AttemptStatus.PROCESSING
        return "processing"
    if event.type == "payment_intent.requires_action":
        attempt.status = AttemptStatus.REQUIRES_ACTION
        return "requires_action"
    return "ignored"


def _succeeded(event: IntentEvent, attempt: PaymentAttempt, order: Order, now: datetime,
               refund_ids: list[int]) -> str:
    intent = event.intent
    problems = []
    if intent.currency != CURRENCY:
        problems.append(_("currency %(got)s instead of %(want)s", got=intent.currency.upper(), want=CURRENCY.upper()))
    if intent.amount != attempt.amount_fen or intent.amount != order.total_fen:
        problems.append(_("amount %(got)s instead of %(want)s", got=format_fen(intent.amount),
                          want=format_fen(order.total_fen)))
    if intent.order_number != order.number:
        problems.append(_("order “%(got)s” instead of %(want)s", got=intent.order_number or "?", want=order.number))
    if problems:
        raise_alert(order.id, "mismatch",
                    _("A payment for order %(number)s does not match the order (%(problems)s); the order was not "
                      "marked paid.", number=order.number, problems=_("; ").join(problems)),
                    intent=intent.id, amount=intent.amount, currency=intent.currency)
        return "mismatch"
    attempt.status = AttemptStatus.SUCCEEDED
    attempt.failure_message = None
    payment = Payment(order_id=order.id, method=attempt.method, amount_fen=intent.amount, currency=intent.currency,
                      reference=intent.id, attempt_id=attempt.id, received_at=event.created)
    db.session.add(payment)
    db.session.flush()
    if order.status == OrderStatus.PENDING_PAYMENT:
        # Paid in time, or its expiry has not been processed yet: the stock is still held, so it stands.
        lifecycle.record_paid(order, event.created, kind=PAID_BY, params={"method": attempt.method.value})
        return "paid"
    if order.status == OrderStatus.CANCELLED:
        reason = _("Payment arrived after the order was cancelled; refunded automatically.")
        kind = "late_payment_refunded"
    else:
        reason = _("The order had already been paid; this second payment was refunded automatically.")
        kind = "duplicate_payment_refunded"
    refund = refunds.refund_whole_payment(payment, reason, now)
    refund_ids.append(refund.id)
    raise_alert(order.id, kind, f"{order.number}: {reason} ({format_fen(intent.amount)}, {intent.id})",
                intent=intent.id)
    return "refunded"

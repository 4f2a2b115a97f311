"""Refunds: staff give back a whole order or chosen quantities of lines; automatic refunds give back a
payment that arrived for an order that could no longer take it.

A refund is written first (status pending, with a unique request token from the form, so a double click
gives one refund), then Stripe is asked with an idempotency key derived from that token, so the money
goes back once however often the call is repeated. Bank-transfer refunds are paid out by staff at the
bank and recorded as done. Tallies subtract the refund lines of succeeded refunds on their refund date.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from shop.audit.services import record
from shop.core.database import reload, rowcount, utcnow, write_transaction
from shop.core.money import format_fen
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.payments.alerts import raise_alert
from shop.payments.exceptions import PaymentError
from shop.payments.gateway import GatewayError, GatewayUnavailable, get_gateway
from shop.payments.models import Method, Payment, Refund, RefundLine, RefundStatus

REFUNDABLE_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.RECEIVED, OrderStatus.COMPLETED)


def new_request_token() -> str:
    return secrets.token_hex(16)


def order_payment(order_id: int) -> Payment | None:
    """The payment that paid the order (the first received; any later one was refunded automatically)."""
    return db.session.scalar(select(Payment).where(Payment.order_id == order_id).order_by(Payment.id).limit(1))


def refunded_quantities(order_id: int) -> dict[int, int]:
    """Order line id -> quantity refunded or being refunded (failed refunds do not count)."""
    rows = db.session.execute(
        select(RefundLine.order_line_id, func.sum(RefundLine.quantity))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.order_id == order_id, Refund.status != RefundStatus.FAILED)
        .group_by(RefundLine.order_line_id)
    )
    return {line_id: int(quantity) for line_id, quantity in rows}


def refund_order(order_id: int, quantities: dict[int, int], *, reason: str, restock: bool, actor_id: int,
                 request_token: str, now: datetime | None = None) -> Refund:
    """Refund the given quantities of the order's lines (order line id -> quantity).

    Everything is checked before anything is written; the refund, its lines, the stock and the audit entry
    are saved together. A paid order refunded in full before shipping is cancelled."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give a reason for the refund."))
    if not request_token or len(request_token) > 64:
        raise PaymentError(_("The form has expired; please open it again."))
    try:
        with write_transaction(db.session):
            # The order's row lock first: a second submission of the form waits here, then finds the first.
            db.session.execute(select(Order.id).where(Order.id == order_id).with_for_update())
            existing = db.session.scalar(select(Refund).where(Refund.request_token == request_token))
            if existing is not None:
                return existing  # the same form sent twice
            refund = _write_refund(order_id, quantities, reason, restock, actor_id, request_token, now)
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Refund).where(Refund.request_token == request_token))
        if existing is None:
            raise
        return existing
    if refund.status == RefundStatus.PENDING:
        submit_refund(refund.id)
    return reload(db.session, Refund, refund.id)


def _write_refund(order_id: int, quantities: dict[int, int], reason: str, restock: bool, actor_id: int,
                  request_token: str, now: datetime) -> Refund:
    order = lifecycle.load_order(order_id)
    if order.status not in REFUNDABLE_STATUSES:
        raise PaymentError(_("Only a paid order can be refunded."))
    payment = order_payment(order.id)
    if payment is None:
        raise PaymentError(_("No payment was received for this order, so there is nothing to refund."))
    lines = {line.id: line for line in order.lines}
    already = refunded_quantities(order.id)
    wanted = {line_id: quantity for line_id, quantity in quantities.items() if quantity}
    if not wanted:
        raise PaymentError(_("Choose at least one line and a quantity to refund."))
    refund_lines = _refund_lines(lines, already, wanted)
    shipping_fen = _shipping_given_back(order, lines, already, wanted)
    by_bank = payment.method == Method.BANK_TRANSFER
    refund = Refund(order_id=order.id, payment_id=payment.id,
                    amount_fen=sum(r.amount_fen for r in refund_lines) + shipping_fen, shipping_fen=shipping_fen,
                    reason=reason[:200], restock=restock, request_token=request_token, actor_id=actor_id,
                    created_at=now, lines=refund_lines,
                    status=RefundStatus.SUCCEEDED if by_bank else RefundStatus.PENDING,
                    refunded_at=now if by_bank else None)
    db.session.add(refund)
    if restock:
        stock: dict[int, int] = defaultdict(int)
        for refund_line in refund_lines:
            stock[lines[refund_line.order_line_id].product_id] += refund_line.quantity
        lifecycle.give_back_stock(dict(stock))
    fully_refunded = all(already.get(line_id, 0) + wanted.get(line_id, 0) >= line.quantity
                         for line_id, line in lines.items())
    if fully_refunded and order.status == OrderStatus.PAID:
        lifecycle.record_refunded_cancel(order, now, actor_id, reason)
    db.session.flush()
    record(actor_id, "order.refund", "order", order.number,
           after={"amount_fen": refund.amount_fen, "shipping_fen": shipping_fen, "method": payment.method.value,
                  "restock": restock,
                  "lines": {str(r.order_line_id): r.quantity for r in refund_lines}},
           note=reason)
    return refund


def _refund_lines(lines: dict[int, OrderLine], already: dict[int, int], wanted: dict[int, int]) -> list[RefundLine]:
    """The refund's lines for the wanted quantities (order line id -> quantity), each checked against what is
    left of its line (PaymentError)."""
    refund_lines = []
    for line_id, quantity in sorted(wanted.items()):
        line = lines.get(line_id)
        if line is None:
            raise PaymentError(_("That line is not part of this order."))
        left = line.quantity - already.get(line_id, 0)
        if quantity < 0 or quantity > left:
            raise PaymentError(_("%(product)s: at most %(left)d can be refunded.", product=line.product_name,
                                 left=left))
        refund_lines.append(RefundLine(order_line_id=line_id, quantity=quantity,
                                       amount_fen=line.unit_price_fen * quantity))
    return refund_lines


def _shipping_given_back(order: Order, lines: dict[int, OrderLine], already: dict[int, int],
                         wanted: dict[int, int]) -> int:
    """The shipping of every cooperative whose whole part this refund completes (all its lines refunded after it,
    not before), so shipping goes back once, with the refund that takes the last of the cooperative's goods;
    a partial refund gives none. Only goods are refund lines: the tallies never count shipping."""
    given = 0
    for row in order.shipping:
        own = [line for line in lines.values() if line.cooperative_id == row.cooperative_id]
        before = all(already.get(line.id, 0) >= line.quantity for line in own)
        after = all(already.get(line.id, 0) + wanted.get(line.id, 0) >= line.quantity for line in own)
        if after and not before:
            given += row.fee_fen
    return given


def refund_whole_payment(payment: Payment, reason: str, now: datetime) -> Refund:
    """Schedule giving back all of a payment the order could not take (inside the caller's transaction);
    send it with `submit_refund` after the transaction commits."""
    refund = Refund(order_id=payment.order_id, payment_id=payment.id, amount_fen=payment.amount_fen,
                    reason=reason[:200], restock=False, request_token=f"auto-{payment.reference}"[:64],
                    created_at=now)
    db.session.add(refund)
    db.session.flush()
    return refund


def submit_refund(refund_id: int) -> Refund:
    """Ask Stripe for a pending refund (idempotently); a network failure leaves it pending for the next
    round of the job runner, a refusal marks it failed and alerts staff."""
    refund = reload(db.session, Refund, refund_id)
    gateway = get_gateway()
    if refund.status != RefundStatus.PENDING or refund.provider_refund_id or gateway is None:
        return refund
    try:
        provider_id, status = gateway.refund(intent_id=refund.payment.reference, amount_fen=refund.amount_fen,
                                             idempotency_key=f"refund-{refund.request_token}", reason=refund.reason)
    except GatewayUnavailable as exc:
        current_app.logger.warning("refund %s not sent yet: %s", refund.id, exc)
        return refund
    except GatewayError as exc:
        with write_transaction(db.session):
            _finish(refund.id, RefundStatus.FAILED, failure=str(exc))
            order = lifecycle.load_order(refund.order_id)
            raise_alert(order.id, "refund_failed",
                        _("Stripe refused the refund of %(amount)s for order %(number)s: %(error)s",
                          amount=format_fen(refund.amount_fen), number=order.number, error=str(exc)))
        return reload(db.session, Refund, refund_id)
    with write_transaction(db.session):
        db.session.execute(update(Refund).where(Refund.id == refund.id).values(provider_refund_id=provider_id))
        if status == "succeeded":
            _finish(refund.id, RefundStatus.SUCCEEDED)
        elif status in ("failed", "canceled"):
            _finish(refund.id, RefundStatus.FAILED, failure=f"Stripe: {status}")
    return reload(db.session, Refund, refund_id)


def _finish(refund_id: int, status: RefundStatus, failure: str | None = None, now: datetime | None = None) -> bool:
    """Settle a pending refund (inside the caller's transaction); False when it was settled already."""
    values: dict[str, object] = {"status": status}
    if status == RefundStatus.SUCCEEDED:
        values["refunded_at"] = now or utcnow()
    if failure:
        values["failure_message"] = failure[:300]
    result = db.session.execute(update(Refund).where(Refund.id == refund_id, Refund.status == RefundStatus.PENDING)
                                .values(**values).execution_options(synchronize_session=False))
    return rowcount(result) == 1


def settle_from_stripe(provider_refund_id: str, stripe_status: str, now: datetime) -> str:
    """Apply a refund event (inside the caller's transaction); returns the outcome recorded for the event."""
    refund = db.session.scalar(select(Refund).where(Refund.provider_refund_id == provider_refund_id))
    if refund is None:
        raise_alert(None, "unknown_refund",
                    _("Stripe reports refund %(id)s, which the shop did not make.", id=provider_refund_id))
        return "unknown"
    if stripe_status == "succeeded":
        return "applied" if _finish(refund.id, RefundStatus.SUCCEEDED, now=now) else "ignored"
    if stripe_status in ("failed", "canceled"):
        if _finish(refund.id, RefundStatus.FAILED, failure=f"Stripe: {stripe_status}"):
            raise_alert(refund.order_id, "refund_failed",
                        _("A refund of %(amount)s failed at Stripe.", amount=format_fen(refund.amount_fen)))
            return "applied"
    return "ignored"


def submit_pending_refunds() -> int:
    """Send every refund still waiting for Stripe (the job runner calls this); returns how many were sent."""
    pending = list(db.session.scalars(
        select(Refund.id).join(Payment, Payment.id == Refund.payment_id)
        .where(Refund.status == RefundStatus.PENDING, Refund.provider_refund_id.is_(None),
               Payment.method != Method.BANK_TRANSFER).order_by(Refund.id)
    ))
    for refund_id in pending:
        submit_refund(refund_id)
    return len(pending)


def refunds_for(order_id: int) -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))

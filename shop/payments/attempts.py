"""Starting a payment: a PaymentIntent per attempt (created with the attempt's stored idempotency key),
the card step, and the bank-transfer choice for organizations. None of this marks an order paid: only a
verified Stripe event (see events.py) or staff recording a bank transfer does."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from shop.core.caching import kept
from shop.core.database import reload, utcnow, write_transaction
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from shop.payments.exceptions import PaymentError
from shop.payments.gateway import CardDeclined, GatewayError, GatewayUnavailable, Intent, get_gateway
from shop.payments.models import FINAL_ATTEMPT_STATUSES, AttemptStatus, Method, PaymentAttempt

# Stripe's PaymentIntent status -> the attempt's. "succeeded" is only believed from an event.
_STATUS_FROM_STRIPE = {
    "requires_payment_method": AttemptStatus.CREATED,
    "requires_confirmation": AttemptStatus.CREATED,
    "requires_action": AttemptStatus.REQUIRES_ACTION,
    "processing": AttemptStatus.PROCESSING,
    "requires_capture": AttemptStatus.PROCESSING,
    "succeeded": AttemptStatus.PROCESSING,
    "canceled": AttemptStatus.CANCELED,
}
REUSABLE = (AttemptStatus.CREATED, AttemptStatus.FAILED, AttemptStatus.REQUIRES_ACTION)


def stripe_methods() -> list[Method]:
    """The configured Stripe payment methods the account can take, in the configured order: Stripe's answer is
    kept STRIPE_METHODS_CACHE_SECONDS per process; when Stripe does not say, all the configured ones (a method
    Stripe then refuses fails when it is started). None when Stripe is not configured."""
    gateway = get_gateway()
    if gateway is None:
        return []
    configured = [Method(name) for name in current_app.config["PAYMENT_METHODS"]]
    key = ("stripe-methods", current_app.config["STRIPE_SECRET_KEY"], current_app.config.get("STRIPE_API_BASE"))
    try:
        available = kept(key, current_app.config["STRIPE_METHODS_CACHE_SECONDS"], gateway.available_methods)
    except GatewayUnavailable as exc:  # not kept: asked again on the next page
        current_app.logger.warning("Stripe did not say which payment methods it takes: %s", exc)
        available = None
    return configured if available is None else [method for method in configured if method.value in available]


def bank_transfer_offered(order: Order) -> bool:
    return order.organization_id is not None and bool(current_app.config.get("BANK_ACCOUNT_NUMBER"))


def remittance_reference(order: Order) -> str:
    """What the organization writes in the transfer's note (附言): the order number without punctuation,
    which bank forms keep intact."""
    return order.number.replace("-", "")


def _unavailable(exc: GatewayError) -> PaymentError:
    if isinstance(exc, GatewayUnavailable):
        return PaymentError(_("The payment service did not answer. Please try again."))
    return PaymentError(_("The payment could not be started. Please try again later or choose another method."))


def payable_order(order_id: int, now: datetime | None = None) -> Order:
    """The order, if it can be paid now; expires it first when its time has run out."""
    lifecycle.expire_if_due(order_id, now)
    order = lifecycle.load_order(order_id)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise PaymentError(_("This order is not awaiting payment (it is “%(status)s”).", status=order.status_label))
    return order


def _lock_order(order_id: int) -> None:
    """Serialise payment starts for one order (PostgreSQL row lock; SQLite writers are serialised anyway)."""
    db.session.execute(select(Order.id).where(Order.id == order_id).with_for_update())


def start_stripe_payment(order_id: int, method: Method) -> PaymentAttempt:
    """The attempt (with its PaymentIntent) through which the buyer pays `order_id` by `method`.

    An open attempt for the same method and amount is reused, so reloading the page or retrying after a
    timeout never creates a second intent; a new one gets a fresh idempotency key stored *before* Stripe
    is called, and the retry of a call whose answer was lost sends the same key again.
    """
    gateway = get_gateway()
    if gateway is None or method not in stripe_methods():
        raise PaymentError(_("This payment method is not available."))
    order = payable_order(order_id)
    with write_transaction(db.session):
        _lock_order(order_id)
        attempt = db.session.scalar(
            select(PaymentAttempt).where(PaymentAttempt.order_id == order.id, PaymentAttempt.method == method,
                                         PaymentAttempt.amount_fen == order.total_fen,
                                         PaymentAttempt.status.in_(REUSABLE))
            .order_by(PaymentAttempt.id.desc()).limit(1)
        )
        if attempt is None:
            attempt = PaymentAttempt(order_id=order.id, method=method, amount_fen=order.total_fen,
                                     idempotency_key=f"pay-{secrets.token_hex(16)}")
            db.session.add(attempt)
    if attempt.intent_id is None:
        try:
            intent = gateway.create_intent(amount_fen=attempt.amount_fen, order_number=order.number,
                                           method=method.value, idempotency_key=attempt.idempotency_key)
        except GatewayError as exc:
            current_app.logger.warning("creating a PaymentIntent for %s failed: %s", order.number, exc)
            raise _unavailable(exc) from exc
        _save_intent(attempt.id, intent, first=True)
    return reload(db.session, PaymentAttempt, attempt.id)


def _save_intent(attempt_id: int, intent: Intent, first: bool = False) -> None:
    values: dict[str, object] = {"status": _STATUS_FROM_STRIPE.get(intent.status, AttemptStatus.CREATED)}
    if first:
        values |= {"intent_id": intent.id, "client_secret": intent.client_secret}
    if intent.status == "requires_payment_method" and intent.failure_message:
        values |= {"status": AttemptStatus.FAILED, "failure_message": intent.failure_message[:300]}
    _update_attempt(attempt_id, **values)


def _update_attempt(attempt_id: int, **values: object) -> None:
    """Change an attempt unless an event already made it final (succeeded, canceled)."""
    with write_transaction(db.session):
        db.session.execute(
            update(PaymentAttempt)
            .where(PaymentAttempt.id == attempt_id, PaymentAttempt.status.not_in(FINAL_ATTEMPT_STATUSES))
            .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False)
        )


def find_attempt(order: Order, attempt_id: int) -> PaymentAttempt | None:
    attempt = db.session.get(PaymentAttempt, attempt_id, populate_existing=True)
    return attempt if attempt is not None and attempt.order_id == order.id else None


def pay_with_card(order_id: int, attempt_id: int, token: str) -> PaymentAttempt:
    """Confirm a card attempt with the card token Stripe.js made in the buyer's browser.

    Returns the attempt; when its status is requires_action the page hands the intent's client secret to
    Stripe.js for 3-D Secure. A declined card raises PaymentError with the bank's reason."""
    gateway = get_gateway()
    order = payable_order(order_id)
    attempt = find_attempt(order, attempt_id)
    if gateway is None or attempt is None or attempt.method != Method.CARD or attempt.intent_id is None:
        raise PaymentError(_("This payment cannot be continued; please start again."))
    if attempt.status in FINAL_ATTEMPT_STATUSES or attempt.status == AttemptStatus.PROCESSING:
        return attempt
    if not token or len(token) > 200:
        raise PaymentError(_("The card details were not read; please enter them again."))
    try:
        intent = gateway.pay_with_card_token(attempt.intent_id, token, attempt.idempotency_key)
    except CardDeclined as exc:
        _update_attempt(attempt.id, status=AttemptStatus.FAILED, failure_message=str(exc)[:300])
        raise PaymentError(_("The card was declined: %(reason)s", reason=str(exc))) from exc
    except GatewayError as exc:
        current_app.logger.warning("confirming %s failed: %s", attempt.intent_id, exc)
        raise _unavailable(exc) from exc
    _save_intent(attempt.id, intent)
    return reload(db.session, PaymentAttempt, attempt.id)


def choose_bank_transfer(order_id: int, now: datetime | None = None) -> Order:
    """An organization pays by bank transfer: the order now waits the configured days for the money."""
    now = now or utcnow()
    order = payable_order(order_id, now)
    if not bank_transfer_offered(order):
        raise PaymentError(_("Bank transfer is only for orders placed for an organization."))
    deadline = now + timedelta(days=current_app.config["BANK_TRANSFER_DAYS"])
    with write_transaction(db.session):
        _lock_order(order.id)
        db.session.execute(
            update(Order).where(Order.id == order.id, Order.status == OrderStatus.PENDING_PAYMENT,
                                Order.expires_at < deadline)
            .values(expires_at=deadline).execution_options(synchronize_session=False)
        )
        exists = db.session.scalar(select(PaymentAttempt.id).where(
            PaymentAttempt.order_id == order.id, PaymentAttempt.method == Method.BANK_TRANSFER))
        if exists is None:
            db.session.add(PaymentAttempt(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                                          idempotency_key=f"bank-{remittance_reference(order)}"))
    return lifecycle.load_order(order.id)


def cancel_abandoned_intents(limit: int = 100) -> int:
    """Cancel at Stripe the PaymentIntents of orders cancelled unpaid (expired, or cancelled by the buyer or
    staff), so that a payment page left open can no longer take money; the job runner calls this. Returns
    how many were cancelled. An intent Stripe will not cancel (it is being paid at this moment) is marked
    processing and left to its event: a success for a cancelled order is refunded automatically. The attempts
    concerned are the REUSABLE ones: those a buyer could still complete."""
    gateway = get_gateway()
    if gateway is None:
        return 0
    abandoned = list(db.session.execute(
        select(PaymentAttempt.id, PaymentAttempt.intent_id, PaymentAttempt.idempotency_key)
        .join(Order, Order.id == PaymentAttempt.order_id)
        .where(Order.status == OrderStatus.CANCELLED, PaymentAttempt.status.in_(REUSABLE),
               PaymentAttempt.intent_id.is_not(None))
        .order_by(PaymentAttempt.id).limit(limit)
    ))
    cancelled = 0
    message: str | None
    for attempt_id, intent_id, key in abandoned:
        if intent_id is None:  # the query asks for attempts with an intent
            raise ValueError(f"payment attempt {attempt_id} has no PaymentIntent")
        try:
            gateway.cancel_intent(intent_id, idempotency_key=f"cancel-{key}")
        except GatewayUnavailable:
            break  # Stripe is away: the next round tries again
        except GatewayError as exc:
            status, message = AttemptStatus.PROCESSING, f"Stripe did not cancel it: {exc}"[:300]
        else:
            status, message = AttemptStatus.CANCELED, None
            cancelled += 1
        with write_transaction(db.session):
            # Only if no event moved it meanwhile (a success is never overwritten).
            db.session.execute(update(PaymentAttempt)
                               .where(PaymentAttempt.id == attempt_id, PaymentAttempt.status.in_(REUSABLE))
                               .values(status=status, failure_message=message, updated_at=utcnow()))
    return cancelled

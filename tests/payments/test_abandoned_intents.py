"""Orders cancelled unpaid get their open PaymentIntents cancelled at Stripe, so a payment page left open
can no longer take money; an intent that is being paid is left to its event (and refunded if it succeeds)."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import stripe
from sqlalchemy import select

from shop.core.database import utcnow
from shop.extensions import db
from shop.jobs import run_once
from shop.orders import lifecycle
from shop.orders.models import OrderStatus
from shop.payments.attempts import cancel_abandoned_intents
from shop.payments.gateway import StripeGateway
from shop.payments.models import AttemptStatus, PaymentAttempt, Refund
from tests.payments.conftest import order_for, order_status
from tests.payments.test_webhooks import _paid_by_card_without_webhook, started, succeeded
from tests.stripe_server import post_event
from tests.web import post


def attempt_status(app, attempt_id: int) -> tuple[AttemptStatus, str | None]:
    with app.app_context():
        attempt = db.session.get(PaymentAttempt, attempt_id)
        result = attempt.status, attempt.failure_message
        db.session.remove()
        return result


def expire(app, number: str) -> None:
    with app.app_context():
        assert lifecycle.expire_due_orders(now=utcnow() + timedelta(minutes=31)) == [number]


def test_an_expired_orders_open_intents_are_cancelled_at_stripe(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    card = started(app, buyer_client, number, "card")
    alipay = started(app, buyer_client, number, "alipay")
    expire(app, number)
    other = order_for(app, shop.buyer, (shop.bacon, 1))  # still within its payment time
    waiting = started(app, buyer_client, other, "card")

    with app.app_context():
        assert cancel_abandoned_intents() == 2
        assert cancel_abandoned_intents() == 0  # done once
    assert attempt_status(app, card.id) == (AttemptStatus.CANCELED, None)
    assert attempt_status(app, alipay.id) == (AttemptStatus.CANCELED, None)
    assert attempt_status(app, waiting.id)[0] == AttemptStatus.CREATED
    stripe_says = {intent.id: intent.status for intent in localstripe.intents_for(number)}
    assert stripe_says == {card.intent_id: "canceled", alipay.intent_id: "canceled"}
    assert localstripe.intents_for(other)[0].status == "requires_payment_method"

    # The card form that was left open can no longer pay.
    with pytest.raises(stripe.StripeError):
        localstripe.client.v1.payment_intents.confirm(card.intent_id, params={"payment_method": "pm_card_visa"})


def test_a_buyers_cancelled_order_is_swept_by_the_job_runner(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number, "wechat_pay")
    assert post(buyer_client, f"/orders/{number}/cancel", token_from=f"/orders/{number}").status_code == 302
    assert order_status(app, number) == OrderStatus.CANCELLED
    with app.app_context():
        assert run_once()["intents_cancelled"] == 1
    assert attempt_status(app, attempt.id)[0] == AttemptStatus.CANCELED
    assert localstripe.intents_for(number)[0].status == "canceled"


def test_an_intent_paid_meanwhile_is_left_to_its_event_and_refunded(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 2))
    attempt = _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, number)
    with app.app_context():
        db.session.execute(db.update(PaymentAttempt).values(status=AttemptStatus.CREATED))  # the event is late
        db.session.commit()
    expire(app, number)
    with app.app_context():
        assert cancel_abandoned_intents() == 0  # Stripe refuses: the money is already taken
    status, message = attempt_status(app, attempt.id)
    assert status == AttemptStatus.PROCESSING and "did not cancel" in message
    assert post_event(buyer_client, succeeded(attempt, number)).json["outcome"] == "refunded"
    with app.app_context():
        assert db.session.scalar(select(Refund.amount_fen)) == 9160
        assert cancel_abandoned_intents() == 0


def test_when_stripe_is_away_the_next_round_tries_again(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number, "card")
    expire(app, number)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app.extensions["stripe_gateway"] = StripeGateway(
        app.config["STRIPE_SECRET_KEY"], app.config["STRIPE_WEBHOOK_SECRET"],
        api_base=f"http://127.0.0.1:{closed}", timeout=2, network_retries=0)
    try:
        with app.app_context():
            assert cancel_abandoned_intents() == 0
        assert attempt_status(app, attempt.id) == (AttemptStatus.CREATED, None)
    finally:
        app.extensions.pop("stripe_gateway", None)
    with app.app_context():
        assert cancel_abandoned_intents() == 1
    assert attempt_status(app, attempt.id)[0] == AttemptStatus.CANCELED

"""The webhook: signatures checked on the raw body, each event applied once, amounts and orders matched,
no step backwards; a payment arriving for an order that can no longer take it is refunded automatically."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.core.database import utcnow
from shop.core.outbox import QueuedMail
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from shop.payments.models import AttemptStatus, Payment, PaymentAlert, PaymentAttempt, Refund, RefundStatus, StripeEvent
from tests.payments.conftest import order_for, order_status
from tests.payments.test_card_payments import send_card, start_card_payment
from tests.stripe_server import intent_event, post_event, sign
from tests.web import post

S = OrderStatus


def started(app, client, number: str, method: str = "card") -> PaymentAttempt:
    """Start paying `number` by `method` through the pay page; the attempt with its real PaymentIntent."""
    assert post(client, f"/orders/{number}/pay/{method}", token_from=f"/orders/{number}/pay").status_code == 302
    with app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.method == method)
                                    .order_by(PaymentAttempt.id.desc()))
        db.session.expunge(attempt)
        return attempt


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def succeeded(attempt: PaymentAttempt, number: str, **kwargs) -> dict:
    return intent_event("payment_intent.succeeded", attempt.intent_id, attempt.amount_fen, number, **kwargs)


@pytest.mark.parametrize("method", ["alipay", "wechat_pay"])
def test_alipay_and_wechat_pay_are_confirmed_by_a_signed_event(app, shop, buyer_client, localstripe, method):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    page = buyer_client.get(f"/orders/{number}/pay").get_data(as_text=True)
    assert f"/pay/{method}" in page and "/pay/bank-transfer" not in page  # bank transfer: organizations only
    attempt = started(app, buyer_client, number, method)
    assert attempt.intent_id.startswith("pi_") and localstripe.intents_for(number)[0].id == attempt.intent_id
    html = buyer_client.get(f"/orders/{number}/pay/attempts/{attempt.id}").get_data(as_text=True)
    assert f'data-method="{method}"' in html
    response = post_event(buyer_client, succeeded(attempt, number))
    assert response.status_code == 200 and response.json["outcome"] == "paid"
    assert order_status(app, number) == S.PAID
    with app.app_context():
        assert db.session.scalar(select(Payment.method)) == method
        mails = db.session.scalars(select(QueuedMail.message)).all()
        assert "order_paid" in mails


def test_duplicate_event_is_a_no_op(app, shop, buyer_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    event = succeeded(attempt, number)
    assert post_event(buyer_client, event).json["outcome"] == "paid"
    assert post_event(buyer_client, event).json["outcome"] == "duplicate"
    assert count(app, Payment) == 1 and count(app, StripeEvent) == 1


def test_concurrent_duplicate_deliveries_apply_once(app, shop, buyer_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    body = json.dumps(succeeded(attempt, number)).encode()
    outcomes, barrier = [], threading.Barrier(6)

    def deliver():
        client = app.test_client()
        barrier.wait()
        response = client.post("/payments/stripe/webhook", data=body, content_type="application/json",
                               headers={"Stripe-Signature": sign(body)})
        outcomes.append((response.status_code, response.json["outcome"]))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [(200, "duplicate")] * 5 + [(200, "paid")]
    assert count(app, Payment) == 1 and count(app, StripeEvent) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QueuedMail)
                                 .where(QueuedMail.message == "order_paid")) == 1


def tampered(body: bytes) -> bytes:
    return body.replace(b'"amount": ', b'"amount": 1')


@pytest.mark.parametrize("case", ["tampered", "wrong secret", "stale", "no signature", "not json", "not an event"])
def test_unverifiable_webhooks_are_refused(app, shop, buyer_client, case):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    body = json.dumps(succeeded(attempt, number)).encode()
    headers = {"Stripe-Signature": sign(body)}
    if case == "tampered":
        body = tampered(body)
    elif case == "wrong secret":
        headers = {"Stripe-Signature": sign(body, secret="whsec_someone_else")}
    elif case == "stale":
        headers = {"Stripe-Signature": sign(body, timestamp=int(time.time()) - 600)}
    elif case == "no signature":
        headers = {}
    elif case == "not json":
        body = b"{not json"
        headers = {"Stripe-Signature": sign(body)}
    elif case == "not an event":
        body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded"}).encode()
        headers = {"Stripe-Signature": sign(body)}
    response = buyer_client.post("/payments/stripe/webhook", data=body, content_type="application/json",
                                 headers=headers)
    assert response.status_code == 400
    assert order_status(app, number) == S.PENDING_PAYMENT
    assert count(app, StripeEvent) == 0 and count(app, Payment) == 0


@pytest.mark.parametrize("change", [{"amount": 1}, {"currency": "usd"}, {"order_number": "BF20990101-000001"}])
def test_a_mismatched_payment_is_not_applied_and_staff_are_alerted(app, shop, buyer_client, change):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    event = intent_event("payment_intent.succeeded", attempt.intent_id, change.get("amount", attempt.amount_fen),
                         change.get("order_number", number), currency=change.get("currency", "cny"))
    assert post_event(buyer_client, event).json["outcome"] == "mismatch"
    assert order_status(app, number) == S.PENDING_PAYMENT and count(app, Payment) == 0
    with app.app_context():
        alert = db.session.scalar(select(PaymentAlert))
        assert alert.kind == "mismatch" and number in alert.message
        mail = db.session.scalar(select(QueuedMail).where(QueuedMail.message == "payment_alert"))
        assert mail.to == "staff@example.cn"


def test_an_unknown_payment_intent_alerts_staff(app, shop, buyer_client):
    event = intent_event("payment_intent.succeeded", "pi_not_ours", 100, "BF20261127-000001")
    assert post_event(buyer_client, event).json["outcome"] == "unknown"
    assert count(app, PaymentAlert) == 1 and count(app, Payment) == 0


def test_a_failure_after_the_success_never_moves_the_order_back(app, shop, buyer_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    now = int(time.time())
    assert post_event(buyer_client, succeeded(attempt, number, created=now)).json["outcome"] == "paid"
    failure = intent_event("payment_intent.payment_failed", attempt.intent_id, attempt.amount_fen, number,
                           created=now - 5)
    assert post_event(buyer_client, failure).json["outcome"] == "ignored"
    assert order_status(app, number) == S.PAID
    with app.app_context():
        assert db.session.get(PaymentAttempt, attempt.id).status == AttemptStatus.SUCCEEDED


def test_a_failure_then_a_success_on_the_same_intent_pays(app, shop, buyer_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    failure = intent_event("payment_intent.payment_failed", attempt.intent_id, attempt.amount_fen, number)
    assert post_event(buyer_client, failure).json["outcome"] == "failed"
    with app.app_context():
        assert db.session.get(PaymentAttempt, attempt.id).failure_message == "Your card was declined."
    assert post_event(buyer_client, succeeded(attempt, number)).json["outcome"] == "paid"


def _paid_by_card_without_webhook(app, shop, client, localstripe, number):
    """Really pay at localstripe, with no webhook delivered (as if the shop had been down)."""
    attempt_id, csrf = start_card_payment(client, number)
    assert send_card(client, number, attempt_id, localstripe.card_token(), csrf).status_code == 200
    with app.app_context():
        attempt = db.session.get(PaymentAttempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def test_a_payment_after_expiry_is_refunded_automatically(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 2))
    attempt = _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, number)
    with app.app_context():
        assert lifecycle.expire_due_orders(now=utcnow() + timedelta(minutes=31)) == [number]
    assert post_event(buyer_client, succeeded(attempt, number)).json["outcome"] == "refunded"
    assert order_status(app, number) == S.CANCELLED
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert refund.status == RefundStatus.SUCCEEDED and refund.amount_fen == 9160 and refund.lines == []
        assert refund.provider_refund_id.startswith("re_")
        alert = db.session.scalar(select(PaymentAlert))
        assert alert.kind == "late_payment_refunded"
    stripe_refunds = localstripe.client.v1.refunds.list(params={"limit": 100}).data
    assert [(r.payment_intent, r.amount) for r in stripe_refunds] == [(attempt.intent_id, 9160)]


def test_a_second_payment_of_a_paid_order_is_refunded(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    first = started(app, buyer_client, number, "alipay")
    second = _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, number)
    assert post_event(buyer_client, succeeded(first, number)).json["outcome"] == "paid"
    assert post_event(buyer_client, succeeded(second, number)).json["outcome"] == "refunded"
    assert order_status(app, number) == S.PAID
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert refund.payment.reference == second.intent_id and refund.status == RefundStatus.SUCCEEDED
        assert db.session.scalar(select(PaymentAlert.kind)) == "duplicate_payment_refunded"


def test_a_late_success_after_a_refund_changes_nothing(app, shop, buyer_client, staff_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, number)
    assert post_event(buyer_client, succeeded(attempt, number)).json["outcome"] == "paid"
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        from shop.payments.refunds import new_request_token, refund_order
        refund_order(order.id, {order.lines[0].id: 1}, reason="买家退货", restock=True, actor_id=shop.staff,
                     request_token=new_request_token())
    assert order_status(app, number) == S.CANCELLED
    late = succeeded(attempt, number)  # e.g. Stripe resending an older event under a new id
    assert post_event(buyer_client, late).json["outcome"] == "ignored"
    assert order_status(app, number) == S.CANCELLED
    assert count(app, Payment) == 1 and count(app, Refund) == 1


def test_reconciliation_applies_what_the_webhook_missed(app, shop, buyer_client, runner, localstripe):
    number = order_for(app, shop.buyer, (shop.bacon, 1))
    _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, number)
    assert order_status(app, number) == S.PENDING_PAYMENT
    result = runner.invoke(args=["reconcile-payments", "--hours", "1"])
    assert result.exit_code == 0, result.output
    assert order_status(app, number) == S.PAID
    again = runner.invoke(args=["reconcile-payments", "--hours", "1"])
    assert again.exit_code == 0 and "0 newly applied" in again.output
    assert count(app, Payment) == 1
    with app.app_context():
        assert db.session.scalar(select(StripeEvent.source).where(StripeEvent.type == "payment_intent.succeeded")) \
            == "reconcile"


def test_webhook_of_an_unhandled_type_is_acknowledged(app, shop, buyer_client):
    event = {"id": "evt_other", "type": "customer.created", "created": int(time.time()),
             "data": {"object": {"id": "cus_1", "object": "customer"}}}
    response = post_event(buyer_client, event)
    assert response.status_code == 200 and response.json["outcome"] == "ignored"


def refund_event(refund_id: str, status: str) -> dict:
    return {"id": f"evt_refund_{refund_id}_{status}", "object": "event", "type": "charge.refund.updated",
            "created": int(time.time()),
            "data": {"object": {"id": refund_id, "object": "refund", "status": status, "amount": 100}}}


@pytest.mark.parametrize("status, expected", [("succeeded", RefundStatus.SUCCEEDED), ("failed", RefundStatus.FAILED)])
def test_refund_events_settle_pending_refunds(app, shop, buyer_client, status, expected):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt = started(app, buyer_client, number)
    assert post_event(buyer_client, succeeded(attempt, number)).json["outcome"] == "paid"
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        db.session.add(Refund(order_id=payment.order_id, payment_id=payment.id, amount_fen=100, reason="测试",
                              request_token="t" * 32, provider_refund_id="re_pending_1"))
        db.session.commit()
    assert post_event(buyer_client, refund_event("re_pending_1", status)).json["outcome"] == "applied"
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert refund.status == expected and (refund.refunded_at is not None) == (status == "succeeded")
        assert count(app, PaymentAlert) == (1 if status == "failed" else 0)
    # A later event about a settled refund changes nothing.
    other = "failed" if status == "succeeded" else "succeeded"
    assert post_event(buyer_client, refund_event("re_pending_1", other)).json["outcome"] == "ignored"


def test_a_refund_the_shop_did_not_make_alerts_staff(app, shop, buyer_client):
    assert post_event(buyer_client, refund_event("re_elsewhere", "succeeded")).json["outcome"] == "unknown"
    with app.app_context():
        assert db.session.scalar(select(PaymentAlert.kind)) == "unknown_refund"

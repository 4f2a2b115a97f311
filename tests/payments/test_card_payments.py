"""Paying by card through the pay pages, against localstripe with the real `stripe` library; localstripe
delivers real signed webhooks to the app served on loopback."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.orders.models import Order, OrderStatus
from shop.payments.models import AttemptStatus, Payment, PaymentAttempt
from tests.payments.conftest import order_for, order_status, wait_for_status
from tests.web import csrf_token, english, post

S = OrderStatus


def start_card_payment(client, number: str) -> tuple[int, str]:
    """Open the pay page, choose card; returns the attempt id and the CSRF token the page's script sends."""
    page = client.get(f"/orders/{number}/pay")
    assert page.status_code == 200
    response = post(client, f"/orders/{number}/pay/card", token_from=f"/orders/{number}/pay")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)$", response.headers["Location"]).group(1))
    card_page = client.get(response.headers["Location"])
    assert card_page.status_code == 200 and card_page.headers["Cache-Control"] == "no-store"
    html = card_page.get_data(as_text=True)
    assert "js.stripe.com/v3/" in html and 'data-client-secret="pi_' in html
    return attempt_id, re.search(r'data-csrf="([^"]+)"', html).group(1)


def send_card(client, number: str, attempt_id: int, token: str, csrf: str):
    return client.post(f"/orders/{number}/pay/attempts/{attempt_id}/card", json={"token": token},
                       headers={"X-CSRFToken": csrf})


def test_card_payment_is_confirmed_by_the_webhook(app, shop, buyer_client, webhooks):
    number = order_for(app, shop.buyer, (shop.jujube, 2))
    attempt_id, csrf = start_card_payment(buyer_client, number)
    response = send_card(buyer_client, number, attempt_id, webhooks.card_token("4242424242424242"), csrf)
    assert response.status_code == 200 and response.json["next"].endswith(f"/pay/done?attempt={attempt_id}")
    # The confirmation alone does not mark the order paid; the signed event does.
    assert wait_for_status(app, number, S.PAID) == S.PAID
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        attempt = db.session.get(PaymentAttempt, attempt_id)
        assert (payment.amount_fen, payment.currency, payment.reference) == (9160, "cny", attempt.intent_id)
        assert attempt.status == AttemptStatus.SUCCEEDED
        order = db.session.scalar(select(Order).where(Order.number == number))
        assert order.paid_at is not None and order.events[-1].to_status == S.PAID
    done = english(buyer_client).get(response.json["next"]).get_data(as_text=True)
    assert "Payment received" in done and 'http-equiv="refresh"' not in done


def test_the_return_page_waits_for_the_webhook(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt_id, csrf = start_card_payment(buyer_client, number)
    response = send_card(buyer_client, number, attempt_id, localstripe.card_token(), csrf)
    assert response.status_code == 200
    done = english(buyer_client).get(response.json["next"]).get_data(as_text=True)
    assert "Confirming your payment" in done and 'http-equiv="refresh"' in done  # no webhook delivered here
    assert order_status(app, number) == S.PENDING_PAYMENT


def test_declined_card(app, shop, buyer_client, webhooks):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt_id, csrf = start_card_payment(buyer_client, number)
    english(buyer_client)
    response = send_card(buyer_client, number, attempt_id, webhooks.card_token("4000000000000002"), csrf)
    assert response.status_code == 402 and "declined" in response.json["error"]
    done = buyer_client.get(f"/orders/{number}/pay/done?attempt={attempt_id}").get_data(as_text=True)
    assert "did not go through" in done and "Try again" in done
    assert order_status(app, number) == S.PENDING_PAYMENT
    # The buyer tries again with a good card on the same attempt: one intent, paid.
    again, csrf = start_card_payment(buyer_client, number)
    assert again == attempt_id
    assert send_card(buyer_client, number, attempt_id, webhooks.card_token(), csrf).status_code == 200
    assert wait_for_status(app, number, S.PAID) == S.PAID
    assert len(webhooks.intents_for(number)) == 1


def test_3d_secure_requires_the_buyers_action(app, shop, buyer_client, webhooks):
    number = order_for(app, shop.buyer, (shop.bacon, 1))
    attempt_id, csrf = start_card_payment(buyer_client, number)
    response = send_card(buyer_client, number, attempt_id, webhooks.card_token("4000002760003184"), csrf)
    assert response.status_code == 200 and response.json["action"] == "authenticate"
    client_secret = response.json["client_secret"]
    with app.app_context():
        attempt = db.session.get(PaymentAttempt, attempt_id)
        assert attempt.status == AttemptStatus.REQUIRES_ACTION and client_secret == attempt.client_secret
        intent_id = attempt.intent_id
    assert order_status(app, number) == S.PENDING_PAYMENT
    webhooks.authenticate(intent_id, client_secret, success=True)  # what Stripe.js does after the bank's page
    assert wait_for_status(app, number, S.PAID) == S.PAID


def test_a_retry_after_a_timeout_reuses_the_payment_intent(app, shop, buyer_client, localstripe, monkeypatch):
    """The answer to the first create call is lost (timeout); the retry sends the stored idempotency key
    again, so Stripe answers with the same PaymentIntent instead of making a second one."""
    import stripe

    number = order_for(app, shop.buyer, (shop.jujube, 1))
    real_request = stripe.RequestsClient.request
    calls = []

    def lose_first_answer(self, method, url, headers, post_data=None):
        answer = real_request(self, method, url, headers, post_data)
        if method != "post" or not url.endswith("/v1/payment_intents"):
            return answer
        calls.append(headers.get("Idempotency-Key"))
        if len(calls) == 1:
            raise stripe.APIConnectionError("Request timed out (simulated: the answer was lost)")
        return answer

    monkeypatch.setattr(stripe.RequestsClient, "request", lose_first_answer)
    try:
        english(buyer_client)
        first = post(buyer_client, f"/orders/{number}/pay/card", token_from=f"/orders/{number}/pay",
                     follow_redirects=True)
        assert "did not answer" in first.get_data(as_text=True)
        with app.app_context():
            attempt = db.session.scalar(select(PaymentAttempt))
            assert attempt.intent_id is None  # the shop does not know the intent yet
        assert len(localstripe.intents_for(number)) == 1  # ... but Stripe made it
        second = post(buyer_client, f"/orders/{number}/pay/card", token_from=f"/orders/{number}/pay")
        assert second.status_code == 302
    finally:
        app.extensions.pop("stripe_gateway", None)
    assert calls == [attempt.idempotency_key, attempt.idempotency_key]
    intents = localstripe.intents_for(number)
    assert len(intents) == 1
    with app.app_context():
        assert db.session.scalar(select(PaymentAttempt.intent_id)) == intents[0].id
        assert db.session.scalar(select(func.count()).select_from(PaymentAttempt)) == 1


def test_reloading_the_pay_page_keeps_one_intent(app, shop, buyer_client, localstripe):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    first, _ = start_card_payment(buyer_client, number)
    second, _ = start_card_payment(buyer_client, number)
    assert first == second and len(localstripe.intents_for(number)) == 1


def test_someone_elses_order_is_not_found(app, shop, member_client, buyer_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    assert member_client.get(f"/orders/{number}/pay").status_code == 404
    token = csrf_token(member_client, "/")
    assert member_client.post(f"/orders/{number}/pay/card", data={"csrf_token": token}).status_code == 404
    attempt_id, _ = start_card_payment(buyer_client, number)
    assert member_client.get(f"/orders/{number}/pay/attempts/{attempt_id}").status_code == 404
    assert member_client.post(f"/orders/{number}/pay/attempts/{attempt_id}/card", json={"token": "tok_x"},
                              headers={"X-CSRFToken": token}).status_code == 404
    assert member_client.get(f"/orders/{number}/pay/done").status_code == 404


def test_an_order_that_is_not_pending_cannot_be_paid(app, shop, buyer_client):
    from shop.orders import lifecycle

    number = order_for(app, shop.buyer, (shop.jujube, 1))
    with app.app_context():
        lifecycle.cancel_order(db.session.scalar(select(Order.id).where(Order.number == number)), shop.buyer, "不要了")
    english(buyer_client)
    response = buyer_client.get(f"/orders/{number}/pay", follow_redirects=True)
    assert "not awaiting payment" in response.get_data(as_text=True) and "Cancelled" in response.get_data(as_text=True)
    response = post(buyer_client, f"/orders/{number}/pay/card", follow_redirects=True)
    assert "not awaiting payment" in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [{}, {"token": 5}, {"token": ""}, {"token": "x" * 500}])
def test_a_bad_card_request_is_refused_clearly(app, shop, buyer_client, body):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt_id, csrf = start_card_payment(buyer_client, number)
    response = buyer_client.post(f"/orders/{number}/pay/attempts/{attempt_id}/card", json=body,
                                 headers={"X-CSRFToken": csrf})
    assert response.status_code in (400, 402) and response.json["error"]
    without_csrf = buyer_client.post(f"/orders/{number}/pay/attempts/{attempt_id}/card", json={"token": "tok_x"})
    assert without_csrf.status_code == 400

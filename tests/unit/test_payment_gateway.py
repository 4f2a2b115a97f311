"""The Stripe gateway's pure parts: reading events and verifying webhook signatures (Stripe's scheme)."""
from __future__ import annotations

import json
import time

import pytest

from shop.payments.gateway import IntentEvent, InvalidWebhook, OtherEvent, RefundEvent, StripeGateway, event_from_dict
from tests.stripe_server import WEBHOOK_SECRET, intent_event, sign


@pytest.fixture
def gateway():
    return StripeGateway("sk_test_unit", WEBHOOK_SECRET, api_base="http://127.0.0.1:9")


def test_intent_events_are_reduced_to_what_the_shop_checks():
    event = event_from_dict(intent_event("payment_intent.succeeded", "pi_1", 4580, "BF20261127-000001",
                                         currency="CNY", event_id="evt_1", created=1_790_000_000))
    assert isinstance(event, IntentEvent)
    assert (event.event_id, event.type, event.created.timestamp()) == ("evt_1", "payment_intent.succeeded",
                                                                       1_790_000_000)
    assert (event.intent.id, event.intent.amount, event.intent.currency, event.intent.order_number) == \
        ("pi_1", 4580, "cny", "BF20261127-000001")


def test_refund_and_other_events():
    refund = event_from_dict({"id": "evt_2", "type": "charge.refund.updated", "created": 1,
                              "data": {"object": {"id": "re_1", "object": "refund", "status": "failed"}}})
    assert isinstance(refund, RefundEvent) and (refund.refund_id, refund.status) == ("re_1", "failed")
    other = event_from_dict({"id": "evt_3", "type": "customer.created", "created": 1,
                             "data": {"object": {"id": "cus_1", "object": "customer"}}})
    assert isinstance(other, OtherEvent)


@pytest.mark.parametrize("data", [{}, {"id": "evt"}, {"id": "e", "type": "t", "created": "soon", "data": {}},
                                  {"id": "e", "type": "payment_intent.succeeded", "created": 1, "data": None}])
def test_malformed_events_are_invalid(data):
    with pytest.raises(InvalidWebhook):
        event_from_dict(data)


def test_a_correctly_signed_body_is_accepted(gateway):
    body = json.dumps(intent_event("payment_intent.succeeded", "pi_1", 100, "BF20261127-000001")).encode()
    assert gateway.parse_webhook(body, sign(body)).intent.id == "pi_1"


@pytest.mark.parametrize("header", [None, "", "t=1,v1=abc", "garbage"])
def test_missing_or_malformed_signatures_are_refused(gateway, header):
    body = json.dumps(intent_event("payment_intent.succeeded", "pi_1", 100, "BF1")).encode()
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, header)


def test_the_signature_covers_the_raw_body_and_the_timestamp(gateway):
    body = json.dumps(intent_event("payment_intent.succeeded", "pi_1", 100, "BF1")).encode()
    header = sign(body)
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body.replace(b"100", b"1000"), header)
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(json.dumps(json.loads(body), indent=1).encode(), header)  # same JSON, other bytes
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, sign(body, timestamp=int(time.time()) - 301))
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, sign(body, secret="whsec_other"))


def test_a_signed_body_that_is_not_an_event_is_refused(gateway):
    for body in (b"[1, 2]", b"\xff\xfe", b"{"):
        with pytest.raises(InvalidWebhook):
            gateway.parse_webhook(body, sign(body))

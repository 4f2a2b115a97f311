"""The test server's delivery count (tools/localstripe_server.py): waiting for it means every webhook has
landed, so fixtures and tests wait on it instead of sleeping a fixed time."""
from __future__ import annotations

from shop.orders.models import OrderStatus
from tests.payments.conftest import order_for, order_status
from tests.payments.test_card_payments import send_card, start_card_payment


def test_waiting_for_deliveries_means_the_webhook_has_landed(app, shop, buyer_client, webhooks):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    attempt_id, csrf = start_card_payment(buyer_client, number)
    assert send_card(buyer_client, number, attempt_id, webhooks.card_token(), csrf).status_code == 200
    webhooks.wait_for_deliveries()  # localstripe sends the event about a second after the payment
    assert order_status(app, number) == OrderStatus.PAID  # read once: the event was applied before the wait ended
    assert webhooks.pending_deliveries() == 0

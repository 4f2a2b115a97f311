"""The job runner reconciles with Stripe on its first round, then once per RECONCILE_INTERVAL_MINUTES, so
a payment whose webhook was lost is applied without a cron line of its own."""
from __future__ import annotations

from shop.jobs import JobRunner
from shop.orders.models import OrderStatus
from tests.clock import Clock
from tests.payments.conftest import order_for, order_status
from tests.payments.test_webhooks import _paid_by_card_without_webhook


def test_reconciliation_runs_on_the_first_round_then_hourly(app, shop, buyer_client, localstripe):
    clock = Clock()
    runner = JobRunner(dict(app.config, RECONCILE_INTERVAL_MINUTES=60), clock=clock)

    def run_round():
        with app.app_context():
            return runner.run_round()

    first = order_for(app, shop.buyer, (shop.jujube, 1))
    _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, first)
    assert run_round().done["reconcile"]["events_applied"] == 1
    assert order_status(app, first) == OrderStatus.PAID

    second = order_for(app, shop.buyer, (shop.bacon, 1))
    _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, second)
    clock.advance(59 * 60)
    within_the_hour = run_round()
    assert "reconcile" not in within_the_hour.done and "expire" in within_the_hour.done
    assert order_status(app, second) == OrderStatus.PENDING_PAYMENT
    clock.advance(60)
    assert run_round().done["reconcile"]["events_applied"] == 1
    assert order_status(app, second) == OrderStatus.PAID

"""Reconciliation: ask Stripe for recent events and apply any the webhook missed (idempotently), then
send refunds still waiting for Stripe."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from shop.core.database import utcnow
from shop.payments.events import apply_event
from shop.payments.exceptions import PaymentError
from shop.payments.gateway import get_gateway
from shop.payments.refunds import submit_pending_refunds

DEFAULT_HOURS = 72  # Stripe keeps events for 30 days; three days covers a long outage of the webhook
NOT_APPLIED = ("duplicate", "ignored", "refunds_sent")  # outcomes that are not a newly applied event


def reconcile_payments(hours: int = DEFAULT_HOURS, now: datetime | None = None) -> Counter[str]:
    """Apply Stripe's events of the last `hours`; returns how many events had each outcome."""
    gateway = get_gateway()
    if gateway is None:
        raise PaymentError("Stripe is not configured (STRIPE_SECRET_KEY)")
    since = (now or utcnow()) - timedelta(hours=hours)
    outcomes: Counter[str] = Counter()
    for event in gateway.recent_events(since):
        outcomes[apply_event(event, source="reconcile")] += 1
    outcomes["refunds_sent"] = submit_pending_refunds()
    return outcomes


def newly_applied(outcomes: Counter[str]) -> int:
    """How many of reconcile_payments' events were applied now (not known already, not needing anything)."""
    return sum(number for outcome, number in outcomes.items() if outcome not in NOT_APPLIED)

"""The background jobs, run by `flask --app wsgi run-jobs` beside the web workers (or from cron with --once)."""
from __future__ import annotations

from flask import current_app

from shop.accounts import throttling
from shop.accounts.sessions import purge_sessions
from shop.core.outbox import deliver_queued
from shop.orders import lifecycle
from shop.payments.attempts import cancel_abandoned_intents
from shop.payments.refunds import submit_pending_refunds


def run_once() -> dict[str, int]:
    """One round of every job; returns how much each did."""
    expired = lifecycle.expire_due_orders()
    completed = lifecycle.complete_due_orders(current_app.config["ORDER_COMPLETE_DAYS"])
    refunds_sent = submit_pending_refunds()
    intents_cancelled = cancel_abandoned_intents()
    sent, failed = deliver_queued()
    return {"expired": len(expired), "completed": len(completed), "refunds_sent": refunds_sent,
            "intents_cancelled": intents_cancelled,
            "mail_sent": sent, "mail_failed": failed, "sessions_purged": purge_sessions(),
            "attempts_purged": throttling.purge()}

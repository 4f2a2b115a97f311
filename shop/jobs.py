"""The table of background jobs, and the runner behind `flask --app wsgi run-jobs` (beside the web workers, or
from cron with --once).

Every job runs in its own error boundary: one that raises is logged and tried again next round, and the others
run anyway. The session is ended after every job and every round, so the runner never sleeps inside a
transaction (PostgreSQL would show it "idle in transaction"; SQLite's WAL could not checkpoint past it).
Asked to stop (`JobRunner.stop`, which run-jobs calls on SIGTERM or Ctrl-C), the runner finishes the round it is
in, reports it, and returns: a job's work is never cut off between its commit and the report of it.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from shop.accounts import throttling
from shop.accounts.sessions import purge_sessions
from shop.core import held_uploads
from shop.core.outbox import deliver_queued
from shop.extensions import db
from shop.orders import lifecycle
from shop.payments.attempts import cancel_abandoned_intents
from shop.payments.gateway import get_gateway
from shop.payments.reconcile import newly_applied, reconcile_payments
from shop.payments.refunds import submit_pending_refunds

logger = logging.getLogger(__name__)

Counts = dict[str, int]


@dataclass(frozen=True)
class Job:
    """One background job: its name, what it does given the app config (counts for the report), how often."""

    name: str
    run: Callable[[Mapping], Counts]
    every: str | None = None  # the setting that holds its interval in minutes; None: every round

    def interval(self, config: Mapping) -> float:
        """Seconds from one run to the next (0: every round)."""
        return 60.0 * config[self.every] if self.every else 0.0


def _mail(config: Mapping) -> Counts:
    sent, failed = deliver_queued()
    return {"mail_sent": sent, "mail_failed": failed}


def _reconcile(config: Mapping) -> Counts:
    if get_gateway() is None:
        return {}  # no Stripe account, nothing to reconcile
    outcomes = reconcile_payments()
    return {"events_applied": newly_applied(outcomes), "refunds_sent": outcomes["refunds_sent"]}


JOBS: tuple[Job, ...] = (
    Job("expire", lambda config: {"expired": len(lifecycle.expire_due_orders())}),
    Job("complete", lambda config: {"completed": len(lifecycle.complete_due_orders(config["ORDER_COMPLETE_DAYS"]))}),
    Job("refunds", lambda config: {"refunds_sent": submit_pending_refunds()}),
    Job("intents", lambda config: {"intents_cancelled": cancel_abandoned_intents()}),
    Job("mail", _mail),
    Job("sessions", lambda config: {"sessions_purged": purge_sessions()}, every="PURGE_INTERVAL_MINUTES"),
    Job("throttling", lambda config: {"attempts_purged": throttling.purge()}, every="PURGE_INTERVAL_MINUTES"),
    Job("uploads", lambda config: {"held_uploads_purged": held_uploads.purge(timedelta(
        minutes=config["KEPT_UPLOAD_MINUTES"]))}, every="PURGE_INTERVAL_MINUTES"),
    # Last: it waits on Stripe longest, and while Stripe is down it fails (and is retried) every round.
    Job("reconcile", _reconcile, every="RECONCILE_INTERVAL_MINUTES"),
)


@dataclass
class Round:
    """What one round did: the counts of each job that ran, by job name, and the jobs that failed."""

    done: dict[str, Counts] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def counts(self) -> Counts:
        """Every job's counts in one mapping; a count two jobs report (refunds_sent) is added up."""
        total: Counts = {}
        for counts in self.done.values():
            for name, number in counts.items():
                total[name] = total.get(name, 0) + number
        return total

    def __str__(self) -> str:
        text = " ".join(f"{name}={number}" for name, number in self.counts.items())
        return f"{text}; failed: {', '.join(self.failed)} (see the log)" if self.failed else text


class JobRunner:
    """Runs the jobs of a table that are due, each in its own error boundary, and keeps when each is next due.

    `clock` (seconds) is time.monotonic unless a test gives its own; so is `sleep`, which by default waits for
    the interval or until `stop()` is called, whichever comes first.
    """

    def __init__(self, config: Mapping, jobs: Sequence[Job] = JOBS, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] | None = None) -> None:
        self._stopping = threading.Event()
        self.config, self.jobs, self.clock = config, jobs, clock
        self.sleep = sleep or self._stopping.wait
        self.next_due: dict[str, float] = {}

    def stop(self) -> None:
        """Ask `run` to return once the round in progress (if any) is done and reported; safe from a signal
        handler or another thread."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether `stop()` has been called."""
        return self._stopping.is_set()

    def run_round(self) -> Round:
        """Every due job, once; a job that fails stays due, so the next round tries it again."""
        result = Round()
        for job in self.jobs:
            now = self.clock()
            if now < self.next_due.get(job.name, now):
                continue
            try:
                result.done[job.name] = job.run(self.config)
            except Exception:  # whatever went wrong (a bad setting, an outage): logged, and the rest still run
                logger.exception("background job %r failed; it is tried again next round", job.name)
                result.failed.append(job.name)
            else:
                self.next_due[job.name] = now + job.interval(self.config)
            finally:
                db.session.remove()  # no transaction stays open, whatever the job left behind
        return result

    def run(self, interval: float, rounds: int | None = None,
            report: Callable[[Round], object] = lambda result: None) -> Round:
        """`rounds` rounds (None: until `stop()`), `interval` seconds apart, each reported; returns the last."""
        done = 0
        while True:
            result = self.run_round()
            report(result)
            db.session.remove()  # before sleeping, whatever the report read
            done += 1
            if self.stopping or (rounds is not None and done >= rounds):
                return result
            self.sleep(interval)
            if self.stopping:  # stopped while asleep: no further round
                return result


def run_once() -> Counts:
    """One round of a fresh runner, so every job runs; returns the counts."""
    return JobRunner(current_app.config).run_round().counts

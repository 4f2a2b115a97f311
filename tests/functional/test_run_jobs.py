"""`flask run-jobs --once`: a job that fails (a bad MAIL_BACKEND) is logged and reported with a non-zero exit,
and the other jobs still do their work. `flask run-jobs` (continuous) on SIGTERM finishes its round, reports it
and exits 0."""
from __future__ import annotations

import logging
import os
import signal
import threading

from sqlalchemy import select

from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from tests.job_factories import overdue_order


def test_a_bad_mail_backend_fails_only_the_mail_job(app, runner, localstripe, monkeypatch, caplog):
    localstripe.flush()  # the reconciliation job asks it for events; none of an earlier test's
    with app.app_context():
        order_id, _number = overdue_order()
        db.session.remove()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    with caplog.at_level(logging.ERROR, logger="shop.jobs"):
        result = runner.invoke(args=["run-jobs", "--once"])
    assert result.exit_code == 1
    assert "expired=1" in result.output and "; failed: mail (see the log)" in result.output
    assert "1 of the jobs failed; the others ran" in result.output
    [record] = [r for r in caplog.records if r.name == "shop.jobs"]
    assert "'mail' failed" in record.getMessage() and "unknown MAIL_BACKEND" in str(record.exc_info[1])
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.id == order_id)) == OrderStatus.CANCELLED

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    again = runner.invoke(args=["run-jobs", "--once"])
    assert again.exit_code == 0 and "failed:" not in again.output
    assert "expired=0" in again.output


def test_sigterm_mid_round_lets_the_runner_finish_report_and_exit(app, runner, localstripe, monkeypatch):
    assert threading.current_thread() is threading.main_thread()  # where Python delivers signals
    localstripe.flush()
    with app.app_context():
        order_id, _number = overdue_order()
        db.session.remove()
    expire = lifecycle.expire_due_orders

    def expire_while_being_stopped():  # a service manager stops the runner while it is expiring orders
        os.kill(os.getpid(), signal.SIGTERM)
        return expire()

    monkeypatch.setattr(lifecycle, "expire_due_orders", expire_while_being_stopped)
    before = signal.getsignal(signal.SIGTERM)
    result = runner.invoke(args=["run-jobs", "--interval", "3600"])  # without the stop, an hour's sleep
    assert result.exit_code == 0, result.output
    assert "expired=1" in result.output  # the round was finished and reported...
    assert result.output.rstrip().endswith("run-jobs: stopped on request, after finishing its round")
    assert signal.getsignal(signal.SIGTERM) is before  # ...and the handler put back
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.id == order_id)) == OrderStatus.CANCELLED

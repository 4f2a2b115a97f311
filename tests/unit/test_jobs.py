"""The job runner: each job in its own error boundary, a failed job tried again next round, jobs with an
interval run only when it has passed, the settings for those intervals, and stopping: the round in progress is
finished and reported first."""
from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import select

from shop.config import ConfigError, load_config
from shop.extensions import db
from shop.jobs import JOBS, Job, JobRunner
from shop.orders.models import Order, OrderStatus
from tests.clock import Clock
from tests.job_factories import overdue_order


class Outage:
    """A job that fails while `down` (like a Stripe outage), and counts its runs."""

    def __init__(self) -> None:
        self.down, self.runs = True, 0

    def __call__(self, config) -> dict[str, int]:
        self.runs += 1
        if self.down:
            raise ConnectionError("the provider is down")
        return {"outage_runs": self.runs}


def test_a_failing_job_is_logged_and_retried_and_the_others_still_run(app, app_ctx, localstripe, caplog):
    localstripe.flush()  # the reconciliation job asks it for events; none of an earlier test's
    order_id, _number = overdue_order()
    outage = Outage()
    clock = Clock()
    runner = JobRunner(dict(app.config, OUTAGE_MINUTES=60),
                       jobs=(Job("outage", outage, every="OUTAGE_MINUTES"), *JOBS), clock=clock)
    with caplog.at_level(logging.ERROR, logger="shop.jobs"):
        first = runner.run_round()
    assert first.failed == ["outage"]
    assert list(first.done) == [job.name for job in JOBS]  # every other job still ran
    assert first.done["expire"] == {"expired": 1}
    assert db.session.scalar(select(Order.status).where(Order.id == order_id)) == OrderStatus.CANCELLED
    [record] = [r for r in caplog.records if r.name == "shop.jobs"]
    assert "'outage' failed" in record.getMessage() and record.exc_info[0] is ConnectionError

    outage.down = False
    second = runner.run_round()  # no time has passed, but a failed job stays due
    assert second.failed == [] and second.done["outage"] == {"outage_runs": 2}
    assert "outage" not in runner.run_round().done  # now it waits for its interval
    clock.advance(60 * 60)
    assert "outage" in runner.run_round().done


def test_jobs_with_an_interval_wait_for_it(app, app_ctx, localstripe):
    localstripe.flush()
    clock = Clock()
    runner = JobRunner(dict(app.config, PURGE_INTERVAL_MINUTES=30), clock=clock)
    assert set(runner.run_round().done) == {job.name for job in JOBS}  # the first round runs everything
    clock.advance(29 * 60)
    assert set(runner.run_round().done) == {"expire", "complete", "refunds", "intents", "mail"}
    clock.advance(60)
    assert {"sessions", "throttling"} <= set(runner.run_round().done)


@pytest.mark.parametrize("key", ["RECONCILE_INTERVAL_MINUTES", "PURGE_INTERVAL_MINUTES"])
def test_job_intervals_are_read_from_the_environment(monkeypatch, tmp_path, key):
    monkeypatch.setenv(key, "15")
    assert load_config(str(tmp_path))[key] == 15
    monkeypatch.setenv(key, "-1")
    with pytest.raises(ConfigError, match=key):
        load_config(str(tmp_path))


def _counting(name: str, runs: list[str], then=lambda: None) -> Job:
    def run(config) -> dict[str, int]:
        runs.append(name)
        then()
        return {f"{name}_runs": runs.count(name)}
    return Job(name, run)


def test_stopped_during_a_round_the_runner_finishes_and_reports_it_then_returns(app, app_ctx):
    runs: list[str] = []
    reports: list[dict[str, int]] = []
    runner = JobRunner(app.config, clock=Clock(), sleep=lambda seconds: pytest.fail("it slept after stop()"))
    runner.jobs = (_counting("first", runs, then=runner.stop), _counting("second", runs))
    last = runner.run(interval=10, report=lambda result: reports.append(result.counts))
    assert runs == ["first", "second"]  # the job after the one that was running when stop() came still ran
    assert reports == [{"first_runs": 1, "second_runs": 1}] and last.counts == reports[0]
    assert runner.stopping


def test_stopped_while_asleep_the_runner_wakes_and_returns_without_another_round(app, app_ctx):
    runs: list[str] = []
    runner = JobRunner(app.config, jobs=(_counting("only", runs),), clock=Clock())
    asleep = threading.Event()

    def run() -> None:
        with app.app_context():
            runner.run(interval=3600, report=lambda result: asleep.set())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert asleep.wait(30)
    runner.stop()
    thread.join(timeout=30)  # not an hour: the default sleep ends at stop()
    assert not thread.is_alive() and runs == ["only"]

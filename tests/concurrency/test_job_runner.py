"""The job runner sleeps between rounds with no transaction open: on PostgreSQL none of its connections is
"idle in transaction" (which would hold back VACUUM; on SQLite an open read stops the WAL checkpoint)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from shop.jobs import JobRunner


def test_no_transaction_is_open_while_the_runner_sleeps(app, dialect, database_url, localstripe):
    if dialect != "postgresql":
        pytest.skip("pg_stat_activity is PostgreSQL's; SQLite has no view of another connection's transaction")
    localstripe.flush()  # the reconciliation job asks it for events; none of an earlier test's
    sleeping, wake = threading.Event(), threading.Event()
    seen: list[list[str]] = []

    def sleep(seconds: float) -> None:
        sleeping.set()
        assert wake.wait(30)
        wake.clear()

    def run() -> None:
        with app.app_context():
            JobRunner(app.config, sleep=sleep).run(interval=10, rounds=3)
        sleeping.set()

    observer = create_engine(database_url, isolation_level="AUTOCOMMIT")
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        for _ in range(2):  # after the first round (everything runs) and after the second
            assert sleeping.wait(60), "the runner did not reach its sleep"
            sleeping.clear()
            with observer.connect() as conn:
                seen.append(list(conn.scalars(text(
                    "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state IS NOT NULL"))))
            wake.set()
    finally:
        wake.set()
        thread.join(timeout=60)
        observer.dispose()
    assert not thread.is_alive()
    assert all(states for states in seen)  # the runner's pooled connection is there...
    assert not [state for states in seen for state in states if state.startswith("idle in transaction")]  # idle

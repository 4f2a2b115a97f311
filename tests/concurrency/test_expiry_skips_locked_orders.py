"""A job runner on another host holding an order's row: expiring and completing skip that order at once (it is
being changed) instead of waiting for the lock and then failing the whole job; the next round takes it."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text, update

from shop.core.database import utcnow
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from tests.job_factories import overdue_order


@pytest.mark.parametrize("job", ["expire", "complete"])
def test_an_order_another_runner_holds_is_skipped_not_failed(app, app_ctx, dialect, database_url, job):
    if dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite's writers take turns on the whole database")
    overdue_order("first@example.cn")
    held, held_number = overdue_order("held@example.cn")
    if job == "complete":
        long_ago = utcnow() - timedelta(days=30)
        db.session.execute(update(Order).values(status=OrderStatus.RECEIVED, received_at=long_ago))
        db.session.commit()
    jobs = {"expire": lifecycle.expire_due_orders, "complete": lambda: lifecycle.complete_due_orders(days=7)}
    done: list[list[str]] = []

    def run_in_a_thread() -> None:  # as the job runner does: its own session
        with app.app_context():
            done.append(jobs[job]())
            db.session.remove()

    other_runner = create_engine(database_url)
    try:
        with other_runner.connect() as conn:
            conn.execute(text("SELECT id FROM orders WHERE id = :id FOR UPDATE"), {"id": held})
            thread = threading.Thread(target=run_in_a_thread)
            thread.start()
            thread.join(timeout=10)
            waited = thread.is_alive()  # stuck behind the lock
            conn.rollback()
            thread.join(timeout=30)
        assert not waited and len(done[0]) == 1 and held_number not in done[0]
        assert jobs[job]() == [held_number]  # released: the next round takes it
    finally:
        other_runner.dispose()
    statuses = set(db.session.scalars(select(Order.status).execution_options(populate_existing=True)))
    assert statuses == {OrderStatus.CANCELLED if job == "expire" else OrderStatus.COMPLETED}

"""An API read within a minute of the token's last recorded use does not wait for the writer lock (SQLite) or
the token's row lock (PostgreSQL); one that must record the use waits for it, then records it."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shop.api.models import ApiToken
from shop.api.services import create_token
from shop.core.database import utcnow, write_transaction
from shop.extensions import db


def _read_in_thread(app, token: str) -> tuple[threading.Thread, list]:
    statuses: list = []

    def read():
        response = app.test_client().get("/api/v1/tallies", headers={"Authorization": f"Bearer {token}"})
        statuses.append(response.status_code)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, statuses


def _set_last_used(app, token_id: int, value) -> None:
    with app.app_context():
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=value))
        db.session.commit()
        db.session.remove()


def _last_used(app, token_id: int):
    with app.app_context():
        value = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))
        db.session.remove()
        return value


@contextmanager
def _another_writer(app, token_id: int):
    """Another transaction holding the writer lock (SQLite) and the token's row (PostgreSQL)."""
    with app.app_context():
        writer = Session(db.engine)
        try:
            with write_transaction(writer):
                writer.execute(update(ApiToken).where(ApiToken.id == token_id).values(name=ApiToken.name))
                yield
        finally:
            writer.close()


def test_reads_write_only_when_the_recorded_use_is_a_minute_old(app):
    with app.app_context():
        row, token = create_token("合作平台", actor_id=None)
        token_id = row.id
    recent = utcnow() - timedelta(seconds=30)
    _set_last_used(app, token_id, recent)
    with _another_writer(app, token_id):
        thread, statuses = _read_in_thread(app, token)
        thread.join(timeout=10)
        assert not thread.is_alive(), "a read within the minute waited for a write"
        assert statuses == [200]
    assert _last_used(app, token_id) == recent

    old = utcnow() - timedelta(seconds=61)
    _set_last_used(app, token_id, old)
    with _another_writer(app, token_id):
        thread, statuses = _read_in_thread(app, token)
        thread.join(timeout=1)
        assert thread.is_alive() and statuses == []  # it must record the use, so it waits its turn
    thread.join(timeout=30)
    assert statuses == [200]
    assert _last_used(app, token_id) > old + timedelta(seconds=60)

"""Recording the SQL a piece of code sends, for tests of statement counts and query plans."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event

from shop.extensions import db


def sent_statements(action: Callable[[], object]) -> list[tuple[str, object]]:
    """Every (statement, parameters) that `action()` sends through the app's engine, in order."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent

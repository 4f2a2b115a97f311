"""Reports read from a PostgreSQL streaming replica when one is configured (REPORTS_DATABASE_URL).

The tallies, their downloads, the impact figures and the tallies API group millions of rollup cells and order
lines; on a busy shop those reads belong on a replica, away from the primary that takes orders and payments.
`replica_reads(session)` marks a block whose reads the session sends to the replica's engine (the
Flask-SQLAlchemy bind REPORTS_BIND). Writes inside the block (a flush, an INSERT, UPDATE or DELETE) still go to
the primary, as in SQLAlchemy's own recipe for routing a session between a leader and its followers. Without a
replica configured, the block reads the primary like every other query.

A replica trails its primary by its replication lag (usually well under a second on one network), so a tally read
there may miss the payments of that last moment; the reports say what they counted, and `reconcile-tallies`
always compares on the primary.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_sqlalchemy.session import Session
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import scoped_session
from sqlalchemy.sql.dml import UpdateBase

from shop.core.database import SessionLike

# The Flask-SQLAlchemy bind of the replica (shop.config adds it when REPORTS_DATABASE_URL is set).
REPORTS_BIND = "reports"
# Set in a session's `info` inside replica_reads().
READ_REPLICA = "read_replica"


class RoutingSession(Session):
    """db.session's class: inside replica_reads() its reads go to the replica's engine, when there is one."""

    def get_bind(self, mapper: Any | None = None, clause: Any | None = None,
                 bind: Engine | Connection | None = None, **kwargs: Any) -> Engine | Connection:
        if bind is None and self.info.get(READ_REPLICA) and not self._flushing and not isinstance(clause, UpdateBase):
            replica = self._db.engines.get(REPORTS_BIND)
            if replica is not None:
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@contextmanager
def replica_reads(session: SessionLike) -> Iterator[None]:
    """Send the reads of this block to the reports replica (REPORTS_DATABASE_URL), if one is configured.

    The replica's connection joins the session's transaction and ends with it, as the primary's does."""
    current = session() if isinstance(session, scoped_session) else session
    before = current.info.get(READ_REPLICA, False)
    current.info[READ_REPLICA] = True
    try:
        yield
    finally:
        current.info[READ_REPLICA] = before

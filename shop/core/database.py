"""The declarative base, shared column types and database-specific connection settings."""
from __future__ import annotations

import enum
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeAlias, TypeVar

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # Windows has no fcntl: writers there queue on the busy timeout alone
    HAVE_FLOCK = False

from sqlalchemy import DateTime, Enum, MetaData, Table, event, func, select
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic can alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __table__: ClassVar[Table]  # every model maps one table (DeclarativeBase allows any FromClause)


M = TypeVar("M", bound=Base)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def string_enum(enum_class: type[enum.Enum], length: int) -> Enum:
    """A Python enum stored as its values in a VARCHAR with a CHECK, the same on every database."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC with tzinfo")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


SQLITE_BUSY_TIMEOUT_MS = 30_000

SessionLike: TypeAlias = Session | scoped_session[Any]
"""A session, or a scoped_session standing for the current one (as `db.session` does)."""


def configure_engine(engine: Engine) -> None:
    """Hook the SQLite connection settings and transaction modes into `engine` (create_app calls it)."""
    if engine.dialect.name != "sqlite":
        return
    for identifier, listener in (("connect", _configure_sqlite), ("begin", _begin_sqlite)):
        if not event.contains(engine, identifier, listener):
            event.listen(engine, identifier, listener)


def _configure_sqlite(dbapi_connection: sqlite3.Connection, connection_record: ConnectionPoolEntry) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
    # Let SQLAlchemy, not the driver, say when transactions begin (see _begin_sqlite).
    dbapi_connection.isolation_level = None


def _begin_sqlite(conn: Connection) -> None:
    """BEGIN on SQLite, IMMEDIATE for transactions opened by write_transaction()."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


# Set in a session's `info` by read_without_transaction(): the session refuses writes but write_transaction()'s.
READS_ONLY = "reads_only"


class WriteInReadOnlyRequest(RuntimeError):
    """A write in a request that said it only reads (read_without_transaction), outside write_transaction()."""


def read_without_transaction(session: SessionLike) -> None:
    """Let a request that only reads do so outside a transaction on PostgreSQL; refuse its stray writes.

    PostgreSQL's READ COMMITTED gives every statement a snapshot of its own anyway, so reads lose nothing outside a
    transaction and save its BEGIN and ROLLBACK round trips. They also keep psycopg's prepared statements: psycopg
    forgets them all at every ROLLBACK, so a request ending in one never reuses a plan, and every page statement was
    parsed and planned afresh. SQLite reads in the process, where BEGIN and ROLLBACK cost next to nothing: it keeps
    its read transaction. On both, the session then refuses writes (an ORM flush, a SQLAlchemy insert, update or
    delete) except inside write_transaction(), which gives them a transaction of their own (refuse_stray_writes()).
    """
    current: Session = session() if isinstance(session, scoped_session) else session
    current.info[READS_ONLY] = True
    if current.get_bind().dialect.name == "postgresql" and not current.in_transaction():
        current.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def working_memory(session: SessionLike, size: str | None) -> None:
    """Give the sorts and hashes of the rest of this transaction `size` of memory each on PostgreSQL (work_mem,
    e.g. "64MB"; None or empty: the server's setting). A report groups millions of rows: past the default 4 MB its
    hash tables spill to disk and the planner picks sorts instead. SQLite has no such setting."""
    if size and session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.set_config("work_mem", size, True)))


def _refuse_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if session.info.get(READS_ONLY):
        raise WriteInReadOnlyRequest("this request only reads: write in write_transaction()")


def _refuse_write_statement(state: Any) -> None:
    if state.session.info.get(READS_ONLY) and (state.is_insert or state.is_update or state.is_delete):
        raise WriteInReadOnlyRequest("this request only reads: write in write_transaction()")


def refuse_stray_writes() -> None:
    """Make sessions of read-only requests refuse writes outside write_transaction() (create_app calls it)."""
    listen_to_sessions((("before_flush", _refuse_flush), ("do_orm_execute", _refuse_write_statement)))


@contextmanager
def write_transaction(session: SessionLike) -> Iterator[Session]:
    """One transaction for a service's writes: committed at the end, rolled back on any error.

    On SQLite it starts with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout;
    a read transaction upgraded to a write fails at once with "database is locked" instead, so any
    read-only transaction the request had open is ended first. On PostgreSQL, whose transactions
    read committed data statement by statement, the writes carry on in a read-only transaction the
    request had open: ending it and starting another cost three round trips (COMMIT, the pool's
    ping, BEGIN), about a sixth of a checkout's; but a request reading outside a transaction
    (read_without_transaction) ends that first, so the writes get one. Unsaved changes are a bug either way.
    """
    current: Session = session() if isinstance(session, scoped_session) else session
    if current.new or current.dirty or current.deleted:
        raise RuntimeError("write_transaction() started with unsaved changes in the session")
    reads_only = current.info.pop(READS_ONLY, False)
    sqlite = current.get_bind().dialect.name == "sqlite"
    if (sqlite or reads_only) and current.in_transaction():
        # Ends the request's read-only transaction, or its reads in autocommit (the connection goes back to the
        # pool, which restores its isolation level); nothing is pending (checked above).
        current.commit()
    with _sqlite_writer_turn(current):
        if not current.in_transaction():
            current.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        try:
            yield current
            current.commit()
        except BaseException:
            current.rollback()
            raise


@contextmanager
def _sqlite_writer_turn(session: Session) -> Iterator[None]:
    """On SQLite, queue writers on an OS file lock beside the database file.

    SQLite's own busy handler polls with growing sleeps (1, 2, 5, 10 ... ms), so a writer waiting
    behind a 3 ms transaction often sleeps far longer than it had to; a blocking flock() wakes the
    next writer, in any thread or process, the moment the lock is free. The busy timeout stays as the
    safety net for writers that do not take this lock (e.g. the sqlite3 shell).
    """
    bind = session.get_bind()
    database = bind.engine.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or not HAVE_FLOCK:
        yield
        return
    try:
        fd = os.open(f"{database}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        # The database's folder is missing or read-only: let SQLite itself report it ("unable to open
        # database file", an OperationalError the error pages turn into a 503), not a bare OSError (a 500).
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (Session.execute() types every result as a plain Result)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} has no row count: not an UPDATE or DELETE without RETURNING")
    return result.rowcount


def reload(session: SessionLike, model: type[M], ident: int) -> M:
    """The `model` row with primary key `ident`, read again from the database; LookupError if it is gone."""
    instance = session.get(model, ident, populate_existing=True)
    if instance is None:
        raise LookupError(f"no {model.__name__} with id {ident}")
    return instance


def listen_to_sessions(listeners: tuple[tuple[str, Any], ...]) -> None:
    """Register (event name, listener) pairs on every Session, once per process however often create_app runs."""
    for identifier, listener in listeners:
        if not event.contains(Session, identifier, listener):
            event.listen(Session, identifier, listener)

"""The catalogue version: one number that every write to what visitors' pages show moves, in the same transaction.

Cached storefront pages are keyed by it (shop.web.pagecache), so a page is never older than the last committed
change to a product, its stock, price or photos, a cooperative, a category, a region, a pairing or the home page's
slides and sections, whichever worker or host made it. The number lives in the database (one row), so every process
sees the same one.

The bump needs no call in the services: session events notice the writes (ORM flushes, and `insert`/`update`/
`delete` statements run through a session, bulk ones included) and bump once, as the last statement before the
transaction commits. Taking the row's lock last means a transaction waiting for it holds no lock its holder needs,
so the row cannot take part in a deadlock. Writes made on a bare Connection must call `touch(session)`.
"""
from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, Engine, exc, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from shop.catalog.models import Category, Photo, Product
from shop.catalog.showcase_models import Shelf, ShelfItem, Slide
from shop.cooperatives.models import Cooperative
from shop.core.database import SessionLike, listen_to_sessions
from shop.extensions import Model
from shop.regions.models import Pairing, Region

ROW_ID = 1
CHANGED = "catalogue_changed"  # the flag kept in Session.info until the transaction commits or rolls back
TRACKED = (Product, Photo, Category, Cooperative, Pairing, Region, Slide, Shelf, ShelfItem)
TRACKED_TABLES = frozenset(model.__tablename__ for model in TRACKED)


class CatalogueVersion(Model):
    """The single row holding the catalogue version."""

    __tablename__ = "catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


# bump()'s UPDATE, built once: every checkout commits one (building a statement and its cache key cost more than
# running it).
_BUMP = (update(CatalogueVersion.__table__).where(CatalogueVersion.__table__.c.id == ROW_ID)
         .values(version=CatalogueVersion.__table__.c.version + 1))


def current_version(session: SessionLike) -> int | None:
    """The committed catalogue version as the session's transaction sees it; None when the row is missing."""
    return session.scalar(select(CatalogueVersion.version).where(CatalogueVersion.id == ROW_ID))


# committed_version()'s statement as the driver takes it (no parameters: the same text on both databases).
_VERSION_SQL = f"SELECT version FROM {CatalogueVersion.__tablename__} WHERE id = {ROW_ID}"


def committed_version(engine: Engine) -> int | None:
    """The committed catalogue version, read for a kept page before the request touches its session; None when the
    row is missing (then nothing may be cached). One statement straight through a pooled driver connection in
    autocommit mode: no ORM session, no BEGIN and ROLLBACK around it (on PostgreSQL one round trip instead of three),
    and none of SQLAlchemy's statement handling, which cost several times the statement itself (SQLite: 134 µs of
    CPU through an AUTOCOMMIT Connection, 16 µs this way). It is most of what serving a kept page costs.

    The driver's errors are raised as SQLAlchemy's, as a Connection would (an unreachable database is then the 503
    page), and a connection the server dropped is discarded from the pool."""
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        connection = engine.raw_connection()
    except driver_error as error:
        raise exc.DBAPIError.instance(None, None, error, driver_error, dialect=engine.dialect) from error
    try:
        # SQLite's connections run in the driver's autocommit mode already (shop.core.database); psycopg's are
        # switched for this one statement, and back before the pool hands the connection on.
        switch = engine.dialect.name != "sqlite"
        cursor = None
        try:
            if switch:
                connection.driver_connection.autocommit = True  # type: ignore[union-attr]
            cursor = connection.cursor()
            cursor.execute(_VERSION_SQL)
            row = cursor.fetchone()
            cursor.close()
        except driver_error as error:
            dropped = engine.dialect.is_disconnect(error, connection.dbapi_connection, cursor)
            if dropped:
                connection.invalidate(error)
            raise exc.DBAPIError.instance(_VERSION_SQL, (), error, driver_error, connection_invalidated=dropped,
                                          dialect=engine.dialect) from error
        finally:
            if switch and connection.is_valid:
                try:
                    connection.driver_connection.autocommit = False  # type: ignore[union-attr]
                except driver_error as error:  # a connection that cannot be switched back is not used again
                    connection.invalidate(error)
    finally:
        connection.close()  # an invalidated connection is not handed out again; the pool resets any other
    return None if row is None else row[0]


def read_committed_version(engine: Engine) -> int | None:
    """committed_version() on the page cache's own engine (shop.config.VERSION_BIND), whose pool hands connections
    out without pinging them first: the ping is a round trip as long as the read itself, and the read is most of
    what a kept page costs (on PostgreSQL, a kept page is served about a sixth faster without it). A connection the
    server dropped makes the read fail instead; then the pool, whose other connections most likely went with it, is
    replaced and the read tried once more, so a database restart costs a retry, not an error page."""
    try:
        return committed_version(engine)
    except exc.DBAPIError as error:
        if not error.connection_invalidated:
            raise
        engine.dispose()
    return committed_version(engine)


def touch(session: SessionLike) -> None:
    """Mark the session's transaction as changing the catalogue (for writes the events cannot see)."""
    session.info[CHANGED] = True


def bump(session: SessionLike) -> None:
    """Move the version by one with a guarded UPDATE; a missing row is created at a random number, so versions
    from before the row was lost (emptied tables, a restored backup) are not handed out again."""
    connection = session.connection()
    moved = connection.execute(_BUMP)
    if moved.rowcount:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = CatalogueVersion.__table__
    connection.execute(insert(table).values(id=ROW_ID, version=secrets.randbits(52))
                       .on_conflict_do_update(index_elements=[table.c.id], set_={"version": table.c.version + 1}))


def _after_flush(session: Session, flush_context: object) -> None:
    if session.info.get(CHANGED):
        return
    if any(isinstance(obj, TRACKED) for obj in (*session.new, *session.deleted)) or any(
            isinstance(obj, TRACKED) and session.is_modified(obj, include_collections=False) for obj in session.dirty):
        session.info[CHANGED] = True


def _on_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in TRACKED_TABLES:
            state.session.info[CHANGED] = True


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes after this event; flush first so its changes are seen
    if session.info.pop(CHANGED, False):
        bump(session)


def _forget(session: Session, *args: object) -> None:
    session.info.pop(CHANGED, None)


_LISTENERS = (("after_flush", _after_flush), ("do_orm_execute", _on_statement),
              ("before_commit", _before_commit), ("after_rollback", _forget))


def listen() -> None:
    """Watch every session for catalogue writes (create_app calls it; once per process)."""
    listen_to_sessions(_LISTENERS)

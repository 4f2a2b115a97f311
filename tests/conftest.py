"""Shared fixtures: one database per test session (SQLite file, or PostgreSQL from TEST_DATABASE_URL),
built by the real migrations and emptied after every test."""
from __future__ import annotations

import copy
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import JSON, create_engine, make_url, null, select, text

from shop import create_app
from shop.catalog.versions import CatalogueVersion
from shop.config import RATE_LIMITS
from shop.extensions import db

pytest_plugins = ["tests.smtp", "tests.stripe_server", "tests.seaweedfs"]

TRANSLATIONS = Path(__file__).resolve().parent.parent / "shop" / "translations"


def pytest_sessionstart(session):
    """Compile the message catalogues when they are missing or stale, so plain `pytest` works too."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with open(po_path, "rb") as po_file:
                catalog = read_po(po_file)
            with open(mo_path, "wb") as mo_file:
                write_mo(mo_file, catalog)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """SQLite in a fresh folder, or TEST_DATABASE_URL; under pytest-xdist each worker gets its own database
    next to that one (bangfu_test_gw0, ...), created here if it does not exist."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if worker_id == "master":
        return url
    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory, stripe_settings):
    """The app on a database built from empty by the migrations, paying through localstripe."""
    app = create_app({
        **stripe_settings,
        "BANK_ACCOUNT_NAME": "帮扶集市运营有限公司", "BANK_NAME": "中国农业银行湖州分行",
        "BANK_ACCOUNT_NUMBER": "1905 0101 0400 12345",
        "IMPACT_CACHE_SECONDS": 0,
        "STRIPE_METHODS_CACHE_SECONDS": 0,
        "MENU_CACHE_SECONDS": 0,
        # The whole session shares one count per limit: far above what the suite does (the limit tests
        # build their own app with low limits).
        **{name: "100000 per minute" for name in RATE_LIMITS},
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "PRIVATE_FOLDER": str(tmp_path_factory.mktemp("private")),
        "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
    })
    with app.app_context():
        _drop_everything()
        upgrade()
    # The first test starts like every other, with empty tables (the migrations leave the catalogue version's row).
    _empty_all_tables(app)
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():  # the page cache's version reads have their own
            engine.dispose()


def _drop_everything() -> None:
    """Start from an empty database, even if an earlier run was interrupted."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Every test starts with empty tables (rows only; the schema stays) and, on PostgreSQL, with every id
    sequence back at its start."""
    yield
    if "app" not in request.fixturenames:
        return
    _empty_all_tables(request.getfixturevalue("app"))


def _empty_all_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                _empty_postgresql_tables(conn, tables)
            else:
                for table in tables:
                    conn.execute(table.delete())


def _filled_tables(conn, tables, upto: int = 1) -> dict[str, int]:
    """The tables that have rows, with how many (counted up to `upto`), in one query."""
    quote = conn.dialect.identifier_preparer.quote
    probes = " UNION ALL ".join(
        f"SELECT '{table.name}', (SELECT count(*) FROM (SELECT 1 FROM {quote(table.name)} LIMIT {upto}) AS probe) "
        f"WHERE EXISTS (SELECT 1 FROM {quote(table.name)})" for table in tables)
    return dict(conn.execute(text(probes)).all())


def _empty_postgresql_tables(conn, tables) -> None:
    """TRUNCATE the tables that have rows (with those that refer to them), and set back the sequences that were
    drawn from. A TRUNCATE of all 47 tables costs 70-100 ms a test (new files for every table and index); most
    tests write to a few tables. A TRUNCATE, not a DELETE: a truncated table is a fresh heap, in which rows read
    without an ORDER BY come back in the order they were written, and some tests rely on that (a DELETE leaves
    free space that later rows fill out of order)."""
    quote = conn.dialect.identifier_preparer.quote
    filled = _filled_tables(conn, tables)
    if filled:
        conn.execute(text(f"TRUNCATE {', '.join(quote(name) for name in filled)} RESTART IDENTITY CASCADE"))
    # Sequences drawn from since their last reset, whether or not their rows are still there.
    drawn = conn.execute(text(
        "SELECT schemaname, sequencename, start_value FROM pg_sequences "
        "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all()
    for schema, name, start in drawn:
        conn.execute(text("SELECT setval(CAST(:sequence AS regclass), :start, false)"),
                     {"sequence": f'"{schema}"."{name}"', "start": start})


@dataclass
class _Kept:
    """What a builder returned, the rows (and sequence positions) it left in the database, and the files then in
    the app's folders."""
    result: object
    rows: dict[str, list[dict]]
    sequences: list[tuple[str, int]]
    files: set[tuple[str, int]]


@pytest.fixture(scope="session")
def _kept_builds() -> dict[str, _Kept]:
    return {}


@pytest.fixture
def built_once(app, _kept_builds):
    """`built_once(key, build)` returns what `build()` returns, with the database as `build()` leaves it. On an
    empty database the first call in the session runs `build()` and keeps a copy of every row it wrote; later
    calls with the same key, on an empty database again, put those rows back instead of building (a few ms
    instead of seconds). Each test still gets its own rows: the tables are emptied after it as always. It builds
    again when a file that was in the upload or private folder after the first build is gone (a test deleted a
    photo). For builders whose rows depend only on what they are given (a seeded random ledger, the demo data);
    times a builder takes from the clock stay those of the first build in the session."""
    def built(key: str, build):
        with app.app_context():
            db.session.remove()
            tables = db.metadata.sorted_tables
            with db.engine.connect() as conn:
                empty = not _filled_tables(conn, tables)
            kept = _kept_builds.get(key)
            if kept is not None and empty and kept.files <= _files(app):
                with db.engine.begin() as conn:
                    _put_back(conn, tables, kept)
                return copy.deepcopy(kept.result)
            result = build()
            db.session.remove()
            if empty:
                with db.engine.connect() as conn:
                    _kept_builds[key] = _take(conn, tables, copy.deepcopy(result), _files(app))
            return result
    return built


def _files(app) -> set[tuple[str, int]]:
    """Every file in the app's upload and private folders, with its size."""
    found = set()
    for setting in ("UPLOAD_FOLDER", "PRIVATE_FOLDER"):
        folder = Path(app.config[setting])
        found.update((str(path), path.stat().st_size) for path in folder.rglob("*") if path.is_file())
    return found


def _take(conn, tables, result, files) -> _Kept:
    rows = {}
    for table in tables:
        columns = [column for column in table.columns if column.computed is None]
        # A JSON column reads back None for SQL NULL and for JSON null alike, and None would be written back as
        # JSON null: the SQL NULLs are marked, to be written back as null().
        json_columns = [column for column in columns if isinstance(column.type, JSON)]
        marks = [column.is_(None).label(f"{column.name} is SQL NULL") for column in json_columns]
        found = []
        for record in conn.execute(select(*columns, *marks)):
            row = dict(record._mapping)
            for column in json_columns:
                if row.pop(f"{column.name} is SQL NULL"):
                    row[column.name] = null()
            found.append(row)
        if found:
            rows[table.name] = found
    sequences = []
    if conn.dialect.name == "postgresql":
        sequences = [tuple(row) for row in conn.execute(text(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))]
    return _Kept(result, rows, sequences, files)


def _put_back(conn, tables, kept: _Kept) -> None:
    for table in tables:  # parents before children
        rows = kept.rows.get(table.name)
        if rows and table.name == CatalogueVersion.__tablename__:
            # A build would have made this row afresh at a random number (shop.catalog.versions.bump); the
            # kept number may already have keyed cached pages of another test's catalogue in this process.
            rows = [{**row, "version": secrets.randbits(52)} for row in rows]
        if not rows:
            continue
        if any(fk.column.table is table for fk in table.foreign_keys):
            # One statement, the rows in the order they were read: a row referring to a row of its own table (a
            # region's parent) may come first, since the foreign keys are checked at the end of the statement.
            conn.execute(table.insert().values(rows))
        else:
            conn.execute(table.insert(), rows)
    for sequence, last_value in kept.sequences:
        conn.execute(text("SELECT setval(CAST(:sequence AS regclass), :value)"),
                     {"sequence": sequence, "value": last_value})


@pytest.fixture(scope="session")
def _demo_pictures_stored() -> dict:
    """The demo's pictures as stored the first time in this test session, by their source files (or bytes)."""
    return {}


@pytest.fixture
def seed_demo_once_encoded(app, monkeypatch, _demo_pictures_stored):
    """`seed_demo`, except that each demo picture goes through the real image pipeline (sandboxed worker, JPEG and
    WebP in two sizes) only the first time in the session; later seedings point new photo rows at those same files,
    which stay in the session's upload folder while the tables are emptied between tests. Encoding 96 pictures
    costs half a minute on two cores, once per test otherwise."""
    from shop.demo import seed, showcase

    store_pictures, store_image = seed._store_pictures, showcase.store_image

    def still_there(key, store) -> bool:  # a test may have deleted a photo's files
        images = _demo_pictures_stored.get(key)
        return images is not None and all(store.exists(name) for image in images for name in image.names)

    def pictures_stored_once(paths, store, written_files):
        key = (store.describe(), *paths)
        if not still_there(key, store):
            _demo_pictures_stored[key] = store_pictures(paths, store, written_files)
        return _demo_pictures_stored[key]

    def banner_stored_once(data, store, **options):
        key = (store.describe(), hashlib.sha256(data).hexdigest(), *sorted(options.items()))
        if not still_there(key, store):
            _demo_pictures_stored[key] = [store_image(data, store, **options)]
        return _demo_pictures_stored[key][0]

    monkeypatch.setattr(seed, "_store_pictures", pictures_stored_once)
    monkeypatch.setattr(showcase, "store_image", banner_stored_once)
    return seed.seed_demo


@pytest.fixture
def app_ctx(app):
    """An application context for tests that call services and queries directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name

"""Reports on a PostgreSQL streaming replica (REPORTS_DATABASE_URL, shop.core.replica).

The staff tallies page, its downloads, the tallies API and the public impact figures read the replica; writes in
the same request (the API token's last use) and everything else still go to the primary. Shown against a real
replica: with its replay paused, the tallies keep showing what it has while the primary has moved on, and they
catch up once it resumes.

PostgreSQL only. CI starts a streaming replica of the test server and names it in TEST_REPLICA_DATABASE_URL
(.ci/run); without one these tests skip locally and fail in CI.
"""
from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.engine import make_url

from shop import create_app
from shop.api.models import ApiToken
from shop.core.replica import REPORTS_BIND, replica_reads
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order
from tests.factories import make_cooperative, make_product, make_user
from tests.order_factories import make_order
from tests.web import login


@pytest.fixture
def replica_url(database_url) -> str:
    """TEST_REPLICA_DATABASE_URL's server, with this worker's database (the replica copies the whole server)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("reports on a replica need PostgreSQL (TEST_DATABASE_URL)")
    given = os.environ.get("TEST_REPLICA_DATABASE_URL")
    if not given:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the replica tests: set TEST_REPLICA_DATABASE_URL to a streaming replica of "
                        "TEST_DATABASE_URL's server (.ci/run starts one)")
        pytest.skip("no replica: set TEST_REPLICA_DATABASE_URL to a streaming replica of TEST_DATABASE_URL's server")
    return make_url(given).set(database=make_url(database_url).database).render_as_string(hide_password=False)


@pytest.fixture
def reporting(app, database_url, replica_url, tmp_path):
    """An app on the test database whose reports read the replica; its primary and replica engines checked."""
    shop = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                       "REPORTS_DATABASE_URL": replica_url, "MAIL_OUTBOX": str(tmp_path / "outbox"),
                       "IMPACT_CACHE_SECONDS": 0, "PAGE_CACHE_SECONDS": 0})
    with shop.app_context():
        replica = db.engines[REPORTS_BIND]
        _wait_for_replica(shop)  # this worker's database may be new on the primary
        with replica.connect() as conn:
            assert conn.scalar(text("SELECT pg_is_in_recovery()")), "TEST_REPLICA_DATABASE_URL is not a replica"
        with db.engine.connect() as conn:
            assert not conn.scalar(text("SELECT pg_is_in_recovery()"))
    yield shop
    with shop.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _wait_for_replica(shop, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with shop.app_context():
        with db.engine.connect() as conn:
            written = conn.scalar(text("SELECT pg_current_wal_lsn()"))
        deadline = time.monotonic() + timeout
        with db.engines[REPORTS_BIND].connect() as conn:
            while not conn.scalar(text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"), {"lsn": written}):
                assert time.monotonic() < deadline, "the replica did not catch up"
                time.sleep(0.05)
                conn.rollback()


@contextmanager
def paused_replay(shop) -> Iterator[None]:
    """The replica's replay paused meanwhile (for the whole server: tests on other workers waiting for it to catch
    up wait until it resumes, never longer), resumed whatever happens."""
    with shop.app_context():
        with db.engines[REPORTS_BIND].connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_pause()"))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_wal_replay_resume()"))
                conn.commit()


@contextmanager
def statements_by_engine(shop) -> Iterator[dict[str, list[str]]]:
    """Every statement each engine sends meanwhile: {"primary": [...], "replica": [...]}."""
    seen: dict[str, list[str]] = {"primary": [], "replica": []}
    with shop.app_context():
        engines = {"primary": db.engine, "replica": db.engines[REPORTS_BIND]}

    def recorder(name):
        def record(conn, cursor, statement, parameters, context, executemany):
            seen[name].append(statement)
        return record

    listeners = [(engine, recorder(name)) for name, engine in engines.items()]
    for engine, listener in listeners:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        for engine, listener in listeners:
            event.remove(engine, "before_cursor_execute", listener)


def _sell(shop, buyer_email: str, price_fen: int) -> None:
    """A paid order of one unit at `price_fen`, on the primary."""
    with shop.app_context():
        product = make_product(make_cooperative("652929"), price_fen=price_fen, stock=5)
        lifecycle.mark_paid(make_order(make_user(email=buyer_email), (product, 1)).id)
        db.session.remove()


def _net_yuan(client) -> str:
    """The net sales of the county tally's CSV download (one county), as the file writes it."""
    response = client.get("/staff/tallies/export.csv?by=county")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    assert len(rows) == 1, rows
    return rows[0]["net_yuan"]


def test_tallies_read_the_replica_and_show_what_it_has(reporting):
    with reporting.app_context():
        make_user(email="staff@example.cn", is_staff=True)
    _sell(reporting, "first@example.cn", 8800)
    _wait_for_replica(reporting)
    staff = reporting.test_client()
    login(staff, "staff@example.cn")
    with statements_by_engine(reporting) as seen:
        page = staff.get("/staff/tallies/?by=county")
        assert page.status_code == 200 and "88.00" in page.get_data(as_text=True)
        assert _net_yuan(staff) == "88.00"
        assert staff.get("/staff/tallies/export.xlsx?by=product").status_code == 200
        for url in ("/staff/", "/staff/pledges/"):  # the dashboard's sales, the pledge figures
            assert staff.get(url).status_code == 200, url
        for url in ("/impact", "/"):  # the public figures too, on a storefront page that reads the primary
            assert reporting.test_client().get(url).status_code == 200, url  # outside a transaction
    tally_reads = [s for s in seen["replica"] if "daily_tallies" in s or "monthly_buyers" in s]
    assert tally_reads, seen["replica"]
    assert not [s for s in seen["primary"] if "daily_tallies" in s or "order_lines" in s], seen["primary"]
    assert any("users" in s for s in seen["primary"])  # the signed-in staff member is read on the primary

    with paused_replay(reporting):
        _sell(reporting, "second@example.cn", 1200)
        with reporting.app_context():  # the primary has the second sale ...
            assert db.session.scalar(select(func.count()).select_from(Order)) == 2
        assert _net_yuan(staff) == "88.00"  # ... the replica, and so the tallies, not yet
    _wait_for_replica(reporting)
    assert _net_yuan(staff) == "100.00"


def test_the_api_reads_the_replica_and_notes_the_token_on_the_primary(reporting):
    _sell(reporting, "buyer@example.cn", 8800)
    result = reporting.test_cli_runner().invoke(args=["create-api-token", "合作平台"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[0]
    _wait_for_replica(reporting)
    with statements_by_engine(reporting) as seen:
        response = reporting.test_client().get("/api/v1/tallies?by=county",
                                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [row["county"] for row in response.get_json()["rows"]] == ["柯坪县"]
    assert any("daily_tallies" in s for s in seen["replica"])
    assert any(s.lstrip().upper().startswith("UPDATE API_TOKENS") for s in seen["primary"]), seen["primary"]
    with reporting.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_inside_replica_reads_writes_go_to_the_primary(reporting):
    with reporting.app_context():
        user = make_user(email="someone@example.cn")
        db.session.commit()
        in_recovery = select(func.pg_is_in_recovery())
        assert db.session.scalar(in_recovery) is False
        db.session.rollback()
        with replica_reads(db.session):
            assert db.session.scalar(in_recovery) is True
            user.name = "改过的名字"
            db.session.flush()  # a flush writes on the primary (the replica would refuse it)
            db.session.execute(update(type(user)).where(type(user).id == user.id).values(name="又改过"))
            db.session.commit()
        assert db.session.scalar(in_recovery) is False  # outside the block: the primary again
        assert db.session.scalar(select(type(user).name).where(type(user).id == user.id)) == "又改过"

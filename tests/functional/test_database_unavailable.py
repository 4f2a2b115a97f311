"""A database that cannot be reached or stays busy is a 503 page with Retry-After (JSON for Stripe's webhook,
which then retries); a database error that is a bug stays a 500."""
from __future__ import annotations

import socket
import sqlite3
import threading

import pytest
from sqlalchemy import event, func, select

from shop import create_app
from shop.accounts.models import ThrottledAttempt
from shop.extensions import db
from shop.web.errors import UNAVAILABLE_RETRY_AFTER
from tests.factories import make_user
from tests.stripe_server import SECRET_KEY, WEBHOOK_SECRET, intent_event, post_event
from tests.web import csrf_token, login

STRIPE = {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


def _app(url: str, tmp_path, **config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", "UPLOAD_FOLDER": str(tmp_path),
                      "MAIL_OUTBOX": str(tmp_path / "outbox"), **STRIPE, **config})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is rendered as in production, not raised into the test
    return app


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(UNAVAILABLE_RETRY_AFTER)
    text = response.get_data(as_text=True)
    assert 'class="site-header"' in text and 'class="error-page"' in text  # the site's layout
    assert "服务暂不可用" in text


def assert_webhook_retried(app):
    response = post_event(app.test_client(), intent_event("payment_intent.succeeded", "pi_x", 100, "BF1"))
    assert response.status_code == 503 and response.is_json
    assert response.headers["Retry-After"] == str(UNAVAILABLE_RETRY_AFTER)


def test_unopenable_sqlite_file(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'shop.sqlite3'}", tmp_path)
    for url in ["/", "/products?q=红枣", "/counties/652929"]:
        assert_unavailable_page(app.test_client().get(url))
    assert_webhook_retried(app)


def test_postgresql_port_closed(tmp_path):
    app = _app(f"postgresql+psycopg://shop@127.0.0.1:{_closed_port()}/shop", tmp_path)
    assert_unavailable_page(app.test_client().get("/products"))
    assert_webhook_retried(app)


def test_postgresql_that_never_answers_times_out(tmp_path):
    # A server that accepts the connection and says nothing: psycopg gives up after connect_timeout.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        app = _app(f"postgresql+psycopg://shop@127.0.0.1:{port}/shop?connect_timeout=1", tmp_path)
        assert_unavailable_page(app.test_client().get("/products"))


def test_a_logged_in_buyer_gets_the_page_too(app, tmp_path):
    # The layout names the logged-in user, which needs the database: the 503 page is shown as to a visitor.
    with app.app_context():
        make_user(email="buyer@example.cn")
    client = app.test_client()
    login(client, "buyer@example.cn")
    broken = _app(f"sqlite:///{tmp_path / 'missing' / 'shop.sqlite3'}", tmp_path)
    other = broken.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert_unavailable_page(other.get("/account"))


@pytest.fixture
def locked_sqlite(tmp_path):
    """A migrated-shape SQLite shop with a 100 ms busy timeout, and a function that holds its write lock."""
    path = tmp_path / "shop.sqlite3"
    app = _app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        db.create_all()
        make_user(email="buyer@example.cn")
        # After the shop's own connect hook (30 s): wait 100 ms for a lock, then give up.
        event.listen(db.engine, "connect", lambda conn, record: conn.execute("PRAGMA busy_timeout=100"))
        db.engine.dispose()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    yield app, holder
    holder.close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_locked_sqlite_past_its_busy_timeout(locked_sqlite):
    app, holder = locked_sqlite
    client = app.test_client()
    token = csrf_token(client, "/account/login")  # reads go on under WAL; the failed login must write
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
    try:
        response = client.post("/account/login", data={"identifier": "buyer@example.cn", "password": "wrong",
                                                       "csrf_token": token})
    finally:
        holder.execute("ROLLBACK")
    assert_unavailable_page(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ThrottledAttempt)) == 0  # nothing half-written
    # Once the lock is gone, the same request goes through.
    again = client.post("/account/login", data={"identifier": "buyer@example.cn", "password": "wrong",
                                                "csrf_token": token})
    assert again.status_code == 200


def test_a_concurrent_writer_holding_the_lock_in_a_thread(locked_sqlite):
    # The same, with the lock held by a real second writer in another thread of this process.
    app, _ = locked_sqlite
    client = app.test_client()
    token = csrf_token(client, "/account/login")
    holding, release = threading.Event(), threading.Event()

    def writer():
        with app.app_context(), db.engine.connect() as conn:
            with conn.execution_options(sqlite_begin="IMMEDIATE").begin():  # takes the write lock at once
                holding.set()
                release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        response = client.post("/account/login", data={"identifier": "buyer@example.cn", "password": "wrong",
                                                       "csrf_token": token})
    finally:
        release.set()
        thread.join(10)
    assert_unavailable_page(response)


def test_no_pooled_connection_free_in_time(app, database_url, tmp_path):
    # Every connection of the pool busy (one here, held by the test) past pool_timeout: a 503, not a 500.
    pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2, "pool_pre_ping": True}
    busy = _app(database_url, tmp_path, SQLALCHEMY_ENGINE_OPTIONS=pool)
    with busy.app_context():
        held = db.engine.connect()
        try:
            assert_unavailable_page(busy.test_client().get("/products"))
        finally:
            held.close()
        db.session.remove()
        db.engine.dispose()


def test_a_missing_table_is_a_bug_not_a_503(tmp_path):
    # SQLite reports "no such table" as an OperationalError too: that one must stay a 500.
    app = _app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path)
    response = app.test_client().get("/products")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers

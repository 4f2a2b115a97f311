"""Storefront pages only read: on PostgreSQL they read outside a transaction, so a worker's connection keeps the
statements psycopg prepared for them (it forgets them at every ROLLBACK), and a stray write is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text, update

from shop.catalog import views as catalog_views
from shop.catalog.models import Product
from shop.config import load_config
from shop.core.database import WriteInReadOnlyRequest
from shop.extensions import db
from tests.factories import make_user
from tests.web import login


def _prepared_statements(app) -> list[str]:
    """The statements prepared on the connection the pool hands out next (LIFO: the one the last request used)."""
    with app.app_context(), db.engine.connect() as connection:
        return list(connection.scalars(text("SELECT statement FROM pg_prepared_statements")))


def test_catalogue_statements_stay_prepared_from_request_to_request(app, client, catalog):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no server; its statements are kept by the sqlite3 module's own cache")
        make_user(email="reader@example.cn")
    login(client, "reader@example.cn")  # signed in: every page is rendered, none is served kept
    for _ in range(7):
        assert client.get("/products?sort=price_asc").status_code == 200
    assert any("page_keys" in statement for statement in _prepared_statements(app))


@pytest.mark.parametrize("setting, prepared", [(None, True), ("off", False)])
def test_pg_prepared_statements_off_prepares_nothing(database_url, monkeypatch, tmp_path, setting, prepared):
    """For a PgBouncer that does not track prepared statements: with the setting off, a statement run ten times on
    one connection is never prepared."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL setting")
    monkeypatch.setenv("DATABASE_URL", database_url)
    if setting:
        monkeypatch.setenv("PG_PREPARED_STATEMENTS", setting)
    engine = create_engine(database_url, **load_config(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"])
    try:
        with engine.connect() as connection:
            for _ in range(10):
                connection.execute(text("SELECT 'prepare me' WHERE 1 = :one"), {"one": 1})
            names = connection.scalars(text("SELECT name FROM pg_prepared_statements")).all()
    finally:
        engine.dispose()
    assert bool(names) is prepared


@pytest.mark.parametrize("url", ["/products", "/"])
def test_a_storefront_page_that_writes_outside_write_transaction_fails(app, client, catalog, monkeypatch, url):
    """A storefront page writing by mistake fails (in tests the error reaches the test), instead of committing
    statement by statement; nothing is written. The same page without the mistake renders."""
    def stock() -> int:
        with app.app_context():
            return db.session.scalar(select(func.sum(Product.stock)))

    assert client.get(url).status_code == 200
    before = stock()

    def stray_write(*args, **kwargs):
        db.session.execute(update(Product).values(stock=Product.stock + 1).execution_options(synchronize_session=False))

    monkeypatch.setattr(catalog_views, "render_template", stray_write)
    with pytest.raises(WriteInReadOnlyRequest, match="only reads"):
        client.get(url + "?stray=1")
    assert stock() == before

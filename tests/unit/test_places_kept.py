"""The region table behind address checks is read once per MENU_CACHE_SECONDS per process, not per checkout."""
from sqlalchemy import event

from shop.core.caching import forget
from shop.extensions import db
from shop.orders.gifts.places import Places
from tests.factories import make_delivery_regions


def _statements_while(action) -> int:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


def test_kept_for_menu_cache_seconds(app, app_ctx, monkeypatch):
    make_delivery_regions()
    monkeypatch.setitem(app.config, "MENU_CACHE_SECONDS", 60)
    forget()
    try:
        assert _statements_while(Places) > 0
        assert _statements_while(Places) == 0
        assert Places().province("浙江省") == "330000"
    finally:
        forget()


def test_read_every_time_when_keeping_is_off(app_ctx):
    make_delivery_regions()
    assert _statements_while(Places) > 0
    assert _statements_while(Places) > 0

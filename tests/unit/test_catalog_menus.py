"""The catalogue's menus are kept briefly per process (MENU_CACHE_SECONDS), and re-read after that."""
from __future__ import annotations

import pytest
from flask import current_app

from shop.catalog import queries
from shop.core import caching
from tests.clock import Clock
from tests.factories import make_category, make_pairing

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The process cache, keeping menus for a minute by a clock the test moves."""
    monkeypatch.setitem(current_app.config, "MENU_CACHE_SECONDS", 60)
    clock = Clock()
    monkeypatch.setattr(caching.cache, "clock", clock)
    caching.forget()
    yield clock
    caching.forget()


def test_menus_are_kept_then_reread(clock):
    make_pairing(helper="330500", recipient="652929")
    make_category("nuts", "干果坚果", "Nuts")
    first = queries.filter_choices()
    assert [r.code for r in first["counties"]] == ["652929"]
    assert [c.slug for c in queries.menu_categories()] == ["nuts"]
    make_pairing(helper="330100", recipient="522633")
    make_category("tea", "茶叶", "Tea")
    assert queries.filter_choices() is first  # within the minute: the same menus, no query
    assert [c.slug for c in queries.menu_categories()] == ["nuts"]
    clock.advance(59)
    assert queries.filter_choices() is first  # still within the minute
    clock.advance(2)
    assert [r.code for r in queries.filter_choices()["counties"]] == ["522633", "652929"]
    assert [c.slug for c in queries.menu_categories()] == ["nuts", "tea"]


def test_no_keeping_when_switched_off():
    make_category("nuts", "干果坚果", "Nuts")
    assert [c.slug for c in queries.menu_categories()] == ["nuts"]
    make_category("tea", "茶叶", "Tea")
    assert [c.slug for c in queries.menu_categories()] == ["nuts", "tea"]


def test_category_choice_names_follow_the_language(app):
    from flask_babel import force_locale
    choice = queries.CategoryChoice(1, "tea", "茶叶", "Tea")
    with app.test_request_context(), force_locale("en"):
        assert choice.name == "Tea"
    with app.test_request_context(), force_locale("zh_CN"):
        assert choice.name == "茶叶"

"""The layout pieces kept per language and key (shop/web/fragments.py): the footer, tab bar, site links, brand and
empty cart link render once and are reused, yet every page still marks its own tab, speaks the visitor's language,
shows a signed-in user their own links and a cart its count."""
import re

import pytest
from flask_babel import force_locale

from shop.extensions import db
from shop.web.fragments import layout_fragment
from tests.factories import make_user
from tests.web import english, login, post


def current_links(html: str, nav: str) -> list[str]:
    """The hrefs a navigation (main-nav or tabbar) marks as the current page."""
    block = re.search(rf'<nav class="{nav}[^"]*"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"', block)


def test_each_page_marks_its_own_tab_though_the_pieces_are_kept(client, catalog):
    for _ in range(2):  # the second round is served from kept pieces
        home = client.get("/").get_data(as_text=True)
        categories = client.get("/categories").get_data(as_text=True)
        products = client.get("/products").get_data(as_text=True)
        about = client.get("/about").get_data(as_text=True)
        assert current_links(home, "main-nav") == ["/"] and current_links(home, "tabbar") == ["/"]
        assert current_links(categories, "main-nav") == ["/categories"]
        assert current_links(categories, "tabbar") == ["/categories"]
        assert current_links(products, "main-nav") == ["/products"]
        assert current_links(products, "tabbar") == ["/categories"]  # the tab bar has no "all products" tab
        assert current_links(about, "main-nav") == [] and current_links(about, "tabbar") == []


def test_the_kept_pieces_follow_the_language(client, catalog):
    chinese = client.get("/products").get_data(as_text=True)
    english(client)
    text = client.get("/products").get_data(as_text=True)
    assert "每一笔购买都计入商品产地县的消费帮扶成效" in chinese and "Every purchase is counted" not in chinese
    assert "Every purchase is counted for the county" in text and "每一笔购买" not in text
    assert ">Register</a>" in text and ">Me</span>" in text and ">Cart</span>" in text


def test_a_signed_in_user_gets_their_own_links_after_a_visitor_page_was_kept(app, client, catalog):
    visitor = client.get("/products").get_data(as_text=True)
    assert 'href="/account/register"' in visitor and "/account/orders" not in visitor
    with app.app_context():
        make_user("buyer@example.com", name="买家小李")
        db.session.commit()
    login(client, "buyer@example.com")
    html = client.get("/products").get_data(as_text=True)
    assert "买家小李" in html and 'href="/account/register"' not in html
    assert current_links(html, "main-nav") == ["/products"]


def test_a_cart_with_items_shows_its_count_where_an_empty_one_was_kept(client, catalog):
    empty = client.get("/products").get_data(as_text=True)
    assert 'class="count"' not in empty and "tab-badge" not in empty
    post(client, "/cart/add", {"product_id": catalog.jujube, "quantity": 2})
    html = client.get("/products").get_data(as_text=True)
    assert '<span class="count" aria-hidden="true">2</span>' in html
    assert '<span class="tab-badge" aria-hidden="true">2</span>' in html


def test_a_piece_renders_once_per_language_and_key(app, monkeypatch):
    rendered = []
    original = app.jinja_env.get_template

    def counting(name, *args, **kwargs):
        if name.startswith("_layout/"):
            rendered.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "get_template", counting)
    app.extensions.pop("layout_fragments", None)  # start from nothing kept
    with app.test_request_context("/"):
        first = layout_fragment("_layout/tabbar.html", tab="home", count=0)
        assert layout_fragment("_layout/tabbar.html", tab="home", count=0) == first
        other = layout_fragment("_layout/tabbar.html", tab="cart", count=0)
    with app.test_request_context("/"), force_locale("en"):
        english_bar = layout_fragment("_layout/tabbar.html", tab="home", count=0)
    assert rendered == ["_layout/tabbar.html"] * 3
    assert first != other and 'aria-current="page"' in first
    assert ">首页<" in first and ">Home<" in english_bar


@pytest.mark.parametrize("reload", [True, False])
def test_pieces_are_kept_only_while_templates_do_not_reload(app, monkeypatch, reload):
    monkeypatch.setattr(app.jinja_env, "auto_reload", reload)
    app.extensions.pop("layout_fragments", None)
    with app.test_request_context("/"):
        layout_fragment("_layout/brand.html")
    assert bool(app.extensions.get("layout_fragments")) is not reload

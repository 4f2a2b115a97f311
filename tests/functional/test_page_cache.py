"""Kept storefront pages: served to visitors without state of their own, never stale, per language and query, with
ETag/304; never to anyone logged in, with a cart, a flashed message or a bearer token; each visitor gets their
own CSRF token and no one else's cart badge."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from shop.catalog import listings
from shop.catalog.models import Category, Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.organizations.models import OrganizationRole
from shop.web.pagecache import REVALIDATE
from tests.factories import add_to_cooperative, add_to_organization, make_organization, make_user
from tests.web import CSRF_RE, english, login

NO_STORE = "private, no-store"
OLD_PRICE, NEW_PRICE = "¥1,234.50", "¥999.00"


def urls(catalog) -> list[str]:
    return ["/", "/products", "/products?q=红枣", "/products?sort=price_desc&page=1", f"/products/{catalog.jujube}",
            f"/cooperatives/{catalog.keping_coop}"]


def sneak_price(app, product_id: int, fen: int) -> None:
    """Change a price on a bare connection, which moves no version: a page still showing the old one was kept."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(update(Product.__table__).where(Product.__table__.c.id == product_id)
                           .values(price_fen=fen))


def catalogue_write(app, catalog, product: str = "bacon") -> None:
    """A real catalogue write, through a service: one more bacon (or jujube) in stock."""
    coop = catalog.congjiang_coop if product == "bacon" else catalog.keping_coop
    with app.app_context():
        listings.adjust_stock(db.session.get(Cooperative, coop), getattr(catalog, product), 1)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_visitors_are_served_kept_pages_until_the_catalogue_changes(app, catalog):
    for url in urls(catalog):
        assert OLD_PRICE in text(app.test_client().get(url)), url
    sneak_price(app, catalog.jujube, 99900)
    for url in urls(catalog):
        page = app.test_client().get(url)
        assert page.status_code == 200 and OLD_PRICE in text(page) and NEW_PRICE not in text(page), url
    catalogue_write(app, catalog)
    for url in urls(catalog):
        assert NEW_PRICE in text(app.test_client().get(url)), url


def test_category_names_are_kept_too(app, catalog):
    assert "干果坚果" in text(app.test_client().get("/categories"))
    with app.app_context():
        db.session.execute(update(Category).where(Category.slug == "nuts-dried-fruit").values(name_zh="坚果炒货"))
        db.session.commit()  # an ORM statement through the session: moves the version
    page = text(app.test_client().get("/categories"))
    assert "坚果炒货" in page and "干果坚果" not in page


def test_queries_are_kept_apart(app, catalog):
    jujubes, bacon = app.test_client().get("/products?q=红枣"), app.test_client().get("/products?q=腊肉")
    assert "新疆柯坪红枣" in text(jujubes) and "从江香猪腊肉" not in text(jujubes)
    assert "从江香猪腊肉" in text(bacon) and "新疆柯坪红枣" not in text(bacon)
    again = text(app.test_client().get("/products?q=红枣"))
    assert "新疆柯坪红枣" in again and "从江香猪腊肉" not in again


def test_languages_are_kept_apart(app, catalog):
    url = f"/products/{catalog.jujube}"
    for _ in range(2):  # rendered, then kept
        chinese, english_page = app.test_client().get(url), english(app.test_client()).get(url)
        assert "加入购物车" in text(chinese) and "Add to cart" not in text(chinese)
        assert "Add to cart" in text(english_page) and "加入购物车" not in text(english_page)


def test_an_unchanged_page_answers_304_and_a_changed_one_200(app, catalog):
    client, url = app.test_client(), f"/products/{catalog.jujube}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == NO_STORE  # it starts the session
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and again.headers["Cache-Control"] == REVALIDATE
    assert app.test_client().get(url).headers["ETag"] == etag  # the same for every visitor
    catalogue_write(app, catalog, "bacon")  # a new version, the same page: rendered again, still not modified
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    catalogue_write(app, catalog, "jujube")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and "11" in text(changed)


def test_a_visitor_without_a_session_gets_the_whole_page_whatever_it_asks(app, catalog):
    # A 304 would leave them a page whose token belongs to a session they no longer have.
    url = f"/products/{catalog.jujube}"
    etag = app.test_client().get(url).headers["ETag"]
    response = app.test_client().get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and CSRF_RE.search(text(response))


def test_every_visitor_gets_their_own_working_csrf_token(app, catalog):
    url = f"/products/{catalog.jujube}"
    first, second = app.test_client(), app.test_client()
    tokens = [CSRF_RE.findall(text(client.get(url))) for client in (first, second)]
    assert all(tokens) and not set(tokens[0]) & set(tokens[1])
    add = {"product_id": catalog.jujube, "quantity": 1}
    assert second.post("/cart/add", data={**add, "csrf_token": tokens[0][0]}).status_code == 400
    for client, own in zip((first, second), tokens):
        assert client.post("/cart/add", data={**add, "csrf_token": own[0]}).headers["Location"] == "/cart"


def test_a_visitors_cart_badge_stays_theirs(app, catalog):
    shopper, browser = app.test_client(), app.test_client()
    assert 'class="count"' not in text(browser.get("/products"))  # kept without a badge
    token = CSRF_RE.search(text(shopper.get(f"/products/{catalog.jujube}")))[1]
    shopper.post("/cart/add", data={"product_id": catalog.jujube, "quantity": 3, "csrf_token": token})
    for url in urls(catalog):
        mine = shopper.get(url)
        assert '<span class="count" aria-hidden="true">3</span>' in text(mine), url
        assert mine.headers["Cache-Control"] == NO_STORE
        assert 'class="count"' not in text(browser.get(url)), url
        assert 'class="count"' not in text(app.test_client().get(url)), url


def test_flashed_messages_are_never_kept(app, catalog):
    url = f"/products/{catalog.jujube}"
    app.test_client().get(url)
    told = app.test_client()
    with told.session_transaction() as session:
        session["_flashes"] = [("info", "只给这位访客的消息")]
    assert "只给这位访客的消息" in text(told.get(url))
    assert "只给这位访客的消息" not in text(app.test_client().get(url))


def _member(role: str):
    user = make_user(email=f"{role.replace(' ', '-')}@example.cn", name=f"{role}用户", is_staff=role == "staff")
    if role == "coop member":
        add_to_cooperative(user, db.session.scalar(db.select(Cooperative).limit(1)))
    elif role == "org member":
        add_to_organization(user, make_organization(), OrganizationRole.VIEWER)
    db.session.commit()
    return user


@pytest.mark.parametrize("role", ["buyer", "staff", "coop member", "org member"])
def test_logged_in_pages_are_never_kept_nor_served_kept(app, catalog, role):
    for url in urls(catalog):
        app.test_client().get(url)
    with app.app_context():
        user = _member(role)
    client = app.test_client()
    login(client, user.email)
    sneak_price(app, catalog.jujube, 99900)
    for url in urls(catalog):
        page = client.get(url)
        assert NEW_PRICE in text(page) and f"{role}用户" in text(page), url
        assert page.headers["Cache-Control"] == NO_STORE and "ETag" not in page.headers, url
    assert OLD_PRICE in text(app.test_client().get("/products"))  # visitors still get the kept page


@pytest.mark.parametrize("credential", [{"cookie": ("remember_token", "anything")},
                                        {"headers": {"Authorization": "Bearer bf_nothing"}}])
def test_a_remember_me_cookie_or_a_bearer_token_gets_a_fresh_page(app, catalog, credential):
    url = f"/products/{catalog.jujube}"
    app.test_client().get(url)
    sneak_price(app, catalog.jujube, 99900)
    client = app.test_client()
    if "cookie" in credential:
        client.set_cookie(*credential["cookie"])
    page = client.get(url, headers=credential.get("headers", {}))
    assert NEW_PRICE in text(page) and page.headers["Cache-Control"] == NO_STORE


def test_pages_that_are_not_ok_are_not_kept(app, catalog):
    with app.app_context():
        db.session.execute(update(Product).where(Product.id == catalog.bacon).values(is_active=False))
        db.session.commit()
    missing = app.test_client().get(f"/products/{catalog.bacon}")
    assert missing.status_code == 404 and "ETag" not in missing.headers
    assert CSRF_RE.search(text(missing))  # the error page's language switch got a real token, not the marker
    with app.app_context():
        db.session.execute(update(Product).where(Product.id == catalog.bacon).values(is_active=True))
        db.session.commit()
    assert app.test_client().get(f"/products/{catalog.bacon}").status_code == 200

"""What caches and browsers may keep: pages that depend on the visitor are `private, no-store`; in production
the session cookie is `__Host-` prefixed and Secure, and HSTS is sent."""
from __future__ import annotations

import pytest

from shop import create_app
from shop.extensions import db
from shop.web.security import HSTS
from tests.factories import make_category, make_cooperative, make_product, make_user
from tests.web import CSRF_RE, csrf_token, login

NO_STORE = "private, no-store"


@pytest.fixture
def product(app) -> int:
    with app.app_context():
        return make_product(make_cooperative("652929"), make_category(), stock=5).id


def test_every_page_for_a_logged_in_buyer_is_private_no_store(app, client, product):
    with app.app_context():
        make_user(email="buyer@example.cn")
    login(client, "buyer@example.cn")
    for url in ["/", "/products", "/products?q=商品", f"/products/{product}", "/counties/652929", "/impact",
                "/cart", "/orders", "/account", "/account/password", "/missing-page"]:
        response = client.get(url)
        assert response.headers["Cache-Control"] == NO_STORE, url


def test_a_visitors_cart_pages_are_private_no_store(client, product):
    response = client.post("/cart/add", data={"product_id": product, "quantity": 1,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Cache-Control"] == NO_STORE
    for url in ["/cart", f"/products/{product}", "/"]:
        assert client.get(url).headers["Cache-Control"] == NO_STORE, url


def test_pages_holding_a_csrf_token_are_never_shared(client):
    # A first visit: no cookie yet, but the page carries a token tied to the new session it starts.
    response = client.get("/account/login")
    assert response.headers["Cache-Control"] == NO_STORE
    assert "session=" in response.headers["Set-Cookie"]


def test_public_assets_stay_cacheable_for_logged_in_users(app, client):
    with app.app_context():
        make_user(email="buyer@example.cn")
    login(client, "buyer@example.cn")
    response = client.get("/static/css/shop.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
    assert client.get("/ping").headers["Cache-Control"] == NO_STORE  # any answer to a logged-in user


def test_pages_that_read_no_session_are_left_to_caches(app):
    # A visitor without cookies asking for something that reads no session: nothing personal in it.
    assert app.test_client().get("/ping").headers.get("Cache-Control") is None


def test_explicit_no_store_pages_keep_their_header(client):
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"


def test_api_answers_are_private(client):
    response = client.get("/api/v1/tallies", headers={"Authorization": "Bearer bf_nothing"})
    assert response.status_code == 401 and response.headers["Cache-Control"] == NO_STORE


def test_development_has_plain_cookies_and_no_hsts(client):
    response = client.get("/account/login")
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["Set-Cookie"].startswith("session=")


@pytest.fixture
def production_app(app, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("SITE_URL", "https://bangfu.example.cn")
    for name in ("FLASK_DEBUG", "STRIPE_SECRET_KEY", "STRIPE_API_BASE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    production = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX": str(tmp_path)})
    yield production
    with production.app_context():
        db.session.remove()
        for engine in db.engines.values():  # the page cache's version reads have their own
            engine.dispose()


def test_production_sends_hsts_and_host_prefixed_secure_cookies(app, production_app):
    with app.app_context():
        make_user(email="buyer@example.cn")
    client = production_app.test_client()
    page = client.get("/account/login", base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"] == HSTS == "max-age=31536000; includeSubDomains"
    cookie = page.headers["Set-Cookie"]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert cookie.startswith("__Host-session=")
    # What browsers require of a __Host- cookie: Secure, Path=/, no Domain.
    assert "secure" in attributes and "path=/" in attributes and not any(a.startswith("domain") for a in attributes)
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert production_app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
    assert production_app.config["REMEMBER_COOKIE_SECURE"] and production_app.config["REMEMBER_COOKIE_HTTPONLY"]

    # The whole login works through that cookie (CSRF token included, since it lives in the session).
    token = CSRF_RE.search(client.get("/account/login", base_url="https://localhost").get_data(as_text=True))[1]
    response = client.post("/account/login", base_url="https://localhost",  # browsers send a Referer
                           headers={"Referer": "https://localhost/account/login"},
                           data={"identifier": "buyer@example.cn", "password": "correct horse battery",
                                 "csrf_token": token})
    assert response.status_code == 302
    account = client.get("/account", base_url="https://localhost")
    assert account.status_code == 200 and account.headers["Cache-Control"] == NO_STORE

"""Per-address limits on registration, login, password reset, search and the API: 429 with the site's error page
(JSON for the API) and Retry-After; counted per client address, shared between workers through Redis."""
from __future__ import annotations

import uuid

import pytest

from shop import create_app
from shop.config import ConfigError
from shop.extensions import db
from tests.web import csrf_token

LOW = {"RATELIMIT_LOGIN": "3 per minute", "RATELIMIT_REGISTER": "3 per minute",
       "RATELIMIT_PASSWORD_RESET": "3 per minute", "RATELIMIT_SEARCH": "3 per minute", "RATELIMIT_API": "3 per minute"}
CLIENT = "203.0.113.7"  # documentation addresses (RFC 5737): only ever a value in the WSGI environ


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """Apps on the test database with low limits (the session's app has limits no test reaches)."""
    made = []

    def make(**config):
        other = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                            "MAIL_OUTBOX": str(tmp_path / "outbox"), **LOW, **config})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            for engine in db.engines.values():  # the page cache's version reads have their own
                engine.dispose()


def client_of(app, address: str = CLIENT, **headers):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address})
    for name, value in headers.items():
        client.environ_base["HTTP_" + name.upper().replace("-", "_")] = value
    return client


def _post(path: str, **data):
    return lambda client: client.post(path, data={**data, "csrf_token": csrf_token(client, "/account/login")})


LIMITED = {
    "login": _post("/account/login", identifier="nobody@example.cn", password="wrong"),
    "register": _post("/account/register", email="new@example.cn", name="新用户", password="short"),
    "password reset": _post("/account/reset", email="nobody@example.cn"),
    "search": lambda client: client.get("/products?q=红枣"),
    "api": lambda client: client.get("/api/v1/tallies?by=county"),
}


def assert_limited(response, json: bool = False):
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    if json:
        assert response.get_json()["error"]["code"] == "too_many_requests"
    else:
        text = response.get_data(as_text=True)
        assert 'class="error-page"' in text and "请求过于频繁" in text


@pytest.mark.parametrize("name", LIMITED)
def test_each_limit_answers_429_past_its_setting(make_app, name):
    client = client_of(make_app())
    for _ in range(3):
        assert LIMITED[name](client).status_code in (200, 400, 401), name
    assert_limited(LIMITED[name](client), json=name == "api")
    # Another address has its own count.
    assert LIMITED[name](client_of(client.application, "203.0.113.8")).status_code != 429


def test_what_is_not_limited(make_app):
    client = client_of(make_app())
    for _ in range(5):
        assert client.get("/account/login").status_code == 200  # the form itself; only posting counts
        assert client.get("/products").status_code == 200  # browsing; only a text search counts
        assert client.get("/products?q=+").status_code == 200


def test_both_halves_of_a_password_reset_share_one_count(make_app):
    client = client_of(make_app())
    for _ in range(3):
        assert LIMITED["password reset"](client).status_code == 200
    token = csrf_token(client, "/account/login")
    data = {"password": "x" * 12, "confirm": "x" * 12, "csrf_token": token}
    response = client.post("/account/reset/not-a-token", data=data)
    assert_limited(response)


def test_forwarded_for_is_ignored_without_trusted_proxies(make_app):
    app = make_app()
    for n in range(3):
        client_of(app, **{"X-Forwarded-For": f"198.51.100.{n}"}).get("/products?q=茶")
    # Picking a new X-Forwarded-For does not give a new count: the address is the connection's.
    assert_limited(client_of(app, **{"X-Forwarded-For": "198.51.100.99"}).get("/products?q=茶"))


def test_trusted_proxies_take_the_address_the_proxy_saw(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    proxy = "127.0.0.1"
    for n in range(3):
        # The client made up the first entry; our one proxy appended the address it saw.
        client_of(app, proxy, **{"X-Forwarded-For": f"198.51.100.{n}, {CLIENT}"}).get("/products?q=茶")
    assert_limited(client_of(app, proxy, **{"X-Forwarded-For": f"198.51.100.1, {CLIENT}"}).get("/products?q=茶"))
    other = client_of(app, proxy, **{"X-Forwarded-For": "203.0.113.9"}).get("/products?q=茶")
    assert other.status_code == 200  # behind the same proxy, another client


def test_a_limit_that_cannot_be_read_stops_start_up(tmp_path):
    with pytest.raises(ConfigError, match="RATELIMIT_LOGIN"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "RATELIMIT_LOGIN": "lots"})


def _alternate_logins(first, second) -> list[int]:
    """Four failed logins from one address, alternating between two apps (two workers)."""
    clients = [client_of(first), client_of(second)]
    return [LIMITED["login"](clients[n % 2]).status_code for n in range(4)]


def test_two_workers_share_the_count_through_redis(make_app, redis_url):
    import redis

    redis.Redis.from_url(redis_url, socket_timeout=5).ping()  # fail here, clearly, if Redis is unreachable
    shared = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    assert _alternate_logins(make_app(**shared), make_app(**shared)) == [200, 200, 200, 429]


def test_in_memory_counts_are_per_worker(make_app):
    # Why production needs the shared store: each process counts on its own.
    assert _alternate_logins(make_app(), make_app()) == [200, 200, 200, 200]

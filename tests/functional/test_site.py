"""Site-wide behaviour: health check, language switch, photo files, headers, query counts."""
import re

import pytest
from sqlalchemy import event

from shop import create_app
from shop.extensions import db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_without_a_database(tmp_path):
    # A SQLite file in a directory that does not exist cannot be opened.
    missing = tmp_path / "missing" / "dir" / "db.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_ping_is_a_fixed_string(client):
    response = client.get("/ping")
    assert response.status_code == 200 and response.data == b"pong"


def csrf_token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_chinese_by_default_and_english_on_request(client, catalog):
    assert "全部商品" in client.get("/products").get_data(as_text=True)
    response = client.post("/language", data={"lang": "en", "next": "/products?q=x",
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/products?q=x"
    text = client.get(f"/products/{catalog.jujube}").get_data(as_text=True)
    assert 'lang="en"' in text and "Net weight" in text and "Counterpart support" in text
    assert "Nuts &amp; dried fruit" in text
    client.post("/language", data={"lang": "zh_CN", "csrf_token": csrf_token(client)})
    assert "净含量" in client.get(f"/products/{catalog.jujube}").get_data(as_text=True)


def test_language_switch_needs_a_csrf_token(client):
    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 400
    assert "全部商品" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "fr", "csrf_token": csrf_token(client)})
    assert "全部商品" in client.get("/").get_data(as_text=True)


def test_photos_are_served_with_type_and_nosniff(app, client):
    from shop.core.images import store_image
    from tests.unit.test_images import image_bytes

    stored = store_image(image_bytes(), app.config["UPLOAD_FOLDER"])
    response = client.get(f"/media/{stored.thumb_filename}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", ["missing.jpg", "..%2F..%2Fsetup.cfg", "%2E%2E"])
def test_unknown_or_escaping_media_names_are_404(client, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_security_headers(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_pages_reference_only_local_assets(client, catalog):
    for url in ["/", "/products", f"/products/{catalog.jujube}", "/counties/652929"]:
        text = client.get(url).get_data(as_text=True)
        for src in re.findall(r'(?:src|href)="([^"]+)"', text):
            assert src.startswith("/") or src.startswith("#"), (url, src)


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def queries_for(app, client, url) -> int:
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/products", "/products?q=商品", "/", "/counties/652929", "/cooperatives/{coop}"])
def test_query_count_does_not_grow_with_products(app, client, url):
    from datetime import date

    from tests.factories import make_category, make_cooperative, make_pairing, make_product

    with app.app_context():
        make_pairing(helper="330500", recipient="652929", starts_on=date(2010, 7, 1))
        coop = make_cooperative("652929")
        url = url.format(coop=coop.id)
        make_product(coop, make_category())
    few = queries_for(app, client, url)
    with app.app_context():
        coop = db.session.merge(coop)
        for n in range(23):
            owner = coop if n % 2 else make_cooperative("652929")
            make_product(owner, make_category(slug=f"c{n}", name_zh=f"类{n}", name_en=f"C{n}"))
    many = queries_for(app, client, url)
    assert many == few, f"{url}: {few} queries for 1 product, {many} for 24"

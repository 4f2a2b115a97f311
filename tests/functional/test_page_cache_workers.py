"""Kept pages across workers: two apps on one database (two gunicorn workers or two hosts), each keeping pages in
its own memory or both in one Redis. A price change and the last unit sold on one are on the next page from the
other, and the county and impact pages (which show sales) are kept no longer than IMPACT_CACHE_SECONDS."""
from __future__ import annotations

import secrets
import uuid

import pytest

from shop import create_app
from shop.catalog import listings
from shop.catalog.listings import ListingData
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from tests.factories import make_user
from tests.functional.test_page_cache import sneak_price, text
from tests.order_factories import make_order


@pytest.fixture
def make_worker(app, database_url, tmp_path):
    """Apps on the test database, keeping pages, the sales pages for five minutes."""
    made = []

    def make(**config):
        worker = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                             "MAIL_OUTBOX": str(tmp_path / "outbox"), "IMPACT_CACHE_SECONDS": 300, **config})
        made.append(worker)
        return worker

    yield make
    for worker in made:
        with worker.app_context():
            db.session.remove()
            for engine in db.engines.values():  # the page cache's version reads have their own
                engine.dispose()


def pages(catalog) -> list[str]:
    return [f"/products/{catalog.bacon}", "/products", "/products?q=腊肉", "/", "/counties/522633",
            f"/cooperatives/{catalog.congjiang_coop}"]


def change_price_and_sell_out(worker, catalog) -> None:
    """On `worker`: the cooperative sets ¥77.00, then a buyer orders all five pigs."""
    with worker.app_context():
        coop = db.session.get(Cooperative, catalog.congjiang_coop)
        product = db.session.get(Product, catalog.bacon)
        data = ListingData(sku=product.sku, name=product.name, category_id=product.category_id, unit=product.unit,
                           spec=product.spec, net_weight_g=product.net_weight_g, price_fen=7700)
        listings.save_listing(coop, data, product.id)
        make_order(make_user(email=f"{secrets.token_hex(4)}@example.cn"), (db.session.get(Product, product.id), 5))
        db.session.remove()


def check_both_workers_see_the_change(first, second, catalog) -> None:
    for worker in (first, second):
        for url in pages(catalog):
            assert "¥88.00" in text(worker.test_client().get(url)), url  # kept on both
    change_price_and_sell_out(first, catalog)
    for url in pages(catalog):  # the old price is gone everywhere (lists may hide a sold-out product)
        assert "¥88.00" not in text(second.test_client().get(url)), url
    for worker in (second, first):
        page = text(worker.test_client().get(f"/products/{catalog.bacon}"))
        assert "¥77.00" in page and "已售罄" in page


def test_a_change_on_one_worker_is_on_the_next_page_from_the_other(make_worker, catalog):
    first, second = make_worker(), make_worker()
    check_both_workers_see_the_change(first, second, catalog)


def test_workers_sharing_redis_share_kept_pages_and_never_serve_stale_ones(make_worker, catalog, redis_url):
    import redis

    redis.Redis.from_url(redis_url, socket_timeout=5).ping()  # fail here, clearly, if Redis is unreachable
    shared = {"CACHE_REDIS_URL": redis_url, "PAGE_CACHE_PREFIX": f"test-{uuid.uuid4().hex}:"}
    first, second = make_worker(**shared), make_worker(**shared)
    url = f"/products/{catalog.jujube}"
    assert "¥1,234.50" in text(first.test_client().get(url))
    sneak_price(first, catalog.jujube, 6600)
    assert "¥1,234.50" in text(second.test_client().get(url))  # the page the first worker kept, from Redis
    check_both_workers_see_the_change(first, second, catalog)


def test_an_unreachable_redis_means_rendered_pages(make_worker, catalog):
    # Nothing listens on port 9 of loopback: every page is rendered, none fails.
    worker = make_worker(CACHE_REDIS_URL="redis://127.0.0.1:9/0")
    for _ in range(2):
        page = worker.test_client().get(f"/products/{catalog.bacon}")
        assert page.status_code == 200 and "¥88.00" in text(page)


def test_sales_pages_are_kept_only_as_long_as_the_impact_figures(make_worker, catalog):
    kept, not_kept = make_worker(), make_worker(IMPACT_CACHE_SECONDS=0)
    for url in ("/counties/522633", "/impact"):
        for worker in (kept, not_kept):
            worker.test_client().get(url)
    sneak_price(kept, catalog.bacon, 6600)
    assert "¥88.00" in text(kept.test_client().get("/counties/522633"))
    assert "¥66.00" in text(not_kept.test_client().get("/counties/522633"))
    assert kept.test_client().get("/impact").headers.get("ETag")
    assert not not_kept.test_client().get("/impact").headers.get("ETag")

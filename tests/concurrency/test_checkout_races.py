"""Real threads racing through place_order on the session's database (SQLite or PostgreSQL)."""
from __future__ import annotations

import secrets
import threading

import pytest
from sqlalchemy import func, select

from shop.catalog.models import Product
from shop.extensions import db
from shop.orders.checkout import place_order
from shop.orders.exceptions import OutOfStock
from shop.orders.models import Order, OrderLine
from tests.factories import make_product, make_user
from tests.order_factories import ADDRESS, fill_cart


def race(app, jobs: list) -> list:
    """Run each job(…) in its own thread and app context, all released at once; return results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as exc:  # collected and asserted on by the test
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung (deadlock?)"
    return results


def checkout_job(user_id):
    return lambda: place_order(user_id, ADDRESS, secrets.token_urlsafe(16))


def test_twenty_buyers_race_for_the_last_unit(app):
    with app.app_context():
        product = make_product(stock=1)
        users = [make_user() for _ in range(20)]
        for user in users:
            fill_cart(user.id, (product, 1))
        product_id, user_ids = product.id, [u.id for u in users]
    results = race(app, [checkout_job(user_id) for user_id in user_ids])
    orders = [r for r in results if isinstance(r, Order)]
    sold_out = [r for r in results if isinstance(r, OutOfStock)]
    others = [r for r in results if not isinstance(r, (Order, OutOfStock))]
    assert others == [], others  # no "database is locked", no deadlock, nothing else
    assert len(orders) == 1 and len(sold_out) == 19
    with app.app_context():
        assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 0
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_opposite_orders_do_not_deadlock(app):
    with app.app_context():
        first, second = make_product(stock=100), make_product(stock=100)
        buyers = []
        for n in range(10):
            user = make_user()
            items = [(first, 1), (second, 1)] if n % 2 else [(second, 1), (first, 1)]
            fill_cart(user.id, *items)
            buyers.append(user.id)
        ids = (first.id, second.id)
    results = race(app, [checkout_job(user_id) for user_id in buyers])
    assert all(isinstance(r, Order) for r in results), results
    with app.app_context():
        stocks = db.session.scalars(select(Product.stock).where(Product.id.in_(ids)))
        assert sorted(stocks) == [90, 90]


def test_stock_five_and_two_carts_of_three(app):
    with app.app_context():
        product = make_product(stock=5)
        users = [make_user(), make_user()]
        for user in users:
            fill_cart(user.id, (product, 3))
        product_id, user_ids = product.id, [u.id for u in users]
    results = race(app, [checkout_job(user_id) for user_id in user_ids])
    assert sorted(type(r).__name__ for r in results) == ["Order", "OutOfStock"], results
    with app.app_context():
        assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 2
        assert db.session.scalar(select(func.sum(OrderLine.quantity))) == 3


@pytest.mark.parametrize("clicks", [2, 5])
def test_double_click_gives_one_order(app, clicks):
    with app.app_context():
        product = make_product(stock=10)
        user = make_user()
        fill_cart(user.id, (product, 2))
        user_id, product_id = user.id, product.id
    token = secrets.token_urlsafe(16)
    results = race(app, [lambda: place_order(user_id, ADDRESS, token).id for _ in range(clicks)])
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1
        assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 8

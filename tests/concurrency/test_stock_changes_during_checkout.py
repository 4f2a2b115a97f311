"""A cooperative removing stock while buyers check out: stock never goes below zero, nothing is oversold."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from shop.accounts.models import User
from shop.catalog.exceptions import ListingError
from shop.catalog.listings import adjust_stock
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.orders.checkout import place_order
from shop.orders.exceptions import OutOfStock
from shop.orders.models import OrderLine
from tests.concurrency.test_checkout_races import race
from tests.factories import add_to_cooperative, make_product, make_user
from tests.order_factories import ADDRESS, fill_cart


def test_stock_removal_racing_checkouts(app):
    with app.app_context():
        product = make_product(stock=10)
        product_id, cooperative_id = product.id, product.cooperative_id
        buyers = []
        for _ in range(8):
            buyer = make_user()
            fill_cart(buyer.id, (product, 1))
            buyers.append(buyer.id)

    def checkout(user_id):
        return lambda: place_order(user_id, ADDRESS, secrets.token_hex(16))

    def remove(amount):
        return lambda: adjust_stock(db.session.get(Cooperative, cooperative_id), product_id, -amount)

    results = race(app, [checkout(user_id) for user_id in buyers] + [remove(4), remove(4)])
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, (OutOfStock, ListingError))]
    assert unexpected == []
    removed = sum(4 for r in results[8:] if not isinstance(r, Exception))
    with app.app_context():
        stock = db.session.scalar(select(Product.stock).where(Product.id == product_id))
        sold = db.session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0))
                                 .where(OrderLine.product_id == product_id))
    assert stock >= 0 and stock + sold + removed == 10
    assert sold == sum(1 for r in results[:8] if not isinstance(r, Exception))


def test_a_stock_upload_landing_during_checkouts(app):
    from shop.catalog.importing import services
    from shop.catalog.importing.columns import COLUMNS

    with app.app_context():
        product = make_product(stock=10, sku="KP-1", name="柯坪红枣")
        product_id, cooperative_id = product.id, product.cooperative_id
        category = product.category.name_zh
        member_id = make_user().id
        add_to_cooperative(db.session.get(User, member_id), product.cooperative)
        buyers = []
        for _ in range(8):
            buyer = make_user()
            fill_cart(buyer.id, (product, 1))
            buyers.append(buyer.id)
    header = ",".join(column.header for column in COLUMNS[:8])
    data = f"{header}\nKP-1,柯坪红枣,{category},袋,1 kg/袋,1000,45.80,2\n".encode()

    def checkout(user_id):
        return lambda: place_order(user_id, ADDRESS, secrets.token_hex(16))

    def upload():
        """Upload, preview and confirm, as the cooperative's member does on the upload pages."""
        cooperative = db.session.get(Cooperative, cooperative_id)
        started = services.start_import(cooperative, member_id, "stock.csv", data, False)
        assert services.preview_import(cooperative, started).ok
        return services.confirm_import(cooperative, started.id)

    results = race(app, [checkout(user_id) for user_id in buyers] + [upload])
    assert [r for r in results if isinstance(r, Exception) and not isinstance(r, OutOfStock)] == []
    with app.app_context():
        stock = db.session.scalar(select(Product.stock).where(Product.id == product_id))
        sold = db.session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0))
                                 .where(OrderLine.product_id == product_id))
    assert 0 <= stock <= 2 and sold <= 8
    assert sold == sum(1 for r in results[:8] if not isinstance(r, Exception))

"""The services refuse on their own, inside their transactions: a cooperative that stopped being verified since
its object was loaded changes nothing."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select, update

from shop.catalog import listings
from shop.catalog.models import Photo, Product
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db
from tests.factories import make_category, make_cooperative, make_product
from tests.image_files import image_bytes

CHANGES = {
    "new listing": lambda coop, ids: listings.save_listing(coop, listing(ids["category"], "KP-9")),
    "edit listing": lambda coop, ids: listings.save_listing(coop, listing(ids["category"], "KP-1"), ids["product"]),
    "archive": lambda coop, ids: listings.set_active(coop, ids["product"], False),
    "stock": lambda coop, ids: listings.adjust_stock(coop, ids["product"], 5),
    "add photo": lambda coop, ids: listings.add_photo(coop, ids["product"], image_bytes("PNG")),
    "delete photo": lambda coop, ids: listings.delete_photo(coop, ids["product"], ids["photo"]),
}


def listing(category_id: int, sku: str) -> listings.ListingData:
    return listings.ListingData(sku=sku, name="柯坪核桃", category_id=category_id, unit="袋", spec="1 kg/袋",
                                net_weight_g=1000, price_fen=3990)


def snapshot(app) -> tuple:
    products = db.session.execute(select(Product.id, Product.sku, Product.name, Product.stock, Product.is_active)
                                  .order_by(Product.id)).all()
    photos = db.session.execute(select(Photo.id, Photo.filename).order_by(Photo.id)).all()
    return products, photos, sorted(os.listdir(app.config["UPLOAD_FOLDER"]))


@pytest.mark.parametrize("status", [VerificationStatus.SUSPENDED, VerificationStatus.APPLIED,
                                    VerificationStatus.REJECTED])
@pytest.mark.parametrize("change", CHANGES)
def test_a_cooperative_that_stopped_being_verified_changes_nothing(app, app_ctx, change, status):
    category = make_category()
    product = make_product(make_cooperative("652929"), category, sku="KP-1", name="柯坪红枣", stock=20)
    photo = Photo(product_id=product.id, position=0, filename="kp.jpg", thumb_filename="kp-t.jpg", width=1, height=1)
    db.session.add(photo)
    db.session.commit()
    ids = {"category": category.id, "product": product.id, "photo": photo.id}
    cooperative = db.session.get(Cooperative, product.cooperative_id)
    assert cooperative.is_verified  # what the portal saw when the request began
    with db.engine.begin() as connection:  # staff's decision, committed meanwhile
        connection.execute(update(Cooperative).where(Cooperative.id == cooperative.id).values(status=status))
    before = snapshot(app)
    with pytest.raises(NotSelling):
        CHANGES[change](cooperative, ids)
    assert snapshot(app) == before

"""The services refuse on their own, inside their transactions: a cooperative that stopped being verified since
its object was loaded changes nothing, and nobody orders for a suspended organization."""
from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import func, select, update

from shop.catalog import listings
from shop.catalog.importing import services as imports
from shop.catalog.models import Photo, Product
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db
from shop.orders.checkout import place_order
from shop.orders.exceptions import NotAMember, OrganizationSuspended
from shop.orders.models import Order
from shop.organizations import services as organizations
from tests.factories import (
    add_to_organization,
    make_category,
    make_cooperative,
    make_organization,
    make_product,
    make_user,
)
from tests.image_files import image_bytes
from tests.order_factories import ADDRESS, fill_cart

CHANGES = {
    "new listing": lambda coop, ids: listings.save_listing(coop, listing(ids["category"], "KP-9")),
    "edit listing": lambda coop, ids: listings.save_listing(coop, listing(ids["category"], "KP-1"), ids["product"]),
    "archive": lambda coop, ids: listings.set_active(coop, ids["product"], False),
    "stock": lambda coop, ids: listings.adjust_stock(coop, ids["product"], 5),
    "add photo": lambda coop, ids: listings.add_photo(coop, ids["product"], image_bytes("PNG")),
    "delete photo": lambda coop, ids: listings.delete_photo(coop, ids["product"], ids["photo"]),
    "upload listings": lambda coop, ids: imports.start_import(coop, ids["user"], "l.csv", ids["csv"], False),
    "confirm listings": lambda coop, ids: imports.confirm_import(coop, ids["upload"]),
}
LISTINGS_CSV = ("商品编码,商品名称,品类,单位,规格,净重（克）,单价（元）,库存\n"
                "KP-1,柯坪红枣,{category},袋,1 kg/袋,1000,39.90,7\n")


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
    cooperative = db.session.get(Cooperative, product.cooperative_id)
    user = make_user(email="clerk@example.cn")
    csv = LISTINGS_CSV.format(category=category.name_zh).encode()
    upload = imports.start_import(cooperative, user.id, "l.csv", csv, False)  # uploaded while still verified
    ids = {"category": category.id, "product": product.id, "photo": photo.id, "user": user.id, "upload": upload.id,
           "csv": csv}
    assert cooperative.is_verified  # what the portal saw when the request began
    with db.engine.begin() as connection:  # staff's decision, committed meanwhile
        connection.execute(update(Cooperative).where(Cooperative.id == cooperative.id).values(status=status))
    before = snapshot(app)
    with pytest.raises(NotSelling):
        CHANGES[change](cooperative, ids)
    assert snapshot(app) == before


def test_nobody_orders_for_a_suspended_organization(app, app_ctx):
    staff = make_user(is_staff=True)
    member, outsider = make_user(), make_user()
    organization = make_organization(name="湖州市总工会", kind="union")
    add_to_organization(member, organization)
    product = make_product(stock=10)
    organizations.set_active(staff.id, organization.id, False, "单位已注销")
    for user in (member, outsider):
        fill_cart(user.id, (product, 1))
    with pytest.raises(OrganizationSuspended, match="湖州市总工会"):
        place_order(member.id, ADDRESS, secrets.token_hex(8), organization_id=organization.id)
    with pytest.raises(NotAMember):  # an outsider learns nothing about the organization
        place_order(outsider.id, ADDRESS, secrets.token_hex(8), organization_id=organization.id)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.get(Product, product.id).stock == 10
    organizations.set_active(staff.id, organization.id, True)
    assert place_order(member.id, ADDRESS, secrets.token_hex(8), organization_id=organization.id).organization_id \
        == organization.id

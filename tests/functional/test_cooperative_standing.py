"""A cooperative that is not verified (applied, suspended, rejected) reads its portal and ships orders already paid,
and nothing else: every write of the portal is refused with 403 and the reason, in Chinese, and changes nothing."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, update

from shop.catalog.importing.models import ListingImport
from shop.catalog.models import Photo, Product
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_user
from tests.image_files import image_bytes
from tests.order_factories import make_order
from tests.web import csrf_token, login

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "listings"
LISTING = {"sku": "KP-9", "name": "柯坪核桃", "unit": "袋", "spec": "1 kg/袋", "net_weight_g": "1000", "price": "39.90",
           "stock": "50", "description": "薄皮核桃"}
# What each status says on a refused page: a distinctive part of its Chinese message.
REFUSALS = {VerificationStatus.SUSPENDED: "贵社已被平台暂停", VerificationStatus.APPLIED: "贵社正在等待平台审核",
            VerificationStatus.REJECTED: "未通过平台审核"}
NOT_SELLING = list(REFUSALS)


@dataclass
class Portal:
    cooperative: int
    category: int
    product: int
    archived: int
    photo: int
    upload: int
    order: str


@pytest.fixture
def portal(app) -> Portal:
    """A verified cooperative with a member, a product with a photo, an archived product, a paid order, and a
    listings upload waiting for confirmation (made through the page while the cooperative was verified)."""
    with app.app_context():
        category = make_category("nuts", "干果坚果", "Nuts")
        make_category("meat", "肉禽蛋品", "Meat")
        cooperative = make_cooperative("652929", name="柯坪红枣合作社")
        add_to_cooperative(make_user(email="kp@example.cn"), cooperative)
        product = make_product(cooperative, category, name="柯坪红枣", sku="KP-1", stock=20)
        archived = make_product(cooperative, category, name="下架红枣", sku="KP-2", is_active=False)
        photo = Photo(product_id=product.id, position=0, filename="kp.jpg", thumb_filename="kp-t.jpg", width=10,
                      height=10)
        db.session.add(photo)
        db.session.commit()
        order = make_order(make_user(), (product, 2))
        lifecycle.mark_paid(order.id)
        ids = Portal(cooperative.id, category.id, product.id, archived.id, photo.id, 0, order.number)
    client = member(app)
    uploaded = client.post("/coop/import", data={"csrf_token": csrf_token(client, "/coop/import"),
                                                 "file": (io.BytesIO((SAMPLES / "good.csv").read_bytes()), "good.csv")})
    ids.upload = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    return ids


def member(app):
    client = app.test_client()
    login(client, "kp@example.cn")
    return client  # Chinese, the default


def set_status(app, cooperative_id: int, status: VerificationStatus) -> None:
    with app.app_context():
        db.session.execute(update(Cooperative).where(Cooperative.id == cooperative_id).values(status=status))
        db.session.commit()


# Every POST of the portal that changes listings: (endpoint, path, form) for the portal's ids.
def write_requests(ids: Portal) -> dict[str, tuple[str, dict]]:
    return {
        "coop.catalog.product_new": ("/coop/products/new", LISTING | {"category": str(ids.category)}),
        "coop.catalog.product_edit": (f"/coop/products/{ids.product}",
                                      LISTING | {"sku": "KP-1", "category": str(ids.category)}),
        "coop.catalog.product_archive": (f"/coop/products/{ids.product}/archive", {}),
        "coop.catalog.product_restore": (f"/coop/products/{ids.archived}/restore", {}),
        "coop.catalog.product_stock": (f"/coop/products/{ids.product}/stock", {"change": "5"}),
        "coop.catalog.photo_upload": (f"/coop/products/{ids.product}/photos",
                                      {"photo": (io.BytesIO(image_bytes("PNG")), "photo.png")}),
        "coop.catalog.photo_delete": (f"/coop/products/{ids.product}/photos/{ids.photo}/delete", {}),
        "coop.catalog.import_upload": ("/coop/import", {"file": (io.BytesIO((SAMPLES / "good.csv").read_bytes()),
                                                                 "good.csv")}),
        "coop.catalog.import_confirm": (f"/coop/import/{ids.upload}/confirm", {}),
        "coop.cooperatives.invoicing": ("/coop/invoicing", {"capability": "ordinary_special"}),
        "coop.cooperatives.shipping": ("/coop/shipping", {"fee": "12", "free_from": "99"}),
    }


WRITES = list(write_requests(Portal(0, 0, 0, 0, 0, 0, "")))
# Fulfilment (shipping, per recipient too, recording invoices of paid orders); applying for another cooperative.
ALLOWED_POSTS = {"coop.orders.ship", "coop.orders.ship_recipient", "coop.invoices.invoice_detail",
                 "coop.invoices.red_letter_record", "coop.cooperatives.apply"}


def state(app, cooperative_id: int) -> tuple:
    """Everything a portal write could change."""
    with app.app_context():
        products = db.session.execute(
            select(Product.id, Product.sku, Product.name, Product.price_fen, Product.stock, Product.is_active,
                   Product.updated_at).where(Product.cooperative_id == cooperative_id).order_by(Product.id)).all()
        photos = db.session.execute(select(Photo.id, Photo.product_id, Photo.filename).order_by(Photo.id)).all()
        uploads = db.session.execute(select(ListingImport.id, ListingImport.applied_at)
                                     .order_by(ListingImport.id)).all()
        invoicing = db.session.scalar(select(Cooperative.invoice_capability).where(Cooperative.id == cooperative_id))
        shipping = db.session.execute(select(Cooperative.shipping_fee_fen, Cooperative.free_shipping_from_fen)
                                      .where(Cooperative.id == cooperative_id)).one()
    return products, photos, uploads, invoicing, tuple(shipping), sorted(os.listdir(app.config["UPLOAD_FOLDER"]))


def test_the_list_covers_every_write_of_the_portal(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("coop.") and "POST" in (rule.methods or ())}
    assert posts - ALLOWED_POSTS == set(WRITES)


@pytest.mark.parametrize("status", NOT_SELLING)
@pytest.mark.parametrize("endpoint", WRITES)
def test_every_write_is_refused_with_the_reason(app, portal, status, endpoint):
    set_status(app, portal.cooperative, status)
    path, form = write_requests(portal)[endpoint]
    client = member(app)
    before = state(app, portal.cooperative)
    response = client.post(path, data=form | {"csrf_token": csrf_token(client, "/coop/products")})
    assert response.status_code == 403
    assert REFUSALS[status] in response.get_data(as_text=True)
    assert state(app, portal.cooperative) == before


@pytest.mark.parametrize("status", NOT_SELLING)
def test_the_portal_can_still_be_read_and_says_why_it_cannot_be_changed(app, portal, status):
    set_status(app, portal.cooperative, status)
    client = member(app)
    for path in ["/coop/", "/coop/products", "/coop/products?archived=1", f"/coop/products/{portal.product}",
                 "/coop/products/new", "/coop/import", f"/coop/import/{portal.upload}", "/coop/orders/",
                 "/coop/orders/packing-list.csv", "/coop/import/template.csv"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)  # read every response to its end: the CSV files are streamed
        if response.mimetype == "text/html":
            assert REFUSALS[status] in body, path


def test_a_suspended_cooperative_ships_orders_already_paid(app, portal):
    set_status(app, portal.cooperative, VerificationStatus.SUSPENDED)
    client = member(app)
    response = client.post(f"/coop/orders/{portal.order}/ship",
                           data={"carrier": "顺丰速运", "tracking_number": "SF1234567890",
                                 "csrf_token": csrf_token(client, "/coop/orders/")})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.number == portal.order)) == OrderStatus.SHIPPED


def test_a_verified_cooperative_sees_no_refusal(app, portal):
    page = member(app).get(f"/coop/products/{portal.product}").get_data(as_text=True)
    assert not any(refusal in page for refusal in REFUSALS.values())

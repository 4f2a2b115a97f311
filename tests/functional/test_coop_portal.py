"""The cooperative portal: listings, stock, photos and fulfilment, each cooperative seeing only its own."""
from __future__ import annotations

import csv
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.catalog.importing.models import ListingImport
from shop.catalog.models import Photo, Product
from shop.core.outbox import QueuedMail
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from tests.damaged_spreadsheets import corpus
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_user
from tests.order_factories import make_order
from tests.web import csrf_token, english, login, post


@pytest.fixture
def coops(app):
    """Two cooperatives with a member each, a product each, and one paid order holding both."""
    with app.app_context():
        make_category("nuts", "干果坚果", "Nuts")
        keping = make_cooperative("652929", name="柯坪红枣合作社")
        congjiang = make_cooperative("522633", name="从江香猪合作社")
        add_to_cooperative(make_user(email="kp@example.cn"), keping)
        add_to_cooperative(make_user(email="cj@example.cn"), congjiang)
        jujube = make_product(keping, name="柯坪红枣", sku="KP-1", stock=20)
        bacon = make_product(congjiang, name="从江腊肉", sku="CJ-1", stock=20)
        buyer = make_user(email="buyer@example.cn")
        order = make_order(buyer, (jujube, 2), (bacon, 1))
        lifecycle.mark_paid(order.id)
        photo = Photo(product_id=bacon.id, filename="cj.jpg", thumb_filename="cj-t.jpg", width=10, height=10)
        db.session.add(photo)
        db.session.commit()
        return {"keping": keping.id, "congjiang": congjiang.id, "jujube": jujube.id, "bacon": bacon.id,
                "order": order.number, "bacon_photo": photo.id}


def member(app, email):
    client = app.test_client()
    login(client, email)
    return english(client)


def image_bytes(fmt="PNG", size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(out, fmt)
    return out.getvalue()


LISTING = {"sku": "KP-2", "name": "柯坪核桃", "unit": "袋", "spec": "1 kg/袋", "net_weight_g": "1000",
           "price": "39.90", "stock": "50", "description": "薄皮核桃", "certificate_type": "绿色食品",
           "certificate_number": "LB-1", "certificate_issuer": "中心", "certificate_valid_until": "2030-01-01"}


def test_list_edit_archive_restore_and_stock(app, coops):
    client = member(app, "kp@example.cn")
    with app.app_context():
        category = db.session.scalar(select(Product.category_id).where(Product.id == coops["jujube"]))
    response = post(client, "/coop/products/new", LISTING | {"category": str(category)},
                    token_from="/coop/products/new")
    assert response.status_code == 302
    product_id = int(re.search(r"/coop/products/(\d+)$", response.headers["Location"]).group(1))
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert (product.cooperative_id, product.origin_county_code, product.price_fen, product.stock) == \
            (coops["keping"], "652929", 3990, 50)
        assert product.certificate_number == "LB-1"
    page = f"/coop/products/{product_id}"
    duplicate = post(client, "/coop/products/new", LISTING | {"category": str(category), "sku": "KP-1"},
                     token_from="/coop/products/new")
    assert duplicate.status_code == 400 and "already have a product with the SKU" in duplicate.get_data(as_text=True)
    bad = post(client, page, LISTING | {"category": str(category), "price": "abc", "net_weight_g": "0"},
               token_from=page)
    assert bad.status_code == 400 and "is not an amount in yuan" in bad.get_data(as_text=True)
    assert post(client, page, LISTING | {"category": str(category), "price": "42", "stock": "999"},
                token_from=page).status_code == 302
    assert post(client, f"{page}/stock", {"change": "-30"}, token_from=page).status_code == 302
    refused = post(client, f"{page}/stock", {"change": "-21"}, token_from=page)
    assert refused.status_code == 400 and "Only 20 in stock" in refused.get_data(as_text=True)
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert (product.price_fen, product.stock) == (4200, 20)  # the edit form never overwrites stock
    post(client, f"{page}/archive", follow_redirects=True, token_from=page)  # the flash names it
    assert "柯坪核桃" in client.get("/coop/products?archived=1").get_data(as_text=True)
    assert "柯坪核桃" not in client.get("/products").get_data(as_text=True)
    post(client, f"{page}/restore", follow_redirects=True, token_from=page)
    assert "柯坪核桃" in client.get("/products").get_data(as_text=True)


@pytest.mark.storage_backends
def test_photos_are_checked_by_content_and_served_safely(app, coops):
    client = member(app, "kp@example.cn")
    page = f"/coop/products/{coops['jujube']}"
    token = csrf_token(client, page)
    fake = {"csrf_token": token, "photo": (io.BytesIO(b"GIF89a not really"), "x.jpg")}
    renamed = client.post(f"{page}/photos", data=fake)
    assert renamed.status_code == 400 and "not a JPEG, PNG or WebP" in renamed.get_data(as_text=True)
    gif = client.post(f"{page}/photos", data={"csrf_token": token,
                                              "photo": (io.BytesIO(image_bytes("GIF")), "photo.png")})
    assert gif.status_code == 400
    good = client.post(f"{page}/photos", data={"csrf_token": token,
                                               "photo": (io.BytesIO(image_bytes("PNG")), "../../etc/passwd")})
    assert good.status_code == 302
    with app.app_context():
        photo = db.session.scalar(select(Photo).where(Photo.product_id == coops["jujube"]))
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", photo.filename)
    served = client.get(f"/media/{photo.filename}")
    assert served.mimetype == "image/jpeg" and served.headers["X-Content-Type-Options"] == "nosniff"
    post(client, f"{page}/photos/{photo.id}/delete", token_from=page)
    assert client.get(f"/media/{photo.filename}").status_code == 404


def test_fulfilment_shows_only_own_lines_and_what_shipping_needs(app, coops):
    kp = member(app, "kp@example.cn")
    html = kp.get("/coop/orders/").get_data(as_text=True)
    assert coops["order"] in html and "柯坪红枣" in html and "人民路 1 号" in html and "13800138000" in html
    assert "从江腊肉" not in html and "buyer@example.cn" not in html
    packing = kp.get("/coop/orders/packing-list.csv")
    rows = list(csv.reader(io.StringIO(packing.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    assert rows[0][0] == "订单号" and [row[9] for row in rows[1:]] == ["柯坪红枣"]
    assert post(kp, f"/coop/orders/{coops['order']}/ship", {"carrier": "顺丰速运", "tracking_number": "SF123"},
                token_from="/coop/orders/").status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == coops["order"]))
        assert order.status == OrderStatus.PAID  # 从江 has not shipped yet
        assert db.session.scalar(select(QueuedMail).where(QueuedMail.message == "order_shipped")) is not None
    assert "SF123" in kp.get("/coop/orders/?tab=shipped").get_data(as_text=True)
    again = post(kp, f"/coop/orders/{coops['order']}/ship", {"carrier": "顺丰速运", "tracking_number": "SF999"},
                 token_from="/coop/orders/", follow_redirects=True)
    assert "already been shipped" in again.get_data(as_text=True)
    cj = member(app, "cj@example.cn")
    post(cj, f"/coop/orders/{coops['order']}/ship", {"carrier": "邮政", "tracking_number": "EMS1"},
         token_from="/coop/orders/")
    buyer = member(app, "buyer@example.cn")
    page = buyer.get(f"/orders/{coops['order']}").get_data(as_text=True)
    assert "SF123" in page and "EMS1" in page and "Shipped" in page


def other_coop_urls(coops) -> list[tuple[str, str, dict]]:
    """Every portal URL that names an id, pointed at 从江's things (method, url, form data)."""
    product, photo, number = coops["bacon"], coops["bacon_photo"], "BF20000101-000001"
    return [
        ("GET", f"/coop/products/{product}", {}),
        ("POST", f"/coop/products/{product}", LISTING),
        ("POST", f"/coop/products/{product}/archive", {}),
        ("POST", f"/coop/products/{product}/restore", {}),
        ("POST", f"/coop/products/{product}/stock", {"change": "-5"}),
        ("POST", f"/coop/products/{product}/photos", {}),
        ("POST", f"/coop/products/{product}/photos/{photo}/delete", {}),
        ("POST", f"/coop/orders/{number}/ship", {"carrier": "x", "tracking_number": "y"}),
    ]


@pytest.mark.parametrize("index", range(8))
def test_another_cooperatives_ids_are_not_found(app, coops, index):
    method, url, data = other_coop_urls(coops)[index]
    client = member(app, "kp@example.cn")
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data=data | {"csrf_token": csrf_token(client, "/coop/products")})
    assert response.status_code == 404, url
    with app.app_context():
        bacon = db.session.get(Product, coops["bacon"])
        assert (bacon.stock, bacon.is_active, bacon.name, len(bacon.photos)) == (19, True, "从江腊肉", 1)


def test_an_order_of_only_another_cooperative_cannot_be_shipped(app, coops):
    with app.app_context():
        bacon = db.session.get(Product, coops["bacon"])
        number = make_order(make_user(), (bacon, 1)).number
        lifecycle.mark_paid(db.session.scalar(select(Order.id).where(Order.number == number)))
    client = member(app, "kp@example.cn")
    assert post(client, f"/coop/orders/{number}/ship", {"carrier": "x", "tracking_number": "y"},
                token_from="/coop/orders/").status_code == 404
    assert number not in client.get("/coop/orders/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/coop/", "/coop/products", "/coop/products/new", "/coop/orders/",
                                 "/coop/orders/packing-list.csv"])
def test_portal_needs_a_cooperative(app, coops, url):
    assert app.test_client().get(url).status_code == 302  # log in first
    outsider = member(app, "buyer@example.cn")
    response = outsider.get(url)
    assert response.status_code == 403 and "Cooperative portal" in response.get_data(as_text=True)
    assert member(app, "kp@example.cn").get(url).status_code == 200


SAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "samples" / "listings"


def upload(client, name: str, data: bytes | None = None, zero_missing: bool = False):
    form = {"csrf_token": csrf_token(client, "/coop/import"),
            "file": (io.BytesIO(data if data is not None else (SAMPLES / name).read_bytes()), name)}
    if zero_missing:
        form["zero_missing"] = "y"
    return client.post("/coop/import", data=form)


@pytest.fixture
def meat(app, coops):
    with app.app_context():
        make_category("meat", "肉禽蛋品", "Meat")


def test_bulk_upload_preview_then_confirm(app, coops, meat):
    client = member(app, "kp@example.cn")
    assert "KP-HZ-001" in client.get("/coop/import/template.csv").get_data(as_text=True)
    assert client.get("/coop/import/template.xlsx").data[:2] == b"PK"
    response = upload(client, "good-gb18030.csv", zero_missing=True)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "4 new" in page and "0 problems" in page and "1 set to zero stock" in page and "柯坪核桃" in page
    with app.app_context():
        assert db.session.scalar(select(Product).where(Product.sku == "KP-001")) is None  # nothing saved yet
    confirm_url = preview_url + "/confirm"
    done = post(client, confirm_url, token_from=preview_url, follow_redirects=True)
    assert "4 new, 0 updated, 1 set to zero stock" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Product.stock).where(Product.sku == "KP-001")) == 120
        assert db.session.get(Product, coops["jujube"]).stock == 0  # KP-1 was not in the file
    again = post(client, confirm_url, token_from=preview_url, follow_redirects=True)
    assert "already saved" in again.get_data(as_text=True)


def test_a_file_with_errors_saves_nothing(app, coops, meat):
    client = member(app, "kp@example.cn")
    preview_url = upload(client, "bad-rows.csv").headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Row 2 单价（元）: “abc” is not a valid amount" in page and "/confirm" not in page
    refused = post(client, preview_url + "/confirm", token_from=preview_url, follow_redirects=True)
    assert "still has errors" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Product).where(Product.sku == "KP-114")) is None


@pytest.mark.parametrize("name, data, message", [
    ("huge.csv", b"a" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ("binary.csv", None, "neither UTF-8"),
    ("no-header.csv", None, "must hold the column headers"),
])
def test_unreadable_uploads_are_refused_on_the_upload_page(app, coops, name, data, message):
    client = member(app, "kp@example.cn")
    response = upload(client, name, data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_another_cooperatives_upload_is_not_found(app, coops, meat):
    kp = member(app, "kp@example.cn")
    preview_url = upload(kp, "good.csv").headers["Location"]
    cj = member(app, "cj@example.cn")
    assert cj.get(preview_url).status_code == 404
    assert post(cj, preview_url + "/confirm", token_from="/coop/import").status_code == 404


@pytest.mark.parametrize("name, data, message", corpus(), ids=[case[0] for case in corpus()])
def test_damaged_files_get_a_clear_400_on_the_upload_page_and_nothing_is_saved(app, coops, name, data, message):
    client = member(app, "kp@example.cn")
    response = upload(client, name + ".xlsx", data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ListingImport)) == 0
        assert db.session.scalar(select(func.count()).select_from(Product)) == 2  # the fixture's two

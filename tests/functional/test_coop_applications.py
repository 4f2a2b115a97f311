"""Becoming a supplier: the application, staff decisions (audited), members, and the private licence."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from shop.accounts.models import CooperativeMembership, MemberRole, User
from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.core import credit_code
from shop.extensions import db
from shop.orders import lifecycle
from tests.factories import make_category, make_product, make_region, make_user
from tests.order_factories import make_order
from tests.web import csrf_token, english, login, post

CODE = credit_code.complete("93652929MA7000001")
COUNTY = {"region_province": "650000", "region_prefecture": "652900", "region_county": "652929"}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def people(app):
    with app.app_context():
        make_region("652929")
        make_category("nuts", "干果坚果", "Nuts")
        make_user(email="farmer@example.cn", name="艾力")
        make_user(email="helper@example.cn", name="帕提古丽")
        make_user(email="staff@example.cn", is_staff=True)


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return english(client)


def apply(client, **changes):
    form = {"name": "柯坪县恰玛古果蔬农民专业合作社", "credit_code": CODE, **COUNTY, "kind": "cooperative",
            "contact_name": "艾力", "contact_phone": "0997-1234567", "description": "红枣、恰玛古",
            "csrf_token": csrf_token(client, "/coop/apply")} | changes
    if "licence" not in changes:
        form["licence"] = (io.BytesIO(png()), "licence.png")
    return client.post("/coop/apply", data=form)


def test_apply_then_verify_list_suspend(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    assert apply(farmer).status_code == 302
    with app.app_context():
        cooperative = db.session.scalar(select(Cooperative))
        membership = db.session.scalar(select(CooperativeMembership))
        assert (cooperative.status, cooperative.credit_code, membership.role) == \
            (VerificationStatus.APPLIED, CODE, MemberRole.ADMIN)
        coop_id = cooperative.id
        product = make_product(cooperative, name="恰玛古", stock=10)
        buyer = make_user()
    assert "not verified" in farmer.get("/coop/").get_data(as_text=True)
    assert "恰玛古" not in farmer.get("/products").get_data(as_text=True)

    staff = signed_in(app, "staff@example.cn")
    assert "柯坪县恰玛古果蔬农民专业合作社" in staff.get("/staff/cooperatives/").get_data(as_text=True)
    page = f"/staff/cooperatives/{coop_id}"
    assert post(staff, f"{page}/suspend", {"reason": ""}, token_from=page).status_code == 400  # not verified yet
    assert post(staff, f"{page}/verify", {"reason": ""}, token_from=page).status_code == 302
    assert "恰玛古" in farmer.get("/products").get_data(as_text=True)
    with app.app_context():
        order = make_order(db.session.get(User, buyer.id), (db.session.get(Product, product.id), 2))
        lifecycle.mark_paid(order.id)
    refused = post(staff, f"{page}/suspend", {"reason": ""}, token_from=page)
    assert refused.status_code == 400 and "Give a reason" in refused.get_data(as_text=True)
    assert post(staff, f"{page}/suspend", {"reason": "证照过期"}, token_from=page).status_code == 302
    assert "恰玛古" not in farmer.get("/products").get_data(as_text=True)
    buyer_client = app.test_client()
    with app.app_context():
        db.session.get(User, buyer.id).email = "b@example.cn"
        db.session.commit()
    login(buyer_client, "b@example.cn")
    assert "恰玛古" in buyer_client.get(f"/orders/{order.number}").get_data(as_text=True)  # history intact
    assert coop_orders_visible(farmer, order.number)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == ["cooperative.verify", "cooperative.suspend"]
        assert db.session.scalar(select(AuditEntry.note).where(AuditEntry.action == "cooperative.suspend")) == "证照过期"


def coop_orders_visible(client, number):
    return number in client.get("/coop/orders/").get_data(as_text=True)


def test_reject_with_a_reason(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    apply(farmer)
    with app.app_context():
        coop_id = db.session.scalar(select(Cooperative.id))
    staff = signed_in(app, "staff@example.cn")
    page = f"/staff/cooperatives/{coop_id}"
    assert post(staff, f"{page}/reject", {"reason": ""}, token_from=page).status_code == 400
    assert post(staff, f"{page}/reject", {"reason": "营业执照不清晰"}, token_from=page).status_code == 302
    with app.app_context():
        cooperative = db.session.get(Cooperative, coop_id)
        assert (cooperative.status, cooperative.review_note) == (VerificationStatus.REJECTED, "营业执照不清晰")


@pytest.mark.parametrize("changes, message", [
    ({"credit_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "Credit code"),
    ({"region_county": ""}, "Choose the county"),
    ({"region_prefecture": "", "region_county": ""}, "Choose the county"),
    ({"region_county": "110101"}, "Choose the county"),  # not a county of the chosen prefecture
    ({"licence": (io.BytesIO(b"%PDF-1.4 not an image"), "licence.png")}, "photo or scan"),
    ({"contact_phone": "call me"}, "phone number"),
    ({"name": ""}, "This field is required"),
])
def test_bad_applications_are_refused_clearly(app, people, changes, message):
    farmer = signed_in(app, "farmer@example.cn")
    response = apply(farmer, **changes)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Cooperative)) is None


def test_a_credit_code_is_registered_once(app, people):
    apply(signed_in(app, "farmer@example.cn"))
    response = apply(signed_in(app, "helper@example.cn"))
    assert response.status_code == 400 and "already registered" in response.get_data(as_text=True)


@pytest.mark.storage_backends
def test_the_licence_is_for_staff_only(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    apply(farmer)
    with app.app_context():
        cooperative = db.session.scalar(select(Cooperative))
        coop_id, filename = cooperative.id, cooperative.licence_filename
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", filename)
    staff = signed_in(app, "staff@example.cn")
    licence = staff.get(f"/staff/cooperatives/{coop_id}/licence")
    assert licence.status_code == 200 and licence.mimetype == "image/jpeg"
    assert "no-store" in licence.headers["Cache-Control"] and licence.headers["X-Content-Type-Options"] == "nosniff"
    assert farmer.get(f"/staff/cooperatives/{coop_id}/licence").status_code == 403
    assert farmer.get(f"/media/{filename}").status_code == 404  # not among the public photos


def test_staff_add_and_remove_members(app, people):
    apply(signed_in(app, "farmer@example.cn"))
    with app.app_context():
        coop_id = db.session.scalar(select(Cooperative.id))
        helper_id = db.session.scalar(select(User.id).where(User.email == "helper@example.cn"))
    staff = signed_in(app, "staff@example.cn")
    page = f"/staff/cooperatives/{coop_id}"
    unknown = post(staff, f"{page}/members", {"identifier": "nobody@example.cn"}, token_from=page)
    assert unknown.status_code == 400 and "register first" in unknown.get_data(as_text=True)
    assert post(staff, f"{page}/members", {"identifier": "helper@example.cn"}, token_from=page).status_code == 302
    helper = signed_in(app, "helper@example.cn")
    assert helper.get("/coop/products").status_code == 200
    assert post(staff, f"{page}/members/{helper_id}/remove", token_from=page).status_code == 302
    assert helper.get("/coop/products").status_code == 403
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == ["cooperative.add_member", "cooperative.remove_member"]

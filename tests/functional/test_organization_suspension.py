"""Staff suspend and reactivate an organization (audited); while it is suspended its members cannot order for it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.extensions import db
from shop.orders.models import BuyerClass, Order
from shop.organizations.models import Organization
from tests.factories import (
    add_to_organization,
    make_cooperative,
    make_delivery_regions,
    make_organization,
    make_product,
    make_user,
)
from tests.web import english, login, post

ADDRESS = {"recipient": "王五", "mobile": "13912345678", "province": "浙江省", "city": "湖州市",
           "district": "吴兴区", "street": "人民路 1 号"}


@pytest.fixture
def union(app):
    """A trade union with a purchaser, a product in stock, and a staff member."""
    with app.app_context():
        make_delivery_regions()
        organization = make_organization(name="湖州市总工会", kind="union")
        add_to_organization(make_user(email="buyer@example.cn"), organization)
        make_user(email="staff@example.cn", is_staff=True)
        product = make_product(make_cooperative("652929"), name="柯坪红枣", stock=10)
        return {"organization": organization.id, "product": product.id}


def signed_in(app, email: str, in_english: bool = True):
    client = app.test_client()
    login(client, email)
    return english(client) if in_english else client


def staff_action(client, organization_id: int, action: str, reason: str = ""):
    page = f"/staff/organizations/{organization_id}"
    return post(client, f"{page}/{action}", {"reason": reason}, token_from=page)


def checkout_form(client, buy_for: str) -> dict:
    page = client.get("/checkout").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="(checkout_token|expected_total|csrf_token)"[^>]*value="([^"]*)"', page))
    return {**fields, **ADDRESS, "buy_for": buy_for}


def fill_cart(client, product_id: int) -> None:
    post(client, "/cart/add", {"product_id": product_id, "quantity": 2})


def test_staff_suspend_and_reactivate_with_an_audit_trail(app, union):
    staff = signed_in(app, "staff@example.cn")
    organization = union["organization"]
    refused = staff_action(staff, organization, "suspend")
    assert refused.status_code == 400 and "Give a reason." in refused.get_data(as_text=True)
    assert staff_action(staff, organization, "suspend", "单位已注销").status_code == 302
    assert "Suspended" in staff.get(f"/staff/organizations/{organization}").get_data(as_text=True)
    assert "Suspended" in staff.get("/staff/organizations/").get_data(as_text=True)
    again = staff_action(staff, organization, "suspend", "再次暂停")
    assert again.status_code == 400 and "already suspended" in again.get_data(as_text=True)
    assert staff_action(staff, organization, "reactivate").status_code == 302
    with app.app_context():
        assert db.session.get(Organization, organization).is_active
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.note, AuditEntry.after)
                                     .order_by(AuditEntry.id)).all()
    assert [tuple(entry) for entry in entries] == [
        ("organization.suspend", "单位已注销", {"is_active": False}),
        ("organization.reactivate", "", {"is_active": True}),
    ]


@pytest.mark.parametrize("action", ["suspend", "reactivate"])
def test_only_staff_may_suspend_or_reactivate(app, union, action):
    member = signed_in(app, "buyer@example.cn")
    response = post(member, f"/staff/organizations/{union['organization']}/{action}", {"reason": "x"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Organization, union["organization"]).is_active
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_checkout_page_opened_before_the_suspension_is_refused_with_the_reason(app, union):
    buyer = signed_in(app, "buyer@example.cn", in_english=False)
    fill_cart(buyer, union["product"])
    form = checkout_form(buyer, f"org:{union['organization']}")
    staff_action(signed_in(app, "staff@example.cn"), union["organization"], "suspend", "单位已注销")
    response = buyer.post("/checkout", data=form)
    assert response.status_code == 400
    assert "“湖州市总工会”已被平台暂停，目前不能以该单位名义下单。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        assert db.session.get(Product, union["product"]).stock == 10


def test_a_suspended_organization_is_shown_but_cannot_be_picked(app, union):
    staff_action(signed_in(app, "staff@example.cn"), union["organization"], "suspend", "单位已注销")
    buyer = signed_in(app, "buyer@example.cn")
    fill_cart(buyer, union["product"])
    page = buyer.get("/checkout").get_data(as_text=True)
    option = re.search(rf'<input[^>]*value="org:{union["organization"]}"[^>]*>', page).group(0)
    assert "disabled" in option and "湖州市总工会 (suspended by the platform)" in page


def test_after_reactivation_members_order_for_it_again(app, union):
    staff = signed_in(app, "staff@example.cn")
    staff_action(staff, union["organization"], "suspend", "核查中")
    staff_action(staff, union["organization"], "reactivate")
    buyer = signed_in(app, "buyer@example.cn")
    fill_cart(buyer, union["product"])
    assert buyer.post("/checkout", data=checkout_form(buyer, f"org:{union['organization']}")).status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.organization_id, order.buyer_class) == (union["organization"], BuyerClass.UNION)

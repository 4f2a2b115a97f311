"""Staff pages: who may open them, the order desk's filters, cancelling, organizations and the audit log."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from shop.organizations.models import Organization
from tests.factories import (
    add_to_cooperative,
    add_to_organization,
    make_cooperative,
    make_organization,
    make_product,
    make_user,
)
from tests.order_factories import make_order
from tests.web import english, login, post

STAFF_PAGES = ["/staff/", "/staff/orders/", "/staff/organizations/", "/staff/audit/"]


@pytest.fixture
def people(app):
    """One user per role."""
    with app.app_context():
        coop = make_cooperative()
        org = make_organization()
        make_user(email="buyer@example.cn")
        add_to_organization(make_user(email="org@example.cn"), org)
        add_to_cooperative(make_user(email="coop@example.cn"), coop)
        make_user(email="staff@example.cn", is_staff=True)
    return {"buyer": "buyer@example.cn", "org member": "org@example.cn", "coop member": "coop@example.cn",
            "staff": "staff@example.cn"}


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("role, expected", [("visitor", 302), ("buyer", 403), ("org member", 403),
                                            ("coop member", 403), ("staff", 200)])
def test_staff_pages_by_role(app, people, url, role, expected):
    client = app.test_client()
    if role != "visitor":
        login(client, people[role])
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("role", ["buyer", "org member", "coop member"])
def test_non_staff_cannot_cancel_or_register(app, people, role):
    client = app.test_client()
    login(client, people[role])
    assert post(client, "/staff/orders/BF20260101-000001/cancel", {"reason": "x"}).status_code == 403
    assert post(client, "/staff/organizations/", {"name": "x"}).status_code == 403


@pytest.fixture
def orders(app, people):
    """Orders of different statuses, buyers, cooperatives and dates."""
    with app.app_context():
        keping, congjiang = make_cooperative("652929"), make_cooperative("522633")
        jujube, bacon = make_product(keping, stock=50), make_product(congjiang, stock=50)
        buyer = db.session.scalar(select(User).where(User.email == "buyer@example.cn"))
        member = db.session.scalar(select(User).where(User.email == "org@example.cn"))
        org_id = member.organization_memberships[0].organization_id
        old = make_order(buyer, (jujube, 1), now=datetime(2026, 1, 15, 4, tzinfo=timezone.utc))
        paid = make_order(buyer, (bacon, 2))
        lifecycle.mark_paid(paid.id)
        for_org = make_order(member, (jujube, 3), (bacon, 1), organization_id=org_id)
        return {"old": old.number, "paid": paid.number, "org": for_org.number, "org_id": org_id,
                "keping": keping.id, "congjiang": congjiang.id, "jujube": jujube.id}


def numbers(response):
    return set(re.findall(r"BF\d{8}-\d{6}", response.get_data(as_text=True)))


@pytest.fixture
def staff(app, people):
    client = app.test_client()
    login(client, "staff@example.cn")
    return client


def test_order_desk_filters(staff, orders):
    everything = {orders["old"], orders["paid"], orders["org"]}
    assert numbers(staff.get("/staff/orders/")) == everything
    assert numbers(staff.get("/staff/orders/?status=paid")) == {orders["paid"]}
    assert numbers(staff.get("/staff/orders/?buyer_class=public")) == {orders["old"], orders["paid"]}
    assert numbers(staff.get(f"/staff/orders/?organization={orders['org_id']}")) == {orders["org"]}
    assert numbers(staff.get(f"/staff/orders/?cooperative={orders['congjiang']}")) == {orders["paid"], orders["org"]}
    assert numbers(staff.get("/staff/orders/?county=652929")) == {orders["old"], orders["org"]}
    assert numbers(staff.get("/staff/orders/?date_from=2026-01-15&date_to=2026-01-15")) == {orders["old"]}
    assert orders["old"] not in numbers(staff.get("/staff/orders/?date_from=2026-01-16"))
    assert numbers(staff.get(f"/staff/orders/?number={orders['paid'].lower()}")) == {orders["paid"]}


@pytest.mark.parametrize("query", ["status=nope", "date_from=2026-13-01", "county=abc", "page=0",
                                   "organization=abc", "buyer_class=vip"])
def test_order_desk_bad_filters_are_400(staff, orders, query):
    assert staff.get(f"/staff/orders/?{query}").status_code == 400


def test_order_desk_pages(app, staff, people):
    with app.app_context():
        buyer = db.session.scalar(select(User).where(User.email == "buyer@example.cn"))
        product = make_product(stock=100)
        for _ in range(55):
            make_order(buyer, (product, 1))
    first, second = staff.get("/staff/orders/"), staff.get("/staff/orders/?page=2")
    assert len(numbers(first)) == 50 and len(numbers(second)) == 5
    assert "第 1 / 2 页" in first.get_data(as_text=True)


def test_staff_opens_and_cancels_an_order_with_a_reason(app, staff, orders):
    page = staff.get(f"/staff/orders/{orders['paid']}").get_data(as_text=True)
    assert orders["paid"] in page
    english(staff)
    refused = post(staff, f"/staff/orders/{orders['org']}/cancel", {"reason": ""})
    assert refused.status_code == 400 and "Give a reason" in refused.get_data(as_text=True)
    post(staff, f"/staff/orders/{orders['org']}/cancel", {"reason": "买家电话要求取消"})
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == orders["org"]))
        assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "买家电话要求取消"
        assert db.session.scalar(select(Product.stock).where(Product.id == order.lines[0].product_id)) == 49
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "order.cancel"))
        assert entry.target_id == orders["org"] and entry.note == "买家电话要求取消"
    # A paid order is not simply cancelled: its money goes back through a refund.
    paid = post(staff, f"/staff/orders/{orders['paid']}/cancel", {"reason": "买家电话要求取消"}, follow_redirects=True)
    assert "refunding it in full" in paid.get_data(as_text=True)
    assert "order.cancel" in staff.get("/staff/audit/").get_data(as_text=True)
    assert staff.get("/staff/orders/BF20000101-999999").status_code == 404


ORG = {"name": "湖州市财政局", "kind": "budget_unit", "credit_code": "11330500002583117X",
       "region_code": "330500", "invoice_title": "湖州市财政局", "tax_number": "11330500002583117X"}


def test_staff_registers_an_organization_and_manages_members(app, staff):
    from shop.core import credit_code
    from tests.factories import make_region

    with app.app_context():
        make_region("330500")
    data = {**ORG, "credit_code": credit_code.complete("11330500MB0000001")}
    data["tax_number"] = data["credit_code"]
    response = post(staff, "/staff/organizations/", data)
    assert response.status_code == 302
    detail = response.headers["Location"]
    assert "湖州市财政局" in staff.get(detail).get_data(as_text=True)
    post(staff, f"{detail}/members", {"identifier": "buyer@example.cn"})
    with app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.name == "湖州市财政局"))
        assert [m.user.email for m in org.memberships] == ["buyer@example.cn"]
        user_id = org.memberships[0].user_id
    assert "buyer@example.cn" in staff.get(detail).get_data(as_text=True)
    post(staff, f"{detail}/members/{user_id}/remove")
    with app.app_context():
        assert db.session.scalar(select(Organization).where(Organization.name == "湖州市财政局")).memberships == []
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"organization.create", "organization.add_member", "organization.remove_member"} <= actions


def test_bad_organization_forms_say_why(app, staff):
    english(staff)
    bad = post(staff, "/staff/organizations/", {**ORG, "credit_code": "91110108551385082A"})
    assert bad.status_code == 400 and "check character" in bad.get_data(as_text=True)
    with app.app_context():
        org_id = make_organization().id
    unknown = post(staff, f"/staff/organizations/{org_id}/members", {"identifier": "nobody@example.cn"})
    assert unknown.status_code == 400 and "register first" in unknown.get_data(as_text=True)
    assert staff.get("/staff/organizations/999999").status_code == 404

"""An organization's orders: every member sees them, only admins and purchasers act on them (pay, cancel, confirm
receipt; a viewer gets 403 and nothing changes), and nobody outside the organization learns they exist (404)."""
from __future__ import annotations

import pytest

from shop.catalog.models import Product
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus
from tests.factories import make_user
from tests.order_factories import make_order
from tests.org_factories import team
from tests.web import english, login, post

ADMIN, PURCHASER, VIEWER = "admin", "purchaser", "viewer"
MEMBERS = (ADMIN, PURCHASER, VIEWER)
OUTSIDERS = ("other organization's admin", "public buyer", "staff")
ACCOUNTS = {ADMIN: "admin@a.example.cn", PURCHASER: "buyer@a.example.cn", VIEWER: "viewer@a.example.cn",
            "other organization's admin": "admin@b.example.cn", "public buyer": "public@example.cn",
            "staff": "staff@example.cn"}


@pytest.fixture
def orders(app, catalog):
    """Organization A's two orders placed by its purchaser: one awaiting payment, one shipped."""
    with app.app_context():
        organization = team(**{role: ACCOUNTS[role] for role in MEMBERS})
        team("别人的单位", admin=ACCOUNTS["other organization's admin"])
        make_user(email=ACCOUNTS["public buyer"])
        make_user(email=ACCOUNTS["staff"], is_staff=True)
        purchaser = organization.memberships[1].user
        jujube = db.session.get(Product, catalog.jujube)
        unpaid = make_order(purchaser, (jujube, 1), organization_id=organization.id)
        shipped = make_order(purchaser, (jujube, 1), organization_id=organization.id)
        lifecycle.mark_paid(shipped.id)
        lifecycle.ship(shipped.id, catalog.keping_coop, "顺丰", "SF123", None)
        return {"unpaid": unpaid.number, "shipped": shipped.number}


def _client(app, role: str):
    client = english(app.test_client())
    login(client, ACCOUNTS[role])
    return client


def _status(number: str) -> OrderStatus:
    return db.session.scalar(db.select(Order.status).where(Order.number == number))


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
def test_every_member_sees_the_order_and_only_buyers_get_its_buttons(app, orders, role):
    response = _client(app, role).get(f"/orders/{orders['unpaid']}")
    if role in OUTSIDERS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("Pay now" in page) is (role != VIEWER)
    assert ("Cancel order" in page) is (role != VIEWER)


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
def test_only_admins_and_purchasers_open_the_pay_page(app, orders, role):
    response = _client(app, role).get(f"/orders/{orders['unpaid']}/pay")
    assert response.status_code == {ADMIN: 200, PURCHASER: 200, VIEWER: 403}.get(role, 404)
    if role == VIEWER:
        assert "lets you see its orders, not pay" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
def test_only_admins_and_purchasers_cancel(app, orders, role):
    response = post(_client(app, role), f"/orders/{orders['unpaid']}/cancel", {})
    assert response.status_code == {ADMIN: 302, PURCHASER: 302, VIEWER: 403}.get(role, 404)
    with app.app_context():
        expected = OrderStatus.CANCELLED if role in (ADMIN, PURCHASER) else OrderStatus.PENDING_PAYMENT
        assert _status(orders["unpaid"]) == expected


@pytest.mark.parametrize("role", MEMBERS + OUTSIDERS)
def test_only_admins_and_purchasers_confirm_receipt(app, orders, role):
    response = post(_client(app, role), f"/orders/{orders['shipped']}/receive", {})
    assert response.status_code == {ADMIN: 302, PURCHASER: 302, VIEWER: 403}.get(role, 404)
    with app.app_context():
        expected = OrderStatus.RECEIVED if role in (ADMIN, PURCHASER) else OrderStatus.SHIPPED
        assert _status(orders["shipped"]) == expected


def test_a_viewer_acting_for_the_organization_sees_no_pay_button_in_the_list(app, orders):
    client = _client(app, VIEWER)
    with app.app_context():
        organization_id = db.session.scalar(db.select(Order.organization_id).where(Order.number == orders["unpaid"]))
    post(client, "/account/acting-for", {"choice": f"organization:{organization_id}"})
    page = client.get("/orders").get_data(as_text=True)
    assert orders["unpaid"] in page
    assert "Pay now" not in page

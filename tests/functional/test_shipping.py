"""Shipping through the browser's eyes: a cooperative sets its terms on /coop/shipping, and the cart, checkout and
order pages show each cooperative's shipping and charge it in the total."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEntry
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.orders.models import Order
from tests.factories import add_to_cooperative, make_cooperative, make_delivery_regions, make_product, make_user
from tests.functional.test_orders import checkout_form
from tests.web import csrf_token, english, login, post

PEOPLE = ["member", "othercoop", "buyer", "staff", None]


@pytest.fixture
def sellers(app):
    """Two cooperatives (柯坪 ¥12 a parcel, 包邮 from ¥99; 从江 ¥8 always), a member each, a product each, a buyer
    and staff."""
    with app.app_context():
        keping = make_cooperative("652929", name="柯坪红枣合作社")
        congjiang = make_cooperative("522633", name="从江香猪合作社")
        keping.shipping_fee_fen, keping.free_shipping_from_fen = 1200, 9900
        congjiang.shipping_fee_fen = 800
        db.session.commit()
        make_delivery_regions()
        add_to_cooperative(make_user(email="member@example.cn"), keping)
        add_to_cooperative(make_user(email="othercoop@example.cn"), congjiang)
        make_user(email="buyer@example.cn")
        make_user(email="staff@example.cn", is_staff=True)
        jujube = make_product(keping, name="柯坪红枣", price_fen=4580, stock=20)
        bacon = make_product(congjiang, name="从江腊肉", price_fen=8800, stock=20)
        return {"keping": keping.id, "congjiang": congjiang.id, "jujube": jujube.id, "bacon": bacon.id}


def signed_in(app, who):
    client = english(app.test_client())
    if who:
        login(client, f"{who}@example.cn")
    return client


def terms(app, cooperative_id):
    with app.app_context():
        return tuple(db.session.execute(select(Cooperative.shipping_fee_fen, Cooperative.free_shipping_from_fen)
                                        .where(Cooperative.id == cooperative_id)).one())


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_set_the_shipping_terms(app, sellers, who):
    client = signed_in(app, who)
    expected = {"member": 200, "othercoop": 200, None: 302}.get(who, 403)  # not in a cooperative: 403
    page = client.get("/coop/shipping")
    assert page.status_code == expected
    if who is None:
        assert "/account/login" in page.headers["Location"]
        return
    if expected == 200:
        response = client.post("/coop/shipping", data={"fee": "15", "free_from": "",
                                                       "csrf_token": csrf_token(client, "/coop/shipping")})
        assert response.status_code == 302
    # Each member changes its own cooperative only; the others change nothing.
    assert terms(app, sellers["keping"]) == ((1500, None) if who == "member" else (1200, 9900))
    assert terms(app, sellers["congjiang"]) == ((1500, None) if who == "othercoop" else (800, None))


def test_the_page_shows_the_terms_and_saves_them_audited(app, sellers):
    client = signed_in(app, "member")
    page = client.get("/coop/shipping").get_data(as_text=True)
    assert 'value="12.00"' in page and 'value="99.00"' in page and 'href="/coop/shipping"' in page
    response = post(client, "/coop/shipping", {"fee": "0", "free_from": ""}, token_from="/coop/shipping")
    assert response.status_code == 302 and terms(app, sellers["keping"]) == (0, None)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cooperative.shipping"))
        assert entry.after == {"fee_fen": 0, "free_from_fen": None}


@pytest.mark.parametrize("fee, free_from, message", [
    ("", "99", "This field is required."),
    ("twelve", "", "is not an amount in yuan"),
    ("-3", "", "is not an amount in yuan"),
    ("12.345", "", "is not an amount in yuan"),
    ("12", "0", "The amount must be more than zero."),
    ("600", "", "between ¥0.00 and ¥500.00"),
    ("12", "100001", "at most ¥100,000.00"),
])
def test_bad_terms_get_a_clear_message_and_change_nothing(app, sellers, fee, free_from, message):
    client = signed_in(app, "member")
    response = post(client, "/coop/shipping", {"fee": fee, "free_from": free_from}, token_from="/coop/shipping")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert terms(app, sellers["keping"]) == (1200, 9900)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id)) is None


def add(client, product_id, quantity):
    assert post(client, "/cart/add", {"product_id": product_id, "quantity": quantity}).status_code == 302


def test_cart_checkout_and_order_show_and_charge_shipping_per_cooperative(app, sellers):
    client = signed_in(app, "buyer")
    add(client, sellers["jujube"], 1)
    add(client, sellers["bacon"], 1)
    cart = client.get("/cart").get_data(as_text=True)
    # 柯坪: ¥45.80 pays ¥12 and is ¥53.20 short of 包邮; 从江 pays ¥8. Total ¥45.80 + ¥88 + ¥20.
    assert "¥12.00" in cart and "¥53.20 more from this cooperative ships free." in cart and "¥8.00" in cart
    assert "¥153.80" in cart
    add(client, sellers["jujube"], 2)  # three jujube: ¥137.40 reaches ¥99
    cart = client.get("/cart").get_data(as_text=True)
    assert "Free shipping" in cart and "¥12.00" not in cart and "¥233.40" in cart
    checkout = client.get("/checkout").get_data(as_text=True)
    assert re.search(r'name="expected_total"[^>]*value="23340"', checkout)
    assert "Free shipping" in checkout and "¥8.00" in checkout and "¥233.40" in checkout
    form = checkout_form(client)
    assert form["expected_total"] == "23340"
    response = client.post("/checkout", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert (order.total_fen, order.shipping_fen, order.goods_fen) == (23340, 800, 22540)
        number = order.number
    page = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "Free shipping" in page and "¥8.00" in page and "¥225.40" in page and "¥233.40" in page


def test_a_total_seen_without_shipping_is_sent_back_with_the_new_total(app, sellers):
    client = signed_in(app, "buyer")
    add(client, sellers["bacon"], 1)
    response = client.post("/checkout", data={**checkout_form(client), "expected_total": "8800"})  # goods only
    assert response.status_code == 409
    assert re.search(r'name="expected_total"[^>]*value="9600"', response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Order.id)) is None

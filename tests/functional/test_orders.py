"""Cart, checkout and orders through the test client, as a visitor and as buyers."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.catalog.models import Product
from shop.core.database import utcnow
from shop.core.outbox import deliver_queued
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.models import CartLine, Order, OrderStatus
from tests.factories import (
    add_to_organization,
    make_cooperative,
    make_delivery_regions,
    make_organization,
    make_product,
    make_user,
)
from tests.web import csrf_token, english, login, post

ADDRESS = {"recipient": "王五", "mobile": "13912345678", "province": "浙江省", "city": "宁波市",
           "district": "海曙区", "street": "中山西路 2 号"}


@pytest.fixture
def shop(app):
    """Two products and a buyer with an email address."""
    with app.app_context():
        make_delivery_regions()
        coop = make_cooperative("652929")
        jujube = make_product(coop, name="新疆柯坪红枣", price_fen=4580, stock=10)
        walnut = make_product(coop, name="乌什核桃", price_fen=9800, stock=2)
        buyer = make_user(email="buyer@example.cn", mobile="13800138000", name="李买家")
        return {"jujube": jujube.id, "walnut": walnut.id, "buyer": buyer.id}


def add(client, product_id, quantity=1):
    return post(client, "/cart/add", {"product_id": product_id, "quantity": quantity})


def checkout_form(client) -> dict:
    """The hidden fields of the checkout page as the browser would send them back."""
    page = client.get("/checkout").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="(checkout_token|expected_total|csrf_token)"[^>]*value="([^"]*)"', page))
    return {**fields, **ADDRESS, "buy_for": "self"}


def stock(app, product_id):
    with app.app_context():
        return db.session.scalar(select(Product.stock).where(Product.id == product_id))


def order_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Order))


def test_visitor_cart_then_login_then_checkout(app, client, shop, smtp_server, mail_to_smtp):
    add(client, shop["jujube"], 2)
    page = client.get("/cart").get_data(as_text=True)
    assert "新疆柯坪红枣" in page and "¥91.60" in page
    assert client.get("/checkout").status_code == 302  # must log in first
    login(client, "buyer@example.cn")
    assert "新疆柯坪红枣" in client.get("/cart").get_data(as_text=True)  # the visitor's cart followed
    response = client.post("/checkout", data=checkout_form(client))
    assert response.status_code == 302
    number = re.search(r"BF\d{8}-\d{6}", response.headers["Location"]).group()
    assert re.fullmatch(r"BF\d{8}-\d{6}", number)
    page = client.get(f"/orders/{number}").get_data(as_text=True)
    assert number in page and "王五" in page and "¥91.60" in page
    assert stock(app, shop["jujube"]) == 8
    assert "新疆柯坪红枣" not in client.get("/cart").get_data(as_text=True)
    with app.app_context():
        assert deliver_queued() == (1, 0)  # the job runner's round
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "buyer@example.cn" and number in message["Subject"]
    assert number in message.get_content()


def test_double_submit_gives_one_order(app, client, shop):
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    form = checkout_form(client)
    first = client.post("/checkout", data=form)
    second = client.post("/checkout", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    assert order_count(app) == 1 and stock(app, shop["jujube"]) == 9


def test_a_second_tab_cannot_order_the_same_cart_again(app, client, shop):
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    tab_one, tab_two = checkout_form(client), checkout_form(client)
    assert tab_one["checkout_token"] != tab_two["checkout_token"]
    client.post("/checkout", data=tab_one)
    response = client.post("/checkout", data=tab_two)
    assert response.status_code == 302 and response.headers["Location"] == "/orders"
    assert order_count(app) == 1


@pytest.mark.parametrize("quantity", ["-1", "0", "1.5", "abc", str(2**63), "", "10000"])
def test_bad_quantities_get_a_message_and_save_nothing(app, client, shop, quantity):
    english(client)
    response = add(client, shop["jujube"], quantity)
    assert response.status_code == 302
    page = client.get("/cart").get_data(as_text=True)
    assert "Quantity must be a whole number from 1 to 9999." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_updating_a_line_with_a_bad_quantity_keeps_the_old_one(app, client, shop):
    english(client)
    add(client, shop["jujube"], 2)
    post(client, f"/cart/{shop['jujube']}", {"quantity": "-3"})
    page = client.get("/cart").get_data(as_text=True)
    assert "Quantity must be" in page and 'value="2"' in page


def test_extra_fields_are_ignored(app, client, shop):
    login(client, "buyer@example.cn")
    post(client, "/cart/add", {"product_id": shop["jujube"], "quantity": 1, "price_fen": 1, "price": "0.01"})
    form = {**checkout_form(client), "total_fen": "1", "status": "paid", "unit_price_fen": "1", "is_staff": "y"}
    response = client.post("/checkout", data=form)
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.total_fen == 4580 and order.status == OrderStatus.PENDING_PAYMENT
        assert not order.user.is_staff
    assert response.status_code == 302


def test_tampered_expected_total_is_refused(app, client, shop):
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    form = {**checkout_form(client), "expected_total": "1"}
    response = client.post("/checkout", data=form)
    assert response.status_code == 409 and order_count(app) == 0
    assert stock(app, shop["jujube"]) == 10


def test_sold_out_at_checkout_sends_the_buyer_back_to_the_cart(app, client, shop):
    english(client)
    login(client, "buyer@example.cn")
    add(client, shop["walnut"], 2)
    form = checkout_form(client)
    with app.app_context():
        db.session.get(Product, shop["walnut"]).stock = 1
        db.session.commit()
    response = client.post("/checkout", data=form)
    assert response.headers["Location"] == "/cart"
    page = client.get("/cart").get_data(as_text=True)
    assert "Only 1 of “乌什核桃” left." in page and "Only 1 left." in page
    assert order_count(app) == 0


def test_cart_tells_about_price_changes(app, client, shop):
    english(client)
    add(client, shop["jujube"], 1)
    with app.app_context():
        db.session.get(Product, shop["jujube"]).price_fen = 5000
        db.session.commit()
    page = client.get("/cart").get_data(as_text=True)
    assert "The price changed from ¥45.80 to ¥50.00 since you added it." in page


@pytest.mark.parametrize("missing", ["recipient", "mobile", "province", "city", "district", "street"])
def test_checkout_needs_the_whole_address(app, client, shop, missing):
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    form = {**checkout_form(client), missing: ""}
    assert client.post("/checkout", data=form).status_code == 400
    assert order_count(app) == 0


@pytest.mark.parametrize("mobile", ["12345678901", "1380013800", "138001380000", "abc"])
def test_checkout_validates_the_mobile_number(app, client, shop, mobile):
    english(client)
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    response = client.post("/checkout", data={**checkout_form(client), "mobile": mobile})
    assert response.status_code == 400 and "11-digit" in response.get_data(as_text=True)


def test_saved_address_prefills_the_next_checkout(app, client, shop):
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    client.post("/checkout", data=checkout_form(client))
    add(client, shop["jujube"], 1)
    assert 'value="中山西路 2 号"' in client.get("/checkout").get_data(as_text=True)


def test_state_changing_requests_need_csrf(app, client, shop):
    login(client, "buyer@example.cn")
    assert client.post("/cart/add", data={"product_id": shop["jujube"], "quantity": 1}).status_code == 400
    add(client, shop["jujube"], 1)
    form = checkout_form(client)
    del form["csrf_token"]
    assert client.post("/checkout", data=form).status_code == 400
    assert order_count(app) == 0


@pytest.mark.parametrize("url", ["/cart/add", "/checkout/", "/orders/BF20260101-000001/cancel",
                                 "/orders/BF20260101-000001/receive"])
def test_no_state_changes_on_get(client, shop, url):
    assert client.get(url).status_code in (404, 405)


def place(client, shop, product="jujube", quantity=1, buy_for="self"):
    add(client, shop[product], quantity)
    response = client.post("/checkout", data={**checkout_form(client), "buy_for": buy_for})
    return re.search(r"BF\d{8}-\d{6}", response.headers["Location"]).group()


def test_order_tabs(app, client, shop):
    login(client, "buyer@example.cn")
    pending = place(client, shop)
    paid = place(client, shop)
    with app.app_context():
        lifecycle.mark_paid(db.session.scalar(select(Order.id).where(Order.number == paid)))
    tabs = {tab: client.get(f"/orders?tab={tab}").get_data(as_text=True)
            for tab in ["pending", "to_ship", "to_receive", "done"]}
    assert pending in tabs["pending"] and paid not in tabs["pending"]
    assert paid in tabs["to_ship"] and pending not in tabs["to_ship"]
    assert pending not in tabs["to_receive"] and pending not in tabs["done"]
    assert "待付款" in tabs["pending"] and "待发货" in tabs["pending"]
    assert client.get("/orders?tab=nope").status_code == 400
    assert client.get("/orders?page=0").status_code == 400


def test_buyer_cancels_and_confirms_receipt(app, client, shop):
    login(client, "buyer@example.cn")
    number = place(client, shop, quantity=3)
    post(client, f"/orders/{number}/cancel", token_from=f"/orders/{number}")
    assert stock(app, shop["jujube"]) == 10
    assert "已取消" in client.get(f"/orders/{number}").get_data(as_text=True)

    number = place(client, shop)
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        lifecycle.mark_paid(order.id)
        lifecycle.ship(order.id, order.lines[0].cooperative_id, "顺丰", "SF123", None)
    page = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "SF123" in page and "确认收货" in page
    post(client, f"/orders/{number}/receive", token_from=f"/orders/{number}")
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.number == number)) == OrderStatus.RECEIVED


def test_opening_an_expired_order_cancels_it(app, client, shop):
    app.config["ORDER_PAYMENT_MINUTES"] = 0
    try:
        login(client, "buyer@example.cn")
        number = place(client, shop, quantity=2)
    finally:
        app.config["ORDER_PAYMENT_MINUTES"] = 30
    assert "已取消" in client.get(f"/orders/{number}").get_data(as_text=True)
    assert stock(app, shop["jujube"]) == 10


def test_other_buyers_get_404(app, client, shop):
    login(client, "buyer@example.cn")
    number = place(client, shop)
    with app.app_context():
        make_user(email="other@example.cn")
    other = app.test_client()
    login(other, "other@example.cn")
    assert other.get(f"/orders/{number}").status_code == 404
    assert post(other, f"/orders/{number}/cancel").status_code == 404
    assert number not in other.get("/orders").get_data(as_text=True)
    assert app.test_client().get(f"/orders/{number}").status_code == 302  # visitors log in first


def test_organization_orders_are_seen_by_its_members(app, client, shop):
    with app.app_context():
        union = make_organization(name="宁波市总工会", kind="union")
        colleague = make_user(email="colleague@example.cn")
        buyer = db.session.get(type(colleague), shop["buyer"])
        add_to_organization(buyer, union)
        add_to_organization(colleague, union)
        union_id = union.id
    login(client, "buyer@example.cn")
    number = place(client, shop, buy_for=f"org:{union_id}")
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        assert order.organization_id == union_id and order.buyer_class.value == "union"
        assert order.invoice_title == "宁波市总工会"
    other = app.test_client()
    login(other, "colleague@example.cn")
    assert other.get(f"/orders/{number}").status_code == 200
    post(other, "/account/acting-for", {"choice": f"organization:{union_id}"}, token_from="/account")
    assert number in other.get("/orders").get_data(as_text=True)


def test_buying_for_an_organization_one_does_not_belong_to_is_refused(app, client, shop):
    with app.app_context():
        stranger_org = make_organization().id
    login(client, "buyer@example.cn")
    add(client, shop["jujube"], 1)
    response = client.post("/checkout", data={**checkout_form(client), "buy_for": f"org:{stranger_org}"})
    assert response.status_code == 400 and order_count(app) == 0


def test_smtp_failure_never_loses_the_order_and_the_mail_is_retried(
        app, client, shop, smtp_server, mail_to_smtp):
    login(client, "buyer@example.cn")
    number = place(client, shop)
    app.config["MAIL_PORT"] = 1  # nothing listens there (mail_to_smtp restores the port)
    with app.app_context():
        assert deliver_queued() == (0, 1)
    assert client.get(f"/orders/{number}").status_code == 200 and order_count(app) == 1
    app.config["MAIL_PORT"] = smtp_server.port
    with app.app_context():
        assert deliver_queued() == (0, 0)  # not due yet: retried after a delay
        assert deliver_queued(now=utcnow() + timedelta(minutes=2)) == (1, 0)
    assert number in smtp_server.wait_for(1)[0]["Subject"]


def test_cart_and_checkout_pages_render_for_an_empty_cart(client, shop):
    assert "购物车是空的" in client.get("/cart").get_data(as_text=True)
    login(client, "buyer@example.cn")
    assert client.get("/checkout").headers["Location"] == "/cart"
    assert csrf_token(client, "/cart")


def test_the_timeline_words_fixed_steps_in_the_readers_language(app, client):
    from shop.payments.bank_transfers import record_bank_transfer
    from tests.order_factories import make_order

    with app.app_context():
        buyer, staff = make_user(email="timeline@example.cn"), make_user(is_staff=True)
        organization = make_organization()
        add_to_organization(buyer, organization)
        product = make_product(make_cooperative("652929"), stock=10)
        paid = make_order(buyer, (product, 1), organization_id=organization.id)
        record_bank_transfer(paid.number, paid.total_fen, "ABC0001", "测试单位", staff.id)
        expired = make_order(buyer, (product, 1))
        lifecycle.expire_due_orders(now=utcnow() + timedelta(hours=2))
        numbers = (paid.number, expired.number)
    login(client, "timeline@example.cn")
    for language, details in (("en", ("Bank transfer", "payment time ran out")), ("zh_CN", ("对公转账", "超时未付款"))):
        with client.session_transaction() as session:
            session["lang"] = language
        for number, detail in zip(numbers, details):
            html = client.get(f"/orders/{number}").get_data(as_text=True)
            timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
            assert f'<span class="muted">— {detail}</span>' in timeline, (language, number)

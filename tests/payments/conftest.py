"""Orders to pay, people to pay them, and a live server that receives localstripe's signed webhooks."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from shop.extensions import db
from shop.orders.models import Order, OrderStatus
from tests.factories import add_to_organization, make_cooperative, make_organization, make_product, make_user
from tests.order_factories import make_order
from tests.web import login


@dataclass
class Shop:
    buyer: int
    member: int
    staff: int
    jujube: int
    bacon: int
    organization: int


@pytest.fixture
def shop(app, localstripe) -> Shop:
    localstripe.flush()
    with app.app_context():
        buyer = make_user(email="buyer@example.cn", name="李买家")
        member = make_user(email="org@example.cn", name="王采购")
        staff = make_user(email="staff@example.cn", name="赵运营", is_staff=True)
        organization = make_organization("湖州市吴兴区总工会")
        add_to_organization(member, organization)
        jujube = make_product(make_cooperative("652929"), name="新疆柯坪红枣", price_fen=4580, stock=20)
        bacon = make_product(make_cooperative("522633"), name="从江香猪腊肉", price_fen=8800, stock=20)
        return Shop(buyer.id, member.id, staff.id, jujube.id, bacon.id, organization.id)


def order_for(app, user_id: int, *items: tuple[int, int], organization_id: int | None = None) -> str:
    """Place an order of (product id, quantity) items for the user; returns its number."""
    from shop.accounts.models import User
    from shop.catalog.models import Product

    with app.app_context():
        user = db.session.get(User, user_id)
        pairs = [(db.session.get(Product, product_id), quantity) for product_id, quantity in items]
        return make_order(user, *pairs, organization_id=organization_id).number


def order_status(app, number: str) -> OrderStatus:
    with app.app_context():
        status = db.session.scalar(select(Order.status).where(Order.number == number))
        db.session.remove()
        return status


def wait_for_status(app, number: str, status: OrderStatus, timeout: float = 15) -> OrderStatus:
    """Wait for localstripe's webhook (it delivers about a second after the change) to move the order."""
    deadline = time.monotonic() + timeout
    current = order_status(app, number)
    while current != status and time.monotonic() < deadline:
        time.sleep(0.1)
        current = order_status(app, number)
    return current


def _signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return client


@pytest.fixture
def buyer_client(app, shop):
    return _signed_in(app, "buyer@example.cn")


@pytest.fixture
def member_client(app, shop):
    return _signed_in(app, "org@example.cn")


@pytest.fixture
def staff_client(app, shop):
    return _signed_in(app, "staff@example.cn")


@pytest.fixture
def webhooks(app, localstripe):
    """The app served on loopback, with localstripe delivering its signed events to the webhook URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Polled every 0.05 s rather than 0.5 s for a shutdown request: the test's teardown waits for it.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    localstripe.deliver_webhooks_to(f"http://127.0.0.1:{server.server_port}/payments/stripe/webhook")
    yield localstripe
    localstripe.deliver_webhooks_to(None)
    localstripe.wait_for_deliveries()  # let every delivery land (or be skipped) before the tables are emptied
    server.shutdown()
    thread.join(timeout=5)

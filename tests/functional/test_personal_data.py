"""A signed-in user downloads their personal data and closes their account: orders kept for the tallies without
their personal fields, refusals while someone still needs the person."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from shop.accounts.models import Consent, LoginSession, OrganizationMembership, OrganizationRole, User
from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.cooperatives.models import InvoiceCapability, InvoiceType
from shop.extensions import db
from shop.orders import lifecycle
from shop.orders.invoicing import InvoiceChoice
from shop.orders.models import Address, Cart, Order, OrderStatus
from shop.organizations.models import Organization
from shop.reports.ledger import Filters, tally
from tests.factories import (
    PASSWORD,
    add_to_cooperative,
    add_to_organization,
    make_cooperative,
    make_organization,
    make_product,
    make_user,
)
from tests.order_factories import fill_cart, make_order, make_paid_order, refund_first_line
from tests.web import csrf_token, english, login

PAID = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)
GROUPINGS = ("county", "buyer_class", "organization", "month", "cooperative", "buyer_region")


def _completed(user, product, organization_id=None, **kwargs):
    """A paid, shipped, received and completed order (and its lifecycle's events)."""
    order = make_paid_order(user, (product, 2), paid_at=PAID, organization_id=organization_id, **kwargs)
    lifecycle.ship(order.id, product.cooperative_id, "顺丰", "SF100200300", None, now=PAID + timedelta(days=1))
    lifecycle.confirm_receipt(order.id, user.id, now=PAID + timedelta(days=3))
    lifecycle.complete_due_orders(7, now=PAID + timedelta(days=11))
    return db.session.get(Order, order.id)


@pytest.fixture
def scene(app):
    """A buyer with a saved address, a personal order with an invoice, an organization order (part refunded), a
    membership and a consent; another buyer with an order of their own."""
    with app.app_context():
        coop = make_cooperative("652929")
        coop.invoice_capability = InvoiceCapability.ORDINARY_AND_SPECIAL
        db.session.commit()
        product = make_product(coop, price_fen=2500, stock=50)
        buyer = make_user(email="li@example.cn", mobile="13900139000", name="李买家")
        org = make_organization("湖州市总工会")
        add_to_organization(buyer, org, OrganizationRole.PURCHASER)
        db.session.add_all([Address(user_id=buyer.id, recipient="李四", mobile="13900139000", province="浙江省",
                                    city="湖州市", district="吴兴区", street="人民路 8 号"),
                            Consent(user_id=buyer.id, document="privacy", version="2026-12-01")])
        db.session.commit()
        personal = _completed(buyer, product, invoice=InvoiceChoice(InvoiceType.ORDINARY, personal=True))
        for_org = _completed(buyer, product, organization_id=org.id, invoice=InvoiceChoice(InvoiceType.ORDINARY))
        staff = make_user(email="staff@example.cn", is_staff=True)
        refund_first_line(for_org, 1, PAID + timedelta(days=12), staff.id)
        fill_cart(buyer.id, (product, 1))
        other = make_user(email="other@example.cn")
        theirs = _completed(other, product)
        return {"buyer": buyer.id, "personal": personal.number, "for_org": for_org.number, "theirs": theirs.number,
                "org": org.id, "product": product.id, "coop": coop.id}


def _signed_in(app, email="li@example.cn"):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _close(client, password=PASSWORD, understood="y"):
    return client.post("/account/close", data={"password": password, "understood": understood,
                                               "csrf_token": csrf_token(client, "/account/close")})


def test_visitors_are_sent_to_log_in(client):
    for url in ("/account/data", "/account/close"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")


def test_the_download_holds_the_users_own_data_and_nobody_elses(app, scene):
    client = _signed_in(app)
    response = client.get("/account/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="bangfu-personal-data-')
    data = json.loads(response.get_data())
    assert data["profile"]["email"] == "li@example.cn" and data["profile"]["name"] == "李买家"
    assert [a["street"] for a in data["addresses"]] == ["人民路 8 号", "人民路 1 号"]  # checkout saved one
    orders = {order["number"]: order for order in data["orders"]}
    assert set(orders) == {scene["personal"], scene["for_org"]}  # not the other buyer's
    assert orders[scene["for_org"]]["organization"] == "湖州市总工会"
    assert orders[scene["personal"]]["invoice"]["type"] == "ordinary" and orders[scene["personal"]]["invoice"]["title"]
    assert orders[scene["personal"]]["lines"][0]["quantity"] == 2
    assert orders[scene["personal"]]["lines"][0]["unit_price_yuan"] == "25.00"
    assert orders[scene["personal"]]["delivery"]["recipient"] == "张三"
    assert data["organization_memberships"] == [
        {"organization": "湖州市总工会", "role": "purchaser", "since": data["organization_memberships"][0]["since"]}]
    assert [(c["document"], c["version"]) for c in data["consents"]] == [("privacy", "2026-12-01")]
    assert data["logins"] and data["logins"][-1]["ended_at"] is None
    assert "other@example.cn" not in response.get_data(as_text=True)


def _tallies() -> dict:
    return {by: [(row.keys, row.orders, row.buyers, row.units, row.gross_fen, row.refunded_fen)
                 for row in tally(by, Filters()).rows] for by in GROUPINGS}


def test_closing_strips_the_orders_keeps_the_tallies_and_ends_every_login(app, scene):
    other_device = _signed_in(app)
    client = _signed_in(app)
    with app.app_context():
        before = _tallies()
    response = _close(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/account").status_code == 302  # logged out here
    assert other_device.get("/account").status_code == 302  # and everywhere else
    assert login(app.test_client(), "li@example.cn").status_code == 200
    assert login(app.test_client(), "13900139000").status_code == 200
    with app.app_context():
        assert _tallies() == before
        user = db.session.get(User, scene["buyer"])
        assert not user.is_active and user.closed_at is not None
        assert user.mobile is None and user.name == "" and user.email == f"closed-{user.id}@closed.invalid"
        assert not user.check_password(PASSWORD)
        orders = {o.number: o for o in db.session.scalars(select(Order).where(Order.user_id == user.id))}
        assert {(o.recipient, o.mobile, o.street) for o in orders.values()} == {("", "", "")}
        assert {o.province + o.city for o in orders.values()} == {"浙江省湖州市"}
        assert orders[scene["personal"]].invoice_title is None
        assert all(o.status == OrderStatus.COMPLETED and o.lines for o in orders.values())
        theirs = db.session.scalar(select(Order).where(Order.number == scene["theirs"]))
        assert theirs.recipient == "张三" and theirs.street == "人民路 1 号"
        for model in (Address, Cart, LoginSession, OrganizationMembership):
            assert db.session.scalar(select(func.count()).select_from(model).where(model.user_id == user.id)) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.close"))
        assert (entry.actor_id, entry.target_id) == (user.id, str(user.id))
        assert entry.after == {"orders_stripped": 2, "addresses_deleted": 2}


def test_an_organization_keeps_its_own_invoice_details_on_orders_placed_by_a_closed_account(app, scene):
    details = select(Order.invoice_title, Order.tax_number).where(Order.number == scene["for_org"])
    with app.app_context():
        before = db.session.execute(details).one()
    assert before[0] == "湖州市总工会" and before[1]
    _close(_signed_in(app))
    with app.app_context():
        assert db.session.execute(details).one() == before


def _unfinished(app, scene):
    with app.app_context():
        make_order(db.session.get(User, scene["buyer"]), (db.session.get(Product, scene["product"]), 1))


def _last_admin(app, scene):
    with app.app_context():
        db.session.execute(db.update(OrganizationMembership).values(role=OrganizationRole.ADMIN))
        db.session.commit()


def _coop_member(app, scene):
    with app.app_context():
        add_to_cooperative(db.session.get(User, scene["buyer"]), make_cooperative("652929"))


def _staff(app, scene):
    with app.app_context():
        db.session.get(User, scene["buyer"]).is_staff = True
        db.session.commit()


@pytest.mark.parametrize("arrange, password, understood, message", [
    (None, "wrong password", "y", "The password is not right."),
    (None, PASSWORD, "", "Tick the box to confirm"),
    (_unfinished, PASSWORD, "y", "You still have unfinished orders (1)."),
    (_last_admin, PASSWORD, "y", "You are the last admin of 湖州市总工会."),
    (_coop_member, PASSWORD, "y", "You are a member of a cooperative."),
    (_staff, PASSWORD, "y", "Platform staff accounts are closed by another member of staff"),
])
def test_closing_is_refused_with_a_reason_and_nothing_changes(app, scene, arrange, password, understood, message):
    if arrange:
        arrange(app, scene)
    client = english(_signed_in(app))
    response = _close(client, password, understood)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200
    with app.app_context():
        user = db.session.get(User, scene["buyer"])
        assert user.is_active and user.closed_at is None and user.email == "li@example.cn"
        assert db.session.scalar(select(Order.recipient).where(Order.number == scene["personal"])) == "张三"
        assert db.session.scalar(select(func.count()).select_from(Address).where(Address.user_id == user.id)) == 2
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "account.close")) == 0


def test_an_admin_who_is_not_the_last_one_may_close(app, scene):
    with app.app_context():
        db.session.execute(db.update(OrganizationMembership).values(role=OrganizationRole.ADMIN))
        db.session.commit()
        second = make_user(email="second@example.cn")
        add_to_organization(second, db.session.get(Organization, scene["org"]), OrganizationRole.ADMIN)
    assert _close(_signed_in(app)).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrganizationMembership)) == 1

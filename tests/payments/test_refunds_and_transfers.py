"""Staff refunds (whole orders or chosen quantities, once however often the form is sent) and bank
transfers from organizations recorded on the payments desk."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.extensions import db
from shop.orders.models import Order, OrderStatus
from shop.payments.models import Method, Payment, Refund, RefundLine, RefundStatus
from tests.payments.conftest import order_for, order_status
from tests.payments.test_webhooks import _paid_by_card_without_webhook, succeeded
from tests.stripe_server import post_event
from tests.web import english, post

S = OrderStatus


def paid_by_card(app, shop, buyer_client, localstripe, *items) -> tuple[str, str]:
    number = order_for(app, shop.buyer, *items)
    attempt = _paid_by_card_without_webhook(app, shop, buyer_client, localstripe, number)
    assert post_event(buyer_client, succeeded(attempt, number)).json["outcome"] == "paid"
    return number, attempt.intent_id


def lines_of(app, number: str) -> list[tuple[int, int, int]]:
    """(line id, product id, quantity) of the order's lines."""
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        return [(line.id, line.product_id, line.quantity) for line in order.lines]


def stock(app, product_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Product.stock).where(Product.id == product_id))


def refund_form(client, number: str) -> dict:
    html = client.get(f"/staff/payments/orders/{number}/refund").get_data(as_text=True)
    token = re.search(r'name="request_token"[^>]*value="([0-9a-f]+)"', html).group(1)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return {"request_token": token, "csrf_token": csrf}


def test_partial_refund_of_chosen_lines_through_stripe(app, shop, buyer_client, staff_client, localstripe):
    number, intent_id = paid_by_card(app, shop, buyer_client, localstripe, (shop.jujube, 3), (shop.bacon, 1))
    (jujube_line, jujube, _), (bacon_line, _, _) = lines_of(app, number)
    assert stock(app, jujube) == 17
    form = refund_form(staff_client, number) | {f"qty-{jujube_line}": "2", f"qty-{bacon_line}": "0",
                                                "reason": "两袋破损", "restock": "y"}
    response = staff_client.post(f"/staff/payments/orders/{number}/refund", data=form)
    assert response.status_code == 302
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert (refund.amount_fen, refund.status, refund.restock) == (9160, RefundStatus.SUCCEEDED, True)
        assert refund.refunded_at is not None and refund.provider_refund_id.startswith("re_")
        assert [(line.order_line_id, line.quantity, line.amount_fen) for line in refund.lines] == \
            [(jujube_line, 2, 9160)]
        assert db.session.scalar(select(AuditEntry.action)) == "order.refund"
    assert stock(app, jujube) == 19
    assert order_status(app, number) == S.PAID  # not everything was refunded
    stripe_refunds = localstripe.client.v1.refunds.list(params={"limit": 100}).data
    assert [(r.payment_intent, r.amount) for r in stripe_refunds] == [(intent_id, 9160)]
    page = buyer_client.get(f"/orders/{number}").get_data(as_text=True)
    assert "¥91.60" in page  # the buyer sees the refund on the order


def test_a_double_click_refunds_once(app, shop, buyer_client, staff_client, localstripe):
    number, intent_id = paid_by_card(app, shop, buyer_client, localstripe, (shop.jujube, 1))
    (line, _, _), = lines_of(app, number)
    form = refund_form(staff_client, number) | {f"qty-{line}": "1", "reason": "买家取消"}
    results = []

    def click():
        client = app.test_client()
        with staff_client.session_transaction() as staff_session, client.session_transaction() as session:
            session.update(dict(staff_session))
        results.append(client.post(f"/staff/payments/orders/{number}/refund", data=form).status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [302, 302]
    assert staff_client.post(f"/staff/payments/orders/{number}/refund", data=form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert len(localstripe.client.v1.refunds.list(params={"limit": 100}).data) == 1
    assert order_status(app, number) == S.CANCELLED  # refunded in full before shipping


def test_refunds_cannot_exceed_what_was_bought(app, shop, buyer_client, staff_client, localstripe):
    number, _ = paid_by_card(app, shop, buyer_client, localstripe, (shop.jujube, 2))
    (line, _, _), = lines_of(app, number)
    english(staff_client)
    first = refund_form(staff_client, number) | {f"qty-{line}": "1", "reason": "破损"}
    assert staff_client.post(f"/staff/payments/orders/{number}/refund", data=first).status_code == 302
    too_many = refund_form(staff_client, number) | {f"qty-{line}": "2", "reason": "破损"}
    response = staff_client.post(f"/staff/payments/orders/{number}/refund", data=too_many)
    assert response.status_code == 400 and "at most 1 can be refunded" in response.get_data(as_text=True)
    for bad, message in [({f"qty-{line}": "abc"}, "whole numbers"), ({f"qty-{line}": "-1"}, "whole numbers"),
                         ({f"qty-{line}": "0"}, "at least one line"), ({"reason": ""}, "This field is required")]:
        data = refund_form(staff_client, number) | {f"qty-{line}": "1", "reason": "破损"} | bad
        response = staff_client.post(f"/staff/payments/orders/{number}/refund", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), bad
    with app.app_context():
        assert db.session.scalar(select(func.sum(RefundLine.quantity))) == 1


def test_refund_is_staff_only_and_needs_a_payment(app, shop, buyer_client, staff_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    assert buyer_client.get(f"/staff/payments/orders/{number}/refund").status_code in (403, 404)
    english(staff_client)
    page = staff_client.get(f"/staff/payments/orders/{number}/refund").get_data(as_text=True)
    assert "nothing to refund" in page
    assert staff_client.get("/staff/payments/orders/BF20000101-000001/refund").status_code == 404


def organization_order(app, shop, member_client) -> str:
    number = order_for(app, shop.member, (shop.jujube, 2), (shop.bacon, 1), organization_id=shop.organization)
    page = member_client.get(f"/orders/{number}/pay").get_data(as_text=True)
    assert "/pay/bank-transfer" in page and "/pay/card" in page
    response = post(member_client, f"/orders/{number}/pay/bank-transfer", token_from=f"/orders/{number}/pay")
    assert response.status_code == 302
    details = english(member_client).get(response.headers["Location"]).get_data(as_text=True)
    assert number.replace("-", "") in details and "1905 0101 0400 12345" in details and "¥179.60" in details
    return number


def test_bank_transfer_from_an_organization(app, shop, member_client, staff_client):
    number = organization_order(app, shop, member_client)
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        assert (order.expires_at - order.created_at).days >= 4  # the order now waits days, not minutes
    english(staff_client)
    data = {"order": number.replace("-", ""), "amount": "180.00", "bank_serial": "ABC2026112700001",
            "payer": "湖州市吴兴区总工会"}
    refused = post(staff_client, "/staff/payments/bank-transfers", data, token_from="/staff/payments/")
    assert refused.status_code == 400
    assert "¥180.00, does not match the total" in refused.get_data(as_text=True)
    assert order_status(app, number) == S.PENDING_PAYMENT
    done = post(staff_client, "/staff/payments/bank-transfers", data | {"amount": "179.60"},
                token_from="/staff/payments/", follow_redirects=True)
    assert done.status_code == 200 and f"order {number} is paid" in done.get_data(as_text=True)
    assert order_status(app, number) == S.PAID
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        assert (payment.method, payment.amount_fen) == (Method.BANK_TRANSFER, 17960)
        assert payment.reference == "ABC2026112700001" and payment.payer == "湖州市吴兴区总工会"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "payment.bank_transfer"))
        assert entry.target_id == number and entry.after["amount_fen"] == 17960
    again = post(staff_client, "/staff/payments/bank-transfers", data | {"amount": "179.60"},
                 token_from="/staff/payments/")
    assert again.status_code == 400 and "not awaiting payment" in again.get_data(as_text=True)


def test_bank_transfer_refund_is_recorded(app, shop, member_client, staff_client):
    number = organization_order(app, shop, member_client)
    post(staff_client, "/staff/payments/bank-transfers", {"order": number, "amount": "179.60", "bank_serial": "X1"},
         token_from="/staff/payments/")
    lines = lines_of(app, number)
    form = refund_form(staff_client, number) | {f"qty-{line}": str(quantity) for line, _, quantity in lines}
    assert staff_client.post(f"/staff/payments/orders/{number}/refund",
                             data=form | {"reason": "单位取消采购"}).status_code == 302
    with app.app_context():
        refund = db.session.scalar(select(Refund))
        assert (refund.status, refund.amount_fen, refund.provider_refund_id) == (RefundStatus.SUCCEEDED, 17960, None)
    assert order_status(app, number) == S.CANCELLED
    assert stock(app, shop.jujube) == 18  # stock stays out unless staff tick "back in stock"


@pytest.mark.parametrize("data, message", [
    ({"order": "BF20000101-000001", "amount": "1", "bank_serial": "X"}, "No order has"),
    ({"amount": "abc", "bank_serial": "X"}, "is not an amount"),
    ({"amount": "0", "bank_serial": "X"}, "more than zero"),
    ({"amount": "1.234", "bank_serial": "X"}, "is not an amount"),
    ({"amount": "179.60", "bank_serial": ""}, "This field is required"),
])
def test_bank_transfer_bad_input(app, shop, member_client, staff_client, data, message):
    number = organization_order(app, shop, member_client)
    english(staff_client)
    response = post(staff_client, "/staff/payments/bank-transfers", {"order": number} | data,
                    token_from="/staff/payments/")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert order_status(app, number) == S.PENDING_PAYMENT


def test_bank_transfer_is_for_organizations_only(app, shop, buyer_client, staff_client):
    number = order_for(app, shop.buyer, (shop.jujube, 1))
    english(buyer_client)
    response = post(buyer_client, f"/orders/{number}/pay/bank-transfer", token_from=f"/orders/{number}/pay",
                    follow_redirects=True)
    assert "only for orders placed for an organization" in response.get_data(as_text=True)
    english(staff_client)
    response = post(staff_client, "/staff/payments/bank-transfers",
                    {"order": number, "amount": "45.80", "bank_serial": "X"}, token_from="/staff/payments/")
    assert response.status_code == 400 and "only for orders placed for an organization" in \
        response.get_data(as_text=True)


def test_alerts_are_listed_and_resolved(app, shop, buyer_client, staff_client):
    from tests.stripe_server import intent_event
    post_event(buyer_client, intent_event("payment_intent.succeeded", "pi_unknown", 100, "BF20261127-000001"))
    page = staff_client.get("/staff/payments/").get_data(as_text=True)
    assert "pi_unknown" in page
    alert_id = re.search(r"/staff/payments/alerts/(\d+)/resolve", page).group(1)
    post(staff_client, f"/staff/payments/alerts/{alert_id}/resolve", token_from="/staff/payments/")
    assert "pi_unknown" not in staff_client.get("/staff/payments/").get_data(as_text=True)
    assert post(staff_client, f"/staff/payments/alerts/{alert_id}/resolve",
                token_from="/staff/payments/").status_code == 404

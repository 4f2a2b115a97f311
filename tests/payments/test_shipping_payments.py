"""Shipping is paid and refunded with the order: the PaymentIntent at localstripe asks for the total with shipping,
a bank transfer must match it, and refunding a cooperative's whole part gives its shipping back at Stripe."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.catalog.models import Product
from shop.extensions import db
from shop.orders.models import Order, OrderStatus
from shop.payments.bank_transfers import record_bank_transfer
from shop.payments.exceptions import PaymentError
from shop.payments.models import Refund
from tests.payments.conftest import order_for, order_status
from tests.payments.test_refunds_and_transfers import lines_of, paid_by_card, refund_form
from tests.web import english

S = OrderStatus


def charge_shipping(app, product_id: int, fee_fen: int, free_from_fen: int | None = None) -> None:
    with app.app_context():
        cooperative = db.session.get(Product, product_id).cooperative
        cooperative.shipping_fee_fen, cooperative.free_shipping_from_fen = fee_fen, free_from_fen
        db.session.commit()


def total_of(app, number: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Order.total_fen).where(Order.number == number))


def test_the_card_payment_and_refunds_include_shipping(app, shop, buyer_client, staff_client, localstripe):
    charge_shipping(app, shop.jujube, 1200)
    charge_shipping(app, shop.bacon, 800, free_from_fen=8800)  # one bacon reaches its 包邮 threshold
    number, intent_id = paid_by_card(app, shop, buyer_client, localstripe, (shop.jujube, 2), (shop.bacon, 1))
    assert total_of(app, number) == 9160 + 8800 + 1200
    assert [intent.amount for intent in localstripe.intents_for(number)] == [9160 + 8800 + 1200]
    (jujube_line, _, _), (bacon_line, _, _) = lines_of(app, number)
    staff_page = english(staff_client).get(f"/staff/orders/{number}").get_data(as_text=True)
    assert staff_page.count("Shipping · ") == 2 and "¥12.00" in staff_page and "Free shipping" in staff_page
    assert "Shipping (¥12.00 on this order) goes back" in staff_client.get(
        f"/staff/payments/orders/{number}/refund").get_data(as_text=True)
    for quantity, reason in ((1, "一袋破损"), (1, "第二袋也破损")):
        form = refund_form(staff_client, number) | {f"qty-{jujube_line}": str(quantity), f"qty-{bacon_line}": "0",
                                                    "reason": reason}
        assert staff_client.post(f"/staff/payments/orders/{number}/refund", data=form).status_code == 302
    stripe_refunds = localstripe.client.v1.refunds.list(params={"limit": 100}).data
    # The first refund is part of the jujube (no shipping); the second completes it and gives back its ¥12.
    assert sorted((r.payment_intent, r.amount) for r in stripe_refunds) == [(intent_id, 4580), (intent_id, 4580 + 1200)]
    with app.app_context():
        assert [r.shipping_fen for r in db.session.scalars(select(Refund).order_by(Refund.id))] == [0, 1200]
    assert order_status(app, number) == S.PAID  # the bacon is still to come
    page = buyer_client.get(f"/orders/{number}").get_data(as_text=True)
    assert "¥12.00" in page and "¥57.80" in page


def test_a_bank_transfer_must_match_the_total_with_shipping(app, shop):
    charge_shipping(app, shop.jujube, 1200)
    number = order_for(app, shop.member, (shop.jujube, 1), organization_id=shop.organization)
    with app.app_context():
        with pytest.raises(PaymentError):
            record_bank_transfer(number, 4580, "B-1", "湖州市吴兴区总工会", shop.staff)
        db.session.rollback()
        record_bank_transfer(number, 4580 + 1200, "B-2", "湖州市吴兴区总工会", shop.staff)
    assert order_status(app, number) == S.PAID

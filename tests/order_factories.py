"""Builders for carts and orders (inside an application context)."""
from __future__ import annotations

import secrets
from datetime import timedelta

from shop.extensions import db
from shop.orders import cart as carts
from shop.orders import lifecycle
from shop.orders.checkout import DeliveryAddress, place_order
from shop.orders.models import Order
from shop.payments.models import Method, Payment
from shop.payments.refunds import refund_order

ADDRESS = DeliveryAddress(recipient="张三", mobile="13800138000", province="浙江省", city="湖州市",
                          district="吴兴区", street="人民路 1 号")


def fill_cart(user_id: int, *items) -> None:
    """items: (product, quantity) pairs."""
    for product, quantity in items:
        carts.add_to_cart(carts.CartOwner(user_id=user_id), product.id, quantity)


def make_order(user, *items, organization_id=None, **kwargs):
    """Fill the user's cart with `items` and place the order."""
    fill_cart(user.id, *items)
    return place_order(user.id, ADDRESS, secrets.token_urlsafe(16), organization_id=organization_id, **kwargs)


def make_paid_order(user, *items, paid_at, organization_id=None, **kwargs):
    """Place an order five minutes before `paid_at` (kwargs go to place_order, e.g. an invoice) and record its
    bank transfer then (a paid order)."""
    order = make_order(user, *items, organization_id=organization_id, now=paid_at - timedelta(minutes=5), **kwargs)
    db.session.add(Payment(order_id=order.id, method=Method.BANK_TRANSFER, amount_fen=order.total_fen,
                           reference=secrets.token_hex(4), received_at=paid_at))
    db.session.commit()
    lifecycle.mark_paid(order.id, now=paid_at)
    return db.session.get(Order, order.id)


def refund_first_line(order, quantity: int, when, actor_id: int):
    """Refund `quantity` units of the order's first line, as staff, at `when`."""
    return refund_order(order.id, {order.lines[0].id: quantity}, reason="破损", restock=False, actor_id=actor_id,
                        request_token=secrets.token_hex(16), now=when)

"""Builders for carts and orders (inside an application context)."""
from __future__ import annotations

import secrets

from shop.orders import cart as carts
from shop.orders.checkout import DeliveryAddress, place_order

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

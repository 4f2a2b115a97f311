"""Reactions to events elsewhere: a visitor's cart follows them when they log in."""
from __future__ import annotations

from flask import session
from flask_login import user_logged_in

from shop.accounts.models import User
from shop.orders.cart import merge_visitor_cart

CART_TOKEN = "cart_token"


def _merge_cart(sender: object, user: User, **extra: object) -> None:
    token = session.pop(CART_TOKEN, None)
    if token:
        merge_visitor_cart(token, user.id)


def connect() -> None:
    """Subscribe once per process (blinker keeps one receiver per function)."""
    user_logged_in.connect(_merge_cart)

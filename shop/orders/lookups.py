"""The order a page's URL names, as views need it: the order, or 404 (never a hint that it exists)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from shop.orders import queries
from shop.orders.models import Order


def buyer_order_or_404(number: str) -> Order:
    """An order the signed-in person may see and pay: their own, or their organization's."""
    order = queries.order_for_viewer(number, current_user.id)
    if order is None:
        abort(404)
    return order


def order_or_404(number: str) -> Order:
    """Any order, for staff pages."""
    order = queries.order_by_number(number)
    if order is None:
        abort(404)
    return order

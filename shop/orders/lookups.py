"""The order a page's URL names, as views need it: the order, or 404 (never a hint that it exists)."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from shop.orders import queries
from shop.orders.models import Order


def buyer_order_or_404(number: str, *, to_act: bool = False) -> Order:
    """An order the signed-in person may see: their own, or their organization's. With `to_act` (pay, cancel,
    confirm receipt) an organization's viewer gets 403: viewers see the organization's orders but cannot buy."""
    order = queries.order_for_viewer(number, current_user.id)
    if order is None:
        abort(404)
    if to_act and not queries.may_act_on(order, current_user.id):
        abort(403, description=_("Your role in this organization lets you see its orders, not pay, cancel or "
                                 "receive them. Ask one of its admins or purchasers."))
    return order


def order_or_404(number: str) -> Order:
    """Any order, for staff pages."""
    order = queries.order_by_number(number)
    if order is None:
        abort(404)
    return order

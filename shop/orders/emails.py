"""Order emails, sent after the order's transaction has committed; a failure is logged, never fatal."""
from __future__ import annotations

from flask_babel import gettext as _

from shop.mail import send_mail_safely
from shop.orders.models import Order

TEMPLATES = {
    "placed": ("order_placed", lambda o: _("Order %(number)s placed", number=o.number)),
    "paid": ("order_paid", lambda o: _("Order %(number)s paid", number=o.number)),
    "shipped": ("order_shipped", lambda o: _("Order %(number)s shipped", number=o.number)),
}


def notify(order: Order, event: str) -> bool:
    """Email the buyer about `event` ("placed", "paid", "shipped"); False when not sent."""
    if not order.user.email:
        return False
    template, subject = TEMPLATES[event]
    return send_mail_safely(order.user.email, subject(order), template, order=order)

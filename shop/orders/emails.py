"""Order emails: queued in the order's own transaction, rendered and sent by the job runner."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from shop.core.outbox import MessageBuilder, queue_mail
from shop.extensions import db
from shop.orders.models import Order

SUBJECTS: dict[str, Callable[[str], str]] = {
    "order_placed": lambda number: _("Order %(number)s placed", number=number),
    "order_paid": lambda number: _("Order %(number)s paid", number=number),
    "order_shipped": lambda number: _("Order %(number)s shipped", number=number),
}


def queue_order_mail(order: Order, event: str) -> bool:
    """Queue the buyer's email about `event` ("placed", "paid", "shipped"); False when they have no email."""
    if not order.user.email:
        return False
    queue_mail(order.user.email, f"order_{event}", order_id=order.id)
    return True


def _order_message(name: str) -> MessageBuilder:
    def build(order_id: int) -> tuple[str, dict[str, object]]:
        order = db.session.get(Order, order_id)
        if order is None:  # orders are never deleted
            raise LookupError(f"order {order_id} of a queued {name} mail is gone")
        return SUBJECTS[name](order.number), {"order": order}
    return build


# The order mails, by name; create_app registers them with the outbox.
MESSAGES = {name: _order_message(name) for name in SUBJECTS}

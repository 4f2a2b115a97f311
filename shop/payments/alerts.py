"""Alerts for staff about money that needs a person: kept on the staff payments page and mailed to staff."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from shop.accounts.models import User
from shop.core.outbox import MessageBuilder, queue_mail
from shop.extensions import db
from shop.payments.models import PaymentAlert


def raise_alert(order_id: int | None, kind: str, text: str, **details: object) -> PaymentAlert:
    """Record an alert and queue a mail to every staff member, inside the caller's transaction."""
    alert = PaymentAlert(order_id=order_id, kind=kind, message=text[:500], details=details or None)
    db.session.add(alert)
    db.session.flush()
    for email in db.session.scalars(select(User.email).where(User.is_staff.is_(True), User.email.is_not(None))):
        if email:  # never NULL here: the query says so, the column's type cannot
            queue_mail(email, "payment_alert", alert_id=alert.id)
    return alert


def _alert_mail(alert_id: int) -> tuple[str, dict[str, object]]:
    alert = db.session.get(PaymentAlert, alert_id)
    if alert is None:  # alerts are never deleted
        raise LookupError(f"payment alert {alert_id} of a queued mail is gone")
    return _("Payment alert: %(kind)s", kind=alert.kind_label), {"alert": alert}


# The payment mails, by name; create_app registers them with the outbox.
MESSAGES: dict[str, MessageBuilder] = {"payment_alert": _alert_mail}

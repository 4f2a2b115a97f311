"""Read-side queries about payments."""
from __future__ import annotations

from sqlalchemy import func, select

from shop.extensions import db
from shop.payments.models import PaymentAlert


def open_alert_count() -> int:
    """How many payment alerts wait for staff (not resolved yet)."""
    return db.session.scalar(select(func.count()).select_from(PaymentAlert)
                             .where(PaymentAlert.resolved_at.is_(None))) or 0

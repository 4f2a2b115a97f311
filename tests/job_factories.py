"""Data for the job runner's tests: an unpaid order whose payment time has run out."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from shop.core.database import utcnow
from shop.extensions import db
from shop.orders.models import Order
from tests.factories import make_product, make_user
from tests.order_factories import make_order


def overdue_order(email: str = "buyer@example.cn") -> tuple[int, str]:
    """An order (whose buyer's "placed" mail is queued) past its payment time; returns its id and number."""
    order = make_order(make_user(email=email), (make_product(stock=5), 1))
    order_id, number = order.id, order.number
    db.session.execute(update(Order).where(Order.id == order_id).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    return order_id, number

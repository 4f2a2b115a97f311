"""Several requests for one certificate at once (real threads, both databases): they all get the same code, and a
subject keeps exactly one current certificate, when it is first issued and when a refund supersedes it."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from shop.extensions import db
from shop.orders.queries import order_by_number
from shop.reports import certificates
from shop.reports.certificates_models import PurchaseCertificate
from tests.concurrency.test_organization_members import at_once
from tests.factories import make_product, make_user
from tests.order_factories import make_paid_order, refund_first_line

REQUESTS = 4


def _codes(app, number: str) -> list[object]:
    return at_once(app, *[lambda: certificates.order_certificate(order_by_number(number)).record.code] * REQUESTS)


def _rows() -> list[tuple[str, bool]]:
    return [(record.code, record.superseded_at is None) for record in db.session.scalars(
        select(PurchaseCertificate).order_by(PurchaseCertificate.id))]


def test_requests_at_once_share_one_current_certificate(app):
    with app.app_context():
        order = make_paid_order(make_user(), (make_product(price_fen=2000, stock=10), 4),
                                paid_at=datetime(2026, 6, 1, 1, tzinfo=timezone.utc))
        number, staff_id = order.number, make_user(is_staff=True).id
    first = _codes(app, number)
    assert len(set(first)) == 1 and isinstance(first[0], str), first
    with app.app_context():
        assert _rows() == [(first[0], True)]
        refund_first_line(order_by_number(number), 1, datetime(2026, 6, 3, 1, tzinfo=timezone.utc), staff_id)
    second = _codes(app, number)
    assert len(set(second)) == 1 and isinstance(second[0], str) and second[0] != first[0], second
    with app.app_context():
        assert _rows() == [(first[0], False), (second[0], True)]

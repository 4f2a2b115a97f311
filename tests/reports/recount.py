"""An independent recount of the tallies, in Python from the ORM objects, following the README's rules."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from shop.core.timezones import china_date
from shop.extensions import db
from shop.orders.models import Order
from shop.payments.models import Refund, RefundStatus
from shop.regions.models import Pairing


@dataclass
class Count:
    orders: set = field(default_factory=set)
    buyers: set = field(default_factory=set)
    units: int = 0
    weight_g: int = 0
    gross_fen: int = 0
    refunded_fen: int = 0

    def as_tuple(self):
        return (len(self.orders), len(self.buyers), self.units, self.weight_g, self.gross_fen, self.refunded_fen)


def _in(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def recount(key, start: date | None = None, end: date | None = None) -> dict:
    """key(order, line, day, is_sale) -> a list of group keys the movement counts for."""
    counts: dict = defaultdict(Count)
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    for order in orders:
        if order.paid_at is None:
            continue
        paid_day = china_date(order.paid_at)
        buyer = ("org", order.organization_id) if order.organization_id else ("user", order.user_id)
        if _in(paid_day, start, end):
            for line in order.lines:
                for group in key(order, line, paid_day, True):
                    count = counts[group]
                    count.orders.add(order.id)
                    count.buyers.add(buyer)
                    count.units += line.quantity
                    count.weight_g += line.quantity * line.net_weight_g
                    count.gross_fen += line.unit_price_fen * line.quantity
    refunds = db.session.scalars(select(Refund).where(Refund.status == RefundStatus.SUCCEEDED)).all()
    for refund in refunds:
        day = china_date(refund.refunded_at)
        if not _in(day, start, end):
            continue
        order = db.session.get(Order, refund.order_id)
        for refund_line in refund.lines:
            line = refund_line.order_line
            for group in key(order, line, day, False):
                count = counts[group]
                count.units -= refund_line.quantity
                count.weight_g -= refund_line.quantity * line.net_weight_g
                count.refunded_fen += refund_line.amount_fen
    return {group: count.as_tuple() for group, count in counts.items()}


def by_county(order, line, day, is_sale):
    return [line.origin_county_code]


def by_month(order, line, day, is_sale):
    return [day.strftime("%Y-%m")]


def by_organization(order, line, day, is_sale):
    return [order.organization_id]


def by_buyer_class(order, line, day, is_sale):
    return [order.buyer_class.value]


def by_category(order, line, day, is_sale):
    return [line.category_id]


def by_helper(order, line, day, is_sale):
    paid_day = china_date(order.paid_at)  # pairings are those valid on the payment date, refunds included
    pairings = db.session.scalars(select(Pairing).where(Pairing.recipient_code == line.origin_county_code)).all()
    return [p.helper_code for p in pairings if p.starts_on <= paid_day and (p.ends_on is None or p.ends_on >= paid_day)]

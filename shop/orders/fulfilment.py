"""What a cooperative sees of orders: its own paid lines, the delivery address, and the packing list.

Only what shipping needs leaves this module: order number and dates, the delivery address, and the
cooperative's own lines; never other cooperatives' lines, the order's total or invoice details.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from sqlalchemy import Select, func, select

from shop.core.timezones import CHINA_TZ
from shop.extensions import db
from shop.orders.models import Order, OrderLine, OrderRecipient, OrderStatus, Shipment, gift_lines

FULFILMENT_TABS = ("to_ship", "shipped")

FulfilmentRow: TypeAlias = tuple[Order, list[OrderLine], Shipment | None]
"""An order, its lines from the cooperative, and the cooperative's shipment of them (None until shipped)."""


def _orders_here(cooperative_id: int, shipped: bool) -> Select[Order]:
    """Paid orders with lines from this cooperative that it has shipped, or not yet."""
    lines_here = select(OrderLine.order_id).where(OrderLine.cooperative_id == cooperative_id)
    lines_here = lines_here.where(OrderLine.shipment_id.is_not(None) if shipped else OrderLine.shipment_id.is_(None))
    statuses = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.RECEIVED, OrderStatus.COMPLETED)
    return select(Order).where(Order.id.in_(lines_here), Order.status.in_(statuses))


def fulfilment_orders(cooperative_id: int, tab: str = "to_ship", limit: int = 200) -> list[FulfilmentRow]:
    """Paid orders with lines from this cooperative: (order, its lines from this cooperative, its shipment)."""
    shipped = tab == "shipped"
    orders = list(db.session.scalars(
        _orders_here(cooperative_id, shipped).order_by(Order.paid_at.desc() if shipped else Order.paid_at).limit(limit)
    ))
    ids = [order.id for order in orders]
    lines: dict[int, list[OrderLine]] = {order_id: [] for order_id in ids}
    for line in db.session.scalars(select(OrderLine).where(OrderLine.order_id.in_(ids),
                                                           OrderLine.cooperative_id == cooperative_id)
                                   .order_by(OrderLine.id)):
        lines[line.order_id].append(line)
    shipments = {s.order_id: s for s in db.session.scalars(
        select(Shipment).where(Shipment.order_id.in_(ids), Shipment.cooperative_id == cooperative_id))}
    return [(order, lines[order.id], shipments.get(order.id)) for order in orders]


def to_ship_summary(cooperative_id: int) -> tuple[int, Order | None]:
    """How many orders wait for this cooperative's parcel (the portal's 待发货 tab), and the one paid longest ago."""
    waiting = _orders_here(cooperative_id, shipped=False).subquery()
    count = db.session.scalar(select(func.count()).select_from(waiting)) or 0
    oldest = db.session.scalar(_orders_here(cooperative_id, shipped=False).order_by(Order.paid_at, Order.id).limit(1))
    return count, oldest


def fulfilment_order(cooperative_id: int, number: str) -> Order | None:
    """An order this cooperative has paid lines in, or None."""
    return db.session.scalar(
        select(Order).where(Order.number == number, Order.paid_at.is_not(None),
                            Order.id.in_(select(OrderLine.order_id).where(OrderLine.cooperative_id == cooperative_id)))
    )


PACKING_HEADER = ["订单号", "付款时间", "收货人", "手机号", "省", "市", "区县", "详细地址", "SKU", "商品", "规格", "数量"]


def packing_rows(cooperative_id: int) -> Iterator[list[str | int]]:
    """One row per line still to ship, oldest payment first (for the packing list CSV); a gift order's lines go
    to their recipients' addresses."""
    for order, lines, _shipment in fulfilment_orders(cooperative_id, "to_ship", limit=5000):
        if order.paid_at is None:  # fulfilment_orders() reads paid orders only
            raise ValueError(f"order {order.number} has no payment time")
        paid = order.paid_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        recipients = _recipients_of([line.id for line in lines]) if order.is_gift else {}
        for line in lines:
            to = recipients.get(line.id, order)
            yield [order.number, paid, to.recipient, to.mobile, to.province, to.city, to.district,
                   to.street, line.sku, line.product_name, line.spec, line.quantity]


def _recipients_of(line_ids: list[int]) -> dict[int, OrderRecipient]:
    """The recipient of each gift line, by line id."""
    return {line_id: recipient for line_id, recipient in db.session.execute(
        select(gift_lines.c.order_line_id, OrderRecipient)
        .join(OrderRecipient, OrderRecipient.id == gift_lines.c.recipient_id)
        .where(gift_lines.c.order_line_id.in_(line_ids)))}


@dataclass
class GiftParcel:
    """One recipient's parcel from a cooperative in a gift order: the address, the lines, the shipment if sent."""

    recipient: OrderRecipient
    lines: list[OrderLine] = field(default_factory=list)
    shipment: Shipment | None = None


def gift_parcels(cooperative_id: int, order_id: int) -> list[GiftParcel]:
    """A gift order's parcels from this cooperative, one per recipient, in the file's order."""
    parcels: dict[int, GiftParcel] = {}
    for line, recipient in db.session.execute(
            select(OrderLine, OrderRecipient).join(gift_lines, gift_lines.c.order_line_id == OrderLine.id)
            .join(OrderRecipient, OrderRecipient.id == gift_lines.c.recipient_id)
            .where(OrderLine.order_id == order_id, OrderLine.cooperative_id == cooperative_id)
            .order_by(OrderRecipient.id, OrderLine.id)):
        parcels.setdefault(recipient.id, GiftParcel(recipient)).lines.append(line)
    for shipment in db.session.scalars(select(Shipment).where(Shipment.order_id == order_id,
                                                              Shipment.cooperative_id == cooperative_id)):
        if shipment.recipient_id in parcels:
            parcels[shipment.recipient_id].shipment = shipment
    return list(parcels.values())

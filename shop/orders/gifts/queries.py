"""What the buyer sees of a gift order: each recipient with their products and their parcels' state."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from shop.extensions import db
from shop.orders.models import OrderLine, OrderRecipient, Shipment, gift_lines

SHOWN_RECIPIENTS = 500


@dataclass
class RecipientRow:
    """One recipient of a gift order: their lines, and the parcels sent to them (one per cooperative)."""

    recipient: OrderRecipient
    lines: list[OrderLine] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    cooperatives: set[int] = field(default_factory=set)

    @property
    def all_shipped(self) -> bool:
        """Whether every cooperative has sent this recipient's parcel."""
        return len(self.shipments) == len(self.cooperatives)


def order_recipients(order_id: int, limit: int = SHOWN_RECIPIENTS) -> list[RecipientRow]:
    """The first `limit` recipients of a gift order in the file's order, with their lines and parcels."""
    rows = {recipient.id: RecipientRow(recipient) for recipient in db.session.scalars(
        select(OrderRecipient).where(OrderRecipient.order_id == order_id).order_by(OrderRecipient.id).limit(limit))}
    for line, recipient_id in db.session.execute(
            select(OrderLine, gift_lines.c.recipient_id).join(gift_lines, gift_lines.c.order_line_id == OrderLine.id)
            .where(gift_lines.c.recipient_id.in_(list(rows))).order_by(OrderLine.id)):
        rows[recipient_id].lines.append(line)
        rows[recipient_id].cooperatives.add(line.cooperative_id)
    for shipment in db.session.scalars(select(Shipment).where(Shipment.recipient_id.in_(list(rows)))
                                       .order_by(Shipment.id)):
        if shipment.recipient_id is not None:
            rows[shipment.recipient_id].shipments.append(shipment)
    return list(rows.values())


def recipient_count(order_id: int) -> int:
    """How many recipients a gift order has."""
    return db.session.scalar(select(func.count()).where(OrderRecipient.order_id == order_id)) or 0

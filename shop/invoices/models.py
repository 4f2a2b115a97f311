"""The Invoice model: one per seller of an order, recording what the seller issued (and the red-letter invoice that
cancels it after a refund). Requests are not stored: see shop.invoices.queries."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.cooperatives.models import INVOICE_TYPE_LABELS, Cooperative, InvoiceType
from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model
from shop.orders.models import Order


class Invoice(Model):
    """An invoice a seller issued for its lines of one order: number, date, amount and the file."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("order_id", "cooperative_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    invoice_type: Mapped[InvoiceType] = mapped_column(string_enum(InvoiceType, 16))
    number: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int]
    filename: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The red-letter invoice (红字发票) that cancels this one after a refund, once the seller records it.
    red_number: Mapped[str | None] = mapped_column(String(32))
    red_issued_on: Mapped[date | None] = mapped_column(Date)
    red_filename: Mapped[str | None] = mapped_column(String(64))
    red_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    red_recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    order: Mapped[Order] = relationship()
    cooperative: Mapped[Cooperative] = relationship()

    def __repr__(self) -> str:
        return f"<Invoice {self.number} order={self.order_id} cooperative={self.cooperative_id}>"

    @property
    def type_label(self) -> str:
        return str(INVOICE_TYPE_LABELS[self.invoice_type])

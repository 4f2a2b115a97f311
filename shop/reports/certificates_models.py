"""Purchase certificates (采购凭证): what was certified for an order or an organization's year, under which code."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model
from shop.orders.models import Order
from shop.organizations.models import Organization

CURRENT = text("superseded_at IS NULL")


class CertificateKind(enum.StrEnum):
    ORDER = "order"
    YEAR = "year"  # an organization's calendar year (China time)


class PurchaseCertificate(Model):
    """One issued certificate: its public code, its subject, and a snapshot of the totals and lines it certified.

    A subject (an order, or an organization's year) has one current certificate; when its figures change, the
    next request issues a new one and marks this one superseded, so an old code still shows what it certified.
    """

    __tablename__ = "purchase_certificates"
    __table_args__ = (
        # At most one current certificate per subject, on both databases, even when two requests race.
        Index("ix_purchase_certificates_current", "subject", unique=True,
              sqlite_where=CURRENT, postgresql_where=CURRENT),
        CheckConstraint("(kind = 'order' AND order_id IS NOT NULL) OR "
                        "(kind = 'year' AND organization_id IS NOT NULL AND year IS NOT NULL)", name="subject_set"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(43), unique=True)  # secrets.token_urlsafe: 128 bits or more
    subject: Mapped[str] = mapped_column(String(40))  # "order:<id>" or "year:<organization id>:<year>"
    kind: Mapped[CertificateKind] = mapped_column(string_enum(CertificateKind, 8))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int | None]
    holder: Mapped[str] = mapped_column(String(120))  # as shown publicly: the organization's name, or masked
    period_from: Mapped[date]
    period_to: Mapped[date]
    orders: Mapped[int]
    units: Mapped[int]
    gross_fen: Mapped[int]
    refunded_fen: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the certified lines
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.refunded_fen

"""GiftUpload: an organization's recipients file kept between its preview and its confirmation."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.database import UTCDateTime, utcnow
from shop.extensions import Model


class GiftUpload(Model):
    """An uploaded recipients file between its preview and its confirmation (in the database, so any worker can
    confirm it). Confirmed once: `order_id` is set in the transaction that places the order."""

    __tablename__ = "gift_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    rows: Mapped[list[Any]] = mapped_column(JSON)  # the cells as read once, header first
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))

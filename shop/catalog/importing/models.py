"""ListingImport: an uploaded listings file kept between its preview and its confirmation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.database import UTCDateTime, utcnow
from shop.extensions import Model


class ListingImport(Model):
    """An uploaded listings file between its preview and its confirmation (kept in the database, so any
    web worker on any host can confirm it). Applied once: `applied_at` is set in the same transaction."""

    __tablename__ = "listing_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the file as uploaded
    rows: Mapped[list] = mapped_column(JSON)  # its cells as read once (an Excel file takes seconds to read)
    zero_missing: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict | None] = mapped_column(JSON)

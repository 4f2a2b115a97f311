"""QueuedMail: the transactional outbox of email."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.database import UTCDateTime, utcnow
from shop.extensions import db


class QueuedMail(db.Model):
    """An email to send: which message, about what, in which language. Rendered when it is sent,
    so the request that queued it pays only for one INSERT; failures are retried with a delay."""

    __tablename__ = "queued_mail"
    __table_args__ = (Index("ix_queued_mail_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(String(64))  # a name registered with shop.notifications.services.message
    params: Mapped[dict] = mapped_column(JSON)  # plain values, e.g. {"order_id": 12}
    locale: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

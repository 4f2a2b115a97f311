"""The outbox of email: a mail is queued in the same transaction as the change it reports, rendered and
sent later by the job runner, with retries."""
from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import cache

from flask import Flask, current_app, render_template
from flask_babel import force_locale, get_locale
from sqlalchemy import JSON, Executable, Index, String, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.database import UTCDateTime, rowcount, utcnow, write_transaction
from shop.core.mail import deliver
from shop.extensions import Model, db


class QueuedMail(Model):
    """An email to send: which message, about what, in which language. Rendered when it is sent,
    so the request that queued it pays only for one INSERT; failures are retried with a delay."""

    __tablename__ = "queued_mail"
    __table_args__ = (Index("ix_queued_mail_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(String(64))  # a name given to register_messages
    params: Mapped[dict[str, object]] = mapped_column(JSON)  # plain values, e.g. {"order_id": 12}
    locale: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


MAX_ATTEMPTS = 8
RETRY_DELAYS = [timedelta(minutes=1) * 2**n for n in range(MAX_ATTEMPTS)]  # 1, 2, 4 ... 128 minutes


MessageBuilder = Callable[..., tuple[str, dict[str, object]]]
"""How to build one mail from its queued params: returns (subject, context for templates/email/<name>.txt)."""


def register_messages(app: Flask, builders: Mapping[str, MessageBuilder]) -> None:
    """Make the mails in `builders` (name -> builder) known to `app`; called from create_app."""
    app.extensions.setdefault("outbox_messages", {}).update(builders)


def _builders() -> dict[str, MessageBuilder]:
    builders: dict[str, MessageBuilder] = current_app.extensions.get("outbox_messages", {})
    return builders


def queue_mail(to: str, name: str, **params: object) -> None:
    """Queue a mail in the caller's transaction, in the current language: one INSERT, built once, so it is saved,
    and later sent, only if that transaction commits. `params` must be plain JSON values (ids, not objects)."""
    if name not in _builders():
        raise KeyError(f"no mail message named {name!r} is registered")
    now = utcnow()
    db.session.connection().execute(_queue_statement(), {"to": to, "message": name, "params": params,
                                                         "locale": str(get_locale() or "zh_CN"), "created_at": now,
                                                         "next_attempt_at": now, "attempts": 0})


@cache
def _queue_statement() -> Executable:
    """queue_mail's INSERT, built once (an ORM object flushed at commit cost more than the statement)."""
    return insert(QueuedMail.__table__)


def render(mail: QueuedMail) -> tuple[str, str]:
    """The subject and body of a queued mail, in the language it was queued in."""
    with force_locale(mail.locale):
        subject, context = _builders()[mail.message](**mail.params)
        return str(subject), render_template(f"email/{mail.message}.txt", **context)


def deliver_queued(limit: int = 100, now: datetime | None = None) -> tuple[int, int]:
    """Send what is due; return (sent, failed). Each message is claimed in its own short transaction,
    so two job runners never send the same message twice."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(QueuedMail.id).where(QueuedMail.sent_at.is_(None), QueuedMail.next_attempt_at <= now,
                                    QueuedMail.attempts < MAX_ATTEMPTS)
        .order_by(QueuedMail.id).limit(limit)
    ))
    sent = failed = 0
    for mail_id in due:
        mail = _claim(mail_id, now)
        if mail is None:
            continue
        try:
            deliver(mail.to, *render(mail))
        except (smtplib.SMTPException, OSError) as exc:
            current_app.logger.warning("mail %s to %s failed: %s", mail_id, mail.to, exc)
            _record_failure(mail_id, mail.attempts, str(exc), now)
            failed += 1
        else:
            with write_transaction(db.session):
                db.session.execute(update(QueuedMail).where(QueuedMail.id == mail_id).values(sent_at=utcnow()))
            sent += 1
    return sent, failed


def _claim(mail_id: int, now: datetime) -> QueuedMail | None:
    """Take a message for this runner: push its next attempt back so no other runner picks it up."""
    with write_transaction(db.session):
        claimed = rowcount(db.session.execute(
            update(QueuedMail)
            .where(QueuedMail.id == mail_id, QueuedMail.sent_at.is_(None), QueuedMail.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(minutes=10), attempts=QueuedMail.attempts + 1)
            .execution_options(synchronize_session=False)
        ))
    if not claimed:
        return None
    return db.session.get(QueuedMail, mail_id, populate_existing=True)


def _record_failure(mail_id: int, attempts: int, error: str, now: datetime) -> None:
    delay = RETRY_DELAYS[min(attempts, MAX_ATTEMPTS) - 1]
    with write_transaction(db.session):
        db.session.execute(update(QueuedMail).where(QueuedMail.id == mail_id)
                           .values(last_error=error[:500], next_attempt_at=now + delay))

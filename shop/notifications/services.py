"""Queueing email inside a service's transaction, and delivering the queue with retries."""
from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from sqlalchemy import select, update

from shop.database import utcnow, write_transaction
from shop.extensions import db
from shop.mail import deliver
from shop.notifications.models import QueuedMail

MAX_ATTEMPTS = 8
RETRY_DELAYS = [timedelta(minutes=1) * 2**n for n in range(MAX_ATTEMPTS)]  # 1, 2, 4 ... 128 minutes


# name -> function(**params) returning (subject, template context) for templates/email/<name>.txt
_MESSAGES: dict[str, Callable[..., tuple[str, dict]]] = {}


def message(name: str):
    """Register how to build the mail `name` from its queued params (a decorator)."""
    def register(build: Callable[..., tuple[str, dict]]):
        _MESSAGES[name] = build
        return build
    return register


def queue_mail(to: str, name: str, **params) -> QueuedMail:
    """Add a mail to the session, in the current language; it is saved, and later sent, only if the
    caller's transaction commits. `params` must be plain JSON values (ids, not objects)."""
    if name not in _MESSAGES:
        raise KeyError(f"no mail message named {name!r} is registered")
    mail = QueuedMail(to=to, message=name, params=params, locale=str(get_locale() or "zh_CN"))
    db.session.add(mail)
    return mail


def render(mail: QueuedMail) -> tuple[str, str]:
    """The subject and body of a queued mail, in the language it was queued in."""
    with force_locale(mail.locale):
        subject, context = _MESSAGES[mail.message](**mail.params)
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
        claimed = db.session.execute(
            update(QueuedMail)
            .where(QueuedMail.id == mail_id, QueuedMail.sent_at.is_(None), QueuedMail.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(minutes=10), attempts=QueuedMail.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
    if not claimed:
        return None
    return db.session.get(QueuedMail, mail_id, populate_existing=True)


def _record_failure(mail_id: int, attempts: int, error: str, now: datetime) -> None:
    delay = RETRY_DELAYS[min(attempts, MAX_ATTEMPTS) - 1]
    with write_transaction(db.session):
        db.session.execute(update(QueuedMail).where(QueuedMail.id == mail_id)
                           .values(last_error=error[:500], next_attempt_at=now + delay))

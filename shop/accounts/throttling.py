"""Slowing down password guessing and password-reset mail floods.

Each Limit counts attempts of one kind per login name: after `max_setting` of them within `minutes_setting`
minutes, the name is refused until the oldest of those is that old. Failed logins count towards
LOGIN_FAILURES (a successful login clears them); requested reset mails towards RESET_MAILS. The attempts
live in the database, so every worker on every host agrees. Names are counted whether or not an account has
them, so the answers never tell which names exist, and are stored only as hashes.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, func, or_, select

from shop.accounts.exceptions import TooManyAttempts
from shop.accounts.models import ThrottledAttempt
from shop.core.database import rowcount, utcnow, write_transaction
from shop.extensions import db


@dataclass(frozen=True)
class Limit:
    action: str
    max_setting: str
    minutes_setting: str

    @property
    def most(self) -> int:
        return current_app.config[self.max_setting]

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=current_app.config[self.minutes_setting])


LOGIN_FAILURES = Limit("login_failure", "LOGIN_MAX_FAILURES", "LOGIN_LOCK_MINUTES")
RESET_MAILS = Limit("password_reset", "PASSWORD_RESET_MAX_MAILS", "PASSWORD_RESET_MAIL_MINUTES")
LIMITS = (LOGIN_FAILURES, RESET_MAILS)


def _hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _of(limit: Limit, name: str):
    return (ThrottledAttempt.action == limit.action) & (ThrottledAttempt.name_hash == _hash(name))


def check(limit: Limit, name: str, now: datetime | None = None) -> int:
    """Raise TooManyAttempts if `name` (normalised) reached the limit; else return its recent attempts."""
    now = now or utcnow()
    attempts, oldest = db.session.execute(
        select(func.count(), func.min(ThrottledAttempt.at))
        .where(_of(limit, name), ThrottledAttempt.at > now - limit.window)
    ).one()
    if attempts >= limit.most:
        raise TooManyAttempts(max(1, math.ceil((oldest + limit.window - now).total_seconds() / 60)))
    return attempts


def record(limit: Limit, name: str, now: datetime | None = None) -> None:
    with write_transaction(db.session):
        db.session.add(ThrottledAttempt(action=limit.action, name_hash=_hash(name), at=now or utcnow()))


def clear(limit: Limit, name: str) -> None:
    """Forget the attempts of `name` (after it logged in)."""
    with write_transaction(db.session):
        db.session.execute(delete(ThrottledAttempt).where(_of(limit, name)))


def purge(now: datetime | None = None) -> int:
    """Delete attempts too old to count; returns how many."""
    now = now or utcnow()
    old = or_(*((ThrottledAttempt.action == limit.action) & (ThrottledAttempt.at <= now - limit.window)
                for limit in LIMITS))
    if not db.session.scalar(select(exists().where(old))):
        return 0  # the usual round of the job runner: no write transaction, no writer lock
    with write_transaction(db.session):
        return rowcount(db.session.execute(delete(ThrottledAttempt).where(old)))

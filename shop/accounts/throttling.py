"""Slowing down password guessing.

After LOGIN_MAX_FAILURES failed logins for one login name within LOGIN_LOCK_MINUTES, that name is refused
without looking at the password until the oldest of those failures is that old. The failures live in the
database, so every worker on every host agrees. Names are counted whether or not an account has them, so
the answer never tells which names exist, and are stored only as hashes. A successful login clears them.
"""
from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from shop.accounts.exceptions import TooManyAttempts
from shop.accounts.models import LoginFailure
from shop.database import utcnow, write_transaction
from shop.extensions import db


def _hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def check_allowed(name: str, now: datetime | None = None) -> int:
    """Raise TooManyAttempts if `name` (normalised) failed too often lately; else return how often it did."""
    now = now or utcnow()
    failures, oldest = db.session.execute(
        select(func.count(), func.min(LoginFailure.at))
        .where(LoginFailure.name_hash == _hash(name), LoginFailure.at > now - _window())
    ).one()
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise TooManyAttempts(max(1, math.ceil((oldest + _window() - now).total_seconds() / 60)))
    return failures


def record_failure(name: str, now: datetime | None = None) -> None:
    with write_transaction(db.session):
        db.session.add(LoginFailure(name_hash=_hash(name), at=now or utcnow()))


def clear_failures(name: str) -> None:
    """Forget the failures of `name` (after it logged in)."""
    with write_transaction(db.session):
        db.session.execute(delete(LoginFailure).where(LoginFailure.name_hash == _hash(name)))


def purge_failures(now: datetime | None = None) -> int:
    """Delete failures too old to count; returns how many."""
    with write_transaction(db.session):
        return db.session.execute(
            delete(LoginFailure).where(LoginFailure.at <= (now or utcnow()) - _window())).rowcount

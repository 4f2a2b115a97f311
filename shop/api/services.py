"""Creating, revoking and checking API tokens."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from shop.api.models import ApiToken
from shop.audit.services import record
from shop.core.database import utcnow, write_transaction
from shop.extensions import db

PREFIX = "bf_"
USE_RECORDED_EVERY = timedelta(seconds=60)  # last_used_at is a hint for staff, not worth a write per request


class TokenError(Exception):
    """A token cannot be created or revoked as asked; the message is shown."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, actor_id: int | None) -> tuple[ApiToken, str]:
    """A new token named `name`; returns the row and the token text, which is never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise TokenError(_("Give the token a name of at most 80 characters."))
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=_hash(token), prefix=token[:10], created_by=actor_id)
    try:
        with write_transaction(db.session):
            db.session.add(row)
            db.session.flush()
            record(actor_id, "api_token.create", "api_token", row.id, after={"name": name})
    except IntegrityError as exc:
        db.session.rollback()
        raise TokenError(_("A token named “%(name)s” already exists.", name=name)) from exc
    return row, token


def revoke_token(name_or_id: str, actor_id: int | None) -> ApiToken:
    with write_transaction(db.session):
        condition = ApiToken.id == int(name_or_id) if name_or_id.isdigit() else ApiToken.name == name_or_id
        row = db.session.scalar(select(ApiToken).where(condition))
        if row is None:
            raise TokenError(_("No API token “%(name)s”.", name=name_or_id))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            record(actor_id, "api_token.revoke", "api_token", row.id, before={"name": row.name})
    return row


def authenticate(authorization: str | None, now: datetime | None = None) -> ApiToken | None:
    """The active token named by an `Authorization: Bearer ...` header, or None; notes its use."""
    if not authorization:
        return None
    scheme, _space, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(PREFIX) or len(token) > 100:
        return None
    digest = _hash(token)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    _record_use(row, now or utcnow())
    return row


def _record_use(row: ApiToken, now: datetime) -> None:
    """Set last_used_at at most once a minute per token, so reads seldom take the writer lock; the guard
    makes the second of two concurrent requests a no-op."""
    cutoff = now - USE_RECORDED_EVERY
    if row.last_used_at is not None and row.last_used_at >= cutoff:
        return
    with write_transaction(db.session):
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id, or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < cutoff))
            .values(last_used_at=now)
        )


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))

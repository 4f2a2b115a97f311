"""Server-side login sessions: the session cookie holds a random token whose hash is a LoginSession row."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import Select, bindparam, delete, exists, or_, select, update

from shop.accounts.models import LoginSession, User
from shop.core.database import rowcount, utcnow, write_transaction
from shop.extensions import db

KEPT_AT_LOGIN = ("lang", "cart_token")
# Sessions that ended (logout, password change) or ran out are kept this long, then deleted.
ENDED_SESSIONS_KEPT = timedelta(days=30)
KEPT_AT_LOGOUT = ("lang",)
TOKEN_MAX_LENGTH = 128


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["LOGIN_SESSION_DAYS"])


def hash_token(token: str) -> str:
    """The sha256 hex digest stored for a login token (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _keep_only(keys: tuple[str, ...]) -> None:
    kept = {key: session[key] for key in keys if key in session}
    session.clear()
    session.update(kept)


def _end_current() -> None:
    token = current_user.login_token if current_user.is_authenticated else None
    if token:
        with write_transaction(db.session):
            db.session.execute(
                update(LoginSession)
                .where(LoginSession.token_hash == hash_token(token), LoginSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )


def start_session(user: User) -> None:
    """Log `user` in on this request: a fresh Flask session (no fixation) tied to a new LoginSession."""
    _end_current()  # logging in over another login must not leave that one alive
    _keep_only(KEPT_AT_LOGIN)
    token = secrets.token_urlsafe(32)
    with write_transaction(db.session):
        db.session.add(LoginSession(token_hash=hash_token(token), user_id=user.id))
    user.login_token = token
    login_user(user)


def end_session() -> None:
    """Log out: end this LoginSession on the server, so any copy of the cookie stops working."""
    _end_current()
    logout_user()
    _keep_only(KEPT_AT_LOGOUT)


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user of a live LoginSession with this token."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    user = db.session.execute(_user_statement(), {"token_hash": hash_token(token),
                                                  "since": utcnow() - _lifetime()}).scalar_one_or_none()
    if user is not None:
        user.login_token = token
    return user


@cache
def _user_statement() -> Select[User]:
    """load_user's statement, built once: every signed-in request runs it (building it and its cache key cost more
    than running it)."""
    return (select(User).join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.token_hash == bindparam("token_hash"), LoginSession.ended_at.is_(None),
                   LoginSession.created_at > bindparam("since", type_=LoginSession.__table__.c.created_at.type),
                   User.is_active.is_(True)))


def revoke_sessions(user_id: int, except_token: str | None = None) -> int:
    """End the user's live sessions but one, inside the caller's transaction; returns how many."""
    query = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
    if except_token:
        query = query.where(LoginSession.token_hash != hash_token(except_token))
    return rowcount(db.session.execute(query.values(ended_at=utcnow())))


def end_all_sessions(user: User, except_token: str | None = None) -> int:
    """End every live session of `user` (all devices), optionally keeping the one with `except_token`."""
    with write_transaction(db.session):
        return revoke_sessions(user.id, except_token)


def purge_sessions(now: datetime | None = None) -> int:
    """Delete sessions that ended or ran out more than ENDED_SESSIONS_KEPT ago; returns how many."""
    cutoff = (now or utcnow()) - ENDED_SESSIONS_KEPT
    old = or_(LoginSession.ended_at < cutoff, LoginSession.created_at < cutoff - _lifetime())
    if not db.session.scalar(select(exists().where(old))):
        return 0  # the usual round of the job runner: no write transaction, no writer lock
    with write_transaction(db.session):
        return rowcount(db.session.execute(delete(LoginSession).where(old)))

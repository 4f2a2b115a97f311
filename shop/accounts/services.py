"""Account operations: registration, authentication, password changes and resets, staff accounts."""
from __future__ import annotations

import hashlib
import hmac
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from shop.accounts import throttling
from shop.accounts.consents import add_consents
from shop.accounts.exceptions import (
    AccountDisabled,
    AuthenticationFailed,
    DuplicateEmail,
    DuplicateMobile,
    InvalidEmail,
    InvalidMobile,
    InvalidName,
    InvalidResetToken,
    MissingLoginName,
    PasswordRuleError,
    TooManyAttempts,
    WrongPassword,
)
from shop.accounts.identifiers import is_email, is_mobile, normalize_email, normalize_mobile
from shop.accounts.models import User
from shop.accounts.sessions import revoke_sessions
from shop.core.database import write_transaction
from shop.extensions import db

PASSWORD_MIN = 8
PASSWORD_MAX = 128
NAME_MAX = 60
RESET_SALT = "password-reset"


def check_password_rules(password: str | None) -> None:
    """Raise PasswordRuleError unless the password has 8 to 128 characters."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise PasswordRuleError()


@cache
def _dummy_hash() -> str:
    # Checked against when no account matches, so a miss costs as much time as a wrong password.
    return generate_password_hash("not-a-real-password")


def user_by_email(email: str) -> User | None:
    """The account with this email address (any case), or None."""
    email = normalize_email(email)
    if not email:
        return None
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def user_by_mobile(mobile: str) -> User | None:
    """The account with this mobile number, or None."""
    mobile = normalize_mobile(mobile)
    if not mobile:
        return None
    return db.session.execute(select(User).where(User.mobile == mobile)).scalar_one_or_none()


def new_user(email: str | None, mobile: str | None, name: str, password: str) -> User:
    """A checked, unsaved buyer account with an email address, a mobile number or both (duplicates are not
    looked for: see refuse_duplicates)."""
    email, mobile, name = normalize_email(email), normalize_mobile(mobile), (name or "").strip()
    if not email and not mobile:
        raise MissingLoginName()
    if email and not is_email(email):
        raise InvalidEmail()
    if mobile and not is_mobile(mobile):
        raise InvalidMobile()
    if len(name) > NAME_MAX:
        raise InvalidName()
    check_password_rules(password)
    user = User(email=email or None, mobile=mobile or None, name=name)
    user.set_password(password)
    return user


def register_user(email: str | None, mobile: str | None, name: str, password: str, *,
                  consented: bool = False) -> User:
    """Create a buyer account with an email address, a mobile number or both; `consented`: the user accepted the
    current user agreement and privacy policy, recorded with their versions."""
    user = new_user(email, mobile, name, password)
    try:
        with write_transaction(db.session):
            refuse_duplicates(user.email, user.mobile)
            db.session.add(user)
            if consented:
                db.session.flush()  # the user's id, for the consent rows
                add_consents(user.id)
    except IntegrityError:
        # Someone registered the same name between our check and the insert.
        refuse_duplicates(user.email, user.mobile)
        raise
    return user


def refuse_duplicates(email: str | None, mobile: str | None) -> None:
    """DuplicateEmail or DuplicateMobile when another account already uses one of these login names."""
    if email and user_by_email(email) is not None:
        raise DuplicateEmail()
    if mobile and user_by_mobile(mobile) is not None:
        raise DuplicateMobile()


def authenticate(identifier: str, password: str) -> User:
    """The active account for an email address or mobile number and password; else AuthenticationFailed."""
    user = None
    email, mobile = normalize_email(identifier), normalize_mobile(identifier)
    name = email if "@" in email else mobile
    failures = throttling.check(throttling.LOGIN_FAILURES, name)  # if refused, the password is not looked at
    if "@" in email:
        user = user_by_email(email) if is_email(email) else None
    elif is_mobile(mobile):
        user = user_by_mobile(mobile)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
    if user is None or not user.check_password(password or ""):
        throttling.record(throttling.LOGIN_FAILURES, name)
        raise AuthenticationFailed()
    if not user.is_active:
        raise AccountDisabled()
    if failures:
        throttling.clear(throttling.LOGIN_FAILURES, name)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the user ends."""
    check_password_rules(new)
    if not user.check_password(current or ""):
        raise WrongPassword()
    with write_transaction(db.session):
        user.set_password(new)
        revoke_sessions(user.id, except_token=user.login_token)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # A digest of the password hash, not a piece of it: the token's payload is readable.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed, timed token that resets this user's password once, until the password next changes."""
    return _serializer().dumps({"user": user.id, "pw": _password_fingerprint(user)})


def check_reset_token(token: str, *, for_update: bool = False) -> User:
    """The user a reset token is for, or InvalidResetToken when forged, expired, used or stale."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
        user_id, fingerprint = int(data["user"]), str(data["pw"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidResetToken() from exc
    user = db.session.get(User, user_id, with_for_update=for_update, populate_existing=for_update)
    if user is None or not user.is_active:
        raise InvalidResetToken()
    if not hmac.compare_digest(fingerprint, _password_fingerprint(user)):
        raise InvalidResetToken()  # spent: the password changed since the token was made
    return user


def reset_token_for(email: str) -> tuple[User, str] | None:
    """A reset token for the active account with this email address, or None (nothing to send: no such
    account, or RESET_MAILS already went to this address lately; the page says the same either way)."""
    name = normalize_email(email)
    try:
        throttling.check(throttling.RESET_MAILS, name)
    except TooManyAttempts:
        return None
    throttling.record(throttling.RESET_MAILS, name)
    user = user_by_email(email)
    if user is None or not user.is_active:
        return None
    return user, make_reset_token(user)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset token; the token is then spent and every session of the user ends."""
    check_password_rules(new_password)
    with write_transaction(db.session):
        # Locked, so two requests racing with one token cannot both spend it.
        user = check_reset_token(token, for_update=True)
        user.set_password(new_password)
        revoke_sessions(user.id)
    return user


def create_staff(email: str, password: str | None = None) -> tuple[User, bool]:
    """Create a staff account, or make an existing account staff; returns (user, created)."""
    email = normalize_email(email)
    if not is_email(email):
        raise InvalidEmail()
    if password is not None:
        check_password_rules(password)
    with write_transaction(db.session):
        user = user_by_email(email)
        created = user is None
        if user is None:
            if password is None:
                raise PasswordRuleError()
            user = User(email=email, name="")
            db.session.add(user)
        user.is_staff = True
        if password is not None:
            user.set_password(password)
            if not created:
                revoke_sessions(user.id)
    return user, created

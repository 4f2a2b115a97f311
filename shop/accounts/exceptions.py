"""What the account services raise; each carries a translatable message and the form field it concerns."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class AccountError(Exception):
    """Base of the account errors: `message` is shown to the user next to `field` (None: the whole form)."""

    message = _l("The account could not be changed.")
    field: str | None = None

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(self.message)


class InvalidEmail(AccountError):
    message = _l("Enter a valid email address.")
    field = "email"


class InvalidMobile(AccountError):
    message = _l("Enter an 11-digit mainland China mobile number.")
    field = "mobile"


class MissingLoginName(AccountError):
    message = _l("Enter an email address or a mobile number.")
    field = "email"


class InvalidName(AccountError):
    message = _l("Names are limited to 60 characters.")
    field = "name"


class DuplicateEmail(AccountError):
    message = _l("An account with this email address already exists. Log in or reset your password.")
    field = "email"


class DuplicateMobile(AccountError):
    message = _l("An account with this mobile number already exists. Log in instead.")
    field = "mobile"


class PasswordRuleError(AccountError):
    message = _l("Passwords must be 8 to 128 characters long.")
    field = "password"


class AuthenticationFailed(AccountError):
    message = _l("The email, mobile number or password is not right.")


class AccountDisabled(AuthenticationFailed):
    """Raised only after a correct password, so it reveals nothing to someone guessing."""

    message = _l("This account has been disabled. Please contact the platform.")


class WrongPassword(AccountError):
    message = _l("The current password is not right.")
    field = "current_password"


class InvalidResetToken(AccountError):
    message = _l("This reset link is invalid, has expired or has already been used.")


class ActingForRefused(AccountError):
    message = _l("You are not a member of that organization or cooperative.")


class TooManyAttempts(AccountError):
    """Too many attempts (failed logins, reset mails) for one login name lately; `minutes` until it may be
    tried again (see throttling.py)."""

    field = "password"

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(_l("Too many failed attempts. Please try again in %(minutes)d minutes.", minutes=minutes))

"""Account forms (CSRF-protected): register (also through an invitation), log in, change and reset passwords, choose
whom to act for."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from shop.accounts.exceptions import AccountError
from shop.accounts.identifiers import EMAIL_MAX, is_email, is_mobile, normalize_email, normalize_mobile
from shop.accounts.services import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from shop.web.forms import Form, strip

REQUIRED = DataRequired(message=_l("This field is required."))
PASSWORD_LENGTH = Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                         message=_l("Passwords must be 8 to 128 characters long."))
SAME_PASSWORD = _l("The two passwords do not match.")
TOO_LONG = _l("At most %(max)d characters.")


def _email_format(form, field) -> None:
    if field.data and not is_email(normalize_email(field.data)):
        raise ValidationError(_l("Enter a valid email address."))


def _mobile_format(form, field) -> None:
    if field.data and not is_mobile(normalize_mobile(field.data)):
        raise ValidationError(_l("Enter an 11-digit mainland China mobile number."))


class AccountForm(Form):
    """A form that can show an AccountError from a service next to the field it concerns."""

    def add_error(self, error: AccountError) -> None:
        """Attach a service's error to its field, or to the whole form."""
        field = self._fields.get(error.field) if error.field else None
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


def _consent_box() -> BooleanField:
    """The consent to the user agreement and privacy policy: never ticked beforehand, the box is the user's own act."""
    return BooleanField(_l("I have read and accept the user agreement and the privacy policy"), validators=[
        DataRequired(message=_l("Please accept the user agreement and the privacy policy to create an account."))])


class RegisterForm(AccountForm):
    """Sign-up: an email address, a mobile number or both, a name and a password."""

    email = EmailField(_l("Email"), filters=[strip],
                       validators=[Optional(), Length(max=EMAIL_MAX, message=TOO_LONG), _email_format])
    mobile = TelField(_l("Mobile number"), filters=[strip], validators=[Optional(), _mobile_format])
    name = StringField(_l("Name"), filters=[strip], validators=[
        REQUIRED, Length(max=NAME_MAX, message=_l("Names are limited to 60 characters."))])
    password = PasswordField(_l("Password"), validators=[REQUIRED, PASSWORD_LENGTH])
    confirm = PasswordField(_l("Password again"), validators=[REQUIRED, EqualTo("password", SAME_PASSWORD)])
    agree = _consent_box()
    next = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not self.mobile.data:
            self.email.errors = [*self.email.errors, _l("Enter an email address or a mobile number.")]
            valid = False
        return valid


class InvitedAccountForm(AccountForm):
    """A new account for an invited email address: the address is the invitation's, so it is not asked for."""

    name = StringField(_l("Name"), filters=[strip], validators=[
        REQUIRED, Length(max=NAME_MAX, message=_l("Names are limited to 60 characters."))])
    mobile = TelField(_l("Mobile number (optional)"), filters=[strip], validators=[Optional(), _mobile_format])
    password = PasswordField(_l("Password"), validators=[REQUIRED, PASSWORD_LENGTH])
    confirm = PasswordField(_l("Password again"), validators=[REQUIRED, EqualTo("password", SAME_PASSWORD)])
    agree = _consent_box()


class LoginForm(AccountForm):
    """Log in with an email address or a mobile number."""

    identifier = StringField(_l("Email or mobile number"), filters=[strip],
                             validators=[REQUIRED, Length(max=EMAIL_MAX, message=TOO_LONG)])
    password = PasswordField(_l("Password"),
                             validators=[REQUIRED, Length(max=PASSWORD_MAX, message=TOO_LONG)])
    next = HiddenField()


class ChangePasswordForm(AccountForm):
    """A new password, confirmed, with the current one."""

    current_password = PasswordField(_l("Current password"),
                                     validators=[REQUIRED, Length(max=PASSWORD_MAX, message=TOO_LONG)])
    password = PasswordField(_l("New password"), validators=[REQUIRED, PASSWORD_LENGTH])
    confirm = PasswordField(_l("New password again"),
                            validators=[REQUIRED, EqualTo("password", SAME_PASSWORD)])


class ResetRequestForm(AccountForm):
    """The email address to send a reset link to."""

    email = EmailField(_l("Email"), filters=[strip],
                       validators=[REQUIRED, Length(max=EMAIL_MAX, message=TOO_LONG), _email_format])


class ResetForm(AccountForm):
    """A new password chosen through a reset link."""

    password = PasswordField(_l("New password"), validators=[REQUIRED, PASSWORD_LENGTH])
    confirm = PasswordField(_l("New password again"),
                            validators=[REQUIRED, EqualTo("password", SAME_PASSWORD)])


class ActingForForm(Form):
    """Whom to act for: "self", "organization:<id>" or "cooperative:<id>"."""

    choice = StringField(validators=[DataRequired(), Length(max=40)])
    next = HiddenField()

    def parsed(self) -> tuple[str, int | None] | None:
        """(kind, id) from the choice, or None when it is malformed."""
        if self.choice.data == "self":
            return "self", None
        kind, _, number = (self.choice.data or "").partition(":")
        if kind in ("organization", "cooperative") and re.fullmatch(r"[0-9]{1,10}", number):
            return kind, int(number)
        return None

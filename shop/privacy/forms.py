"""The close-account form: the password, and a box saying the user understands it cannot be undone."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from shop.accounts.forms import REQUIRED, TOO_LONG, AccountForm
from shop.accounts.services import PASSWORD_MAX


class CloseAccountForm(AccountForm):
    """Closing is confirmed with the password, like a password change."""

    password = PasswordField(_l("Password"), validators=[REQUIRED, Length(max=PASSWORD_MAX, message=TOO_LONG)])
    understood = BooleanField(_l("I understand that my account cannot be reopened"), validators=[
        DataRequired(message=_l("Tick the box to confirm that you want to close your account."))])

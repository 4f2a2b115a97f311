"""The base of every form: Flask-WTF (CSRF) with WTForms' own messages in the request's language; the button
forms' check, and form errors as one line of text."""
from __future__ import annotations

import functools

from babel import support
from flask import abort
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, Field, StringField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from shop.core.money import MoneyError, parse_yuan


@functools.lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.NullTranslations:
    # Flask-WTF loads this catalogue from disk again for every request; once per process is enough.
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def strip(value):
    """A field filter: surrounding spaces removed from text (other values unchanged)."""
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """FlaskForm whose built-in messages ("This field is required.") follow the shop's language."""

    class Meta:
        def get_translations(self, form):
            return _wtforms_translations(str(get_locale() or "zh_CN"))


class ConfirmForm(Form):
    """A bare POST form (a button): the CSRF token is all it carries."""


def require_confirmation() -> None:
    """Abort with 400 and a clear message unless the request carries a valid ConfirmForm (its CSRF token)."""
    if not ConfirmForm().validate():
        abort(400, description=_("The form has expired; please try again."))


def error_text(form: FlaskForm) -> str:
    """'Label: first message' for each field in error, joined by '; ' (for a 400 page, a flash or the API)."""
    return "; ".join(f"{form[name].label.text}: {errors[0]}" if name else str(errors[0])
                     for name, errors in form.errors.items())


DATE_MESSAGE = _l("Enter the date as yyyy-mm-dd, e.g. 2026-12-01.")


class DateText(TextInput):
    """A date typed as yyyy-mm-dd in every language: a text box (a browser's date input shows the browser's own
    format, e.g. mm/dd/yyyy) with a numeric keyboard on phones and the format as its placeholder."""

    def __call__(self, field: Field, **kwargs: object) -> Markup:
        for name, value in (("inputmode", "numeric"), ("pattern", r"\d{4}-\d{2}-\d{2}"), ("maxlength", 10),
                            ("placeholder", "yyyy-mm-dd"), ("autocomplete", "off")):
            kwargs.setdefault(name, value)
        return super().__call__(field, **kwargs)


class DateOnly(DateField):
    """A yyyy-mm-dd date, typed into a DateText, whose parse error says what to type."""

    widget = DateText()

    def __init__(self, label: object = None, validators: object = None, format: str = "%Y-%m-%d",
                 **kwargs: object) -> None:
        super().__init__(label, validators, format=format, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse as DateField does; a date that does not parse gets DATE_MESSAGE."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(DATE_MESSAGE)) from exc


class YuanField(StringField):
    """An amount typed in yuan (e.g. 1,280.50), available as integer fen in `.fen`."""

    fen: int | None = None

    def __init__(self, *args, allow_zero: bool = False, optional: bool = False, **kwargs):
        """`allow_zero`: ¥0 is an amount (a fee of nothing); `optional`: left blank, `.fen` is None."""
        super().__init__(*args, **kwargs)
        self.allow_zero, self.optional = allow_zero, optional

    def pre_validate(self, form):
        self.fen = None
        if self.optional and not (self.data or "").strip():
            return
        try:
            self.fen = parse_yuan(self.data or "")
        except MoneyError as exc:
            raise ValidationError(_l("“%(value)s” is not an amount in yuan (e.g. 1280.50).",
                                     value=self.data or "")) from exc
        if self.fen < 0 or (self.fen == 0 and not self.allow_zero):
            raise ValidationError(_l("The amount must be more than zero."))

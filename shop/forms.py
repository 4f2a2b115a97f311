"""The base of every form: Flask-WTF (CSRF) with WTForms' own messages in the request's language."""
from __future__ import annotations

import functools

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@functools.lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    # Flask-WTF loads this catalogue from disk again for every request; once per process is enough.
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """FlaskForm whose built-in messages ("This field is required.") follow the shop's language."""

    class Meta:
        def get_translations(self, form):
            return _wtforms_translations(str(get_locale() or "zh_CN"))

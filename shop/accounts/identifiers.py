"""Login names: email addresses and mainland China mobile numbers, normalised as people type them."""
from __future__ import annotations

import re
import unicodedata

EMAIL_MAX = 254
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _fold(value: str | None) -> str:
    # NFKC turns full-width input from Chinese keyboards (１３８, ＠) into ASCII.
    return unicodedata.normalize("NFKC", value or "").strip()


def normalize_email(value: str | None) -> str:
    """Lower-case, trimmed, full-width characters folded; '' when empty."""
    return _fold(value).lower()


def normalize_mobile(value: str | None) -> str:
    """Digits only: spaces and hyphens dropped, a +86 / 0086 prefix removed; '' when empty."""
    digits = re.sub(r"[\s\-()]", "", _fold(value))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def is_email(value: str) -> bool:
    """Whether a normalised value looks like an email address."""
    return len(value) <= EMAIL_MAX and EMAIL_RE.match(value) is not None


def is_mobile(value: str) -> bool:
    """Whether a normalised value is an 11-digit mainland mobile number (1[3-9]xxxxxxxxx)."""
    return MOBILE_RE.match(value) is not None

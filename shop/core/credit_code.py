"""Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters ending in a check character."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...
LENGTH = 18


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Upper-case and strip spaces, as people type codes from licences."""
    return "".join(code.split()).upper()


def validation_error(code: str) -> LazyString | None:
    """None for a valid code, otherwise a translatable sentence saying what is wrong."""
    code = normalize(code)
    if len(code) != LENGTH:
        return _l("must be 18 characters")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return _l("contains characters not allowed in a credit code: %(chars)s", chars=" ".join(bad))
    if not code[2:8].isdigit():
        return _l("characters 3 to 8 must be the region code digits")
    if code[17] != check_character(code[:17]):
        return _l("the check character does not match (typing error?)")
    return None


def checked(code: str) -> str:
    """The normalised code, or ValueError saying what is wrong (for model validators)."""
    code = normalize(code)
    error = validation_error(code)
    if error:
        raise ValueError(f"credit code {code!r}: {error}")
    return code


def is_valid(code: str) -> bool:
    """Whether `code` is a well-formed unified social credit code with a correct check character."""
    return validation_error(code) is None


def complete(first17: str) -> str:
    """Append the check character: used to generate demo and test codes."""
    first17 = normalize(first17)
    return first17 + check_character(first17)

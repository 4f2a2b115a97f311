"""What every CSV or spreadsheet the shop writes needs: a BOM for Excel, and formula neutralising."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value

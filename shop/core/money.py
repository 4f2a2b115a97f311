"""Money is an integer number of fen (分) and weight an integer number of grams; this module is the only place
that formats them (and parses money)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100
MAX_FEN = 10**12  # ¥10 billion: far beyond any single price or order, well inside BIGINT
GRAMS_PER_KG = 1000


def _whole(value: int) -> int:
    # A float on the way in would hide rounding; refuse it instead of formatting it.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"money and weight are whole numbers (fen, grams), got {type(value).__name__}")
    return value


class MoneyError(ValueError):
    """A text that is not an amount of money."""


def format_fen(fen: int, symbol: str = "¥") -> str:
    """1234550 -> '¥12,345.50'."""
    _whole(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{symbol}{yuan:,}.{cents:02d}"


def fen_to_yuan_str(fen: int) -> str:
    """1234550 -> '12345.50', for exports and inputs (no symbol, no grouping)."""
    return format_fen(fen, symbol="").replace(",", "")


def kilograms(grams: int, grouping: bool = False) -> str:
    """1234500 -> '1234.500' for exports and the API; with `grouping`, '1,234.500' for pages."""
    return f"{Decimal(_whole(grams)) / GRAMS_PER_KG:{',' if grouping else ''}.3f}"


def format_weight(grams: int) -> str:
    """A product's weight as people write it: 1500 -> '1.5 kg', 250 -> '250 g'."""
    if _whole(grams) >= GRAMS_PER_KG:
        return kilograms(grams).rstrip("0").rstrip(".") + " kg"
    return f"{grams} g"


def parse_yuan(text: str) -> int:
    """'12.5', '¥1,234.50', '８８' -> fen; at most 2 decimals, never negative."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyError(f"{text!r} is not an amount") from exc
    if not amount.is_finite() or amount < 0:
        raise MoneyError(f"{text!r} is not an amount")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"{text!r} has more than 2 decimals")
    if fen > MAX_FEN:
        raise MoneyError(f"{text!r} is too large")
    return int(fen)

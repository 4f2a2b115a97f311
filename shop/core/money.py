"""Money is an integer number of fen (分); this module is the only place that formats or parses it."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100
MAX_FEN = 10**12  # ¥10 billion: far beyond any single price or order, well inside BIGINT


class MoneyError(ValueError):
    """A text that is not an amount of money."""


def format_fen(fen: int, symbol: str = "¥") -> str:
    """1234550 -> '¥12,345.50'."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money must be an int number of fen, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{symbol}{yuan:,}.{cents:02d}"


def fen_to_yuan_str(fen: int) -> str:
    """1234550 -> '12345.50', for exports and inputs (no symbol, no grouping)."""
    return format_fen(fen, symbol="").replace(",", "")


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

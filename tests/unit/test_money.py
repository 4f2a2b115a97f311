"""Money formatting and parsing in integer fen."""
import pytest

from shop.core.money import MoneyError, fen_to_yuan_str, format_fen, parse_yuan


@pytest.mark.parametrize("fen, text", [
    (0, "¥0.00"), (5, "¥0.05"), (4580, "¥45.80"), (123450, "¥1,234.50"), (-99, "-¥0.99"),
    (10**12, "¥10,000,000,000.00"),
])
def test_format_fen(fen, text):
    assert format_fen(fen) == text


def test_format_refuses_floats():
    with pytest.raises(TypeError):
        format_fen(12.5)


def test_yuan_string_for_exports():
    assert fen_to_yuan_str(123450) == "1234.50"


@pytest.mark.parametrize("text, fen", [
    ("12.5", 1250), ("¥1,234.50", 123450), ("0", 0), ("  88 ", 8800), ("0.01", 1),
])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["abc", "", "-1", "1.234", "NaN", "Infinity", "1e30"])
def test_parse_yuan_rejects(text):
    with pytest.raises(MoneyError):
        parse_yuan(text)

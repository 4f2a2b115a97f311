"""Money formatting and parsing in integer fen; weights in integer grams."""
import pytest

from shop.core.money import MoneyError, fen_to_yuan_str, format_fen, format_weight, kilograms, parse_yuan


@pytest.mark.parametrize("fen, text", [
    (0, "¥0.00"), (5, "¥0.05"), (4580, "¥45.80"), (123450, "¥1,234.50"), (-99, "-¥0.99"),
    (10**12, "¥10,000,000,000.00"),
])
def test_format_fen(fen, text):
    assert format_fen(fen) == text


def test_format_refuses_floats():
    with pytest.raises(TypeError):
        format_fen(12.5)


@pytest.mark.parametrize("fen, text", [(123450, "1234.50"), (0, "0.00"), (-5, "-0.05"), (10**12, "10000000000.00")])
def test_yuan_string_for_exports(fen, text):
    assert fen_to_yuan_str(fen) == text


@pytest.mark.parametrize("grams, plain, grouped", [
    (0, "0.000", "0.000"), (250, "0.250", "0.250"), (1234500, "1234.500", "1,234.500"), (-1500, "-1.500", "-1.500"),
])
def test_kilograms(grams, plain, grouped):
    assert kilograms(grams) == plain and kilograms(grams, grouping=True) == grouped


@pytest.mark.parametrize("grams, text", [(250, "250 g"), (999, "999 g"), (1000, "1 kg"), (1500, "1.5 kg"),
                                         (2505, "2.505 kg"), (25000, "25 kg")])
def test_format_weight(grams, text):
    assert format_weight(grams) == text


@pytest.mark.parametrize("formatter", [fen_to_yuan_str, kilograms, format_weight])
def test_weights_and_yuan_refuse_floats(formatter):
    with pytest.raises(TypeError):
        formatter(1.5)


@pytest.mark.parametrize("text, fen", [
    ("12.5", 1250), ("¥1,234.50", 123450), ("0", 0), ("  88 ", 8800), ("0.01", 1),
])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["abc", "", "-1", "1.234", "NaN", "Infinity", "1e30"])
def test_parse_yuan_rejects(text):
    with pytest.raises(MoneyError):
        parse_yuan(text)

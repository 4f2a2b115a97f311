"""Unified social credit code validation (GB 32100-2015)."""
import pytest

from shop.core import credit_code

VALID = ["91110108551385082Q", "91440300708461136T", "91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_real_codes_are_valid(code):
    assert credit_code.is_valid(code)


def test_lower_case_and_spaces_are_normalised():
    assert credit_code.is_valid(" 91350100m000100y43 ")


@pytest.mark.parametrize("code, problem", [
    ("91110108551385082", "18"),
    ("91110108551385082QQ", "18"),
    ("91110108551385082A", "check"),
    ("9111010855138508IQ", "not allowed"),  # I is not in the alphabet
    ("91AB0108551385082Q", "region"),
])
def test_invalid_codes_say_why(code, problem):
    message = str(credit_code.validation_error(code))
    assert problem in message


def test_every_single_character_typo_is_caught():
    code = VALID[0]
    for i in range(17):
        for ch in credit_code.ALPHABET:
            if ch == code[i]:
                continue
            typo = code[:i] + ch + code[i + 1:]
            assert not credit_code.is_valid(typo), typo


def test_complete_appends_the_check_character():
    assert credit_code.complete("91110108551385082") == "91110108551385082Q"

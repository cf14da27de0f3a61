"""The unified social credit code (GB 32100): check character, alphabet, length."""

from __future__ import annotations

import pytest

from conftest import GB32100_CHARS, GB32100_WEIGHTS, credit_code
from maturity import i18n
from maturity.data import uscc


def message(code) -> str | None:
    """uscc.problem() as the assessor reads it (MAT101's message in the catalogue)."""
    found = uscc.problem(code)
    return i18n.t(f"diagnostics.MAT101.{found[0]}", **found[1]) if found else None

# First 17 characters of a few codes; the check character is computed by the test's own implementation.
PREFIXES = ["91110108MA01XL0K7", "91350100M000100Y4", "12100000400000398", "31110000MD0157127", "Y2440300MJL109487"]


def test_weights_are_the_standard_table():
    # GB 32100 weights are 3^(i-1) mod 31; the module and the test's written-out table agree.
    assert [pow(3, i, 31) for i in range(17)] == list(GB32100_WEIGHTS)
    assert uscc.CHARSET == GB32100_CHARS
    assert not set("IOZSV") & set(uscc.CHARSET)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_valid_codes(prefix):
    code = credit_code(prefix)
    assert uscc.check_character(prefix) == code[-1]
    assert uscc.problem(code) is None
    assert uscc.is_valid(code)


def test_hand_computed_check_character():
    # 9 1 1 1 0 1 0 8 M A 0 1 X L 0 K 7 have the values 9 1 1 1 0 1 0 8 21 10 0 1 29 20 0 19 7
    values = [9, 1, 1, 1, 0, 1, 0, 8, 21, 10, 0, 1, 29, 20, 0, 19, 7]
    assert values == [GB32100_CHARS.index(c) for c in "91110108MA01XL0K7"]
    total = sum(v * w for v, w in zip(values, GB32100_WEIGHTS))
    assert total == 2411  # by hand: 9+3+9+27+0+26+0+136+420+290+0+13+232+480+0+570+196
    assert total % 31 == 24 and 31 - 24 == 7  # 2411 = 77 × 31 + 24
    assert uscc.check_character("91110108MA01XL0K7") == "7"
    assert uscc.is_valid("91110108MA01XL0K77")  # the demo organisation's code


@pytest.mark.parametrize("prefix", PREFIXES)
def test_wrong_check_character(prefix):
    good = credit_code(prefix)
    for c in GB32100_CHARS:
        if c != good[-1]:
            bad = good[:-1] + c
            why = message(bad)
            assert why and "校验位" in why, bad
            assert f"应为 {good[-1]}" in why
            assert not uscc.is_valid(bad)


def test_check_character_when_the_sum_is_a_multiple_of_31():
    """31 - 0 = 31 stands for the character 0 (GB 32100): construct such a code."""
    prefix16 = "9111010800000000"
    partial = sum(GB32100_CHARS.index(c) * w for c, w in zip(prefix16, GB32100_WEIGHTS))
    # solve partial + v * 28 ≡ 0 (mod 31) for the 17th character's value v
    v = next(v for v in range(31) if (partial + v * GB32100_WEIGHTS[16]) % 31 == 0)
    first17 = prefix16 + GB32100_CHARS[v]
    assert sum(GB32100_CHARS.index(c) * w for c, w in zip(first17, GB32100_WEIGHTS)) % 31 == 0
    assert uscc.check_character(first17) == "0"
    assert uscc.is_valid(first17 + "0")
    assert not uscc.is_valid(first17 + "Y")  # "31" would be out of the alphabet (index 31)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter):
    good = credit_code("91110108MA01XL0K7")
    bad = good[:10] + letter + good[11:]
    why = message(bad)
    assert why and "不允许的字符" in why and letter in why


def test_lower_case_is_not_allowed():
    why = message(credit_code("91110108MA01XL0K7").lower())
    assert why and "不允许的字符" in why


@pytest.mark.parametrize("code", ["", "91110108MA01XL0K7", "91110108MA01XL0K771", "9111010", None, 911101080001000000])
def test_wrong_length_or_type(code):
    why = message(code)
    assert why and "18 位" in why
    assert not uscc.is_valid(code)


def test_region_code_must_be_digits():
    # characters 3–8: the registering authority's administrative division code, digits only
    good = credit_code("91110108MA01XL0K7")
    bad = good[:4] + "A" + good[5:17]
    bad += uscc.check_character(bad)
    assert uscc.problem(bad) == ("region", {"region": "11A108"})
    assert "第 3–8 位" in message(bad)

"""Tests of huiqi.money: parsing yuan into integer fen, half-up rounding, formatting."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiqi.errors import HuiqiError, InputError
from huiqi.money import (
    MAX_FEN,
    fen_to_decimal,
    parse_money,
    percent_of,
    round_half_up_div,
    yuan,
    yuan_grouped,
)

FIELD = "facts.equipment_purchase_amount"
FEN = st.one_of(st.integers(0, MAX_FEN), st.integers(0, 10_000), st.sampled_from([0, 1, 99, 100, MAX_FEN]))


# --- round trips ---------------------------------------------------------------------------


@given(FEN)
def test_json_form_round_trips(fen):
    text = yuan(fen)
    assert parse_money(text, FIELD) == fen
    assert text.count(".") == 1 and len(text.split(".")[1]) == 2


@given(FEN)
def test_decimal_and_float_numbers_round_trip(fen):
    assert parse_money(Decimal(yuan(fen)), FIELD) == fen
    # JSON parsed with floats: repr() of a float is its shortest decimal, exact up to 15 digits.
    assert parse_money(float(yuan(fen)), FIELD) == fen


@given(st.integers(0, MAX_FEN // 100))
def test_whole_yuan_as_string_or_integer(whole):
    assert parse_money(str(whole), FIELD) == parse_money(whole, FIELD) == whole * 100


@given(st.integers(-MAX_FEN, MAX_FEN))
def test_grouped_form_matches_decimal_formatting(fen):
    assert yuan_grouped(fen) == format(Decimal(fen).scaleb(-2), ",.2f")
    assert fen_to_decimal(fen) == Decimal(yuan(fen))


def test_formatting_examples():
    assert yuan(86000000) == "860000.00"
    assert yuan(5) == "0.05"
    assert yuan(-12345) == "-123.45"
    assert yuan_grouped(123456790) == "1,234,567.90"
    assert yuan_grouped(MAX_FEN) == "1,000,000,000,000.00"


def test_negative_amounts_only_where_allowed():
    assert parse_money("-5.00", "delta", allow_negative=True) == -500
    assert parse_money(-5, "delta", allow_negative=True) == -500
    with pytest.raises(InputError, match="negative"):
        parse_money("-5.00", FIELD)


# --- half-up rounding ------------------------------------------------------------------------


def decimal_half_up(numerator: int, denominator: int) -> int:
    with localcontext() as context:
        context.prec = 100
        return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=500)
@given(st.integers(0, MAX_FEN * 10**6), st.integers(1, 10**8))
def test_round_half_up_div_matches_decimal_round_half_up(numerator, denominator):
    assert round_half_up_div(numerator, denominator) == decimal_half_up(numerator, denominator)


@given(st.integers(0, 10**6), st.sampled_from([2, 10, 100, 12_000_000]))
def test_exact_halves_round_up(k, denominator):
    assert round_half_up_div(k * denominator + denominator // 2, denominator) == k + 1
    assert round_half_up_div(k * denominator + denominator // 2 - 1, denominator) == k


@given(FEN, st.integers(0, 100))
def test_percent_of_is_applied_once_half_up(fen, pct):
    assert percent_of(fen, pct) == (fen * pct + 50) // 100 == decimal_half_up(fen * pct, 100)


def test_spec_worked_percentages():
    assert percent_of(1_234_567_895, 10) == 123_456_790  # 12,345,678.95 → 1,234,567.90
    assert percent_of(5_000_000_010, 10) == 500_000_001  # 50,000,000.10 → 5,000,000.01 before the cap
    assert percent_of(5, 10) == 1 and percent_of(4, 10) == 0


# --- refused inputs: each one names the field and says what was expected ----------------------


BAD = [
    pytest.param("4800.5", id="one decimal"),
    pytest.param("100.005", id="three decimals"),
    pytest.param("4,800.00", id="thousands separator"),
    pytest.param("1e5", id="exponent in a string"),
    pytest.param("", id="empty string"),
    pytest.param(" 100", id="leading space"),
    pytest.param("100 ", id="trailing space"),
    pytest.param("+100", id="plus sign"),
    pytest.param(".50", id="no whole part"),
    pytest.param("100.", id="dot without decimals"),
    pytest.param("NaN", id="NaN string"),
    pytest.param("Infinity", id="Infinity string"),
    pytest.param("１００.００", id="full-width digits"),
    pytest.param("٤٨٠٠", id="Arabic-Indic digits"),
    pytest.param("-5.00", id="negative string"),
    pytest.param(-5, id="negative int"),
    pytest.param(-0.01, id="negative float"),
    pytest.param(Decimal("-0.01"), id="negative decimal"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(None, id="null"),
    pytest.param(float("nan"), id="float NaN"),
    pytest.param(float("inf"), id="float inf"),
    pytest.param(float("-inf"), id="float -inf"),
    pytest.param(Decimal("NaN"), id="decimal NaN"),
    pytest.param(Decimal("sNaN"), id="decimal sNaN"),
    pytest.param(Decimal("Infinity"), id="decimal Infinity"),
    pytest.param(0.1 + 0.2, id="float with binary noise"),
    pytest.param(0.001, id="float three decimals"),
    pytest.param(1e-10, id="tiny float"),
    pytest.param(Decimal("1E-10"), id="tiny decimal"),
    pytest.param(Decimal("1E-9999999"), id="decimal tiny exponent"),
    pytest.param(Decimal("1.0000000000000000000000000001"), id="decimal beyond 28 digits"),
    pytest.param(1e300, id="huge float"),
    pytest.param(Decimal("1E+999999"), id="huge decimal"),
    pytest.param(10**30, id="huge int"),
    pytest.param("9" * 30, id="huge string"),
    pytest.param(MAX_FEN // 100 + 1, id="one yuan over the maximum"),
    pytest.param(yuan(MAX_FEN + 1), id="one fen over the maximum"),
    pytest.param([100], id="list"),
    pytest.param({"yuan": 100}, id="object"),
    pytest.param(b"100", id="bytes"),
]


@pytest.mark.parametrize("value", BAD)
def test_bad_amounts_are_refused_naming_the_field(value):
    with pytest.raises(InputError) as caught:
        parse_money(value, FIELD)
    message = str(caught.value)
    assert message.startswith(FIELD) and "expected a non-negative amount in yuan" in message
    assert "\n" not in message and isinstance(caught.value, HuiqiError)


GOOD = [
    pytest.param("4800.00", 480000, id="two decimals"),
    pytest.param("4800", 480000, id="no decimals"),
    pytest.param("0", 0, id="zero"),
    pytest.param("0.00", 0, id="zero with decimals"),
    pytest.param("00012.30", 1230, id="leading zeros"),
    pytest.param(4800, 480000, id="JSON integer"),
    pytest.param(4800.5, 480050, id="JSON number with one decimal"),
    pytest.param(0.07, 7, id="float that repr()s to two decimals"),
    pytest.param(1e5, 10_000_000, id="float 1e5"),
    pytest.param(Decimal("1E+5"), 10_000_000, id="JSON number 1e5"),
    pytest.param(Decimal("1E-2"), 1, id="JSON number 1e-2"),
    pytest.param(Decimal("4800.50"), 480050, id="decimal"),
    pytest.param(yuan(MAX_FEN), MAX_FEN, id="the maximum"),
]


@pytest.mark.parametrize(("value", "fen"), GOOD)
def test_good_amounts(value, fen):
    assert parse_money(value, FIELD) == fen


def test_negative_zero_string_is_refused():
    with pytest.raises(InputError):
        parse_money("-0.00", FIELD)


def test_out_of_range_says_so():
    with pytest.raises(InputError, match="out of range"):
        parse_money("9" * 30, FIELD)
    with pytest.raises(InputError, match="more than two decimals"):
        parse_money(Decimal("1.001"), FIELD)

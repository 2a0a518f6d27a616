"""Exact money: integer fen (分), parsed from yuan, rounded half-up, formatted for JSON and people."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from huiqi.errors import InputError, show_value

FEN_PER_YUAN = 100
# 1万亿元: far above any subsidy, low enough that fen × rates stays inside int64 in the batch path.
MAX_FEN = 10**14
EXPECTED_MONEY = "a non-negative amount in yuan with at most two decimals, e.g. \"4800.00\""

# ASCII digits only: \d would also take full-width "４８００.００" or other scripts' digits.
_YUAN_TEXT = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]{2}))?")
_CENT = Decimal("0.01")


def parse_money(value: object, field: str, *, allow_negative: bool = False) -> int:
    """Yuan in (a "x.xx" or integer string, a JSON number with ≤ 2 decimals) → integer fen.

    Strings must have exactly two decimals or none ("4800.5" and "4,800.00" are refused);
    numbers may have at most two. Booleans, NaN, infinities and anything else are refused.
    """
    expected = _expected(allow_negative)
    if isinstance(value, bool) or value is None:
        raise InputError(field, value, expected)
    if isinstance(value, str):
        if value.startswith("-") and not allow_negative:  # "-0.00" too: a sign is not an amount
            raise InputError(field, value, expected, reason=f"{show_value(value)} is negative")
        fen = _fen_from_text(value, field, expected)
    elif isinstance(value, int):
        fen = value * FEN_PER_YUAN
    elif isinstance(value, (Decimal, float)):
        if str(value).startswith("-") and not allow_negative:
            raise InputError(field, str(value), expected, reason=f"{value} is negative")
        fen = _fen_from_number(value, field, expected)
    else:
        raise InputError(field, value, expected)
    if fen < 0 and not allow_negative:
        raise InputError(field, value, expected, reason=f"{_show_yuan(fen)} is negative")
    if abs(fen) > MAX_FEN:
        raise InputError(field, value, expected, reason="the amount is out of range")
    return fen


def _expected(allow_negative: bool) -> str:
    if allow_negative:
        return "an amount in yuan with at most two decimals, e.g. \"-4800.00\""
    return EXPECTED_MONEY + f", at most {yuan_grouped(MAX_FEN)}"


def _fen_from_text(text: str, field: str, expected: str) -> int:
    match = _YUAN_TEXT.fullmatch(text)
    if match is None:
        raise InputError(field, text, expected)
    whole = int(match["whole"]) if len(match["whole"]) <= 20 else MAX_FEN * 10
    fen = whole * FEN_PER_YUAN + int(match["frac"] or 0)
    return -fen if match["sign"] else fen


def _fen_from_number(number: Decimal | float, field: str, expected: str) -> int:
    try:
        exact = Decimal(repr(number)) if isinstance(number, float) else number
        if not exact.is_finite():
            raise InputError(field, str(number), expected)
        if exact.copy_abs() > Decimal(MAX_FEN):
            raise InputError(field, str(number), expected, reason="the amount is out of range")
        # Quantize and compare exactly: ``exact * 100`` would round to the context's 28 digits
        # (1.000…0001 → 100) and underflow to 0 for tiny exponents (1E-9999999 → 0).
        cents = exact.quantize(_CENT)
        if cents != exact:
            raise InputError(field, str(number), expected, reason=f"{number} has more than two decimals")
        return int(cents.scaleb(2))
    except InvalidOperation:
        raise InputError(field, str(number), expected) from None


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up (四舍五入) for numerator ≥ 0, denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def percent_of(fen: int, percent: int) -> int:
    """A whole-number percentage of an amount, half-up once: (fen × pct + 50) // 100."""
    return round_half_up_div(fen * percent, 100)


def yuan(fen: int) -> str:
    """Integer fen → the JSON form, a yuan string with exactly two decimals: 12345 → "123.45"."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def yuan_grouped(fen: int) -> str:
    """Integer fen → yuan with thousands separators for people: 86000000 → "860,000.00"."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{part:02d}"


def _show_yuan(fen: int) -> str:
    return yuan_grouped(fen)


def fen_to_decimal(fen: int) -> Decimal:
    """For the edges that need a number in yuan (spreadsheets): exact, never float."""
    return Decimal(fen).scaleb(-2)

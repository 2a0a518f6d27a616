"""Fact types: what a fact of a case may hold, how it is validated and normalised."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

import attrs

from huiqi.errors import InputError
from huiqi.money import parse_money

INT_MAX = 10**9  # counts, months and years: a larger value is a typing mistake, not a fact

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: \d takes full-width ones too


@attrs.frozen
class FactType:
    """A kind of fact value: its name in docs, what a user must supply, and its parser."""

    name: str
    expected: str
    parse: Callable[[Any, str], Any]
    choices: tuple[str, ...] = ()
    vector_kind: str = "object"  # int | bool | money | date | enum | region | object


def parse_date(value: Any, field: str) -> dt.date:
    """An ISO 8601 calendar day "YYYY-MM-DD" (a real day: 2019-02-30 is refused)."""
    expected = "a date YYYY-MM-DD"
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InputError(field, value, expected)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, value, expected, reason=f"{value} is not a calendar day") from None


def _parse_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(field, value, "true or false")
    return value


def _int_parser(low: int, high: int) -> Callable[[Any, str], int]:
    expected = f"a whole number from {low} to {high:,}"

    def parse(value: Any, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(field, value, expected)
        if not low <= value <= high:
            raise InputError(field, value, expected, reason=f"{value} is out of range")
        return value

    return parse


def _money(value: Any, field: str) -> int:
    return parse_money(value, field)


def _pattern_parser(pattern: str, expected: str) -> Callable[[Any, str], str]:
    compiled = re.compile(pattern)

    def parse(value: Any, field: str) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise InputError(field, value, expected)
        return value

    return parse


def _region(value: Any, field: str) -> str:
    from huiqi.regions import validate_region

    return validate_region(value, field)


def _uscc(value: Any, field: str) -> str:
    from huiqi.uscc import validate_uscc

    return validate_uscc(value, field)


BOOL = FactType("bool", "true or false", _parse_bool, vector_kind="bool")
MONEY = FactType("money", "a non-negative amount in yuan", _money, vector_kind="money")
DATE = FactType("date", "a date YYYY-MM-DD", parse_date, vector_kind="date")
REGION = FactType("region", "a six-digit GB/T 2260 region code", _region, vector_kind="region")
USCC = FactType("uscc", "an 18-character USCC", _uscc)
INDUSTRY_CODE = FactType(
    "industry_code",
    "a four-digit GB/T 4754-2017 class code as a string, e.g. \"3484\"",
    _pattern_parser(r"[0-9]{4}", "a four-digit GB/T 4754-2017 class code as a string, e.g. \"3484\""),
    vector_kind="int_text",
)
CATALOGUE_CODE = FactType(
    "catalogue_code",
    "a service-type code: lowercase letters, digits and _ starting with a letter",
    _pattern_parser(r"[a-z][a-z0-9_]{0,63}", "a service-type code: lowercase letters, digits and _"),
)


def INT(low: int = 0, high: int = INT_MAX) -> FactType:
    """A JSON integer (not a float, a string or a boolean) in [low, high]."""
    return FactType("int", f"a whole number from {low} to {high:,}", _int_parser(low, high), vector_kind="int")


def ENUM(*choices: str) -> FactType:
    """One of the listed strings."""
    expected = "one of " + ", ".join(choices)

    def parse(value: Any, field: str) -> str:
        if not isinstance(value, str) or value not in choices:
            raise InputError(field, value, expected)
        return value

    return FactType("enum", expected, parse, choices=tuple(choices), vector_kind="enum")


def LIST(item: FactType, *, unique: bool = False) -> FactType:
    """A JSON array of items of one type (materials submitted, cities covered…)."""
    expected = f"a list of {item.expected}"

    def parse(value: Any, field: str) -> tuple:
        if not isinstance(value, list):
            raise InputError(field, value, expected)
        return tuple(item.parse(v, f"{field}[{i}]") for i, v in enumerate(value))

    return FactType(f"list of {item.name}", expected, parse, choices=item.choices)


@attrs.frozen
class Fact:
    """One fact a plugin's measures read: name, type, the entity it belongs to, its meaning."""

    name: str
    type: FactType
    meaning: str = ""
    entity: str = ""
    label_zh: str = ""
    identity: bool = False  # applicant_uscc & co: optional, validated when present, never missing

    def parse(self, value: Any) -> Any:
        return self.type.parse(value, f"facts.{self.name}")

"""How a cell of a CSV, XLSX or JSON-lines file becomes a fact's JSON value, typed by the fact's name.

Two steps, the same for every source and for ``huiqi entity add --fact name=value``:

1. **Text to a JSON value** (CSV cells and ``--fact`` values are text; XLSX text cells too):
   an empty cell is *no value* (nothing is recorded); ``true`` / ``false`` (any case) are
   booleans; an integer written canonically (``0``, ``42``, ``-7``; not ``007`` or ``+7``) is an
   integer; a cell starting with ``[`` or ``{`` is parsed as JSON (a list or an object); any other
   text stays text — so ``"4800.00"`` stays the string ``"4800.00"``, and ``0610`` stays ``"0610"``.
   XLSX cells typed as numbers, booleans or dates keep their type (a date cell is an ISO day);
   JSON lines are already JSON (``null`` is no value).
2. **The fact's name decides its type**, by the naming rules of CONTRACT.md:

   ==========================================  =================================================
   name                                        value stored
   ==========================================  =================================================
   ``*_amount``                                money: ``"x.xx"`` yuan string (``4800`` → ``"4800.00"``;
                                               ``"4800.5"`` and ``"4,800"`` are refused)
   ``*_uscc``                                  a valid USCC string
   ``*_region``, ``*_region_code``             a six-digit region string (a number cell 340100 → ``"340100"``)
   other ``*_code``                            a string (an integer becomes its digits: 3484 → ``"3484"``)
   ``*_date``, ``*_on``                        an ISO day ``"YYYY-MM-DD"``
   ``*_count``                                 an integer ≥ 0
   anything else                               the JSON value of step 1; a fraction is refused
                                               (only money has fractions, and money ends in ``_amount``)
   ==========================================  =================================================
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from huiqi.errors import InputError
from huiqi.facts import parse_date
from huiqi.money import parse_money, yuan
from huiqi.regions import validate_region
from huiqi.uscc import validate_uscc

FACT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
FACT_NAME_EXPECTED = "a snake_case English fact name (a-z, 0-9, _; at most 64 characters)"
_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")


def text_to_value(text: str) -> Any:
    """Step 1 for a text cell: None (no value), bool, int, a parsed JSON list/object, or the text.

    :raises ValueError: for a cell starting with ``[`` or ``{`` that is not valid JSON.
    """
    cell = text.strip()
    if not cell:
        return None
    if cell.lower() in ("true", "false"):
        return cell.lower() == "true"
    if _CANONICAL_INT.fullmatch(cell):
        return int(cell)
    if cell[0] in "[{":
        return json.loads(cell, parse_float=Decimal)
    return cell


def check_fact_name(name: object) -> str:
    """``name`` when it is a valid fact name, else InputError."""
    if not isinstance(name, str) or not FACT_NAME.fullmatch(name):
        raise InputError("fact name", name, FACT_NAME_EXPECTED)
    return name


def fact_value(name: str, value: Any) -> Any:
    """Step 2: the JSON value to store for fact ``name``, or None when there is no value.

    :raises InputError: naming the fact, when the value does not fit the type its name implies.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = _day_of(value, name)
    if name.endswith("_amount"):
        return yuan(parse_money(value, name))
    if name.endswith("_uscc"):
        return validate_uscc(value, name)
    if name.endswith(("_region", "_region_code")) or name == "region_code":
        return validate_region(digits_text(value), name)
    if name.endswith("_code"):
        return _code_text(name, value)
    if name.endswith(("_date", "_on")):
        return _iso_day(name, value)
    if name.endswith("_count"):
        return _count(name, value)
    return _plain_json(name, value)


def _day_of(value: dt.datetime, field: str) -> dt.date:
    """A spreadsheet date cell (a datetime at midnight) as a day; a time of day is refused."""
    if value.time() != dt.time(0):
        raise InputError(field, value.isoformat(), "a date without a time of day")
    return value.date()


def digits_text(value: Any) -> Any:
    """A whole number (a spreadsheet number cell) as its digits; anything else unchanged."""
    value = _integral(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _code_text(name: str, value: Any) -> str:
    text = digits_text(value)
    if not isinstance(text, str):
        raise InputError(name, value, "a code written as text, e.g. \"3484\"")
    return text.strip()


def _iso_day(name: str, value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else value
    return parse_date(text, name).isoformat()


def _count(name: str, value: Any) -> int:
    value = _integral(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(name, value, "a whole number ≥ 0")
    return value


PLAIN_EXPECTED = "true/false, a whole number, text, a list or an object"


def _plain_json(name: str, value: Any) -> Any:
    value = _integral(value)
    if isinstance(value, (bool, int, str)):
        return value.strip() if isinstance(value, str) else value
    if isinstance(value, (Decimal, float)):
        reason = f"{name}: {value} has a fraction; only money (a fact named *_amount) may"
        raise InputError(name, str(value), PLAIN_EXPECTED, reason=reason)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain_json(name, item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _plain_json(name, item) for key, item in value.items()}
    raise InputError(name, repr(value), PLAIN_EXPECTED)


def _integral(value: Any) -> Any:
    """A whole Decimal or float (1.0, as spreadsheets store integers) as an int."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

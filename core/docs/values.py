"""How values look on a documentation page: parameter values, dates, and cells of a Markdown table."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from huiqi.money import yuan_grouped

# Characters that Markdown would read as syntax inside a table cell, as HTML entities.
_CELL_ENTITIES = {"|": "&#124;", "*": "&#42;", "_": "&#95;", "`": "&#96;", "[": "&#91;", "]": "&#93;",
                  "\\": "&#92;", "#": "&#35;", "~": "&#126;", "^": "&#94;", "=": "&#61;",
                  "{": "&#123;", "}": "&#125;"}  # braces: attr_list would read {…} as attributes


def cell(value: Any) -> str:
    """Text shown literally in one Markdown table cell: HTML-escaped, Markdown syntax neutralised."""
    if value is None or value == "":
        return "—"
    text = html.escape(" ".join(str(value).split()), quote=False)
    return "".join(_CELL_ENTITIES.get(ch, ch) for ch in text)


def code(value: Any) -> str:
    """An identifier as inline code (identifiers never hold a backtick)."""
    return f"`{value}`" if value not in (None, "") else "—"


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def parameter_value(kind: str, value: Any, unit: str = "") -> str:
    """A parameter value as a reader of the document would write it (money in yuan, 10 %)."""
    if value is None:
        return "none"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {parameter_value(_item_kind(unit), item)}" for key, item in value.items())
    if isinstance(value, (tuple, list)):
        return ", ".join(parameter_value(_item_kind(unit), item) for item in value) or "(empty)"
    if kind == "money":
        return f"{yuan_grouped(value)} 元"
    if kind == "percent":
        return f"{value} %"
    if kind == "bp":
        return f"{value} bp ({value / 100:g} %)"
    if kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _item_kind(unit: str) -> str:
    """The kind of the items of a map or list parameter, read from its declared unit.

    (A parameter keeps its item type only to validate its file; the unit says it to people.)
    """
    unit = unit.lower()
    if "yuan" in unit or "元" in unit:
        return "money"
    if "basis point" in unit or unit.strip() == "bp":
        return "bp"
    if "%" in unit:
        return "percent"
    return "plain"


def comparison(kind: str) -> str:
    return {"ge": "≥", "gt": ">", "qualitative": "qualitative"}.get(kind, kind)

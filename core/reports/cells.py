"""One cell's value for each output: text for people (md, html), csv text, an xlsx cell value."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from huiqi.money import fen_to_decimal, yuan, yuan_grouped

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TOTAL_LABEL = "合计"


def local_time(value: dt.datetime) -> dt.datetime:
    """An aware timestamp in Asia/Shanghai (the contract's default zone)."""
    return value.astimezone(SHANGHAI)


def percent_text(fraction: Decimal) -> str:
    return f"{(Decimal(fraction) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def display(value: Any, kind: str) -> str:
    """For people: money with thousands separators, dates ISO, times in Shanghai, 45.5%."""
    if value is None:
        return ""
    if isinstance(value, str):  # text, or the 合计 label in a column of another kind
        return value
    if kind == "money":
        return yuan_grouped(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return local_time(value).strftime("%Y-%m-%d %H:%M:%S")
    if kind == "int":
        return f"{value:,}"
    if kind == "percent":
        return percent_text(value)
    return str(value)


def csv_text(value: Any, kind: str) -> str:
    """For csv: money as a plain two-decimal number in yuan (no separators), percentages as 45.5%."""
    if value is None or isinstance(value, str):
        return value or ""
    if kind == "money":
        return yuan(value)
    if kind == "datetime":
        return local_time(value).isoformat(timespec="seconds")
    if kind == "int":
        return str(value)
    return display(value, kind)


def xlsx_value(value: Any, kind: str) -> Any:
    """For openpyxl: money as an exact Decimal in yuan, dates as dates, times naive in Shanghai."""
    if value is None or isinstance(value, str):
        return value
    if kind == "money":
        return fen_to_decimal(value)
    if kind == "datetime":
        return local_time(value).replace(tzinfo=None)
    if kind == "percent":
        return Decimal(value)
    return value


XLSX_FORMATS = {"money": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "int": "#,##0",
                "percent": "0.0%"}


def width(text: str) -> int:
    """Display width: CJK (wide and full-width) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def totals_row(table) -> dict[str, Any] | None:
    """The totals row of a table (None when it sums nothing), labelled 合计 in its first free column."""
    if not table.totals:
        return None
    row: dict[str, Any] = {key: table.total(key) for key in table.totals}
    label_column = next((c for c in table.columns if c.key not in table.totals), None)
    if label_column is not None:
        row[label_column.key] = TOTAL_LABEL
    return row


def shorten(text: str, units: int) -> str:
    """At most ``units`` of display width, cut with … when longer."""
    if width(text) <= units:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > units - 1:
            break
        out += ch
    return out + "…"

"""Reading entity files — CSV, JSON lines, XLSX — into numbered rows keyed by canonical column names.

Rows are numbered as the person who made the file counts them: in CSV and XLSX the header is
row 1 and the first entity row 2; in JSON lines, line N is the N-th line of the file (blank
lines count but hold no entity).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import attrs

from huiqi.entities.values import FACT_NAME, FACT_NAME_EXPECTED
from huiqi.errors import InputError

FORMATS = ("csv", "jsonl", "xlsx")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}

# Canonical columns, then every other name a file may use for them (Chinese headers of
# 市场监管 exports, and the CLI's option names). Any other column is a fact.
IDENTITY_COLUMNS = ("uscc", "name", "kind", "region_code", "founded_on")
ROW_COLUMNS = ("recorded_on", "source")  # per-row overrides of the import's defaults
ALIASES = {
    "统一社会信用代码": "uscc",
    "企业名称": "name", "名称": "name",
    "类型": "kind", "主体类型": "kind",
    "行政区划代码": "region_code", "region": "region_code",
    "成立日期": "founded_on", "founded": "founded_on",
    "记录日期": "recorded_on",
    "来源": "source",
}
KNOWN_OR_FACT = ("a known column (uscc 统一社会信用代码, name 企业名称, region_code 行政区划代码, kind 类型, "
                 "founded_on 成立日期, recorded_on, source) or a fact named in snake_case English, "
                 "e.g. registered_capital_amount")
FACTS_KEY = "facts"  # JSON lines: facts may also be given as one object under this key


@attrs.frozen
class SourceRow:
    """One entity row: its number as the user counts, and its values by canonical column name."""

    number: int
    values: dict[str, Any]
    problems: tuple[InputError, ...] = ()  # found while reading; with no values, the row was unreadable


@attrs.frozen
class SourceTable:
    """The rows of one file; ``unit`` is what a row number is called ("row" or "line")."""

    unit: str
    rows: list[SourceRow]
    cells_are_text: bool  # CSV and XLSX text cells get the text rules of huiqi.entities.values


def format_of(path: Path, given: str | None) -> str:
    """The format to read ``path`` as: ``given``, else by its extension."""
    if given:
        return given
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError("--format", path.suffix or path.name, " or ".join(FORMATS),
                         reason=f"cannot tell the format of {path.name} from its extension; give --format")
    return found


def read_file(path: Path, fmt: str | None = None) -> SourceTable:
    """The rows of ``path`` in format ``fmt`` (default: by extension)."""
    chosen = format_of(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError("FILE", str(path), "a readable file", reason=f"{path}: {error.strerror}") from None
    if chosen == "csv":
        return read_csv(data)
    if chosen == "jsonl":
        return read_jsonl(data)
    return read_xlsx(data)


def canonical_column(header: object) -> str:
    """A header's canonical name: an alias resolved, ASCII lower-cased, surrounding space removed."""
    text = "" if header is None else str(header).strip().lstrip("\ufeff").strip()
    text = ALIASES.get(text, text)
    lowered = text.lower() if text.isascii() else text
    return ALIASES.get(lowered, lowered)


# --- CSV -------------------------------------------------------------------------------------

def read_csv(data: bytes) -> SourceTable:
    """UTF-8 CSV, with or without a byte-order mark; the first row is the header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError("FILE", None, "UTF-8 text (save a GBK file as \"CSV UTF-8\")",
                         reason=f"the file is not UTF-8 (byte {error.start})") from None
    records = list(csv.reader(io.StringIO(text, newline="")))
    return _table_from_grid(records, cells_are_text=True)


# --- XLSX ------------------------------------------------------------------------------------

def read_xlsx(data: bytes) -> SourceTable:
    """The first worksheet of an .xlsx workbook; row 1 is the header. Cells keep their types."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise InputError("FILE", None, "an .xlsx workbook", reason=f"not a readable .xlsx workbook ({error})") from None
    try:
        grid = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table_from_grid(grid, cells_are_text=True)


# --- CSV and XLSX alike ----------------------------------------------------------------------

def _table_from_grid(grid: list[list[Any]], *, cells_are_text: bool) -> SourceTable:
    if not grid or not any(_filled(cell) for cell in grid[0]):
        raise InputError("header", None, "row 1 naming the columns (uscc, name, region_code, kind, …)",
                         reason="row 1 is empty: the first row must be the header")
    columns = _header(grid[0], grid[1:])
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        if not any(_filled(cell) for cell in cells):
            continue
        problems = []
        if len(cells) > len(columns) and any(_filled(c) for c in cells[len(columns):]):
            used = max(i for i, c in enumerate(cells) if _filled(c)) + 1
            problems.append(InputError("cells", used, f"at most {len(columns)} cells, one per column of the header",
                                       reason=f"cells: {used} filled cells, the header names {len(columns)} columns"))
        values = {name: cell for name, cell in zip(columns, cells) if name and _filled(cell)}
        rows.append(SourceRow(number, values, tuple(problems)))
    return SourceTable("row", rows, cells_are_text)


def _header(header: list[Any], body: list[list[Any]]) -> list[str]:
    """The canonical column names; InputError for an unnamed column holding values, a bad or repeated name."""
    columns: list[str] = []
    for index, raw in enumerate(header):
        name = canonical_column(raw)
        where = f"column {index + 1}"
        if not name:
            if any(index < len(row) and _filled(row[index]) for row in body):
                raise InputError(f"header {where}", None, "a column name", reason=f"header {where} has no name but holds values")
        elif name in columns:
            raise InputError(f"header {where}", raw, "each column once", reason=f"header {where}: {raw!r} repeats column {name}")
        elif name not in IDENTITY_COLUMNS + ROW_COLUMNS and not FACT_NAME.fullmatch(name):
            raise InputError(f"header {where}", raw, KNOWN_OR_FACT,
                             reason=f"header {where}: {raw!r} is not a known column, and other columns are facts")
        columns.append(name)
    missing = [c for c in ("uscc", "name", "region_code") if c not in columns]
    if missing:
        raise InputError("header", None, "columns uscc, name, region_code (kind and founded_on optional)",
                         reason=f"the header has no column {', '.join(missing)}")
    return columns


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


# --- JSON lines ------------------------------------------------------------------------------

def read_jsonl(data: bytes) -> SourceTable:
    """One JSON object per line; keys as CSV headers; a ``facts`` object adds facts."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError("FILE", None, "UTF-8 text", reason=f"the file is not UTF-8 (byte {error.start})") from None
    rows = [_jsonl_row(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    return SourceTable("line", rows, cells_are_text=False)


def _jsonl_row(number: int, line: str) -> SourceRow:
    expected = "a JSON object of one entity"
    try:
        record = json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
    except ValueError as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        return SourceRow(number, {}, (InputError("json", None, expected, reason=f"json: not valid JSON ({detail})"),))
    if not isinstance(record, dict):
        kind = type(record).__name__
        return SourceRow(number, {}, (InputError("json", None, expected, reason=f"json: a {kind}, not an object"),))
    values: dict[str, Any] = {}
    problems: list[InputError] = []
    nested = record.pop(FACTS_KEY, {})
    if not isinstance(nested, dict):
        problems.append(InputError(FACTS_KEY, nested, "an object of facts by name"))
        nested = {}
    for key, value in _items(record, nested):
        name = canonical_column(key)
        if name in values:
            problems.append(InputError(name, value, "each field once", reason=f"{name} is given twice"))
        elif name not in IDENTITY_COLUMNS + ROW_COLUMNS and not FACT_NAME.fullmatch(name):
            problems.append(InputError(str(key), value, KNOWN_OR_FACT,
                                       reason=f"{key!r} is not a known field, and other fields are facts"))
        elif value is not None:
            values[name] = value
    return SourceRow(number, values, tuple(problems))


def _items(record: dict[str, Any], nested: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    yield from record.items()
    yield from nested.items()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")

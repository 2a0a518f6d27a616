"""xlsx (openpyxl): what a bureau circulates — a title, a frozen Chinese header, real numbers and dates."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from huiqi.reports.cells import XLSX_FORMATS, display, totals_row, width, xlsx_value

TITLE_ROW, META_ROW, HEADER_ROW = 1, 2, 3
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
THIN = Side(style="thin", color="999999")


def render_xlsx(run) -> bytes:
    """One sheet per table (the first is the report); notes under the main table."""
    book = Workbook()
    for index, table in enumerate(run.data.tables()):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = _sheet_title(table.title or run.title, index)
        end = _write_table(sheet, run, table, table.title or run.title)
        if index == 0:
            _write_notes(sheet, run.data.notes, end + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, index: int) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28]
    return cleaned or f"表{index + 1}"


def _write_table(sheet, run, table, title: str) -> int:
    """Title, meta line, header (frozen below it), rows, bold totals; returns the last row written."""
    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    sheet.cell(META_ROW, 1, "；".join(f"{label}：{value}" for label, value in run.meta)).font = Font(color="555555")
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(HEADER_ROW, col, column.header)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, Border(bottom=THIN)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1).coordinate
    row_number = HEADER_ROW
    for row in table.rows:
        row_number += 1
        _write_row(sheet, row_number, table.columns, row)
    total = totals_row(table)
    if total is not None:
        row_number += 1
        _write_row(sheet, row_number, table.columns, total, bold=True)
    _set_widths(sheet, table, total)
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.columns))}{HEADER_ROW + len(table.rows)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(table.columns) > 6 else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return row_number


def _write_row(sheet, row_number: int, columns, row, *, bold: bool = False) -> None:
    for col, column in enumerate(columns, start=1):
        value = row.get(column.key)
        cell = sheet.cell(row_number, col, xlsx_value(value, column.kind))
        if column.kind in XLSX_FORMATS and not isinstance(value, str):
            cell.number_format = XLSX_FORMATS[column.kind]
        if bold:
            cell.font = Font(bold=True)
            cell.border = Border(top=THIN)


def _set_widths(sheet, table, total) -> None:
    rows = list(table.rows) + ([total] if total else [])
    for col, column in enumerate(table.columns, start=1):
        widest = max([width(column.header)] + [width(display(r.get(column.key), column.kind)) for r in rows])
        sheet.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, widest + 2)


def _write_notes(sheet, notes, start: int) -> None:
    for offset, note in enumerate(notes):
        sheet.cell(start + offset, 1, ("说明：" if offset == 0 else "") + note).font = Font(italic=True, color="555555")

"""Each output format of a report: xlsx (numbers, dates, frozen header, totals), csv (BOM), html, md, json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import pytest

from huiqi.reports import render
from huiqi.reports.cells import width

from . import sample


@pytest.fixture(scope="module")
def schedule(run):
    return run("award_schedule")


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets


def test_xlsx_has_a_frozen_chinese_header_numbers_and_a_bold_totals_row(schedule):
    sheet = _sheet(render(schedule, "xlsx"))[0]
    assert sheet["A1"].value == "奖补资金安排表"
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["年度", "措施代码", "措施"] and "奖补金额" in headers
    assert sheet.freeze_panes == "A4"  # the header row (row 3, under the title) stays in view
    award_col = headers.index("奖补金额") + 1
    awards = [sheet.cell(r, award_col) for r in range(4, 4 + len(schedule.data.rows))]
    assert all(isinstance(c.value, (int, float)) and c.number_format == "#,##0.00" for c in awards)
    assert sorted(c.value for c in awards) == [500000, 860000, 1000000, 5000000]
    total = sheet.cell(4 + len(schedule.data.rows), award_col)
    assert total.value == 7_360_000 and total.font.bold and total.number_format == "#,##0.00"
    assert sheet.cell(4 + len(schedule.data.rows), 1).value == "合计"


def test_xlsx_dates_are_date_cells_and_widths_count_cjk_double(run):
    sheet = _sheet(render(run("payout_list"), "xlsx"))[0]
    headers = [c.value for c in sheet[3]]
    paid = sheet.cell(4, headers.index("兑付日期") + 1)
    assert paid.is_date and isinstance(paid.value, dt.datetime) and paid.number_format == "yyyy-mm-dd"
    applicant = headers.index("申请人") + 1
    column = openpyxl.utils.get_column_letter(applicant)
    longest = max(width(sheet.cell(r, applicant).value or "") for r in range(3, sheet.max_row + 1))
    assert sheet.column_dimensions[column].width >= longest >= 2 * len(sample.NAMES[sample.HEFEI_A])


def test_xlsx_puts_more_tables_on_sheets_of_their_own(run):
    sheets = _sheet(render(run("performance_evaluation"), "xlsx"))
    assert [s.title for s in sheets] == ["绩效评价", "按城市分布", "按档次分布"]
    assert all(s.freeze_panes == "A4" for s in sheets)


def test_csv_is_utf8_with_bom_chinese_headers_and_plain_two_decimal_money(schedule):
    data = render(schedule, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {"年度", "申请人", "统一社会信用代码", "奖补金额"} <= set(rows[0])
    assert sorted(r["奖补金额"] for r in rows[:-1]) == ["1000000.00", "500000.00", "5000000.00", "860000.00"]
    assert rows[-1]["年度"] == "合计" and rows[-1]["奖补金额"] == "7360000.00"


def test_html_is_self_contained_prints_on_a4_and_embeds_svg_charts(run):
    html = render(run("budget_by_account"), "html").decode("utf-8")
    assert "http" not in html.lower() and "<script" not in html and "src=" not in html
    assert not re.search(r"url\((?!#)", html) and not re.search(r'href="(?!#)', html)  # only in-page references
    assert "<svg" in html and "<?xml" not in html
    assert re.search(r"@page\s*{\s*size:\s*A4", html)
    assert "display: table-header-group" in html and "<thead>" in html
    assert "合计" in html and "10,000,000.00" in html


def test_wide_tables_print_on_a4_landscape(schedule):
    assert "size: A4 landscape" in render(schedule, "html").decode("utf-8")


def test_md_has_a_table_with_a_bold_totals_row(schedule):
    md = render(schedule, "md").decode("utf-8")
    assert md.startswith("# 奖补资金安排表\n")
    assert "| 年度 | 措施代码 | 措施 |" in md
    assert "**7,360,000.00**" in md and "**合计**" in md


def test_json_writes_money_as_contract_strings(schedule):
    body = json.loads(render(schedule, "json"))
    awards = sorted(r["award"] for r in body["tables"][0]["rows"])
    assert body["report"] == "award_schedule" and awards == ["1000000.00", "500000.00", "5000000.00", "860000.00"]


def test_a_plugin_template_adds_its_own_words(run):
    html = render(run("public_notice_list"), "html").decode("utf-8")
    assert "现将拟给予省级奖补的名单予以公示" in html
    assert "public_notice_working_days = 0" in html  # the default round has no notice (I-19)

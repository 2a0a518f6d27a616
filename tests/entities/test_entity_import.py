"""Importing entities on both backends: each format, all or nothing, --skip-bad, duplicates, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from huiqi.entities import check_entities, get_entity, import_entities
from huiqi.entities.models import entities, entity_facts
from huiqi.entities.readers import read_csv, read_jsonl, read_xlsx
from huiqi.ledger.chain import verify_events
from huiqi.ledger.db import transaction

from ._support import BAD_ROWS, WRITERS, csv_bytes, good_row, jsonl_bytes, ten_rows_three_bad, uscc, wrong_check

READERS = {"csv": read_csv, "jsonl": read_jsonl, "xlsx": read_xlsx}
ON = dt.date(2024, 3, 1)


def _import(engine, table, **options):
    with transaction(engine) as session:
        return import_entities(session, table, recorded_on=ON, **options)


def _count(engine, table=entities):
    with transaction(engine, read_only=True) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def _audit_problems(engine):
    with transaction(engine, read_only=True) as session:
        return verify_events(session) + check_entities(session)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_a_good_file_in_each_format_imports_every_row_with_typed_facts(sqlite_engine, fmt):
    _good_file_imports(sqlite_engine, fmt)


def test_a_good_file_imports_on_both_backends(engine):
    _good_file_imports(engine, "csv")


def _good_file_imports(engine, fmt):
    rows = [good_row(seq) for seq in range(1, 6)]
    report = _import(engine, READERS[fmt](WRITERS[fmt](rows)))
    assert report.written and not report.rejected
    assert len(report.added) == 5 and report.facts_recorded == 20
    with transaction(engine, read_only=True) as session:
        three = get_entity(session, uscc(3, "340100"))
    assert (three.name, three.kind, three.region_code, three.founded_on) == \
        ("测试企业3号科技有限公司", "supplier", "340100", dt.date(2013, 3, 4))
    assert three.fact_values() == {"employee_count": 30, "annual_revenue_amount": "3000000.00",
                                   "is_specialised_sme": True, "industry_code": "0610"}
    assert _audit_problems(engine) == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_three_bad_rows_of_ten_in_each_format_write_nothing_and_are_all_listed(sqlite_engine, fmt):
    _three_bad_rows_write_nothing(sqlite_engine, fmt)


def test_three_bad_rows_of_ten_write_nothing_on_both_backends(engine):
    _three_bad_rows_write_nothing(engine, "csv")


def _three_bad_rows_write_nothing(engine, fmt):
    report = _import(engine, READERS[fmt](WRITERS[fmt](ten_rows_three_bad())))
    unit = "line" if fmt == "jsonl" else "row"
    numbers = {n - 1 if fmt == "jsonl" else n: field for n, field in BAD_ROWS.items()}  # no header line
    assert not report.written and report.rows_read == 10
    assert report.rejected_rows == sorted(numbers)
    assert [(p.row, p.field) for p in report.rejected] == sorted(numbers.items())
    assert all(line.startswith(f"{unit} ") for line in report.problem_lines())
    assert _count(engine) == 0 and _count(engine, entity_facts) == 0


def test_skip_bad_writes_the_seven_and_lists_the_three(engine):
    report = _import(engine, read_csv(csv_bytes(ten_rows_three_bad())), skip_bad=True)
    assert report.written and len(report.added) == 7
    assert report.rejected_rows == [4, 7, 10]
    assert "skipped 3 bad rows: 4, 7, 10" in report.summary()
    assert _count(engine) == 7
    assert _audit_problems(engine) == []


def test_a_wrong_check_character_names_row_field_value_and_what_was_expected(sqlite_engine):
    engine = sqlite_engine
    row = good_row(1)
    row["uscc"] = wrong_check(row["uscc"])
    report = _import(engine, read_csv(csv_bytes([row])))
    (line,) = report.problem_lines()
    assert line.startswith(f"row 2: uscc: '{row['uscc']}': check character should be")
    assert "GB 32100-2015" in line


def test_a_uscc_repeated_in_the_file_rejects_every_row_that_has_it(engine):
    rows = [good_row(1), good_row(2), good_row(1)]
    report = _import(engine, read_csv(csv_bytes(rows)), skip_bad=True)
    assert report.rejected_rows == [2, 4]
    assert "appears again on row 4" in report.problem_lines()[0]
    assert len(report.added) == 1 and _count(engine) == 1


def test_a_uscc_on_record_with_another_name_or_kind_is_rejected_the_same_is_matched(engine):
    _import(engine, read_csv(csv_bytes([good_row(1), good_row(2)])))
    renamed, same = good_row(1), good_row(2)
    renamed.update(name="另一家公司", kind="platform")
    same["employee_count"] = "999"
    report = _import(engine, read_csv(csv_bytes([renamed, same])))
    assert not report.written
    assert [(p.row, p.field) for p in report.rejected] == [(2, "name"), (2, "kind")]
    assert "differs from the record" in report.problem_lines()[0]
    report = _import(engine, read_csv(csv_bytes([same])))
    assert report.matched == (same["uscc"],) and report.facts_recorded == 1 and report.facts_unchanged == 3


def test_bom_and_chinese_headers_are_read_like_plain_ones(sqlite_engine):
    engine = sqlite_engine
    rows = [good_row(1), good_row(2)]
    report = _import(engine, read_csv(csv_bytes(rows, bom=True, chinese=True)))
    assert report.written and len(report.added) == 2
    with transaction(engine, read_only=True) as session:
        assert get_entity(session, rows[0]["uscc"]).name == rows[0]["name"]


def test_importing_the_same_file_again_changes_nothing(sqlite_engine):
    engine = sqlite_engine
    data = read_csv(csv_bytes([good_row(1), good_row(2)]))
    _import(engine, data)
    again = _import(engine, data)
    assert again.written and again.added == () and len(again.matched) == 2
    assert again.facts_recorded == 0 and again.facts_unchanged == 8
    assert _count(engine, entity_facts) == 8


def test_mappings_import_with_a_default_kind(sqlite_engine):
    engine = sqlite_engine
    rows = [{"统一社会信用代码": uscc(1), "企业名称": "甲公司", "region_code": "340100", "employee_count": 5}]
    report = _import(engine, rows, default_kind="service_provider")
    assert report.written and report.unit == "record"
    with transaction(engine, read_only=True) as session:
        assert get_entity(session, uscc(1)).kind == "service_provider"


def test_an_unreadable_json_line_is_one_problem_and_lines_count_blank_ones(sqlite_engine):
    good = jsonl_bytes([good_row(1)]).decode()
    data = f"{good}\nnot json\n[1]\n{good}".encode()
    report = _import(sqlite_engine, read_jsonl(data))
    assert [(p.row, p.field) for p in report.rejected] == [(1, "uscc"), (3, "json"), (4, "json"), (5, "uscc")]
    assert "appears again on line 5" in report.problem_lines()[0]

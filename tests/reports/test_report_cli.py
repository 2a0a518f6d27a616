"""``huiqi report``: listing, writing each format, and one line with exit status 2 for every bad input."""

from __future__ import annotations

import openpyxl
import pytest
from cli._support import run_in_process, run_subprocess  # noqa: I001  (the CLI tests' runners)


@pytest.fixture
def huiqi(tmp_path):
    db = f"sqlite:///{tmp_path / 'huiqi.db'}"
    return lambda *args: run_in_process(["--db", db, "report", *args], config=tmp_path / "huiqi.toml", cwd=tmp_path)


def test_report_list_names_core_and_plugin_reports(huiqi):
    run = huiqi("list")
    assert run.code == 0
    names = {line.split()[0] for line in run.out_lines if line and not line.startswith(" ")}
    assert {"applications_by_state", "budget_by_account", "payouts", "audit_log", "award_schedule",
            "public_notice_list", "payout_list", "review_sheet", "performance_evaluation",
            "programme_dashboard"} <= names


def test_formats_go_to_stdout_or_a_file(huiqi, tmp_path):
    csv_run = huiqi("applications_by_state", "--format", "csv")
    assert csv_run.code == 0 and csv_run.stdout.startswith(b"\xef\xbb\xbf\xe6\x94\xbf")  # BOM, then 政策文件
    out = tmp_path / "dashboard.xlsx"
    xlsx_run = huiqi("programme_dashboard", "--format", "xlsx", "--out", str(out), "--on", "2022-06-30")
    assert xlsx_run.code == 0 and xlsx_run.stdout == b""
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A1"].value == "工业互联网创新发展行动计划 指标看板" and sheet.freeze_panes == "A4"
    html = huiqi("budget_by_account", "--format", "html", "--as", "provincial_finance")
    assert html.code == 0 and html.out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("args", "message"), [
    (["nope"], "no report 'nope'"),
    (["payouts", "--format", "pdf"], "--format"),
    (["payouts", "--format", "xlsx"], "--format xlsx needs --out PATH"),
    (["payouts", "--period", "2022-13-01:"], "--period"),
    (["payouts", "--period", "2022-06-30:2022-01-01"], "after its end"),
    (["payouts", "--period", "last year"], "--period"),
    (["payouts", "--as", "City Bureau"], "--as"),
    (["award_schedule", "--as", "public"], "role public may not view report award_schedule"),
    (["payouts", "--as", "city_bureau"], "city_bureau:SCOPE"),
    (["payouts", "--as", "city_bureau:340100", "--region", "340200"], "cannot see region 340200"),
    (["payouts", "--region", "3401"], "--region"),
    (["audit_log"], "needs --application"),
    (["audit_log", "--application", "abc"], "--application"),
    (["audit_log", "--application", "99"], "no application 99"),
    (["payouts", "--on", "2022-02-30"], "--on"),
])
def test_bad_input_is_one_line_and_exit_2(huiqi, args, message):
    run = huiqi(*args)
    assert run.code == 2, run.stderr
    assert len(run.err_lines) == 1 and message in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == b""


def test_as_a_real_process(tmp_path):
    db = f"sqlite:///{tmp_path / 'huiqi.db'}"
    ok = run_subprocess(["--db", db, "report", "programme_dashboard", "--as", "public", "--on", "2022-06-30"],
                        config=tmp_path / "huiqi.toml", cwd=tmp_path)
    assert ok.code == 0 and "| 指标 |" in ok.out and "进度滞后 (behind)" in ok.out
    refused = run_subprocess(["--db", db, "report", "payout_list", "--as", "enterprise:91340100MA2N0AB1CJ"],
                             config=tmp_path / "huiqi.toml", cwd=tmp_path)
    assert refused.code == 2 and refused.err_lines == [
        "--as: role enterprise may not view report payout_list (expected a role allowed to view it: "
        "provincial_bureau, provincial_finance, auditor, city_bureau)"]

"""``huiqi entity add / import / show`` on a database the command migrates itself, both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from huiqi.entities.models import entities
from huiqi.ledger.db import make_engine

from ._support import BAD_ROWS, csv_bytes, run_huiqi, ten_rows_three_bad, uscc, xlsx_bytes

CODE = uscc(11)


def _entity_count(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(entities)).scalar_one()
    finally:
        engine.dispose()


def test_add_twice_then_show_lists_both_recordings_and_the_later_is_current(db_url, tmp_path):
    base = ["--db", db_url, "entity", "add", "--uscc", CODE, "--name", "合肥十一号科技有限公司",
            "--region", "340100", "--kind", "企业", "--founded", "2018-08-08"]
    first = run_huiqi([*base, "--fact", "employee_count=40", "--fact", "annual_revenue_amount=5000000",
                       "--recorded-on", "2023-12-31"], cwd=tmp_path)
    assert (first.code, first.err) == (0, ""), first.err
    assert first.out.startswith(f"added {CODE}")
    second = run_huiqi([*base, "--fact", "employee_count=55", "--recorded-on", "2024-06-30"], cwd=tmp_path)
    assert second.code == 0 and "already on record" in second.out and "1 fact recorded" in second.out
    shown = run_huiqi(["--db", db_url, "entity", "show", CODE, "--format", "json"], cwd=tmp_path)
    view = json.loads(shown.out)
    assert view["kind"] == "enterprise" and view["founded_on"] == "2018-08-08"
    assert view["facts"] == {"annual_revenue_amount": "5000000.00", "employee_count": 55}
    assert [(h["name"], h["value"], h["recorded_on"]) for h in view["history"]] == [
        ("employee_count", 40, "2023-12-31"), ("annual_revenue_amount", "5000000.00", "2023-12-31"),
        ("employee_count", 55, "2024-06-30")]  # by day recorded, then in the order given
    text = run_huiqi(["--db", db_url, "entity", "show", CODE], cwd=tmp_path).out
    assert "340100 合肥市" in text and "employee_count = 55" in text and "2023-12-31  employee_count = 40" in text


def test_import_with_three_bad_rows_exits_2_lists_each_and_writes_nothing(db_url, tmp_path):
    path = tmp_path / "enterprises.csv"
    path.write_bytes(csv_bytes(ten_rows_three_bad()))
    run = run_huiqi(["--db", db_url, "entity", "import", str(path)], cwd=tmp_path)
    assert run.code == 2 and run.out == ""
    problems = run.err_lines[:-1]
    assert [line.split(":")[0] for line in problems] == [f"row {n}" for n in BAD_ROWS]
    assert [line.split(": ")[1] for line in problems] == list(BAD_ROWS.values())
    assert run.err_lines[-1].startswith("nothing imported: 3 of 10 rows rejected")
    assert _entity_count(db_url) == 0


def test_import_skip_bad_writes_the_seven_and_lists_the_three(db_url, tmp_path):
    path = tmp_path / "enterprises.xlsx"
    path.write_bytes(xlsx_bytes(ten_rows_three_bad()))
    run = run_huiqi(["--db", db_url, "entity", "import", str(path), "--skip-bad"], cwd=tmp_path)
    assert run.code == 2
    assert [line.split(":")[0] for line in run.err_lines] == [f"row {n}" for n in BAD_ROWS]
    assert "7 added" in run.out and "skipped 3 bad rows: 4, 7, 10" in run.out
    assert _entity_count(db_url) == 7


def test_user_mistakes_are_one_line_and_exit_2(tmp_path):
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}", "entity"]
    unknown = run_huiqi([*db, "show", CODE], cwd=tmp_path)
    assert unknown.code == 2 and unknown.err_lines == [f"uscc: no entity with USCC {CODE} is on record "
                                                       "(expected the USCC of an entity on record (huiqi entity add / import))"]
    bad_fact = run_huiqi([*db, "add", "--uscc", CODE, "--name", "甲", "--region", "340100", "--kind", "enterprise",
                          "--fact", "employee_count"], cwd=tmp_path)
    assert bad_fact.code == 2 and len(bad_fact.err_lines) == 1 and "NAME=VALUE" in bad_fact.err
    (tmp_path / "list.txt").write_text("x")
    no_format = run_huiqi([*db, "import", str(tmp_path / "list.txt")], cwd=tmp_path)
    assert no_format.code == 2 and "give --format" in no_format.err


def test_a_real_process_prints_no_traceback(tmp_path):
    path = tmp_path / "企业名单.csv"
    rows = ten_rows_three_bad()
    rows.append(rows[0].copy())  # row 12 repeats row 2
    path.write_bytes(csv_bytes(rows, bom=True, chinese=True))
    env = {k: v for k, v in os.environ.items() if k != "HUIQI_DB"}
    env["HUIQI_CONFIG"] = str(tmp_path / "huiqi.toml")
    done = subprocess.run([str(Path(sys.executable).parent / "huiqi"), "--db", str(tmp_path / "h.db"),
                           "entity", "import", str(path)], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["row 2", "row 4", "row 7", "row 10", "row 12"]
    assert "appears again on row 12" in lines[0]

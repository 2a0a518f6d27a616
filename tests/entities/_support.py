"""Sample entity files (CSV, JSON lines, XLSX written with openpyxl) and running ``huiqi`` in-process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import attrs
from click.testing import CliRunner

from huiqi.cli import main
from huiqi.uscc import make_uscc

HEADER = ["uscc", "name", "region_code", "kind", "founded_on", "employee_count",
          "annual_revenue_amount", "is_specialised_sme", "industry_code"]
CHINESE = {"uscc": "统一社会信用代码", "name": "企业名称", "region_code": "行政区划代码",
           "founded_on": "成立日期", "kind": "类型"}
BAD_ROWS = {4: "uscc", 7: "region_code", 10: "founded_on"}  # row numbers as a user counts (header = 1)


def uscc(seq: int, region: str = "340100") -> str:
    return make_uscc(seq, region)


def wrong_check(code: str) -> str:
    """The same code with a wrong check character."""
    return code[:17] + ("1" if code[17] != "1" else "2")


def good_row(seq: int) -> dict[str, Any]:
    region = ("340100", "340104", "440100")[seq % 3]
    return {"uscc": uscc(seq, region), "name": f"测试企业{seq}号科技有限公司", "region_code": region,
            "kind": ("enterprise", "supplier")[seq % 2], "founded_on": f"201{seq % 10}-03-0{1 + seq % 9}",
            "employee_count": str(10 * seq), "annual_revenue_amount": f"{seq}000000.00",
            "is_specialised_sme": "true" if seq % 2 else "false", "industry_code": "0610" if seq == 3 else "3484"}


def ten_rows_three_bad() -> list[dict[str, Any]]:
    """Ten entity rows (rows 2–11 of a file); rows 4, 7 and 10 are bad as BAD_ROWS says."""
    rows = [good_row(seq) for seq in range(1, 11)]
    rows[4 - 2]["uscc"] = wrong_check(rows[4 - 2]["uscc"])
    rows[7 - 2]["region_code"] = "34010"
    rows[10 - 2]["founded_on"] = "2019-02-30"
    return rows


def csv_bytes(rows: list[dict[str, Any]], *, bom: bool = False, chinese: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([CHINESE.get(h, h) if chinese else h for h in HEADER])
    for row in rows:
        writer.writerow([row.get(h, "") for h in HEADER])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    """JSON lines typed as JSON: counts are numbers, booleans are booleans."""
    lines = []
    for row in rows:
        record: dict[str, Any] = {k: row[k] for k in ("uscc", "name", "region_code", "kind", "founded_on")}
        record["facts"] = {"employee_count": int(row["employee_count"]),
                           "annual_revenue_amount": row["annual_revenue_amount"],
                           "is_specialised_sme": row["is_specialised_sme"] == "true",
                           "industry_code": row["industry_code"]}
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    """A workbook typed as people type it: region and counts as numbers, a date cell, TRUE/FALSE cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        try:
            founded: Any = dt.date.fromisoformat(row["founded_on"])
        except ValueError:
            founded = row["founded_on"]  # a bad date stays the text the user typed
        region = int(row["region_code"])
        sheet.append([row["uscc"], row["name"], region, row["kind"], founded, int(row["employee_count"]),
                      row["annual_revenue_amount"], row["is_specialised_sme"] == "true", row["industry_code"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": csv_bytes, "jsonl": jsonl_bytes, "xlsx": xlsx_bytes}


@attrs.frozen
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def run_huiqi(args: list[str], *, cwd: Path) -> Run:
    """``huiqi ARGS`` through main() (so user mistakes are one line and exit 2), streams isolated."""
    env = {"HUIQI_CONFIG": str(cwd / "huiqi.toml"), "HUIQI_DB": None, "HUIQI_BLOCK_PLUGINS": None}
    old_argv, old_cwd = sys.argv, os.getcwd()
    with CliRunner().isolation(env=env) as (out, err, _mixed):
        sys.argv = ["huiqi", *args]
        os.chdir(cwd)
        try:
            main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            sys.argv = old_argv
            os.chdir(old_cwd)
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

"""The reports of spec §8 on a small lifecycle: two Guangzhou vouchers paid (one pilot), a Shenzhen one
carried over for lack of funds, a Guangzhou one only issued."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from ._world import P1, P2, World, paid_ids

REPORTS = ("cloud_completion_table", "settlement_list", "settlement_notice", "vouchers_by_state",
           "payouts_by_period", "supplier_activity")


@pytest.fixture(scope="module")
def life(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gd-reports")
    w = World(tmp, f"sqlite:///{tmp / 'huiqi.db'}")
    w.announce(P1)
    w.announce(P2)
    w.allocate("2018-1", "440100", "1000000.00", funds="500000.00")
    w.allocate("2018-1", "440300", "100000.00", funds="10000.00")
    supplier = w.supplier(90, pilot_period="2018-1")
    ids = {}
    for n, (name, fee, pilot) in enumerate((("a", "50000.00", True), ("b", "60000.00", False))):
        e = w.enterprise(100 + n)
        ids[name] = app = w.voucher(e, supplier, f"HT-{name}", fee, "2018-10-08")
        w.issue(app, e, supplier, "2018-10-08", **({"pilot": "true"} if pilot else {}))
        w.settle(app, e, supplier, "2019-03-01", fee)
    sz = w.enterprise(170, region="440305")
    ids["c"] = c = w.voucher(sz, supplier, "HT-c", "40000.00", "2018-10-08", region="440305")
    w.issue(c, sz, supplier, "2018-10-08", city="440300")
    w.settle(c, sz, supplier, "2019-03-01", "40000.00", city="440300")
    e = w.enterprise(103)
    ids["d"] = d = w.voucher(e, supplier, "HT-d", "30000.00", "2018-10-09")
    w.issue(d, e, supplier, "2018-10-09")
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440100", "--on", "2019-03-04", "--url", "https://gz.example/notice")
    w.huiqi("vouchers", "publish-settlement-list", "--as", "city:440300", "--on", "2019-03-04")
    w.tick("2019-03-12")
    assert paid_ids(w.payout("440100", "2019-03-13")) == [ids["a"], ids["b"]]
    assert paid_ids(w.payout("440300", "2019-03-13")) == []
    w.ids, w.supplier_uscc = ids, supplier
    return w


def rows(w: World, name: str, *args: str) -> list[dict]:
    """The csv's data rows (no totals row), by Chinese header."""
    text = w.huiqi("report", name, "--format", "csv", "--on", "2019-03-20", *args).lstrip("\ufeff")
    return [r for r in csv.DictReader(io.StringIO(text)) if next(iter(r.values())) not in ("", "合计")]


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_renders_in_every_format(life, name, tmp_path):
    for fmt in ("md", "html", "csv", "json"):
        assert life.huiqi("report", name, "--format", fmt, "--on", "2019-03-20").strip()
    out = tmp_path / f"{name}.xlsx"
    life.huiqi("report", name, "--format", "xlsx", "--on", "2019-03-20", "--out", str(out))
    assert openpyxl.load_workbook(out).active.max_row >= 2


def test_settlement_list_and_notice(life):
    listed = rows(life, "settlement_list")
    assert sorted(int(r["服务券编号"]) for r in listed) == sorted(life.ids[k] for k in "abc")
    a = next(r for r in listed if int(r["服务券编号"]) == life.ids["a"])
    assert a["试点标记"] == "试点" and a["公示截止"] == "2019-03-11" and a["地市"] == "广州市"
    assert len(a["统一社会信用代码"]) == 18 and "*" not in a["统一社会信用代码"]
    public = rows(life, "settlement_notice", "--as", "public")
    assert len(public) == 3 and all(r["统一社会信用代码"][5:13] == "********" for r in public)
    assert all(r["统一社会信用代码"][5:13] == "********" for r in rows(life, "settlement_notice"))  # masked for officials too
    assert "状态" not in public[0]
    md = life.huiqi("report", "settlement_notice", "--as", "public", "--on", "2019-03-20")
    assert "公示期不少于7天" in md and "https://gz.example/notice" in md


def test_city_viewers_see_only_their_city(life):
    for name in REPORTS:
        gz = rows(life, name, "--as", "city:440100")
        sz = rows(life, name, "--as", "city:440300")
        text_gz, text_sz = json.dumps(gz, ensure_ascii=False), json.dumps(sz, ensure_ascii=False)
        if name != "supplier_activity":
            assert "深圳" not in text_gz, name
            assert "广州" not in text_sz, name
    sz = rows(life, "supplier_activity", "--as", "city:440300")
    assert [(r["被选服务券"], r["已兑付"]) for r in sz] == [("1", "0")]


def test_cloud_completion_table(life):
    table = rows(life, "cloud_completion_table")
    assert sorted(int(r["服务券编号"]) for r in table) == sorted(life.ids[k] for k in "abc")
    assert {r["上云上平台情况"] for r in table} == {"已完成"} and {r["核实方式"] for r in table} == {"IP连接核实"}


def test_vouchers_by_state_and_payouts_by_period(life):
    states = {(r["地市"], r["状态"]): int(r["张数"]) for r in rows(life, "vouchers_by_state")}
    assert states == {("广州市", "已兑付"): 2, ("广州市", "已发放"): 1, ("深圳市", "待兑付"): 1}
    payouts = {r["地市"]: r for r in rows(life, "payouts_by_period")}
    gz, sz = payouts["广州市"], payouts["深圳市"]
    assert (gz["发放张数"], gz["兑付张数"], gz["兑付金额"], gz["结转金额"]) == ("3", "2", "110000.00", "0.00")
    assert (sz["兑付张数"], sz["结转张数"], sz["结转金额"]) == ("0", "1", "40000.00")


def test_xlsx_money_is_numbers(life, tmp_path):
    out = tmp_path / "payouts.xlsx"
    life.huiqi("report", "payouts_by_period", "--format", "xlsx", "--on", "2019-03-20", "--out", str(out))
    sheet = openpyxl.load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header_row = next(i for i, row in enumerate(values) if "兑付金额" in row)
    col = values[header_row].index("兑付金额")
    numbers = [row[col] for row in values[header_row + 1:] if row[col] is not None]
    assert numbers and all(isinstance(v, (int, float)) for v in numbers)
    assert 110000 in numbers


def test_supplier_activity(life):
    (row,) = rows(life, "supplier_activity")
    assert (row["被选服务券"], row["已发放"], row["已兑付"], row["兑付金额"], row["服务企业数（已兑付）"], row["试点服务券"]) == (
        "4", "4", "2", "110000.00", "2", "1")

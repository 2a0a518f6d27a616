"""``huiqi demo`` (``make demo``): its printed tables must be what the explained path decides for the
very same generated cases — the demo cannot print made-up totals — and its sample data must be
reproducible, plausible and valid input for ``huiqi evaluate --strict``."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from huiqi import demo
from huiqi.calculator import Calculator
from huiqi.config import load_config
from huiqi.money import yuan
from huiqi.plugins import get_plugin_manager, load_registry
from huiqi.regions import cities_of, in_prefix, region_name
from huiqi.uscc import is_valid_uscc, region_code

from ._support import jsonl, run_in_process, run_subprocess

SEED = 20210902  # the command's default
AMOUNT = r"[\d,]+\.\d\d"


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    return load_registry(load_config(tmp_path_factory.mktemp("demo") / "huiqi.toml"), get_plugin_manager())


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "huiqi.toml"


def fen(text: str) -> int:
    whole, part = text.replace(",", "").split(".")
    return int(whole) * 100 + int(part)


def parse(output: str) -> dict:
    """The numbers of the printed tables, read back as a person would read them."""
    measures, cities, top = {}, {}, []
    count = r"\s+([\d,]+)"
    measure_row = re.compile(rf"^([a-z_]+|TOTAL){count * 4}\s+({AMOUNT})\s+({AMOUNT})\s+\S")
    city_row = re.compile(rf"^(\d{{6}}|—|TOTAL)\s+(\S+)(?: \(outside Anhui\))?{count * 3}\s+({AMOUNT})$")
    top_row = re.compile(rf"^\s*(\d+)\s+(\S+)\s+([0-9A-Z]{{18}})\s+(\S+)\s+(\d+)\s+({AMOUNT})$")
    section = None
    for line in output.split("\n"):
        if line.startswith("Per measure"):
            section = "measures"
        elif line.startswith("Per city"):
            section = "cities"
        elif line.startswith("Top "):
            section = "top"
        elif section == "measures" and (m := measure_row.match(line)):
            cases, eligible, undecided, ineligible = (int(x.replace(",", "")) for x in m.group(2, 3, 4, 5))
            measures[m[1]] = (cases, eligible, undecided, ineligible, fen(m[6]), fen(m[7]))
        elif section == "cities" and (m := city_row.match(line)):
            cities[m[1]] = (m[2], *(int(x.replace(",", "")) for x in m.group(3, 4, 5)), fen(m[6]))
        elif section == "top" and (m := top_row.match(line)):
            top.append((int(m[1]), m[2], m[3], m[4], int(m[5]), fen(m[6])))
    grand = re.search(rf"Grand total: ([\d,]+) applications from ([\d,]+) enterprises — ([\d,]+) eligible, "
                      rf"([\d,]+) undecided, ([\d,]+) ineligible; ([\d,]+) enterprises awarded ({AMOUNT}) yuan", output)
    return {"measures": measures, "cities": cities, "top": top,
            "grand": tuple(int(x.replace(",", "")) for x in grand.groups()[:6]) + (fen(grand[7]),)}


def explained_totals(registry, enterprises: int, seed: int) -> dict:
    """The same generated cases, each decided on its own through the explained path."""
    calculator = Calculator(registry)
    applications = demo.sample_applications(registry, enterprises, seed)
    measures = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    cities = defaultdict(lambda: [0, 0, 0])
    per_enterprise = defaultdict(lambda: [0, 0])
    names = {}
    for application in applications:
        result = calculator.evaluate(application.case)
        assert (result.eligible is True) == (result.award_fen > 0)
        enterprise = application.enterprise
        names[enterprise.uscc] = enterprise.name
        for key, row in ((result.policy.split(".", 1)[1], measures[result.policy.split(".", 1)[1]]),
                         ("TOTAL", measures["TOTAL"])):
            row[0] += 1
            row[{True: 1, None: 2, False: 3}[result.eligible]] += 1
            row[4] += result.award_fen
            row[5] = max(row[5], result.award_fen)
        city = enterprise.region_code[:4] + "00" if enterprise.region_code.startswith("34") else "—"
        for key in (city, "TOTAL"):
            cities[key][0] += 1
            cities[key][1] += result.eligible is True
            cities[key][2] += result.award_fen
        if result.eligible:
            per_enterprise[enterprise.uscc][0] += 1
            per_enterprise[enterprise.uscc][1] += result.award_fen
    top = sorted(per_enterprise.items(), key=lambda item: (-item[1][1], item[0]))[:10]
    return {"measures": {k: tuple(v) for k, v in measures.items()}, "cities": dict(cities),
            "top": [(names[code], code, awards, total) for code, (awards, total) in top],
            "awarded": len(per_enterprise), "applications": applications}


def test_demo_tables_equal_the_explained_path(registry, config):
    run = run_in_process(["demo", "--enterprises", "60", "--evaluate-only"], config=config)
    assert (run.code, run.stderr) == (0, "")
    printed = parse(run.out)
    expected = explained_totals(registry, 60, SEED)
    assert "GENERATED SAMPLE DATA" in run.out and "生成的示例数据" in run.out
    assert "60 sample enterprises" in run.out

    # per measure: every measure of the plugin is a row, the numbers are the explained path's
    policies = registry.document("anhui_iiot_grants").policy_ids()
    assert set(printed["measures"]) == {p.split(".", 1)[1] for p in policies} | {"TOTAL"}
    for measure, row in printed["measures"].items():
        assert row == expected["measures"].get(measure, (0, 0, 0, 0, 0, 0)), measure
    assert sum(r[0] for m, r in printed["measures"].items() if m != "TOTAL") == printed["measures"]["TOTAL"][0]
    assert expected["measures"]["TOTAL"][4] > 0  # something is awarded, so the equality means something

    # per city: Anhui's 16 cities by Chinese name, then 省外, then the total
    anhui = cities_of("340000")
    assert len(anhui) == 16
    assert [c for c in printed["cities"] if c not in ("—", "TOTAL")] == [r.code for r in anhui]
    for code, (name, enterprises, applications, eligible, total) in printed["cities"].items():
        if code not in ("—", "TOTAL"):
            assert name == region_name(code)
        assert [applications, eligible, total] == expected["cities"].get(code, [0, 0, 0]), code
    assert printed["cities"]["TOTAL"][1] == 60

    # grand totals and the top ten
    total = expected["measures"]["TOTAL"]
    assert printed["grand"] == (total[0], 60, total[1], total[2], total[3], expected["awarded"], total[4])
    assert [(name, code, awards, fen_) for _, name, code, _, awards, fen_ in printed["top"]] == expected["top"]
    assert [rank for rank, *_ in printed["top"]] == list(range(1, len(expected["top"]) + 1))


def test_demo_is_reproducible(config):
    first = run_in_process(["demo", "--enterprises", "40", "--evaluate-only"], config=config)
    again = run_in_process(["demo", "--enterprises", "40", "--seed", str(SEED), "--evaluate-only"], config=config)
    other = run_in_process(["demo", "--enterprises", "40", "--seed", "7", "--evaluate-only"], config=config)
    assert first.code == again.code == other.code == 0
    assert first.stdout == again.stdout
    assert other.stdout != first.stdout


def test_sample_enterprises_are_plausible(registry):
    enterprises = demo.generate_enterprises(500, SEED)
    assert len(enterprises) == 500
    assert demo.generate_enterprises(500, SEED) == enterprises
    codes = [e.uscc for e in enterprises]
    assert len(set(codes)) == 500 and all(is_valid_uscc(c) for c in codes)
    assert len({e.name for e in enterprises}) == 500
    anhui_cities = {r.code for r in cities_of("340000")}
    inside = [e for e in enterprises if in_prefix(e.region_code, "340000")]
    outside = [e for e in enterprises if not in_prefix(e.region_code, "340000")]
    assert 0 < len(outside) < 30  # a few registered elsewhere
    assert {e.city for e in inside} == anhui_cities  # every city of Anhui has some
    for e in enterprises:
        assert region_code(e.uscc) == e.region_code
        assert e.name.endswith("公司")
        city = region_name(e.region_code[:4] + "00") or region_name(e.region_code[:2] + "0000")
        assert e.name.startswith(city.removesuffix("市").removesuffix("省")), (e.name, city)
        assert not any(real in e.name for real in demo.REAL_TRADE_NAMES)
    profiles = {e.profile for e in enterprises}
    assert profiles == set(demo.PROFILES)


def test_sample_cases_are_valid_strict_input_and_the_batch_path_agrees(registry, config, tmp_path):
    """All ~700 generated cases through ``huiqi evaluate --batch --strict``: no error line, and the
    awards the CLI prints are the demo's vectorised ones."""
    applications = demo.sample_applications(registry, 500, SEED)
    assert len(applications) >= 500
    policies = {a.case["policy"] for a in applications}
    assert policies == set(registry.document("anhui_iiot_grants").policy_ids())  # every measure is exercised
    decisions = demo.decide(Calculator(registry), applications)
    run = run_in_process(["evaluate", "--strict", "--batch", "-"], jsonl(*(a.case for a in applications)),
                         config=config)
    assert (run.code, run.stderr) == (0, "")
    results = [json.loads(line) for line in run.out_lines]
    assert [r["award"] for r in results] == [yuan(d.award_fen) for d in decisions]
    assert [r["eligible"] for r in results] == [d.eligible for d in decisions]
    by_policy = defaultdict(set)
    for d in decisions:
        by_policy[d.application.case["policy"]].add(d.eligible)
    assert all(True in outcomes for outcomes in by_policy.values())  # each measure has someone who qualifies
    assert sum(d.eligible is None for d in decisions) > 0  # and some are undecided (missing facts)


def test_demo_when_the_plugin_is_disabled(config):
    config.write_text('[plugins]\ndisabled = ["anhui_iiot_grants"]\n', encoding="utf-8")
    run = run_in_process(["demo", "--enterprises", "10"], config=config)
    assert (run.code, run.stderr) == (0, "")
    assert "huiqi plugins enable anhui_iiot_grants" in run.out


def test_demo_refuses_no_enterprises(config):
    run = run_in_process(["demo", "--enterprises", "0"], config=config)
    assert run.code == 2 and "Traceback" not in run.stderr and "--enterprises" in run.stderr


@pytest.mark.slow
def test_make_demo_default_as_a_process(tmp_path):
    """What ``make demo`` runs: the default 500 enterprises, as a real process."""
    run = run_subprocess(["demo"], config=tmp_path / "huiqi.toml", cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "")
    printed = parse(run.out)
    assert printed["grand"][1] == 500 and printed["grand"][0] >= 500
    assert len(printed["top"]) == 10


def test_demo_decides_through_the_vectorised_path_only(config, monkeypatch):
    """The explained path is never used by the demo: one evaluate_columns call per measure with cases."""
    calls = []
    real = Calculator.evaluate_columns

    def forbidden(self, case, *, strict=False):
        raise AssertionError("the demo must not decide case by case")

    def counted(self, policy, cases):
        calls.append((policy, cases.n))
        return real(self, policy, cases)

    monkeypatch.setattr(Calculator, "evaluate", forbidden)
    monkeypatch.setattr(Calculator, "evaluate_columns", counted)
    run = run_in_process(["demo", "--enterprises", "60", "--evaluate-only"], config=config)
    assert (run.code, run.stderr) == (0, "")
    assert len(calls) == len({policy for policy, _ in calls}) > 1
    assert sum(n for _, n in calls) == parse(run.out)["grand"][0]

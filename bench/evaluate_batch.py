"""Benchmark: every anhui_iiot_grants measure over 1,000,000 synthetic enterprises.

    .venv/bin/python bench/evaluate_batch.py [--cases N] [--no-openfisca]

In one run, on the same cases:

1. huiqi's vectorised path, ``Calculator.evaluate_columns(policy, columns)`` for each of the 16
   measures (warm: one warm-up, then the median of ``--repeats`` runs);
2. the hand-written numpy reference (bench/reference_numpy.py), timed the same way, which must
   agree with huiqi to the fen on every case and every measure (eligibility and award);
3. OpenFisca (openfisca-core, money as its default ``float``) in its own venv
   bench/.venv-openfisca, run as a subprocess (bench/reference_openfisca.py) that reads the same
   cases from an .npz and writes its awards back; counted against huiqi's exact results;
4. the per-case explained path, ``Calculator.evaluate(case_dict)`` on JSON-shaped cases;
5. peak memory of this process.

Results go to bench/results/evaluate_batch.json and .md; README.md beside this file says what
each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import reference_numpy  # noqa: E402  (bench/ is not a package)

from huiqi.calculator import Calculator  # noqa: E402
from huiqi.money import yuan  # noqa: E402
from huiqi.plugins import load_registry  # noqa: E402
from huiqi.rules.batch import CaseColumns  # noqa: E402

DOCUMENT = "anhui_iiot_grants"
SEED = 20210902  # the day 皖政办秘〔2021〕82号 was issued
RESULTS = HERE / "results"
OPENFISCA_VENV = HERE / ".venv-openfisca"
OPENFISCA_REQUIREMENTS = HERE / "requirements-openfisca.txt"
OPENFISCA_SCRIPT = HERE / "reference_openfisca.py"

TARGETS = {"huiqi_over_numpy": 2.5, "peak_mb": 1536, "explained_per_s": 20_000}
BUSY_LOAD = 1.5  # 1-minute load average above which the machine counts as busy (2 CPUs here)

ANHUI = (340000, 340100, 340200, 340300, 340400, 340500, 340600, 340700, 340800, 341000, 341100, 341200, 341300,
         341500, 341600, 341700, 341800)
ELSEWHERE = (440100, 440300, 440600, 441900, 320000, 110000, 440000)
NEAR_CAPS_YUAN = (30_000_000, 10_000_000, 5_000_000, 3_000_000, 20_000_000, 1_000_000)


# --- the synthetic enterprises -----------------------------------------------------------------


def money(rng: np.random.Generator, n: int, low_yuan: float = 10, high_yuan: float = 80_000_000, *,
          zero: float = 0.02, round_share: float = 0.2) -> np.ndarray:
    """Amounts in fen, log-uniform between low and high yuan, every fen digit in use.

    A share are round amounts (whole 10,000 yuan, as budgets are), a few are zero; the rest
    have arbitrary fen, so that x % of them lands on every half-fen and exercises half-up.
    """
    fen = np.exp(rng.uniform(np.log(low_yuan * 100), np.log(high_yuan * 100), n)).astype(np.int64)
    rounded = rng.random(n) < round_share
    fen[rounded] = np.maximum(fen[rounded] // 1_000_000, 1) * 1_000_000
    fen[rng.random(n) < zero] = 0
    return fen


def flags(rng: np.random.Generator, n: int, true_share: float) -> np.ndarray:
    return rng.random(n) < true_share


def codes(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum()).astype(np.int16)


def make_cases(n: int, document, seed: int = SEED) -> tuple[CaseColumns, dict]:
    """n enterprises with every fact the 16 measures read, as typed columns (CaseColumns).

    Every fact is present on every row except ``reviewed_award_amount``, absent on about 10 %
    (before the provincial review has fixed an amount): that exercises the undecided outcome of
    the platform and pool measures and the "optional term absent" path of the 不超过 measures.
    """
    rng = np.random.default_rng(seed)
    days = (np.datetime64("2023-12-31") - np.datetime64("2021-01-01")).astype(int) + 1
    as_of = np.datetime64("2021-01-01") + rng.integers(0, days, n).astype("timedelta64[D]")
    year = as_of.astype("datetime64[Y]").astype(np.int64) + 1970

    anhui = rng.random(n) < 0.9
    region = np.where(anhui, np.array(ANHUI, dtype=np.int64)[rng.integers(0, len(ANHUI), n)],
                      np.array(ELSEWHERE, dtype=np.int64)[rng.integers(0, len(ELSEWHERE), n)])

    # prior awards of the cap unit: mostly none, some anywhere, some close to (or at) one of the caps
    prior = np.zeros(n, dtype=np.int64)
    kind = rng.random(n)
    some = (kind >= 0.6) & (kind < 0.9)
    prior[some] = money(rng, int(some.sum()), 1_000, 25_000_000, zero=0)
    near = kind >= 0.9
    cap_fen = np.array(NEAR_CAPS_YUAN, dtype=np.int64)[rng.integers(0, len(NEAR_CAPS_YUAN), int(near.sum()))] * 100
    below = rng.integers(0, 200_000, int(near.sum()))  # up to 2,000.00 yuan under the cap …
    below[rng.random(int(near.sum())) < 0.2] = 0  # … or exactly at it
    prior[near] = cap_fen - below

    reviewed = money(rng, n, 10_000, 35_000_000, zero=0.01, round_share=0.5)
    reviewed_absent = rng.random(n) < 0.1
    reviewed[reviewed_absent] = 0

    principal = money(rng, n, 100_000, 80_000_000, zero=0.01)
    term = rng.choice(np.array([12, 24, 35, 36, 48, 60, 61, 72, 84, 120], dtype=np.int64), n,
                      p=[.04, .06, .02, .3, .12, .16, .02, .1, .08, .1])
    claim = rng.choice(np.array([0, 1, 6, 12, 24, 36, 48], dtype=np.int64), n, p=[.02, .03, .1, .5, .15, .15, .05])
    prior_months = rng.choice(np.array([0, 12, 24, 30, 35, 36, 48], dtype=np.int64), n,
                              p=[.55, .15, .1, .05, .05, .05, .05])
    bp = np.where(term <= 60, 475, 490)
    typical_interest = principal * bp * np.maximum(claim, 1) // 120_000  # principal × rate × months/12
    interest = (typical_interest * rng.uniform(0.3, 1.3, n)).astype(np.int64) + rng.integers(0, 100, n)
    start = as_of - rng.integers(0, 5 * 365, n).astype("timedelta64[D]")

    def year_choice(offsets, p):
        return year + rng.choice(np.array(offsets, dtype=np.int64), n, p=p)

    completed = money(rng, n, 1_000_000, 80_000_000, zero=0.01)
    completed[rng.random(n) < 0.1] = 10_000_000 * 100  # exactly 1000万元: "及以上" includes it
    completed[rng.random(n) < 0.03] = 10_000_000 * 100 - 1  # one fen short

    values = {
        "region_code": region,
        "platform_type": codes(rng, n, [.15, .2, .15, .15, .35]),
        "reviewed_award_amount": reviewed,
        "prior_award_amount": prior,
        "has_received_this_award_before": flags(rng, n, 0.12),
        "is_selected_by_provincial_review": flags(rng, n, 0.85),
        "is_in_iiot_cloud_provider_pool": flags(rng, n, 0.85),
        "smes_served_count": np.where(rng.random(n) < 0.08, 0, rng.integers(1, 800, n)).astype(np.int64),
        "sme_service_quality_score": rng.integers(0, 101, n).astype(np.int64),
        "is_digital_network_intelligent_upgrade": flags(rng, n, 0.85),
        "equipment_purchase_amount": money(rng, n),
        "loan_principal_amount": principal,
        "loan_term_months": term,
        "loan_start_date": start,
        "claim_months": claim,
        "prior_subsidised_months": prior_months,
        "interest_paid_amount": interest,
        "capability_level": codes(rng, n, [.1, .15, .35, .25, .15]),
        "prior_capability_award_level": codes(rng, n, [.6, .2, .15, .05]),
        "provincial_recognition": codes(rng, n, [.15, .5, .35]),
        "prior_workshop_award_amount": np.where(rng.random(n) < 0.3, 500_000 * 100, 0).astype(np.int64),
        "has_upgraded_enterprise_network": flags(rng, n, 0.85),
        "is_identifier_secondary_node": flags(rng, n, 0.85),
        "is_node_completed": flags(rng, n, 0.85),
        "project_investment_amount": money(rng, n),
        "carrier_type": codes(rng, n, [1, 1, 1, 1, 1, 1, 1]),
        "is_ic_design_enterprise": flags(rng, n, 0.85),
        "is_first_engineering_tapeout": flags(rng, n, 0.85),
        "tapeout_contract_amount": money(rng, n, 10_000, 30_000_000),
        "tapeout_contract_kind": codes(rng, n, [.6, .4]),
        "ic_chain_field": codes(rng, n, [.3, .15, .15, .15, .25]),
        "ic_chain_segment": codes(rng, n, [1, 1, 1, 1, 1, 1, 1, 1, 1]),
        "rd_equipment_purchase_amount": money(rng, n),
        "purchase_year": year_choice([-2, -1, 0], [.1, .8, .1]),
        "project_year": year_choice([-2, -1, 0], [.1, .8, .1]),
        "project_completed_investment_amount": completed,
        "key_equipment_purchase_amount": money(rng, n),
        "demonstration_category": codes(rng, n, [.3, .2, .3, .2]),
        "applicant_kind": codes(rng, n, [.6, .3, .1]),
        "is_security_classification_project": flags(rng, n, 0.85),
    }
    categories = {}
    for name, column in values.items():
        kind = document.facts[name].type.vector_kind
        if kind == "enum":
            categories[name] = document.facts[name].type.choices
            assert column.dtype == np.int16 and column.max() < len(categories[name]), name
        elif kind in ("money", "int", "region"):
            assert column.dtype == np.int64 and column.min() >= 0, name
        elif kind == "bool":
            assert column.dtype == bool, name
        elif kind == "date":
            assert column.dtype == np.dtype("datetime64[D]"), name
    absent = {name: None for name in values}
    absent["reviewed_award_amount"] = reviewed_absent
    return CaseColumns(n, as_of, values, absent, categories), {"seed": seed}


def save_cases(cases: CaseColumns, path: Path) -> None:
    """The cases as one .npz: ``fact__<name>`` columns, ``as_of``, ``reviewed_present``."""
    absent = cases.absent.get("reviewed_award_amount")
    np.savez(path, as_of=cases.as_of, reviewed_present=np.ones(cases.n, bool) if absent is None else ~absent,
             **{f"fact__{name}": column for name, column in cases.values.items()})


def load_cases(path: Path, document) -> CaseColumns:
    """Input loading: the .npz → typed columns (CaseColumns) as the vectorised path takes them."""
    with np.load(path, allow_pickle=False) as data:
        values = {key.removeprefix("fact__"): data[key] for key in data.files if key.startswith("fact__")}
        as_of = data["as_of"]
        reviewed_present = data["reviewed_present"]
    categories = {name: document.facts[name].type.choices for name in values
                  if document.facts[name].type.vector_kind == "enum"}
    absent = {name: None for name in values}
    absent["reviewed_award_amount"] = None if reviewed_present.all() else ~reviewed_present
    return CaseColumns(len(as_of), as_of, values, absent, categories)


# --- timing --------------------------------------------------------------------------------


def timed_pair(first, second, repeats: int):
    """Warm both, then time them alternately ``repeats`` times (so that both see the same load).

    Returns, for each, (median s, all times, last result).
    """
    results = [first(), second()]
    times: list[list[float]] = [[], []]
    for _ in range(repeats):
        for index, fn in enumerate((first, second)):
            results[index] = None
            start = time.perf_counter()
            results[index] = fn()
            times[index].append(time.perf_counter() - start)
    return [(statistics.median(t), t, r) for t, r in zip(times, results)]


def run_huiqi(calculator: Calculator, policies: list[str], cases: CaseColumns) -> dict:
    out = {}
    for policy in policies:
        result = calculator.evaluate_columns(policy, cases)
        out[policy.partition(".")[2]] = (result.eligible, result.award_fen)
    return out


def run_numpy(cases: CaseColumns) -> dict:
    absent = cases.absent.get("reviewed_award_amount")
    return reference_numpy.evaluate_all(cases.values, cases.as_of, None if absent is None else ~absent)


def huiqi_per_measure(calculator: Calculator, policies: list[str], cases: CaseColumns, repeats: int) -> dict:
    times = {}
    for policy in policies:
        calculator.evaluate_columns(policy, cases)
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            calculator.evaluate_columns(policy, cases)
            samples.append(time.perf_counter() - start)
        times[policy.partition(".")[2]] = statistics.median(samples)
    return times


def profile_top(fn, limit: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(limit)
    return stream.getvalue()


# --- the explained path --------------------------------------------------------------------


def json_cases(cases: CaseColumns, document, policies: list[str], count: int) -> list[tuple[int, str, dict]]:
    """The first ``count`` rows as `huiqi evaluate` would receive them, one policy each in turn.

    Each case carries the facts its measure reads (money as "x.xx" strings, enums as their
    names, regions as six-digit strings, dates ISO), less those absent on that row.
    """
    measures = {p: document.measure(p.partition(".")[2]) for p in policies}
    out = []
    for row in range(min(count, cases.n)):
        policy = policies[row % len(policies)]
        facts = {}
        for name in sorted(measures[policy].facts()):
            if name not in cases.values:
                continue
            absent = cases.absent.get(name)
            if absent is not None and absent[row]:
                continue
            value = cases.values[name][row]
            kind = document.facts[name].type.vector_kind
            if kind == "money":
                facts[name] = yuan(int(value))
            elif kind == "bool":
                facts[name] = bool(value)
            elif kind == "enum":
                facts[name] = cases.categories[name][int(value)]
            elif kind == "region":
                facts[name] = f"{int(value):06d}"
            elif kind == "date":
                facts[name] = str(value)
            else:
                facts[name] = int(value)
        out.append((row, policy, {"policy": policy, "as_of": str(cases.as_of[row]), "facts": facts}))
    return out


def explained(calculator: Calculator, cases: list[tuple[int, str, dict]], batch: dict, repeats: int):
    """Cases per second through Calculator.evaluate, and agreement with the batch path.

    The timed runs evaluate and drop each result, as ``huiqi evaluate --batch`` streams them
    (turning a result into JSON text is not timed); an untimed pass then compares every
    result with the batch path's eligibility and award for the same row.
    """
    payloads = [c for _, _, c in cases]
    evaluate = calculator.evaluate
    for case in payloads[: max(1, len(payloads) // 10)]:  # warm-up
        evaluate(case)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for case in payloads:
            evaluate(case)
        samples.append(time.perf_counter() - start)
    seconds = statistics.median(samples)
    disagreements = 0
    for (row, policy, case) in cases:
        result = evaluate(case)
        eligible, award = batch[policy.partition(".")[2]]
        code = {True: 1, False: 0, None: -1}[result.eligible]
        if code != int(eligible[row]) or result.award_fen != int(award[row]):
            disagreements += 1
    return len(payloads) / seconds, seconds, samples, disagreements


# --- OpenFisca, in its own venv -------------------------------------------------------------


def openfisca_python() -> tuple[Path | None, str]:
    """The OpenFisca venv's interpreter, creating the venv on first use; (None, why) if impossible."""
    python = OPENFISCA_VENV / "bin" / "python"
    if python.exists() and _openfisca_importable(python):
        return python, ""
    print(f"setting up {OPENFISCA_VENV} from {OPENFISCA_REQUIREMENTS} …", flush=True)
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(OPENFISCA_VENV)], check=True, capture_output=True,
                           text=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(OPENFISCA_REQUIREMENTS)],
                       check=True, capture_output=True, text=True, timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        return None, f"could not install openfisca-core into {OPENFISCA_VENV.name}: {detail.strip()[-600:]}"
    if not _openfisca_importable(python):
        return None, f"openfisca_core does not import in {OPENFISCA_VENV.name}"
    return python, ""


def _openfisca_importable(python: Path) -> bool:
    try:
        probe = subprocess.run([str(python), "-c", "import openfisca_core"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def run_openfisca(cases_file: Path, repeats: int, timeout: int) -> dict:
    """Run bench/reference_openfisca.py in the OpenFisca venv on the same cases (the same .npz)."""
    python, why = openfisca_python()
    if python is None:
        return {"available": False, "reason": why}
    awards_file = cases_file.with_name("openfisca.npz")
    command = [str(python), str(OPENFISCA_SCRIPT), "--cases", str(cases_file), "--out", str(awards_file),
               "--repeats", str(repeats)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"available": False, "reason": f"reference_openfisca.py did not finish in {timeout} s"}
    except OSError as error:
        return {"available": False, "reason": f"reference_openfisca.py could not start: {error}"}
    if done.returncode != 0:
        return {"available": False, "reason": "reference_openfisca.py failed: " + done.stderr.strip()[-1500:]}
    with np.load(awards_file, allow_pickle=False) as data:
        report = json.loads(str(data["report"]))
        report["awards"] = {key.removeprefix("award__"): data[key] for key in data.files if key.startswith("award__")}
        report["eligible"] = {key.removeprefix("eligible__"): data[key] for key in data.files
                              if key.startswith("eligible__")}
    awards_file.unlink(missing_ok=True)
    report["available"] = True
    return report


def openfisca_errors(report: dict, exact: dict) -> dict:
    """Per measure: enterprises whose OpenFisca award differs from huiqi's by a fen or more."""
    out = {}
    for measure, (eligible, award_fen) in exact.items():
        awards = report["awards"][measure].astype(np.float64)  # float32 yuan, widened exactly
        fen = np.rint(awards * 100).astype(np.int64)
        wrong = fen != award_fen
        error_yuan = np.abs(awards - award_fen / 100)
        differs = report["eligible"][measure] != (eligible == 1)
        rounding = error_yuan[~differs]
        out[measure] = {
            "wrong_to_the_fen": int(wrong.sum()),
            "max_error_yuan": float(error_yuan.max()) if len(error_yuan) else 0.0,
            "eligibility_differs": int(differs.sum()),
            "max_error_same_eligibility_yuan": float(rounding.max()) if len(rounding) else 0.0,
        }
    return out


# --- report --------------------------------------------------------------------------------


def machine_note() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs{memory}; Python {platform.python_version()}, numpy {np.__version__}; "
            f"{platform.system()} {platform.release()}")


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _verdict(r: dict) -> str:
    """huiqi faster than OpenFisca? Times from two processes compare only on a quiet machine."""
    if max(r["load_before"], r["load_after"]) > BUSY_LOAD:
        return "? (busy machine: times from two processes do not compare)"
    return _mark(r["openfisca"]["huiqi_over_raw"] < 1)


def markdown(report: dict) -> str:
    r = report
    of = r["openfisca"]
    n_awards = r["cases"] * len(r["measures"])
    lines = [
        f"# evaluate_batch — {r['cases']:,} enterprises × {len(r['measures'])} measures",
        "",
        f"{r['timestamp']} · `{r['command']}`",
        "",
        f"Machine: {r['machine']}. Load average (1 min) {r['load_before']:.1f} before, {r['load_after']:.1f} after "
        f"this run" + (" — **the machine was busy: absolute times are inflated; the ratios compare runs made "
                       "alternately under the same load**" if max(r['load_before'], r['load_after']) > BUSY_LOAD else "")
        + ".",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| input loading (.npz of {r['cases_file_mb']:,.0f} MB → typed columns) | {r['loading_s']:.3f} s "
        f"(generating the cases: {r['generate_s']:.2f} s) | — |",
        f"| huiqi vectorised, all 16 measures (warm, median of {r['repeats']}) | {r['huiqi_s']:.3f} s "
        f"(fastest {min(r['huiqi_times_s']):.3f} s) | — |",
        f"| hand-written numpy, same formulas (alternating with huiqi) | {r['numpy_s']:.3f} s "
        f"(fastest {min(r['numpy_times_s']):.3f} s) | — |",
        f"| **ratio huiqi / numpy** | **{r['huiqi_over_numpy']:.2f}×** | ≤ {TARGETS['huiqi_over_numpy']}× "
        f"{_mark(r['huiqi_over_numpy'] <= TARGETS['huiqi_over_numpy'])} |",
        f"| huiqi exact to the fen (vs numpy, eligibility and award) | {r['huiqi_disagreements']:,} of {n_awards:,} "
        f"differ | 0 {_mark(r['huiqi_disagreements'] == 0)} |",
    ]
    if of.get("available"):
        lines += [
            f"| OpenFisca {of['version']}, money as float ({of['award_dtype']}), warm median of {of['repeats']} | "
            f"{of['evaluate_s']:.3f} s (+ {of['loading_s']:.3f} s setting inputs) | — |",
            f"| ratio OpenFisca / numpy | {of['evaluate_s'] / r['numpy_s']:.2f}× | — |",
            f"| **ratio huiqi / OpenFisca** (their warm medians, same run) | **{of['huiqi_over_raw']:.2f}×** | < 1 "
            f"{_verdict(r)} |",
            f"| cross-check: (huiqi / numpy) ÷ (OpenFisca / numpy timed in the OpenFisca process) | "
            f"{of['huiqi_over']:.2f}× — the same numpy code took {r['numpy_s']:.3f} s here and {of['numpy_s']:.3f} s "
            f"there (each process's page-fault state), so this figure is only as good as that difference | — |",
            f"| OpenFisca wrong to the fen | {of['awards_wrong']:,} of {n_awards:,} awards; {of['enterprises_wrong']:,} "
            f"of {r['cases']:,} enterprises ({of['enterprises_wrong'] / r['cases']:.1%}) have at least one | — |",
            f"| OpenFisca largest rounding error (same eligibility) | {of['max_rounding_error_yuan']:.2f} yuan | — |",
            f"| OpenFisca eligibility differs | {of['eligibility_differs']:,} decisions (largest error there "
            f"{of['max_error_yuan']:,.2f} yuan) | — |",
        ]
    else:
        reason = " ".join(str(of["reason"]).split()).replace("|", "\\|")
        lines += [f"| OpenFisca | **not run**: {reason} | — |"]
    lines += [
        f"| explained path `Calculator.evaluate` | {r['explained_per_s']:,.0f} cases/s ({r['explained_cases']:,} "
        f"JSON-shaped cases; {r['explained_disagreements']} disagree with the batch path) | ≥ "
        f"{TARGETS['explained_per_s']:,}/s {_mark(r['explained_per_s'] >= TARGETS['explained_per_s'])} |",
        f"| peak memory (maxrss of this process) | {r['peak_mb']:,.0f} MB | < {TARGETS['peak_mb']:,} MB "
        f"{_mark(r['peak_mb'] < TARGETS['peak_mb'])} |",
        "",
        "## Per measure",
        "",
        "| measure | eligible | undecided | total award (yuan) | huiqi s | OpenFisca wrong to the fen | "
        "OpenFisca max rounding error (yuan) | OpenFisca eligibility differs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in r["measures"]:
        row = r["per_measure"][m]
        ofm = of.get("per_measure", {}).get(m) if of.get("available") else None
        lines.append(
            f"| {m} | {row['eligible']:,} | {row['undecided']:,} | {row['total_award_yuan']} | {row['huiqi_s']:.4f} | "
            + (f"{ofm['wrong_to_the_fen']:,} | {ofm['max_error_same_eligibility_yuan']:.2f} | "
               f"{ofm['eligibility_differs']:,} |" if ofm else "— | — | — |"))
    if r.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in r["notes"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs after one warm-up (median)")
    parser.add_argument("--explained", type=int, default=20_000, help="cases through Calculator.evaluate")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-openfisca", action="store_true", help="skip the OpenFisca reference")
    parser.add_argument("--openfisca-timeout", type=int, default=1800)
    parser.add_argument("--profile", action="store_true", help="print cProfile of huiqi's batch run and explained path")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for evaluate_batch.json and .md")
    args = parser.parse_args(argv)
    command = "python bench/evaluate_batch.py" + ("" if argv is None and len(sys.argv) == 1 else
                                                   " " + " ".join(sys.argv[1:] if argv is None else argv))

    load_before = os.getloadavg()[0]
    registry = load_registry()
    document = registry.document(DOCUMENT)
    calculator = Calculator(registry)
    policies = document.policy_ids()
    measures = [p.partition(".")[2] for p in policies]
    for name, choices in reference_numpy.CHOICES.items():
        assert document.facts[name].type.choices == choices, f"{name}: the reference's enum order is out of date"

    workdir = Path(tempfile.mkdtemp(prefix="huiqi-bench-"))
    try:
        return _run(args, command, load_before, registry, document, calculator, policies, measures, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args, command, load_before, registry, document, calculator, policies, measures, workdir: Path) -> int:
    notes: list[str] = []
    print(f"generating {args.cases:,} cases (seed {args.seed}) …", flush=True)
    start = time.perf_counter()
    generated, _ = make_cases(args.cases, document, args.seed)
    generate_s = time.perf_counter() - start
    cases_file = workdir / "cases.npz"
    save_cases(generated, cases_file)
    del generated
    start = time.perf_counter()
    cases = load_cases(cases_file, document)
    loading_s = time.perf_counter() - start
    print(f"  generated in {generate_s:.2f} s; loaded from .npz in {loading_s:.3f} s", flush=True)
    missing_columns = sorted(set().union(*(document.measure(m).facts() for m in measures)) - set(cases.values))
    assert not missing_columns, f"facts not generated: {missing_columns}"

    print("huiqi vectorised and the numpy reference, alternately …", flush=True)
    (huiqi_s, huiqi_times, exact), (numpy_s, numpy_times, reference) = timed_pair(
        lambda: run_huiqi(calculator, policies, cases), lambda: run_numpy(cases), args.repeats)
    print(f"  huiqi {huiqi_s:.3f} s, numpy {numpy_s:.3f} s", flush=True)

    disagreements = 0
    per_measure = {}
    per_measure_s = huiqi_per_measure(calculator, policies, cases, args.repeats)
    for m in measures:
        eligible, award = exact[m]
        ref_eligible, ref_award = reference[m]
        bad = (eligible != ref_eligible) | (award != ref_award)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            notes.append(f"huiqi and numpy disagree on {m} for {int(bad.sum()):,} cases (first row {row}: huiqi "
                         f"{int(eligible[row])}/{int(award[row])} fen, numpy {int(ref_eligible[row])}/"
                         f"{int(ref_award[row])} fen)")
        disagreements += int(bad.sum())
        per_measure[m] = {"eligible": int((eligible == 1).sum()), "undecided": int((eligible == -1).sum()),
                          "total_award_yuan": yuan(int(award.sum())), "huiqi_s": per_measure_s[m]}

    openfisca: dict = {"available": False, "reason": "skipped (--no-openfisca)"}
    if not args.no_openfisca:
        print("OpenFisca (subprocess) …", flush=True)
        try:
            openfisca = run_openfisca(cases_file, args.repeats, args.openfisca_timeout)
        except Exception as error:  # whatever goes wrong there, the rest of the bench stands
            openfisca = {"available": False, "reason": f"the OpenFisca run failed: {error!r}"}
        if openfisca["available"]:
            errors = openfisca_errors(openfisca, exact)
            wrong_any = np.zeros(cases.n, dtype=bool)
            for m, (eligible, award_fen) in exact.items():
                wrong_any |= np.rint(openfisca["awards"][m].astype(np.float64) * 100).astype(np.int64) != award_fen
            openfisca = {k: v for k, v in openfisca.items() if k not in ("awards", "eligible")}
            openfisca["per_measure"] = errors
            openfisca["enterprises_wrong"] = int(wrong_any.sum())
            openfisca["awards_wrong"] = sum(e["wrong_to_the_fen"] for e in errors.values())
            openfisca["max_error_yuan"] = max(e["max_error_yuan"] for e in errors.values())
            openfisca["max_rounding_error_yuan"] = max(e["max_error_same_eligibility_yuan"] for e in errors.values())
            openfisca["eligibility_differs"] = sum(e["eligibility_differs"] for e in errors.values())
            openfisca["over_numpy"] = openfisca["evaluate_s"] / openfisca["numpy_s"]
            openfisca["huiqi_over"] = (huiqi_s / numpy_s) / openfisca["over_numpy"]
            openfisca["huiqi_over_raw"] = huiqi_s / openfisca["evaluate_s"]
            print(f"  {openfisca['evaluate_s']:.3f} s (numpy in the same process {openfisca['numpy_s']:.3f} s)",
                  flush=True)
        else:
            print(f"  not run: {openfisca['reason']}", flush=True)

    print(f"explained path, {args.explained:,} cases …", flush=True)
    payloads = json_cases(cases, document, policies, args.explained)
    per_s, explained_s, explained_times, explained_bad = explained(calculator, payloads, exact, args.repeats)
    print(f"  {per_s:,.0f} cases/s", flush=True)

    profiles = {}
    if args.profile or huiqi_s / numpy_s > TARGETS["huiqi_over_numpy"]:
        profiles["huiqi_batch"] = profile_top(lambda: run_huiqi(calculator, policies, cases))
    if args.profile or per_s < TARGETS["explained_per_s"]:
        profiles["explained"] = profile_top(lambda: [calculator.evaluate(c) for _, _, c in payloads])

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    report = {
        "timestamp": dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "command": command,
        "machine": machine_note(),
        "cases": cases.n,
        "seed": args.seed,
        "repeats": args.repeats,
        "measures": measures,
        "generate_s": generate_s,
        "loading_s": loading_s,
        "cases_file_mb": cases_file.stat().st_size / 2**20,
        "huiqi_s": huiqi_s,
        "huiqi_times_s": huiqi_times,
        "numpy_s": numpy_s,
        "numpy_times_s": numpy_times,
        "huiqi_over_numpy": huiqi_s / numpy_s,
        "huiqi_disagreements": disagreements,
        "openfisca": openfisca,
        "explained_cases": len(payloads),
        "explained_s": explained_s,
        "explained_times_s": explained_times,
        "explained_per_s": per_s,
        "explained_disagreements": explained_bad,
        "peak_mb": peak_mb,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "per_measure": per_measure,
        "targets": TARGETS,
        "notes": notes,
    }
    if profiles:
        report["profiles"] = profiles
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "evaluate_batch.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    text = markdown(report)
    (args.out / "evaluate_batch.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    for name, profile in profiles.items():
        print(f"--- cProfile: {name} (top by own time) ---")
        print(profile)
    return 1 if disagreements or explained_bad else 0


if __name__ == "__main__":
    sys.exit(main())

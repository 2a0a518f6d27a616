"""Fuzzing ``huiqi evaluate`` (issue 2, "Bad input"): whatever arrives — arbitrary JSON, wrong types,
huge and tiny numbers, unicode and control characters, truncated lines, bytes that are not UTF-8,
NaN/Infinity tokens — it never prints a traceback, always exits 0 or 2, prints exactly one JSON line
per input line, and a bad line never disturbs the results of the lines around it.

Most examples run in-process (CliRunner, through ``huiqi.cli.main``: an unexpected exception fails
the test with its traceback); a few run the installed console script and must print the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiqi.uscc import make_uscc
from huiqi_plugins.anhui_iiot_grants.document import document

from ._support import Run, jsonl, run_in_process, run_subprocess
from .test_evaluate_contract import E1, E3, E4, E5, E6, E8

DOC = document()
POLICIES = DOC.policy_ids()
FACTS = DOC.facts
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# HUIQI_FUZZ_SCALE=20 make test: a longer hunt (the defaults keep this file under ~15 s)
SCALE = max(1, int(os.environ.get("HUIQI_FUZZ_SCALE", "1")))

# --- known-good lines: they evaluate (exit 0 alone) --------------------------------------------------

E2 = {"policy": "anhui_iiot_grants.equipment_upgrade", "as_of": "2023-03-01",
      "facts": {"region_code": "340200", "is_digital_network_intelligent_upgrade": True,
                "equipment_purchase_amount": "73500000.00", "has_received_this_award_before": False}}
E7 = {"policy": "anhui_iiot_grants.identifier_node", "as_of": "2022-03-01",
      "facts": {"region_code": "340200", "is_identifier_secondary_node": True, "is_node_completed": True,
                "project_investment_amount": "6000000.00", "reviewed_award_amount": "1500000.00",
                "has_received_this_award_before": False}}
E9 = {"policy": "anhui_iiot_grants.smart_manufacturing", "as_of": "2021-12-01",
      "facts": {"region_code": "341100", "provincial_recognition": "smart_factory",
                "has_received_this_award_before": False}}
GOOD_LINES = [jsonl(c).rstrip(b"\n") for c in (E1, E2, E3, E4, E5, E6, E7, E8, E9)]
# one case per measure with no facts at all: undecided, every fact missing
GOOD_LINES += [jsonl({"policy": p, "as_of": "2022-01-01", "facts": {}}).rstrip(b"\n") for p in POLICIES]

# --- strategies ------------------------------------------------------------------------------------

HUGE = st.sampled_from([10**30, -10**30, 2**63, -(2**63) - 1, 2**64, 10**18, 10**9 + 1, -1, 0])
TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),  # CJK
    st.text(st.characters(max_codepoint=0x1F), max_size=6),  # control characters
    st.sampled_from(["\ud800", "a\udfffb", "\u2028", "\ufeff", "\x00", "３４０１００", "٣٤٠١٠٠", "340100 ", "-0"]),
)
DECIMAL_TEXT = st.decimals(allow_nan=False, allow_infinity=False).map(str)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), HUGE,
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-324, 1e-300, 1e300, 1.7976931348623157e308, -0.0, 0.1, 100.005]),
    DECIMAL_TEXT, TEXT,
)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)

DAYS = st.dates(dt.date(2021, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)
BAD_DAYS = st.sampled_from(["2019-02-30", "2020-06-30", "2021-02-29", "2022-13-01", "2022-1-5", "20220105",
                            "2022-01-01T00:00:00", "", "２０２２-０１-０１", "9999-12-31", "0001-01-01"])
REGIONS = st.sampled_from(["340100", "340200", "341100", "341800", "340000", "440300", "110000", "340102"])
BAD_REGIONS = st.sampled_from([340100, "3401", "34010a", "３４０１００", "340100 ", " 340100", ""])
MONEY_TEXT = st.integers(0, 10**10).map(lambda fen: f"{fen // 100}.{fen % 100:02d}")
BAD_MONEY = st.sampled_from(["4800.5", "4,800.00", "100.005", "-5.00", "1e3", " 5.00", "5.00 ", "¥5.00", "NaN",
                             "Infinity", "0x10", "", "5.", ".50", "+5.00", "1" * 30 + ".00", True, False, None])
INT_ANY = st.one_of(st.integers(0, 200), st.integers(2015, 2030), HUGE)


def uscc_values():
    good = st.builds(make_uscc, st.integers(0, 99_999_999), REGIONS)
    mutated = good.flatmap(lambda code: st.integers(0, 17).map(lambda i: code[:i] + ("0" if code[i] != "0" else "1")
                                                              + code[i + 1:]))
    return st.one_of(good, mutated, good.map(str.lower), st.text(max_size=20))


def right_kind(fact) -> st.SearchStrategy:
    """Values of a fact's own type (sometimes out of range), for real policies."""
    kind = fact.type.vector_kind
    if fact.type.name == "uscc":
        return uscc_values()
    if kind == "bool":
        return st.booleans()
    if kind == "money":
        return st.one_of(MONEY_TEXT, st.integers(0, 10**8), MONEY_TEXT.map(Decimal), BAD_MONEY)
    if kind == "int":
        return INT_ANY
    if kind == "date":
        return st.one_of(DAYS, BAD_DAYS)
    if kind == "enum":
        return st.one_of(st.sampled_from(fact.type.choices), st.sampled_from(["", "none", "6A", "SMART_FACTORY"]))
    if kind == "region":
        return st.one_of(REGIONS, BAD_REGIONS)
    return JSON


@st.composite
def cases(draw) -> object:
    """A case object: each field right, wrong or absent; facts with right or wrong values."""
    policy = draw(st.sampled_from(POLICIES))
    measure = DOC.measure(policy.split(".", 1)[1])
    names = sorted(measure.facts() | {"applicant_uscc"})
    case: dict = {}
    choice = draw(st.integers(0, 9))
    if choice < 7:
        case["policy"] = policy
    elif choice < 9:
        case["policy"] = draw(st.one_of(st.sampled_from(["anhui_iiot_grants.nope", "nope.equipment_upgrade",
                                                         "anhui_iiot_grants", ".", "anhui_iiot_grants.", ""]),
                                        JSON))
    choice = draw(st.integers(0, 9))
    if choice < 7:
        case["as_of"] = draw(DAYS)
    elif choice < 9:
        case["as_of"] = draw(st.one_of(BAD_DAYS, JSON))
    choice = draw(st.integers(0, 9))
    if choice < 8:
        facts = {}
        for name in draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)):
            facts[name] = draw(right_kind(FACTS[name]) if draw(st.integers(0, 5)) else JSON)
        for name in draw(st.lists(st.one_of(st.sampled_from(sorted(FACTS)), TEXT), max_size=2)):
            facts[name] = draw(JSON)
        case["facts"] = facts
    elif choice < 9:
        case["facts"] = draw(JSON)
    if draw(st.integers(0, 9)) == 0:
        case[draw(TEXT)] = draw(JSON)
    return case


def dump(value, ascii_only: bool) -> bytes:
    """JSON text of a generated value; lone surrogates are written as \\u escapes, as JSON allows."""
    text = json.dumps(value, ensure_ascii=ascii_only, default=str)
    return text.encode("utf-8", "backslashreplace") if not ascii_only else text.encode("ascii")


@st.composite
def lines(draw) -> bytes:
    """One input line (no b"\\n" inside): mostly cases, and every kind of damage."""
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        line = dump(draw(cases()), draw(st.booleans()))
    elif kind == 4:
        line = dump(draw(JSON), draw(st.booleans()))
    elif kind == 5:  # truncated
        whole = draw(st.one_of(st.sampled_from(GOOD_LINES), cases().map(lambda c: dump(c, False))))
        line = whole[:draw(st.integers(0, max(0, len(whole) - 1)))]
    elif kind == 6:  # not UTF-8
        whole = draw(st.sampled_from(GOOD_LINES))
        at = draw(st.integers(0, len(whole)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80"]))
        line = whole[:at] + junk + whole[at:]
    elif kind == 7:  # NaN / Infinity / huge and tiny number tokens in place of a value
        whole = draw(st.sampled_from(GOOD_LINES[:9])).decode()
        token = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999999", "1e-999999", "-0", "0e0",
                                      "1" * 400, "1." + "0" * 40 + "1", "-1e-3", "1E+2", "12.3e1"]))
        value = draw(st.sampled_from(['"8600000.00"', "60", "true", "false", '"340100"', '"2022-05-10"', "12"]))
        line = whole.replace(value, token, 1).encode()
    elif kind == 8:
        line = draw(st.binary(max_size=40))
    else:
        line = draw(st.sampled_from(GOOD_LINES))
    if draw(st.integers(0, 19)) == 0:
        line = b"  " + line + b"\t "  # JSON whitespace around a case
    return line.replace(b"\n", b" ")


# --- running and checking -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "huiqi.toml"  # never written: every plugin enabled


def batch(config, data: bytes, strict: bool = False) -> Run:
    return run_in_process(["evaluate", "--batch", "-"] + (["--strict"] if strict else []), data, config=config)


def check_batch(run: Run, n: int) -> list[dict]:
    """The contract of one batch run; returns the parsed result lines."""
    assert "Traceback" not in run.stderr, run.stderr
    out = run.out_lines
    assert len(out) == n, (n, run.out[-500:])
    results = [json.loads(line) for line in out]
    errors = [r["error"] for r in results if set(r) == {"error"}]
    assert all(isinstance(e, str) for e in errors)
    for number, result in enumerate(results, start=1):
        if "error" in result:
            assert result["error"].startswith(f"line {number}: ")
        else:
            assert set(result) == {"policy", "as_of", "eligible", "award", "reasons", "missing_facts"}
    assert run.err_lines == errors
    assert run.code == (2 if errors else 0)
    return results


def without_number(result: dict) -> dict:
    if "error" in result:
        return {"error": result["error"].split(": ", 1)[1]}
    return result


_ALONE: dict[tuple[bytes, bool], bytes] = {}


def alone(config, line: bytes, strict: bool = False) -> bytes:
    """The output line of a batch holding only this line (memoised: the good pool is small)."""
    if (line, strict) not in _ALONE:
        run = batch(config, line + b"\n", strict)
        check_batch(run, 1)
        _ALONE[line, strict] = run.stdout
    return _ALONE[line, strict]


@settings(FUZZ, max_examples=150 * SCALE)
@given(bad=st.lists(lines(), min_size=1, max_size=8), good=st.lists(st.sampled_from(GOOD_LINES), min_size=1,
                                                                    max_size=4), order=st.randoms(),
       strict=st.booleans())
def test_batch_good_lines_unaffected_by_bad_ones(config, bad, good, order, strict):
    mixed = [(line, True) for line in good] + [(line, False) for line in bad]
    order.shuffle(mixed)
    data = b"".join(line + b"\n" for line, _ in mixed)
    run = batch(config, data, strict)
    results = check_batch(run, len(mixed))
    out = run.out_lines
    for (line, is_good), text in zip(mixed, out):
        if is_good:
            assert (text + "\n").encode() == alone(config, line, strict)  # byte-identical to evaluating it alone
    # the same lines in reverse order: every result is the same, only line numbers move
    back = check_batch(batch(config, b"".join(line + b"\n" for line, _ in reversed(mixed)), strict), len(mixed))
    assert [without_number(r) for r in reversed(back)] == [without_number(r) for r in results]


@settings(FUZZ, max_examples=150 * SCALE)
@given(line=lines())
def test_single_case_agrees_with_batch(config, line):
    run = run_in_process(["evaluate", "-"], line, config=config)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code in (0, 2)
    solo = json.loads(alone(config, line))
    if run.code == 0:
        assert run.stderr == ""
        assert run.json() == solo
        assert run.out == json.dumps(solo, ensure_ascii=False, indent=2) + "\n"
    else:
        assert run.out == ""
        assert len(run.err_lines) == 1 and run.stderr.endswith("\n")
        message = run.err_lines[0]
        assert message.startswith("case 1: ")
        if not line.rstrip(b" \t").endswith(b"\r"):  # a batch strips a final \r of a line; a file keeps it
            assert message.removeprefix("case 1: ") == solo["error"].removeprefix("line 1: ")


@settings(FUZZ, max_examples=60 * SCALE)
@given(value=JSON, pretty=st.booleans())
def test_single_case_any_json_document(config, value, pretty):
    """A whole file of any JSON (multi-line when pretty): a result or one error line, never a traceback."""
    text = json.dumps(value, ensure_ascii=False, indent=2 if pretty else None)
    run = run_in_process(["evaluate", "-"], text.encode("utf-8", "backslashreplace"), config=config)
    assert "Traceback" not in run.stderr and run.code in (0, 2)
    if run.code == 2:
        assert run.out == "" and len(run.err_lines) == 1 and run.err_lines[0].startswith("case 1: ")


@settings(FUZZ, max_examples=40 * SCALE)
@given(case=cases(), strict=st.booleans())
def test_strict_and_lenient_agree_on_clean_cases(config, case, strict):
    """--strict only ever adds errors: where it accepts a case, the result is the lenient one."""
    data = dump(case, False) + b"\n"
    lenient = check_batch(batch(config, data), 1)[0]
    strict_run = run_in_process(["evaluate", "--batch", "-", "--strict"], data, config=config)
    strict_result = check_batch(strict_run, 1)[0]
    if "error" not in strict_result:
        assert strict_result == lenient
    if "error" in lenient:
        assert "error" in strict_result


@pytest.mark.slow
@settings(FUZZ, max_examples=4 * SCALE)
@given(mixed=st.lists(st.one_of(lines(), st.sampled_from(GOOD_LINES)), min_size=3, max_size=25))
def test_real_process_prints_the_same_bytes(config, mixed):
    """The installed console script: same stdout bytes, same stderr lines, same exit code as in-process."""
    data = b"".join(line + b"\n" for line in mixed)
    inproc = batch(config, data)
    check_batch(inproc, len(mixed))
    real = run_subprocess(["evaluate", "--batch", "-"], data, config=config, cwd=config.parent)
    assert "Traceback" not in real.stderr, real.stderr
    assert (real.code, real.stdout, real.stderr) == (inproc.code, inproc.stdout, inproc.stderr)

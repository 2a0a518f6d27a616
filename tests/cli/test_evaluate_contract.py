"""``huiqi evaluate`` and ``huiqi plugins`` against ../shared/spec/CONTRACT.md, as a user meets them.

Every test runs twice through the ``huiqi`` fixture: in-process through click's CliRunner (via
``huiqi.cli.main``) and as a real subprocess of the installed console script.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import pytest

from huiqi.uscc import CHARSET, make_uscc, uscc_check_character

from ._support import assert_clean_stderr, jsonl

P = "anhui_iiot_grants."
EQ = "003 支持工业互联网发展若干政策 二、加快工业设备网络化技术改造"

# --- the worked examples of the plugin spec (§10) ----------------------------------------------

E1 = {"policy": P + "equipment_upgrade", "as_of": "2022-05-10",
      "facts": {"applicant_uscc": "91340100MA2N0AB1CJ", "region_code": "340100",
                "is_digital_network_intelligent_upgrade": True,
                "equipment_purchase_amount": "8600000.00", "has_received_this_award_before": False}}
E1_RESULT = {
    "policy": P + "equipment_upgrade", "as_of": "2022-05-10", "eligible": True, "award": "860000.00",
    "reasons": [
        {"rule": "equipment_upgrade.in_anhui", "passed": True, "detail": "region 340100 is in Anhui (34)",
         "citation": "003 支持工业互联网发展若干政策 序言"},
        {"rule": "equipment_upgrade.project_kind", "passed": True,
         "detail": "digital/networked/intelligent upgrade project", "citation": EQ},
        {"rule": "equipment_upgrade.one_off", "passed": True, "detail": "project not awarded before", "citation": EQ},
        {"rule": "equipment_upgrade.rate", "passed": True,
         "detail": "10% × 8,600,000.00 = 860,000.00, under the 5,000,000.00 cap", "citation": EQ},
        {"rule": "equipment_upgrade.award_positive", "passed": True, "detail": "award 860,000.00 > 0",
         "citation": EQ},
    ],
    "missing_facts": [],
}
E3 = {"policy": P + "capability_assessment", "as_of": "2022-11-15",
      "facts": {"region_code": "340500", "capability_level": "4A", "prior_capability_award_level": "3A"}}
E4 = {"policy": P + "loan_interest_subsidy", "as_of": "2022-04-01",
      "facts": {"region_code": "340100", "is_digital_network_intelligent_upgrade": True,
                "loan_principal_amount": "20000000.00", "loan_term_months": 60, "claim_months": 12,
                "prior_subsidised_months": 0, "prior_award_amount": "0.00", "interest_paid_amount": "870000.00"}}
E5 = {"policy": P + "ic_industrialisation", "as_of": "2022-06-01",
      "facts": {"region_code": "340100", "ic_chain_field": "integrated_circuit", "project_year": 2021,
                "project_completed_investment_amount": "8000000.00", "key_equipment_purchase_amount": "5000000.00",
                "has_received_this_award_before": False, "prior_award_amount": "0.00"}}
E6 = {"policy": P + "service_provider_pool", "as_of": "2022-09-01",
      "facts": {"region_code": "340100", "is_in_iiot_cloud_provider_pool": True, "smes_served_count": 120,
                "has_received_this_award_before": False}}
E8 = {"policy": P + "ic_first_tapeout", "as_of": "2023-07-01",
      "facts": {"region_code": "340100", "is_ic_design_enterprise": True, "is_first_engineering_tapeout": True,
                "tapeout_contract_amount": "4000000.00", "has_received_this_award_before": False,
                "prior_award_amount": "2600000.00"}}

# (case, eligible, award, missing_facts) — one of each outcome
GOOD = [
    (E1, True, "860000.00", []),
    (E3, True, "500000.00", []),
    (E4, True, "380000.00", []),
    (E5, False, "0.00", []),
    (E6, None, "0.00", ["reviewed_award_amount"]),
    (E8, True, "400000.00", []),
]

EXACT_E10 = ("case 1: as_of 2020-06-30 is before anhui_iiot_grants took effect on 2021-01-01 "
             "(expected a date on or after 2021-01-01)")


def with_facts(case: dict, **changes) -> dict:
    changed = copy.deepcopy(case)
    changed["facts"].update(changes)
    return changed


def with_fields(case: dict, **changes) -> dict:
    changed = copy.deepcopy(case)
    changed.update(changes)
    return changed


def without(case: dict, field: str) -> dict:
    changed = copy.deepcopy(case)
    del changed[field]
    return changed


def wrong_check(code: str) -> str:
    right = uscc_check_character(code[:17])
    return code[:17] + next(c for c in CHARSET if c != right)


def raw(case: dict, **numbers: str) -> bytes:
    """A case as JSON text with some fact values replaced by raw JSON tokens (60.0, NaN, 1e999)."""
    marked = with_facts(case, **{name: f"@@{name}@@" for name in numbers})
    text = json.dumps(marked, ensure_ascii=False)
    for name, token in numbers.items():
        text = text.replace(f'"@@{name}@@"', token)
    return text.encode("utf-8")


# --- every bad input of CONTRACT.md: (id, case as dict or raw bytes, what the line must say) ----------

MONEY = "a non-negative amount in yuan"
BAD = [
    ("malformed_json", b'{"policy": "anhui_iiot_grants.equipment_upgrade", "as_of": ', ["case", "not valid JSON"]),
    ("empty_input", b"", ["case", "not valid JSON"]),
    ("not_utf8", b'{"policy": "\xff\xfe"}', ["case", "not UTF-8"]),
    ("nan_token", raw(E1, equipment_purchase_amount="NaN"), ["not valid JSON", "NaN"]),
    ("infinity_token", raw(E1, equipment_purchase_amount="-Infinity"), ["not valid JSON", "Infinity"]),
    ("case_not_object", b"[1, 2, 3]", ["case", "a JSON object with policy, as_of and facts"]),
    ("facts_not_object", with_fields(E1, facts=["region_code"]), ["facts", "a JSON object of fact names"]),
    ("unknown_policy", with_fields(E1, policy=P + "no_such_measure"),
     ["policy", "unknown policy 'anhui_iiot_grants.no_such_measure'", "an enabled policy id"]),
    ("unknown_plugin", with_fields(E1, policy="no_such_plugin.equipment_upgrade"), ["policy", "unknown policy"]),
    ("policy_missing", without(E1, "policy"), ["policy", "an enabled policy id"]),
    ("policy_not_text", with_fields(E1, policy=42), ["policy", "an enabled policy id"]),
    ("as_of_missing", without(E1, "as_of"), ["as_of", "as_of is required", "a date YYYY-MM-DD"]),
    ("as_of_not_a_day", with_fields(E1, as_of="2019-02-30"), ["as_of", "2019-02-30 is not a calendar day",
                                                             "a date YYYY-MM-DD"]),
    ("as_of_not_iso", with_fields(E1, as_of="2022/05/10"), ["as_of", "a date YYYY-MM-DD"]),
    ("as_of_fullwidth_digits", with_fields(E1, as_of="２０２２-０５-１０"), ["as_of", "a date YYYY-MM-DD"]),
    ("fact_date_not_a_day", with_facts(E4, loan_start_date="2022-02-30"), ["facts.loan_start_date",
                                                                          "not a calendar day"]),
    ("string_for_bool", with_facts(E1, is_digital_network_intelligent_upgrade="true"),
     ["facts.is_digital_network_intelligent_upgrade", "true or false"]),
    ("int_for_bool", with_facts(E1, has_received_this_award_before=0),
     ["facts.has_received_this_award_before", "true or false"]),
    ("float_for_int", raw(E4, loan_term_months="60.0"), ["facts.loan_term_months", "a whole number"]),
    ("string_for_int", with_facts(E4, loan_term_months="60"), ["facts.loan_term_months", "a whole number"]),
    ("bool_for_int", with_facts(E4, claim_months=True), ["facts.claim_months", "a whole number"]),
    ("int_out_of_range", raw(E4, loan_term_months=str(10**30)), ["facts.loan_term_months", "out of range"]),
    ("negative_int", with_facts(E4, prior_subsidised_months=-1), ["facts.prior_subsidised_months", "out of range"]),
    ("money_one_decimal", with_facts(E1, equipment_purchase_amount="4800.5"), ["facts.equipment_purchase_amount",
                                                                              MONEY]),
    ("money_grouped", with_facts(E1, equipment_purchase_amount="4,800.00"), ["facts.equipment_purchase_amount",
                                                                            MONEY]),
    ("money_three_decimals_text", with_facts(E1, equipment_purchase_amount="100.005"),
     ["facts.equipment_purchase_amount", MONEY]),
    ("money_three_decimals_number", raw(E1, equipment_purchase_amount="100.005"),
     ["facts.equipment_purchase_amount", "more than two decimals"]),
    ("money_tiny_number", raw(E1, equipment_purchase_amount="1e-9999999"),
     ["facts.equipment_purchase_amount", "more than two decimals"]),
    ("money_beyond_28_digits", raw(E1, equipment_purchase_amount="1.000000000000000000000000000001"),
     ["facts.equipment_purchase_amount", "more than two decimals"]),
    ("money_negative_text", with_facts(E1, equipment_purchase_amount="-5.00"),
     ["facts.equipment_purchase_amount", "is negative", MONEY]),
    ("money_negative_number", with_facts(E1, equipment_purchase_amount=-5), ["facts.equipment_purchase_amount",
                                                                            "is negative"]),
    ("money_bool", with_facts(E1, equipment_purchase_amount=True), ["facts.equipment_purchase_amount", MONEY]),
    ("money_null", with_facts(E1, equipment_purchase_amount=None), ["facts.equipment_purchase_amount", MONEY]),
    ("money_fullwidth", with_facts(E1, equipment_purchase_amount="８６００.００"), ["facts.equipment_purchase_amount",
                                                                              MONEY]),
    ("money_huge", raw(E1, equipment_purchase_amount="1e30"), ["facts.equipment_purchase_amount", "out of range"]),
    ("uscc_wrong_check", with_facts(E1, applicant_uscc=wrong_check("91340100MA2N0AB1CJ")),
     ["facts.applicant_uscc", "check character should be 'J'", "GB 32100-2015"]),
    ("uscc_wrong_length", with_facts(E1, applicant_uscc="91340100MA2N0AB1C"), ["facts.applicant_uscc",
                                                                             "17 characters"]),
    ("region_as_number", with_facts(E1, region_code=340100), ["facts.region_code", "six-digit"]),
    ("enum_not_listed", with_facts(E3, capability_level="6A"),
     ["facts.capability_level", "one of 1A, 2A, 3A, 4A, 5A"]),
    ("enum_wrong_case", with_facts(E5, ic_chain_field="Integrated_Circuit"),
     ["facts.ic_chain_field", "one of integrated_circuit, compound_semiconductor"]),
    ("lone_surrogate", json.dumps(with_fields(E1, policy="\ud800")).encode(), ["policy", "\\ud800"]),
    ("too_deep", with_facts(E1, region_code=json.loads("[" * 200 + "]" * 200)), ["case", "nested more than"]),
]


def _as_bytes(case) -> bytes:
    if isinstance(case, bytes):
        return case
    return json.dumps(case, ensure_ascii=False).encode("utf-8")


def _write(directory: Path, name: str, data: bytes) -> str:
    path = directory / name
    path.write_bytes(data)
    return str(path)


# --- good input --------------------------------------------------------------------------------


def test_single_case_prints_the_result_as_json(huiqi, deployment):
    run = huiqi(["evaluate", _write(deployment, "case.json", _as_bytes(E1))])
    assert (run.code, run.stderr) == (0, "")
    assert run.json() == E1_RESULT


@pytest.mark.parametrize("case, eligible, award, missing", GOOD, ids=[c["policy"].split(".")[1] for c, *_ in GOOD])
def test_single_case_outcomes(huiqi_fast, deployment, case, eligible, award, missing):
    run = huiqi_fast(["evaluate", _write(deployment, "case.json", _as_bytes(case))])
    assert (run.code, run.stderr) == (0, "")
    result = run.json()
    assert (result["policy"], result["as_of"]) == (case["policy"], case["as_of"])
    assert (result["eligible"], result["award"], result["missing_facts"]) == (eligible, award, missing)


def test_single_case_from_standard_input(huiqi_fast):
    run = huiqi_fast(["evaluate", "-"], input=_as_bytes(E1))
    assert (run.code, run.json()) == (0, E1_RESULT)


def test_batch_one_result_per_line_in_order(huiqi, deployment):
    cases = [c for c, *_ in GOOD] + [E1]
    run = huiqi(["evaluate", "--batch", _write(deployment, "cases.jsonl", jsonl(*cases))])
    assert (run.code, run.stderr) == (0, "")
    lines = run.out_lines
    assert len(lines) == len(cases)
    for line, (case, eligible, award, missing) in zip(lines, GOOD + [GOOD[0]]):
        result = json.loads(line)
        assert (result["policy"], result["eligible"], result["award"], result["missing_facts"]) == (
            case["policy"], eligible, award, missing)
    assert json.loads(lines[0]) == E1_RESULT == json.loads(lines[-1])


def test_batch_from_standard_input_and_blank_final_line(huiqi_fast):
    run = huiqi_fast(["evaluate", "--batch", "-"], input=jsonl(E1, E3))
    assert run.code == 0 and len(run.out_lines) == 2
    crlf = huiqi_fast(["evaluate", "--batch", "-"], input=jsonl(E1, E3).replace(b"\n", b"\r\n"))
    assert crlf.out_lines == run.out_lines


def test_empty_batch_is_no_results(huiqi_fast):
    run = huiqi_fast(["evaluate", "--batch", "-"], input=b"")
    assert (run.code, run.out, run.stderr) == (0, "", "")


def test_unused_facts_and_fields_ignored_without_strict(huiqi_fast, deployment):
    noisy = with_fields(with_facts(E1, no_such_fact=[1, {"x": None}], capability_level="4A"), comment="备注")
    plain = huiqi_fast(["evaluate", _write(deployment, "a.json", _as_bytes(E1))])
    run = huiqi_fast(["evaluate", _write(deployment, "b.json", _as_bytes(noisy))])
    assert (run.code, run.stderr) == (0, "")
    assert run.out == plain.out


# --- bad input ---------------------------------------------------------------------------------


def _check_one_error_line(run, prefix: str, expected: list[str]) -> str:
    assert_clean_stderr(run)
    assert run.code == 2
    lines = run.err_lines
    assert len(lines) == 1, run.stderr
    line = lines[0]
    assert line.startswith(prefix), line
    for text in expected:
        assert text in line, (text, line)
    return line


@pytest.mark.parametrize("case, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_single_case(huiqi_fast, deployment, case, expected):
    run = huiqi_fast(["evaluate", _write(deployment, "case.json", _as_bytes(case))])
    _check_one_error_line(run, "case 1: ", expected)
    assert run.out == ""


# One of each kind as a real process too (test_every_bad_line_of_one_batch runs them all in one).
PROCESS_BAD = {"malformed_json", "not_utf8", "unknown_policy", "string_for_bool", "money_grouped", "uscc_wrong_check",
               "lone_surrogate"}


@pytest.mark.slow
@pytest.mark.parametrize("case, expected", [b[1:] for b in BAD if b[0] in PROCESS_BAD],
                         ids=[b[0] for b in BAD if b[0] in PROCESS_BAD])
def test_bad_single_case_as_a_process(huiqi_proc, huiqi_fast, deployment, case, expected):
    path = _write(deployment, "case.json", _as_bytes(case))
    run = huiqi_proc(["evaluate", path])
    line = _check_one_error_line(run, "case 1: ", expected)
    assert run.out == ""
    assert line == huiqi_fast(["evaluate", path]).err_lines[0]  # CliRunner runs what a shell sees


@pytest.mark.parametrize("case, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_line_in_a_batch(huiqi_fast, deployment, case, expected):
    """The bad line gets an {"error": ...} result naming its line; the lines around it are unaffected."""
    single = huiqi_fast(["evaluate", _write(deployment, "case.json", _as_bytes(case))]).err_lines[0]
    good = huiqi_fast(["evaluate", "--batch", "-"], input=jsonl(E1, E3)).out_lines
    run = huiqi_fast(["evaluate", "--batch", "-"], input=jsonl(E1, _as_bytes(case), E3))
    line = _check_one_error_line(run, "line 2: ", expected)
    assert line == "line 2: " + single.removeprefix("case 1: ")  # the same words in both modes
    out = run.out_lines
    assert len(out) == 3
    assert json.loads(out[1]) == {"error": line}
    assert [out[0], out[2]] == good


def test_as_of_before_the_policy_is_the_spec_line(huiqi, deployment):
    run = huiqi(["evaluate", _write(deployment, "case.json", _as_bytes(with_fields(E1, as_of="2020-06-30")))])
    assert (run.code, run.out, run.stderr) == (2, "", EXACT_E10 + "\n")


def test_every_bad_line_of_one_batch(huiqi, deployment):
    """All the bad cases in one file, between good ones: one error line each, in order, exit 2 at the end."""
    lines = [E1]
    for _, case, _expected in BAD:
        if case != b"":  # an empty line in a batch is covered below
            lines += [_as_bytes(case), E3]
    lines += [b"", E4]
    run = huiqi(["evaluate", "--batch", _write(deployment, "cases.jsonl", jsonl(*lines))])
    assert_clean_stderr(run)
    assert run.code == 2
    out = [json.loads(line) for line in run.out_lines]
    assert len(out) == len(lines)
    errors = [(number, result["error"]) for number, result in enumerate(out, start=1) if "error" in result]
    assert [n for n, _ in errors] == [n for n, case in enumerate(lines, start=1) if isinstance(case, bytes)]
    assert run.err_lines == [message for _, message in errors]
    for number, message in errors:
        assert message.startswith(f"line {number}: ")
    assert [r["award"] for r in out if "error" not in r] == ["860000.00"] + ["500000.00"] * (len(errors) - 1) + [
        "380000.00"]


@pytest.mark.parametrize("extra, expected", [
    ({"facts": {"no_such_fact": 1}}, ["facts.no_such_fact", "is not used by anhui_iiot_grants.equipment_upgrade",
                                      "--strict"]),
    ({"facts": {"capability_level": "4A"}}, ["facts.capability_level", "--strict"]),
    ({"comment": "备注"}, ["comment is not a field of a case", "only policy, as_of and facts"]),
    ({"facts": {"line\nbreak": 1}}, ["facts.line\\nbreak is not used"]),
    ({"a\nb\u2028c": 1}, ["a\\nb\\u2028c is not a field of a case"]),
], ids=["unknown_fact", "fact_of_another_measure", "unknown_case_field", "fact_name_with_newline",
        "field_name_with_line_breaks"])
def test_strict_rejects_what_the_measure_does_not_use(huiqi_fast, deployment, extra, expected):
    huiqi = huiqi_fast
    case = copy.deepcopy(E1)
    extra = copy.deepcopy(extra)
    case["facts"].update(extra.pop("facts", {}))
    case.update(extra)
    path = _write(deployment, "case.json", _as_bytes(case))
    assert huiqi(["evaluate", path]).code == 0
    run = huiqi(["evaluate", "--strict", path])
    _check_one_error_line(run, "case 1: ", expected)
    batch = huiqi(["evaluate", "--strict", "--batch", "-"], input=jsonl(E3, case))
    _check_one_error_line(batch, "line 2: ", expected)
    assert json.loads(batch.out_lines[0])["award"] == "500000.00"


def test_strict_in_a_real_process(huiqi_proc, deployment):
    noisy = with_fields(with_facts(E1, no_such_fact=1), comment="x")
    run = huiqi_proc(["evaluate", "--strict", "--batch", "-"], input=jsonl(E1, noisy, with_facts(E1, spare=None)))
    assert run.code == 2
    assert run.err_lines == ["line 2: comment is not a field of a case (expected only policy, as_of and facts "
                             "(--strict))",
                             "line 3: facts.spare is not used by anhui_iiot_grants.equipment_upgrade (--strict) "
                             "(expected a fact used by anhui_iiot_grants.equipment_upgrade)"]
    assert json.loads(run.out_lines[0]) == E1_RESULT


def test_strict_accepts_a_clean_case(huiqi_fast, deployment):
    run = huiqi_fast(["evaluate", "--strict", _write(deployment, "case.json", _as_bytes(E1))])
    assert (run.code, run.json()) == (0, E1_RESULT)


def test_disabled_plugin_refuses_its_policies(huiqi, deployment, config):
    config.write_text('[plugins]\ndisabled = ["anhui_iiot_grants"]\n', encoding="utf-8")
    run = huiqi(["evaluate", _write(deployment, "case.json", _as_bytes(E1))])
    line = _check_one_error_line(run, "case 1: ", ["anhui_iiot_grants", "disables"])
    assert "huiqi plugins enable anhui_iiot_grants" in line
    batch = huiqi(["evaluate", "--batch", "-"], input=jsonl(E1, E3))
    assert batch.code == 2 and len(batch.err_lines) == 2
    assert all("huiqi plugins enable anhui_iiot_grants" in json.loads(x)["error"] for x in batch.out_lines)


def test_unreadable_configuration_is_one_line(huiqi_fast, deployment, config):
    config.write_text('[plugins]\ndisabled = "anhui_iiot_grants"\n', encoding="utf-8")
    run = huiqi_fast(["evaluate", _write(deployment, "case.json", _as_bytes(E1))])
    _check_one_error_line(run, str(config), ["plugins.disabled must be a list"])


def test_neither_or_both_inputs_is_a_usage_error(huiqi_fast, deployment):
    path = _write(deployment, "case.json", _as_bytes(E1))
    for args in (["evaluate"], ["evaluate", path, "--batch", path]):
        run = huiqi_fast(args)
        assert_clean_stderr(run)
        assert run.code == 2 and run.out == ""
        assert "give either CASE_FILE or --batch FILE" in run.stderr


def test_sample_codes_are_valid():
    """The USCCs used above are real-format codes (a wrong check here would test nothing)."""
    from huiqi.uscc import is_valid_uscc

    assert is_valid_uscc(E1["facts"]["applicant_uscc"])
    assert not is_valid_uscc(wrong_check(E1["facts"]["applicant_uscc"]))
    assert is_valid_uscc(make_uscc(1, "340200"))


# --- huiqi plugins --------------------------------------------------------------------------------


def test_plugins_list_text(huiqi):
    run = huiqi(["plugins", "list"])
    assert (run.code, run.stderr) == (0, "")
    assert "anhui_iiot_grants" in run.out and "[enabled]" in run.out
    assert "340000 安徽省" in run.out and "皖政办秘〔2021〕82号" in run.out
    assert "16 measures: platform_cross_industry," in run.out
    assert "guangdong_vouchers" in run.out and "ILLUSTRATIVE sample, not official figures" in run.out


def test_plugins_list_json(huiqi):
    run = huiqi(["plugins", "list", "--format", "json"])
    assert (run.code, run.stderr) == (0, "")
    [row] = [r for r in run.json() if r["name"] == "anhui_iiot_grants"]
    assert row["enabled"] is True and row["plugin"] == "anhui_iiot_grants"
    assert row["jurisdiction"] == "340000 安徽省" and row["effective_from"] == "2021-01-01"
    assert row["version"] not in ("", None)
    assert len(row["measures"]) == 16 and P + "equipment_upgrade" in row["measures"]
    assert all(m.startswith(P) for m in row["measures"])
    [guangdong] = [r for r in run.json() if r["name"] == "guangdong_vouchers"]
    assert "ILLUSTRATIVE sample, not official figures" in guangdong["notes"] and guangdong["issued_on"] is None


def test_enable_disable_round_trip(huiqi, deployment, config):
    case = _write(deployment, "case.json", _as_bytes(E1))
    assert not config.exists()
    off = huiqi(["plugins", "disable", "anhui_iiot_grants"])
    assert (off.code, off.stderr) == (0, "")
    assert "disabled" in off.out
    assert tomllib.loads(config.read_text(encoding="utf-8"))["plugins"]["disabled"] == ["anhui_iiot_grants"]
    listed = huiqi(["plugins", "list", "--format", "json"]).json()
    assert [r["enabled"] for r in listed if r["name"] == "anhui_iiot_grants"] == [False]
    assert "[disabled]" in huiqi(["plugins", "list"]).out
    assert huiqi(["evaluate", case]).code == 2

    on = huiqi(["plugins", "enable", "anhui_iiot_grants"])
    assert (on.code, on.stderr) == (0, "")
    assert tomllib.loads(config.read_text(encoding="utf-8"))["plugins"]["disabled"] == []
    assert [r["enabled"] for r in huiqi(["plugins", "list", "--format", "json"]).json()
            if r["name"] == "anhui_iiot_grants"] == [True]
    again = huiqi(["evaluate", case])
    assert (again.code, again.json()) == (0, E1_RESULT)
    # idempotent: disabling twice lists the plugin once
    huiqi(["plugins", "disable", "anhui_iiot_grants"])
    huiqi(["plugins", "disable", "anhui_iiot_grants"])
    assert tomllib.loads(config.read_text(encoding="utf-8"))["plugins"]["disabled"] == ["anhui_iiot_grants"]


@pytest.mark.parametrize("action", ["enable", "disable"])
def test_switching_an_unknown_plugin_is_refused(huiqi, config, action):
    run = huiqi(["plugins", action, "no_such_plugin"])
    line = _check_one_error_line(run, "", ["no_such_plugin", "not installed", "anhui_iiot_grants"])
    assert "no_such_plugin" in line
    assert run.out == ""
    assert not config.exists()


@pytest.mark.slow
def test_nesting_near_the_recursion_limit_is_one_line(huiqi_proc, deployment):
    """A value nested ~980 deep once parsed but crashed while its error line was written."""
    deep = _as_bytes(E1).replace(b'"340100"', b"[" * 980 + b"]" * 980)
    for args, data in ((["evaluate", _write(deployment, "deep.json", deep)], b""),
                       (["evaluate", "--batch", "-"], jsonl(E1, deep))):
        run = huiqi_proc(args, data)
        assert_clean_stderr(run)
        assert run.code == 2 and len(run.err_lines) == 1 and "case" in run.err_lines[0]

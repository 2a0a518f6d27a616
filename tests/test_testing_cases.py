"""Tests of huiqi.testing_cases: the cases-file format is checked, and a wrong case fails clearly."""

from __future__ import annotations

import textwrap

import pytest

from huiqi.errors import ConfigError
from huiqi.testing_cases import check_case, load_cases

CASE = """
- name: "typical pass"
  case:
    policy: anhui_iiot_grants.smart_manufacturing
    as_of: 2021-12-01
    facts: {region_code: "341100", provincial_recognition: smart_factory, has_received_this_award_before: false}
  expect:
    eligible: true
    award: "1000000.00"
    missing_facts: []
    reasons:
      - {rule: smart_manufacturing.in_anhui, passed: true, detail: "region 341100 is in Anhui (34)"}
      - {rule: smart_manufacturing.recognised, passed: true}
      - {rule: smart_manufacturing.one_off, passed: true}
      - {rule: smart_manufacturing.tier, passed: true, detail: "smart_factory tier 1,000,000.00"}
      - {rule: smart_manufacturing.award_positive, passed: true}
"""


def write(tmp_path, text, name="cases.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_good_case_passes_and_yaml_dates_become_strings(tmp_path, calculator):
    (case,) = load_cases(write(tmp_path, CASE))
    assert case.input["as_of"] == "2021-12-01"
    check_case(calculator, case)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('award: "1000000.00"', 'award: "999999.99"', "award: expected '999999.99', got '1000000.00'"),
    ("eligible: true", "eligible: null", "eligible: expected None, got True"),
    ("missing_facts: []", "missing_facts: [region_code]", "missing_facts: expected"),
    ('tier 1,000,000.00"', 'tier 1,000,000"', "smart_manufacturing.tier detail: expected"),
    ("      - {rule: smart_manufacturing.one_off, passed: true}\n", "", "rules: expected"),
    ("{rule: smart_manufacturing.one_off, passed: true}", "{rule: smart_manufacturing.one_off, passed: false}",
     "smart_manufacturing.one_off passed: expected False, got True"),
])
def test_a_wrong_expectation_fails_naming_what_differs(tmp_path, calculator, old, new, message):
    (case,) = load_cases(write(tmp_path, CASE.replace(old, new)))
    with pytest.raises(AssertionError, match="typical pass") as caught:
        check_case(calculator, case)
    assert message in str(caught.value)


def test_error_cases(tmp_path, calculator):
    text = CASE.split("  expect:")[0].replace("smart_factory", "smart_workshop")
    (case,) = load_cases(write(tmp_path, text + '  error: ["facts.provincial_recognition", "smart_factory"]\n'))
    check_case(calculator, case)
    (case,) = load_cases(write(tmp_path, text + '  error: "something else"\n'))
    with pytest.raises(AssertionError, match="does not contain"):
        check_case(calculator, case)
    (case,) = load_cases(write(tmp_path, CASE.split("  expect:")[0] + '  error: "x"\n'))
    with pytest.raises(AssertionError, match="expected an input error"):
        check_case(calculator, case)


def test_parameters_of_a_case(tmp_path, calculator):
    text = CASE.replace("  case:", "  parameters: {factory_nets_prior_workshop_award: true}\n  case:")
    (case,) = load_cases(write(tmp_path, text.replace("missing_facts: []", "missing_facts: []  # netting on")))
    with pytest.raises(AssertionError, match="prior_workshop_award_amount"):
        check_case(calculator, case)
    (case,) = load_cases(write(tmp_path, CASE.replace("  case:", "  parameters: {no_such: 1}\n  case:")))
    with pytest.raises(ConfigError, match="no parameter 'no_such'"):
        check_case(calculator, case)
    (case,) = load_cases(write(tmp_path, CASE.replace("  case:", "  parameters: {capability_award: {}}\n  case:")))
    with pytest.raises(ConfigError, match="not map"):
        check_case(calculator, case)


@pytest.mark.parametrize(("text", "message"), [
    ("{}", "expected a list of cases"),
    ("- just text", "expected a mapping with a name"),
    ("- {name: a, case: {}, expect: {}, error: x}", "exactly one of 'expect' and 'error'"),
    ("- {name: a, case: {}}", "exactly one of 'expect' and 'error'"),
    ("- {name: a, case: 5, error: x}", "'case' must be a mapping"),
    ("- {name: a, case: {}, error: x, color: red}", "unknown keys color"),
    ("- {name: a, case: {}, error: []}", "'error' must be a non-empty string"),
    ("- {name: a, case: {}, expect: {eligible: true}}", "'expect' needs exactly"),
    ("- {name: a, case: {}, expect: {eligible: 1, award: '0.00', missing_facts: [], reasons: []}}",
     "expect.eligible must be true, false or null"),
    ("- {name: a, case: {}, expect: {eligible: true, award: 0.0, missing_facts: [], reasons: []}}",
     "expect.award must be a quoted yuan string"),
    ("- {name: a, case: {}, expect: {eligible: true, award: '0.00', missing_facts: [], reasons: [{rule: r}]}}",
     "reason 1 needs rule and passed"),
    ("- {name: a, case: {}, error: x}\n- {name: a, case: {}, error: y}", "duplicate case names: a"),
    ("- {name: a, case: {}, error: x, parameters: [1]}", "'parameters' must be a mapping"),
    ("[unclosed", "cannot read cases"),
])
def test_malformed_case_files_are_config_errors(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as caught:
        load_cases(write(tmp_path, text))
    assert "cases.yaml" in str(caught.value)


def test_a_directory_loads_every_file_in_name_order(tmp_path):
    write(tmp_path, "- {name: b, case: {}, error: x}", "b.yaml")
    write(tmp_path, "- {name: a, case: {}, error: x}", "a.yaml")
    write(tmp_path, "not a case file", "notes.txt")
    assert [case.name for case in load_cases(tmp_path)] == ["a", "b"]

"""The application-service catalogue of guangdong_vouchers (spec §5.2): the shipped ILLUSTRATIVE
versions, version selection by date, every validation error, and a deployer's replacement file."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from huiqi.calculator import Calculator
from huiqi.config import load_config
from huiqi.errors import ConfigError
from huiqi.parameters import parse_parameters
from huiqi.plugins import load_registry
from huiqi_plugins.guangdong_vouchers import catalogue as cat
from huiqi_plugins.guangdong_vouchers.document import (HERE, _check_effective_from, _issuance_ratio, build_document,
                                                        document)

START = dt.date(2018, 9, 20)


def official(**changes) -> dict:
    """A valid (non-illustrative) two-version catalogue file in the spec's shape."""
    versions = [
        {"version": 1, "label": "应用服务目录（第一版）", "effective_from": "2018-09-20", "illustrative": False,
         "note": "official", "source": "省经济和信息化委 目录（第一版）", "period_cap_amount": "400000.00",
         "service_types": [
             {"code": "production_control", "name": "生产管控类工业SaaS/App", "business_area": "production",
              "cap_amount": "120000.00"},
             {"code": "rd_design", "name": "研发设计类工业SaaS/App", "business_area": "rd_design",
              "cap_amount": "80000.00"}]},
        {"version": 2, "label": "应用服务目录（第二版）", "effective_from": "2020-01-01", "illustrative": False,
         "note": "", "source": "省经济和信息化委 目录（第二版）", "period_cap_amount": "450000.00",
         "service_types": [
             {"code": "production_control", "name": "生产管控类工业SaaS/App", "business_area": "production",
              "cap_amount": "150000.00"}]},
    ]
    for path, value in changes.items():  # "1.service_types.0.code" → versions[1]["service_types"][0]["code"]
        *parents, last = path.split(".")
        target = versions
        for key in parents:
            target = target[int(key) if key.isdigit() else key]
        if value is DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return {"catalogue": versions}


DELETE = object()


def write(tmp_path: Path, content) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True),
                    encoding="utf-8")
    return path


# --- the shipped sample and selection by date -----------------------------------------------------


def test_the_shipped_catalogue_is_the_spec_illustrative_sample():
    rows = document().parameters["catalogue"].rows
    assert [(r.effective_from, r.value.version, r.value.illustrative) for r in rows] == [
        (START, 1, True), (dt.date(2019, 7, 1), 2, True)]
    first, second = (r.value for r in rows)
    assert first.period_cap_amount == 500_000_00 and second.period_cap_amount == 600_000_00
    assert first.caps == {"cloud_infrastructure": 50_000_00, "equipment_connection": 200_000_00,
                          "rd_design": 100_000_00, "production_control": 200_000_00,
                          "business_management": 100_000_00, "after_sales_service": 100_000_00}
    assert second.caps == first.caps | {"cloud_infrastructure": 30_000_00, "production_control": 300_000_00,
                                        "industrial_app": 150_000_00}
    assert [t.business_area for t in second.service_types] == [
        "cloud_resources", "equipment", "rd_design", "production", "management", "after_sales", "platform"]
    assert "ILLUSTRATIVE" in first.label and "ILLUSTRATIVE" in second.label
    assert first.short == "第一版" and second.short == "第二版"
    assert first.source.startswith("002 上云上平台服务券方案 四（四）")
    assert "ILLUSTRATIVE sample, not official figures" in str(first)
    assert "ILLUSTRATIVE sample, not official figures" in document().notes


@pytest.mark.parametrize(("day", "version"), [
    ("2018-09-20", 1), ("2019-06-30", 1), ("2019-07-01", 2), ("2019-07-02", 2), ("2030-01-01", 2)])
def test_the_version_in_force_has_the_latest_effective_from_on_or_before_the_day(day, version):
    assert document().parameters.at(dt.date.fromisoformat(day))["catalogue"].version == version


def test_chinese_version_names():
    assert [cat.chinese_number(n) for n in (1, 2, 9, 10, 11, 20, 21, 99, 100)] == [
        "一", "二", "九", "十", "十一", "二十", "二十一", "九十九", "100"]


# --- every validation error, in a deployer's file ---------------------------------------------


BROKEN = [
    pytest.param(official(**{"0.label": ""}), "catalogue version 1: label: expected a non-empty string", id="label"),
    pytest.param(official(**{"0.label": DELETE}), "catalogue version 1: label: missing", id="label missing"),
    pytest.param(official(**{"0.colour": "red"}), "catalogue version 1: colour: unknown field", id="unknown field"),
    pytest.param(official(**{"0.version": "one"}), "catalogue version one: version: expected a whole number ≥ 1",
                 id="version not a number"),
    pytest.param(official(**{"0.version": 0}), "catalogue version 0: version: expected a whole number ≥ 1",
                 id="version zero"),
    pytest.param(official(**{"0.version": True}), "version: expected a whole number ≥ 1", id="version bool"),
    pytest.param(official(**{"1.version": 1}), "catalogue version 1: version: must be greater than the previous "
                 "version 1", id="versions not increasing"),
    pytest.param(official(**{"0.version": 3}), "catalogue version 2: version: must be greater than the previous "
                 "version 3", id="versions decreasing"),
    pytest.param(official(**{"0.effective_from": "2018-10-01"}), "catalogue version 1: effective_from: 2018-10-01 "
                 "must equal the policy's effective date 2018-09-20", id="first not the policy's day"),
    pytest.param(official(**{"1.effective_from": "2018-09-20"}), "catalogue version 2: effective_from: 2018-09-20 "
                 "must be after version 1's 2018-09-20", id="days not increasing"),
    pytest.param(official(**{"0.effective_from": "next year"}), "catalogue version 1: effective_from: expected a "
                 "date YYYY-MM-DD", id="not a date"),
    pytest.param(official(**{"0.effective_from": "2018-02-30"}), "effective_from: expected a date", id="no such day"),
    pytest.param(official(**{"1.source": " "}), "catalogue version 2: source: expected a non-empty string",
                 id="source blank"),
    pytest.param(official(**{"0.illustrative": "no"}), "catalogue version 1: illustrative: expected true or false",
                 id="illustrative not bool"),
    pytest.param(official(**{"0.note": 5}), "catalogue version 1: note: expected a string", id="note not string"),
    pytest.param(official(**{"0.period_cap_amount": "0.00"}), "catalogue version 1: period_cap_amount: must be "
                 "more than 0.00", id="period cap zero"),
    pytest.param(official(**{"0.period_cap_amount": "-5.00"}), "catalogue version 1: period_cap_amount: "
                 "\"-5.00\" is negative", id="period cap negative"),
    pytest.param(official(**{"0.period_cap_amount": 400000.5}), "catalogue version 1: period_cap_amount: write "
                 "the amount as a quoted string", id="period cap float"),
    pytest.param(official(**{"0.period_cap_amount": "400,000.00"}), "catalogue version 1: period_cap_amount:",
                 id="period cap separator"),
    pytest.param(official(**{"0.service_types": []}), "catalogue version 1: service_types: expected a list of at "
                 "least one service type", id="no service types"),
    pytest.param(official(**{"0.service_types": {"a": 1}}), "catalogue version 1: service_types: expected a list",
                 id="service types not a list"),
    pytest.param(official(**{"0.service_types.1": "rd_design"}), "catalogue version 1: service_types[2]: expected "
                 "a mapping", id="service type not a mapping"),
    pytest.param(official(**{"0.service_types.1.code": "RD"}), "catalogue version 1: service_types[2].code: 'RD' "
                 "is not a code", id="code uppercase"),
    pytest.param(official(**{"0.service_types.1.code": "9rd"}), "service_types[2].code: '9rd' is not a code",
                 id="code leading digit"),
    pytest.param(official(**{"0.service_types.1.code": "a" * 65}), "service_types[2].code:", id="code too long"),
    pytest.param(official(**{"0.service_types.1.code": 7}), "service_types[2].code: 7 is not a code",
                 id="code a number"),
    pytest.param(official(**{"0.service_types.1.code": "production_control"}), "catalogue version 1: "
                 "service_types[2].code: 'production_control' is listed twice", id="code twice"),
    pytest.param(official(**{"0.service_types.1.name": ""}), "catalogue version 1: service_types[2] (rd_design)"
                 ".name: expected a non-empty string", id="name blank"),
    pytest.param(official(**{"0.service_types.1.business_area": "cloud"}), "catalogue version 1: service_types[2] "
                 "(rd_design).business_area: 'cloud' is not one of cloud_resources, platform", id="business area"),
    pytest.param(official(**{"0.service_types.1.cap_amount": "0"}), "catalogue version 1: service_types[2] "
                 "(rd_design).cap_amount: must be more than 0.00", id="cap zero"),
    pytest.param(official(**{"1.service_types.0.cap_amount": True}), "catalogue version 2: service_types[1] "
                 "(production_control).cap_amount:", id="cap bool"),
    pytest.param(official(**{"1.service_types.0.size": 3}), "catalogue version 2: size: unknown field of a service "
                 "type", id="service type unknown field"),
    pytest.param(official(**{"1.service_types.0.cap_amount": DELETE}), "catalogue version 2: cap_amount: missing; "
                 "a service type needs code, name, business_area, cap_amount", id="service type field missing"),
    pytest.param({"catalogue": []}, "expected 'catalogue:' followed by a list of versions", id="empty"),
    pytest.param({"versions": []}, "expected 'catalogue:' followed by a list of versions", id="wrong top key"),
    pytest.param({"catalogue": ["v1"]}, "entry 1: a catalogue version must be a mapping", id="entry not mapping"),
    pytest.param("catalogue: [unclosed\n", "cannot read the catalogue", id="not YAML"),
]


@pytest.mark.parametrize(("content", "message"), BROKEN)
def test_a_bad_catalogue_file_is_one_config_error_naming_the_version_and_field(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        cat.load_catalogue_file(path, START)
    text = str(caught.value)
    assert message in text
    assert text.startswith(str(path)) and "\n" not in text


def test_a_missing_catalogue_file(tmp_path):
    with pytest.raises(ConfigError, match="absent.yaml: cannot read the catalogue"):
        cat.load_catalogue_file(tmp_path / "absent.yaml", START)


def test_a_bare_list_of_versions_is_accepted(tmp_path):
    rows = cat.load_catalogue_file(write(tmp_path, official()["catalogue"]), START)
    assert [(r.effective_from, r.value.version, r.value.effective_from, r.source) for r in rows] == [
        (START, 1, START, "省经济和信息化委 目录（第一版）"),
        (dt.date(2020, 1, 1), 2, dt.date(2020, 1, 1), "省经济和信息化委 目录（第二版）")]
    assert rows[1].value.caps == {"production_control": 150_000_00}


# --- the same checks on the plugin's own parameters.yaml ----------------------------------------


def _shipped() -> dict:
    return yaml.safe_load((HERE / "parameters.yaml").read_text(encoding="utf-8"))


def _parse(raw: dict):
    return parse_parameters(raw, "guangdong_vouchers", "parameters.yaml", cat.VALIDATORS)


def test_the_shipped_parameters_pass_the_validator():
    assert _parse(_shipped())["catalogue"].rows[1].value.version == 2


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: rows[1]["value"]["service_types"][0].update(business_area="cloud"),
     "parameters.yaml: parameter catalogue, row 2: value: catalogue version 2: service_types[1] "
     "(cloud_infrastructure).business_area: 'cloud' is not one of"),
    (lambda rows: rows[1]["value"].update(version=1),
     "parameters.yaml: parameter catalogue: catalogue version 1: version: must be greater than the previous version 1"),
    (lambda rows: rows[0].update(effective_from=dt.date(2018, 9, 1)),
     "parameter catalogue: catalogue version 1: effective_from: 2018-09-01 must equal the policy's effective date"),
    (lambda rows: rows[0].update(effective_from=dt.date(2018, 9, 21)),
     "parameter catalogue: first value starts 2018-09-21, after the document's 2018-09-20"),
    (lambda rows: rows[1].update(effective_from=dt.date(2018, 9, 20)),
     "parameter catalogue, row 2: effective_from 2018-09-20 must be after the previous row's 2018-09-20"),
    (lambda rows: rows[0]["value"].update(effective_from="2018-09-20"),
     "row 1: value: catalogue version 1: effective_from: unknown field of a version"),
])
def test_a_mistake_in_the_plugin_parameters_names_the_row_version_and_field(change, message):
    raw = _shipped()
    change(raw["parameters"]["catalogue"]["values"])
    with pytest.raises(ConfigError) as caught:
        _parse(raw)
    assert message in str(caught.value)


# --- the deployer's replacement: where it is named, and what it changes -------------------------


def test_the_override_is_named_by_the_environment_or_huiqi_toml(tmp_path):
    toml = tmp_path / "huiqi.toml"
    assert cat.catalogue_override({}, toml) is None  # no file
    toml.write_text('[plugins]\ndisabled = []\n', encoding="utf-8")
    assert cat.catalogue_override({}, toml) is None  # no table
    toml.write_text('[guangdong_vouchers]\ncatalogue = "official/catalogue.yaml"\n', encoding="utf-8")
    assert cat.catalogue_override({}, toml) == tmp_path / "official" / "catalogue.yaml"
    assert cat.catalogue_override({cat.ENV_VAR: "/srv/c.yaml"}, toml) == Path("/srv/c.yaml")  # the variable wins


@pytest.mark.parametrize(("table", "message"), [
    ('catalog = "c.yaml"', "[guangdong_vouchers] takes one key, catalogue"),
    ("catalogue = 3", "catalogue must be the path of a catalogue file, got 3"),
    ('catalogue = ""', "catalogue must be the path of a catalogue file"),
])
def test_a_wrong_huiqi_toml_table_is_a_config_error(tmp_path, table, message):
    toml = tmp_path / "huiqi.toml"
    toml.write_text(f"[guangdong_vouchers]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="huiqi.toml: ") as caught:
        cat.catalogue_override({}, toml)
    assert message in str(caught.value)


CASE = {"policy": "guangdong_vouchers.voucher_award", "as_of": "2019-08-01", "facts": {
    "region_code": "440113", "is_independent_legal_person": True, "industry_code": "3484",
    "established_date": "2014-06-23", "prior_year_main_business_revenue_amount": "38600000.00",
    "has_serious_fiscal_violation_5y": False, "unredeemed_voucher_count": 0,
    "is_rights_suspended_for_poor_results": False, "has_subsidy_fraud_finding": False,
    "contract_signed_date": "2019-07-02", "implementation_region_code": "440113",
    "has_other_special_fund_application": False, "supplier_is_registered": True, "supplier_is_disqualified": False,
    "is_related_party_transaction": False, "service_type": "production_control",
    "contract_cloud_fee_amount": "254000.00", "period_awarded_amount": "300000.00"}}


def _details(result) -> dict:
    return {r.rule: r.detail for r in result.reasons}


def test_an_official_catalogue_replaces_the_sample_and_its_figures_apply(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cat.ENV_VAR, raising=False)
    monkeypatch.delenv("HUIQI_CONFIG", raising=False)
    write(tmp_path, official())
    (tmp_path / "huiqi.toml").write_text('[guangdong_vouchers]\ncatalogue = "catalogue.yaml"\n', encoding="utf-8")
    registry = load_registry(load_config(tmp_path / "huiqi.toml"))
    rows = registry.document("guangdong_vouchers").parameters["catalogue"].rows
    assert [r.value.illustrative for r in rows] == [False, False]
    result = Calculator(registry).evaluate(CASE)
    # 第一版 in force on 2019-08-01: min(254,000.00, 120,000.00) = 120,000.00; 400,000.00 − 300,000.00 = 100,000.00
    assert result.award_fen == 100_000_00
    details = _details(result)
    assert details["voucher_award.amount"] == ("min(contract fee 254,000.00, type cap 120,000.00) = 120,000.00; "
                                               "min(120,000.00, 100,000.00 left) = 100,000.00 (catalogue 第一版)")
    assert details["voucher_award.service_in_catalogue"] == (
        "production_control 生产管控类工业SaaS/App is in catalogue 第一版")
    assert "ILLUSTRATIVE" not in registry.document("guangdong_vouchers").notes
    later = Calculator(registry).evaluate(CASE | {"as_of": "2020-01-01"})
    assert later.award_fen == 150_000_00  # 第二版: cap 150,000.00; 450,000.00 − 300,000.00 left


def test_the_environment_variable_names_the_file_for_one_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(cat.ENV_VAR, str(write(tmp_path, official())))
    assert document().parameters.at(START)["catalogue"].label == "应用服务目录（第一版）"
    monkeypatch.delenv(cat.ENV_VAR)
    assert document().parameters.at(START)["catalogue"].illustrative is True  # back to the shipped sample


def test_an_edited_file_is_read_again(tmp_path, monkeypatch):
    path = write(tmp_path, official())
    monkeypatch.setenv(cat.ENV_VAR, str(path))
    assert document().parameters.at(START)["catalogue"].period_cap_amount == 400_000_00
    content = official(**{"0.period_cap_amount": "410000.00"})
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert document().parameters.at(START)["catalogue"].period_cap_amount == 410_000_00


def test_a_deployment_adds_a_later_version_as_a_parameter_row(tmp_path):
    version = official()["catalogue"][1] | {"version": 3}
    row = {"effective_from": "2021-01-01", "source": version.pop("source"), "value": version}
    version.pop("effective_from")
    (tmp_path / "rows.yaml").write_text(yaml.safe_dump({"parameters": {"catalogue": {"values": [row]}}},
                                                       allow_unicode=True), encoding="utf-8")
    (tmp_path / "huiqi.toml").write_text('[parameters]\nguangdong_vouchers = "rows.yaml"\n', encoding="utf-8")
    parameters = load_registry(load_config(tmp_path / "huiqi.toml")).document("guangdong_vouchers").parameters
    added = parameters.at(dt.date(2021, 1, 1))["catalogue"]
    assert (added.version, added.effective_from, added.source) == (3, dt.date(2021, 1, 1), "省经济和信息化委 目录（第二版）")
    assert parameters.at(dt.date(2020, 12, 31))["catalogue"].version == 2  # the shipped history stays
    row["value"]["version"] = 2
    (tmp_path / "rows.yaml").write_text(yaml.safe_dump({"parameters": {"catalogue": {"values": [row]}}},
                                                       allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="rows.yaml: parameter catalogue: catalogue version 2: version: must be "
                                          "greater than the previous version 2"):
        load_registry(load_config(tmp_path / "huiqi.toml"))


def test_a_bad_file_stops_huiqi_evaluate_with_one_line(tmp_path):
    path = write(tmp_path, official(**{"1.service_types.0.business_area": "factory"}))
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    huiqi = Path(sys.executable).with_name("huiqi")
    run = subprocess.run([str(huiqi), "evaluate", str(case)], capture_output=True, text=True, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", cat.ENV_VAR: str(path)})
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines() == [textwrap.dedent(f"""\
        {path}: catalogue version 2: service_types[1] (production_control).business_area: 'factory' is not one of \
cloud_resources, platform, rd_design, production, management, after_sales, equipment, other""")]
    assert run.stdout == ""


def test_build_document_is_cached_per_file():
    assert build_document(None, None) is build_document(None, None)


# --- the rest of the plugin's parameters file -----------------------------------------------------


def test_every_scalar_parameter_of_spec_5_1_is_dated_with_its_source():
    parameters = document().parameters
    names = ("policy_effective_from policy_effective_to province_prefix industrial_division_min "
             "industrial_division_max min_years_established min_main_business_revenue_amount "
             "fiscal_violation_lookback_years "
             "contract_signed_after contract_signed_after_inclusive partial_award_at_period_cap "
             "integration_bonus_amount bonus_counts_toward_period_cap suspension_unredeemed_count suspension_batches "
             "revocation_unredeemed_count unredeemed_outcomes registration_review_working_days "
             "voucher_review_working_days settlement_review_deadline on_review_overdue max_city_returns_per_stage "
             "return_resubmit_working_days application_deadline_applies_to deadline_notice_min_days "
             "notice_min_calendar_days notice_extend_to_working_day issuance_ratio_percent payout_priority_order "
             "payout_skip_when_short resubmission_keeps_place supplier_disqualification_periods "
             "out_of_province_supplier_to_province target_enterprises target_suppliers target_platforms target_date "
             "city_topup").split()
    assert set(names) <= set(parameters.parameters)
    for name in names:
        assert [r.effective_from for r in parameters[name].rows] == [START], name
        assert parameters[name].rows[0].source.strip(), name
    values = parameters.at(START)
    assert (values["min_main_business_revenue_amount"], values["integration_bonus_amount"]) == (10**9, 2 * 10**7)
    assert values["contract_signed_after"] == dt.date(2018, 3, 20)
    assert values["contract_signed_after_inclusive"] is False
    assert values["unredeemed_outcomes"] == ("void", "surrendered", "settlement_rejected")
    assert values["payout_priority_order"] == ("pilot", "carried_over", "settlement_applied_at")
    assert values["settlement_review_deadline"] is None and values["policy_effective_to"] is None


@pytest.mark.parametrize("ratio", [99, 201, "200", True])
def test_the_issuance_ratio_stays_within_1_to_2_times(ratio):
    raw = _shipped()
    raw["parameters"]["issuance_ratio_percent"]["values"][0]["value"] = ratio
    with pytest.raises(ConfigError, match="issuance_ratio_percent, row 1: value: expected a whole percentage from "
                                          "100 to 200"):
        parse_parameters(raw, "guangdong_vouchers", "parameters.yaml",
                         cat.VALIDATORS | {"issuance_ratio_percent": _issuance_ratio})


def test_policy_effective_from_must_equal_the_file_effective_date():
    raw = _shipped()
    raw["parameters"]["policy_effective_from"]["values"][0]["value"] = dt.date(2018, 10, 1)
    with pytest.raises(ConfigError, match="policy_effective_from 2018-10-01 differs from effective_from 2018-09-20"):
        _check_effective_from(_parse(raw))

"""Tests of huiqi.parameters: dated values, epochs, and every mistake a parameter file can hold."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from huiqi.errors import ConfigError
from huiqi.parameters import load_parameters, parse_parameters

D = dt.date


def rows(*pairs) -> list[dict]:
    return [{"effective_from": day, "value": value, "source": f"clause {i}"} for i, (day, value) in enumerate(pairs)]


def document(**parameters) -> dict:
    return {"effective_from": "2021-01-01", "effective_to": None, "parameters": parameters}


def parse(raw, validators=None):
    return parse_parameters(raw, "doc", "doc/parameters.yaml", validators or {})


RATE = {"type": "percent", "values": rows(("2021-01-01", 10), ("2022-07-01", 15), ("2024-01-01", 12))}
CAP = {"type": "money", "values": rows(("2020-06-01", "100.00"), ("2021-01-01", "200.00"), ("2023-03-15", "250.50"))}


# --- dated selection ---------------------------------------------------------------------------


def test_the_row_in_force_is_the_latest_on_or_before_the_day():
    ps = parse(document(rate=RATE, cap=CAP))
    assert [ps.at(D(2021, 1, 1))["rate"], ps.at(D(2022, 6, 30))["rate"], ps.at(D(2022, 7, 1))["rate"],
            ps.at(D(2030, 1, 1))["rate"]] == [10, 10, 15, 12]
    assert ps["cap"].value_on(D(2021, 1, 1)) == 20000  # the row of 2020-06-01 was replaced on the start day
    assert ps["cap"].value_on(D(2020, 1, 1)) == 10000  # before any row: the first
    assert ps.at(D(2023, 3, 15))["cap"] == 25050
    assert ps["cap"].rows[0].source == "clause 0"


def test_epochs_are_the_stretches_between_change_days():
    ps = parse(document(rate=RATE, cap=CAP))
    assert ps.change_days == (D(2022, 7, 1), D(2023, 3, 15), D(2024, 1, 1))  # not 2020-06-01 nor the start
    days = [D(2021, 1, 1), D(2022, 6, 30), D(2022, 7, 1), D(2023, 3, 14), D(2023, 3, 15), D(2025, 1, 1)]
    assert [ps.epoch_of(d) for d in days] == [0, 0, 1, 1, 2, 3]
    assert ps.epochs(np.array(days, dtype="datetime64[D]")).tolist() == [0, 0, 1, 1, 2, 3]
    for day in days:
        assert ps.params_for_epoch(ps.epoch_of(day)) == {name: p.value_on(day) for name, p in ps.parameters.items()}


def test_document_dates():
    ps = parse({**document(rate=RATE), "effective_to": "2025-12-31"})
    assert (ps.effective_from, ps.effective_to) == (D(2021, 1, 1), D(2025, 12, 31))
    assert parse(document(rate=RATE)).effective_to is None


def test_yaml_dates_and_types(tmp_path):
    path = tmp_path / "parameters.yaml"
    path.write_text("effective_from: 2021-01-01\nparameters:\n  flag:\n    type: bool\n    values:\n"
                    "      - {effective_from: 2021-01-01, value: true, source: x}\n", encoding="utf-8")
    assert load_parameters(path, "doc").at(D(2021, 1, 1)) == {"flag": True}


@pytest.mark.parametrize(("kind", "spec", "value", "expected"), [
    ("money", {}, "4800.00", 480000),
    ("money", {}, 4800, 480000),
    ("int", {}, 36, 36),
    ("percent", {}, 40, 40),
    ("bp", {}, 475, 475),
    ("bool", {}, False, False),
    ("date", {}, "2021-09-02", D(2021, 9, 2)),
    ("date", {}, D(2021, 9, 2), D(2021, 9, 2)),
    ("enum", {"choices": ["top_up", "full"]}, "full", "full"),
    ("string", {}, "as_of", "as_of"),
    ("map", {"of": "money"}, {"3A": "500000.00"}, {"3A": 50000000}),
    ("map", {"of": "bp"}, {"1_to_5_years": 475}, {"1_to_5_years": 475}),
    ("list", {"of": "string"}, ["a", "b"], ("a", "b")),
    ("int", {"nullable": True}, None, None),
])
def test_each_type(kind, spec, value, expected):
    ps = parse(document(p={"type": kind, **spec, "values": rows(("2021-01-01", value))}))
    assert ps.at(D(2021, 1, 1))["p"] == expected


def test_a_custom_validator_decides_the_value():
    def upper(value, where):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: not text")
        return value.upper()

    ps = parse(document(p={"type": "string", "values": rows(("2021-01-01", "x"))}), {"p": upper})
    assert ps.at(D(2021, 1, 1))["p"] == "X"
    with pytest.raises(ConfigError, match="parameter p, row 1: value: not text"):
        parse(document(p={"type": "string", "values": rows(("2021-01-01", 3))}), {"p": upper})


# --- every ConfigError path ------------------------------------------------------------------


def one(kind="int", values=None, **spec):
    return document(p={"type": kind, "values": values if values is not None else rows(("2021-01-01", 1)), **spec})


BROKEN = [
    pytest.param([], "expected a mapping with 'effective_from' and 'parameters'", id="not a mapping"),
    pytest.param({"effective_from": "2021-01-01"}, "expected a mapping", id="no parameters"),
    pytest.param({"effective_from": "2021-01-01", "parameters": []}, "expected a mapping", id="parameters a list"),
    pytest.param({**one(), "effective_from": None}, "effective_from: expected a date", id="no document start"),
    pytest.param({**one(), "effective_from": "2021-13-01"}, "effective_from: expected a date", id="month 13"),
    pytest.param({**one(), "effective_from": 20210101}, "effective_from: expected a date", id="date as a number"),
    pytest.param({**one(), "effective_from": "2021/01/01"}, "expected a date YYYY-MM-DD", id="slashes"),
    pytest.param({**one(), "effective_to": "soon"}, "effective_to: expected a date", id="bad end"),
    pytest.param(document(p=5), "parameter p: expected 'type' and a list of dated 'values'", id="spec not a mapping"),
    pytest.param(document(p={"values": []}), "expected 'type'", id="no type"),
    pytest.param(document(p={"type": "int", "values": {"a": 1}}), "list of dated 'values'", id="values a mapping"),
    pytest.param(one(values=[]), "parameter p: no values", id="no rows"),
    pytest.param(one(values=[5]), "row 1: expected effective_from, value and source", id="row not a mapping"),
    pytest.param(one(values=[{"effective_from": "2021-01-01", "value": 1}]), "row 1: expected effective_from, "
                 "value and source", id="row without source"),
    pytest.param(one(values=rows(("2021-02-30", 1))), "row 1: effective_from: expected a date", id="bad row date"),
    pytest.param(one(values=rows(("2021-01-01", 1), ("2021-01-01", 2))),
                 "row 2: effective_from 2021-01-01 must be after the previous row's 2021-01-01", id="same day twice"),
    pytest.param(one(values=rows(("2021-01-01", 1), ("2022-01-01", 2), ("2021-06-01", 3))),
                 "row 3: effective_from 2021-06-01 must be after the previous row's 2022-01-01", id="decreasing"),
    pytest.param(one(values=rows(("2021-01-02", 1))),
                 "first value starts 2021-01-02, after the document's 2021-01-01", id="first row after the start"),
    pytest.param(one("int", rows(("2021-01-01", "36"))), "row 1: value: expected a whole number", id="int as text"),
    pytest.param(one("int", rows(("2021-01-01", True))), "expected a whole number, got True", id="int as bool"),
    pytest.param(one("percent", rows(("2021-01-01", 10.5))), "expected a whole number", id="fractional percent"),
    pytest.param(one("bp", rows(("2021-01-01", 4.75))), "expected a whole number", id="rate in percent not bp"),
    pytest.param(one("bool", rows(("2021-01-01", "true"))), "expected true or false", id="bool as text"),
    pytest.param(one("bool", rows(("2021-01-01", 1))), "expected true or false", id="bool as int"),
    pytest.param(one("money", rows(("2021-01-01", "4,800.00"))), "row 1: value", id="money with separator"),
    pytest.param(one("money", rows(("2021-01-01", -1))), "negative", id="negative money"),
    pytest.param(one("money", rows(("2021-01-01", 100.5))), "row 1: value", id="unquoted float money"),
    pytest.param(one("date", rows(("2021-01-01", "someday"))), "value: expected a date", id="bad date value"),
    pytest.param(one("enum", rows(("2021-01-01", "half")), choices=["top_up", "full"]),
                 "'half' is not one of top_up, full", id="enum not listed"),
    pytest.param(one("ratio", rows(("2021-01-01", 1))), "unknown parameter type 'ratio'", id="unknown type"),
    pytest.param(one("map", rows(("2021-01-01", [1]))), "value: expected a mapping", id="map not a mapping"),
    pytest.param(one("map", rows(("2021-01-01", {"3A": "x"})), of="money"), "value.3A", id="map entry bad"),
    pytest.param(one("list", rows(("2021-01-01", "a"))), "value: expected a list", id="list not a list"),
    pytest.param(one("list", rows(("2021-01-01", [1, "x"])), of="int"), "value[1]: expected a whole number",
                 id="list item bad"),
    pytest.param(one("int", rows(("2021-01-01", None))), "a value is required (declare 'nullable: true'",
                 id="null without nullable"),
]


@pytest.mark.parametrize(("raw", "message"), BROKEN)
def test_config_errors_name_the_file_parameter_and_row(raw, message):
    with pytest.raises(ConfigError) as caught:
        parse(raw)
    assert message in str(caught.value)
    assert str(caught.value).startswith("doc/parameters.yaml")


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read parameters"):
        load_parameters(tmp_path / "missing.yaml", "doc")
    bad = tmp_path / "bad.yaml"
    bad.write_text("parameters: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml: cannot read parameters"):
        load_parameters(bad, "doc")


def test_a_validator_with_check_rows_sees_every_row_of_its_parameter():
    seen = []

    def validator(value, where):
        if not isinstance(value, int):
            raise ConfigError(f"{where}: expected a version number")
        return value

    def check_rows(rows, where, start):
        seen.append((tuple(r.value for r in rows), start))
        if [r.value for r in rows] != sorted(r.value for r in rows):
            raise ConfigError(f"{where}: versions must increase")
        return rows

    validator.check_rows = check_rows
    raw = {"effective_from": "2021-01-01", "parameters": {"v": {"type": "version", "values": [
        {"effective_from": "2021-01-01", "value": 1, "source": "s"},
        {"effective_from": "2022-01-01", "value": 2, "source": "s"}]}}}
    parameters = parse_parameters(raw, "doc", "doc/parameters.yaml", {"v": validator})
    assert seen == [((1, 2), dt.date(2021, 1, 1))]
    later = {"parameters": {"v": {"values": [{"effective_from": "2023-01-01", "value": 0, "source": "d"}]}}}
    with pytest.raises(ConfigError, match="deployment.yaml: parameter v: versions must increase"):
        parameters.with_rows(later, "deployment.yaml")

"""A deployment adds later dated parameter rows in a file named by huiqi.toml [parameters]."""

import datetime as dt

import pytest

from huiqi.config import load_config
from huiqi.errors import ConfigError
from huiqi.plugins import load_registry


def _registry(tmp_path, rows: str):
    (tmp_path / "rows.yaml").write_text(rows, encoding="utf-8")
    (tmp_path / "huiqi.toml").write_text('[parameters]\nanhui_iiot_grants = "rows.yaml"\n', encoding="utf-8")
    return load_registry(load_config(tmp_path / "huiqi.toml"))


def test_later_rows_take_effect_on_their_day_and_keep_the_history(tmp_path):
    registry = _registry(tmp_path, """
parameters:
  equipment_upgrade_cap:
    values:
      - {effective_from: 2023-01-01, value: "6000000.00", source: "申报指南 2023"}
""")
    parameters = registry.document("anhui_iiot_grants").parameters
    assert parameters.at(dt.date(2022, 12, 31))["equipment_upgrade_cap"] == 500_000_000
    assert parameters.at(dt.date(2023, 1, 1))["equipment_upgrade_cap"] == 600_000_000
    assert [r.source for r in parameters["equipment_upgrade_cap"].rows][-1] == "申报指南 2023"


@pytest.mark.parametrize("rows, message", [
    ("parameters: {no_such: {values: []}}", "unknown parameter 'no_such'"),
    ("parameters:\n  equipment_upgrade_cap:\n    values:\n      - {effective_from: 2020-01-01, value: \"1.00\", "
     "source: x}\n", "must be after"),
    ("parameters:\n  equipment_upgrade_cap:\n    values:\n      - {effective_from: 2023-01-01, value: \"1.005\", "
     "source: x}\n", "equipment_upgrade_cap"),
    ("parameters:\n  capability_upgrade_treatment:\n    values:\n      - {effective_from: 2023-01-01, value: half, "
     "source: x}\n", "not one of"),
    ("just text", "expected a mapping"),
])
def test_bad_rows_are_config_errors_naming_the_file_and_parameter(tmp_path, rows, message):
    with pytest.raises(ConfigError, match=message):
        _registry(tmp_path, rows)


def test_a_parameter_file_for_an_unknown_plugin_is_refused(tmp_path):
    (tmp_path / "huiqi.toml").write_text('[parameters]\nno_plugin = "x.yaml"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="no_plugin"):
        load_registry(load_config(tmp_path / "huiqi.toml"))

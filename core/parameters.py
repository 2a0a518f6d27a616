"""Dated parameters: a plugin's values, each with the day it takes effect and its clause.

A plugin keeps them in ``parameters.yaml`` beside its code::

    effective_from: 2021-01-01        # the day the document takes effect
    effective_to: null
    parameters:
      equipment_upgrade_rate:
        type: percent
        unit: "%"
        values:
          - {effective_from: 2021-01-01, value: 10, source: "二 \"项目设备购置额的10%\""}

``at(day)`` gives the values in force on a day: for each parameter the row with the latest
``effective_from`` on or before it. A deployer changes a value by adding a dated row.
"""

from __future__ import annotations

import bisect
import datetime as dt
from pathlib import Path
from typing import Any, Callable, Mapping

import attrs
import numpy as np
import yaml

from huiqi.errors import ConfigError, InputError
from huiqi.money import parse_money

# (raw value, where) → value, raising ConfigError. A validator may also carry ``check_rows``:
# (rows, where, document's effective_from) → rows, run on the whole parameter once its rows are
# read (the plugin's file and a deployment's later rows alike), for rules across rows.
Validator = Callable[[Any, str], Any]


@attrs.frozen
class ParameterRow:
    effective_from: dt.date
    value: Any
    source: str


@attrs.frozen
class Parameter:
    name: str
    type: str
    rows: tuple[ParameterRow, ...]
    unit: str = ""
    description: str = ""
    of: str = ""  # element type of a map or list
    choices: tuple = ()  # the allowed values of an enum

    def value_on(self, day: dt.date) -> Any:
        starts = [row.effective_from for row in self.rows]
        index = bisect.bisect_right(starts, day) - 1
        return self.rows[max(index, 0)].value


@attrs.frozen
class ParameterSet:
    """All dated parameters of one document, with the document's own effective dates."""

    document: str
    effective_from: dt.date
    effective_to: dt.date | None
    parameters: Mapping[str, Parameter]
    validators: Mapping[str, Validator] = attrs.field(factory=dict, eq=False, repr=False)
    change_days: tuple[dt.date, ...] = attrs.field(init=False)
    _cache: dict = attrs.field(init=False, factory=dict, eq=False, repr=False)

    @change_days.default
    def _change_days(self) -> tuple[dt.date, ...]:
        days = {row.effective_from for p in self.parameters.values() for row in p.rows}
        return tuple(sorted(d for d in days if d > self.effective_from))

    def epoch_of(self, day: dt.date) -> int:
        """Which stretch of unchanged values a day falls in (0 = from the effective date)."""
        return bisect.bisect_right(self.change_days, day)

    def epochs(self, days: np.ndarray) -> np.ndarray:
        if not self.change_days:  # one set of values for every day: no search over the column
            return np.zeros(len(days), dtype=np.int64)
        starts = np.array(self.change_days, dtype="datetime64[D]")
        return np.searchsorted(starts, days, side="right")

    def params_for_epoch(self, epoch: int) -> Mapping[str, Any]:
        if epoch not in self._cache:
            day = self.effective_from if epoch == 0 else self.change_days[epoch - 1]
            self._cache[epoch] = {name: p.value_on(day) for name, p in self.parameters.items()}
        return self._cache[epoch]

    def at(self, day: dt.date) -> Mapping[str, Any]:
        return self.params_for_epoch(self.epoch_of(day))

    def __getitem__(self, name: str) -> Parameter:
        return self.parameters[name]

    def with_rows(self, raw: object, where: str) -> ParameterSet:
        """A deployer's later dated rows added to the plugin's (the history is never rewritten).

        ``raw`` is ``{"parameters": {name: {"values": [{effective_from, value, source}, …]}}}``;
        each new row must start after the parameter's last row.
        """
        if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
            raise ConfigError(f"{where}: expected a mapping with 'parameters'")
        merged = dict(self.parameters)
        for name, spec in raw["parameters"].items():
            if name not in merged:
                raise ConfigError(f"{where}: unknown parameter {name!r} (known: {', '.join(sorted(merged))})")
            base = merged[name]
            values = spec.get("values") if isinstance(spec, dict) else None
            if not isinstance(values, list):
                raise ConfigError(f"{where}: parameter {name}: expected a list of dated 'values'")
            declared = {"type": base.type, "values": [_row_dict(r) for r in base.rows] + values,
                        "nullable": any(r.value is None for r in base.rows) or spec.get("nullable", False)}
            if base.choices:
                declared["choices"] = list(base.choices)
            if base.of:
                declared["of"] = base.of
            merged[name] = attrs.evolve(
                _parameter(name, declared, f"{where}: parameter {name}", self.effective_from, self.validators),
                unit=base.unit, description=base.description)
        return ParameterSet(self.document, self.effective_from, self.effective_to, merged, self.validators)


def _row_dict(row: ParameterRow) -> dict:
    return {"effective_from": row.effective_from, "value": _Typed(row.value), "source": row.source}


class _Typed:
    """A value already checked when the plugin's file was loaded (kept as it is)."""

    def __init__(self, value: Any):
        self.value = value


def load_parameters(path: Path, document: str, validators: Mapping[str, Validator] | None = None) -> ParameterSet:
    """Read and check a parameter file; any mistake is a ConfigError naming file, parameter and row."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read parameters: {error}") from None
    return parse_parameters(raw, document, str(path), validators or {})


def parse_parameters(raw: Any, document: str, where: str, validators: Mapping[str, Validator]) -> ParameterSet:
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
        raise ConfigError(f"{where}: expected a mapping with 'effective_from' and 'parameters'")
    effective_from = _date(raw.get("effective_from"), f"{where}: effective_from")
    effective_to = raw.get("effective_to")
    effective_to = None if effective_to is None else _date(effective_to, f"{where}: effective_to")
    parameters = {}
    for name, spec in raw["parameters"].items():
        parameters[name] = _parameter(name, spec, f"{where}: parameter {name}", effective_from, validators)
    return ParameterSet(document, effective_from, effective_to, parameters, dict(validators))


def _parameter(name: str, spec: Any, where: str, start: dt.date, validators) -> Parameter:
    if not isinstance(spec, dict) or "type" not in spec or not isinstance(spec.get("values"), list):
        raise ConfigError(f"{where}: expected 'type' and a list of dated 'values'")
    kind = spec["type"]
    rows = []
    for index, row in enumerate(spec["values"]):
        at = f"{where}, row {index + 1}"
        if not isinstance(row, dict) or not {"effective_from", "value", "source"} <= set(row):
            raise ConfigError(f"{at}: expected effective_from, value and source")
        day = _date(row["effective_from"], f"{at}: effective_from")
        if rows and day <= rows[-1].effective_from:
            raise ConfigError(f"{at}: effective_from {day} must be after the previous row's {rows[-1].effective_from}")
        value = _typed(kind, row["value"], spec, f"{at}: value", validators.get(name))
        rows.append(ParameterRow(day, value, str(row["source"])))
    if not rows:
        raise ConfigError(f"{where}: no values")
    if rows[0].effective_from > start:
        raise ConfigError(f"{where}: first value starts {rows[0].effective_from}, after the document's {start}")
    check_rows = getattr(validators.get(name), "check_rows", None)
    if check_rows is not None:  # a custom type's checks across its rows (e.g. catalogue versions in order)
        rows = list(check_rows(tuple(rows), where, start))
    return Parameter(name, kind, tuple(rows), str(spec.get("unit", "")), str(spec.get("description", "")),
                     str(spec.get("of", "")), tuple(spec.get("choices", ())))


def _typed(kind: str, value: Any, spec: dict, where: str, custom: Validator | None) -> Any:
    if isinstance(value, _Typed):
        return value.value
    if value is None:
        if spec.get("nullable"):
            return None
        raise ConfigError(f"{where}: a value is required (declare 'nullable: true' to allow none)")
    if custom is not None:
        return custom(value, where)
    if kind == "map":
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping")
        return {str(k): _typed(spec.get("of", "string"), v, {}, f"{where}.{k}", None) for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        return tuple(_typed(spec.get("of", "string"), v, {}, f"{where}[{i}]", None) for i, v in enumerate(value))
    return _scalar(kind, value, spec, where)


def _scalar(kind: str, value: Any, spec: dict, where: str) -> Any:
    if kind == "money":
        try:
            return parse_money(value if not isinstance(value, float) else str(value), where)
        except InputError as error:
            raise ConfigError(str(error)) from None
    if kind in ("int", "percent", "bp"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if kind == "date":
        return _date(value, where)
    if kind == "enum":
        choices = spec.get("choices", [])
        if value not in choices:
            raise ConfigError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
        return value
    if kind == "string":
        return str(value)
    raise ConfigError(f"{where}: unknown parameter type {kind!r}")


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")

"""Plain-language YAML cases of a plugin (``cases/*.yaml``): loading them and checking them.

A cases file is a list; each item is one case a person can read without the code::

    - name: "E1 typical pass (equipment_upgrade)"   # unique within the plugin; the test id
      source: "spec §10 E1"                          # optional: where the numbers come from
      parameters: {capability_upgrade_treatment: full}   # optional, see below
      case: {policy: anhui_iiot_grants.equipment_upgrade, as_of: "2022-05-10", facts: {...}}
      expect:                                        # the result (CONTRACT.md), or else `error`
        eligible: true                               # true | false | null
        award: "860000.00"
        missing_facts: []
        reasons:                                     # every rule of the measure, in order
          - {rule: equipment_upgrade.in_anhui, passed: true, detail: "region 340100 is in Anhui (34)"}
    - name: "E10 as_of before the policy"
      case: {...}
      error: "as_of 2020-06-30 is before"            # a substring (or a list of substrings) of the
                                                     # one-line message of the input error

``detail`` and ``citation`` of a reason are compared exactly when given. ``parameters`` sets a
scalar parameter (money in yuan, int, percent, bp, bool, enum, date, string) to one value for
the whole life of the document, to show what a deployer's choice changes.

``check_case`` also decides the case through the batch (vectorised) path and requires the same
eligibility, award, rule outcomes and missing facts. An out-of-tree plugin reuses all of this::

    from huiqi.testing_cases import discover, check_case
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Mapping

import attrs
import yaml

from huiqi.calculator import Calculator, result_summary
from huiqi.errors import ConfigError, HuiqiError
from huiqi.money import parse_money, yuan
from huiqi.parameters import Parameter, ParameterRow, ParameterSet

CASE_KEYS = {"name", "source", "parameters", "case", "expect", "error"}
EXPECT_KEYS = {"eligible", "award", "missing_facts", "reasons"}
REASON_KEYS = {"rule", "passed", "detail", "citation"}


@attrs.frozen
class Case:
    """One case of a cases file, checked for shape when loaded."""

    name: str
    file: Path
    input: Mapping[str, Any]
    expect: Mapping[str, Any] | None = None
    error: tuple[str, ...] = ()
    source: str = ""
    parameters: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def policy(self) -> str:
        return str(self.input.get("policy", ""))

    @property
    def id(self) -> str:
        return f"{self.file.parent.parent.name}/{self.file.name}::{self.name}"


@attrs.frozen
class PluginCases:
    """The cases directory of one installed plugin and the policy ids its documents define."""

    plugin: str
    directory: Path
    policies: tuple[str, ...]

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.yaml"))

    def cases(self) -> list[Case]:
        return [case for path in self.files() for case in load_cases(path)]


# --- loading -----------------------------------------------------------------------------


def load_cases(path: Path | str) -> list[Case]:
    """Read one cases file, or every ``*.yaml`` of a directory; a malformed case is a ConfigError."""
    path = Path(path)
    if path.is_dir():
        return [case for file in sorted(path.glob("*.yaml")) for case in load_cases(file)]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read cases: {error}") from None
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a list of cases")
    cases = [_case(item, path, index) for index, item in enumerate(raw, start=1)]
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: duplicate case names: {', '.join(duplicates)}")
    return cases


def _case(item: Any, path: Path, index: int) -> Case:
    where = f"{path}: case {index}"
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ConfigError(f"{where}: expected a mapping with a name")
    where = f"{where} ({item['name']})"
    unknown = sorted(set(item) - CASE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(unknown)}; allowed: {', '.join(sorted(CASE_KEYS))}")
    if not isinstance(item.get("case"), dict):
        raise ConfigError(f"{where}: 'case' must be a mapping with policy, as_of and facts")
    if ("expect" in item) == ("error" in item):
        raise ConfigError(f"{where}: give exactly one of 'expect' and 'error'")
    error = item.get("error", ())
    error = (error,) if isinstance(error, str) else tuple(error)
    if "error" in item and (not error or not all(isinstance(e, str) and e for e in error)):
        raise ConfigError(f"{where}: 'error' must be a non-empty string or list of strings")
    expect = item.get("expect")
    if expect is not None:
        _check_expect(expect, where)
    parameters = item.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ConfigError(f"{where}: 'parameters' must be a mapping of parameter names to values")
    return Case(item["name"], path, _plain(item["case"]), expect, error, str(item.get("source", "")), parameters)


def _check_expect(expect: Any, where: str) -> None:
    if not isinstance(expect, dict) or set(expect) != EXPECT_KEYS:
        raise ConfigError(f"{where}: 'expect' needs exactly {', '.join(sorted(EXPECT_KEYS))}")
    if not _is_outcome(expect["eligible"]):
        raise ConfigError(f"{where}: expect.eligible must be true, false or null")
    if not isinstance(expect["award"], str):
        raise ConfigError(f"{where}: expect.award must be a quoted yuan string such as \"860000.00\"")
    if not isinstance(expect["missing_facts"], list):
        raise ConfigError(f"{where}: expect.missing_facts must be a list")
    if not isinstance(expect["reasons"], list):
        raise ConfigError(f"{where}: expect.reasons must list every rule of the measure")
    for number, reason in enumerate(expect["reasons"], start=1):
        if not isinstance(reason, dict) or not {"rule", "passed"} <= set(reason) or set(reason) - REASON_KEYS:
            raise ConfigError(f"{where}: reason {number} needs rule and passed (detail, citation optional)")
        if not _is_outcome(reason["passed"]):
            raise ConfigError(f"{where}: reason {number} ({reason['rule']}): passed must be true, false or null")


def _is_outcome(value: Any) -> bool:
    return value is None or isinstance(value, bool)  # 1 == True, but 1 is not an outcome


def _plain(value: Any) -> Any:
    """YAML reads an unquoted 2022-05-10 as a date; a case is JSON, where a date is a string."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def discover(manager, registry) -> list[PluginCases]:
    """The ``cases/`` directory beside each installed plugin's module, with its policy ids."""
    found = []
    for plugin in sorted(set(registry.plugin_of.values())):
        file = getattr(manager.get_plugin(plugin), "__file__", None)
        if file is None:  # a plugin registered as an object, not a module: it has no directory
            continue
        policies = tuple(p for d in registry.documents if registry.plugin_of[d.name] == plugin
                         for p in d.policy_ids())
        found.append(PluginCases(plugin, Path(file).parent / "cases", policies))
    return found


# --- checking ----------------------------------------------------------------------------


def check_case(calculator: Calculator, case: Case) -> None:
    """Decide the case and compare; AssertionError lists every difference in plain words."""
    if case.parameters:
        calculator = with_parameters(calculator, case.policy, case.parameters)
    if case.error:
        _check_error(calculator, case)
        return
    try:
        result = calculator.evaluate(dict(case.input))
    except HuiqiError as error:
        raise AssertionError(f"{case.name}: expected a result, got the error: {error}") from None
    problems = _differences(result.to_json(), case.expect)
    problems += _batch_differences(calculator, case, result)
    if problems:
        raise AssertionError(f"{case.name} ({case.file.name}):\n  " + "\n  ".join(problems))


def _check_error(calculator: Calculator, case: Case) -> None:
    try:
        result = calculator.evaluate(dict(case.input))
    except HuiqiError as error:
        message = str(error)
        if "\n" in message:
            raise AssertionError(f"{case.name}: the error is not one line: {message!r}") from None
        lacking = [part for part in case.error if part not in message]
        if lacking:
            raise AssertionError(f"{case.name}: the error {message!r} does not contain {lacking}") from None
        return
    raise AssertionError(f"{case.name}: expected an input error containing {list(case.error)}, got a result "
                         f"(eligible {result.eligible}, award {yuan(result.award_fen)})")


def _differences(got: Mapping[str, Any], expect: Mapping[str, Any]) -> list[str]:
    problems = []
    for key in ("eligible", "award", "missing_facts"):
        if got[key] != expect[key]:
            problems.append(f"{key}: expected {expect[key]!r}, got {got[key]!r}")
    got_ids = [r["rule"] for r in got["reasons"]]
    want_ids = [r["rule"] for r in expect["reasons"]]
    if got_ids != want_ids:
        problems.append(f"rules: expected {want_ids}, got {got_ids}")
        return problems
    for want, have in zip(expect["reasons"], got["reasons"]):
        for key in ("passed", "detail", "citation"):
            if key in want and want[key] != have[key]:
                problems.append(f"{want['rule']} {key}: expected {want[key]!r}, got {have[key]!r}")
    return problems


def _batch_differences(calculator: Calculator, case: Case, result) -> list[str]:
    prepared = calculator.prepare(dict(case.input))
    batch = calculator.evaluate_prepared_batch([prepared]).case(0)
    explained = result_summary(result)
    return [f"batch path {key}: {batch[key]!r}, explained path {explained[key]!r}"
            for key in explained if batch[key] != explained[key]]


# --- parameter settings of a case --------------------------------------------------------


def with_parameters(calculator: Calculator, policy: str, values: Mapping[str, Any]) -> Calculator:
    """A calculator whose document of ``policy`` holds each given parameter at one value throughout."""
    registry = calculator.registry
    document, _ = registry.resolve(policy)
    parameters = dict(document.parameters.parameters)
    for name, raw in values.items():
        if name not in parameters:
            raise ConfigError(f"case parameters: {document.name} has no parameter {name!r}")
        parameters[name] = _constant(parameters[name], raw, document.parameters.effective_from)
    old = document.parameters
    changed = attrs.evolve(document, parameters=ParameterSet(old.document, old.effective_from, old.effective_to,
                                                             parameters))
    documents = tuple(changed if d is document else d for d in registry.documents)
    return Calculator(attrs.evolve(registry, documents=documents))


def _constant(parameter: Parameter, raw: Any, start: dt.date) -> Parameter:
    where = f"case parameters: {parameter.name}"
    kind = parameter.type
    if kind == "money":
        try:
            value = parse_money(raw, where)
        except HuiqiError as error:
            raise ConfigError(str(error)) from None
    elif kind in ("int", "percent", "bp"):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ConfigError(f"{where}: expected a whole number, got {raw!r}")
        value = raw
    elif kind == "bool":
        if not isinstance(raw, bool):
            raise ConfigError(f"{where}: expected true or false, got {raw!r}")
        value = raw
    elif kind in ("enum", "string", "date") and (raw is None or isinstance(raw, (str, dt.date))):
        value = raw
    else:
        raise ConfigError(f"{where}: a case can set money, int, percent, bp, bool, enum, string and date "
                          f"parameters, not {kind}")
    return attrs.evolve(parameter, rows=(ParameterRow(start, value, "set by the case"),))


def uncovered(plugin_cases: PluginCases, cases: Iterable[Case]) -> list[str]:
    """The policy ids of the plugin that no case exercises."""
    used = {case.policy for case in cases}
    return [policy for policy in plugin_cases.policies if policy not in used]


__all__ = ["Case", "PluginCases", "check_case", "discover", "load_cases", "uncovered", "with_parameters"]

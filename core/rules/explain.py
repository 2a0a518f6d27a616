"""The explained path: one case, every rule with its outcome, its words and its clause."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any, Mapping

import attrs

from huiqi.money import yuan, yuan_grouped
from huiqi.rules.expr import Expr, Missing
from huiqi.rules.measure import Measure, Rule


@attrs.frozen
class Reason:
    rule: str
    passed: bool | None
    detail: str
    citation: str

    def to_json(self) -> dict:
        return {"rule": self.rule, "passed": self.passed, "detail": self.detail, "citation": self.citation}


@attrs.frozen
class Result:
    """The contract's result: eligibility, award in fen, reasons in rule order, missing facts."""

    policy: str
    as_of: dt.date
    eligible: bool | None
    award_fen: int
    reasons: tuple[Reason, ...]
    missing_facts: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
            "eligible": self.eligible,
            "award": yuan(self.award_fen),
            "reasons": [r.to_json() for r in self.reasons],
            "missing_facts": list(self.missing_facts),
        }


class Env:
    """What a scalar evaluation reads: the case's validated facts, the parameters, as_of."""

    __slots__ = ("facts", "params", "as_of", "parameter_set", "memo")

    def __init__(self, facts: Mapping[str, Any], params: Mapping[str, Any], as_of: dt.date, parameter_set=None):
        self.facts = facts
        self.params = params
        self.as_of = as_of
        self.parameter_set = parameter_set  # for values on another day than as_of
        self.memo: dict[int, Any] = {}  # node id → its value for this case (Expr.value_in)


class _Names(Mapping):
    """Template fields: the measure's named values, then facts, then parameters, then as_of."""

    def __init__(self, env: Env, named: Mapping[str, Expr]):
        self._env = env
        self._named = named

    def __getitem__(self, name: str) -> Any:
        if name in self._named:
            value = self._named[name].value_in(self._env)
        elif name in self._env.facts:
            value = self._env.facts[name]
        elif name in self._env.params:
            value = self._env.params[name]
        elif name == "as_of":
            value = self._env.as_of
        else:
            raise KeyError(name)
        if isinstance(value, Missing):
            raise KeyError(name)
        return value

    def get_optional(self, name: str) -> Any:
        """A value that may be absent (an optional fact): None rather than KeyError."""
        try:
            return self[name]
        except KeyError:
            return None

    def shown(self, name: str) -> str:
        """A money value as people read it."""
        return yuan_grouped(self[name])

    def __iter__(self):
        return iter(self._named)

    def __len__(self):
        return len(self._named)


class _DetailFormatter(string.Formatter):
    """``{x:yuan}`` shows fen as grouped yuan; everything else formats as usual."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "yuan":
            return yuan_grouped(value)
        if isinstance(value, dt.date) and not format_spec:
            return value.isoformat()
        return super().format_field(value, format_spec)


_FORMATTER = _DetailFormatter()


def explain(policy: str, measure: Measure, env: Env) -> Result:
    """Evaluate every rule of the measure for one case, in the measure's order."""
    named = measure.names()
    names = _Names(env, named)
    reasons: list[Reason] = []
    missing: set[str] = set()
    any_failed = False
    for rule in measure.all_rules():
        if rule.applies is not None and not rule.applies.value_in(env):
            continue
        passed, lacking = _outcome(rule, env)
        missing |= lacking
        any_failed = any_failed or passed is False
        reasons.append(Reason(rule.id, passed, _detail(rule, passed, lacking, names), rule.citation))
    award = measure.award.value_in(env) if measure.award is not None else 0
    if isinstance(award, Missing):
        missing |= award.names
    if any_failed:
        eligible, award_fen = False, 0
    elif missing:
        eligible, award_fen = None, 0
    else:
        eligible, award_fen = True, award
    return Result(policy, env.as_of, eligible, award_fen, tuple(reasons), tuple(sorted(missing)))


def _outcome(rule: Rule, env: Env) -> tuple[bool | None, set[str]]:
    lacking: set[str] = set()
    test_value = None
    for index, expr in enumerate(rule.expressions()):
        value = expr.value_in(env)
        if isinstance(value, Missing):
            lacking |= value.names
        elif index == 0 and rule.test is not None:
            test_value = value
    if lacking:
        return None, lacking
    return (bool(test_value) if rule.test is not None else True), lacking


def _detail(rule: Rule, passed: bool | None, lacking: set[str], names: _Names) -> str:
    if passed is None:
        if rule.missing_says is not None:
            return rule.missing_says(tuple(sorted(lacking)))
        listed = ", ".join(sorted(lacking))
        return f"cannot decide: missing fact{'s' if len(lacking) > 1 else ''} {listed}"
    try:
        if callable(rule.says):
            return rule.says(names, passed)
        template = rule.says[0] if passed else rule.says[1]
        return _FORMATTER.vformat(template, (), names)
    except KeyError as error:  # a shown value was undecidable: say so rather than guess
        return f"{'passed' if passed else 'failed'} ({error.args[0]} not available)"

"""The policy calculator: validates a case as CONTRACT.md says, then decides it with reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import attrs

from huiqi.document import Document
from huiqi.errors import InputError
from huiqi.facts import parse_date
from huiqi.plugins import Registry
from huiqi.rules.batch import BatchResult, CaseColumns, columns_from_facts, evaluate_batch
from huiqi.rules.explain import Env, Result, explain
from huiqi.rules.measure import Measure

CASE_KEYS = {"policy", "as_of", "facts"}


@attrs.frozen
class PreparedCase:
    """A case that passed validation: its measure, its day and its typed facts."""

    policy: str
    document: Document
    measure: Measure
    as_of: dt.date
    facts: Mapping[str, Any]


class Calculator:
    """Decides cases of the enabled policies of a registry."""

    def __init__(self, registry: Registry, *, observe=None):
        self.registry = registry
        self._observe = observe  # called with each explained Result (the after_evaluate hook)
        self._used: dict[tuple[str, str], frozenset[str]] = {}

    def evaluate(self, case: Any, *, strict: bool = False) -> Result:
        prepared = self.prepare(case, strict=strict)
        parameters = prepared.document.parameters
        env = Env(prepared.facts, parameters.at(prepared.as_of), prepared.as_of, parameters)
        result = explain(prepared.policy, prepared.measure, env)
        if self._observe is not None:
            self._observe(result)
        return result

    def prepare(self, case: Any, *, strict: bool = False) -> PreparedCase:
        if not isinstance(case, dict):
            raise InputError("case", case, "a JSON object with policy, as_of and facts")
        if strict and set(case) - CASE_KEYS:
            extra = sorted(set(case) - CASE_KEYS)[0]
            raise InputError(extra, case[extra], "only policy, as_of and facts (--strict)",
                             reason=f"{extra} is not a field of a case")
        document, measure = self.registry.resolve(case.get("policy"))
        as_of = self._as_of(case.get("as_of"), document)
        facts = self._facts(case.get("facts", {}), document, measure, strict)
        return PreparedCase(f"{document.name}.{measure.id}", document, measure, as_of, facts)

    def _as_of(self, raw: Any, document: Document) -> dt.date:
        if raw is None:
            raise InputError("as_of", raw, "a date YYYY-MM-DD", reason="as_of is required")
        day = parse_date(raw, "as_of")
        start, end = document.effective_from, document.effective_to
        if day < start:
            raise InputError("as_of", raw, f"a date on or after {start}",
                             reason=f"as_of {day} is before {document.name} took effect on {start}")
        if end is not None and day > end:
            raise InputError("as_of", raw, f"a date on or before {end}",
                             reason=f"as_of {day} is after {document.name} ceased to apply on {end}")
        return day

    def used_facts(self, document: Document, measure: Measure) -> frozenset[str]:
        key = (document.name, measure.id)
        if key not in self._used:
            identity = {name for name, f in document.facts.items() if f.identity}
            self._used[key] = frozenset(measure.facts() | identity)
        return self._used[key]

    def _facts(self, raw: Any, document: Document, measure: Measure, strict: bool) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise InputError("facts", raw, "a JSON object of fact names to values")
        used = self.used_facts(document, measure)
        facts: dict[str, Any] = {}
        for name in sorted(raw):
            if name not in used:
                if strict:
                    raise InputError(f"facts.{name}", raw[name], f"a fact used by {document.name}.{measure.id}",
                                     reason=f"facts.{name} is not used by {document.name}.{measure.id} (--strict)")
                continue
            facts[name] = document.facts[name].parse(raw[name])
        return facts

    # --- the batch path ------------------------------------------------------------------

    def evaluate_columns(self, policy: str, cases: CaseColumns) -> BatchResult:
        """Decide many already-typed cases of one policy at once (no per-case details)."""
        document, measure = self.registry.resolve(policy)
        parameters = document.parameters
        epochs = parameters.epochs(cases.as_of)
        return evaluate_batch(measure, cases, parameters, epochs)

    def evaluate_prepared_batch(self, prepared: Sequence[PreparedCase]) -> BatchResult:
        """The batch path over validated cases of one policy (used to prove both paths agree)."""
        first = prepared[0]
        columns = columns_from_facts(first.document.facts, first.measure,
                                     (p.facts for p in prepared), (p.as_of for p in prepared))
        return self.evaluate_columns(first.policy, columns)


def result_summary(result: Result) -> dict:
    """A result in the batch path's terms (eligibility, award, rule outcomes, missing facts)."""
    return {
        "eligible": result.eligible,
        "award_fen": result.award_fen,
        "rules": {r.rule: r.passed for r in result.reasons},
        "missing_facts": list(result.missing_facts),
    }


__all__ = ["Calculator", "PreparedCase", "result_summary"]

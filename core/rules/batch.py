"""The batch path: many cases of one measure at once, column by column, exact integer fen.

Gives the same eligibility, award, rule outcomes and missing facts as ``explain`` (a property
test holds the two together); it does not write the words of each detail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping, Sequence

import attrs
import numpy as np

from huiqi.facts import Fact
from huiqi.rules.explain import Env
from huiqi.rules.expr import Column, Expr, FactRef, merge_missing, undecided
from huiqi.rules.measure import Measure

ELIGIBLE, INELIGIBLE, UNDECIDED = 1, 0, -1


@attrs.frozen
class CaseColumns:
    """Cases as columns: per fact its values and the rows where it is absent (None: none)."""

    n: int
    as_of: np.ndarray  # datetime64[D]
    values: Mapping[str, np.ndarray]
    absent: Mapping[str, np.ndarray | None]
    categories: Mapping[str, tuple[str, ...]]  # enum facts: code → choice

    def take(self, rows: np.ndarray) -> CaseColumns:
        return CaseColumns(
            n=int(len(rows)),
            as_of=self.as_of[rows],
            values={k: v[rows] for k, v in self.values.items()},
            absent={k: (None if m is None else m[rows]) for k, m in self.absent.items()},
            categories=self.categories,
        )


@attrs.frozen
class BatchResult:
    """Per case: eligibility code (1, 0, −1 for null), award in fen, rule outcomes, missing facts."""

    eligible: np.ndarray  # int8
    award_fen: np.ndarray  # int64
    rule_ids: tuple[str, ...]
    rule_outcomes: np.ndarray  # int8 (cases × rules): 1 passed, 0 failed, −1 undecided, −2 skipped
    missing: Mapping[str, np.ndarray]  # fact → rows where it is missing

    def case(self, i: int) -> dict:
        """One case in the explained path's terms, for comparison and for screening output."""
        code = int(self.eligible[i])
        return {
            "eligible": {1: True, 0: False, -1: None}[code],
            "award_fen": int(self.award_fen[i]),
            "rules": {rid: _outcome(int(o)) for rid, o in zip(self.rule_ids, self.rule_outcomes[i]) if o != -2},
            "missing_facts": sorted(name for name, rows in self.missing.items() if rows[i]),
        }


def _outcome(code: int) -> bool | None:
    return {1: True, 0: False, -1: None}[code]


class VectorEnv:
    """What a batch evaluation reads; dates are datetime64[D], enum facts category codes."""

    def __init__(self, cases: CaseColumns, params: Mapping[str, Any], parameter_set=None,
                 shared: frozenset[int] = frozenset()):
        self.cases = cases
        self.params = params
        self.parameter_set = parameter_set
        self.n = cases.n
        self.as_of = cases.as_of
        self._shared = shared  # ids of nodes reached more than once: evaluated once, then reused
        self._memo: dict[int, tuple[Expr, Column]] = {}

    def vec(self, expr: Expr) -> Column:
        """A node's column; a node several rules (or the award) share is computed only once."""
        key = id(expr)
        if key not in self._shared:
            return expr.vec(self)
        hit = self._memo.get(key)
        if hit is None or hit[0] is not expr:
            hit = (expr, expr.vec(self))
            self._memo[key] = hit
        return hit[1]

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray | None]:
        if name not in self.cases.values:
            return np.zeros(self.n, dtype=np.int64), np.ones(self.n, dtype=bool)
        return self.cases.values[name], self.cases.absent.get(name)

    def scalar(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return np.datetime64(value, "D")
        return value

    def codes_for(self, expr: Expr, options: Sequence[Any]) -> np.ndarray | None:
        if isinstance(expr, FactRef) and expr.name in self.cases.categories:
            choices = self.cases.categories[expr.name]
            return np.array([choices.index(o) for o in options if o in choices], dtype=np.int16)
        return None

    def map_values(self, key_expr: Expr, keys: Any, fn) -> np.ndarray:
        if isinstance(key_expr, FactRef) and key_expr.name in self.cases.categories:
            table = np.array([fn(c) for c in self.cases.categories[key_expr.name]])
            return table[keys]
        if isinstance(keys, np.ndarray):
            return np.array([fn(k) for k in keys.tolist()])
        return fn(keys)


def evaluate_batch(measure: Measure, cases: CaseColumns, parameter_set, epochs: np.ndarray) -> BatchResult:
    """Evaluate a measure over columns; ``epochs`` groups rows that share one parameter set."""
    rules = measure.all_rules()
    if cases.n and (epochs == epochs[0]).all():  # one parameter set for every row: no split, no copy
        params = parameter_set.params_for_epoch(int(epochs[0]))
        g_eligible, g_award, g_outcomes, g_missing = _evaluate_group(measure, rules, cases, params, parameter_set)
        return BatchResult(g_eligible, g_award, tuple(r.id for r in rules), g_outcomes, g_missing)
    eligible = np.empty(cases.n, dtype=np.int8)
    award = np.zeros(cases.n, dtype=np.int64)
    outcomes = np.full((cases.n, len(rules)), -2, dtype=np.int8, order="F")
    missing: dict[str, np.ndarray] = {}
    for epoch in np.unique(epochs):
        rows = np.flatnonzero(epochs == epoch)
        group = cases.take(rows)
        params = parameter_set.params_for_epoch(int(epoch))
        g_eligible, g_award, g_outcomes, g_missing = _evaluate_group(measure, rules, group, params, parameter_set)
        target = rows
        eligible[target] = g_eligible
        award[target] = g_award
        outcomes[target] = g_outcomes
        for name, mask in g_missing.items():
            full = missing.setdefault(name, np.zeros(cases.n, dtype=bool))
            full[target] = mask
    return BatchResult(eligible, award, tuple(r.id for r in rules), outcomes, missing)


def _shared_nodes(roots: Iterable[Expr]) -> frozenset[int]:
    """Ids of the nodes reached more than once from the roots (e.g. the award, which the rate
    rule, award_positive and the award itself all read)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        stack.extend(node.children)
    return frozenset(shared)


def _evaluate_group(measure: Measure, rules, cases: CaseColumns, params, parameter_set):
    scalar_env = Env({}, params, None, parameter_set)
    live = [rule for rule in rules if rule.applies is None or rule.applies.ev(scalar_env)]
    roots = [expr for rule in live for expr in rule.expressions()]
    if measure.award is not None:
        roots.append(measure.award)
    venv = VectorEnv(cases, params, parameter_set, _shared_nodes(roots))
    n = cases.n
    none_failed = np.ones(n, dtype=bool)  # no decided rule failed so far
    # column by column: Fortran order keeps each rule's outcomes contiguous
    outcomes = np.full((n, len(rules)), -2, dtype=np.int8, order="F")
    all_missing: list[Column] = []
    for index, rule in enumerate(rules):
        if rule.applies is not None and not rule.applies.ev(scalar_env):
            continue
        columns = [venv.vec(expr) for expr in rule.expressions()]
        lacking = merge_missing(columns)
        open_rows = undecided(lacking, n) if lacking else None
        if rule.test is not None:
            passed = np.broadcast_to(np.asarray(columns[0].values, dtype=bool), (n,))
            none_failed &= passed if open_rows is None else passed | open_rows  # undecided ≠ failed
        else:
            passed = True
        outcomes[:, index] = passed
        if open_rows is not None:
            outcomes[open_rows, index] = -1
        all_missing.append(Column(None, lacking))
    award_col = venv.vec(measure.award) if measure.award is not None else Column(np.int64(0))
    all_missing.append(award_col)
    missing = merge_missing(all_missing)
    # (arithmetic on 0/1 masks rather than np.where: the same values, several times faster)
    if missing:
        decided = ~undecided(missing, n)
        # none failed: 1 where decided, −1 where not; any failed: 0
        eligible = none_failed.view(np.int8) * (decided.view(np.int8) * np.int8(2) - np.int8(1))
        paid = none_failed & decided
    else:
        eligible = none_failed.view(np.int8)  # 1 eligible, 0 not
        paid = none_failed
    award = (award_col.values * paid).astype(np.int64, copy=False)  # the award where paid, else 0
    return eligible, award, outcomes, missing


def columns_from_facts(facts: Mapping[str, Fact], measure: Measure, rows: Iterable[Mapping[str, Any]],
                       as_of: Iterable[dt.date]) -> CaseColumns:
    """Validated fact dicts (as the explained path holds them) → columns for the batch path."""
    rows = list(rows)
    n = len(rows)
    values: dict[str, np.ndarray] = {}
    absent: dict[str, np.ndarray | None] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for name in sorted(measure.facts()):
        kind = facts[name].type.vector_kind
        present = np.array([name in row for row in rows], dtype=bool)
        raw = [row.get(name) for row in rows]
        values[name], cats = _encode(kind, raw, present, facts[name].type.choices)
        if cats:
            categories[name] = cats
        absent[name] = None if present.all() else ~present
    as_of_days = np.array([np.datetime64(d, "D") for d in as_of], dtype="datetime64[D]")
    return CaseColumns(n, as_of_days, values, absent, categories)


def _encode(kind: str, raw: list, present: np.ndarray, choices: tuple[str, ...]):
    if kind in ("money", "int"):
        return np.array([v if p else 0 for v, p in zip(raw, present)], dtype=np.int64), ()
    if kind == "bool":
        return np.array([bool(v) if p else False for v, p in zip(raw, present)], dtype=bool), ()
    if kind == "date":
        return np.array([np.datetime64(v, "D") if p else np.datetime64(0, "D") for v, p in zip(raw, present)],
                        dtype="datetime64[D]"), ()
    if kind in ("region", "int_text"):
        return np.array([int(v) if p else 0 for v, p in zip(raw, present)], dtype=np.int64), ()
    if kind == "enum":
        index = {c: i for i, c in enumerate(choices)}
        return np.array([index[v] if p else 0 for v, p in zip(raw, present)], dtype=np.int16), choices
    return np.array([v if p else None for v, p in zip(raw, present)], dtype=object), ()

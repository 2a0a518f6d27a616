"""The explained path and the batch path decide every case of every measure the same way.

Hypothesis draws batches of cases for each measure of each installed plugin from the facts'
declared types: amounts from 0.00 to MAX_FEN with values near the parameters' caps and
thresholds, ints near the parameters and years near as_of, every enum value, regions inside
and outside Anhui (34) and Guangdong (44), catalogue codes the parameters list and their near
misses, each fact independently absent. The documents get extra dated
parameter rows (bools flipped, numbers and amounts moved, enums switched to the values the
measures test for), so as_of spans several epochs and a batch mixes parameter sets.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any, Iterator

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiqi.calculator import Calculator, result_summary
from huiqi.config import Config
from huiqi.errors import InputError
from huiqi.money import MAX_FEN, yuan
from huiqi.parameters import ParameterRow, ParameterSet
from huiqi.plugins import get_plugin_manager, load_registry
from huiqi.rules.expr import Expr, OneOf, ParamRef
from huiqi.testing_cases import discover

EPOCH_STEP_DAYS = 400  # extra parameter rows start 400, 800 and 1200 days after the document
EPOCHS = 3
MAX_BATCH = 24  # cases per example: enough to mix presence, epochs and outcomes in one batch
EXAMPLES = 20  # per measure; the whole file stays well under 20 s
TENTHS = st.integers(0, 9)
VALID_USCC = "91340100MA2N0AB1CJ"


# --- documents with several parameter epochs ---------------------------------------------


def _walk(expr: Expr) -> Iterator[Expr]:
    yield expr
    for child in expr.children:
        yield from _walk(child)


def _measure_exprs(measure) -> Iterator[Expr]:
    for rule in measure.all_rules():
        for expr in rule.expressions() + ((rule.applies,) if rule.applies is not None else ()):
            yield from _walk(expr)
    for expr in measure.names().values():
        yield from _walk(expr)


def _enum_options(document) -> dict[str, set]:
    """For each parameter a measure compares with constants, the constants (top_up, none, …)."""
    options: dict[str, set] = {}
    for measure in document.measures:
        for node in _measure_exprs(measure):
            if isinstance(node, OneOf) and isinstance(node.children[0], ParamRef):
                options.setdefault(node.children[0].name, set()).update(node.options)
    return options


def _moved(value: Any, kind: str, step: int, options: set, rng: np.random.Generator) -> Any:
    """Another value of the same kind for epoch ``step``: bools alternate, numbers move, enums cycle."""
    if kind == "enum":
        ordered = sorted(options | {value})
        return ordered[step % len(ordered)]
    if isinstance(value, bool):
        return not value if step % 2 else value
    if isinstance(value, int):
        high = {"percent": 100, "bp": 1000}.get(kind, 2 * value + 2)
        return int(rng.integers(0, high + 1))
    if isinstance(value, dict):  # a table of amounts or rates: move each entry
        return {k: _moved(v, "int", step, options, rng) for k, v in value.items()}
    return value  # dates, strings, lists and none stay


def with_epochs(document):
    """The document with EPOCHS extra dated rows per parameter (epoch 0 keeps the real values)."""
    rng = np.random.default_rng(20210101)
    options = _enum_options(document)
    old = document.parameters
    days = [old.effective_from + dt.timedelta(days=EPOCH_STEP_DAYS * k) for k in range(1, EPOCHS + 1)]
    parameters = {}
    for name, parameter in old.parameters.items():
        rows = list(parameter.rows)
        choices = options.get(name, set()) | {rows[-1].value} if parameter.type == "enum" else set()
        for step, day in enumerate(days, start=1):
            if day > rows[-1].effective_from:
                value = _moved(rows[-1].value, parameter.type, step, choices, rng)
                rows.append(ParameterRow(day, value, f"test epoch {step}"))
        parameters[name] = attrs.evolve(parameter, rows=tuple(rows))
    changed = ParameterSet(old.document, old.effective_from, old.effective_to, parameters)
    return attrs.evolve(document, parameters=changed)


MANAGER = get_plugin_manager()
_REAL = load_registry(Config(Path("huiqi-test-paths.toml")), MANAGER)
REGISTRY = attrs.evolve(_REAL, documents=tuple(with_epochs(d) for d in _REAL.documents))
CALCULATOR = Calculator(REGISTRY)
POLICIES = [p for d in REGISTRY.documents for p in d.policy_ids()]


# --- cases from the declared fact types --------------------------------------------------


@functools.cache
def _int_range(fact) -> tuple[int, int]:
    """The interval an int fact accepts, found by asking its parser (no knowledge of INT())."""

    def ok(v: int) -> bool:
        try:
            fact.parse(v)
            return True
        except InputError:
            return False

    def lowest(lo: int, hi: int) -> int:  # the first accepted value in [lo, hi]; hi is accepted
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if ok(mid) else (mid + 1, hi)
        return lo

    def highest(lo: int, hi: int) -> int:  # the last accepted value in [lo, hi]; lo is accepted
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid - 1)
        return lo

    inside = next(v for v in (0, 1, 2000, 10**6) if ok(v))
    return lowest(-(10**18), inside), highest(inside, 10**18)


def _interesting_amounts(document) -> list[int]:
    """Caps, thresholds and the bases at which a percentage reaches a cap, ± a fen or two."""
    money, percents = set(), set()
    for parameter in document.parameters.parameters.values():
        for row in parameter.rows:
            values = row.value.values() if isinstance(row.value, dict) else [row.value]
            for v in values:
                if isinstance(v, int) and not isinstance(v, bool):
                    (percents if parameter.type == "percent" else money).add(v)
    near = set()
    for m in money:
        near.update({m, m * 10})
        near.update(m * 100 // p for p in percents if p)
    return sorted({max(0, v + d) for v in near for d in (-2, -1, 0, 1, 2) if v + d <= MAX_FEN})


def _interesting_ints(document) -> list[int]:
    found = set()
    for parameter in document.parameters.parameters.values():
        if parameter.type in ("int", "percent", "bp"):
            for row in parameter.rows:
                if isinstance(row.value, int) and not isinstance(row.value, bool):
                    found.update({row.value - 1, row.value, row.value + 1})
    return sorted(found)


CODE = r"[a-z][a-z0-9_]{0,63}"


def _catalogue_codes(document) -> list[str]:
    """Codes a parameter lists (a value's ``codes``, a mapping's keys), each with near misses a
    lookup must not confuse with it (a letter more, a letter less)."""
    codes = set()
    for parameter in document.parameters.parameters.values():
        for row in parameter.rows:
            listed = getattr(row.value, "codes", None) or (row.value.keys() if isinstance(row.value, dict) else ())
            codes.update(c for c in listed if isinstance(c, str) and re.fullmatch(CODE, c))
    near = {n for c in codes for n in (c + "x", c[:-1]) if re.fullmatch(CODE, n)}
    return sorted(codes | near) or ["a"]


class YearOffset(int):
    """An int fact drawn as "as_of's year + offset" (purchase_year, project_year…)."""


def _value_strategy(document, fact) -> st.SearchStrategy:
    kind = fact.type.vector_kind
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(fact.type.choices)
    if kind == "money":
        fen = st.one_of(st.integers(0, 1000), st.sampled_from(_interesting_amounts(document)),
                        st.integers(0, 10**10), st.integers(0, MAX_FEN), st.just(MAX_FEN))
        return fen.map(yuan)
    if kind == "int":
        low, high = _int_range(fact)
        near = [v for v in _interesting_ints(document) if low <= v <= high] or [low]
        return st.one_of(st.integers(low, min(high, low + 120)), st.sampled_from(near),
                         st.integers(-2, 1).map(YearOffset), st.integers(low, high), st.just(high))
    if kind == "date":
        return st.dates(dt.date(2014, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    if kind == "region":
        return st.one_of(st.sampled_from(["340000", "340100", "341100", "440000", "440100", "440113", "110000",
                                          "034100"]),
                         st.from_regex(r"34[0-9]{4}", fullmatch=True), st.from_regex(r"[0-9]{6}", fullmatch=True))
    if kind == "int_text":
        return st.from_regex(r"[0-9]{4}", fullmatch=True)
    if fact.type.name == "uscc":
        return st.just(VALID_USCC)
    if fact.type.name == "catalogue_code":  # the codes the parameters list, near misses, any code
        return st.one_of(st.sampled_from(_catalogue_codes(document)), st.from_regex(CODE, fullmatch=True))
    raise AssertionError(f"no strategy for fact type {fact.type.name!r} ({fact.name}): add one to this test")


def _resolve(value: Any, fact, as_of: dt.date) -> Any:
    if not isinstance(value, YearOffset):
        return value
    year = as_of.year + int(value)
    low, high = _int_range(fact)
    return min(max(year, low), high)


@functools.cache
def _strategies(policy: str) -> dict[str, st.SearchStrategy]:
    document, measure = REGISTRY.resolve(policy)
    return {name: _value_strategy(document, document.facts[name])
            for name in sorted(CALCULATOR.used_facts(document, measure))}


@functools.cache
def _templates(policy: str) -> tuple[tuple[dt.date, dict], ...]:
    """as_of and facts of the plugin's own eligible cases (cases/*.yaml): mutated, they reach the award."""
    return tuple((dt.date.fromisoformat(case.input["as_of"]), dict(case.input.get("facts", {})))
                 for plugin in discover(MANAGER, _REAL) for case in plugin.cases()
                 if case.policy == policy and case.expect and case.expect["eligible"])


def _facts_from_template(draw, template, noise: int, names, strategies, document, as_of) -> dict:
    """The template's facts, each dropped or redrawn with chance noise/10; years follow as_of."""
    template_day, template_facts = template
    facts = {}
    for name in names:
        roll = draw(TENTHS) if noise else 9
        if roll < noise:
            continue
        if roll < 2 * noise:
            facts[name] = _resolve(draw(strategies[name]), document.facts[name], as_of)
        elif name in template_facts:
            value = template_facts[name]
            if document.facts[name].type.vector_kind == "int" and abs(value - template_day.year) <= 3:
                value += as_of.year - template_day.year  # purchase_year 2021 for as_of 2022 → as_of − 1
            facts[name] = value
    return facts


@st.composite
def case_batches(draw, policy: str) -> list[dict]:
    document, measure = REGISTRY.resolve(policy)
    start = document.effective_from
    last = start + dt.timedelta(days=EPOCH_STEP_DAYS * (EPOCHS + 1))
    change = [start + dt.timedelta(days=EPOCH_STEP_DAYS * k + d) for k in range(1, EPOCHS + 1) for d in (-1, 0)]
    days = st.one_of(st.dates(start, last), st.sampled_from(change + [start]))
    names = sorted(CALCULATOR.used_facts(document, measure))
    strategies = _strategies(policy)
    absent_in_ten = draw(st.sampled_from([0, 1, 3, 7]))  # chance, in tenths, that a fact is absent
    cases = []
    templates = _templates(policy)
    noise = draw(st.sampled_from([0, 1, 2]))  # in tenths: how often a template's fact is dropped / redrawn
    for _ in range(draw(st.integers(1, MAX_BATCH))):
        as_of = draw(days)
        if templates and draw(st.booleans()):
            facts = _facts_from_template(draw, draw(st.sampled_from(templates)), noise, names, strategies,
                                         document, as_of)
        else:
            facts = {name: _resolve(draw(strategies[name]), document.facts[name], as_of)
                     for name in names if draw(TENTHS) >= absent_in_ten}
        cases.append({"policy": f"{document.name}.{measure.id}", "as_of": as_of.isoformat(), "facts": facts})
    return cases


# --- the property ------------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_explained_and_batch_paths_agree(policy):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(cases=case_batches(policy))
    def agree(cases):
        explained = [result_summary(CALCULATOR.evaluate(case)) for case in cases]
        batch = CALCULATOR.evaluate_prepared_batch([CALCULATOR.prepare(case) for case in cases])
        for index, (case, expected) in enumerate(zip(cases, explained)):
            assert batch.case(index) == expected, f"case {index} of {len(cases)}: {case}"

    agree()

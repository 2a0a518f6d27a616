"""Edge cases of the expression vocabulary: each node evaluated per case (ev) and per column (vec)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiqi.facts import BOOL, DATE, ENUM, INT, MONEY, REGION, Fact
from huiqi.money import MAX_FEN
from huiqi.parameters import parse_parameters
from huiqi.rules import Measure, Rule, fact, lookup, max_of, min_of, one_of, param, param_on, percent, rank
from huiqi.rules import scaled, starts_with, when, year_of, as_of
from huiqi.rules.batch import VectorEnv, columns_from_facts
from huiqi.rules.explain import Env
from huiqi.rules.expr import Missing

DAY = dt.date(2022, 6, 30)
FACTS = {f.name: f for f in (
    Fact("a", MONEY), Fact("b", MONEY), Fact("r", MONEY), Fact("n", INT()), Fact("m", INT()),
    Fact("flag", BOOL), Fact("level", ENUM("none", "3A", "4A", "5A")), Fact("region", REGION),
    Fact("day", DATE), Fact("year", INT(1900, 2200)),
)}
PARAMETERS = parse_parameters({
    "effective_from": "2021-01-01",
    "parameters": {
        "cap": {"type": "money", "values": [{"effective_from": "2021-01-01", "value": "100.00", "source": "t"}]},
        "on": {"type": "bool", "values": [{"effective_from": "2021-01-01", "value": True, "source": "t"}]},
        "off": {"type": "bool", "values": [{"effective_from": "2021-01-01", "value": False, "source": "t"}]},
        "tiers": {"type": "map", "of": "money", "values": [
            {"effective_from": "2021-01-01", "value": {"3A": "5.00", "4A": "10.00"}, "source": "t"}]},
        "rate": {"type": "map", "of": "bp", "values": [
            {"effective_from": "2021-01-01", "value": {"short": 475, "long": 490}, "source": "t"},
            {"effective_from": "2022-01-01", "value": {"short": 370, "long": 420}, "source": "t"},
            {"effective_from": "2023-01-01", "value": {"short": 345, "long": 395}, "source": "t"}]},
    },
}, "t", "test", {})


def both(expr, rows: list[dict], day: dt.date = DAY) -> list:
    """ev and vec of expr over rows; asserts they agree and returns the per-row values.

    A row the batch path leaves undecided must name exactly the facts ``ev`` reports missing.
    """
    params = PARAMETERS.at(day)
    measure = Measure("m", "t", "c", rules=(Rule("m.r", "c", uses=(expr,)),))
    columns = columns_from_facts(FACTS, measure, rows, [day] * len(rows))
    column = expr.vec(VectorEnv(columns, params, PARAMETERS))
    values = []
    for i, row in enumerate(rows):
        scalar = expr.ev(Env(row, params, day, PARAMETERS))
        lacking = {name for name, mask in column.missing.items() if mask[i]}
        if isinstance(scalar, Missing):
            assert lacking == set(scalar.names), (row, lacking, scalar)
        else:
            assert not lacking, (row, lacking)
            got = column.values[i] if getattr(column.values, "ndim", 0) else column.values
            assert got == scalar, (row, got, scalar)
        values.append(scalar)
    return values


def names(value) -> set[str]:
    assert isinstance(value, Missing), value
    return set(value.names)


# --- when: the branch's facts are needed only where it is taken -----------------------------


def test_when_needs_only_the_taken_branch():
    expr = when(fact("flag"), fact("a"), fact("b"))
    taken, other, undecided, both_absent = both(expr, [
        {"flag": True, "a": 7},
        {"flag": False, "a": 7},
        {"a": 7, "b": 9},
        {"flag": True},
    ])
    assert taken == 7
    assert names(other) == {"b"}
    assert names(undecided) == {"flag"}  # neither branch's facts: the condition decides first
    assert names(both_absent) == {"a"}


def test_when_on_a_parameter_needs_no_fact_of_the_other_branch():
    assert both(when(param("on"), fact("a"), fact("b")), [{"a": 1}, {}])[0] == 1
    assert both(when(param("off"), fact("a"), fact("b")), [{"b": 2}])[0] == 2
    assert names(both(when(param("off"), fact("a"), fact("b")), [{"a": 2}])[0]) == {"b"}


def test_nested_when_and_strict_operations_merge_missing_facts():
    expr = when(fact("flag"), fact("a") + fact("b"), fact("n") >= 3)
    rows = [{"flag": True}, {"flag": True, "a": 1}, {"flag": False}, {"flag": False, "n": 5}]
    first, second, third, fourth = both(expr, rows)
    assert names(first) == {"a", "b"} and names(second) == {"b"} and names(third) == {"n"}
    assert fourth is True


# --- min_of / max_of ----------------------------------------------------------------------


def test_min_of_skips_an_absent_optional_term():
    expr = min_of(fact("a"), param("cap"), fact("r", optional=True))
    absent, lower, higher = both(expr, [{"a": 50_00}, {"a": 50_00, "r": 20_00}, {"a": 50_00, "r": 80_00}])
    assert (absent, lower, higher) == (50_00, 20_00, 50_00)


def test_min_of_with_a_missing_required_term_is_undecided_even_when_the_optional_is_present():
    expr = min_of(fact("a"), fact("r", optional=True))
    assert names(both(expr, [{"r": 1}])[0]) == {"a"}


def test_min_of_optional_only_term_never_beats_a_huge_amount():
    expr = min_of(fact("a"), fact("r", optional=True))
    assert both(expr, [{"a": MAX_FEN}])[0] == MAX_FEN


def test_max_of_and_negative_differences():
    expr = max_of(param("cap") - fact("a"), 0)
    assert both(expr, [{"a": 30_00}, {"a": 130_00}]) == [70_00, 0]


# --- scaled / percent: exact half-up, no int64 overflow -----------------------------------


def exact_half_up(base: int, factors: tuple[int, ...], denominator: int) -> int:
    value = Fraction(base)
    for factor in factors:
        value *= factor
    value /= denominator
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


LOAN_FACTORS = st.tuples(st.sampled_from([0, 1, 345, 475, 490, 1000]), st.sampled_from([0, 1, 40, 100]),
                         st.integers(0, 36))


@settings(max_examples=200, deadline=None)
@given(bases=st.lists(st.one_of(st.integers(0, MAX_FEN), st.just(MAX_FEN), st.integers(0, 1000)),
                      min_size=1, max_size=20),
       factors=LOAN_FACTORS)
def test_scaled_matches_exact_arithmetic_for_bases_up_to_max_fen(bases, factors):
    rate, share, months = factors
    rows = [{"a": base, "n": rate, "m": months} for base in bases]
    expr = scaled(fact("a"), (fact("n"), share, fact("m")), 10_000 * 100 * 12)
    values = both(expr, rows)
    assert values == [exact_half_up(base, factors, 12_000_000) for base in bases]


def test_scaled_with_the_largest_loan_factor_490_40_36():
    expr = scaled(fact("a"), (490, 40, 36), 12_000_000)
    bases = [MAX_FEN, MAX_FEN - 1, 12_000_000 - 1, 6_000_000, 5_999_999, 1, 0]
    assert both(expr, [{"a": b} for b in bases]) == [exact_half_up(b, (490, 40, 36), 12_000_000) for b in bases]


@settings(max_examples=200, deadline=None)
@given(base=st.one_of(st.integers(0, MAX_FEN), st.integers(0, 10_000)), pct=st.integers(0, 100))
def test_percent_is_half_up_once(base, pct):
    (value,) = both(percent(fact("a"), pct), [{"a": base}])
    assert value == (base * pct + 50) // 100 == exact_half_up(base, (pct,), 100)


def test_percent_half_way_rounds_up():
    assert both(percent(fact("a"), 10), [{"a": 5}, {"a": 4}, {"a": 1_234_567_895}]) == [1, 0, 123_456_790]


def test_scaled_is_undecided_when_a_factor_fact_is_missing():
    expr = scaled(fact("a"), (fact("n"), fact("m")), 100)
    (value,) = both(expr, [{"a": 1}])
    assert names(value) == {"n", "m"}


# --- lookups, enums, regions, dates -------------------------------------------------------


def test_lookup_on_an_enum_fact_and_its_default():
    expr = lookup(param("tiers"), fact("level"))
    assert both(expr, [{"level": "3A"}, {"level": "4A"}, {"level": "5A"}, {"level": "none"}]) == [500, 1000, 0, 0]


def test_rank_orders_enum_values():
    expr = rank(fact("level"), ("none", "3A", "4A", "5A")) > rank(fact("level"), ("none", "3A", "4A", "5A"))
    assert both(expr, [{"level": "4A"}]) == [False]


def test_lookup_in_a_parameter_on_each_case_own_day():
    """The table itself differs per row (the rate in force on each loan's start date)."""
    expr = lookup(param_on("rate", fact("day")), "short")
    rows = [{"day": "2021-06-01"}, {"day": "2022-06-01"}, {"day": "2023-06-01"}, {"day": "2019-01-01"}, {}]
    rows = [{k: dt.date.fromisoformat(v) for k, v in row.items()} for row in rows]
    values = both(expr, rows)
    assert values[:4] == [475, 370, 345, 475]
    assert names(values[4]) == {"day"}


def test_one_of_on_an_enum_fact():
    assert both(one_of(fact("level"), ("4A", "5A")), [{"level": "4A"}, {"level": "none"}]) == [True, False]


@pytest.mark.parametrize(("code", "inside"), [("340000", True), ("341100", True), ("349999", True),
                                              ("440100", False), ("034100", False), ("000034", False),
                                              ("330000", False), ("350000", False)])
def test_starts_with_region_prefix(code, inside):
    assert both(starts_with(fact("region"), "34"), [{"region": code}]) == [inside]


def test_year_of_as_of_against_a_year_fact():
    expr = fact("year").equals(year_of(as_of()) - 1)
    assert both(expr, [{"year": 2021}, {"year": 2022}, {"year": 1900}], day=DAY) == [True, False, False]
    assert both(expr, [{"year": 2022}], day=dt.date(2023, 1, 1)) == [True]

"""The detail of a rule left undecided by a missing fact: the default words, or the rule's own."""

from __future__ import annotations

import datetime as dt

from huiqi.rules import Measure, Rule, fact
from huiqi.rules.explain import Env, explain

DAY = dt.date(2022, 6, 30)


def _detail(rule: Rule, facts: dict) -> str:
    result = explain("t.m", Measure("m", "t", "c", rules=(rule,)), Env(facts, {}, DAY))
    return result.reasons[0].detail


def test_default_words_name_the_missing_facts():
    rule = Rule("m.r", "c", fact("a") & fact("b"), ("ok", "no"))
    assert _detail(rule, {}) == "cannot decide: missing facts a, b"


def test_a_rule_words_its_own_missing_facts_sorted():
    rule = Rule("m.r", "c", fact("b") & fact("a"), ("ok", "no"),
                missing_says=lambda names: " / ".join(f"{n} is needed" for n in names))
    assert _detail(rule, {}) == "a is needed / b is needed"
    assert _detail(rule, {"a": True}) == "b is needed"
    assert _detail(rule, {"a": True, "b": False}) == "no"


def test_award_positive_words_its_missing_facts_as_the_measure_says():
    measure = Measure("m", "t", "c", rules=(), award=fact("a"), award_missing_says=lambda names: f"need {names}")
    result = explain("t.m", measure, Env({}, {}, DAY))
    assert [(r.rule, r.passed, r.detail) for r in result.reasons] == [("m.award_positive", None, "need ('a',)")]

"""The rule engine: an expression vocabulary, rules with citations, measures, two evaluators."""

from huiqi.rules.expr import (
    Expr,
    Missing,
    as_of,
    const,
    fact,
    func,
    in_set,
    leading_number,
    lookup,
    max_of,
    min_of,
    one_of,
    param,
    param_on,
    percent,
    rank,
    scaled,
    starts_with,
    when,
    year_of,
)
from huiqi.rules.measure import Measure, Rule

__all__ = [
    "Expr", "Missing", "Measure", "Rule",
    "as_of", "const", "fact", "func", "in_set", "leading_number", "lookup", "max_of", "min_of",
    "one_of", "param", "param_on", "percent", "rank", "scaled", "starts_with", "when", "year_of",
]

"""Rules and measures: what a plugin declares, each rule with its clause and its words."""

from __future__ import annotations

from typing import Callable, Mapping, Union

import attrs

from huiqi.rules.expr import Expr, lift

# A rule's detail: (words when passed, words when failed) as str.format templates over the
# measure's names (its ``lets``, the facts, the parameters, ``as_of``), or a function of a
# names view and the outcome.
Says = Union[tuple[str, str], Callable[[object, bool], str]]


@attrs.frozen
class Rule:
    """One condition of a measure, as the document states it.

    ``test`` passes when true; a rule without a test (a formula shown to the reader) passes
    whenever the facts of its ``uses`` are present. ``applies`` is a condition on parameters
    only: where it is false the rule is skipped, not reported, and its facts are not needed.
    ``missing_says`` words the detail of an undecided rule from the missing facts' names
    (sorted); without it the detail is "cannot decide: missing fact …".
    """

    id: str
    citation: str
    test: Expr | None = None
    says: Says = ("", "")
    quote: str = ""
    uses: tuple[Expr, ...] = attrs.field(default=(), converter=lambda v: tuple(lift(e) for e in v))
    applies: Expr | None = None
    condition: str = ""
    missing_says: Callable[[tuple[str, ...]], str] | None = None

    def expressions(self) -> tuple[Expr, ...]:
        return ((self.test,) if self.test is not None else ()) + self.uses

    def facts(self) -> set[str]:
        names: set[str] = set()
        for expr in self.expressions():
            names |= expr.facts()
        return names

    def in_words(self) -> str:
        """The condition for the generated documentation."""
        if self.condition:
            return self.condition
        if self.test is not None:
            return self.test.describe()
        return "; ".join(e.describe() for e in self.uses)


@attrs.frozen
class Measure:
    """One measure of a document: its rules in the document's order and its award formula.

    A measure that pays money (``award`` set) gets the contract's final rule
    ``<id>.award_positive``: an award of 0.00 is not an eligible result.
    """

    id: str
    title: str
    citation: str
    rules: tuple[Rule, ...]
    award: Expr | None = None
    lets: Mapping[str, Expr] = attrs.field(factory=dict)
    informational: tuple[str, ...] = ()  # optional facts: validated when present, never needed
    award_citation: str = ""
    award_says: Says | None = None  # words of award_positive when passed; default "award X > 0"
    award_missing_says: Callable[[tuple[str, ...]], str] | None = None  # award_positive undecided (Rule.missing_says)
    formula: str = ""  # the award in words, for the docs
    unit: str = ""  # what one-off / cap tracking refers to, for the docs
    quote: str = ""
    _all_rules: tuple[Rule, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Built once: the explained path asks for the rules on every case.
        object.__setattr__(self, "_all_rules", self._with_award_positive())

    def all_rules(self) -> tuple[Rule, ...]:
        return self._all_rules

    def _with_award_positive(self) -> tuple[Rule, ...]:
        if self.award is None:
            return self.rules
        award_positive = Rule(
            id=f"{self.id}.award_positive",
            citation=self.award_citation or self.citation,
            test=self.award > 0,
            says=self._award_says(),
            condition="award > 0.00",
            missing_says=self.award_missing_says,
        )
        return self.rules + (award_positive,)

    def _award_says(self) -> Says:
        if self.award_says is None:
            return ("award {award:yuan} > 0", "award {award:yuan}: nothing to pay")
        shown = self.award_says
        if callable(shown):
            return lambda v, ok: shown(v, ok) + (f"; award {v.shown('award')} > 0" if ok else "; nothing to pay")
        return shown

    def names(self) -> Mapping[str, Expr]:
        """Named values a detail template may show: the lets and the award."""
        named = dict(self.lets)
        if self.award is not None:
            named["award"] = self.award
        return named

    def facts(self) -> set[str]:
        names = set(self.informational)
        for rule in self.all_rules():
            names |= rule.facts()
        for expr in self.names().values():
            names |= expr.facts()
        return names

    def params(self) -> set[str]:
        names: set[str] = set()
        for rule in self.all_rules():
            for expr in rule.expressions() + ((rule.applies,) if rule.applies is not None else ()):
                names |= expr.params()
        for expr in self.names().values():
            names |= expr.params()
        return names

"""Validating one entity row (from a file or the command line) into a candidate, or into its problems."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Callable
from zoneinfo import ZoneInfo

import attrs

from huiqi.entities.models import KIND_LABELS, KINDS, NAME_MAX, SOURCE_MAX
from huiqi.entities.readers import IDENTITY_COLUMNS, ROW_COLUMNS, SourceRow
from huiqi.entities.values import digits_text, check_fact_name, fact_value, text_to_value
from huiqi.errors import InputError
from huiqi.facts import parse_date
from huiqi.regions import province_of, region_name, validate_region
from huiqi.uscc import validate_uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND_EXPECTED = "one of " + ", ".join(f"{k} ({KIND_LABELS[k]})" for k in KINDS)
_KIND_BY_LABEL = {label: kind for kind, label in KIND_LABELS.items()}


def today() -> dt.date:
    """Today in Asia/Shanghai, the day facts are recorded on unless told otherwise."""
    return dt.datetime.now(SHANGHAI).date()


@attrs.frozen
class Candidate:
    """A row that passed validation: what will be on record, and the facts it records."""

    number: int
    uscc: str
    name: str
    kind: str
    region_code: str
    founded_on: dt.date | None
    facts: dict[str, Any]
    recorded_on: dt.date
    source: str

    def identity(self) -> dict[str, Any]:
        """The entity's defining fields, as compared with the record and written to the audit log."""
        founded = self.founded_on.isoformat() if self.founded_on else None
        return {"uscc": self.uscc, "name": self.name, "kind": self.kind,
                "region_code": self.region_code, "founded_on": founded}


@attrs.frozen
class RowProblem:
    """Why a row is rejected: its number as the user counts, the field, the value, what was expected."""

    row: int
    unit: str
    field: str
    value: Any
    expected: str
    reason: str | None = None

    @classmethod
    def of(cls, row: int, unit: str, error: InputError) -> RowProblem:
        return cls(row, unit, error.field, error.value, error.expected, error.reason)

    def line(self) -> str:
        """One line for stderr: ``row 4: uscc: '91…': check character should be 'X' not 'Y' (expected …)``."""
        return f"{self.unit} {self.row}: {InputError(self.field, self.value, self.expected, reason=self.reason)}"


@attrs.frozen
class Defaults:
    """What a row does not say for itself: the kind, the day its facts are recorded on, their source."""

    recorded_on: dt.date
    source: str
    kind: str | None = None
    cells_are_text: bool = False
    today: dt.date = attrs.field(factory=today)


def validate_row(row: SourceRow, defaults: Defaults) -> tuple[Candidate | None, list[InputError]]:
    """The row as a candidate, or every problem in it (each field is checked independently)."""
    problems = list(row.problems)
    if problems and not row.values:
        return None, problems  # unreadable: listing every missing field would bury the cause
    values = dict(row.values)
    if defaults.kind is not None:
        values.setdefault("kind", defaults.kind)
    checked: dict[str, Any] = {}
    for field, check in _FIELD_CHECKS.items():
        try:
            checked[field] = check(values.get(field), defaults)
        except InputError as error:
            problems.append(error)
    facts: dict[str, Any] = {}
    for name, raw in values.items():
        if name in IDENTITY_COLUMNS or name in ROW_COLUMNS:
            continue
        try:
            value = fact_of(name, raw, text=defaults.cells_are_text)
        except InputError as error:
            problems.append(error)
            continue
        if value is not None:
            facts[name] = value
    if problems:
        return None, problems
    return Candidate(number=row.number, facts=facts, **checked), []


def fact_of(name: str, raw: Any, *, text: bool) -> Any:
    """The JSON value fact ``name`` records for ``raw`` (None: no value); text cells by the text rules."""
    check_fact_name(name)
    if text and isinstance(raw, str):
        try:
            raw = text_to_value(raw)
        except ValueError as error:
            raise InputError(name, raw, "valid JSON after [ or {", reason=f"{name}: {raw!r} is not valid JSON ({error})") from None
    return fact_value(name, raw)


# --- one check per field ---------------------------------------------------------------------

def _uscc(value: Any, _defaults: Defaults) -> str:
    if value is None:
        raise InputError("uscc", None, "an 18-character 统一社会信用代码", reason="uscc is missing")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return validate_uscc(value, "uscc")


def _name(value: Any, _defaults: Defaults) -> str:
    expected = f"the registered (Chinese) name, 1 to {NAME_MAX} characters on one line"
    if value is None:
        raise InputError("name", None, expected, reason="name is missing")
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if not text or len(text) > NAME_MAX or any(unicodedata.category(c) == "Cc" for c in text):
        raise InputError("name", value, expected)
    return text


def _kind(value: Any, _defaults: Defaults) -> str:
    if value is None:
        raise InputError("kind", None, KIND_EXPECTED, reason="kind is missing (a kind column, or --kind)")
    text = value.strip() if isinstance(value, str) else None
    kind = _KIND_BY_LABEL.get(text, text) if text is not None else None
    if kind not in KINDS:
        raise InputError("kind", value, KIND_EXPECTED)
    return kind


def _region(value: Any, _defaults: Defaults) -> str:
    if value is None:
        raise InputError("region_code", None, "a six-digit GB/T 2260 code", reason="region_code is missing")
    code = validate_region(digits_text(value), "region_code")
    if region_name(province_of(code)) is None:
        raise InputError("region_code", value, "a GB/T 2260 code of a province, city or county",
                         reason=f"{code}: {code[:2]} is not the first two digits of any province")
    return code


def _day(field: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise InputError(field, value.isoformat(), "a date without a time of day")
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value.strip() if isinstance(value, str) else value, field)


def _founded(value: Any, defaults: Defaults) -> dt.date | None:
    if value is None:
        return None
    day = _day("founded_on", value)
    if day > defaults.today:
        raise InputError("founded_on", day.isoformat(), f"a day not after today ({defaults.today})",
                         reason=f"founded_on {day} is in the future")
    return day


def _recorded_on(value: Any, defaults: Defaults) -> dt.date:
    day = defaults.recorded_on if value is None else _day("recorded_on", value)
    if day > defaults.today:
        raise InputError("recorded_on", day.isoformat(), f"a day not after today ({defaults.today})",
                         reason=f"recorded_on {day} is in the future")
    return day


def _source(value: Any, defaults: Defaults) -> str:
    text = defaults.source if value is None else str(value).strip()
    if not text or len(text) > SOURCE_MAX:
        raise InputError("source", value, f"1 to {SOURCE_MAX} characters saying where the facts come from")
    return text


_FIELD_CHECKS: dict[str, Callable[[Any, Defaults], Any]] = {
    "uscc": _uscc, "name": _name, "kind": _kind, "region_code": _region,
    "founded_on": _founded, "recorded_on": _recorded_on, "source": _source,
}


class InputProblems(InputError):
    """Several problems with one input, one line each; behaves as an InputError for the first."""

    def __init__(self, problems: list[InputError]):
        first = problems[0]
        super().__init__(first.field, first.value, first.expected, reason=first.reason)
        self.problems = list(problems)
        self.args = ("\n".join(str(problem) for problem in problems),)

    def __str__(self) -> str:
        return self.args[0]


def raise_problems(problems: list[InputError]) -> None:
    """Raise the one problem, or all of them together; nothing when the list is empty."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputProblems(problems)

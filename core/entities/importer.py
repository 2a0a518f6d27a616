"""Importing many entities at once: every row validated first, then all written or none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy.orm import Session

from huiqi.entities.readers import SourceRow, SourceTable, canonical_column
from huiqi.entities.rows import Candidate, Defaults, RowProblem, today, validate_row
from huiqi.entities.store import Written, conflicts, records_by_uscc, write
from huiqi.errors import InputError

IMPORT_SOURCE = "huiqi entity import"


@attrs.frozen
class ImportReport:
    """What an import did, or would have done: rows read, entities added or matched, facts
    recorded, and every problem of every rejected row. ``written`` is False when nothing was."""

    unit: str
    rows_read: int
    added: tuple[str, ...]
    matched: tuple[str, ...]
    facts_recorded: int
    facts_unchanged: int
    rejected: tuple[RowProblem, ...]
    written: bool

    @property
    def rejected_rows(self) -> list[int]:
        """The numbers of the rejected rows, each once, in order."""
        return sorted({problem.row for problem in self.rejected})

    def problem_lines(self) -> list[str]:
        """One line per problem, in row order: ``row 4: uscc: …``."""
        return [problem.line() for problem in self.rejected]

    def summary(self) -> str:
        """One line for people saying what was written (or why nothing was)."""
        plural = "s" if self.rows_read != 1 else ""
        if not self.written and self.rejected:
            bad = len(self.rejected_rows)
            return (f"nothing imported: {bad} of {self.rows_read} {self.unit}{plural} rejected "
                    f"(fix them, or use --skip-bad to import the others)")
        taken = len(self.added) + len(self.matched)
        done = (f"imported {taken} {self.unit}{'' if taken == 1 else 's'}: {len(self.added)} added, "
                f"{len(self.matched)} already on record; {self.facts_recorded} facts recorded, "
                f"{self.facts_unchanged} unchanged")
        if self.rejected:
            skipped = ", ".join(str(n) for n in self.rejected_rows)
            done += f"; skipped {len(self.rejected_rows)} bad {self.unit}s: {skipped}"
        return done

    def to_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read, "written": self.written,
            "added": list(self.added), "already_on_record": list(self.matched),
            "facts_recorded": self.facts_recorded, "facts_unchanged": self.facts_unchanged,
            "rejected": [{self.unit: p.row, "field": p.field, "value": p.value, "expected": p.expected,
                          "reason": p.reason, "message": p.line()} for p in self.rejected],
        }


def import_entities(
    session: Session, rows: SourceTable | Iterable[Mapping[str, Any]], *, skip_bad: bool = False,
    default_kind: str | None = None, recorded_on: dt.date | None = None, source: str = IMPORT_SOURCE,
    actor: str = "system", role: str = "system",
) -> ImportReport:
    """Validate every row, then write them all in the caller's transaction — or none.

    A row is rejected for a bad USCC, name, kind, region, date or fact, a USCC that appears on
    another row of the same file, or one already on record with a different name, kind, region
    or founding day. With any row rejected nothing is written, unless ``skip_bad``: then the
    good rows are written and the report lists the skipped ones.

    :param rows: a table from :func:`huiqi.entities.readers.read_file`, or mappings (numbered from 1).
    :param default_kind: the kind of rows that do not give one.
    :param recorded_on: the day the facts are recorded on, where a row does not say (default today).
    """
    table = rows if isinstance(rows, SourceTable) else _table_of(rows)
    defaults = Defaults(recorded_on=recorded_on or today(), source=source, kind=default_kind,
                        cells_are_text=table.cells_are_text)
    problems: dict[int, list[InputError]] = {}
    candidates: list[Candidate] = []
    for row in table.rows:
        candidate, found = validate_row(row, defaults)
        if found:
            problems[row.number] = found
        else:
            candidates.append(candidate)
    _flag_repeats(table, problems)
    good = [c for c in candidates if c.number not in problems]
    records = records_by_uscc(session, [c.uscc for c in good])
    for candidate in good:
        if candidate.uscc in records:
            found = conflicts(candidate, records[candidate.uscc])
            if found:
                problems.setdefault(candidate.number, []).extend(found)
    good = [c for c in good if c.number not in problems]
    rejected = tuple(RowProblem.of(n, table.unit, e) for n in sorted(problems) for e in problems[n])
    if (rejected and not skip_bad) or not good:
        return _report(table, Written([], [], {}, {}), rejected, written=False)
    written = write(session, good, {c.uscc: records[c.uscc] for c in good if c.uscc in records},
                    actor=actor, role=role)
    return _report(table, written, rejected, written=True)


def _flag_repeats(table: SourceTable, problems: dict[int, list[InputError]]) -> None:
    """Every row whose USCC appears on another row too: which one is right cannot be told."""
    rows_of: dict[str, list[int]] = {}
    for row in table.rows:
        raw = row.values.get("uscc")
        if raw is not None:
            rows_of.setdefault(str(raw).strip(), []).append(row.number)
    for uscc, numbers in rows_of.items():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = ", ".join(str(n) for n in numbers if n != number)
            problems.setdefault(number, []).append(InputError(
                "uscc", uscc, "each USCC on one row of the file",
                reason=f"uscc {uscc} appears again on {table.unit}{'s' if ',' in others else ''} {others}"))


def _table_of(records: Iterable[Mapping[str, Any]]) -> SourceTable:
    rows = [SourceRow(number, {canonical_column(k): v for k, v in record.items() if v is not None})
            for number, record in enumerate(records, start=1)]
    return SourceTable("record", rows, cells_are_text=False)


def _report(table: SourceTable, result: Written, rejected: tuple[RowProblem, ...], *, written: bool) -> ImportReport:
    return ImportReport(
        unit=table.unit, rows_read=len(table.rows), added=tuple(result.added), matched=tuple(result.matched),
        facts_recorded=sum(len(f) for f in result.recorded.values()),
        facts_unchanged=sum(len(f) for f in result.unchanged.values()),
        rejected=rejected, written=written,
    )

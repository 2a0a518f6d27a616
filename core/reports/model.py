"""What a report is: its declaration (Report), what its build function returns (ReportData), and what it sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Mapping

import attrs

from huiqi.workflow.actors import Actor

KINDS = ("text", "money", "date", "datetime", "int", "percent")
CHART_KINDS = ("bar", "barh", "line", "pie")
ADMIN = "admin"  # the deployment's operator (the default --as): may view every report, unscoped


@attrs.frozen
class Column:
    """One column: its key in the rows, its Chinese header, and the kind of its values.

    Values by kind: text ``str``; money integer fen; date ``datetime.date``; datetime an aware
    ``datetime.datetime``; int ``int``; percent a ``Decimal`` fraction (0.455 is 45.5 %).
    ``None`` is an empty cell in every kind.
    """

    key: str
    header: str
    kind: str = "text"

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key}: kind {self.kind!r} is not one of {', '.join(KINDS)}")


@attrs.frozen
class Chart:
    """A chart drawn from table rows: categories ``x``, one bar/line/slice series per key of ``y``.

    With ``series`` the rows are pivoted: one series per distinct value of that key (e.g. one
    stacked bar segment per state). ``rows`` defaults to the report's main table rows.
    ``reference`` draws a dashed line at that value (e.g. 1.0 for 100 % of a target);
    ``marker`` names a key whose values are drawn as ticks on the bars (e.g. a pro-rata expectation).
    """

    kind: str
    title: str
    x: str
    y: tuple[str, ...]
    series: str | None = None
    stacked: bool = False
    labels: Mapping[str, str] = attrs.field(factory=dict)  # series key/value → legend text
    value_kind: str = "int"  # money values are shown in 万元; percent as %
    rows: tuple[Mapping[str, Any], ...] | None = None
    reference: float | None = None
    marker: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart {self.title}: kind {self.kind!r} is not one of {', '.join(CHART_KINDS)}")


@attrs.frozen
class Table:
    """A titled table; ``totals`` names the columns summed in a bold totals row."""

    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    totals: tuple[str, ...] = ()
    title: str | None = None

    def total(self, key: str) -> Any:
        return sum(row[key] for row in self.rows if row.get(key) is not None)


@attrs.frozen
class ReportData:
    """What a build function returns: the main table, more tables, charts and notes."""

    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    totals: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = ()
    more_tables: tuple[Table, ...] = ()  # csv carries the main table only

    def __attrs_post_init__(self) -> None:
        keys = {c.key for c in self.columns}
        unknown = set(self.totals) - keys
        if unknown:
            raise ValueError(f"totals name unknown columns: {', '.join(sorted(unknown))}")

    @property
    def table(self) -> Table:
        return Table(self.columns, self.rows, self.totals)

    def tables(self) -> list[Table]:
        return [self.table, *self.more_tables]


@attrs.frozen
class ReportContext:
    """What a build function sees: a read-only session, the registry, the viewer and the filters."""

    session: Any
    registry: Any
    viewer: Actor
    today: dt.date
    region: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    application_id: int | None = None

    def in_period(self, day: dt.date | None) -> bool:
        if day is None:
            return self.period_from is None and self.period_to is None
        return (self.period_from is None or day >= self.period_from) and (self.period_to is None or day <= self.period_to)

    def sees(self, *, region_code: str | None = None, uscc: str | None = None, assigned=()) -> bool:
        """Whether a row of this region / applicant is inside the viewer's scope and the --region filter."""
        from huiqi.reports.scope import row_visible

        return row_visible(self, region_code=region_code, uscc=uscc, assigned=assigned)

    def show_uscc(self, uscc: str | None) -> str | None:
        """The USCC as this viewer may see it: masked (middle 8 characters) for the public."""
        from huiqi.reports.scope import PUBLIC_ROLES, mask_uscc

        return mask_uscc(uscc) if self.viewer.role in PUBLIC_ROLES else uscc


@attrs.frozen
class Report:
    """A report a plugin (or the core) offers: name, title, who may view it, and how to build it.

    ``build`` receives the :class:`ReportContext` and must apply the viewer's scope itself
    (``ctx.sees(...)``, ``ctx.show_uscc(...)``). ``template`` names jinja2 templates
    ``<template>.md.j2`` / ``<template>.html.j2`` in ``templates`` (a directory); a format with no
    template of its own uses the generic one. ``requires`` lists the options it cannot do without
    (``application``, ``period``).
    """

    name: str
    title_zh: str
    build: Callable[[ReportContext], ReportData]
    viewers: tuple[str, ...]
    plugin: str | None = None
    template: str | None = None
    templates: Path | None = None
    citation: str = ""
    description: str = ""
    requires: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name) or self.name == "list":
            raise ValueError(f"report name {self.name!r}: snake_case, and not 'list'")

    def allows(self, viewer: Actor) -> bool:
        return viewer.role == ADMIN or viewer.role in self.viewers

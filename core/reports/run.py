"""Building a report for a viewer and rendering it: md, html, csv, xlsx or json."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from huiqi.errors import InputError
from huiqi.reports.cells import display, local_time, totals_row, width
from huiqi.reports.model import Report, ReportContext, ReportData, Table

FORMATS = ("md", "html", "csv", "xlsx", "json")
BINARY_FORMATS = ("xlsx",)
SHORT_TEXT = 12  # a column whose values are at most this wide (CJK counts double) is never wrapped in html


@attrs.frozen
class ReportRun:
    """A built report: its declaration, its data, and the lines saying for whom and what it covers."""

    report: Report
    data: ReportData
    meta: tuple[tuple[str, str], ...]
    generated_at: dt.datetime

    @property
    def title(self) -> str:
        return self.report.title_zh


def run_report(report: Report, ctx: ReportContext, *, now: dt.datetime | None = None) -> ReportRun:
    """Check the report's requirements and the viewer, build the data, and describe the run."""
    if not report.allows(ctx.viewer):
        raise InputError("--as", str(ctx.viewer), "a role allowed to view it: " + ", ".join(report.viewers),
                         reason=f"role {ctx.viewer.role} may not view report {report.name}")
    if "application" in report.requires and ctx.application_id is None:
        raise InputError("--application", None, f"the id of an application (report {report.name} needs one)",
                         reason=f"report {report.name} needs --application ID")
    data = report.build(ctx)
    if not isinstance(data, ReportData):
        raise TypeError(f"report {report.name}: build returned {type(data).__name__}, not ReportData")
    now = now or dt.datetime.now(dt.timezone.utc)
    return ReportRun(report, data, _meta(report, ctx, now), now)


def _meta(report: Report, ctx: ReportContext, now: dt.datetime) -> tuple[tuple[str, str], ...]:
    from huiqi.regions import display as region_display

    period = "全部" if ctx.period_from is None and ctx.period_to is None else \
        f"{ctx.period_from or '…'} 至 {ctx.period_to or '…'}"
    lines = [("生成时间", local_time(now).strftime("%Y-%m-%d %H:%M")), ("查看角色", str(ctx.viewer)),
             ("地区", region_display(ctx.region) if ctx.region else "全部"), ("期间", period)]
    if ctx.application_id is not None:
        lines.append(("申请编号", str(ctx.application_id)))
    if report.citation:
        lines.append(("依据", report.citation))
    return tuple(lines)


def prepared_tables(data: ReportData) -> list[dict[str, Any]]:
    """Tables as display strings for the md and html templates."""
    return [_prepared(table) for table in data.tables()]


def _prepared(table: Table) -> dict[str, Any]:
    rows = [[display(row.get(c.key), c.kind) for c in table.columns] for row in table.rows]
    widest = [max((width(r[i]) for r in rows), default=0) for i in range(len(table.columns))]
    columns = [{"header": c.header, "kind": c.kind, "numeric": c.kind in ("money", "int", "percent"),
                "short": widest[i] <= SHORT_TEXT} for i, c in enumerate(table.columns)]
    total = totals_row(table)
    totals = None if total is None else [display(total.get(c.key), c.kind) for c in table.columns]
    return {"title": table.title, "columns": columns, "rows": rows, "totals": totals}


def render(run: ReportRun, fmt: str) -> bytes:
    """The report in one format, as bytes (text formats are UTF-8; csv starts with a BOM)."""
    if fmt == "md":
        from huiqi.reports.render_md import render_md
        return render_md(run).encode("utf-8")
    if fmt == "html":
        from huiqi.reports.render_html import render_html
        return render_html(run).encode("utf-8")
    if fmt == "csv":
        from huiqi.reports.render_csv import render_csv
        return render_csv(run)
    if fmt == "xlsx":
        from huiqi.reports.render_xlsx import render_xlsx
        return render_xlsx(run)
    if fmt == "json":
        from huiqi.reports.render_json import render_json
        return render_json(run).encode("utf-8")
    raise InputError("--format", fmt, " | ".join(FORMATS))

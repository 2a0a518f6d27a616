"""md: the report as a markdown document (title, what it covers, tables with totals, notes)."""

from __future__ import annotations

from huiqi.reports.run import prepared_tables
from huiqi.reports.templating import template_for


def render_md(run) -> str:
    return template_for(run.report, "md").render(run=run, report=run.report, meta=run.meta,
                                                  tables=prepared_tables(run.data), notes=run.data.notes)

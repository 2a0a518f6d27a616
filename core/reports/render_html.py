"""html: one self-contained file (inline CSS, inline SVG charts, no network) that prints on A4."""

from __future__ import annotations

from huiqi.reports.charts import chart_svg
from huiqi.reports.run import prepared_tables
from huiqi.reports.templating import template_for

WIDE_COLUMNS = 8  # a table with more columns prints on A4 landscape


def render_html(run) -> str:
    from markupsafe import Markup

    charts = [Markup(chart_svg(chart, run.data.rows)) for chart in run.data.charts]
    wide = max(len(table.columns) for table in run.data.tables()) > WIDE_COLUMNS
    return template_for(run.report, "html").render(run=run, report=run.report, meta=run.meta,
                                                    tables=prepared_tables(run.data), notes=run.data.notes,
                                                    charts=charts, wide=wide)

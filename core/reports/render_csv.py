"""csv: UTF-8 with a BOM (so that Excel opens the Chinese correctly), Chinese headers, the main table only."""

from __future__ import annotations

import csv
import io

from huiqi.reports.cells import csv_text, totals_row

BOM = "\ufeff"


def render_csv(run) -> bytes:
    """Header row, data rows, the totals row; money as plain two-decimal yuan (1234.50)."""
    table = run.data.table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(row.get(c.key), c.kind) for c in table.columns])
    total = totals_row(table)
    if total is not None:
        writer.writerow([csv_text(total.get(c.key), c.kind) for c in table.columns])
    return (BOM + out.getvalue()).encode("utf-8")

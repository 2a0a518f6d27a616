"""json: the rows as the contract writes values (money as "500000.00" strings, ISO dates, counts as numbers)."""

from __future__ import annotations

import json
from typing import Any

from huiqi.reports.cells import csv_text


def _value(value: Any, kind: str) -> Any:
    if value is None or (kind == "int" and isinstance(value, int)):
        return value
    return csv_text(value, kind)


def render_json(run) -> str:
    tables = [{"title": table.title,
               "columns": [{"key": c.key, "header": c.header, "kind": c.kind} for c in table.columns],
               "rows": [{c.key: _value(row.get(c.key), c.kind) for c in table.columns} for row in table.rows]}
              for table in run.data.tables()]
    body = {"report": run.report.name, "title": run.title, "plugin": run.report.plugin,
            "meta": dict(run.meta), "tables": tables, "notes": list(run.data.notes)}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

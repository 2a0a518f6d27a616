"""KPI dashboards: each target's periods, the status of an actual against it, and the dashboard rows.

Status (anhui_iiot_grants I-23, a presentation choice any plugin may share): ``met`` when the actual
satisfies the target; else ``missed`` once the period is over; before that ``on_track`` when the
actual is at least the linear pro-rata expectation (target × elapsed days ÷ period days), else
``behind``. A KPI without an actual is ``not_reported``; a qualitative one is ``qualitative``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable, Iterator

from huiqi.reports.cells import shorten

STATUS_ZH = {"met": "已完成", "missed": "未完成", "on_track": "进度正常", "behind": "进度滞后",
             "not_reported": "未报送", "qualitative": "定性指标"}
SOURCE_ZH = {"ledger": "台账", "reported": "报送", "both": "台账＋报送"}
COMPARISON = {"ge": "≥", "gt": ">"}


def periods(kpi) -> list[tuple[str, dt.date, dt.date]]:
    """(label, first day, last day) of each period the KPI is checked for: each year, or its one period."""
    if kpi.per_year:
        return [(f"{year}年", dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in kpi.per_year]
    return [(_period_label(kpi.period_from, kpi.period_to), kpi.period_from, kpi.period_to)]


def _period_label(start: dt.date, end: dt.date) -> str:
    """"2021—2023年" for whole calendar years, else the two days."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year}年" if start.year == end.year else f"{start.year}—{end.year}年"
    return f"{start}—{end}"


def expected_share(start: dt.date, end: dt.date, today: dt.date) -> Decimal:
    """The share of the period elapsed on ``today`` (0 before it starts, 1 after it ends), days inclusive."""
    total = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), total)
    return Decimal(elapsed) / Decimal(total)


def status(kpi, actual, start: dt.date, end: dt.date, today: dt.date) -> str:
    if kpi.comparison == "qualitative" or kpi.target is None:
        return "qualitative"
    if actual is None:
        return "not_reported"
    met = actual > kpi.target if kpi.comparison == "gt" else actual >= kpi.target
    if met:
        return "met"
    if today > end:
        return "missed"
    return "on_track" if actual >= kpi.target * expected_share(start, end, today) else "behind"


def dashboard_rows(kpis, actual_of: Callable[[object, dt.date, dt.date], int | None], today: dt.date) -> Iterator[dict]:
    """One row per KPI and period: target, source, the ledger actual (``actual_of``), % achieved, status."""
    for kpi in kpis:
        for label, start, end in periods(kpi):
            actual = actual_of(kpi, start, end) if kpi.source in ("ledger", "both") else None
            numeric = kpi.comparison != "qualitative" and kpi.target
            state = status(kpi, actual, start, end, today)
            yield {
                "id": kpi.id, "title": kpi.title_zh, "label": (shorten(kpi.title_zh, 18) + f" {label}") if kpi.per_year else kpi.title_zh,
                "period": label, "target": _target(kpi), "source": SOURCE_ZH.get(kpi.source, kpi.source),
                "ledger_actual": actual, "reported": "" if kpi.source == "ledger" else "未报送",
                "achieved": Decimal(actual) / Decimal(kpi.target) if numeric and actual is not None else None,
                "expected": expected_share(start, end, today) if numeric else None,
                "status": f"{STATUS_ZH[state]} ({state})", "status_code": state, "citation": kpi.citation,
            }


def _target(kpi) -> str:
    if kpi.comparison == "qualitative" or kpi.target is None:
        return "定性"
    unit = kpi.unit if kpi.unit in ("", "%") else f" {kpi.unit}"
    return f"{COMPARISON[kpi.comparison]} {kpi.target:,}{unit}"

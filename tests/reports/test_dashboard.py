"""R8 programme_dashboard: KPI statuses (I-23) from ledger proxies, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huiqi.document import Kpi
from huiqi.reports.kpis import expected_share, status
from huiqi_plugins.anhui_iiot_grants.document import document
from huiqi_plugins.anhui_iiot_grants.reports import PROXIES

from .conftest import make_runner
from .sample import D, approve

START, END = dt.date(2021, 1, 1), dt.date(2023, 12, 31)


def kpi(target=100, comparison="ge"):
    return Kpi("k", "指标", target, comparison, "c", "ledger", START, END)


@pytest.mark.parametrize(("actual", "today", "comparison", "expected"), [
    (100, dt.date(2022, 1, 1), "ge", "met"),
    (100, dt.date(2022, 1, 1), "gt", "on_track"),   # "超过" is strict: 100 is not > 100 (I-5)
    (101, dt.date(2022, 1, 1), "gt", "met"),
    (40, dt.date(2022, 1, 1), "ge", "on_track"),    # 365 of 1095 days: 33.4 expected
    (30, dt.date(2022, 1, 1), "ge", "behind"),
    (99, dt.date(2024, 1, 1), "ge", "missed"),
    (0, dt.date(2020, 6, 1), "ge", "on_track"),     # before the period: nothing expected yet
    (None, dt.date(2022, 1, 1), "ge", "not_reported"),
])
def test_status_follows_i23(actual, today, comparison, expected):
    assert status(kpi(comparison=comparison), actual, START, END, today) == expected


def test_qualitative_kpis_have_no_status_to_compute():
    assert status(kpi(None, "qualitative"), None, START, END, dt.date(2022, 1, 1)) == "qualitative"
    assert expected_share(START, END, dt.date(2021, 12, 31)) == Decimal(365) / Decimal(1095)


def test_every_ledger_kpi_has_a_proxy_query():
    ledger = {k.id for k in document().kpis if k.source in ("ledger", "both")}
    assert ledger == set(PROXIES)
    measures = {m.id for m in document().measures}
    assert {p.measure for p in PROXIES.values()} <= measures


def test_dashboard_counts_approvals_by_round_year(deployment, uscc):
    deployment.fund("network_upgrade", 2022, 10_000_000)
    deployment.fund("capability_assessment", 2022, 10_000_000)
    for n in range(3):
        applicant = uscc(200 + n)
        app = deployment.apply("network_upgrade", applicant, {"region_code": "340100", "has_upgraded_enterprise_network": True,
                                                             "is_selected_by_provincial_review": True}, D)
        assert approve(deployment, app, applicant, "340100") == "approved"
    applicant = uscc(210)
    app = deployment.apply("capability_assessment", applicant, {"region_code": "340100", "capability_level": "4A"}, D)
    assert approve(deployment, app, applicant, "340100") == "approved"
    draft = deployment.apply("network_upgrade", uscc(211), {"region_code": "340100"}, D)  # not approved: not counted
    assert deployment.state(draft) == "draft"

    run = make_runner(deployment)
    rows = {(r["id"], r["period"]): r for r in run("programme_dashboard", today=dt.date(2022, 2, 15)).data.rows}
    network = [rows[("network_upgrade_exemplars_per_year", f"{y}年")] for y in (2021, 2022, 2023)]
    assert [r["ledger_actual"] for r in network] == [0, 3, 0]
    assert [r["status_code"] for r in network] == ["missed", "on_track", "on_track"]  # 3 ≥ 20 × 46/365 = 2.5
    assert network[1]["achieved"] == Decimal("0.15")
    capability = rows[("new_capability_assessed_enterprises_per_year", "2022年")]
    assert capability["ledger_actual"] == 1 and capability["status_code"] == "behind"  # 1 < 200 × 46/365
    assert rows[("dual_gigabit_coverage", "2021—2023年")]["status_code"] == "qualitative"
    assert rows[("iiot_trainees", "2021—2023年")]["status_code"] == "not_reported"
    later = {(r["id"], r["period"]): r for r in run("programme_dashboard", today=dt.date(2022, 12, 1)).data.rows}
    assert later[("network_upgrade_exemplars_per_year", "2022年")]["status_code"] == "behind"  # 3 < 20 × 335/365

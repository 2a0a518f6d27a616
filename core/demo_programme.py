"""The sample programme `huiqi demo` runs end to end on an embedded database of its own.

Generated enterprises are imported, applications opened and moved by the roles the workflow
names, a public notice runs out with ``tick``, the budget of one measure runs out first come,
first served, payouts are made, the ledger and the audit trail are checked, and the bureau's
reports and the documentation site are written next to the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections import Counter
from pathlib import Path
from typing import Sequence

import attrs
import click

from huiqi.cli.context import AppContext
from huiqi.config import Config
from huiqi.errors import HuiqiError, LedgerError, WorkflowError
from huiqi.ledger import check, fund, open_account, verify_events
from huiqi.ledger.db import transaction
from huiqi.money import yuan_grouped
from huiqi.workdays import add_working_days
from huiqi.workflow.actors import parse_actor
from huiqi.workflow.engine import act
from huiqi.workflow.service import open_application, run_payouts, tick

PLUGIN = "anhui_iiot_grants"
ROUND = 2022
SCARCE_MEASURE = "equipment_upgrade"  # funded below demand: approvals stop when it runs out
SCARCE_SHARE = 0.4
MAX_APPLICATIONS = 160
REPORTS = ("applications_by_state", "budget_by_account", "award_schedule", "payout_list", "programme_dashboard")
DEPLOYMENT_PARAMETERS = """\
# The demo deployment's own dated rows on top of the plugin's (huiqi.toml [parameters]).
parameters:
  public_notice_working_days:
    values:
      - {effective_from: 2022-01-01, value: 5, source: "demo deployment: 公示5个工作日 from 2022 (I-19)"}
  return_resubmit_working_days:
    values:
      - {effective_from: 2022-01-01, value: 10, source: "demo deployment: 10 working days to resubmit"}
"""


@attrs.define
class Outcome:
    """What happened, for the summary the demo prints."""

    states: Counter = attrs.field(factory=Counter)
    refused_for_budget: int = 0
    lapsed: int = 0
    paid: int = 0
    paid_fen: int = 0
    files: list[Path] = attrs.field(factory=list)


def run_programme(app: AppContext, population, applications, out: Path, *, docs: bool = True) -> Outcome:
    """Run the sample programme in ``out`` (replaced each time) and print where everything is."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    deployment = _deployment(app, out)
    outcome = Outcome()
    engine = deployment.ready_engine()
    _import_enterprises(deployment, population, out, outcome)
    chosen = [a for a in applications if a.case["as_of"].startswith(str(ROUND))][:MAX_APPLICATIONS]
    _fund_budgets(deployment, chosen)
    ids = _open_and_review(deployment, chosen)
    _approve_in_submission_order(deployment, ids, outcome)
    _finish(deployment, ids, outcome)
    with transaction(engine, read_only=True) as session:
        problems = check(session) + verify_events(session)
    if problems:
        raise HuiqiError("demo: the ledger or audit check found problems: " + "; ".join(problems[:5]))
    _write_reports(deployment, out, outcome)
    if docs:
        _write_docs(deployment, out, outcome)
    _print(outcome, out, engine)
    return outcome


def _deployment(app: AppContext, out: Path) -> AppContext:
    (out / "deployment-parameters.yaml").write_text(DEPLOYMENT_PARAMETERS, encoding="utf-8")
    config = Config(out / "huiqi.toml", enabled=None, disabled=list(app.config.disabled),
                    database_url=f"sqlite:///{out / 'huiqi-demo.db'}",
                    parameter_files={PLUGIN: out / "deployment-parameters.yaml"})
    config.save()
    deployment = AppContext(db_url=config.database_url)
    deployment.__dict__["config"] = config
    deployment.__dict__["manager"] = app.manager
    return deployment


def _import_enterprises(app: AppContext, population, out: Path, outcome: Outcome) -> None:
    from huiqi.entities import import_entities, read_file

    path = out / "enterprises.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "行政区划代码", "类型"])
        for enterprise in population:
            writer.writerow([enterprise.uscc, enterprise.name, enterprise.region_code, "enterprise"])
    with transaction(app.ready_engine()) as session:
        report = import_entities(session, read_file(path), actor="demo", role="province")
    outcome.files.append(path)
    click.echo(f"{path.name}: {report.summary()}")


def _fund_budgets(app: AppContext, chosen) -> None:
    demand: Counter = Counter()
    for application in chosen:
        demand[application.case["policy"].split(".", 1)[1]] += 1
    with transaction(app.ready_engine()) as session:
        open_account(session, code=f"{PLUGIN}/source", kind="source", plugin=PLUGIN)
        for measure, count in sorted(demand.items()):
            code = f"{PLUGIN}/{measure}/{ROUND}"
            share = SCARCE_SHARE if measure == SCARCE_MEASURE else 1.0
            amount = int(count * 5_000_000_00 * share) or 100
            open_account(session, code=code, kind="budget", plugin=PLUGIN, floor_fen=0)
            fund(session, source=f"{PLUGIN}/source", account=code, amount_fen=amount,
                 idempotency_key=f"demo-budget:{code}", plugin=PLUGIN, actor="demo", role="provincial_finance")


def _step(app: AppContext, app_id: int, action: str, actor: str, on: dt.date, **options):
    with transaction(app.ready_engine()) as session:
        return act(session, app_id=app_id, action_name=action, actor=parse_actor(actor),
                   workflows=app.workflows.by_name, registry=app.registry, calculator=app.calculator(),
                   today=on, note=options.pop("note", None), files=options.pop("files", ()), options=options)


def _open_and_review(app: AppContext, chosen) -> list[tuple[int, object]]:
    """Open, submit, recommend (the applicant's city), concur where the comms bureau must."""
    opened = []
    for n, application in enumerate(chosen):
        case, enterprise = application.case, application.enterprise
        day = dt.date.fromisoformat(case["as_of"])
        measure = case["policy"].split(".", 1)[1]
        with transaction(app.ready_engine()) as session:
            record = open_application(
                session, registry=app.registry, calculator=app.calculator(), workflows=app.workflows,
                policy=case["policy"], applicant_uscc=enterprise.uscc, region_code=enterprise.region_code,
                facts=case["facts"], on=day, actor=parse_actor(f"enterprise:{enterprise.uscc}"),
                project_code=f"DEMO-{measure}-{n:04d}")
            app_id, eligible = record.id, record.eligible
        if eligible is False or not enterprise.region_code.startswith("34"):
            continue  # the calculator already said no: the enterprise does not submit
        try:
            _step(app, app_id, "submit", f"enterprise:{enterprise.uscc}", add_working_days(day, 1))
            _step(app, app_id, "city_recommend", f"city_bureau:{enterprise.region_code[:4]}00",
                  add_working_days(day, 4))
            if measure in ("identifier_node", "security_classification"):
                _step(app, app_id, "comms_concur", "provincial_comms", add_working_days(day, 6))
        except WorkflowError:
            continue
        opened.append((app_id, application))
    return opened


def _approve_in_submission_order(app: AppContext, ids, outcome: Outcome) -> None:
    """The province approves in the order applications were submitted (their commit order)."""
    for n, (app_id, application) in enumerate(ids):
        day = add_working_days(dt.date.fromisoformat(application.case["as_of"]), 8)
        if n % 25 == 3:  # a few go back to the applicant; most resubmit, some never do
            _step(app, app_id, "return", "provincial_bureau", day, note="请补充设备购置发票清单")
            if n % 50 != 3:
                _step(app, app_id, "resubmit", f"enterprise:{application.enterprise.uscc}",
                      add_working_days(day, 3))
                _step(app, app_id, "city_recommend", f"city_bureau:{application.enterprise.region_code[:4]}00",
                      add_working_days(day, 4))
            continue
        try:
            _step(app, app_id, "province_approve", "provincial_bureau", day)
        except LedgerError:
            outcome.refused_for_budget += 1
            _step(app, app_id, "reject", "provincial_bureau", day,
                  note="本轮预算已用完（先到先得）: the round's budget is exhausted")
        except WorkflowError:
            continue  # facts missing (undecided): it waits for the expert review


def _finish(app: AppContext, ids, outcome: Outcome) -> None:
    """The notice runs out, late returns lapse, finance confirms, payouts run."""
    end = dt.date(ROUND + 1, 3, 31)
    ticked = tick(app.ready_engine(), registry=app.registry, calculator=app.calculator(), workflows=app.workflows,
                  as_of=end)
    outcome.lapsed = sum(1 for t in ticked if t.to_state == "lapsed")
    for app_id, application in ids:
        try:
            _step(app, app_id, "finance_confirm", "provincial_finance", end)
        except WorkflowError:
            continue
    paid = run_payouts(app.ready_engine(), registry=app.registry, calculator=app.calculator(),
                       workflows=app.workflows, on=add_working_days(end, 5))
    outcome.paid = sum(1 for p in paid if p.paid)
    outcome.paid_fen = sum(p.amount_fen for p in paid if p.paid)
    from sqlalchemy import func, select

    from huiqi.workflow.models import Application

    with transaction(app.ready_engine(), read_only=True) as session:
        for state, count in session.execute(select(Application.state, func.count()).group_by(Application.state)):
            outcome.states[state] = count


def _write_reports(app: AppContext, out: Path, outcome: Outcome) -> None:
    from huiqi.cli.report import build
    from huiqi.reports import collect_reports

    reports = collect_reports(app.manager, app.registry)
    folder = out / "reports"
    folder.mkdir()
    for name in REPORTS:
        if name not in reports:
            continue
        for fmt in ("xlsx", "html"):
            path = folder / f"{name}.{fmt}"
            path.write_bytes(build(app, reports, name, fmt=fmt, on=f"{ROUND + 1}-06-30"))
            outcome.files.append(path)


def _write_docs(app: AppContext, out: Path, outcome: Outcome) -> None:
    from huiqi.docs import build_site

    site = build_site(app.registry, app.manager, out / "docs", as_of=dt.date(ROUND, 6, 30))
    outcome.files.append(site.html / "index.html" if site.html else out / "docs")


def _print(outcome: Outcome, out: Path, engine) -> None:
    click.echo("")
    click.echo(f"sample programme {ROUND} on {engine.url.render_as_string(hide_password=True)}:")
    click.echo("  applications by state: " + ", ".join(f"{s} {n}" for s, n in sorted(outcome.states.items())))
    click.echo(f"  refused when the {SCARCE_MEASURE} budget ran out (first come, first served): "
               f"{outcome.refused_for_budget}; lapsed after a return: {outcome.lapsed}")
    click.echo(f"  paid: {outcome.paid} payouts, {yuan_grouped(outcome.paid_fen)} yuan; "
               "ledger check clean; audit chain intact")
    click.echo("  written:")
    for path in outcome.files:
        click.echo(f"    {path}")


__all__: Sequence[str] = ("run_programme",)

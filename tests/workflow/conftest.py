"""A small deployment on a real database: the app context with its engine, and step helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from huiqi.cli.context import AppContext
from huiqi.ledger import fund, open_account
from huiqi.ledger.db import transaction
from huiqi.testing import fresh_config
from huiqi.uscc import make_uscc
from huiqi.workflow.actors import parse_actor
from huiqi.workflow.engine import act
from huiqi.workflow.service import open_application, run_payouts, tick

PLUGIN = "anhui_iiot_grants"


class Deployment:
    """Drives the workflow through the same service functions the CLI calls."""

    def __init__(self, engine, tmp_path):
        self.app = AppContext()
        self.app.__dict__["config"] = fresh_config(tmp_path)
        self.app.__dict__["engine"] = engine
        self.engine = engine
        self.calculator = self.app.calculator()

    def fund(self, measure: str, year: int, yuan: int) -> str:
        code = f"{PLUGIN}/{measure}/{year}"
        with transaction(self.engine) as session:
            open_account(session, code=f"{PLUGIN}/source", kind="source", plugin=PLUGIN)
            open_account(session, code=code, kind="budget", plugin=PLUGIN, floor_fen=0)
            fund(session, source=f"{PLUGIN}/source", account=code, amount_fen=yuan * 100,
                 idempotency_key=f"fund:{code}:{yuan}", plugin=PLUGIN)
        return code

    def apply(self, measure: str, uscc: str, facts: dict, on: dt.date, project: str | None = None,
              region: str = "340100", cost_items=()) -> int:
        with transaction(self.engine) as session:
            application = open_application(
                session, registry=self.app.registry, calculator=self.calculator, workflows=self.app.workflows,
                policy=f"{PLUGIN}.{measure}", applicant_uscc=uscc, region_code=region, facts=facts, on=on,
                actor=parse_actor(f"enterprise:{uscc}"), project_code=project, cost_item_ids=cost_items)
            return application.id

    def act(self, app_id: int, action: str, actor: str, on: dt.date, note: str | None = None, files=(), **options):
        with transaction(self.engine) as session:
            application = act(session, app_id=app_id, action_name=action, actor=parse_actor(actor),
                              workflows=self.app.workflows.by_name, registry=self.app.registry,
                              calculator=self.calculator, today=on, note=note, files=files, options=options)
            return application.state

    def pay(self, on: dt.date):
        return run_payouts(self.engine, registry=self.app.registry, calculator=self.calculator,
                           workflows=self.app.workflows, on=on)

    def tick(self, on: dt.date):
        return tick(self.engine, registry=self.app.registry, calculator=self.calculator,
                    workflows=self.app.workflows, as_of=on)

    def state(self, app_id: int) -> str:
        from huiqi.workflow.models import Application

        with transaction(self.engine, read_only=True) as session:
            return session.get(Application, app_id).state


@pytest.fixture
def deployment(ledger_engine, tmp_path):
    return Deployment(ledger_engine, tmp_path)


@pytest.fixture
def uscc():
    return lambda n, region="340100": make_uscc(n, region)

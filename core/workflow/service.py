"""Workflow operations above single steps: open an application, tick the clock, run payouts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

import attrs
from sqlalchemy import select
from sqlalchemy.engine import Engine

from huiqi.calculator import Calculator
from huiqi.errors import InputError, LedgerError, PolicyError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import record_event
from huiqi.ledger.db import transaction
from huiqi.workflow.actors import Actor
from huiqi.workflow.engine import (StepContext, document_for, due_date, enter_state, finish_step, flag_application,
                                   lock_application, store_result)
from huiqi.workflow.models import Application
from huiqi.workflow.spec import Workflow

SYSTEM = Actor("system")


@attrs.frozen
class Workflows:
    """The workflows of the enabled plugins, by name and by policy id."""

    by_name: Mapping[str, Workflow]

    @classmethod
    def collect(cls, manager, registry) -> Workflows:
        enabled = {registry.plugin_of[d.name] for d in registry.enabled_documents()}
        found: dict[str, Workflow] = {}
        for name, plugin in manager.list_name_plugin():
            if name in enabled and hasattr(plugin, "huiqi_workflows"):
                for workflow in plugin.huiqi_workflows():
                    found[workflow.name] = workflow
        return cls(found)

    def for_policy(self, policy: str) -> Workflow:
        for workflow in self.by_name.values():
            if workflow.opens(policy):
                return workflow
        raise PolicyError(f"policy {policy} has no workflow: it can be evaluated but not applied for")

    def __getitem__(self, name: str) -> Workflow:
        return self.by_name[name]


def open_application(session, *, registry, calculator: Calculator, workflows: Workflows, policy: str,
                     applicant_uscc: str, region_code: str, facts: Mapping[str, Any], on: dt.date,
                     actor: Actor, project_code: str | None = None, cost_item_ids: Iterable[str] = (),
                     round_key: str | None = None) -> Application:
    """A new application in its workflow's initial state, decided once by the calculator.

    A registration policy (``Workflow.registrations``) opens without a decision: it has no measure.
    """
    registration = next((w for w in workflows.by_name.values() if policy in w.registrations), None)
    if registration is not None:
        workflow = registration
        document = document_for(registry, workflow, policy)
    else:
        document, measure = registry.resolve(policy)
        policy = f"{document.name}.{measure.id}"
        workflow = workflows.for_policy(policy)
    if not isinstance(facts, dict):
        raise InputError("--facts", facts, "a JSON object of fact names to values")
    now = utc_now()
    app = Application(
        policy=policy, plugin=document.name, workflow=workflow.name,
        applicant_uscc=applicant_uscc, region_code=region_code, state=workflow.initial,
        entered_state_on=on, entered_state_at=now, as_of=on, round_key=round_key or str(on.year),
        facts=dict(facts), result={}, eligible=None, award_fen=0, project_code=project_code,
        cost_item_ids=sorted(set(cost_item_ids)), data={}, submitted_seq=None, submitted_at=None,
        version=0, created_at=now,
    )
    session.add(app)
    session.flush()
    ctx = StepContext(session, app, workflow, document, calculator, actor, "apply", on)
    derived = dict(workflow.derive_facts(ctx)) if workflow.derive_facts else {}
    ignored = sorted(name for name in derived if name in facts and facts[name] != derived[name])
    app.ignored_facts = ignored  # not a column: what `huiqi apply` warns about
    if registration is None:
        ctx.reevaluate(derived)
    for effect in workflow.open_effects:
        effect(ctx)
    session.flush()
    record_event(session, actor=str(actor), role=actor.role, subject_kind="application", subject_id=str(app.id),
                 action="apply", from_state=None, to_state=app.state,
                 payload={"policy": app.policy, "eligible": app.eligible, "award": app.award_fen,
                          "project_code": project_code, "derived_facts": sorted(derived),
                          "ignored_facts": ignored})
    return app


@attrs.frozen
class TickOutcome:
    application_id: int
    timer: str
    from_state: str
    to_state: str
    due: dt.date


def tick(engine: Engine, *, registry, calculator: Calculator, workflows: Workflows, as_of: dt.date) -> list[TickOutcome]:
    """Every time-driven step whose deadline passed before ``as_of``, each in its own transaction.

    Exactly once: a step moves the application out of the timer's state, so a second tick
    (or a concurrent one, which waits on the row lock) finds nothing left to do.
    """
    outcomes: list[TickOutcome] = []
    for workflow in workflows.by_name.values():
        for timer in workflow.timers:
            with transaction(engine, read_only=True) as session:
                ids = session.execute(select(Application.id).where(
                    Application.workflow == workflow.name, Application.state == timer.state)
                    .order_by(Application.id)).scalars().all()
            for app_id in ids:
                outcome = _fire(engine, app_id, workflow, timer, registry, calculator, as_of)
                if outcome is not None:
                    outcomes.append(outcome)
    return outcomes


def _fire(engine, app_id, workflow, timer, registry, calculator, as_of) -> TickOutcome | None:
    with transaction(engine) as session:
        app = lock_application(session, app_id)
        if app.state != timer.state:
            return None
        document = document_for(registry, workflow, app.policy)
        ctx = StepContext(session, app, workflow, document, calculator, SYSTEM, timer.name, as_of)
        due = due_date(ctx, timer)
        if due is None or as_of <= due:
            return None
        if timer.flag is not None and not flag_application(ctx, timer.flag, {"due": due.isoformat()}):
            return None  # already flagged during this stay in the state
        for effect in timer.effects:
            effect(ctx)
        ctx.payload["due"] = due.isoformat()
        before = app.state
        finish_step(ctx, timer.target, timer.name)
        return TickOutcome(app.id, timer.name, before, app.state, due)


@attrs.frozen
class PayoutOutcome:
    application_id: int
    policy: str
    amount_fen: int
    paid: bool
    reason: str = ""


def run_payouts(engine: Engine, *, registry, calculator: Calculator, workflows: Workflows, on: dt.date,
                actor: Actor = SYSTEM, policy_prefix: str | None = None) -> list[PayoutOutcome]:
    """Pay every application that is due, each exactly once, in the workflow's order.

    Each payout is its own transaction (ledger posting, state change and event together), so a
    run killed at any point and started again pays the rest and never pays one twice.
    A workflow with ``payout_roles`` pays only what the actor's role and scope cover (and none
    of it for another role); with a ``payout_group`` (one fund per city…) the order and a
    shortfall's stop apply group by group.
    """
    outcomes: list[PayoutOutcome] = []
    for workflow in workflows.by_name.values():
        if workflow.payable is None or workflow.payout is None:
            continue
        if workflow.payout_roles and not any(r.name == actor.role for r in workflow.payout_roles):
            continue
        for ids in _due_by_group(engine, workflow, actor, policy_prefix):
            for position, app_id in enumerate(ids):
                outcome = _pay_one(engine, app_id, workflow, registry, calculator, on, actor)
                if outcome is None:
                    continue
                outcomes.append(outcome)
                if not outcome.paid and workflow.on_payout_shortfall == "stop":
                    if workflow.carry_over_unreached:
                        for later in ids[position + 1:]:
                            _note_shortfall(engine, later, workflow, registry, calculator, on,
                                            f"not reached: the run stopped at application {app_id} "
                                            f"for lack of funds")
                    break
    return outcomes


def _due_by_group(engine, workflow: Workflow, actor: Actor, policy_prefix: str | None) -> list[list[int]]:
    from huiqi.workflow.actors import check_actor

    with transaction(engine, read_only=True) as session:
        due = list(session.execute(select(Application).where(
            Application.workflow == workflow.name, Application.state == workflow.payable)).scalars())
    if policy_prefix:
        due = [a for a in due if a.policy.startswith(policy_prefix)]
    if workflow.payout_roles:
        due = [a for a in due if check_actor(actor, workflow.payout_roles, a) is None]
    order = workflow.payout_order or (lambda a: (a.submitted_seq or 0, a.id))
    group = workflow.payout_group or (lambda a: "")
    groups: dict[str, list] = {}
    for app in due:
        groups.setdefault(group(app), []).append(app)
    return [[a.id for a in sorted(groups[name], key=order)] for name in sorted(groups)]


def _pay_one(engine, app_id, workflow, registry, calculator, on, actor) -> PayoutOutcome | None:
    try:
        with transaction(engine) as session:
            app = lock_application(session, app_id)
            if app.state != workflow.payable:
                return None  # paid by an earlier (crashed) run or a concurrent one
            document = document_for(registry, workflow, app.policy)
            ctx = StepContext(session, app, workflow, document, calculator, actor, "payout", on)
            workflow.payout(ctx)
            paid_fen = int(ctx.payload.get("paid_fen", app.award_fen))  # a payout may add to the award (a bonus)
            finish_step(ctx, workflow.paid, "payout")
            return PayoutOutcome(app.id, app.policy, paid_fen, True)
    except LedgerError as refusal:
        _note_shortfall(engine, app_id, workflow, registry, calculator, on, str(refusal))
        return PayoutOutcome(app_id, "", 0, False, str(refusal))


def _note_shortfall(engine, app_id, workflow, registry, calculator, on, reason) -> None:
    """A payout the fund cannot cover stays payable, marked carried over (its own small step)."""
    with transaction(engine) as session:
        app = lock_application(session, app_id)
        if app.state != workflow.payable:
            return
        data = dict(app.data or {})
        if data.get("carried_over"):
            return
        data["carried_over"] = True
        app.data = data
        document = document_for(registry, workflow, app.policy)
        ctx = StepContext(session, app, workflow, document, calculator, SYSTEM, "carry_over", on)
        for effect in workflow.carry_over_effects:
            effect(ctx)
        ctx.payload["reason"] = reason
        finish_step(ctx, None, "carry_over")


__all__ = ["Workflows", "open_application", "tick", "run_payouts", "TickOutcome", "PayoutOutcome"]

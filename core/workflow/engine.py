"""The workflow engine: open an application, take one step, run the time-driven steps.

Every step is one database transaction: the application row is locked, the role, scope, state,
deadline and guards are checked, the plugin's ledger effects run, the state changes and the
audit event is appended — all of it commits or none of it does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, Mapping, Sequence

import attrs
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from huiqi.calculator import Calculator
from huiqi.document import Document
from huiqi.errors import InputError, WorkflowError
from huiqi.ledger import ledger as ledger_ops
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import record_event
from huiqi.ledger.db import is_postgres
from huiqi.rules.explain import Result
from huiqi.workflow.actors import Actor, check_actor
from huiqi.workflow.models import Application, Counter
from huiqi.workflow.spec import Action, Timer, Workflow

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def today_in_shanghai() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


@attrs.define
class StepContext:
    """What a guard or an effect sees: the locked application and helpers for the ledger."""

    session: Session
    application: Application
    workflow: Workflow
    document: Document
    calculator: Calculator
    actor: Actor
    action: str
    today: dt.date
    note: str | None = None
    files: tuple[str, ...] = ()
    options: Mapping[str, Any] = attrs.field(factory=dict)
    payload: dict[str, Any] = attrs.field(factory=dict)  # extra audit details an effect records
    warnings: list[str] = attrs.field(factory=list)

    @property
    def params(self) -> Mapping[str, Any]:
        return self.document.parameters.at(self.application.as_of)

    def reevaluate(self, overrides: Mapping[str, Any] | None = None) -> Result:
        """Re-run the calculator on the application's facts (plus overrides) and store the result."""
        app = self.application
        facts = dict(app.facts) | dict(overrides or {})
        result = self.calculator.evaluate({"policy": app.policy, "as_of": app.as_of.isoformat(), "facts": facts})
        app.facts = facts
        store_result(app, result)
        return result

    def key(self, suffix: str) -> str:
        """An idempotency key naming this application and the ledger work of this step."""
        return f"{self.application.policy}:{self.application.id}:{suffix}"

    def reserve(self, debit: str, credit: str, amount_fen: int, suffix: str = "reserve"):
        return ledger_ops.reserve(self.session, debit=debit, credit=credit, amount_fen=amount_fen,
                                  idempotency_key=self.key(suffix), plugin=self.document.name,
                                  application_id=str(self.application.id), step=self.action,
                                  actor=str(self.actor), role=self.actor.role)

    def post(self, pending_key_suffix: str = "reserve", suffix: str = "post", amount_fen: int | None = None):
        return ledger_ops.post(self.session, self.key(pending_key_suffix), idempotency_key=self.key(suffix),
                               amount_fen=amount_fen, application_id=str(self.application.id), step=self.action,
                               actor=str(self.actor), role=self.actor.role)

    def void(self, pending_key_suffix: str = "reserve", suffix: str = "void"):
        return ledger_ops.void(self.session, self.key(pending_key_suffix), idempotency_key=self.key(suffix),
                               application_id=str(self.application.id), step=self.action,
                               actor=str(self.actor), role=self.actor.role)


def store_result(app: Application, result: Result) -> None:
    app.result = result.to_json()
    app.eligible = result.eligible
    app.award_fen = result.award_fen


def next_counter(session: Session, name: str) -> int:
    """Increment a named counter under its row lock: the values come out in commit order."""
    # The first use creates the row; two first uses at once must not both insert it.
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    session.execute(insert(Counter).values(name=name, value=0).on_conflict_do_nothing())
    row = session.execute(select(Counter).where(Counter.name == name).with_for_update()).scalar_one()
    row.value += 1
    session.flush()
    return row.value


def lock_application(session: Session, app_id: int) -> Application:
    query = select(Application).where(Application.id == app_id)
    if is_postgres(session):
        query = query.with_for_update()
    app = session.execute(query).scalar_one_or_none()
    if app is None:
        raise InputError("APP_ID", app_id, "the id of an application on record", reason=f"no application {app_id}")
    return app


def enter_state(app: Application, state: str, on: dt.date) -> None:
    app.state = state
    app.entered_state_on = on
    app.entered_state_at = utc_now()


def document_for(registry, workflow: Workflow, policy: str) -> Document:
    """The enabled document an application belongs to; a registration policy has no measure."""
    if policy in workflow.registrations:
        from huiqi.errors import PolicyError

        name = policy.partition(".")[0]
        document = registry.document(name)
        if document is None:
            raise InputError("policy", policy, "a policy of an installed plugin", reason=f"unknown policy {policy!r}")
        if not registry.is_enabled(document):
            raise PolicyError(f"policy {policy} belongs to plugin {name}, which this deployment disables "
                              f"({registry.config.path}); enable it with `huiqi plugins enable {name}`")
        return document
    return registry.resolve(policy)[0]


def act(session: Session, *, app_id: int, action_name: str, actor: Actor, workflows: Mapping[str, Workflow],
        registry, calculator: Calculator, today: dt.date, note: str | None = None,
        files: Sequence[str] = (), options: Mapping[str, Any] | None = None) -> Application:
    """Take one step; a refusal raises WorkflowError saying why and changes nothing."""
    app = lock_application(session, app_id)
    workflow = workflows[app.workflow]
    action = workflow.action(action_name)
    if action is None:
        possible = ", ".join(a.name for a in workflow.actions_from(app.state)) or "none"
        raise WorkflowError(f"application {app.id}: unknown action {action_name!r} for {app.policy}; "
                            f"from state {app.state} the possible actions are: {possible}")
    document = document_for(registry, workflow, app.policy)
    ctx = StepContext(session, app, workflow, document, calculator, actor, action.name, today, note,
                      tuple(files), dict(options or {}))
    _check_may_act(ctx, action)
    if action.reevaluate:
        _refresh(ctx)
    for guard in action.guards:
        reason = guard(ctx)
        if reason:
            raise WorkflowError(f"application {app.id}: {action.name} refused: {reason}")
    target = action.target(ctx) if callable(action.target) else action.target
    for effect in action.effects:
        effect(ctx)
    return finish_step(ctx, target, action.name)


def prepare_step(session: Session, *, app_id: int, action_name: str, actor: Actor,
                 workflows: Mapping[str, Workflow], registry, calculator: Calculator, today: dt.date,
                 options: Mapping[str, Any] | None = None) -> None:
    """Run the action's ``prepare`` work (opening ledger accounts) in the caller's transaction,
    which must be a transaction of its own, committed before the step's.

    Nothing is checked here but that the action exists and the application is in one of its
    source states: the step itself refuses, with its reason, whatever else is wrong; what a
    prepare did for a refused step (an account opened and left unused) is harmless.
    """
    app = session.get(Application, app_id)
    if app is None or app.workflow not in workflows:
        return
    workflow = workflows[app.workflow]
    action = workflow.action(action_name)
    if action is None or not action.prepare or app.state not in action.sources:
        return
    document = document_for(registry, workflow, app.policy)
    ctx = StepContext(session, app, workflow, document, calculator, actor, action.name, today,
                      options=dict(options or {}))
    for effect in action.prepare:
        effect(ctx)


def prepare(engine, attempts: int = 3, **arguments: Any) -> None:
    """``prepare_step`` in a transaction of its own, tried again when a concurrent prepare opened
    the same account first (its insert then fails and aborts the transaction; the retry finds it)."""
    from huiqi.errors import LedgerError
    from huiqi.ledger.db import transaction

    for attempt in range(attempts):
        try:
            with transaction(engine) as session:
                prepare_step(session, **arguments)
            return
        except LedgerError as error:
            if "opened by a concurrent request" not in str(error) or attempt == attempts - 1:
                raise


def act_batch(session: Session, *, app_ids: Sequence[int], action_name: str, actor: Actor,
              workflows: Mapping[str, Workflow], registry, calculator: Calculator, today: dt.date,
              note: str | None = None, files: Sequence[str] = (),
              options: Mapping[str, Any] | None = None) -> list[Application]:
    """The same step on several applications in one transaction: all of them or none.

    The applications are locked in id order (so two batches over overlapping sets cannot
    deadlock); the first refusal raises, naming the application, and nothing is kept. Each
    step's event carries ``batch`` (the ids of the whole batch) in its payload.
    """
    ids = sorted(set(app_ids))
    if not ids:
        raise WorkflowError(f"{action_name}: no applications given")
    done = []
    for app_id in ids:
        step_options = dict(options or {}) | {"batch": ids}
        done.append(act(session, app_id=app_id, action_name=action_name, actor=actor, workflows=workflows,
                        registry=registry, calculator=calculator, today=today, note=note, files=files,
                        options=step_options))
    return done


def _refresh(ctx: StepContext) -> None:
    """Facts the ledger knows better than the applicant (prior awards, counts) are recomputed first."""
    derive = ctx.workflow.derive_facts
    ctx.reevaluate(dict(derive(ctx)) if derive else {})


def _check_may_act(ctx: StepContext, action: Action) -> None:
    app = ctx.application
    if app.state not in action.sources:
        raise WorkflowError(f"application {app.id}: {action.name} refused: wrong state — the application is "
                            f"{app.state}; {action.name} needs {' or '.join(action.sources)}")
    reason = check_actor(ctx.actor, action.roles, app)
    if reason:
        raise WorkflowError(f"application {app.id}: {action.name} refused: {reason}")
    if action.note_required and not (ctx.note or "").strip():
        raise WorkflowError(f"application {app.id}: {action.name} refused: a --note is required (say why)")
    if action.file_required and not ctx.files:
        raise WorkflowError(f"application {app.id}: {action.name} refused: attach the materials with --file")
    if action.deadline is not None:
        due = action.deadline.due(app.entered_state_on, ctx.params)
        if due is not None and ctx.today > due:
            if action.deadline.on_late == "refuse":
                raise WorkflowError(f"application {app.id}: {action.name} refused: deadline passed — it was due "
                                    f"by {due} (entered {app.state} on {app.entered_state_on})")
            ctx.payload["late"] = {"due": due.isoformat(), "on": ctx.today.isoformat()}
            ctx.warnings.append(f"{action.name} is late: due by {due}")


def finish_step(ctx: StepContext, target: str | None, step: str) -> Application:
    """Change state (if any), bump the version and append the step's audit event."""
    app = ctx.application
    before = app.state
    if target is not None and target != before:
        enter_state(app, target, ctx.today)
    version = app.version
    app.version = version + 1
    ctx.session.flush()
    moved = ctx.session.execute(
        update(Application).where(Application.id == app.id, Application.version == version + 1)
        .values(version=version + 1).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:  # another writer changed it since we read it (cannot happen under the lock)
        raise WorkflowError(f"application {app.id} changed while {step} ran; try again")
    payload = dict(ctx.payload)
    if ctx.options:
        payload["options"] = dict(ctx.options)
    if ctx.warnings:
        payload["warnings"] = list(ctx.warnings)
    payload["award"] = app.award_fen
    payload["on"] = ctx.today.isoformat()  # the step's business day (--on), beside the recording time
    record_event(ctx.session, actor=str(ctx.actor), role=ctx.actor.role, subject_kind="application",
                 subject_id=str(app.id), action=step, from_state=before, to_state=app.state, note=ctx.note,
                 payload=payload, file_digests=ctx.files)
    return app


def flag_application(ctx: StepContext, flag: str, details: Mapping[str, Any] | None = None) -> bool:
    """Set ``flag`` on the application for its current stay in its state; False when already set."""
    app = ctx.application
    data = dict(app.data or {})
    flags = dict(data.get("flags") or {})
    stay = f"{app.state}@{app.entered_state_at.astimezone(dt.timezone.utc).isoformat()}"
    seen = list(flags.get(flag) or [])
    if any(entry.get("stay") == stay for entry in seen):
        return False
    seen.append({"stay": stay, "state": app.state, "on": ctx.today.isoformat(), **dict(details or {})})
    flags[flag] = seen
    data["flags"] = flags
    app.data = data
    return True


def due_date(ctx: StepContext, timer: Timer) -> dt.date | None:
    if timer.due is not None:
        return timer.due(ctx)
    if timer.deadline is not None:
        return timer.deadline.due(ctx.application.entered_state_on, ctx.params)
    return None

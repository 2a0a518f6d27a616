"""The sample deployment behind the report samples: a fresh SQLite file, never the deployment's database.

One generated enterprise per eligible case of the plugin's ``cases/``; each applies with the case's
facts and is walked through its workflow towards payment by the roles the workflow names (the
shortest way through the declared states), budgets funded under the usual account names
``<plugin>/<measure>/<round>``; then ``payout run``. A step a plugin refuses (a guard it needs
more for) leaves that application where it is: the sample shows what could be done generically.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from pathlib import Path

from huiqi.errors import HuiqiError
from huiqi.ledger.db import transaction
from huiqi.workflow.actors import parse_actor
from huiqi.workflow.engine import act
from huiqi.workflow.models import Application
from huiqi.workflow.spec import Role, Workflow

SAMPLE_BUDGET_FEN = 10**12  # 10 billion yuan: the sample never runs out


def distances(workflow: Workflow, goal: str) -> dict[str, int]:
    """Steps from each state to ``goal`` over the declared actions (possible targets of target functions)."""
    from huiqi.docs.diagram import possible_targets

    edges: dict[str, set[str]] = {}
    for action in workflow.actions:
        targets = ((action.target,) if isinstance(action.target, str) else
                   possible_targets(action.target, workflow.states) if action.target else ())
        for source in action.sources:
            edges.setdefault(source, set()).update(targets)
    far = {goal: 0}
    queue = deque([goal])
    while queue:
        state = queue.popleft()
        for source, targets in edges.items():
            if state in targets and source not in far:
                far[source] = far[state] + 1
                queue.append(source)
    return far


def actor_for(role: Role, uscc: str, region: str) -> str | None:
    """A named actor of the role for this applicant, or None when the scope needs data the sample lacks."""
    from huiqi.regions import city_of

    scope = {None: None, "applicant": uscc, "applicant_city": city_of(region), "any": "sample"}
    if role.scope not in scope:
        return None
    return role.name if scope[role.scope] is None else f"{role.name}:{scope[role.scope]}"


def build_sample(folder: Path, manager, registry, view, cases) -> tuple:
    """The migrated sample database with the cases applied and walked.

    :returns: (engine, application ids, the sample's day: payouts and reports are as of it).
    """
    from huiqi.calculator import Calculator
    from huiqi.ledger.db import make_engine
    from huiqi.ledger.migrate import upgrade_to_head
    from huiqi.workflow.service import Workflows

    engine = make_engine(f"sqlite:///{folder / 'sample.db'}")
    upgrade_to_head(engine)
    workflows = Workflows.collect(manager, registry)
    calculator = Calculator(registry)
    ids = [_apply(engine, registry, calculator, workflows, view, number, case)
           for number, case in enumerate(cases, start=1)]
    for app_id in ids:
        _walk(engine, registry, calculator, workflows, app_id)
    day = max([view.as_of] + [dt.date.fromisoformat(str(case.input["as_of"])) for case in cases])
    if ids:
        _pay(engine, registry, calculator, workflows, view, day)
    return engine, ids, day


def _apply(engine, registry, calculator, workflows, view, number: int, case) -> int:
    from huiqi.entities import add_entity
    from huiqi.ledger import fund, open_account
    from huiqi.uscc import make_uscc
    from huiqi.workflow.service import open_application

    facts = dict(case.input.get("facts", {}))
    region = str(facts.get("region_code") or view.document.jurisdiction)
    uscc = make_uscc(number, region)
    on = dt.date.fromisoformat(str(case.input["as_of"]))
    plugin, measure = case.policy.split(".", 1)
    budget = f"{plugin}/{measure}/{on.year}"
    with transaction(engine) as session:
        open_account(session, code=f"{plugin}/source", kind="source", plugin=plugin)
        open_account(session, code=budget, kind="budget", plugin=plugin, floor_fen=0)
        fund(session, source=f"{plugin}/source", account=budget, amount_fen=SAMPLE_BUDGET_FEN,
             idempotency_key=f"sample:{budget}", plugin=plugin)
        add_entity(session, uscc=uscc, name=f"示例企业{number:03d}有限公司", kind="enterprise", region_code=region,
                   recorded_on=on)
        application = open_application(
            session, registry=registry, calculator=calculator, workflows=workflows, policy=case.policy,
            applicant_uscc=uscc, region_code=region, facts=facts, on=on, actor=parse_actor(f"enterprise:{uscc}"),
            project_code=f"SAMPLE-{number:03d}")
        return application.id


def _walk(engine, registry, calculator, workflows, app_id: int, limit: int = 12) -> None:
    """Take the step nearest to payment that the workflow allows, until payable or stuck."""
    for _ in range(limit):
        with transaction(engine, read_only=True) as session:
            app = session.get(Application, app_id)
            state, workflow_name = app.state, app.workflow
            actors = (app.applicant_uscc, app.region_code)
            on = app.entered_state_on
        workflow = workflows.by_name[workflow_name]
        far = distances(workflow, workflow.payable or workflow.final[0])
        if far.get(state, 1) == 0:
            return
        step = _Step(engine, registry, calculator, workflows, app_id, on)
        if not any(step.take(action, actors) for action in _nearer(workflow, far, state)):
            return


def _nearer(workflow: Workflow, far: dict[str, int], state: str) -> list:
    """The actions from ``state`` that lead closer to payment, nearest first (none needs a --file)."""
    def distance(action) -> int:
        return min((far.get(t, 99) for t in _targets(action, workflow)), default=99)

    return sorted((a for a in workflow.actions_from(state) if distance(a) < far.get(state, 99) and not a.file_required),
                  key=distance)


class _Step:
    def __init__(self, engine, registry, calculator, workflows, app_id: int, on: dt.date):
        self.engine, self.registry, self.calculator, self.workflows = engine, registry, calculator, workflows
        self.app_id, self.on = app_id, on

    def take(self, action, actors: tuple[str, str]) -> bool:
        """The action by the first of its roles that the workflow lets through; False when none does."""
        for role in action.roles:
            actor = actor_for(role, *actors)
            if actor is None:
                continue
            try:
                with transaction(self.engine) as session:
                    act(session, app_id=self.app_id, action_name=action.name, actor=parse_actor(actor),
                        workflows=self.workflows.by_name, registry=self.registry, calculator=self.calculator,
                        today=self.on, note="sample" if action.note_required else None)
                return True
            except HuiqiError:
                continue
        return False


def _targets(action, workflow: Workflow) -> tuple[str, ...]:
    from huiqi.docs.diagram import possible_targets

    if isinstance(action.target, str):
        return (action.target,)
    return possible_targets(action.target, workflow.states) if action.target else ()


def _pay(engine, registry, calculator, workflows, view, on: dt.date) -> None:
    from huiqi.workflow.service import run_payouts

    run_payouts(engine, registry=registry, calculator=calculator, workflows=workflows, on=on,
                actor=parse_actor("system"), policy_prefix=view.name + ".")

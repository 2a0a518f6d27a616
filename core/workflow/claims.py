"""Duplicate funding: one project, one award (unless the measures may stack); one cost item, one claim."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from huiqi.errors import WorkflowError
from huiqi.ledger.db import is_postgres
from huiqi.workflow.models import Application, CostItemClaim, Project, ProjectClaim


def claim_project(ctx, stack_group: str | None = None) -> None:
    """Record that this application funds its project; refuse when another live award forbids it.

    Claims in the same non-empty ``stack_group`` may share a project (e.g. a project's equipment
    grant and its loan interest subsidy, which pay for different costs); any other pair may not,
    across plugins. The project row is locked first so that concurrent claims serialise.
    """
    app = ctx.application
    if not app.project_code:
        return
    session = ctx.session
    _lock_project(session, app.project_code)
    others = session.execute(
        select(ProjectClaim).where(ProjectClaim.project_code == app.project_code, ProjectClaim.live.is_(True),
                                   ProjectClaim.application_id != app.id)
    ).scalars().all()
    for other in others:
        if stack_group is None or other.stack_group != stack_group:
            raise WorkflowError(
                f"application {app.id}: project {app.project_code} is already funded by application "
                f"{other.application_id} ({other.policy}); one project, one special fund "
                f"(the two measures do not stack)")
    mine = session.execute(select(ProjectClaim).where(ProjectClaim.application_id == app.id,
                                                      ProjectClaim.project_code == app.project_code)).scalar_one_or_none()
    if mine is None:
        session.add(ProjectClaim(project_code=app.project_code, application_id=app.id, policy=app.policy,
                                 stack_group=stack_group, live=True))
    else:
        mine.live = True
    session.flush()


def release_project(ctx) -> None:
    ctx.session.execute(update(ProjectClaim).where(ProjectClaim.application_id == ctx.application.id)
                        .values(live=False))


def _lock_project(session, code: str) -> None:
    if is_postgres(session):
        session.execute(postgresql.insert(Project).values(code=code).on_conflict_do_nothing())
        session.execute(select(Project).where(Project.code == code).with_for_update())
    else:  # SQLite writers already hold the database lock (BEGIN IMMEDIATE)
        session.execute(sqlite.insert(Project).values(code=code).on_conflict_do_nothing())


def claim_cost_items(ctx) -> None:
    """Each invoice or contract may be counted by one live application of the plugin (I-17)."""
    app = ctx.application
    for item in app.cost_item_ids or []:
        holder = ctx.session.execute(
            select(CostItemClaim.application_id).where(CostItemClaim.plugin == app.plugin,
                                                       CostItemClaim.item_id == item)).scalar_one_or_none()
        if holder == app.id:
            continue
        if holder is not None:
            raise WorkflowError(f"application {app.id}: cost item {item} is already counted by application {holder}")
        try:
            with ctx.session.begin_nested():
                ctx.session.execute(insert(CostItemClaim).values(plugin=app.plugin, item_id=item,
                                                                 application_id=app.id))
        except IntegrityError:
            raise WorkflowError(f"application {app.id}: cost item {item} was just counted by another application") from None


def release_cost_items(ctx) -> None:
    ctx.session.execute(delete(CostItemClaim).where(CostItemClaim.application_id == ctx.application.id))


def live_claims_of(session, project_code: str) -> list[Application]:
    ids = session.execute(select(ProjectClaim.application_id).where(
        ProjectClaim.project_code == project_code, ProjectClaim.live.is_(True))).scalars().all()
    return list(session.execute(select(Application).where(Application.id.in_(ids))).scalars())

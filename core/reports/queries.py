"""Reading what reports need: applications in scope, applicant names, measure titles, cities, step dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import column, select, table

from huiqi.ledger.models import events, transfers
from huiqi.regions import city_of, region_name
from huiqi.reports.cells import local_time
from huiqi.workflow.models import Application

# The entities table (migration 0002) as far as reports read it: a name for a USCC.
_entities = table("entities", column("uscc"), column("name"))
APPROVED_STATES = ("approved", "funds_confirmed", "paid")  # approved and not revoked


def applications(ctx, *, plugin: str | None = None, policies: Iterable[str] | None = None,
                 states: Iterable[str] | None = None, in_period: bool = True) -> list[Application]:
    """Applications the viewer may see (scope and --region), optionally of one plugin, some policies or states,
    whose as_of (submission day) lies in the --period; by id."""
    query = select(Application).order_by(Application.id)
    if plugin is not None:
        query = query.where(Application.plugin == plugin)
    if policies is not None:
        query = query.where(Application.policy.in_(list(policies)))
    if states is not None:
        query = query.where(Application.state.in_(list(states)))
    rows = ctx.session.execute(query).scalars().all()
    return [a for a in rows if ctx.sees(region_code=a.region_code, uscc=a.applicant_uscc,
                                        assigned=(a.data or {}).get("assigned", ()))
            and (not in_period or ctx.in_period(a.as_of))]


def entity_names(session, usccs: Iterable[str]) -> dict[str, str]:
    """Names on record by USCC (an applicant not on record has none)."""
    wanted = sorted({u for u in usccs if u})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for uscc, name in session.execute(select(_entities.c.uscc, _entities.c.name).where(_entities.c.uscc.in_(chunk))):
            names[uscc] = name
    return names


def measure_title(registry, policy: str) -> str:
    """The measure's Chinese title, or the policy id when the plugin is not installed."""
    name, _, measure_id = policy.partition(".")
    document = registry.document(name)
    measure = document.measure(measure_id) if document else None
    return measure.title if measure else policy


def city_label(region_code: str | None) -> str:
    """The city a region lies in, by name where shipped ('合肥市'), else its code."""
    if not region_code:
        return ""
    city = city_of(region_code)
    return region_name(city) or city


def step_days(session, app_ids: Iterable[int], actions: Iterable[str]) -> dict[tuple[int, str], dt.date]:
    """The (Shanghai) day each application last took each of these steps."""
    ids = [str(i) for i in app_ids]
    found: dict[tuple[int, str], dt.date] = {}
    if not ids:
        return found
    query = (select(events.c.subject_id, events.c.action, events.c.at)
             .where(events.c.subject_kind == "application", events.c.subject_id.in_(ids),
                    events.c.action.in_(list(actions))).order_by(events.c.seq))
    for subject_id, action, at in session.execute(query):
        found[(int(subject_id), action)] = local_time(at).date()
    return found


def payout_transfers(session, *, budget_codes: dict[int, str]) -> list[Any]:
    """Posted transfers out of budget accounts (money paid to an applicant), in commit order."""
    if not budget_codes:
        return []
    query = (select(transfers).where(transfers.c.state == "posted",
                                     transfers.c.debit_account_id.in_(list(budget_codes)))
             .order_by(transfers.c.seq))
    return list(session.execute(query))

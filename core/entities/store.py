"""Entity rows in the database: lookups by USCC, the facts in force, inserts with their audit events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from sqlalchemy import Row, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.entities.models import entities, entity_facts
from huiqi.entities.rows import Candidate
from huiqi.errors import InputError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import EventDraft, append_events, canonical_json, normalised_payload

CHUNK = 500  # USCCs per IN (...) list: well under every backend's parameter limit
SUBJECT_KIND = "entity"
ADD_ACTION, FACTS_ACTION = "add_entity", "record_facts"
COMPARED = ("name", "kind", "region_code", "founded_on")


@attrs.frozen
class Written:
    """What a write did: entities added, entities already on record, facts recorded or unchanged."""

    added: list[str]
    matched: list[str]
    recorded: dict[str, dict[str, Any]]  # uscc → facts written
    unchanged: dict[str, list[str]]      # uscc → fact names whose value in force was already this


def records_by_uscc(session: Session, usccs: Iterable[str]) -> dict[str, Row[Any]]:
    """The entities on record among ``usccs``, by USCC."""
    wanted = sorted(set(usccs))
    found: dict[str, Row[Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for row in session.execute(select(entities).where(entities.c.uscc.in_(chunk))):
            found[row.uscc] = row
    return found


def conflicts(candidate: Candidate, record: Row[Any]) -> list[InputError]:
    """How a row disagrees with the entity on record (a founding day left out is no disagreement)."""
    problems = []
    for field in COMPARED:
        wanted, on_record = getattr(candidate, field), getattr(record, field)
        if field == "founded_on" and wanted is None:
            continue
        if wanted != on_record:
            shown = on_record.isoformat() if isinstance(on_record, dt.date) else on_record
            given = wanted.isoformat() if isinstance(wanted, dt.date) else wanted
            problems.append(InputError(
                field, given, f"the {field} on record for {candidate.uscc}, {shown!r}",
                reason=f"{field} {given!r} differs from the record of {candidate.uscc} ({shown!r}); "
                       "an entity on record is not changed by an import"))
    return problems


def write(session: Session, candidates: Sequence[Candidate], records: dict[str, Row[Any]], *,
          actor: str, role: str) -> Written:
    """Insert the new entities and the changed facts of ``candidates``, with one audit event each,
    in the caller's transaction. ``records``: the candidates' entities already on record."""
    now = utc_now()
    new = [c for c in candidates if c.uscc not in records]
    ids = {uscc: row.id for uscc, row in records.items()}
    ids.update(_insert_entities(session, new, now))
    history = facts_by_entity(session, [records[c.uscc].id for c in candidates if c.uscc in records])
    written = Written([c.uscc for c in new], [c.uscc for c in candidates if c.uscc in records], {}, {})
    fact_rows: list[dict[str, Any]] = []
    drafts: list[EventDraft] = []
    for candidate in candidates:
        entity_id = ids[candidate.uscc]
        if candidate.uscc not in records:
            drafts.append(_draft(actor, role, candidate.uscc, ADD_ACTION, candidate.identity(), now))
        changed = {name: value for name, value in candidate.facts.items()
                   if not _same(value_on(history.get((entity_id, name), []), candidate.recorded_on), value)}
        unchanged = [name for name in candidate.facts if name not in changed]
        if unchanged:
            written.unchanged[candidate.uscc] = unchanged
        if not changed:
            continue
        written.recorded[candidate.uscc] = changed
        fact_rows.extend({"entity_id": entity_id, "name": name, "value": value,
                          "recorded_on": candidate.recorded_on, "source": candidate.source,
                          "recorded_at": now} for name, value in changed.items())
        payload = {"recorded_on": candidate.recorded_on.isoformat(), "source": candidate.source, "facts": changed}
        drafts.append(_draft(actor, role, candidate.uscc, FACTS_ACTION, payload, now))
    if fact_rows:
        session.execute(insert(entity_facts), fact_rows)
    append_events(session, drafts)  # last: the chain head is the last lock a writer takes
    return written


def _insert_entities(session: Session, new: Sequence[Candidate], now: dt.datetime) -> dict[str, int]:
    if not new:
        return {}
    rows = [{**c.identity(), "founded_on": c.founded_on, "created_at": now} for c in new]
    statement = insert(entities).returning(entities.c.id, entities.c.uscc)
    try:
        return {row.uscc: row.id for row in session.execute(statement, rows)}
    except IntegrityError as error:
        raise InputError("uscc", None, "a USCC not added by a concurrent request",
                         reason="another request added one of these USCCs at the same time; "
                                "nothing was written, run the command again") from error


def facts_by_entity(session: Session, entity_ids: Iterable[int]) -> dict[tuple[int, str], list[Row[Any]]]:
    """Every fact row of these entities, by (entity id, fact name), oldest first."""
    wanted = sorted(set(entity_ids))
    found: dict[tuple[int, str], list[Row[Any]]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        statement = (select(entity_facts).where(entity_facts.c.entity_id.in_(chunk))
                     .order_by(entity_facts.c.recorded_on, entity_facts.c.id))
        for row in session.execute(statement):
            found.setdefault((row.entity_id, row.name), []).append(row)
    return found


def value_on(history: Sequence[Row[Any]], day: dt.date) -> Any:
    """The value in force on ``day``: the latest recording not after it (None when there is none)."""
    value = None
    for row in history:  # oldest first; ties keep the row written last
        if row.recorded_on > day:
            break
        value = row.value
    return value


def _same(a: Any, b: Any) -> bool:
    return a is not None and canonical_json(a) == canonical_json(b)


def _draft(actor: str, role: str, uscc: str, action: str, payload: dict[str, Any], at: dt.datetime) -> EventDraft:
    to_state = "on_record" if action == ADD_ACTION else None
    return EventDraft(actor=actor, role=role, subject_kind=SUBJECT_KIND, subject_id=uscc,
                      action=action, to_state=to_state, payload=normalised_payload(payload), at=at)

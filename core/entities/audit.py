"""Entities against the audit log: every entity row and fact row must be what its event says.

The hash chain (``huiqi.ledger.chain.verify_events``) proves the events were not edited; this
check proves the entity tables were not edited behind the events' back. ``huiqi audit verify``
runs both.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.entities.models import entities, entity_facts
from huiqi.entities.store import ADD_ACTION, FACTS_ACTION, SUBJECT_KIND
from huiqi.ledger.chain import canonical_json
from huiqi.ledger.models import events

FactKey = tuple[str, str, str, str, str]  # uscc, name, canonical value, recorded_on, source


def check_entities(session: Session) -> list[str]:
    """Problems found: an entity or fact row without its event, one edited, one deleted."""
    said_entities, said_facts = _from_events(session)
    problems = _compare_entities(session, said_entities)
    stored_facts = Counter(_stored_facts(session))
    for key in sorted((stored_facts - said_facts).keys()):
        problems.append(f"entity {key[0]}: fact {key[1]}={key[2]} recorded on {key[3]} has no "
                        "record_facts event; the row was added or edited outside huiqi")
    for key in sorted((said_facts - stored_facts).keys()):
        problems.append(f"entity {key[0]}: fact {key[1]}={key[2]} recorded on {key[3]} is in the audit "
                        "log but not in entity_facts; the row was deleted or edited")
    return problems


def _from_events(session: Session) -> tuple[dict[str, dict[str, Any]], Counter[FactKey]]:
    said_entities: dict[str, dict[str, Any]] = {}
    said_facts: Counter[FactKey] = Counter()
    rows = session.execute(
        select(events.c.subject_id, events.c.action, events.c.payload)
        .where(events.c.subject_kind == SUBJECT_KIND).order_by(events.c.seq)
    )
    for uscc, action, payload in rows:
        if action == ADD_ACTION:
            said_entities[uscc] = payload
        elif action == FACTS_ACTION:
            for name, value in payload["facts"].items():
                said_facts[(uscc, name, canonical_json(value), payload["recorded_on"], payload["source"])] += 1
    return said_entities, said_facts


def _compare_entities(session: Session, said: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    seen = set()
    for row in session.execute(select(entities).order_by(entities.c.uscc)):
        seen.add(row.uscc)
        expected = said.get(row.uscc)
        if expected is None:
            problems.append(f"entity {row.uscc}: no add_entity event; the row was added outside huiqi")
            continue
        stored = {"uscc": row.uscc, "name": row.name, "kind": row.kind, "region_code": row.region_code,
                  "founded_on": row.founded_on.isoformat() if row.founded_on else None}
        changed = sorted(field for field in stored if stored[field] != expected.get(field))
        if changed:
            verb = "differs" if len(changed) == 1 else "differ"
            problems.append(f"entity {row.uscc}: {', '.join(changed)} {verb} from its add_entity event; "
                            "the row was edited")
    for uscc in sorted(set(said) - seen):
        problems.append(f"entity {uscc}: in the audit log but not in entities; the row was deleted")
    return problems


def _stored_facts(session: Session) -> list[FactKey]:
    rows = session.execute(
        select(entities.c.uscc, entity_facts.c.name, entity_facts.c.value, entity_facts.c.recorded_on,
               entity_facts.c.source).join(entities, entities.c.id == entity_facts.c.entity_id)
    )
    return [(uscc, name, canonical_json(value), recorded_on.isoformat(), source)
            for uscc, name, value, recorded_on, source in rows]

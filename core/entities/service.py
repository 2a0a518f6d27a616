"""Adding one entity, recording facts about it, and reading it back with its fact history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.entities.models import entities, entity_facts
from huiqi.entities.readers import IDENTITY_COLUMNS, ROW_COLUMNS, SourceRow
from huiqi.entities.rows import SHANGHAI, Defaults, raise_problems, today, validate_row
from huiqi.entities.store import conflicts, records_by_uscc, write
from huiqi.errors import InputError
from huiqi.uscc import validate_uscc

ADD_SOURCE = "huiqi entity add"
RESERVED_FACT_NAMES = IDENTITY_COLUMNS + ROW_COLUMNS


@attrs.frozen
class Recorded:
    """What a call recorded: whether the entity is new, the facts written and those already in force."""

    uscc: str
    created: bool
    recorded: dict[str, Any]
    unchanged: tuple[str, ...]


@attrs.frozen
class FactRecord:
    """One recording of one fact."""

    name: str
    value: Any
    recorded_on: dt.date
    source: str
    recorded_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "recorded_on": self.recorded_on.isoformat(),
                "source": self.source, "recorded_at": self.recorded_at.astimezone(SHANGHAI).isoformat()}


@attrs.frozen
class EntityView:
    """An entity on record, its facts in force (``facts``) and every recording (``history``)."""

    uscc: str
    kind: str
    name: str
    region_code: str
    founded_on: dt.date | None
    created_at: dt.datetime
    facts: dict[str, FactRecord]
    history: list[FactRecord]

    def fact_values(self) -> dict[str, Any]:
        """The facts in force as a plain ``{name: value}`` (what ``huiqi screen`` feeds a case)."""
        return {name: record.value for name, record in self.facts.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc, "kind": self.kind, "name": self.name, "region_code": self.region_code,
            "founded_on": self.founded_on.isoformat() if self.founded_on else None,
            "created_at": self.created_at.astimezone(SHANGHAI).isoformat(),
            "facts": self.fact_values(),
            "history": [record.to_json() for record in self.history],
        }


def add_entity(
    session: Session, *, uscc: str, name: str, kind: str, region_code: str,
    founded_on: dt.date | str | None = None, facts: Mapping[str, Any] | None = None,
    recorded_on: dt.date | None = None, source: str = ADD_SOURCE, facts_as_text: bool = False,
    actor: str = "system", role: str = "system",
) -> Recorded:
    """Put an entity on record (with facts recorded on ``recorded_on``, default today), in the
    caller's transaction, with its audit events.

    Adding an entity already on record with the same name, kind, region and founding day only
    records the facts that changed; any difference is refused.

    :param facts_as_text: the fact values are command-line text, read as CSV cells are
        (see :mod:`huiqi.entities.values`).
    :raises InputError: naming every field that is wrong (one line each).
    """
    identity = {"uscc": uscc, "name": name, "kind": kind, "region_code": region_code, "founded_on": founded_on}
    candidate = _candidate(identity, facts or {}, recorded_on, source, facts_as_text)
    records = records_by_uscc(session, [candidate.uscc])
    record = records.get(candidate.uscc)
    if record is not None:
        raise_problems(conflicts(candidate, record))
    written = write(session, [candidate], records, actor=actor, role=role)
    return _recorded(candidate.uscc, written, created=record is None)


def record_facts(
    session: Session, uscc: str, facts: Mapping[str, Any], recorded_on: dt.date | None = None,
    source: str = ADD_SOURCE, *, facts_as_text: bool = False, actor: str = "system", role: str = "system",
) -> Recorded:
    """Record facts about an entity on record, as of ``recorded_on`` (default today), in the
    caller's transaction. A fact whose value in force on that day is already this value is not
    recorded again; nothing is ever overwritten.

    :raises InputError: for a USCC not on record or a fact that is wrong (one line each).
    """
    record = _record_of(session, uscc)
    identity = {field: getattr(record, field) for field in IDENTITY_COLUMNS}
    candidate = _candidate(identity, facts, recorded_on, source, facts_as_text)
    written = write(session, [candidate], {record.uscc: record}, actor=actor, role=role)
    return _recorded(record.uscc, written, created=False)


def get_entity(session: Session, uscc: str, *, as_of: dt.date | None = None) -> EntityView:
    """The entity with USCC ``uscc``: its facts in force on ``as_of`` (default: the latest
    recordings) and its whole fact history, oldest first.

    :raises InputError: when the USCC is malformed or not on record.
    """
    record = _record_of(session, uscc)
    rows = session.execute(
        select(entity_facts).where(entity_facts.c.entity_id == record.id)
        .order_by(entity_facts.c.recorded_on, entity_facts.c.id)
    ).all()
    history = [FactRecord(r.name, r.value, r.recorded_on, r.source, r.recorded_at) for r in rows]
    current: dict[str, FactRecord] = {}
    for fact in history:  # oldest first, so the last recording of a name wins
        if as_of is None or fact.recorded_on <= as_of:
            current[fact.name] = fact
    return EntityView(uscc=record.uscc, kind=record.kind, name=record.name, region_code=record.region_code,
                      founded_on=record.founded_on, created_at=record.created_at,
                      facts=dict(sorted(current.items())), history=history)


def _record_of(session: Session, uscc: str) -> Any:
    code = validate_uscc(uscc, "uscc")
    record = session.execute(select(entities).where(entities.c.uscc == code)).one_or_none()
    if record is None:
        raise InputError("uscc", code, "the USCC of an entity on record (huiqi entity add / import)",
                         reason=f"no entity with USCC {code} is on record")
    return record


def _candidate(identity: dict[str, Any], facts: Mapping[str, Any], recorded_on: dt.date | None,
               source: str, facts_as_text: bool) -> Any:
    reserved = [InputError(f"fact {name}", name, "a fact name that is not an entity field",
                           reason=f"{name} is an entity field, not a fact")
                for name in facts if name in RESERVED_FACT_NAMES]
    raise_problems(reserved)
    values = {**{k: v for k, v in identity.items() if v is not None}, **facts}
    defaults = Defaults(recorded_on=recorded_on or today(), source=source, cells_are_text=facts_as_text)
    candidate, problems = validate_row(SourceRow(1, values), defaults)
    raise_problems(problems)
    return candidate


def _recorded(uscc: str, written: Any, *, created: bool) -> Recorded:
    return Recorded(uscc=uscc, created=created, recorded=written.recorded.get(uscc, {}),
                    unchanged=tuple(written.unchanged.get(uscc, ())))

"""The append-only event log: canonical JSON, the sha256 hash chain, appending and verifying."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from huiqi.errors import LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.models import GENESIS_HASH, chain_head, events

VERIFY_BATCH_ROWS = 10_000


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_time(at: datetime) -> str:
    """An instant as hashed: UTC, ISO 8601, to the microsecond."""
    return at.astimezone(timezone.utc).isoformat(timespec="microseconds")


def chain_hash(prev_hash: str, seq: int, body: str) -> str:
    """The hash of event ``seq``; the PostgreSQL fast path computes the same in SQL."""
    return hashlib.sha256(f"{prev_hash}|{seq}|{body}".encode()).hexdigest()


@dataclass(frozen=True)
class EventDraft:
    """An event before it has its place in the chain (seq, prev_hash, hash)."""

    actor: str
    role: str
    subject_kind: str
    subject_id: str
    action: str
    from_state: str | None = None
    to_state: str | None = None
    note: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    file_digests: Sequence[str] = ()
    at: datetime = field(default_factory=utc_now)

    def body(self) -> str:
        """The canonical JSON that the hash covers (everything but seq and the hashes)."""
        return canonical_json({
            "at": canonical_time(self.at), "actor": self.actor, "role": self.role,
            "subject_kind": self.subject_kind, "subject_id": self.subject_id,
            "action": self.action, "from_state": self.from_state, "to_state": self.to_state,
            "note": self.note, "payload": self.payload, "file_digests": list(self.file_digests),
        })

    def row(self, seq: int, prev_hash: str) -> dict[str, Any]:
        """The ledger_events row of this draft at position ``seq``."""
        return {
            "seq": seq, "at": self.at, "actor": self.actor, "role": self.role,
            "subject_kind": self.subject_kind, "subject_id": self.subject_id,
            "action": self.action, "from_state": self.from_state, "to_state": self.to_state,
            "note": self.note, "payload": self.payload, "file_digests": list(self.file_digests),
            "prev_hash": prev_hash, "hash": chain_hash(prev_hash, seq, self.body()),
        }


def lock_head(session: Session) -> tuple[int, str]:
    """Lock the chain head until commit (always the last lock a writer takes): (seq, hash)."""
    row = session.execute(
        select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.id == 1).with_for_update()
    ).one_or_none()
    if row is None:
        raise LedgerError("the ledger is not initialised (no chain head): run `huiqi init`")
    return row.seq, row.hash


def append_events(session: Session, drafts: Sequence[EventDraft]) -> list[int]:
    """Append events in order, in the caller's transaction; returns their seq numbers."""
    if not drafts:
        return []
    seq, prev_hash = lock_head(session)
    rows = []
    for draft in drafts:
        seq += 1
        row = draft.row(seq, prev_hash)
        rows.append(row)
        prev_hash = row["hash"]
    session.execute(insert(events), rows)
    session.execute(
        update(chain_head).where(chain_head.c.id == 1)
        .values(seq=seq, hash=prev_hash, prev_hash=rows[-1]["prev_hash"])
    )
    return [row["seq"] for row in rows]


def record_event(
    session: Session, *, actor: str, role: str, subject_kind: str, subject_id: str, action: str,
    from_state: str | None = None, to_state: str | None = None, note: str | None = None,
    payload: dict[str, Any] | None = None, file_digests: Iterable[str] = (),
) -> int:
    """Append one audit event (a workflow step, say) in the caller's transaction; returns its seq.

    Do the step's ledger operations before this call: accounts are locked before the chain head.
    """
    draft = EventDraft(
        actor=actor, role=role, subject_kind=subject_kind, subject_id=str(subject_id),
        action=action, from_state=from_state, to_state=to_state, note=note,
        payload=normalised_payload(payload or {}), file_digests=tuple(file_digests),
    )
    return append_events(session, [draft])[0]


def normalised_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as it will read back from the database (tuples become lists, and so on)."""
    return json.loads(canonical_json(payload))


def verify_events(session: Session) -> list[str]:
    """Problems with the event chain: a gap, an edited row, a broken link, a deleted tail."""
    problems: list[str] = []
    expected_seq, prev_hash = 1, GENESIS_HASH
    result = session.execute(
        select(events).order_by(events.c.seq), execution_options={"yield_per": VERIFY_BATCH_ROWS}
    )
    for row in result:
        if row.seq != expected_seq:
            problems.append(f"event {expected_seq}: missing (next is {row.seq}); rows were deleted")
        if row.prev_hash != prev_hash:
            problems.append(f"event {row.seq}: prev_hash does not match the hash of the event before")
        if row.hash != chain_hash(row.prev_hash, row.seq, _stored_body(row)):
            problems.append(f"event {row.seq}: hash does not match its content; the row was edited")
        expected_seq, prev_hash = row.seq + 1, row.hash
    head_seq, head_hash = session.execute(select(chain_head.c.seq, chain_head.c.hash)).one()
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        problems.append(
            f"chain head says {head_seq} events ending in {head_hash[:12]}, the log has "
            f"{expected_seq - 1} ending in {prev_hash[:12]}; events were deleted or added outside the ledger"
        )
    return problems


def _stored_body(row: Any) -> str:
    draft = EventDraft(
        actor=row.actor, role=row.role, subject_kind=row.subject_kind, subject_id=row.subject_id,
        action=row.action, from_state=row.from_state, to_state=row.to_state, note=row.note,
        payload=row.payload, file_digests=tuple(row.file_digests), at=row.at,
    )
    return draft.body()

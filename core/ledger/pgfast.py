"""PostgreSQL hot path: one new transfer, its limit checks, its event and the chain head in ONE statement.

Locks are held from the first account lock to COMMIT; every extra round trip inside that
window lowers throughput on a contended budget (measured: 3 statements ≈ half the rate of 1).
So the work is one statement: lock the accounts in id order (FOR UPDATE after ORDER BY returns
the newest committed row versions), judge the limits on those rows, update the totals, advance
the chain head (hash computed in SQL, the same formula as huiqi.ledger.chain.chain_hash), insert
the transfer and the event. When a limit refuses, nothing is written and the transaction stays usable.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.errors import LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import canonical_json
from huiqi.ledger.legs import Leg, TransferRecord
from huiqi.ledger.limits import AccountState, refusal
from huiqi.ledger.models import accounts
from huiqi.ledger.postings import transfer_event
from huiqi.ledger.replay import load_by_keys, replay

ONE_TRANSFER_SQL = text("""
WITH locked AS MATERIALIZED (
    SELECT id, code, floor_fen, ceiling_fen,
           debits_pending, debits_posted, credits_pending, credits_posted
    FROM ledger_accounts WHERE code IN (:debit, :credit)
    ORDER BY id FOR UPDATE
), ok AS (
    SELECT d.id AS d_id, c.id AS c_id,
           d.credits_posted - d.debits_posted AS d_posted,
           d.credits_pending - d.debits_pending AS d_pending,
           c.credits_posted - c.debits_posted AS c_posted,
           c.credits_pending - c.debits_pending AS c_pending
    FROM locked AS d JOIN locked AS c ON d.code = :debit AND c.code = :credit
    WHERE (d.floor_fen IS NULL
           OR d.credits_posted - d.debits_posted - d.debits_pending - CAST(:amount AS bigint) >= d.floor_fen)
      AND (c.ceiling_fen IS NULL
           OR c.credits_posted + c.credits_pending - c.debits_posted + CAST(:amount AS bigint) <= c.ceiling_fen)
), moved AS (
    UPDATE ledger_accounts AS a SET
        debits_pending = a.debits_pending + CASE WHEN a.id = ok.d_id THEN CAST(:pend AS bigint) ELSE 0 END,
        debits_posted = a.debits_posted + CASE WHEN a.id = ok.d_id THEN CAST(:post AS bigint) ELSE 0 END,
        credits_pending = a.credits_pending + CASE WHEN a.id = ok.c_id THEN CAST(:pend AS bigint) ELSE 0 END,
        credits_posted = a.credits_posted + CASE WHEN a.id = ok.c_id THEN CAST(:post AS bigint) ELSE 0 END
    FROM ok WHERE a.id = ok.d_id OR a.id = ok.c_id
    RETURNING a.id
), head AS (
    UPDATE ledger_chain_head AS h SET
        seq = h.seq + 1,
        prev_hash = h.hash,
        hash = encode(sha256(convert_to(
            h.hash || '|' || CAST(h.seq + 1 AS text) || '|' || CAST(:body AS text), 'UTF8')), 'hex')
    FROM ok WHERE h.id = 1
    RETURNING h.seq, h.prev_hash, h.hash
), made AS (
    INSERT INTO ledger_transfers (
        seq, debit_account_id, credit_account_id, amount_fen, state, pending_id, idempotency_key,
        application_id, step, plugin, memo, expires_at, created_at,
        debit_posted_before, debit_posted_after, debit_pending_before, debit_pending_after,
        credit_posted_before, credit_posted_after, credit_pending_before, credit_pending_after)
    SELECT head.seq, ok.d_id, ok.c_id, CAST(:amount AS bigint), CAST(:state AS varchar), NULL,
           CAST(:key AS varchar), CAST(:application_id AS varchar), CAST(:step AS varchar),
           CAST(:plugin AS varchar), CAST(:memo AS text), CAST(:expires_at AS timestamptz),
           CAST(:created_at AS timestamptz),
           ok.d_posted, ok.d_posted - CAST(:post AS bigint), ok.d_pending, ok.d_pending - CAST(:pend AS bigint),
           ok.c_posted, ok.c_posted + CAST(:post AS bigint), ok.c_pending, ok.c_pending + CAST(:pend AS bigint)
    FROM ok, head
    RETURNING *
), logged AS (
    INSERT INTO ledger_events (
        seq, at, actor, role, subject_kind, subject_id, action, from_state, to_state, note,
        payload, file_digests, prev_hash, hash)
    SELECT head.seq, CAST(:created_at AS timestamptz), CAST(:actor AS varchar), CAST(:role AS varchar),
           'transfer', CAST(:key AS varchar), CAST(:action AS varchar), NULL, CAST(:state AS varchar),
           CAST(:memo AS text), CAST(:payload AS json), CAST('[]' AS json), head.prev_hash, head.hash
    FROM head
    RETURNING seq
)
SELECT made.*, (SELECT count(*) FROM moved) AS accounts_moved, (SELECT count(*) FROM logged) AS events_logged
FROM made
""")


def write_one(session: Session | Connection, leg: Leg, *, actor: str, role: str) -> TransferRecord:
    """Write one new transfer on PostgreSQL in a single statement; idempotent per key.

    On an autocommit connection the statement is its own transaction (the hot path: locks are
    released by the server as the statement ends, with no client round trip in between).
    """
    leg.validate()
    existing = load_by_keys(session, [leg.idempotency_key]).get(leg.idempotency_key)
    if existing is not None:
        return replay(session, leg, existing)
    now = utc_now()
    event = transfer_event(leg, actor=actor, role=role, at=now)
    pending, posted = (leg.amount_fen, 0) if leg.pending else (0, leg.amount_fen)
    params = {
        "debit": leg.debit, "credit": leg.credit, "amount": leg.amount_fen, "pend": pending,
        "post": posted, "state": leg.state, "key": leg.idempotency_key,
        "application_id": leg.application_id, "step": leg.step, "plugin": leg.plugin,
        "memo": leg.memo, "expires_at": leg.expires_at, "created_at": now, "actor": actor,
        "role": role, "action": leg.action, "payload": canonical_json(event.payload),
        "body": event.body(),
    }
    try:
        row = session.execute(ONE_TRANSFER_SQL, params).one_or_none()
    except IntegrityError as exc:
        if "idempotency_key" not in str(exc.orig):
            raise
        raise LedgerError(
            f"idempotency key {leg.idempotency_key!r} was committed by a concurrent request; "
            "retry to get that transfer back"
        ) from exc
    if row is None:
        raise explain_refusal(session, leg)
    if row.accounts_moved != 2 or row.events_logged != 1:  # a bug, never a user error
        raise RuntimeError(f"one-statement transfer wrote {row.accounts_moved} accounts, {row.events_logged} events")
    return TransferRecord.from_row(row, debit=leg.debit, credit=leg.credit)


def explain_refusal(session: Session | Connection, leg: Leg) -> LedgerError:
    """Explain a refusal from the accounts as they stand (as locked, inside a transaction)."""
    rows = session.execute(
        select(accounts.c.id, accounts.c.code, accounts.c.unit, accounts.c.floor_fen,
               accounts.c.ceiling_fen, accounts.c.debits_pending, accounts.c.debits_posted,
               accounts.c.credits_pending, accounts.c.credits_posted)
        .where(accounts.c.code.in_([leg.debit, leg.credit]))
    ).all()
    states: dict[str, Any] = {row.code: AccountState(**row._mapping) for row in rows}
    for code in (leg.debit, leg.credit):
        if code not in states:
            return LedgerError(f"no account {code!r}: open it first (huiqi ledger, open_account)")
    debit_room = states[leg.debit].room_above_floor()
    if debit_room is not None and debit_room < leg.amount_fen:
        return refusal(leg.debit, "available", debit_room, leg.amount_fen, states[leg.debit].unit)
    credit_room = states[leg.credit].room_below_ceiling()
    return refusal(leg.credit, "left under its ceiling", credit_room or 0, leg.amount_fen, states[leg.credit].unit)

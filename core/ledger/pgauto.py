"""PostgreSQL, one transfer as its own transaction: one autocommitted statement, no lock held by a client.

This is the path of ``reserve(engine, ...)``. Each account row is touched once, by a plain UPDATE
of its totals; the two UPDATEs run in account-id order (the second reads the first's RETURNING,
so it cannot run before it), then the chain head, then the transfer and its event are inserted.
Limits are the accounts' CHECK constraints: PostgreSQL evaluates them on the newest row version,
under the row lock, so a violation aborts the whole statement and nothing is written. A reused
idempotency key aborts it the same way (unique index), and only then is the earlier transfer
looked up, so a first attempt costs one round trip, the same as a raw conditional UPDATE.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from huiqi.errors import LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import canonical_json
from huiqi.ledger.legs import Leg, TransferRecord
from huiqi.ledger.models import accounts
from huiqi.ledger.pgfast import explain_refusal
from huiqi.ledger.postings import transfer_event
from huiqi.ledger.replay import load_by_keys, replay

# Account ids never change (accounts are never deleted), so each engine remembers them.
_ids_by_engine: weakref.WeakKeyDictionary[Engine, dict[str, int]] = weakref.WeakKeyDictionary()
LIMIT_CONSTRAINTS = ("ck_ledger_accounts_floor", "ck_ledger_accounts_ceiling")

_MOVE = """UPDATE ledger_accounts AS a SET
        debits_pending = a.debits_pending + %(DP)s, debits_posted = a.debits_posted + %(DPO)s,
        credits_pending = a.credits_pending + %(CP)s, credits_posted = a.credits_posted + %(CPO)s
    {source} WHERE a.id = %(ID)s
    RETURNING a.credits_posted - a.debits_posted AS posted, a.credits_pending - a.debits_pending AS pending"""

_REST = """, head AS (
    UPDATE ledger_chain_head AS h SET seq = h.seq + 1, prev_hash = h.hash,
        hash = encode(sha256(convert_to(
            h.hash || '|' || CAST(h.seq + 1 AS text) || '|' || CAST(%(body)s AS text), 'UTF8')), 'hex')
    FROM second WHERE h.id = 1
    RETURNING h.seq, h.prev_hash, h.hash
), made AS (
    INSERT INTO ledger_transfers (
        seq, debit_account_id, credit_account_id, amount_fen, state, pending_id, idempotency_key,
        application_id, step, plugin, memo, expires_at, created_at,
        debit_posted_before, debit_posted_after, debit_pending_before, debit_pending_after,
        credit_posted_before, credit_posted_after, credit_pending_before, credit_pending_after)
    SELECT head.seq, %(debit_id)s, %(credit_id)s, %(amount)s, %(state)s, NULL, %(key)s,
           %(application_id)s, %(step)s, %(plugin)s, %(memo)s, %(expires_at)s, %(created_at)s,
           d.posted + %(post)s, d.posted, d.pending + %(pend)s, d.pending,
           c.posted - %(post)s, c.posted, c.pending - %(pend)s, c.pending
    FROM head, {debit} AS d, {credit} AS c
    RETURNING *
), logged AS (
    INSERT INTO ledger_events (seq, at, actor, role, subject_kind, subject_id, action, from_state,
                               to_state, note, payload, file_digests, prev_hash, hash)
    SELECT head.seq, %(created_at)s, %(actor)s, %(role)s, 'transfer', %(key)s, %(action)s, NULL,
           %(state)s, %(memo)s, CAST(%(payload)s AS json), CAST('[]' AS json), head.prev_hash, head.hash
    FROM head
    RETURNING seq
)
SELECT made.*, (SELECT count(*) FROM logged) AS events_logged FROM made"""


def _statement(debit_first: bool) -> str:
    first_role, second_role = ("D", "C") if debit_first else ("C", "D")
    moves = [_MOVE.replace("%(", f"%({role}_") for role in (first_role, second_role)]
    first = moves[0].format(source="")
    second = moves[1].format(source="FROM first")
    debit, credit = ("first", "second") if debit_first else ("second", "first")
    return f"WITH first AS (\n    {first}\n), second AS (\n    {second}\n){_REST.format(debit=debit, credit=credit)}"


STATEMENTS = {True: _statement(True), False: _statement(False)}


def write_one_autocommit(engine: Engine, leg: Leg, *, actor: str, role: str) -> TransferRecord:
    """Write one new transfer as its own transaction; idempotent per key; refusals name the account."""
    leg.validate()
    debit_id, credit_id = _account_ids(engine, leg.debit, leg.credit)
    params = _params(leg, debit_id, credit_id, actor=actor, role=role)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        try:
            row = connection.exec_driver_sql(STATEMENTS[debit_id < credit_id], params).one_or_none()
        except IntegrityError as exc:
            return _after_abort(connection, leg, exc)
    if row is None or row.events_logged != 1:  # a bug, never a user error
        raise RuntimeError(f"one-statement transfer {leg.idempotency_key!r} wrote nothing")
    return TransferRecord.from_row(row, debit=leg.debit, credit=leg.credit)


def _params(leg: Leg, debit_id: int, credit_id: int, *, actor: str, role: str) -> dict[str, Any]:
    now = utc_now()
    event = transfer_event(leg, actor=actor, role=role, at=now)
    pending, posted = (leg.amount_fen, 0) if leg.pending else (0, leg.amount_fen)
    return {
        "D_ID": debit_id, "D_DP": pending, "D_DPO": posted, "D_CP": 0, "D_CPO": 0,
        "C_ID": credit_id, "C_DP": 0, "C_DPO": 0, "C_CP": pending, "C_CPO": posted,
        "debit_id": debit_id, "credit_id": credit_id, "amount": leg.amount_fen, "pend": pending,
        "post": posted, "state": leg.state, "key": leg.idempotency_key,
        "application_id": leg.application_id, "step": leg.step, "plugin": leg.plugin,
        "memo": leg.memo, "expires_at": leg.expires_at, "created_at": now, "actor": actor,
        "role": role, "action": leg.action, "payload": canonical_json(event.payload),
        "body": event.body(),
    }


def _after_abort(connection: Connection, leg: Leg, exc: IntegrityError) -> TransferRecord:
    """The statement was aborted whole: a limit refused, or the key was used before."""
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or ""
    if constraint not in LIMIT_CONSTRAINTS and "idempotency_key" not in constraint:
        raise exc
    # A retry may fail on a limit before it reaches the key's unique index: look for the key first.
    existing = load_by_keys(connection, [leg.idempotency_key]).get(leg.idempotency_key)
    if existing is not None:
        return replay(connection, leg, existing)
    if constraint in LIMIT_CONSTRAINTS:
        raise explain_refusal(connection, leg) from None
    raise exc


def _account_ids(engine: Engine, debit: str, credit: str) -> tuple[int, int]:
    known = _ids_by_engine.setdefault(engine, {})
    missing = [code for code in (debit, credit) if code not in known]
    if missing:
        with engine.connect() as connection:
            found = dict(connection.execute(select(accounts.c.code, accounts.c.id)
                                            .where(accounts.c.code.in_(missing))).all())
        for code in missing:
            if code not in found:
                raise LedgerError(f"no account {code!r}: open it first (huiqi ledger, open_account)")
        known.update(found)
    return known[debit], known[credit]

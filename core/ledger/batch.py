"""Bulk payouts: many posted transfers with their events in one transaction, by Core executemany."""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.errors import InputError, LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import canonical_time, lock_head
from huiqi.ledger.db import transaction
from huiqi.ledger.legs import check_amount, check_key
from huiqi.ledger.limits import AccountState, lock_accounts
from huiqi.ledger.models import accounts, chain_head, transfers
from huiqi.ledger.postings import TOTALS
from huiqi.ledger.replay import load_by_keys

CHUNK_ROWS = 50_000
TRANSFER_COLUMNS = (
    "seq", "debit_account_id", "credit_account_id", "amount_fen", "state", "idempotency_key",
    "application_id", "step", "plugin", "memo", "created_at",
    "debit_posted_before", "debit_posted_after", "debit_pending_before", "debit_pending_after",
    "credit_posted_before", "credit_posted_after", "credit_pending_before", "credit_pending_after",
)
EVENT_COLUMNS = ("seq", "at", "actor", "role", "subject_kind", "subject_id", "action", "to_state",
                 "note", "payload", "file_digests", "prev_hash", "hash")


@dataclass(frozen=True)
class PayoutRow:
    """One payout: a posted transfer, usually payable -> paid out."""

    debit: str
    credit: str
    amount_fen: int
    idempotency_key: str
    plugin: str
    application_id: str | None = None
    memo: str | None = None


@dataclass(frozen=True)
class BatchResult:
    transfers_written: int
    first_seq: int | None
    last_seq: int | None
    replayed: bool = False


def post_payouts_batch(engine: Engine, rows: Sequence[PayoutRow], *, step: str = "payout",
                       actor: str = "system", role: str = "system") -> BatchResult:
    """Post all payouts and their events in one transaction, or none.

    Idempotent as a whole: if any key was used before, the batch is rolled back and, when every
    key names the same payout already made, the earlier result is reported (``replayed``).
    """
    for row in rows:
        _validate(row)
    if not rows:
        return BatchResult(0, None, None)
    with transaction(engine, read_only=True) as session:
        # A retried batch is recognised before its limits are judged a second time.
        if load_by_keys(session, {rows[0].idempotency_key, rows[-1].idempotency_key}):
            return _replayed(session, rows)
    try:
        with transaction(engine) as session:
            return _write(session, rows, step=step, actor=actor, role=role)
    except IntegrityError as exc:
        if "idempotency_key" not in str(exc.orig):
            raise
    with transaction(engine, read_only=True) as session:
        return _replayed(session, rows)


def _validate(row: PayoutRow) -> None:
    check_amount(row.amount_fen)
    check_key(row.idempotency_key)
    if row.debit == row.credit:
        raise InputError("credit", row.credit, "an account other than the debit account")


def _write(session: Session, rows: Sequence[PayoutRow], *, step: str, actor: str, role: str) -> BatchResult:
    states = lock_accounts(session, {code for row in rows for code in (row.debit, row.credit)})
    seq, prev_hash = lock_head(session)
    first_seq = seq + 1
    connection = session.connection()
    transfer_sql = _insert_sql(connection, "ledger_transfers", TRANSFER_COLUMNS)
    event_sql = _insert_sql(connection, "ledger_events", EVENT_COLUMNS)
    now = utc_now()
    builder = _RowBuilder(states, actor=actor, role=role, step=step,
                          created_at=_bound_time(connection, now), at_text=canonical_time(now))
    for chunk in _chunks(rows, CHUNK_ROWS):
        transfer_rows, event_rows, seq, prev_hash = builder.build(chunk, seq, prev_hash)
        connection.exec_driver_sql(event_sql, event_rows)
        connection.exec_driver_sql(transfer_sql, transfer_rows)
    _save_totals(session, states)
    session.execute(update(chain_head).where(chain_head.c.id == 1)
                    .values(seq=seq, hash=prev_hash, prev_hash=builder.last_prev_hash))
    return BatchResult(len(rows), first_seq, seq)


class _RowBuilder:
    """Turns payouts into transfer and event tuples, judging limits and chaining hashes as it goes."""

    def __init__(self, states: dict[str, AccountState], *, actor: str, role: str, step: str,
                 created_at: Any, at_text: str):
        self.states, self.step, self.created_at = states, step, created_at
        self.actor, self.role = actor, role
        self.at_text = at_text
        self.last_prev_hash = ""
        # Everything in an event's canonical body before the note is the same for the whole batch.
        self.body_head = (f'{{"action":"payout","actor":{_text(actor)},"at":"{at_text}",'
                          f'"file_digests":[],"from_state":null,"note":')
        self.body_role = f',"role":{_text(role)},"subject_id":'
        self.payload_tails: dict[tuple[str, str, str], str] = {}

    def build(self, chunk: Sequence[PayoutRow], seq: int, prev_hash: str) -> tuple[list, list, int, str]:
        transfer_rows, event_rows = [], []
        for row in chunk:
            seq += 1
            debit, credit = self.states[row.debit], self.states[row.credit]
            before = (debit.posted, debit.pending, credit.posted, credit.pending)
            debit.debits_posted += row.amount_fen
            credit.credits_posted += row.amount_fen
            _require(debit, credit, row.amount_fen)
            payload = self._payload(row)
            body = f"{self.body_head}{_text(row.memo)},\"payload\":{payload}{self.body_role}" \
                   f"{_text(row.idempotency_key)},\"subject_kind\":\"transfer\",\"to_state\":\"posted\"}}"
            digest = hashlib.sha256(f"{prev_hash}|{seq}|{body}".encode()).hexdigest()
            transfer_rows.append((
                seq, debit.id, credit.id, row.amount_fen, "posted", row.idempotency_key,
                row.application_id, self.step, row.plugin, row.memo, self.created_at,
                before[0], debit.posted, before[1], before[1], before[2], credit.posted, before[3], before[3],
            ))
            event_rows.append((seq, self.created_at, self.actor, self.role, "transfer",
                               row.idempotency_key, "payout", "posted", row.memo, payload, "[]",
                               prev_hash, digest))
            self.last_prev_hash, prev_hash = prev_hash, digest
        return transfer_rows, event_rows, seq, prev_hash

    def _payload(self, row: PayoutRow) -> str:
        # The canonical JSON of huiqi.ledger.postings.transfer_event's payload, keys in sorted order.
        tail = self.payload_tails.get((row.credit, row.debit, row.plugin))
        if tail is None:
            tail = (f',"credit":{_text(row.credit)},"debit":{_text(row.debit)},"expires_at":null,'
                    f'"pending_id":null,"plugin":{_text(row.plugin)},"step":{_text(self.step)}}}')
            self.payload_tails[(row.credit, row.debit, row.plugin)] = tail
        return f'{{"amount_fen":{row.amount_fen},"application_id":{_text(row.application_id)}{tail}'



def _text(value: str | None) -> str:
    """A string as canonical JSON spells it (same as json.dumps(value, ensure_ascii=False))."""
    return "null" if value is None else encode_basestring(value)


def _require(debit: AccountState, credit: AccountState, amount: int) -> None:
    for account in (debit, credit):
        account.changed = True
        account.require_within_limits(amount)


def _bound_time(connection: Any, now: Any) -> Any:
    """The batch's timestamp as the driver receives it from the column's own type."""
    column_type = transfers.c.created_at.type.dialect_impl(connection.dialect)
    processor = column_type.bind_processor(connection.dialect)
    return processor(now) if processor else now


def _insert_sql(connection: Any, table: str, columns: Sequence[str]) -> str:
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    json_columns = {"payload", "file_digests"}
    values = ", ".join(
        f"CAST({marker} AS json)" if name in json_columns and connection.dialect.name == "postgresql" else marker
        for name in columns
    )
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"


def _save_totals(session: Session, states: dict[str, AccountState]) -> None:
    for state in states.values():
        if state.changed:
            session.execute(update(accounts).where(accounts.c.id == state.id)
                            .values({name: getattr(state, name) for name in TOTALS}))


def _chunks(rows: Sequence[PayoutRow], size: int) -> Iterator[Sequence[PayoutRow]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _replayed(session: Session, rows: Sequence[PayoutRow]) -> BatchResult:
    found: dict[str, Any] = {}
    for chunk in _chunks(rows, 5_000):
        found |= load_by_keys(session, [row.idempotency_key for row in chunk])
    for row in rows:
        stored = found.get(row.idempotency_key)
        if stored is None:
            raise LedgerError(f"payout batch mixes new keys with keys already used "
                              f"(e.g. {row.idempotency_key!r} is new); nothing was written")
        for name in ("debit", "credit", "amount_fen", "plugin", "application_id", "memo"):
            if getattr(row, name) != getattr(stored, name):
                raise LedgerError(f"idempotency key {row.idempotency_key!r} was used for a payout with "
                                  f"{name}={getattr(stored, name)!r}; this request has {name}={getattr(row, name)!r}")
    seqs = [found[row.idempotency_key].seq for row in rows]
    return BatchResult(len(rows), min(seqs), max(seqs), replayed=True)


__all__ = ["BatchResult", "PayoutRow", "post_payouts_batch"]

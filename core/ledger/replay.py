"""Finding transfers by key or id, and idempotent replays: same key, same fields, same transfer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huiqi.errors import LedgerError
from huiqi.ledger.legs import Instruction, Leg, Post, TransferRecord
from huiqi.ledger.models import PENDING, POSTED, VOIDED, accounts, transfers


def transfer_query() -> Select[Any]:
    """Transfers with the codes of their debit and credit accounts."""
    debit, credit = accounts.alias("debit_account"), accounts.alias("credit_account")
    return (
        select(transfers, debit.c.code.label("debit"), credit.c.code.label("credit"))
        .join(debit, debit.c.id == transfers.c.debit_account_id)
        .join(credit, credit.c.id == transfers.c.credit_account_id)
    )


def load_by_keys(session: Session, keys: Iterable[str]) -> dict[str, Any]:
    rows = session.execute(transfer_query().where(transfers.c.idempotency_key.in_(list(keys))))
    return {row.idempotency_key: row for row in rows}


def load_pending(session: Session, ref: int | str) -> Any:
    """The reservation named by id or idempotency key; refused when it is not a reservation."""
    condition = transfers.c.idempotency_key == ref if isinstance(ref, str) else transfers.c.id == ref
    row = session.execute(transfer_query().where(condition)).one_or_none()
    if row is None:
        raise LedgerError(f"no reservation {ref!r}")
    if row.state != PENDING:
        raise LedgerError(f"transfer {ref!r} is {row.state}, not a reservation; only a pending transfer can be posted or voided")
    return row


def replay(session: Session, instruction: Instruction, row: Any) -> TransferRecord:
    """The stored transfer when the request repeats it exactly; else an error naming the field."""
    for field, asked, stored in _compared_fields(session, instruction, row):
        if asked != stored:
            error = LedgerError(
                f"idempotency key {instruction.idempotency_key!r} was used for a transfer with "
                f"{field}={stored!r}; this request has {field}={asked!r}"
            )
            error.field = field  # type: ignore[attr-defined]
            raise error
    return TransferRecord.from_row(row, replayed=True)


def _compared_fields(session: Session, instruction: Instruction, row: Any) -> list[tuple[str, Any, Any]]:
    common = [(name, getattr(instruction, name), getattr(row, name)) for name in ("application_id", "step", "memo")]
    if isinstance(instruction, Leg):
        own = [("state", instruction.state, row.state), ("debit", instruction.debit, row.debit),
               ("credit", instruction.credit, row.credit),
               ("amount_fen", instruction.amount_fen, row.amount_fen),
               ("plugin", instruction.plugin, row.plugin),
               ("expires_at", instruction.expires_at, row.expires_at)]
        return own + common
    reservation = _reservation_of(session, instruction.pending)
    if isinstance(instruction, Post):
        state = POSTED
        amount = reservation.amount_fen if instruction.amount_fen is None else instruction.amount_fen
    else:
        state, amount = VOIDED, reservation.amount_fen
    own = [("state", state, row.state), ("pending", reservation.id, row.pending_id),
           ("amount_fen", amount, row.amount_fen)]
    return own + common


def _reservation_of(session: Session, ref: int | str) -> Any:
    condition = transfers.c.idempotency_key == ref if isinstance(ref, str) else transfers.c.id == ref
    row = session.execute(select(transfers.c.id, transfers.c.amount_fen).where(condition)).one_or_none()
    if row is None:
        raise LedgerError(f"no reservation {ref!r}")
    return row



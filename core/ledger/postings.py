"""The portable write path: lock accounts in id order, check limits, write transfers with their events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from huiqi.errors import InputError, LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import EventDraft, append_events
from huiqi.ledger.legs import Instruction, Leg, Post, TransferRecord, Void
from huiqi.ledger.limits import AccountState, lock_accounts
from huiqi.ledger.models import PENDING, POSTED, VOIDED, accounts, transfers
from huiqi.ledger.replay import load_by_keys, load_pending, replay, transfer_query

TOTALS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


@dataclass
class Plan:
    """One instruction made concrete: accounts, amount and the deltas it applies to their totals."""

    instruction: Instruction
    debit: str
    credit: str
    amount_fen: int
    state: str
    plugin: str
    pending_id: int | None = None
    expires_at: Any = None
    debit_id: int = 0
    credit_id: int = 0
    # (debits_pending, debits_posted) change of the debit account; credits_* of the credit account.
    debit_delta: tuple[int, int] = (0, 0)
    credit_delta: tuple[int, int] = (0, 0)


def write(session: Session, instructions: Sequence[Instruction], *, actor: str, role: str) -> list[TransferRecord]:
    """Carry out all instructions or none, in the caller's transaction; idempotent per key."""
    if not instructions:
        return []
    for instruction in instructions:
        instruction.validate()
    keys = [i.idempotency_key for i in instructions]
    if len(set(keys)) != len(keys):
        raise InputError("idempotency_key", keys, "a different key for every leg")
    existing = load_by_keys(session, keys)
    if existing:
        return _replay_all(session, instructions, existing)
    plans = [_plan(session, instruction) for instruction in instructions]
    states = lock_accounts(session, {code for p in plans for code in (p.debit, p.credit)})
    plans = _drop_resolved(session, plans)
    rows = [_apply(plan, states) for plan in plans]
    _save_totals(session, states.values())
    return _insert(session, plans, rows, actor=actor, role=role)


def _replay_all(session: Session, instructions: Sequence[Instruction], existing: dict[str, Any]) -> list[TransferRecord]:
    missing = [i.idempotency_key for i in instructions if i.idempotency_key not in existing]
    if missing:
        raise LedgerError(
            f"idempotency keys {sorted(existing)} were already used, but {missing} were not: "
            "a retry must repeat the whole multi-leg step with the same keys"
        )
    return [replay(session, i, existing[i.idempotency_key]) for i in instructions]


def _plan(session: Session, instruction: Instruction) -> Plan:
    if isinstance(instruction, Leg):
        amount = instruction.amount_fen
        pending, posted = (amount, 0) if instruction.pending else (0, amount)
        return Plan(instruction, instruction.debit, instruction.credit, amount, instruction.state,
                    instruction.plugin, expires_at=instruction.expires_at,
                    debit_delta=(pending, posted), credit_delta=(pending, posted))
    reservation = load_pending(session, instruction.pending)
    reserved = reservation.amount_fen
    if isinstance(instruction, Post):
        amount = reserved if instruction.amount_fen is None else instruction.amount_fen
        if amount > reserved:
            raise LedgerError(f"reservation {reservation.idempotency_key!r} holds {reserved} fen; "
                              f"cannot post {amount} fen")
        state, delta = POSTED, (-reserved, amount)
    else:
        amount, state, delta = reserved, VOIDED, (-reserved, 0)
    return Plan(instruction, reservation.debit, reservation.credit, amount, state,
                reservation.plugin, pending_id=reservation.id, debit_delta=delta, credit_delta=delta)


def _drop_resolved(session: Session, plans: list[Plan]) -> list[Plan]:
    """Refuse (or, for expiry, skip) reservations already posted or voided; judged under the locks."""
    pending_ids = [p.pending_id for p in plans if p.pending_id is not None]
    if len(set(pending_ids)) != len(pending_ids):
        raise LedgerError("one step cannot resolve the same reservation twice")
    if not pending_ids:
        return plans
    resolved = {
        row.pending_id: row for row in session.execute(
            select(transfers.c.pending_id, transfers.c.state, transfers.c.idempotency_key)
            .where(transfers.c.pending_id.in_(pending_ids))
        )
    }
    kept = []
    for plan in plans:
        done = resolved.get(plan.pending_id)
        if done is None:
            kept.append(plan)
        elif not (isinstance(plan.instruction, Void) and plan.instruction.if_unresolved):
            raise LedgerError(f"reservation {plan.instruction.pending!r} was already {done.state} "
                              f"(by {done.idempotency_key!r}); a reservation resolves once")
    return kept


def _apply(plan: Plan, states: dict[str, AccountState]) -> dict[str, int]:
    """Move the plan's amounts on the locked totals; refuse when a limit would break."""
    debit, credit = states[plan.debit], states[plan.credit]
    plan.debit_id, plan.credit_id = debit.id, credit.id
    row = {"debit_posted_before": debit.posted, "debit_pending_before": debit.pending,
           "credit_posted_before": credit.posted, "credit_pending_before": credit.pending}
    debit.move(debits=plan.debit_delta)
    credit.move(credits=plan.credit_delta)
    for account in (debit, credit):
        account.require_within_limits(plan.amount_fen)
    row |= {"debit_posted_after": debit.posted, "debit_pending_after": debit.pending,
            "credit_posted_after": credit.posted, "credit_pending_after": credit.pending}
    return row


def _save_totals(session: Session, states: Any) -> None:
    changed = [s.totals_row() for s in states if s.changed]
    if not changed:
        return
    statement = (
        update(accounts).where(accounts.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in TOTALS})
    )
    session.connection().execute(statement, changed)


def _insert(session: Session, plans: list[Plan], balance_rows: list[dict[str, int]],
            *, actor: str, role: str) -> list[TransferRecord]:
    if not plans:
        return []
    now = utc_now()
    drafts = [transfer_event(p, actor=actor, role=role, at=now) for p in plans]
    seqs = append_events(session, drafts)
    rows = [
        _transfer_row(plan, balances, seq, now)
        for plan, balances, seq in zip(plans, balance_rows, seqs, strict=True)
    ]
    ids = session.connection().execute(
        insert(transfers).returning(transfers.c.id, sort_by_parameter_order=True), rows
    ).scalars().all()
    found = session.execute(transfer_query().where(transfers.c.id.in_(ids)).order_by(transfers.c.seq))
    return [TransferRecord.from_row(row) for row in found]


def _transfer_row(plan: Plan, balances: dict[str, int], seq: int, now: Any) -> dict[str, Any]:
    instruction = plan.instruction
    return {
        "seq": seq, "debit_account_id": plan.debit_id, "credit_account_id": plan.credit_id,
        "amount_fen": plan.amount_fen, "state": plan.state, "pending_id": plan.pending_id,
        "idempotency_key": instruction.idempotency_key,
        "application_id": instruction.application_id, "step": instruction.step,
        "plugin": plan.plugin, "memo": instruction.memo, "expires_at": plan.expires_at,
        "created_at": now, **balances,
    }


def transfer_event(plan: Plan | Leg, *, actor: str, role: str, at: Any) -> EventDraft:
    """The audit event of one transfer; the PostgreSQL fast path builds the very same one."""
    instruction = plan.instruction if isinstance(plan, Plan) else plan
    state = plan.state
    payload = {
        "debit": plan.debit, "credit": plan.credit, "amount_fen": plan.amount_fen,
        "pending_id": plan.pending_id if isinstance(plan, Plan) else None,
        "plugin": plan.plugin, "application_id": instruction.application_id, "step": instruction.step,
        "expires_at": None if plan.expires_at is None else plan.expires_at.isoformat(),
    }
    return EventDraft(
        actor=actor, role=role, subject_kind="transfer", subject_id=instruction.idempotency_key,
        action=instruction.action, from_state=PENDING if state != PENDING and payload["pending_id"] else None,
        to_state=state, note=instruction.memo, payload=payload, at=at,
    )

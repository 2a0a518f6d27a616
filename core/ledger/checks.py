"""`huiqi ledger check`: every account equals the sum of its transfers, money is conserved, limits hold."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from huiqi.ledger.models import PENDING, POSTED, VOIDED, accounts, transfers

SNAPSHOT_BATCH_ROWS = 10_000


def check(session: Session, *, snapshots: bool = True) -> list[str]:
    """Problems found, as sentences; an empty list means the ledger is consistent.

    :param snapshots: also replay every transfer in commit order and compare the balances each
        one recorded (before/after) with the replay (reads the whole table once).
    """
    problems = _totals_against_transfers(session)
    problems += _conservation(session)
    problems += _limits(session)
    problems += _resolutions(session)
    if snapshots:
        problems += _snapshots(session)
    return problems


def _sums_by_account(session: Session) -> dict[int, dict[str, int]]:
    """Each account's four totals as its transfers add them up."""
    resolution = transfers.alias("resolution")
    unresolved = select(resolution.c.id).where(resolution.c.pending_id == transfers.c.id).exists()
    amount_if = lambda condition: func.coalesce(func.sum(case((condition, transfers.c.amount_fen), else_=0)), 0)  # noqa: E731
    is_open_pending = (transfers.c.state == PENDING) & ~unresolved
    sums: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_TOTALS, 0))
    for side in ("debit", "credit"):
        column = transfers.c[f"{side}_account_id"]
        query = select(column, amount_if(is_open_pending), amount_if(transfers.c.state == POSTED)).group_by(column)
        for account_id, pending, posted in session.execute(query):
            sums[account_id][f"{side}s_pending"] = int(pending)
            sums[account_id][f"{side}s_posted"] = int(posted)
    return sums


_TOTALS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


def _totals_against_transfers(session: Session) -> list[str]:
    sums = _sums_by_account(session)
    problems = []
    for row in session.execute(select(accounts).order_by(accounts.c.id)):
        expected = sums.get(row.id, dict.fromkeys(_TOTALS, 0))
        for name in _TOTALS:
            if getattr(row, name) != expected[name]:
                problems.append(f"account {row.code}: {name} is {getattr(row, name)} but its transfers "
                                f"add up to {expected[name]}")
    return problems


def _conservation(session: Session) -> list[str]:
    totals = session.execute(select(*[func.coalesce(func.sum(accounts.c[n]), 0) for n in _TOTALS])).one()
    debits_pending, debits_posted, credits_pending, credits_posted = (int(v) for v in totals)
    problems = []
    if debits_posted != credits_posted:
        problems.append(f"posted debits {debits_posted} != posted credits {credits_posted}")
    if debits_pending != credits_pending:
        problems.append(f"pending debits {debits_pending} != pending credits {credits_pending}")
    return problems


def _limits(session: Session) -> list[str]:
    worst_low = accounts.c.credits_posted - accounts.c.debits_posted - accounts.c.debits_pending
    worst_high = accounts.c.credits_posted + accounts.c.credits_pending - accounts.c.debits_posted
    rows = session.execute(select(accounts.c.code, worst_low, worst_high, accounts.c.floor_fen,
                                  accounts.c.ceiling_fen))
    problems = []
    for code, low, high, floor, ceiling in rows:
        if floor is not None and low < floor:
            problems.append(f"account {code}: {low} after pending debits is below its floor {floor}")
        if ceiling is not None and high > ceiling:
            problems.append(f"account {code}: {high} with pending credits is above its ceiling {ceiling}")
    return problems


def _resolutions(session: Session) -> list[str]:
    """A post is at most the reservation, a void exactly it, both on the reservation's accounts."""
    pending = transfers.alias("reservation")
    rows = session.execute(
        select(transfers.c.idempotency_key, transfers.c.state, transfers.c.amount_fen,
               transfers.c.debit_account_id, transfers.c.credit_account_id,
               pending.c.state.label("reserved_state"), pending.c.amount_fen.label("reserved"),
               pending.c.debit_account_id.label("reserved_debit"),
               pending.c.credit_account_id.label("reserved_credit"))
        .join(pending, pending.c.id == transfers.c.pending_id)
    )
    problems = []
    for row in rows:
        where = f"transfer {row.idempotency_key}"
        if row.reserved_state != PENDING:
            problems.append(f"{where} resolves a transfer that is {row.reserved_state}, not pending")
        if (row.debit_account_id, row.credit_account_id) != (row.reserved_debit, row.reserved_credit):
            problems.append(f"{where} is not on the accounts of the reservation it resolves")
        if row.amount_fen > row.reserved or (row.state == VOIDED and row.amount_fen != row.reserved):
            problems.append(f"{where} {row.state} {row.amount_fen} of a reservation of {row.reserved}")
    return problems


def _snapshots(session: Session) -> list[str]:
    """Replay transfers in commit order; each must start from where the last one left its accounts."""
    reserved = dict(session.execute(select(transfers.c.id, transfers.c.amount_fen)
                                    .where(transfers.c.state == PENDING)).all())
    balance: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # account id -> [posted, pending]
    problems: list[str] = []
    result = session.execute(select(transfers).order_by(transfers.c.seq),
                             execution_options={"yield_per": SNAPSHOT_BATCH_ROWS})
    for row in result:
        posted_move, pending_move = _moves(row, reserved)
        for side, sign in (("debit", -1), ("credit", 1)):
            now = balance[row._mapping[f"{side}_account_id"]]
            recorded = [row._mapping[f"{side}_{part}_{when}"]
                        for when in ("before", "after") for part in ("posted", "pending")]
            after = [now[0] + sign * posted_move, now[1] + sign * pending_move]
            if recorded != now + after:
                problems.append(f"transfer {row.idempotency_key}: {side} balances recorded {recorded}, "
                                f"replay gives {now + after}")
            now[:] = after
        if len(problems) > 20:
            problems.append("... (more snapshot problems not listed)")
            break
    return problems


def _moves(row: Any, reserved: dict[int, int]) -> tuple[int, int]:
    """(posted, pending) amounts a transfer moves from debit to credit."""
    if row.state == PENDING:
        return 0, row.amount_fen
    if row.pending_id is None:
        return row.amount_fen, 0
    held = reserved.get(row.pending_id, 0)
    return (row.amount_fen, -held) if row.state == POSTED else (0, -held)

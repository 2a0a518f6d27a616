"""Account totals under lock, and the floor and ceiling rules judged on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.errors import LedgerError
from huiqi.ledger.models import accounts


@dataclass
class AccountState:
    """An account's limits and running totals, as locked for this transaction."""

    id: int
    code: str
    unit: str
    floor_fen: int | None
    ceiling_fen: int | None
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int
    changed: bool = False

    @property
    def posted(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def pending(self) -> int:
        return self.credits_pending - self.debits_pending

    def room_above_floor(self) -> int | None:
        """What may still be debited, pending debits counted as spent; None when unbounded."""
        if self.floor_fen is None:
            return None
        return self.credits_posted - self.debits_posted - self.debits_pending - self.floor_fen

    def room_below_ceiling(self) -> int | None:
        """What may still be credited, pending credits counted as received; None when unbounded."""
        if self.ceiling_fen is None:
            return None
        return self.ceiling_fen - (self.credits_posted + self.credits_pending - self.debits_posted)

    def move(self, *, debits: tuple[int, int] = (0, 0), credits: tuple[int, int] = (0, 0)) -> None:
        """Add (pending, posted) changes to the debit and credit totals."""
        self.debits_pending += debits[0]
        self.debits_posted += debits[1]
        self.credits_pending += credits[0]
        self.credits_posted += credits[1]
        self.changed = True

    def require_within_limits(self, requested: int) -> None:
        """Refuse, naming the account, when the totals now break its floor or its ceiling."""
        floor_room, ceiling_room = self.room_above_floor(), self.room_below_ceiling()
        if floor_room is not None and floor_room < 0:
            raise refusal(self.code, "available", floor_room + requested, requested, self.unit)
        if ceiling_room is not None and ceiling_room < 0:
            raise refusal(self.code, "left under its ceiling", ceiling_room + requested, requested, self.unit)

    def totals_row(self) -> dict[str, int]:
        return {"b_id": self.id, "b_debits_pending": self.debits_pending,
                "b_debits_posted": self.debits_posted, "b_credits_pending": self.credits_pending,
                "b_credits_posted": self.credits_posted}


def refusal(code: str, what: str, room: int, requested: int, unit: str) -> LedgerError:
    """The one-line refusal: which account, what it has, what was asked."""
    error = LedgerError(
        f"account {code}: {show_amount(room, unit)} {what}, {show_amount(requested, unit)} requested"
    )
    error.account, error.available_fen, error.requested_fen = code, room, requested  # type: ignore[attr-defined]
    return error


def show_amount(amount: int, unit: str = "fen") -> str:
    """Fen as yuan with two decimals and thousands separators; slots as a count."""
    if unit == "slot":
        return f"{amount} slot{'s' if amount != 1 else ''}"
    sign = "-" if amount < 0 else ""
    yuan, fen = divmod(abs(amount), 100)
    return f"{sign}{yuan:,}.{fen:02d} yuan"


def lock_accounts(session: Session, codes: Iterable[str]) -> dict[str, AccountState]:
    """Lock the accounts in id order (PostgreSQL: FOR UPDATE; SQLite: BEGIN IMMEDIATE already holds
    the write lock) and read their totals; an unknown code is refused."""
    wanted = sorted(set(codes))
    rows = session.execute(
        select(accounts.c.id, accounts.c.code, accounts.c.unit, accounts.c.floor_fen,
               accounts.c.ceiling_fen, accounts.c.debits_pending, accounts.c.debits_posted,
               accounts.c.credits_pending, accounts.c.credits_posted)
        .where(accounts.c.code.in_(wanted)).order_by(accounts.c.id).with_for_update()
    ).all()
    states = {row.code: AccountState(**row._mapping) for row in rows}
    unknown = [code for code in wanted if code not in states]
    if unknown:
        raise LedgerError(f"no account {unknown[0]!r}: open it first (huiqi ledger, open_account)")
    return states

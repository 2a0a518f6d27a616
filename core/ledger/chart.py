"""The chart of accounts: opening accounts, changing their limits, reading their balances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.errors import InputError, LedgerError
from huiqi.ledger.base import utc_now
from huiqi.ledger.chain import record_event
from huiqi.ledger.limits import AccountState, lock_accounts, show_amount
from huiqi.ledger.models import accounts

UNITS = ("fen", "slot")
DEFINING_FIELDS = ("kind", "plugin", "owner", "title", "unit", "floor_fen", "ceiling_fen")


@dataclass(frozen=True)
class AccountView:
    """An account's definition and totals; ``balance`` is credits - debits, posted only."""

    id: int
    code: str
    kind: str
    plugin: str
    owner: str | None
    title: str | None
    unit: str
    floor_fen: int | None
    ceiling_fen: int | None
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int

    @property
    def balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def pending(self) -> int:
        return self.credits_pending - self.debits_pending

    @property
    def available(self) -> int | None:
        """What can still be debited (reservations counted as spent); None without a floor."""
        return _state(self).room_above_floor()

    @property
    def headroom(self) -> int | None:
        """What can still be credited under the ceiling; None without a ceiling."""
        return _state(self).room_below_ceiling()


def _state(view: AccountView) -> AccountState:
    return AccountState(view.id, view.code, view.unit, view.floor_fen, view.ceiling_fen,
                        view.debits_pending, view.debits_posted, view.credits_pending, view.credits_posted)


def open_account(
    session: Session, *, code: str, kind: str, plugin: str, owner: str | None = None,
    title: str | None = None, unit: str = "fen", floor_fen: int | None = None,
    ceiling_fen: int | None = None, actor: str = "system", role: str = "system",
) -> AccountView:
    """Open an account; opening it again with the same definition returns it (idempotent)."""
    wanted = {"kind": kind, "plugin": plugin, "owner": owner, "title": title, "unit": unit,
              "floor_fen": floor_fen, "ceiling_fen": ceiling_fen}
    _validate(code, wanted)
    existing = find_account(session, code)
    if existing is not None:
        for name in DEFINING_FIELDS:
            if getattr(existing, name) != wanted[name]:
                raise LedgerError(f"account {code} exists with {name}={getattr(existing, name)!r}; "
                                  f"this request has {name}={wanted[name]!r}")
        return existing
    totals = {"debits_pending": 0, "debits_posted": 0, "credits_pending": 0, "credits_posted": 0}
    try:
        session.execute(insert(accounts).values(code=code, created_at=utc_now(), **wanted, **totals))
    except IntegrityError as exc:
        raise LedgerError(f"account {code} was opened by a concurrent request; retry") from exc
    record_event(session, actor=actor, role=role, subject_kind="account", subject_id=code,
                 action="open_account", to_state="open", payload=wanted)
    return get_account(session, code)


def _validate(code: str, wanted: dict[str, Any]) -> None:
    if not code or len(code) > 200:
        raise InputError("code", code, "an account code of 1 to 200 characters")
    if wanted["unit"] not in UNITS:
        raise InputError("unit", wanted["unit"], " or ".join(UNITS))
    for name in ("floor_fen", "ceiling_fen"):
        value = wanted[name]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputError(name, value, "a whole number of fen, or none")
    if wanted["floor_fen"] is not None and wanted["ceiling_fen"] is not None \
            and wanted["floor_fen"] > wanted["ceiling_fen"]:
        raise InputError("ceiling_fen", wanted["ceiling_fen"], "a ceiling at or above the floor")


def set_limits(
    session: Session, code: str, *, floor_fen: int | None, ceiling_fen: int | None,
    actor: str = "system", role: str = "system", note: str | None = None,
) -> AccountView:
    """Change an account's floor and ceiling; refused when what is already used breaks the new ones."""
    state = lock_accounts(session, [code])[code]
    state.floor_fen, state.ceiling_fen = floor_fen, ceiling_fen
    state.require_within_limits(0)
    session.execute(update(accounts).where(accounts.c.id == state.id)
                    .values(floor_fen=floor_fen, ceiling_fen=ceiling_fen))
    record_event(session, actor=actor, role=role, subject_kind="account", subject_id=code,
                 action="set_limits", note=note,
                 payload={"floor_fen": floor_fen, "ceiling_fen": ceiling_fen})
    return get_account(session, code)


def find_account(session: Session, code: str) -> AccountView | None:
    row = session.execute(select(*[accounts.c[f] for f in AccountView.__dataclass_fields__])
                          .where(accounts.c.code == code)).one_or_none()
    return None if row is None else AccountView(**row._mapping)


def get_account(session: Session, code: str) -> AccountView:
    """The account with this code; an unknown code is a LedgerError."""
    view = find_account(session, code)
    if view is None:
        raise LedgerError(f"no account {code!r}")
    return view


def list_accounts(session: Session, *, plugin: str | None = None, prefix: str | None = None) -> list[AccountView]:
    """Accounts by code, optionally of one plugin or under one code prefix."""
    query = select(*[accounts.c[f] for f in AccountView.__dataclass_fields__]).order_by(accounts.c.code)
    if plugin is not None:
        query = query.where(accounts.c.plugin == plugin)
    if prefix is not None:
        query = query.where(accounts.c.code.startswith(prefix, autoescape=True))
    return [AccountView(**row._mapping) for row in session.execute(query)]


def describe(view: AccountView) -> str:
    """One line for `huiqi ledger balance`."""
    parts = [f"{view.code}: balance {show_amount(view.balance, view.unit)}",
             f"pending {show_amount(view.pending, view.unit)}"]
    if view.available is not None:
        parts.append(f"available {show_amount(view.available, view.unit)}")
    if view.headroom is not None:
        parts.append(f"under ceiling {show_amount(view.headroom, view.unit)}")
    return ", ".join(parts)

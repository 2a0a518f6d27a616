"""Ledger tables: accounts with balance limits, double-entry transfers, the hash-chained event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.ledger.base import Base, Id

PENDING, POSTED, VOIDED = "pending", "posted", "voided"
TRANSFER_STATES = (PENDING, POSTED, VOIDED)
GENESIS_HASH = "0" * 64


class Account(Base):
    """One account of the double-entry ledger: a budget, an allocation, a quota, a payable, a source.

    Every account reads as ``balance = credits - debits``. A budget is funded by a credit from a
    source account (which has no floor and so goes negative); a reservation debits it (pending).
    Limits are judged on the worst case, so pending amounts always count against them:
    a floor bounds ``credits_posted - debits_posted - debits_pending``,
    a ceiling bounds ``credits_posted + credits_pending - debits_posted``.
    The same bounds are CHECK constraints, so no code path can store a row that breaks them.
    """

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint(
            "floor_fen IS NULL OR credits_posted - debits_posted - debits_pending >= floor_fen",
            name="floor",
        ),
        CheckConstraint(
            "ceiling_fen IS NULL OR credits_posted + credits_pending - debits_posted <= ceiling_fen",
            name="ceiling",
        ),
        CheckConstraint(
            "debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0",
            name="totals_not_negative",
        ),
        CheckConstraint("unit IN ('fen', 'slot')", name="unit"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # e.g. anhui_iiot_grants/equipment_upgrade/2022 or guangdong_vouchers/city/440100/allocation
    code: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    plugin: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(200))
    # 'fen' for money; 'slot' for count limits (hefei_pilot provider slots, excellent products).
    unit: Mapped[str] = mapped_column(String(8))
    floor_fen: Mapped[int | None]
    ceiling_fen: Mapped[int | None]
    debits_pending: Mapped[int]
    debits_posted: Mapped[int]
    credits_pending: Mapped[int]
    credits_posted: Mapped[int]
    created_at: Mapped[datetime]


class Transfer(Base):
    """One movement of an amount from a debit account to a credit account; rows are never edited.

    A reservation is a ``pending`` row. It resolves once, by a second row that names it in
    ``pending_id``: ``posted`` (for at most the reserved amount; the rest is released) or
    ``voided`` (the whole amount released). A direct transfer is a single ``posted`` row.
    ``seq`` is the commit order: it is the ``seq`` of the transfer's event, handed out under
    the lock on the chain head that every writer holds until it commits.
    """

    __tablename__ = "ledger_transfers"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="accounts_differ"),
        CheckConstraint("state IN ('pending', 'posted', 'voided')", name="state"),
        CheckConstraint("state <> 'pending' OR pending_id IS NULL", name="pending_has_no_pending_id"),
        Index("ix_ledger_transfers_expiry", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount_fen: Mapped[int]
    state: Mapped[str] = mapped_column(String(8))
    # Unique: a reservation is resolved at most once, whatever the interleaving.
    pending_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    application_id: Mapped[str | None] = mapped_column(String(64), index=True)
    step: Mapped[str | None] = mapped_column(String(64))
    plugin: Mapped[str] = mapped_column(String(64))
    memo: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Each account's balances (credits - debits) before and after this transfer,
    # posted and pending apart, so any past state can be rebuilt and checked.
    debit_posted_before: Mapped[int]
    debit_posted_after: Mapped[int]
    debit_pending_before: Mapped[int]
    debit_pending_after: Mapped[int]
    credit_posted_before: Mapped[int]
    credit_posted_after: Mapped[int]
    credit_pending_before: Mapped[int]
    credit_pending_after: Mapped[int]


class Event(Base):
    """One append-only audit record; ``hash`` = sha256(prev_hash | seq | canonical JSON of the row)."""

    __tablename__ = "ledger_events"
    __table_args__ = (Index("ix_ledger_events_subject", "subject_kind", "subject_id"),)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    file_digests: Mapped[list[str]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ChainHead(Base):
    """The single row (id 1) holding the last event's seq and hash.

    Every writer locks it last, after its accounts, and keeps it until commit: this makes the
    event order the commit order and lets verification notice a deleted tail.
    """

    __tablename__ = "ledger_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))


accounts = Account.__table__
transfers = Transfer.__table__
events = Event.__table__
chain_head = ChainHead.__table__

"""What a caller asks the ledger to do (legs, posts, voids) and what it gets back (records)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any

from huiqi.errors import InputError
from huiqi.ledger.models import PENDING, POSTED

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Leg:
    """A new transfer: ``pending`` for a reservation, else posted at once."""

    debit: str
    credit: str
    amount_fen: int
    idempotency_key: str
    plugin: str
    pending: bool = False
    application_id: str | None = None
    step: str | None = None
    memo: str | None = None
    expires_at: datetime | None = None
    action: str = "transfer"

    @property
    def state(self) -> str:
        return PENDING if self.pending else POSTED

    def validate(self) -> None:
        check_amount(self.amount_fen)
        check_key(self.idempotency_key)
        if not self.debit or not self.credit:
            raise InputError("account", self.debit or self.credit, "an account code")
        if self.debit == self.credit:
            raise InputError("credit", self.credit, "an account other than the debit account",
                             reason="debit and credit accounts must differ")
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise InputError("expires_at", str(self.expires_at), "an aware timestamp")
        if self.expires_at is not None and not self.pending:
            raise InputError("expires_at", str(self.expires_at), "no expiry on a posted transfer")


@dataclass(frozen=True)
class Post:
    """Post a reservation (by id or idempotency key) for ``amount_fen`` (all if None); the rest is released."""

    pending: int | str
    idempotency_key: str
    amount_fen: int | None = None
    application_id: str | None = None
    step: str | None = None
    memo: str | None = None
    action: str = "post"

    def validate(self) -> None:
        check_key(self.idempotency_key)
        if self.amount_fen is not None:
            check_amount(self.amount_fen)


@dataclass(frozen=True)
class Void:
    """Release a whole reservation (by id or idempotency key)."""

    pending: int | str
    idempotency_key: str
    application_id: str | None = None
    step: str | None = None
    memo: str | None = None
    action: str = "void"
    # Used by expiry: a reservation resolved meanwhile by someone else is skipped, not an error.
    if_unresolved: bool = False

    def validate(self) -> None:
        check_key(self.idempotency_key)


Instruction = Leg | Post | Void


@dataclass(frozen=True)
class TransferRecord:
    """A transfer as stored, with its accounts' codes; ``replayed`` when an idempotent retry found it."""

    id: int
    seq: int
    debit: str
    credit: str
    debit_account_id: int
    credit_account_id: int
    amount_fen: int
    state: str
    pending_id: int | None
    idempotency_key: str
    application_id: str | None
    step: str | None
    plugin: str
    memo: str | None
    expires_at: datetime | None
    created_at: datetime
    debit_posted_before: int
    debit_posted_after: int
    debit_pending_before: int
    debit_pending_after: int
    credit_posted_before: int
    credit_posted_after: int
    credit_pending_before: int
    credit_pending_after: int
    replayed: bool = False

    @classmethod
    def from_row(cls, row: Any, *, replayed: bool = False, **overrides: Any) -> TransferRecord:
        mapping = dict(row._mapping) | overrides
        values = {f.name: mapping[f.name] for f in fields(cls) if f.name != "replayed"}
        for name in ("created_at", "expires_at"):  # raw SQL rows come back in the server's zone
            if values[name] is not None:
                values[name] = values[name].astimezone(timezone.utc)
        return cls(**values, replayed=replayed)


def check_amount(amount: object, field: str = "amount_fen") -> None:
    """Amounts are whole fen (or slots), strictly positive; never a float or a bool."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InputError(field, amount, "a positive whole number of fen")


def check_key(key: object) -> None:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise InputError("idempotency_key", key, f"a non-empty string of at most {MAX_KEY_LENGTH} characters")

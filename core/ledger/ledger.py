"""The ledger's operations: fund, reserve, post, void, transfer, expire, multi-leg steps.

Every function takes either the caller's Session (from huiqi.ledger.db.transaction: the
operation joins that transaction) or an Engine (the operation is its own transaction; on
PostgreSQL a single new transfer is then one autocommitted statement, so its locks are released
by the server the moment it ends). Each transfer is written together with its audit event. Limits are judged under row locks taken
in account-id order, then the chain head; so, inside one transaction, do the ledger operations
first (several of them as one ``apply_legs`` call) and record the workflow step's event last.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, and_, exists, select
from sqlalchemy.orm import Session

from huiqi.errors import InputError
from huiqi.ledger import pgauto, pgfast, postings
from huiqi.ledger.db import is_postgres, transaction
from huiqi.ledger.legs import Instruction, Leg, Post, TransferRecord, Void
from huiqi.ledger.models import PENDING, transfers


Bind = Session | Engine


@contextmanager
def _session(bind: Bind) -> Iterator[Session]:
    """The caller's session as it is, or a transaction of its own on an engine."""
    if isinstance(bind, Session):
        yield bind
    else:
        with transaction(bind) as session:
            yield session


def apply_legs(bind: Bind, legs: Sequence[Instruction], *, actor: str = "system",
               role: str = "system") -> list[TransferRecord]:
    """Several transfers, posts and voids that succeed or fail as a whole."""
    with _session(bind) as session:
        return postings.write(session, list(legs), actor=actor, role=role)


def _one(bind: Bind, leg: Leg, actor: str, role: str) -> TransferRecord:
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return pgauto.write_one_autocommit(bind, leg, actor=actor, role=role)
    with _session(bind) as session:
        if is_postgres(session):
            return pgfast.write_one(session, leg, actor=actor, role=role)
        return postings.write(session, [leg], actor=actor, role=role)[0]


def reserve(
    session: Bind, *, debit: str, credit: str, amount_fen: int, idempotency_key: str,
    plugin: str, application_id: str | None = None, step: str | None = None,
    memo: str | None = None, expires_at: datetime | None = None,
    actor: str = "system", role: str = "system",
) -> TransferRecord:
    """A pending transfer: counts against the debit's floor and the credit's ceiling at once."""
    leg = Leg(debit, credit, amount_fen, idempotency_key, plugin, pending=True,
              application_id=application_id, step=step, memo=memo, expires_at=expires_at,
              action="reserve")
    return _one(session, leg, actor, role)


def transfer(
    session: Bind, *, debit: str, credit: str, amount_fen: int, idempotency_key: str,
    plugin: str, application_id: str | None = None, step: str | None = None,
    memo: str | None = None, action: str = "transfer", actor: str = "system", role: str = "system",
) -> TransferRecord:
    """A posted transfer (a payout, a carry-over, a clawback): ``action`` names it in the audit log."""
    leg = Leg(debit, credit, amount_fen, idempotency_key, plugin, application_id=application_id,
              step=step, memo=memo, action=action)
    return _one(session, leg, actor, role)


def fund(
    session: Bind, *, source: str, account: str, amount_fen: int, idempotency_key: str,
    plugin: str, memo: str | None = None, step: str | None = "fund",
    actor: str = "system", role: str = "system",
) -> TransferRecord:
    """Money arriving from outside: a posted transfer from a source account (one without a floor)."""
    return transfer(session, debit=source, credit=account, amount_fen=amount_fen,
                    idempotency_key=idempotency_key, plugin=plugin, memo=memo, step=step,
                    action="fund", actor=actor, role=role)


def payout(session: Bind, **arguments: object) -> TransferRecord:
    """A posted transfer recorded as a payout (same arguments as :func:`transfer`)."""
    return transfer(session, action="payout", **arguments)  # type: ignore[arg-type]


def post(
    session: Bind, pending: int | str, *, idempotency_key: str, amount_fen: int | None = None,
    application_id: str | None = None, step: str | None = None, memo: str | None = None,
    actor: str = "system", role: str = "system",
) -> TransferRecord:
    """Post a reservation (id or idempotency key), in full or in part; a part releases the rest."""
    instruction = Post(pending, idempotency_key, amount_fen, application_id, step, memo)
    return apply_legs(session, [instruction], actor=actor, role=role)[0]


def void(
    session: Bind, pending: int | str, *, idempotency_key: str,
    application_id: str | None = None, step: str | None = None, memo: str | None = None,
    actor: str = "system", role: str = "system",
) -> TransferRecord:
    """Release a whole reservation (id or idempotency key)."""
    instruction = Void(pending, idempotency_key, application_id, step, memo)
    return apply_legs(session, [instruction], actor=actor, role=role)[0]


def expire_pending(session: Bind, as_of: datetime, *, actor: str = "system",
                   role: str = "system") -> list[TransferRecord]:
    """Void every reservation whose ``expires_at`` is at or before ``as_of`` (``huiqi tick``).

    Each void's idempotency key is ``expire:<reservation id>``, so running it twice voids nothing twice.
    """
    if as_of.tzinfo is None:
        raise InputError("as_of", str(as_of), "an aware timestamp")
    with _session(session) as own:
        return _expire(own, as_of, actor=actor, role=role)


def _expire(session: Session, as_of: datetime, *, actor: str, role: str) -> list[TransferRecord]:
    resolution = transfers.alias("resolution")
    due = session.execute(
        select(transfers.c.id).where(
            and_(transfers.c.state == PENDING, transfers.c.expires_at <= as_of,
                 ~exists().where(resolution.c.pending_id == transfers.c.id)))
        .order_by(transfers.c.id)
    ).scalars().all()
    voids = [Void(pending_id, f"expire:{pending_id}", memo=f"expired as of {as_of.isoformat()}",
                  action="expire", if_unresolved=True) for pending_id in due]
    return postings.write(session, voids, actor=actor, role=role) if voids else []

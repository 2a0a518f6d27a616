"""Ledger: accounts with balance limits, transfers, the hash-chained event log and its head."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from huiqi.ledger.base import UTCDateTime

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS_HASH = "0" * 64


def upgrade() -> None:
    _create_accounts()
    _create_transfers()
    _create_events()
    head = op.create_table(
        "ledger_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_ledger_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_chain_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH, "prev_hash": GENESIS_HASH}])


def _create_accounts() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("plugin", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("floor_fen", sa.BigInteger(), nullable=True),
        sa.Column("ceiling_fen", sa.BigInteger(), nullable=True),
        sa.Column("debits_pending", sa.BigInteger(), nullable=False),
        sa.Column("debits_posted", sa.BigInteger(), nullable=False),
        sa.Column("credits_pending", sa.BigInteger(), nullable=False),
        sa.Column("credits_posted", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "floor_fen IS NULL OR credits_posted - debits_posted - debits_pending >= floor_fen",
            name=op.f("ck_ledger_accounts_floor"),
        ),
        sa.CheckConstraint(
            "ceiling_fen IS NULL OR credits_posted + credits_pending - debits_posted <= ceiling_fen",
            name=op.f("ck_ledger_accounts_ceiling"),
        ),
        sa.CheckConstraint(
            "debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0",
            name=op.f("ck_ledger_accounts_totals_not_negative"),
        ),
        sa.CheckConstraint("unit IN ('fen', 'slot')", name=op.f("ck_ledger_accounts_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )


def _create_transfers() -> None:
    balance_columns = [
        sa.Column(f"{side}_{part}_{when}", sa.BigInteger(), nullable=False)
        for side in ("debit", "credit")
        for part in ("posted", "pending")
        for when in ("before", "after")
    ]
    op.create_table(
        "ledger_transfers",
        sa.Column("id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("debit_account_id", ID, nullable=False),
        sa.Column("credit_account_id", ID, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("pending_id", ID, nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("application_id", sa.String(64), nullable=True),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("plugin", sa.String(64), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *balance_columns,
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_ledger_transfers_amount_positive")),
        sa.CheckConstraint("debit_account_id <> credit_account_id",
                           name=op.f("ck_ledger_transfers_accounts_differ")),
        sa.CheckConstraint("state IN ('pending', 'posted', 'voided')", name=op.f("ck_ledger_transfers_state")),
        sa.CheckConstraint("state <> 'pending' OR pending_id IS NULL",
                           name=op.f("ck_ledger_transfers_pending_has_no_pending_id")),
        sa.ForeignKeyConstraint(["debit_account_id"], ["ledger_accounts.id"],
                                name=op.f("fk_ledger_transfers_debit_account_id_ledger_accounts")),
        sa.ForeignKeyConstraint(["credit_account_id"], ["ledger_accounts.id"],
                                name=op.f("fk_ledger_transfers_credit_account_id_ledger_accounts")),
        sa.ForeignKeyConstraint(["pending_id"], ["ledger_transfers.id"],
                                name=op.f("fk_ledger_transfers_pending_id_ledger_transfers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transfers")),
        sa.UniqueConstraint("seq", name=op.f("uq_ledger_transfers_seq")),
        sa.UniqueConstraint("pending_id", name=op.f("uq_ledger_transfers_pending_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_transfers_idempotency_key")),
    )
    for column in ("debit_account_id", "credit_account_id", "application_id"):
        op.create_index(op.f(f"ix_ledger_transfers_{column}"), "ledger_transfers", [column])
    op.create_index("ix_ledger_transfers_expiry", "ledger_transfers", ["state", "expires_at"])


def _create_events() -> None:
    op.create_table(
        "ledger_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("subject_kind", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("from_state", sa.String(64), nullable=True),
        sa.Column("to_state", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("file_digests", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_ledger_events_hash")),
    )
    op.create_index("ix_ledger_events_subject", "ledger_events", ["subject_kind", "subject_id"])


def downgrade() -> None:
    op.drop_table("ledger_chain_head")
    op.drop_table("ledger_events")
    op.drop_table("ledger_transfers")
    op.drop_table("ledger_accounts")

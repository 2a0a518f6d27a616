"""Entities: enterprises, suppliers, platforms, service providers, and their dated facts."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from huiqi.ledger.base import UTCDateTime

revision = "0002_entities"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS = ("enterprise", "supplier", "platform", "service_provider")


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", ID, nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name=op.f("ck_entities_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("uscc", name=op.f("uq_entities_uscc")),
    )
    op.create_index(op.f("ix_entities_region_code"), "entities", ["region_code"])
    op.create_table(
        "entity_facts",
        sa.Column("id", ID, nullable=False),
        sa.Column("entity_id", ID, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"],
                                name=op.f("fk_entity_facts_entity_id_entities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_facts")),
    )
    op.create_index("ix_entity_facts_current", "entity_facts", ["entity_id", "name", "recorded_on"])


def downgrade() -> None:
    op.drop_index("ix_entity_facts_current", table_name="entity_facts")
    op.drop_table("entity_facts")
    op.drop_index(op.f("ix_entities_region_code"), table_name="entities")
    op.drop_table("entities")

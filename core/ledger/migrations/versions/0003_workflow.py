"""Workflow: applications, the submission counter, project and cost-item claims."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from huiqi.ledger.base import UTCDateTime

revision = "0003_workflow"
down_revision = "0002_entities"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", ID, nullable=False),
        sa.Column("policy", sa.String(length=120), nullable=False),
        sa.Column("plugin", sa.String(length=64), nullable=False),
        sa.Column("workflow", sa.String(length=120), nullable=False),
        sa.Column("applicant_uscc", sa.String(length=18), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("entered_state_on", sa.Date(), nullable=False),
        sa.Column("entered_state_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("round_key", sa.String(length=40), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("award_fen", sa.BigInteger(), nullable=False),
        sa.Column("project_code", sa.String(length=200), nullable=True),
        sa.Column("cost_item_ids", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("submitted_seq", sa.BigInteger(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index(op.f("ix_applications_applicant_uscc"), "applications", ["applicant_uscc"], unique=False)
    op.create_index("ix_applications_policy_state", "applications", ["policy", "state"], unique=False)
    op.create_index(op.f("ix_applications_project_code"), "applications", ["project_code"], unique=False)
    op.create_index(op.f("ix_applications_state"), "applications", ["state"], unique=False)
    op.create_table(
        "cost_item_claims",
        sa.Column("id", ID, nullable=False),
        sa.Column("plugin", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_item_claims")),
        sa.UniqueConstraint("plugin", "item_id", name="uq_cost_item_claims_plugin_item"),
    )
    op.create_index(op.f("ix_cost_item_claims_application_id"), "cost_item_claims", ["application_id"], unique=False)
    op.create_table(
        "project_claims",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_code", sa.String(length=200), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("policy", sa.String(length=120), nullable=False),
        sa.Column("stack_group", sa.String(length=120), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_claims")),
    )
    op.create_index(op.f("ix_project_claims_application_id"), "project_claims", ["application_id"], unique=False)
    op.create_index(op.f("ix_project_claims_project_code"), "project_claims", ["project_code"], unique=False)
    op.create_table(
        "projects",
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_projects")),
    )
    op.create_table(
        "workflow_counters",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_workflow_counters")),
    )


def downgrade() -> None:
    for table in ("workflow_counters", "projects", "project_claims", "cost_item_claims", "applications"):
        op.drop_table(table)

"""Workflow tables: applications, the submission counter, project and cost-item claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.ledger.base import Base, Id


class Application(Base):
    """One claim under one measure (or one registration), moving through its plugin's workflow.

    ``facts`` and ``result`` are what the calculator last decided with; ``data`` holds the
    workflow's own records (assigned experts, concurrences, flags, objection records).
    ``submitted_seq`` is the commit order of first submissions: first come, first served.
    """

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_policy_state", "policy", "state"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    policy: Mapped[str] = mapped_column(String(120))
    plugin: Mapped[str] = mapped_column(String(64))
    workflow: Mapped[str] = mapped_column(String(120))
    applicant_uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    state: Mapped[str] = mapped_column(String(40), index=True)
    entered_state_on: Mapped[dt.date] = mapped_column(Date)
    entered_state_at: Mapped[dt.datetime]
    as_of: Mapped[dt.date] = mapped_column(Date)
    round_key: Mapped[str | None] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    eligible: Mapped[bool | None]
    award_fen: Mapped[int]
    project_code: Mapped[str | None] = mapped_column(String(200), index=True)
    cost_item_ids: Mapped[list[str]]
    data: Mapped[dict[str, Any]]
    submitted_seq: Mapped[int | None]
    submitted_at: Mapped[dt.datetime | None]
    version: Mapped[int]
    created_at: Mapped[dt.datetime]


class Counter(Base):
    """Named counters taken under a row lock, so that their order is the commit order."""

    __tablename__ = "workflow_counters"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int]


class Project(Base):
    """A project (contract number, project code) that awards may be claimed for; locked to serialise claims."""

    __tablename__ = "projects"

    code: Mapped[str] = mapped_column(String(200), primary_key=True)


class ProjectClaim(Base):
    """An application's claim to fund a project; ``stack_group`` names measures that may share one."""

    __tablename__ = "project_claims"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_code: Mapped[str] = mapped_column(String(200), index=True)
    application_id: Mapped[int] = mapped_column(index=True)
    policy: Mapped[str] = mapped_column(String(120))
    stack_group: Mapped[str | None] = mapped_column(String(120))
    live: Mapped[bool]


class CostItemClaim(Base):
    """An invoice or contract counted by one live application of a plugin (never two)."""

    __tablename__ = "cost_item_claims"
    __table_args__ = (UniqueConstraint("plugin", "item_id", name="uq_cost_item_claims_plugin_item"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(200))
    application_id: Mapped[int] = mapped_column(index=True)

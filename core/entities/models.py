"""Entity tables: enterprises, suppliers, platforms and service providers, and their dated facts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.ledger.base import Base, Id

# Who the five policy documents deal with, each keyed by its 统一社会信用代码:
#   enterprise        企业 — the applicant of every plugin;
#   supplier          供应商 — guangdong_vouchers (上云上平台 supplier), anhui_saas (software supplier);
#   platform          平台 — the operator of an 工业互联网平台 (anhui_iiot_grants) or of the SaaS
#                     platform (anhui_saas);
#   service_provider  服务商 — anhui_dx_pool (资源池服务商), hefei_pilot (数字化服务商).
# A product (hefei_pilot 小快轻准产品, anhui_saas 软件产品) has no USCC: it belongs to its supplier
# or provider and is recorded by the plugin that lists it, not here.
KINDS = ("enterprise", "supplier", "platform", "service_provider")
KIND_LABELS = {"enterprise": "企业", "supplier": "供应商", "platform": "平台", "service_provider": "服务商"}

NAME_MAX = 200
FACT_NAME_MAX = 64
SOURCE_MAX = 200


class Entity(Base):
    """One legal person on record: its USCC, kind, Chinese name, region and founding day.

    Rows are written once; what changes about an entity over time is a fact (``EntityFact``).
    """

    __tablename__ = "entities"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    founded_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class EntityFact(Base):
    """One value of one fact of an entity, as recorded on a day; never edited.

    A change is a new row. The value in force on a day is that of the row with the latest
    ``recorded_on`` not after it (ties: the row written last).
    """

    __tablename__ = "entity_facts"
    __table_args__ = (
        Index("ix_entity_facts_current", "entity_id", "name", "recorded_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity_id: Mapped[int] = mapped_column(Id, ForeignKey("entities.id"))
    name: Mapped[str] = mapped_column(String(FACT_NAME_MAX))
    value: Mapped[Any] = mapped_column(JSON)
    recorded_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    recorded_at: Mapped[datetime]


entities = Entity.__table__
entity_facts = EntityFact.__table__

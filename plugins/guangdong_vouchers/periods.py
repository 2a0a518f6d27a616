"""Periods (服务券发放周期 / 批次) and other programme records the province keeps (§5.3, §6.5).

The text leaves periods to the platform ("至少提前30天在服务平台上公布当期服务券申领截止日期和结算
截止日期", 五（六）18; "本方案相关细节按照服务平台上的具体要求执行", 九), so they are deployment
data: each announcement is an event of the hash-chained audit log (subject ``vouchers_period``),
and the latest announcement of a period id is the period in force.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from sqlalchemy import select

from huiqi.errors import InputError, WorkflowError
from huiqi.ledger import record_event
from huiqi.ledger.models import events
from huiqi.workdays import add_calendar_days

PERIOD = "vouchers_period"
ANNUAL_TARGET = "vouchers_annual_target"
ALLOCATION = "vouchers_allocation"
SPOT_CHECK = "vouchers_spot_check"
COMPLAINT = "vouchers_complaint"
DATE_FIELDS = ("announced_on", "application_opens", "application_deadline", "settlement_deadline",
               "settlement_review_deadline")


@attrs.frozen
class Period:
    period_id: str
    label: str
    announced_on: dt.date
    application_opens: dt.date
    application_deadline: dt.date
    settlement_deadline: dt.date
    settlement_review_deadline: dt.date
    issuance_ratio_percent: int | None = None  # None: the parameter in force
    sample: bool = False

    def window_contains(self, day: dt.date) -> bool:
        return self.application_opens <= day <= self.application_deadline

    def to_json(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        for name in DATE_FIELDS:
            out[name] = out[name].isoformat()
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Period:
        values = dict(raw)
        for name in DATE_FIELDS:
            values[name] = dt.date.fromisoformat(values[name])
        return cls(**{f.name: values.get(f.name, f.default) for f in attrs.fields(cls)})


def latest_records(session, kind: str) -> dict[str, dict]:
    """The latest payload of each record id of ``kind`` (later announcements replace earlier ones)."""
    rows = session.execute(select(events.c.subject_id, events.c.payload).where(events.c.subject_kind == kind)
                           .order_by(events.c.seq)).all()
    return {row.subject_id: row.payload for row in rows}


def all_records(session, kind: str) -> list[dict]:
    rows = session.execute(select(events.c.seq, events.c.subject_id, events.c.actor, events.c.note,
                                  events.c.payload, events.c.file_digests)
                           .where(events.c.subject_kind == kind).order_by(events.c.seq)).all()
    return [{"seq": r.seq, "id": r.subject_id, "by": r.actor, "note": r.note, **(r.payload or {}),
             "files": list(r.file_digests or [])} for r in rows]


def periods(session) -> list[Period]:
    """Every announced period, by the opening of its application window."""
    found = [Period.from_json(raw) for raw in latest_records(session, PERIOD).values()]
    return sorted(found, key=lambda p: (p.application_opens, p.period_id))


def period(session, period_id: str) -> Period:
    for candidate in periods(session):
        if candidate.period_id == period_id:
            return candidate
    raise WorkflowError(f"no period {period_id!r} has been announced (huiqi vouchers announce-period)")


def period_open_on(session, day: dt.date) -> Period | None:
    """The period whose application window contains ``day`` (windows never overlap, I-12)."""
    return next((p for p in periods(session) if p.window_contains(day)), None)


def period_of_decision(session, day: dt.date) -> Period | None:
    """The period a decision on ``day`` belongs to: the one whose window contains it, else the
    latest one opened before it (a decision between two windows belongs to the earlier batch)."""
    opened = [p for p in periods(session) if p.application_opens <= day]
    return opened[-1] if opened else None


def periods_after(session, period_id: str, count: int) -> list[str]:
    """``period_id`` and the ``count - 1`` periods announced after it, in window order."""
    ids = [p.period_id for p in periods(session)]
    if period_id not in ids:
        return [period_id]
    start = ids.index(period_id)
    return ids[start:start + count]


def first_period_opening_after(session, day: dt.date) -> Period | None:
    return next((p for p in periods(session) if p.application_opens > day), None)


def check_announcement(session, new: Period, notice_min_days: int) -> None:
    """Refuse what 五（六）18 and §5.3 forbid, saying which rule and which dates (I-12, I-15)."""
    order = [("application_opens", new.application_opens), ("application_deadline", new.application_deadline),
             ("settlement_deadline", new.settlement_deadline),
             ("settlement_review_deadline", new.settlement_review_deadline)]
    for (first, a), (second, b) in zip(order, order[1:]):
        if a > b:
            raise InputError(second, b.isoformat(), f"a day on or after {first} {a}")
    earlier = {p.period_id: p for p in periods(session)}.get(new.period_id)
    earliest = add_calendar_days(new.announced_on, notice_min_days)
    for name in ("application_deadline", "settlement_deadline"):
        day = getattr(new, name)
        only_later = earlier is not None and day >= getattr(earlier, name)
        if day < earliest and not only_later:
            raise WorkflowError(
                f"province_announce_period refused: {name} {day} is less than {notice_min_days} days after the "
                f"announcement on {new.announced_on} (earliest {earliest}); 002 上云上平台服务券方案 五（六）18 "
                f"\"至少提前30天在服务平台上公布\" (I-15)")
    for other in periods(session):
        if other.period_id == new.period_id:
            continue
        if new.application_opens <= other.application_deadline and other.application_opens <= new.application_deadline:
            raise WorkflowError(
                f"province_announce_period refused: the application window {new.application_opens}–"
                f"{new.application_deadline} overlaps period {other.period_id} ({other.application_opens}–"
                f"{other.application_deadline}); windows of two periods may not overlap (I-12)")


def announce(session, new: Period, *, actor: str, notice_min_days: int, note: str | None = None) -> None:
    check_announcement(session, new, notice_min_days)
    record_event(session, actor=actor, role="province", subject_kind=PERIOD, subject_id=new.period_id,
                 action="province_announce_period", to_state="announced", note=note, payload=new.to_json())


def record(session, kind: str, record_id: str, payload: dict, *, actor: str, role: str, action: str,
           note: str | None = None, files: tuple[str, ...] = ()) -> None:
    """A programme record (annual target, spot check, complaint) as an audit event."""
    record_event(session, actor=actor, role=role, subject_kind=kind, subject_id=record_id, action=action,
                 to_state="recorded", note=note, payload=payload, file_digests=files)

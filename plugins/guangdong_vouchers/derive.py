"""The facts the ledger and the workflow records know better than the applicant (§3, §6.3, §6.6).

``huiqi apply`` and every re-evaluating step recompute them; values in the facts file are
replaced. Counts come from the enterprise's vouchers and the day each ended unredeemed; amounts
from the enterprise's period-cap account, read under its lock so that two concurrent
submissions of one enterprise are priced one after the other (四（四）3, I-10).
"""

from __future__ import annotations

import datetime as dt

from huiqi.money import yuan
from huiqi_plugins.guangdong_vouchers import budgets
from huiqi_plugins.guangdong_vouchers.common import (ENTERPRISE_REGISTRATION, SUPPLIER_REGISTRATION, data_of, param,
                                                     registration_of, vouchers_of)
from huiqi_plugins.guangdong_vouchers.periods import first_period_opening_after, period_open_on
from huiqi_plugins.guangdong_vouchers.registration import supplier_standing


def unredeemed_days(ctx, uscc: str, before: dt.date | None = None) -> list[dt.date]:
    """The days the enterprise's issued vouchers ended unredeemed (void, surrendered, settlement
    rejected; I-13), in order; only those before ``before`` when given."""
    outcomes = set(param(ctx, "unredeemed_outcomes"))
    days = []
    for voucher in vouchers_of(ctx.session, uscc):
        if voucher.state in outcomes:
            day = dt.date.fromisoformat(data_of(voucher).get("unredeemed_on") or voucher.entered_state_on.isoformat())
            if before is None or day < before:
                days.append(day)
    return sorted(days)


def suspension_period(ctx, uscc: str, before: dt.date | None = None):
    """The batch the enterprise is suspended for (五（六）19 下一批, §6.6), or None."""
    days = unredeemed_days(ctx, uscc, before)
    count = param(ctx, "suspension_unredeemed_count")
    if len(days) < count:
        return None
    return first_period_opening_after(ctx.session, days[count - 1])


def voucher_period_id(ctx) -> str | None:
    data = data_of(ctx.application)
    if data.get("period_id"):
        return data["period_id"]
    found = period_open_on(ctx.session, ctx.today)
    return found.period_id if found else None


def derive_facts(ctx) -> dict:
    app, session = ctx.application, ctx.session
    if ctx.action == "enterprise_submit" and not data_of(app).get("applied_on"):
        app.as_of = ctx.today  # 申领日期: as_of of voucher_award is the first submission day (§3.2)
    uscc = app.applicant_uscc
    facts: dict = {}
    days = unredeemed_days(ctx, uscc, before=app.as_of)
    facts["unredeemed_voucher_count"] = len(days)
    if len(days) == param(ctx, "suspension_unredeemed_count"):
        current = period_open_on(session, app.as_of)
        suspended = first_period_opening_after(session, days[-1])
        facts["is_batch_after_second_unredeemed"] = bool(current and suspended
                                                         and current.period_id == suspended.period_id)
    period_id = voucher_period_id(ctx)
    if period_id is not None:
        account = budgets.period_cap(uscc, period_id)
        if ctx.action != "apply" and budgets.find_account(session, account) is not None:
            budgets.lock(session, account, budgets.awarded(uscc))
        own = data_of(app).get("cap_reserved_fen", 0) if data_of(app).get("cap_key") else 0
        facts["period_awarded_amount"] = yuan(max(0, budgets.used(session, account) - own))
    else:
        facts["period_awarded_amount"] = "0.00"
    supplier = app.facts.get("supplier_uscc")
    if isinstance(supplier, str):
        registered, disqualified = supplier_standing(session, registration_of(session, SUPPLIER_REGISTRATION, supplier),
                                                     period_id)
        facts["supplier_is_registered"] = registered
        facts["supplier_is_disqualified"] = disqualified
    registration = registration_of(session, ENTERPRISE_REGISTRATION, uscc)
    if registration is not None:
        rights = data_of(registration).get("rights", "in_force")
        facts["is_rights_suspended_for_poor_results"] = rights == "suspended"
        facts["has_subsidy_fraud_finding"] = rights == "cancelled"
    return facts

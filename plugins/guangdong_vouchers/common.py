"""What the vouchers' workflows share: roles, parameters with the spec's defaults, small lookups."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy import select

from huiqi.workflow.models import Application
from huiqi.workflow.spec import Role

PLUGIN = "guangdong_vouchers"
CITE = "002 上云上平台服务券方案"
VOUCHER_POLICY = f"{PLUGIN}.voucher_award"
REDEMPTION_POLICY = f"{PLUGIN}.voucher_redemption"
ENTERPRISE_REGISTRATION = f"{PLUGIN}.enterprise_registration"
SUPPLIER_REGISTRATION = f"{PLUGIN}.supplier_registration"

PROVINCE = Role("province")  # 省经济和信息化委 (scope 440000 or none)
PLATFORM = Role("platform")  # the 服务平台 operator, acting for the province where §6 says so
CITY = Role("city", "applicant_city")  # 地市经信部门 of the applicant's city
ENTERPRISE = Role("enterprise", "applicant")
SUPPLIER_SELF = Role("supplier", "applicant")  # a supplier on its own registration
SUPPLIER_SELECTED = Role("supplier", "data:supplier_uscc")  # the supplier a voucher names
ANY_ENTERPRISE = Role("enterprise", "any")  # an objector (I-19)
EXPERT = Role("expert", "assigned")
AUDITOR = Role("auditor")

# Spec §5.1 values, used only when a deployment's parameters.yaml lacks the row.
DEFAULTS: dict[str, Any] = {
    "province_prefix": "44",
    "registration_review_working_days": 5,
    "voucher_review_working_days": 10,
    "max_city_returns_per_stage": 1,
    "return_resubmit_working_days": 5,
    "application_deadline_applies_to": "submission",
    "deadline_notice_min_days": 30,
    "notice_min_calendar_days": 7,
    "notice_extend_to_working_day": True,
    "issuance_ratio_percent": 200,
    "payout_priority_order": ["pilot", "carried_over", "settlement_applied_at"],
    "payout_skip_when_short": False,
    "resubmission_keeps_place": True,
    "supplier_disqualification_periods": 2,
    "out_of_province_supplier_to_province": True,
    "suspension_unredeemed_count": 2,
    "suspension_batches": 1,
    "revocation_unredeemed_count": 3,
    "unredeemed_outcomes": ["void", "surrendered", "settlement_rejected"],
    "integration_bonus_amount": 200_000_00,
}

# Voucher states in which a voucher holds its amount (I-10) and the ones a voucher ends in.
PRE_ISSUANCE = ("awaiting_supplier", "awaiting_city", "returned")
LIVE = PRE_ISSUANCE + ("issued", "settlement_awaiting_supplier", "settlement_awaiting_verification",
                       "settlement_awaiting_city", "settlement_returned", "settlement_approved", "in_public_notice",
                       "under_objection", "objection_at_province", "payable", "paid")


def param(ctx_or_params, name: str, day: dt.date | None = None) -> Any:
    """A parameter in force (for the application's as_of, or ``day``), else the spec's default."""
    if hasattr(ctx_or_params, "document"):
        params = ctx_or_params.document.parameters.at(day or ctx_or_params.application.as_of)
    else:
        params = ctx_or_params
    try:
        value = params[name]
    except (KeyError, TypeError):
        return DEFAULTS[name]
    return DEFAULTS[name] if value is None and name in DEFAULTS else value


def money_fen(value: Any) -> int:
    """A parameter or fact amount as fen (parameters may hold fen ints or money strings)."""
    from huiqi.money import parse_money

    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_money(value, "amount")


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


def data_of(app: Application) -> dict:
    """A deep copy of the application's data: change it, then assign it back (JSON columns
    notice a new value, not a change inside the old one)."""
    return copy.deepcopy(dict(app.data or {}))


def update_data(app: Application, **changes: Any) -> None:
    app.data = data_of(app) | changes


def registration_of(session, policy: str, uscc: str) -> Application | None:
    """The latest registration application of this enterprise or supplier, if any."""
    return session.execute(select(Application).where(Application.policy == policy, Application.applicant_uscc == uscc)
                           .order_by(Application.id.desc()).limit(1)).scalar_one_or_none()


def vouchers_of(session, uscc: str) -> list[Application]:
    return list(session.execute(select(Application).where(Application.policy == VOUCHER_POLICY,
                                                          Application.applicant_uscc == uscc)
                                .order_by(Application.id)).scalars())


def option_true(ctx, name: str) -> bool | None:
    """``--set name=true|false`` as a bool; None when not given."""
    value = ctx.options.get(name)
    if value is None:
        return None
    return str(value).strip().lower() in ("true", "yes", "1", "是")


def count_return(ctx, stage: str) -> str | None:
    """Guard: at most ``max_city_returns_per_stage`` returns per review stage (一次性告知, I-17)."""
    done = data_of(ctx.application).get("returns", {}).get(stage, 0)
    allowed = param(ctx, "max_city_returns_per_stage")
    if done >= allowed:
        return (f"already returned {done} time(s) at the {stage} stage; {CITE} 五（六）20–21 allow one return "
                f"with every reason at once (一次性告知): approve or reject now")
    return None


def record_return(ctx, stage: str) -> None:
    data = data_of(ctx.application)
    returns = dict(data.get("returns", {}))
    returns[stage] = returns.get(stage, 0) + 1
    data["returns"] = returns
    data.setdefault("return_notes", []).append({"stage": stage, "on": ctx.today.isoformat(), "by": str(ctx.actor),
                                                "note": ctx.note})
    ctx.application.data = data

"""Enterprise and supplier registration on the 服务平台 (§6.1, §6.2), and the province's later
decisions about an enterprise's or a supplier's rights (§6.2, §6.5, 八（四）, 五（六）23, 六).

A registration is an application without a calculator measure (``Workflow.registrations``): its
steps check role, scope, state and deadline like any other. The registration application is
also where the enterprise's rights and the supplier's qualification are recorded.
"""

from __future__ import annotations

from huiqi.workflow.spec import Action, Deadline, Timer, Workflow
from huiqi_plugins.guangdong_vouchers.common import (CITE, CITY, ENTERPRISE, ENTERPRISE_REGISTRATION, EXPERT,
                                                     PROVINCE, SUPPLIER_REGISTRATION, SUPPLIER_SELF, count_return,
                                                     data_of, param, record_return, update_data)
from huiqi_plugins.guangdong_vouchers.periods import period_of_decision

REVIEW = Deadline("registration_review_working_days", working=True, on_late="flag")  # 五（六）20, I-16


# --- guards ------------------------------------------------------------------------------


def city_level_region(ctx) -> str | None:
    region = ctx.application.region_code
    prefix = param(ctx, "province_prefix")
    if not region.startswith(prefix):
        return f"the enterprise is registered in {region}, outside Guangdong ({CITE} 四（一）1)"
    if region[2:] == "0000":
        return (f"the enterprise's region {region} is the province: a city- or county-level code is needed to route "
                f"its applications to a city (§3.1)")
    return None


def registration_returnable(ctx) -> str | None:
    return count_return(ctx, "registration")


def expert_opinion_recorded(ctx) -> str | None:
    if not data_of(ctx.application).get("expert_opinions"):
        return "no expert opinion is recorded yet (expert_record_opinion): 五（二）4 \"组织…专家…审核，审核通过后予以注册\""
    return None


def expert_named(ctx) -> str | None:
    return None if ctx.options.get("expert") else "name the expert with --set expert=ID"


def opinion_given(ctx) -> str | None:
    if str(ctx.options.get("opinion", "")).lower() not in ("pass", "fail"):
        return "say --set opinion=pass or --set opinion=fail, with the reasons in --note"
    return None


def period_named(ctx) -> str | None:
    return None if ctx.options.get("period") else "name the period with --set period=PERIOD_ID"


def year_named(ctx) -> str | None:
    year = str(ctx.options.get("year", ""))
    return None if year.isdigit() and len(year) == 4 else "name the year with --set year=YYYY"


# --- effects -----------------------------------------------------------------------------


def returned(ctx) -> None:
    record_return(ctx, "registration")
    update_data(ctx.application, returned_from=ctx.application.state)


def back_to_review(ctx) -> str:
    return data_of(ctx.application).get("returned_from", "registration_submitted")


def supplier_first_review(ctx) -> str:
    """In-province suppliers go to their city first; others straight to the province (五（二）4–5)."""
    in_province = ctx.application.region_code.startswith(param(ctx, "province_prefix"))
    if in_province or not param(ctx, "out_of_province_supplier_to_province"):
        return "awaiting_city_review"
    return "awaiting_province_basic_review"


def assign_expert(ctx) -> None:
    data = data_of(ctx.application)
    data["assigned"] = sorted(set(data.get("assigned", [])) | {str(ctx.options["expert"])})
    ctx.application.data = data


def record_opinion(ctx) -> None:
    data = data_of(ctx.application)
    data.setdefault("expert_opinions", []).append({"expert": ctx.actor.scope, "opinion": ctx.options["opinion"].lower(),
                                                   "on": ctx.today.isoformat(), "note": ctx.note})
    ctx.application.data = data


def set_rights(value: str):
    def effect(ctx) -> None:
        data = data_of(ctx.application)
        data.setdefault("rights_history", []).append({"rights": value, "on": ctx.today.isoformat(), "note": ctx.note})
        data["rights"] = value
        ctx.application.data = data
    effect.__name__ = f"set_rights_{value}"
    return effect


def disqualify(ctx) -> None:
    """Related-party abuse: this period and the next (五（六）23 "取消其当期及下一期服务券的供应商资格")."""
    decided = period_of_decision(ctx.session, ctx.today)
    data = data_of(ctx.application)
    data.setdefault("disqualifications", []).append({
        "on": ctx.today.isoformat(), "from_period": decided.period_id if decided else None,
        "periods": param(ctx, "supplier_disqualification_periods"), "note": ctx.note})
    ctx.application.data = data


def designate_pilot(ctx) -> None:
    data = data_of(ctx.application)
    data["pilot_periods"] = sorted(set(data.get("pilot_periods", [])) | {str(ctx.options["period"])})
    ctx.application.data = data


def revoke_pilot(ctx) -> None:
    update_data(ctx.application, pilot_periods=[], pilot_title_revoked_on=ctx.today.isoformat())


def grant_excellent(ctx) -> None:
    data = data_of(ctx.application)
    data["excellent_years"] = sorted(set(data.get("excellent_years", [])) | {str(ctx.options["year"])})
    ctx.application.data = data


# --- the two workflows -------------------------------------------------------------------

ENTERPRISE_STATES = ("draft", "registration_submitted", "registration_returned", "registered", "registration_rejected")
C61 = f"{CITE} 五（三）7, 五（六）20"

ENTERPRISE_WORKFLOW = Workflow(
    name=f"{ENTERPRISE_REGISTRATION}", policies=(), registrations=(ENTERPRISE_REGISTRATION,),
    applicant_role="enterprise", applicant_kind="enterprise",
    states=ENTERPRISE_STATES, initial="draft", final=("registration_rejected",),
    actions=(
        Action("enterprise_register", ("draft",), "registration_submitted", (ENTERPRISE,), guards=(city_level_region,),
               citation=C61, description="basic information filled in; the city's 5-working-day clock starts"),
        Action("city_approve_registration", ("registration_submitted",), "registered", (CITY,), deadline=REVIEW,
               citation=C61),
        Action("city_return_registration", ("registration_submitted",), "registration_returned", (CITY,),
               note_required=True, guards=(registration_returnable,), effects=(returned,), deadline=REVIEW,
               citation=f"{CITE} 五（六）20 \"一次性告知退回理由和需补充完善的资料\""),
        Action("enterprise_resubmit_registration", ("registration_returned",), "registration_submitted", (ENTERPRISE,),
               citation=C61),
        Action("city_reject_registration", ("registration_submitted",), "registration_rejected", (CITY,),
               note_required=True, deadline=REVIEW, citation=f"{CITE} 五（六）20 \"地市可直接驳回其申请，并告知理由\""),
        Action("province_suspend_enterprise_rights", ENTERPRISE_STATES, None, (PROVINCE,), note_required=True,
               effects=(set_rights("suspended"),), citation=f"{CITE} 八（四）"),
        Action("province_restore_enterprise_rights", ENTERPRISE_STATES, None, (PROVINCE,), note_required=True,
               effects=(set_rights("in_force"),), citation=f"{CITE} 八（四） \"直至其改善实施效果\""),
        Action("province_cancel_enterprise_rights", ENTERPRISE_STATES, None, (PROVINCE,), note_required=True,
               effects=(set_rights("cancelled"),), citation=f"{CITE} 八（四） 骗补"),
    ),
    timers=(Timer("review_overdue", "registration_submitted", None, deadline=Deadline("registration_review_working_days"),
                  flag="review_overdue", citation=f"{CITE} 五（六）20; I-16"),),
    description="企业注册 → 地市5个工作日内审核基本信息",
)

SUPPLIER_STATES = ("draft", "awaiting_city_review", "awaiting_province_basic_review", "awaiting_expert_review",
                   "registration_returned", "registration_rejected", "registered")
C62 = f"{CITE} 五（二）4–5"
REVIEWING = ("awaiting_city_review", "awaiting_province_basic_review", "awaiting_expert_review")

SUPPLIER_WORKFLOW = Workflow(
    name=f"{SUPPLIER_REGISTRATION}", policies=(), registrations=(SUPPLIER_REGISTRATION,),
    applicant_role="supplier", applicant_kind="supplier",
    states=SUPPLIER_STATES, initial="draft", final=("registration_rejected",),
    actions=(
        Action("supplier_register", ("draft",), supplier_first_review, (SUPPLIER_SELF,), file_required=True,
               citation=f"{CITE} 五（二）3–5", description="materials per the 供应商审核标准 (not provided)"),
        Action("city_pass_first_review", ("awaiting_city_review",), "awaiting_expert_review", (CITY,), deadline=REVIEW,
               citation=f"{C62} \"初审内容为：供应商的基本信息是否真实有效\""),
        Action("city_return_registration", ("awaiting_city_review",), "registration_returned", (CITY,),
               note_required=True, guards=(registration_returnable,), effects=(returned,), deadline=REVIEW,
               citation=f"{CITE} 五（六）20"),
        Action("city_reject_registration", ("awaiting_city_review",), "registration_rejected", (CITY,),
               note_required=True, deadline=REVIEW, citation=f"{CITE} 五（六）20"),
        Action("province_pass_basic_review", ("awaiting_province_basic_review",), "awaiting_expert_review",
               (PROVINCE,), citation=f"{CITE} 五（二）5; I-25"),
        Action("province_return_registration", ("awaiting_province_basic_review",),
               "registration_returned", (PROVINCE,), note_required=True, guards=(registration_returnable,),
               effects=(returned,), citation=f"{CITE} 五（二）5; I-25"),
        Action("province_reject_registration", ("awaiting_province_basic_review", "awaiting_expert_review"),
               "registration_rejected", (PROVINCE,), note_required=True, citation=C62),
        Action("supplier_resubmit_registration", ("registration_returned",), back_to_review, (SUPPLIER_SELF,),
               citation=C62),
        Action("province_assign_expert", REVIEWING, None, (PROVINCE,), guards=(expert_named,),
               effects=(assign_expert,), citation=f"{CITE} 五（二）4, 八（一）"),
        Action("expert_record_opinion", ("awaiting_expert_review",), None, (EXPERT,), note_required=True,
               guards=(opinion_given,), effects=(record_opinion,), citation=f"{CITE} 五（二）4 应用服务提供能力"),
        Action("province_register", ("awaiting_expert_review",), "registered", (PROVINCE,),
               guards=(expert_opinion_recorded,), citation=f"{C62} \"审核通过后予以注册\""),
        Action("province_disqualify_supplier", SUPPLIER_STATES, None, (PROVINCE,), note_required=True,
               effects=(disqualify,), citation=f"{CITE} 五（六）23 \"取消其当期及下一期服务券的供应商资格\""),
        Action("province_suspend_rights", SUPPLIER_STATES, None, (PROVINCE,), note_required=True,
               effects=(set_rights("suspended"),), citation=f"{CITE} 八（四）"),
        Action("province_restore_rights", SUPPLIER_STATES, None, (PROVINCE,), note_required=True,
               effects=(set_rights("in_force"),), citation=f"{CITE} 八（四）"),
        Action("province_cancel_rights", SUPPLIER_STATES, None, (PROVINCE,), note_required=True,
               effects=(set_rights("cancelled"),), citation=f"{CITE} 八（四） 骗补"),
        Action("province_designate_pilot_unit", ("registered",), None, (PROVINCE,), guards=(period_named,),
               effects=(designate_pilot,), citation=f"{CITE} 六（二）"),
        Action("province_revoke_pilot_title", ("registered",), None, (PROVINCE,), note_required=True,
               effects=(revoke_pilot,), citation=f"{CITE} 六（五）"),
        Action("province_grant_excellent_supplier", ("registered",), None, (PROVINCE,), guards=(year_named,),
               effects=(grant_excellent,), citation=f"{CITE} 八（三）"),
    ),
    timers=(Timer("review_overdue", "awaiting_city_review", None, deadline=Deadline("registration_review_working_days"),
                  flag="review_overdue", citation=f"{CITE} 五（六）20; I-16"),),
    description="供应商注册 → 地市初审（5个工作日） → 省专家审核 → 注册；省外供应商直接由省审核",
)


def supplier_standing(session, supplier_reg, period_id: str | None) -> tuple[bool, bool]:
    """(registered, disqualified for ``period_id``) of a supplier's registration application."""
    from huiqi_plugins.guangdong_vouchers.periods import periods_after

    if supplier_reg is None:
        return False, False
    data = data_of(supplier_reg)
    disqualified = data.get("rights") in ("suspended", "cancelled")
    for entry in data.get("disqualifications", []):
        if entry.get("from_period") and period_id in periods_after(session, entry["from_period"], entry["periods"]):
            disqualified = True
    return supplier_reg.state == "registered", disqualified

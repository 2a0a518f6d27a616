"""The voucher lifecycle as a workflow on the core engine (spec §6.3, §6.4, §7), and the
registration workflows beside it (§6.1, §6.2, in ``registration.py``).

One application of ``guangdong_vouchers.voucher_award`` is one contract and becomes the voucher
once issued (五（三）8). Guards and effects live in ``issuance.py`` (application → issuance),
``settlement.py`` (settlement → public notice → objections) and ``payout.py``; the facts the
ledger knows better in ``derive.py``; periods in ``periods.py``; accounts in ``budgets.py``.
"""

from __future__ import annotations

from huiqi.workflow.spec import Action, Deadline, Timer, Workflow
from huiqi_plugins.guangdong_vouchers import issuance as iss
from huiqi_plugins.guangdong_vouchers import payout
from huiqi_plugins.guangdong_vouchers import settlement as st
from huiqi_plugins.guangdong_vouchers.common import (ANY_ENTERPRISE, AUDITOR, CITE, CITY, ENTERPRISE, EXPERT, PLATFORM,
                                                     PROVINCE, SUPPLIER_SELECTED, VOUCHER_POLICY, Role)
from huiqi_plugins.guangdong_vouchers.derive import derive_facts
from huiqi_plugins.guangdong_vouchers.registration import ENTERPRISE_WORKFLOW, SUPPLIER_WORKFLOW, expert_named

SYSTEM = Role("system")
VOUCHER_REVIEW = Deadline("voucher_review_working_days", working=True, on_late="flag")  # 五（六）21, I-16


def flag_late_settlement_review(ctx) -> None:
    """五（六）21 "在服务平台通知的时间内完成审核": a late review is flagged, not refused (I-16)."""
    due = st.settlement_review_deadline(ctx)
    if ctx.today > due:
        ctx.payload["late"] = {"due": due.isoformat(), "on": ctx.today.isoformat()}
        ctx.warnings.append(f"{ctx.action} is late: the settlement review was due by {due}")


STATES = ("draft", "awaiting_supplier", "awaiting_city", "returned", "issued", "rejected", "withdrawn", "expired",
          "surrendered", "settlement_awaiting_supplier", "settlement_awaiting_verification", "settlement_awaiting_city",
          "settlement_returned", "settlement_approved", "settlement_rejected", "in_public_notice", "under_objection",
          "objection_at_province", "payable", "paid", "void")
FINAL = ("rejected", "withdrawn", "expired", "surrendered", "void", "settlement_rejected", "paid")

C3 = f"{CITE} 五（三）"
C4 = f"{CITE} 五（四）"
C22 = f"{CITE} 五（六）22"

ACTIONS = (
    # -- application and issuance (五（三）6–10) --
    Action("enterprise_submit", ("draft",), "awaiting_supplier", (ENTERPRISE,), file_required=True, reevaluate=True,
           prepare=(iss.open_submission_accounts,),
           guards=(iss.enterprise_on_platform, iss.window_open, iss.not_suspended_or_revoked, iss.eligible),
           effects=(iss.record_submission, iss.claim_contract, iss.reserve_award),
           citation=f"{C3}6–8, 四（四）3", description="contract first, then fee, service type and supplier"),
    Action("supplier_confirm", ("awaiting_supplier",), "awaiting_city", (SUPPLIER_SELECTED,),
           guards=(iss.supplier_may_confirm,), effects=(iss.supplier_confirmed,), citation=f"{C3}9, 六（三）"),
    Action("supplier_decline", ("awaiting_supplier",), "returned", (SUPPLIER_SELECTED,), note_required=True,
           citation=f"{C3}9"),
    Action("city_approve", ("awaiting_city",), "issued", (CITY,), reevaluate=True, deadline=VOUCHER_REVIEW,
           guards=(iss.enterprise_registered, iss.eligible, iss.city_checks_recorded),
           effects=(iss.keep_reserved_amount, iss.issue), citation=f"{C3}10, 八（二）"),
    Action("city_return", ("awaiting_city",), "returned", (CITY,), note_required=True, deadline=VOUCHER_REVIEW,
           guards=(iss.voucher_returnable,), effects=(iss.returned,), citation=f"{CITE} 五（六）21 一次性告知"),
    Action("city_reject", ("awaiting_city",), "rejected", (CITY,), note_required=True, deadline=VOUCHER_REVIEW,
           effects=(iss.release_reservation,), citation=f"{CITE} 五（六）21 \"地市可直接驳回其申请，并告知理由\""),
    Action("enterprise_resubmit", ("returned",), "awaiting_supplier", (ENTERPRISE,), reevaluate=True,
           prepare=(iss.open_submission_accounts,), guards=(iss.resubmit_in_time, iss.eligible),
           effects=(iss.reserve_award,), citation=f"{CITE} 五（六）21; I-30"),
    Action("enterprise_withdraw", ("draft", "awaiting_supplier", "awaiting_city", "returned"), "withdrawn",
           (ENTERPRISE,), effects=(iss.release_reservation,), citation=C3),
    Action("enterprise_surrender", ("issued",), "surrendered", (ENTERPRISE,), effects=(st.surrender,),
           citation=f"{CITE} 五（六）19; I-13"),
    # -- settlement (五（四）11–14) --
    Action("settlement_submit", ("issued",), "settlement_awaiting_supplier", (ENTERPRISE,), file_required=True,
           guards=(st.before_settlement_deadline, st.settlement_facts_given), effects=(st.record_settlement,),
           citation=f"{C4}11, 八（二）"),
    Action("supplier_confirm_settlement", ("settlement_awaiting_supplier",), "settlement_awaiting_verification",
           (SUPPLIER_SELECTED,), citation=f"{C4}12"),
    Action("supplier_decline_settlement", ("settlement_awaiting_supplier",), "settlement_returned",
           (SUPPLIER_SELECTED,), note_required=True, citation=f"{C4}12"),
    Action("province_record_cloud_use", ("settlement_awaiting_verification",), "settlement_awaiting_city",
           (PROVINCE, PLATFORM), guards=(st.verification_given,), effects=(st.record_cloud_use,),
           citation=f"{C4}13, 五（五）16"),
    Action("city_approve_settlement", ("settlement_awaiting_city",), "settlement_approved", (CITY,),
           prepare=(st.open_settlement_accounts,), guards=(st.cloud_use_verified,),
           effects=(flag_late_settlement_review, st.review_redemption), citation=f"{C4}14, 四（四）5"),
    Action("city_return_settlement", ("settlement_awaiting_city",), "settlement_returned", (CITY,),
           note_required=True, guards=(st.settlement_returnable,),
           effects=(flag_late_settlement_review, st.settlement_returned), citation=f"{CITE} 五（六）21"),
    Action("city_reject_settlement", ("settlement_awaiting_city",), "settlement_rejected", (CITY,),
           note_required=True, effects=(flag_late_settlement_review, st.reject_settlement),
           citation=f"{CITE} 五（六）21; I-13"),
    Action("settlement_resubmit", ("settlement_returned",), "settlement_awaiting_supplier", (ENTERPRISE,),
           guards=(st.settlement_resubmit_in_time,), effects=(st.record_settlement,), citation="I-30; I-20"),
    # -- settlement list, public notice, objections (五（四）14–15, 五（六）22) --
    Action("city_publish_settlement_list", ("settlement_approved",), "in_public_notice", (CITY,),
           effects=(st.publish,), citation=f"{C4}14, {C22}",
           description="a batch step: huiqi vouchers publish-settlement-list"),
    Action("raise_objection", ("in_public_notice", "under_objection"), "under_objection", (ANY_ENTERPRISE,),
           note_required=True, file_required=True, guards=(st.within_notice,), effects=(st.record_objection,),
           citation=f"{C22} \"应在公示期内向当地经信部门反映并提供相关材料\"; I-19"),
    Action("city_dismiss_objection", ("under_objection",), st.after_dismissal, (CITY,), note_required=True,
           effects=(st.close_objections("dismissed"),), citation=f"{C22} \"予以处理和答复\""),
    Action("city_uphold_objection", ("under_objection",), st.after_upheld, (CITY,), note_required=True,
           guards=(st.uphold_outcome,), effects=(st.close_objections("upheld"),),
           citation=f"{C22} \"不予结算或推迟结算\""),
    Action("city_escalate_objection", ("under_objection",), "objection_at_province", (CITY,), note_required=True,
           effects=(st.escalate,), citation=f"{C22} \"可向省经济和信息化委反映\""),
    Action("province_assign_expert", ("objection_at_province",), None, (PROVINCE,), effects=(st.assign_expert,),
           guards=(expert_named,),
           citation=C22),
    Action("expert_record_site_check", ("objection_at_province",), None, (EXPERT,), note_required=True,
           effects=(st.record_site_check,), citation=f"{C22} 现场核查"),
    Action("province_dismiss_objection", ("objection_at_province",), st.after_dismissal, (PROVINCE,),
           note_required=True, effects=(st.close_objections("dismissed"),), citation=C22),
    Action("province_uphold_objection", ("objection_at_province",), st.after_upheld, (PROVINCE,), note_required=True,
           guards=(st.uphold_outcome,), effects=(st.close_objections("upheld"),), citation=C22),
    # -- after payment (五（六）23) --
    Action("record_clawback", ("paid",), None, (PROVINCE, CITY, AUDITOR), note_required=True, file_required=True,
           prepare=(st.open_clawback_account,), guards=(st.clawback_within_paid,), effects=(st.clawback,),
           citation=f"{CITE} 五（六）23 \"可收回已兑现金额的不合理部分\""),
)

TIMERS = tuple(
    Timer("expire", state, "expired", due=st.expiry_day, effects=(iss.release_reservation,),
          citation=f"{CITE} 五（六）18; I-14", description="never issued by the period's deadline")
    for state in ("awaiting_supplier", "awaiting_city", "returned")
) + (
    Timer("lapse", "issued", "void", due=st.settlement_deadline, effects=(st.end_unredeemed,),
          citation=f"{CITE} 五（六）18 \"服务券逾期不兑现作废\""),
    Timer("lapse", "settlement_returned", "void", due=st.returned_settlement_last_day, effects=(st.end_unredeemed,),
          citation="I-30"),
    Timer("notice_close", "in_public_notice", "payable", due=st.notice_last_day,
          citation=f"{C4}15 \"公示无异议后\""),
    Timer("review_overdue", "awaiting_city", None, deadline=Deadline("voucher_review_working_days"),
          flag="review_overdue", citation=f"{CITE} 五（六）21; I-16"),
    Timer("review_overdue", "settlement_awaiting_city", None, due=st.settlement_review_deadline,
          flag="review_overdue", citation=f"{CITE} 五（六）21; I-16"),
)

VOUCHER_WORKFLOW = Workflow(
    name=VOUCHER_POLICY, policies=(VOUCHER_POLICY,), applicant_role="enterprise", applicant_kind="enterprise",
    states=STATES, initial="draft", final=FINAL, actions=ACTIONS, timers=TIMERS,
    payable="payable", paid="paid", payout=payout.pay, payout_order=payout.payout_order,
    payout_roles=(CITY, SYSTEM), payout_group=payout.payout_group, on_payout_shortfall="stop",
    carry_over_unreached=True, carry_over_effects=(payout.carry_over,),
    open_effects=(iss.name_contract,), derive_facts=derive_facts,
    description="申领 → 供应商确认 → 地市审核（10个工作日） → 发放 → 结算申请 → 供应商确认 → 上云验证 → 地市审核 → 公示≥7天 → 先到先得兑付",
)

WORKFLOWS = (ENTERPRISE_WORKFLOW, SUPPLIER_WORKFLOW, VOUCHER_WORKFLOW)


def workflows(document) -> list[Workflow]:
    """The workflows as this deployment's parameters shape them: with ``payout_skip_when_short``
    a run skips a voucher the fund cannot cover instead of stopping (I-20)."""
    import attrs

    from huiqi.workflow.engine import today_in_shanghai
    from huiqi_plugins.guangdong_vouchers.common import param

    skip = param(document.parameters.at(max(today_in_shanghai(), document.effective_from)), "payout_skip_when_short")
    voucher = attrs.evolve(VOUCHER_WORKFLOW, on_payout_shortfall="skip" if skip else "stop",
                           carry_over_unreached=not skip)
    return [ENTERPRISE_WORKFLOW, SUPPLIER_WORKFLOW, voucher]

"""The platform-default workflow of every anhui_iiot_grants measure (spec §6, §7).

The notice fixes no procedure beyond "严格申报程序，加强审核评估，强化省市和部门会商，及时兑现政策" (L58);
the steps below are the spec's interpretation (I-16). Caps and one-off units live in the ledger
as accounts with ceilings, so two concurrent approvals can never exceed a cap (§7).
"""

from __future__ import annotations

from huiqi.ledger import Leg, Post, Void, apply_legs, find_account, open_account
from huiqi.money import yuan
from huiqi.workdays import add_working_days
from huiqi.workflow.claims import claim_cost_items, claim_project, release_cost_items, release_project
from huiqi.workflow.spec import Action, Deadline, Role, Timer, Workflow

PLUGIN = "anhui_iiot_grants"
CITATION = "003 支持工业互联网发展若干政策 （结语） \"严格申报程序，加强审核评估，强化省市和部门会商，及时兑现政策\" (L58); I-16"

ENTERPRISE = Role("enterprise", "applicant")
CITY = Role("city_bureau", "applicant_city")
PROVINCE = Role("provincial_bureau")
COMMS = Role("provincial_comms")
FINANCE = Role("provincial_finance")
EXPERT = Role("expert", "assigned")
AUDITOR = Role("auditor")
PUBLIC = Role("public", "any")

COMMS_MEASURES = ("identifier_node", "security_classification")
# What a measure's one-off unit and cap unit are (spec §7). "project" = the application's
# project_code (platform, project, loan, node, carrier, product, recognition, item).
ONE_OFF_UNIT = {
    "platform_enterprise_level": "project", "service_provider_pool": "enterprise", "equipment_upgrade": "project",
    "smart_manufacturing": "project", "network_upgrade": "enterprise", "identifier_node": "project",
    "innovation_carrier": "project", "ic_first_tapeout": "project", "ic_industrialisation": "project",
    "scenario_demonstration": "project", "security_classification": "enterprise",
}
CAP_UNIT = {  # measure → (cap parameter, unit, per calendar year of as_of?)
    "platform_cross_industry": ("platform_cross_industry_cap", "project", False),
    "platform_industry_regional_professional": ("platform_industry_cap", "project", False),
    "loan_interest_subsidy": ("loan_subsidy_cap", "project", False),
    "ic_first_tapeout": ("ic_tapeout_enterprise_cap", "enterprise", True),
    "ic_rd_equipment": ("ic_rd_equipment_enterprise_cap", "enterprise", True),
    "ic_industrialisation": ("ic_industrialisation_enterprise_cap", "enterprise", True),
}
# Measures funding different costs of one project may share it (§7 "Loan interest and equipment
# purchase of the same project are different costs and may both be funded").
STACK_GROUP = {"equipment_upgrade": "iiot_project_costs", "loan_interest_subsidy": "iiot_project_costs"}
NEEDS_PROJECT = {m for m, u in ONE_OFF_UNIT.items() if u == "project"} | {
    m for m, (_, u, _) in CAP_UNIT.items() if u == "project"}


def measure_of(ctx) -> str:
    return ctx.application.policy.split(".", 1)[1]


def _unit(ctx, kind: str) -> str:
    return ctx.application.project_code if kind == "project" else ctx.application.applicant_uscc


def _accounts(ctx) -> dict[str, str]:
    """The ledger accounts this application touches, by role."""
    app, measure = ctx.application, measure_of(ctx)
    codes = {"budget": f"{PLUGIN}/{measure}/{app.round_key}", "payable": f"{PLUGIN}/payable/{app.applicant_uscc}",
             "source": f"{PLUGIN}/tracking/source"}
    if measure in ONE_OFF_UNIT and not (measure == "security_classification"
                                        and ctx.params["security_classification_once_per"] == "project"):
        codes["once"] = f"{PLUGIN}/{measure}/once/{_unit(ctx, ONE_OFF_UNIT[measure])}"
    elif measure == "security_classification":
        codes["once"] = f"{PLUGIN}/{measure}/once/{app.project_code or app.applicant_uscc}"
    if measure in CAP_UNIT:
        _, unit, yearly = CAP_UNIT[measure]
        yearly = yearly and ctx.params["ic_cap_period"] == "calendar_year"
        codes["cap"] = f"{PLUGIN}/{measure}/cap/{_unit(ctx, unit)}" + (f"/{app.as_of.year}" if yearly else "")
    if measure == "loan_interest_subsidy":
        codes["months"] = f"{PLUGIN}/{measure}/months/{app.project_code}"
    if measure == "capability_assessment":
        codes["levels"] = f"{PLUGIN}/{measure}/levels/{app.applicant_uscc}"
    return codes


def _used(session, code: str) -> int:
    account = find_account(session, code)
    return 0 if account is None else account.credits_posted + account.credits_pending


def derive_facts(ctx) -> dict:
    """The facts §7 says the workflow recomputes from reservations and payouts."""
    measure, codes, session = measure_of(ctx), _accounts(ctx), ctx.session
    facts = {}
    if "once" in codes:
        facts["has_received_this_award_before"] = _used(session, codes["once"]) > 0
    if "cap" in codes:
        facts["prior_award_amount"] = yuan(_used(session, codes["cap"]))
    if "months" in codes:
        facts["prior_subsidised_months"] = _used(session, codes["months"])
    if measure == "capability_assessment":
        facts["prior_capability_award_level"] = _prior_level(session, codes["levels"])
    return facts


LEVEL_SLOTS = {"3A": 1, "4A": 2, "5A": 3}


def _prior_level(session, code: str) -> str:
    """Levels are a slot account: 3A = 1 slot, 4A = 2, 5A = 3 reserved in all (the highest awarded)."""
    return {0: "none", 1: "3A", 2: "4A"}.get(_used(session, code), "5A")


# --- guards ------------------------------------------------------------------------------


def not_ineligible(ctx) -> str | None:
    result = ctx.application.result
    if result.get("eligible") is False:
        failed = [r["rule"] for r in result.get("reasons", []) if r["passed"] is False]
        return "the calculator finds the application ineligible (" + ", ".join(failed) + ")"
    return None


def project_named(ctx) -> str | None:
    if measure_of(ctx) in NEEDS_PROJECT and not ctx.application.project_code:
        return (f"{measure_of(ctx)} is awarded per project/platform/product: open the application with "
                "--project CODE naming it")
    return None


def eligible_now(ctx) -> str | None:
    result = ctx.application.result
    if result.get("eligible") is True:
        return None
    if result.get("eligible") is None:
        return "facts missing: " + ", ".join(result.get("missing_facts", [])) + " (record them with record_review)"
    failed = [f"{r['rule']} ({r['detail']})" for r in result.get("reasons", []) if r["passed"] is False]
    return "not eligible on the ledger's figures: " + "; ".join(failed)


def comms_concurred(ctx) -> str | None:
    if measure_of(ctx) in COMMS_MEASURES and not ctx.application.data.get("comms_concurred"):
        return "省通信管理局 (provincial_comms) has not concurred yet (comms_concur)"
    return None


def comms_measure(ctx) -> str | None:
    if measure_of(ctx) not in COMMS_MEASURES:
        return f"provincial_comms concurs only on {', '.join(COMMS_MEASURES)}"
    return None


def comms_only_on_its_measures(ctx) -> str | None:
    return comms_measure(ctx) if ctx.actor.role == "provincial_comms" else None


def within_notice(ctx) -> str | None:
    last = notice_last_day(ctx)
    if last is not None and ctx.today > last:
        return f"the public notice ended on {last}"
    return None


def resubmit_in_time(ctx) -> str | None:
    days = ctx.params["return_resubmit_working_days"]
    if days is not None and ctx.today > add_working_days(ctx.application.entered_state_on, days):
        return f"the {days} working days to resubmit after the return have passed"
    return None


def submission_deadline(ctx) -> str | None:
    deadline = ctx.params.get("round_submission_deadline")
    if deadline is not None and ctx.today > deadline:
        return f"the round's submission deadline {deadline} has passed"
    return None


def expert_named(ctx) -> str | None:
    return None if ctx.options.get("expert") else "name the expert with --set expert=ID"


def outcome_named(ctx) -> str | None:
    if ctx.options.get("outcome") not in ("upheld", "dismissed"):
        return "say --set outcome=upheld or --set outcome=dismissed"
    return None


# --- effects -----------------------------------------------------------------------------


def record_submission(ctx) -> None:
    from huiqi.ledger.base import utc_now
    from huiqi.workflow.engine import next_counter

    app = ctx.application
    if app.submitted_seq is None:  # first submission keeps its place
        app.submitted_seq = next_counter(ctx.session, f"{PLUGIN}:submissions")
        app.submitted_at = utc_now()


def claim_costs(ctx) -> None:
    if ctx.params["ban_reused_cost_items"]:
        claim_cost_items(ctx)


def release(ctx) -> None:
    release_cost_items(ctx)
    release_project(ctx)


def assign_expert(ctx) -> None:
    data = dict(ctx.application.data)
    data["assigned"] = sorted(set(data.get("assigned", [])) | {str(ctx.options["expert"])})
    ctx.application.data = data


def apply_review(ctx) -> None:
    """The reviewed facts of the attached JSON file(s) replace the applicant's, then re-decide."""
    reviewed = {}
    for document in ctx.options.get("documents", []):
        if isinstance(document, dict):
            reviewed |= document.get("facts", document)
    if not reviewed:
        from huiqi.errors import WorkflowError

        raise WorkflowError("record_review needs a --file with a JSON object of reviewed facts")
    ctx.reevaluate(reviewed)
    ctx.payload["reviewed_facts"] = sorted(reviewed)


def concur(ctx) -> None:
    ctx.application.data = dict(ctx.application.data) | {"comms_concurred": True}


def open_tracking_accounts(ctx) -> None:
    """At `huiqi apply`: open the payee, cap and one-off accounts this application may use.

    Opening an account appends an audit event (the chain head lock); doing it here, and not in
    the approval step, keeps that step's lock order accounts-then-chain-head on PostgreSQL.
    """
    session, measure, codes = ctx.session, measure_of(ctx), _accounts(ctx)
    open_account(session, code=codes["payable"], kind="payable", plugin=PLUGIN, owner=ctx.application.applicant_uscc)
    open_account(session, code=codes["source"], kind="source", plugin=PLUGIN, unit="fen")
    open_account(session, code=codes["source"] + "/slots", kind="source", plugin=PLUGIN, unit="slot")
    if "once" in codes:
        open_account(session, code=codes["once"], kind="one_off", plugin=PLUGIN, unit="slot", ceiling_fen=1)
    if "cap" in codes:
        cap = ctx.params[CAP_UNIT[measure][0]]
        open_account(session, code=codes["cap"], kind="cap", plugin=PLUGIN, ceiling_fen=cap)
    if "months" in codes:
        open_account(session, code=codes["months"], kind="months", plugin=PLUGIN, unit="slot",
                     ceiling_fen=ctx.params["loan_max_subsidy_months"])
    if "levels" in codes:
        open_account(session, code=codes["levels"], kind="levels", plugin=PLUGIN, unit="slot", ceiling_fen=3)


def reserve_award(ctx) -> None:
    """Reserve the award from the round's budget, and the cap / one-off / months it uses, as one step."""
    app, codes = ctx.application, _accounts(ctx)
    if find_account(ctx.session, codes["budget"]) is None:
        from huiqi.errors import LedgerError

        raise LedgerError(f"no budget account {codes['budget']}: the deployer funds each measure's round with "
                          f"`huiqi ledger fund {codes['budget']} AMOUNT`")
    claim_project(ctx, STACK_GROUP.get(measure_of(ctx)))
    award = app.award_fen
    legs = [Leg(codes["budget"], codes["payable"], award, ctx.key("award"), PLUGIN, pending=True,
                application_id=str(app.id), step=ctx.action, action="reserve")]
    if "cap" in codes:
        legs.append(Leg(codes["source"], codes["cap"], award, ctx.key("cap"), PLUGIN, pending=True,
                        application_id=str(app.id), step=ctx.action, action="reserve"))
    if "once" in codes:
        legs.append(Leg(codes["source"] + "/slots", codes["once"], 1, ctx.key("once"), PLUGIN, pending=True,
                        application_id=str(app.id), step=ctx.action, action="reserve"))
    if "months" in codes:
        months = min(app.facts["claim_months"],
                     ctx.params["loan_max_subsidy_months"] - int(app.facts.get("prior_subsidised_months", 0)))
        legs.append(Leg(codes["source"] + "/slots", codes["months"], months, ctx.key("months"), PLUGIN, pending=True,
                        application_id=str(app.id), step=ctx.action, action="reserve"))
    if "levels" in codes:
        gained = LEVEL_SLOTS[app.facts["capability_level"]] - _used(ctx.session, codes["levels"])
        legs.append(Leg(codes["source"] + "/slots", codes["levels"], gained, ctx.key("levels"), PLUGIN,
                        pending=True, application_id=str(app.id), step=ctx.action, action="reserve"))
    records = apply_legs(ctx.session, legs, actor=str(ctx.actor), role=ctx.actor.role)
    app.data = dict(app.data) | {"reserved_legs": [r.idempotency_key for r in records]}
    _soft_quota_warning(ctx)


def _resolve_legs(ctx, kind) -> None:
    app = ctx.application
    keys = app.data.get("reserved_legs", [])
    suffix = "post" if kind is Post else "void"
    instructions = [kind(key, f"{key}:{suffix}", application_id=str(app.id), step=ctx.action) for key in keys]
    if instructions:
        apply_legs(ctx.session, instructions, actor=str(ctx.actor), role=ctx.actor.role)


def pay(ctx) -> None:
    _resolve_legs(ctx, Post)


def release_award(ctx) -> None:
    _resolve_legs(ctx, Void)
    release(ctx)


def _soft_quota_warning(ctx) -> None:
    """I-18: 每年遴选20家 is a selection target, not a cap — a warning, never a refusal."""
    from sqlalchemy import func, select

    from huiqi.workflow.models import Application

    measure, app = measure_of(ctx), ctx.application
    quota_name = {"network_upgrade": "network_upgrade_annual_soft_quota"}.get(measure)
    if measure == "scenario_demonstration" and app.facts.get("demonstration_category") == "excellent_solution":
        quota_name = "excellent_solution_annual_soft_quota"
    if quota_name is None:
        return
    approved = ctx.session.execute(select(func.count()).select_from(Application).where(
        Application.policy == app.policy, Application.round_key == app.round_key,
        Application.state.in_(("in_public_notice", "approved", "funds_confirmed", "paid")))).scalar_one()
    if approved + 1 > ctx.params[quota_name]:
        ctx.warnings.append(f"{approved + 1} approvals in {app.round_key} exceed the annual target of "
                            f"{ctx.params[quota_name]} ({quota_name}; a target, not a cap: I-18)")


def record_objection(ctx) -> None:
    data = dict(ctx.application.data)
    objections = list(data.get("objections", []))
    objections.append({"by": str(ctx.actor), "on": ctx.today.isoformat(), "note": ctx.note, "open": True})
    data["objections"] = objections
    ctx.application.data = data


def resolve_objections(ctx) -> None:
    data = dict(ctx.application.data)
    data["objections"] = [dict(o, open=False, outcome=ctx.options["outcome"]) for o in data.get("objections", [])]
    ctx.application.data = data
    if ctx.options["outcome"] == "upheld":
        release_award(ctx)


def after_submit(ctx) -> str:
    return "submitted" if ctx.params["city_review_required"] else "under_review"


def after_approve(ctx) -> str:
    return "in_public_notice" if ctx.params["public_notice_working_days"] > 0 else "approved"


def after_objection(ctx) -> str:
    return "rejected" if ctx.options.get("outcome") == "upheld" else "in_public_notice"


def notice_last_day(ctx):
    days = ctx.params["public_notice_working_days"]
    return add_working_days(ctx.application.entered_state_on, days) if days else None


def notice_over(ctx):
    """The notice ends after its last day; an open objection holds the application back."""
    if any(o.get("open") for o in ctx.application.data.get("objections", [])):
        return None
    return notice_last_day(ctx)


STATES = ("draft", "submitted", "under_review", "in_public_notice", "approved", "funds_confirmed", "paid",
          "returned", "rejected", "withdrawn", "revoked", "lapsed")

WORKFLOW = Workflow(
    name=f"{PLUGIN}.application",
    policies=(),  # filled in by hooks.py with every measure of the document
    states=STATES,
    initial="draft",
    final=("paid", "rejected", "withdrawn", "revoked", "lapsed"),
    actions=(
        Action("submit", ("draft",), after_submit, (ENTERPRISE,), guards=(not_ineligible, project_named,
               submission_deadline), effects=(record_submission, claim_costs), citation=CITATION),
        Action("withdraw", ("draft", "submitted", "returned", "under_review"), "withdrawn", (ENTERPRISE,),
               effects=(release,), citation=CITATION),
        Action("city_recommend", ("submitted",), "under_review", (CITY,), citation=CITATION),
        Action("return", ("submitted", "under_review"), "returned", (CITY, PROVINCE, COMMS), note_required=True,
               guards=(comms_only_on_its_measures,), citation=CITATION),
        Action("resubmit", ("returned",), after_submit, (ENTERPRISE,),
               guards=(resubmit_in_time, not_ineligible, project_named, submission_deadline),
               effects=(record_submission,), citation=CITATION),
        Action("reject", ("submitted", "under_review"), "rejected", (CITY, PROVINCE), note_required=True,
               effects=(release,), citation=CITATION),
        Action("assign_expert", ("submitted", "under_review"), None, (PROVINCE,), guards=(expert_named,),
               effects=(assign_expert,), citation=CITATION),
        Action("record_review", ("under_review",), None, (PROVINCE, EXPERT), file_required=True,
               effects=(apply_review,), citation="L58 \"加强审核评估\"; L21"),
        Action("comms_concur", ("under_review",), None, (COMMS,), guards=(comms_measure,), effects=(concur,),
               citation="L33, L46 (责任单位：省通信管理局); I-16"),
        Action("province_approve", ("under_review",), after_approve, (PROVINCE,), reevaluate=True,
               guards=(eligible_now, comms_concurred, project_named), effects=(reserve_award,), citation=CITATION),
        Action("raise_objection", ("in_public_notice",), None, (PUBLIC, ENTERPRISE, CITY), note_required=True,
               guards=(within_notice,), effects=(record_objection,), citation="I-19"),
        Action("resolve_objection", ("in_public_notice",), after_objection, (PROVINCE,), note_required=True,
               guards=(outcome_named,), effects=(resolve_objections,), citation="I-19"),
        Action("finance_confirm", ("approved",), "funds_confirmed", (FINANCE,), citation=CITATION),
        Action("revoke", ("approved", "in_public_notice", "funds_confirmed"), "revoked", (PROVINCE,),
               note_required=True, effects=(release_award,), citation="L58 \"加强资金监管、绩效评价和审计监督\""),
        Action("record_audit_finding", STATES, None, (AUDITOR,), note_required=True,
               citation="L58 \"资金监管、绩效评价和审计监督\""),
    ),
    timers=(
        Timer("lapse", "returned", "lapsed", deadline=Deadline("return_resubmit_working_days"), effects=(release,),
              description="a returned application not resubmitted in time"),
        Timer("notice_end", "in_public_notice", "approved", due=notice_over,
              description="the public notice ended with no open objection"),
    ),
    payable="funds_confirmed",
    paid="paid",
    payout=pay,
    derive_facts=derive_facts,
    open_effects=(open_tracking_accounts,),
    description="审核 → 省级批准（预留预算） → 省财政厅确认 → 兑付",
)

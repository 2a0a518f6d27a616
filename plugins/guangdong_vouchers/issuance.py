"""A voucher from application to issuance (§6.3 up to ``city_approve``): guards and effects.

Submission reserves the award on the enterprise's period cap in the step's transaction
(四（四）3: the check and the reservation are one); issuance posts it and posts the amount on the
city's issuance quota (八（二）: at most target × issuance ratio), so concurrent approvals of one
city can never issue beyond its allocation.
"""

from __future__ import annotations

from huiqi.errors import LedgerError, WorkflowError
from huiqi.ledger import Leg, Post, Void, apply_legs
from huiqi.ledger.base import utc_now
from huiqi.money import yuan
from huiqi.workdays import add_working_days
from huiqi.workflow.claims import claim_cost_items, claim_project, release_cost_items, release_project
from huiqi.workflow.engine import next_counter
from huiqi_plugins.guangdong_vouchers import budgets
from huiqi_plugins.guangdong_vouchers.catalogue_access import catalogue_on
from huiqi_plugins.guangdong_vouchers.common import (CITE, ENTERPRISE_REGISTRATION, PLUGIN, SUPPLIER_REGISTRATION,
                                                     city_of, data_of, option_true, param, registration_of,
                                                     update_data)
from huiqi_plugins.guangdong_vouchers.derive import suspension_period, unredeemed_days, voucher_period_id
from huiqi_plugins.guangdong_vouchers.periods import period, period_open_on


# --- at huiqi apply ----------------------------------------------------------------------


def name_contract(ctx) -> None:
    """The voucher's project key is ``<supplier USCC>:<contract number>`` (§7), and the supplier it names."""
    app = ctx.application
    supplier = app.facts.get("supplier_uscc")
    number = app.facts.get("contract_number")
    if not app.project_code and isinstance(supplier, str) and number:
        app.project_code = f"{supplier}:{number}"
    update_data(app, supplier_uscc=supplier if isinstance(supplier, str) else None)


# --- guards ------------------------------------------------------------------------------


def enterprise_on_platform(ctx) -> str | None:
    """五（三）7: registered users with basic information may apply; the review may still run (I-26)."""
    reg = registration_of(ctx.session, ENTERPRISE_REGISTRATION, ctx.application.applicant_uscc)
    if reg is None or reg.state in ("draft", "registration_rejected"):
        state = "not registered" if reg is None else reg.state
        return (f"enterprise {ctx.application.applicant_uscc} is {state} on the platform: register first "
                f"({ENTERPRISE_REGISTRATION}, {CITE} 五（三）7)")
    return None


def enterprise_registered(ctx) -> str | None:
    reg = registration_of(ctx.session, ENTERPRISE_REGISTRATION, ctx.application.applicant_uscc)
    if reg is None or reg.state != "registered":
        return (f"the enterprise's registration is {reg.state if reg else 'missing'}: the city approves it first "
                f"(city_approve_registration; I-26)")
    return None


def window_open(ctx) -> str | None:
    if data_of(ctx.application).get("period_id"):
        return None
    if period_open_on(ctx.session, ctx.today) is None:
        return (f"no voucher application window is open on {ctx.today} (huiqi vouchers periods); "
                f"{CITE} 五（六）18, I-14")
    return None


def not_suspended_or_revoked(ctx) -> str | None:
    """§6.6: suspended for the batch after the second unredeemed voucher; revoked from the third."""
    uscc, day = ctx.application.applicant_uscc, ctx.application.as_of
    days = unredeemed_days(ctx, uscc, before=day)
    if len(days) >= param(ctx, "revocation_unredeemed_count"):
        return (f"the enterprise's voucher qualification is cancelled: {len(days)} unredeemed vouchers since "
                f"{days[param(ctx, 'revocation_unredeemed_count') - 1]} ({CITE} 五（六）19 \"累积三次未兑现的，取消其服务券申领资格\")")
    batch = suspension_period(ctx, uscc, before=day)
    current = period_open_on(ctx.session, day)
    if batch is not None and current is not None and batch.period_id == current.period_id:
        return (f"suspended for batch {batch.label} after {param(ctx, 'suspension_unredeemed_count')} unredeemed "
                f"vouchers ({CITE} 五（六）19 \"暂停其下一批服务券的申领资格\")")
    return None


def eligible(ctx) -> str | None:
    result = ctx.application.result
    if result.get("eligible") is True:
        return None
    if result.get("eligible") is None:
        return "facts missing: " + ", ".join(result.get("missing_facts", []))
    failed = [f"{r['rule']} ({r['detail']})" for r in result.get("reasons", []) if r["passed"] is False]
    return "not eligible: " + "; ".join(failed)


def resubmit_in_time(ctx) -> str | None:
    """I-30: until the later of the application deadline and the 5th working day after the return."""
    last = resubmit_last_day(ctx, period(ctx.session, data_of(ctx.application)["period_id"]).application_deadline)
    if ctx.today > last:
        return f"the time to resubmit ended on {last} (later of the deadline and 5 working days after the return; I-30)"
    return None


def resubmit_last_day(ctx, deadline):
    returned_on = ctx.application.entered_state_on
    return max(deadline, add_working_days(returned_on, param(ctx, "return_resubmit_working_days")))


def supplier_may_confirm(ctx) -> str | None:
    """A disqualified, suspended or cancelled supplier confirms nothing new (§6.2, I-24); the pilot
    mark needs a pilot unit of the voucher's period (六（三）); a related-party contract needs the
    fair-price commitment (五（六）23)."""
    from huiqi_plugins.guangdong_vouchers.registration import supplier_standing

    app = ctx.application
    reg = registration_of(ctx.session, SUPPLIER_REGISTRATION, ctx.actor.scope)
    period_id = data_of(app).get("period_id")
    registered, disqualified = supplier_standing(ctx.session, reg, period_id)
    if not registered or disqualified:
        return f"supplier {ctx.actor.scope} is {'disqualified or without rights' if registered else 'not registered'} for period {period_id} ({CITE} 五（六）23, 八（四）)"
    if option_true(ctx, "pilot") and period_id not in data_of(reg).get("pilot_periods", []):
        return f"supplier {ctx.actor.scope} is not a pilot unit in period {period_id}: no 试点 mark ({CITE} 六（三）)"
    if app.facts.get("is_related_party_transaction") is True and not option_true(ctx, "fair_price_commitment"):
        return ("a related-party contract: confirm with --set fair_price_commitment=true (both parties commit the price is "
                f"fair, {CITE} 五（六）23)")
    return None


def city_checks_recorded(ctx) -> str | None:
    """五（三）10: basic information true, the fee listed in the contract and equal to the one declared."""
    if option_true(ctx, "declared_fee_matches_contract") is not True:
        return ("record the checks of 五（三）10 with --set declared_fee_matches_contract=true (when the fee in the "
                "contract differs from the declared one, return or reject instead)")
    return None


def voucher_returnable(ctx) -> str | None:
    from huiqi_plugins.guangdong_vouchers.common import count_return

    return count_return(ctx, "voucher")


# --- effects -----------------------------------------------------------------------------


def open_submission_accounts(ctx) -> None:
    """prepare of enterprise_submit / enterprise_resubmit: the enterprise's cap account for the period."""
    period_id = voucher_period_id(ctx)
    if period_id is None:
        return
    as_of = ctx.application.as_of if data_of(ctx.application).get("applied_on") else ctx.today
    cap = catalogue_on(ctx.document, as_of)["period_cap_fen"]
    budgets.open_enterprise_accounts(ctx.session, ctx.application.applicant_uscc, period_id=period_id, cap_fen=cap)


def record_submission(ctx) -> None:
    app = ctx.application
    data = data_of(app)
    if not data.get("applied_on"):
        found = period_open_on(ctx.session, ctx.today)
        catalogue = catalogue_on(ctx.document, app.as_of)
        data.update(applied_on=ctx.today.isoformat(), applied_at=utc_now().isoformat(), period_id=found.period_id,
                    catalogue_version=catalogue["version"], contract_file=ctx.files[0])
        app.round_key = found.period_id
        app.cost_item_ids = [f"contract:{ctx.files[0]}"]
        app.submitted_seq = next_counter(ctx.session, f"{PLUGIN}:voucher_applications")
        app.submitted_at = utc_now()
    app.data = data


def claim_contract(ctx) -> None:
    """One voucher per contract (五（三）8) and one special fund per project (四（一）5), across plugins."""
    if not ctx.application.project_code:
        raise WorkflowError(f"application {ctx.application.id}: enterprise_submit refused: the contract is not named — "
                            "give contract_number in the facts (or --project SUPPLIER_USCC:CONTRACT_NO at apply)")
    claim_project(ctx, None)
    claim_cost_items(ctx)


def reserve_award(ctx) -> None:
    """Reserve the award on the enterprise's period cap (a resubmission replaces its reservation)."""
    app = ctx.application
    data = data_of(app)
    uscc, period_id = app.applicant_uscc, data["period_id"]
    n = data.get("cap_reservations", 0) + 1
    key = ctx.key(f"cap:{n}")
    legs = []
    if data.get("cap_key"):
        legs.append(Void(data["cap_key"], f"{data['cap_key']}:void", application_id=str(app.id), step=ctx.action))
    legs.append(Leg(budgets.awarded(uscc), budgets.period_cap(uscc, period_id), app.award_fen, key, PLUGIN, pending=True,
                    application_id=str(app.id), step=ctx.action, action="reserve"))
    try:
        apply_legs(ctx.session, legs, actor=str(ctx.actor), role=ctx.actor.role)
    except LedgerError as error:
        raise WorkflowError(f"application {app.id}: {ctx.action} refused: the enterprise's period cap cannot hold "
                            f"{yuan(app.award_fen)} ({error}; {CITE} 四（四）3)") from None
    update_data(app, cap_key=key, cap_reservations=n, cap_reserved_fen=app.award_fen)


def supplier_confirmed(ctx) -> None:
    app = ctx.application
    pilot = bool(option_true(ctx, "pilot"))
    update_data(app, supplier_confirmed_on=ctx.today.isoformat(), pilot_mark=pilot,
                fair_price_commitment=option_true(ctx, "fair_price_commitment"))


def keep_reserved_amount(ctx) -> None:
    """An amount is fixed at (re)submission (I-10): the re-evaluation at review decides eligibility only."""
    app = ctx.application
    app.award_fen = data_of(app).get("cap_reserved_fen", app.award_fen)


def issue(ctx) -> None:
    """Post the enterprise-period reservation and the amount on the city's issuance quota (§7)."""
    app = ctx.application
    data = data_of(app)
    city, period_id = city_of(app.region_code), data["period_id"]
    quota, source = budgets.issuance_quota(city, period_id), budgets.issuance_source(city, period_id)
    if budgets.find_account(ctx.session, quota) is None:
        raise WorkflowError(f"application {app.id}: city_approve refused: city {city} has no voucher allocation for "
                            f"period {period_id} (huiqi vouchers allocate; {CITE} 五（一）1)")
    legs = [Post(data["cap_key"], f"{data['cap_key']}:post", application_id=str(app.id), step=ctx.action),
            Leg(source, quota, app.award_fen, ctx.key("issue"), PLUGIN, application_id=str(app.id), step=ctx.action,
                action="issue")]
    try:
        apply_legs(ctx.session, legs, actor=str(ctx.actor), role=ctx.actor.role)
    except LedgerError as error:
        if getattr(error, "account", None) == quota:
            raise WorkflowError(
                f"application {app.id}: city_approve refused: the city's voucher allocation for this period is used "
                f"up — {error} ({CITE} 八（二） \"实际发放额度为目标额度的1至2倍\"; city_reject may cite it)") from None
        raise
    update_data(app, issued_on=ctx.today.isoformat(), issued_at=utc_now().isoformat(),
                declared_fee_matches_contract=True, issued_fen=app.award_fen)


def returned(ctx) -> None:
    from huiqi_plugins.guangdong_vouchers.common import record_return

    record_return(ctx, "voucher")


def release_reservation(ctx) -> None:
    """Rejected, withdrawn or expired before issuance: the reservation and the contract are freed."""
    app = ctx.application
    key = data_of(app).get("cap_key")
    if key:
        apply_legs(ctx.session, [Void(key, f"{key}:void", application_id=str(app.id), step=ctx.action)],
                   actor=str(ctx.actor), role=ctx.actor.role)
        update_data(app, cap_key=None)
    release_cost_items(ctx)
    release_project(ctx)

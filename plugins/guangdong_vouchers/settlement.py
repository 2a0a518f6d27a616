"""A voucher from issuance to payment (§6.3 from ``settlement_submit``, §6.4): settlement, cloud-use
verification, the redemption review with the 两化融合 bonus, the settlement list's public notice,
objections, unredeemed endings and clawbacks."""

from __future__ import annotations

import datetime as dt

from huiqi.errors import WorkflowError
from huiqi.ledger import Leg, Void, apply_legs
from huiqi.ledger.base import utc_now
from huiqi.money import parse_money, yuan
from huiqi.workdays import add_calendar_days, add_working_days, working_day_on_or_after
from huiqi.workflow.engine import next_counter
from huiqi_plugins.guangdong_vouchers import budgets
from huiqi_plugins.guangdong_vouchers.common import (CITE, PLUGIN, REDEMPTION_POLICY, city_of, count_return, data_of, money_fen,
                                                     option_true, param, record_return, update_data, vouchers_of)
from huiqi_plugins.guangdong_vouchers.periods import period

SETTLEMENT_FACTS = ("invoices_issued_by_selected_supplier", "payments_received_by_selected_supplier",
                    "invoice_total_amount", "payment_total_amount", "has_passed_integration_management_assessment",
                    "has_received_provincial_integration_award")


def _period(ctx):
    return period(ctx.session, data_of(ctx.application)["period_id"])


# --- deadlines ---------------------------------------------------------------------------


def settlement_deadline(ctx) -> dt.date:
    return _period(ctx).settlement_deadline


def expiry_day(ctx) -> dt.date:
    """Never-issued applications expire at the end of the settlement deadline (or the application
    deadline with ``application_deadline_applies_to`` = issuance; I-14)."""
    p = _period(ctx)
    return p.application_deadline if param(ctx, "application_deadline_applies_to") == "issuance" else p.settlement_deadline


def returned_settlement_last_day(ctx) -> dt.date:
    """I-30: the later of the settlement deadline and the 5th working day after the return."""
    days = param(ctx, "return_resubmit_working_days")
    return max(settlement_deadline(ctx), add_working_days(ctx.application.entered_state_on, days))


def settlement_review_deadline(ctx) -> dt.date:
    return _period(ctx).settlement_review_deadline


def notice_last_day(ctx) -> dt.date:
    return dt.date.fromisoformat(data_of(ctx.application)["notice_last_day"])


# --- guards ------------------------------------------------------------------------------


def before_settlement_deadline(ctx) -> str | None:
    last = settlement_deadline(ctx)
    if ctx.today > last:
        return f"the settlement deadline {last} has passed: \"服务券逾期不兑现作废\" ({CITE} 五（六）18)"
    return None


def settlement_facts_given(ctx) -> str | None:
    facts = _settlement_facts(ctx)
    missing = [name for name in SETTLEMENT_FACTS[:4] if name not in facts]
    if missing:
        return ("attach a JSON --file with the settlement facts (" + ", ".join(missing) + " missing) beside the "
                f"invoices and payment proofs ({CITE} 五（四）11)")
    return None


def settlement_resubmit_in_time(ctx) -> str | None:
    last = returned_settlement_last_day(ctx)
    if ctx.today > last:
        return f"the time to resubmit ended on {last} (I-30)"
    return None


def verification_given(ctx) -> str | None:
    if option_true(ctx, "verified") is None:
        return "say --set verified=true or --set verified=false (the 完成情况表 mark, 五（四）13)"
    return None


def cloud_use_verified(ctx) -> str | None:
    if data_of(ctx.application).get("cloud_use", {}).get("verified") is not True:
        return f"the province has not marked cloud use as completed for this voucher ({CITE} 五（四）14 \"对标注完成…的企业结算申请进行审核\")"
    return None


def settlement_returnable(ctx) -> str | None:
    return count_return(ctx, "settlement")


def within_notice(ctx) -> str | None:
    last = notice_last_day(ctx)
    if ctx.today > last:
        return f"the public notice ended on {last}: objections are raised within it ({CITE} 五（六）22)"
    return None


def uphold_outcome(ctx) -> str | None:
    if ctx.options.get("outcome") not in ("not_settled", "re_review"):
        return "say --set outcome=not_settled (不予结算) or --set outcome=re_review (back to the city's review)"
    return None


def clawback_within_paid(ctx) -> str | None:
    data = data_of(ctx.application)
    try:
        amount = parse_money(ctx.options.get("amount"), "--set amount")
    except Exception:  # noqa: BLE001 — the reason is the message
        return "say --set amount=YUAN (the unreasonable part to recover)"
    left = data.get("paid_voucher_fen", 0) - sum(c["fen"] for c in data.get("clawbacks", []))
    if amount <= 0 or amount > left:
        return f"a clawback of {yuan(amount)} exceeds the voucher part paid not yet clawed back ({yuan(left)}; {CITE} 五（六）23)"
    return None


# --- effects -----------------------------------------------------------------------------


def _settlement_facts(ctx) -> dict:
    facts: dict = {}
    for document in ctx.options.get("documents", []):
        if isinstance(document, dict):
            facts |= document.get("facts", document)
    return {k: v for k, v in facts.items() if k in SETTLEMENT_FACTS}


def record_settlement(ctx) -> None:
    """Records the settlement facts; the first submission fixes ``settlement_applied_at`` (八（二）)."""
    app = ctx.application
    data = data_of(app)
    data["settlement_facts"] = _settlement_facts(ctx) or data.get("settlement_facts", {})
    data.setdefault("settlement_files", []).extend(ctx.files)
    if not data.get("settlement_applied_at") or not param(ctx, "resubmission_keeps_place"):
        data.update(settlement_applied_at=utc_now().isoformat(), settlement_applied_on=ctx.today.isoformat(),
                    settlement_seq=next_counter(ctx.session, f"{PLUGIN}:settlement_applications"))
    app.data = data


def record_cloud_use(ctx) -> None:
    """Only behaviour data (五（五）16): the mark, the day and the connection summary's digests."""
    update_data(ctx.application, cloud_use={"verified": bool(option_true(ctx, "verified")), "on": ctx.today.isoformat(),
                                            "by": str(ctx.actor), "evidence": list(ctx.files)})


def open_settlement_accounts(ctx) -> None:
    """prepare of city_approve_settlement: the enterprise's lifetime bonus account."""
    budgets.open_enterprise_accounts(ctx.session, ctx.application.applicant_uscc,
                                     bonus_fen=money_fen(param(ctx, "integration_bonus_amount")))


def _prior_completed_redemption(ctx) -> bool:
    """Another voucher of the enterprise completed the redemption review and was not later rejected (I-11)."""
    app = ctx.application
    return any(v.id != app.id and data_of(v).get("redemption_reviewed_on") and v.state != "settlement_rejected"
               for v in vouchers_of(ctx.session, app.applicant_uscc))


def review_redemption(ctx) -> None:
    """4.3 with the settlement facts; refused unless eligible. Records payable and bonus; reserves the bonus."""
    app = ctx.application
    uscc = app.applicant_uscc
    budgets.lock(ctx.session, budgets.awarded(uscc), budgets.bonus_account(uscc))  # one review at a time per enterprise
    data = data_of(app)
    corrected = _settlement_facts(ctx)  # the city may attach reviewed facts (a JSON --file) that replace the applicant's
    if corrected:
        data["settlement_facts"] = dict(data.get("settlement_facts", {})) | corrected
        data["reviewed_facts"] = sorted(corrected)
    facts = dict(data.get("settlement_facts", {}))
    facts.update(applicant_uscc=uscc, voucher_amount=yuan(app.award_fen),
                 is_cloud_use_verified=bool(data.get("cloud_use", {}).get("verified")),
                 has_prior_completed_redemption=_prior_completed_redemption(ctx))
    as_of = data.get("settlement_applied_on") or ctx.today.isoformat()
    result = ctx.calculator.evaluate({"policy": REDEMPTION_POLICY, "as_of": as_of, "facts": facts})
    if result.eligible is not True:
        failed = [f"{r.rule} ({r.detail})" for r in result.reasons if r.passed is not True]
        raise WorkflowError(f"application {app.id}: city_approve_settlement refused: the redemption is not "
                            f"{'decidable' if result.eligible is None else 'eligible'}: " + "; ".join(failed))
    bonus = result.award_fen - app.award_fen
    data.update(redemption=result.to_json(), redemption_reviewed_on=ctx.today.isoformat(),
                payable_fen=result.award_fen, bonus_fen=bonus)
    if bonus > 0:
        data["bonus_reservations"] = data.get("bonus_reservations", 0) + 1
        key = ctx.key(f"bonus_reserve:{data['bonus_reservations']}")
        apply_legs(ctx.session, [Leg(budgets.awarded(uscc), budgets.bonus_account(uscc), bonus, key, PLUGIN,
                                     pending=True, application_id=str(app.id), step=ctx.action, action="reserve")],
                   actor=str(ctx.actor), role=ctx.actor.role)
        data["bonus_key"] = key
    app.data = data


def settlement_returned(ctx) -> None:
    record_return(ctx, "settlement")


def end_unredeemed(ctx, *, release_quota: bool = False) -> None:
    """void, surrendered, settlement_rejected (I-13): the period cap gets the amount back, a bonus
    reservation is voided; only a surrender gives the issuance quota back (§7)."""
    app = ctx.application
    data = data_of(app)
    uscc, city, period_id = app.applicant_uscc, city_of(app.region_code), data["period_id"]
    amount = data.get("issued_fen", app.award_fen)
    legs = [Leg(budgets.period_cap(uscc, period_id), budgets.awarded(uscc), amount, ctx.key("cap_release"), PLUGIN,
                application_id=str(app.id), step=ctx.action, action="release")]
    if release_quota:
        legs.append(Leg(budgets.issuance_quota(city, period_id), budgets.issuance_source(city, period_id), amount,
                        ctx.key("quota_release"), PLUGIN, application_id=str(app.id), step=ctx.action,
                        action="release"))
    moved = None
    if data.get("bonus_key"):
        legs.append(Void(data["bonus_key"], f"{data['bonus_key']}:void", application_id=str(app.id), step=ctx.action))
        moved = _bonus_heir(ctx)
        if moved is not None:
            heir, key, bonus = moved
            legs.append(Leg(budgets.awarded(uscc), budgets.bonus_account(uscc), bonus, key, PLUGIN,
                            pending=True, application_id=str(heir.id), step=ctx.action, action="reserve"))
        data["bonus_fen"], data["payable_fen"] = 0, amount
    apply_legs(ctx.session, legs, actor=str(ctx.actor), role=ctx.actor.role)
    if moved is not None:
        ctx.payload["bonus_moved_to"] = moved[0].id
    data["unredeemed_on"] = _unredeemed_day(ctx).isoformat()
    data["unredeemed_outcome"] = {"enterprise_surrender": "surrendered"}.get(ctx.action, "void")
    app.data = data


BONUS_HEIR_STATES = ("settlement_approved", "in_public_notice", "under_objection", "objection_at_province", "payable")


def _bonus_heir(ctx):
    """§6.3 bonus reassignment: the enterprise's earliest other voucher past its redemption review
    that carries no bonus and met the other conditions of 4.3 at its review gets the bonus; it is
    locked and re-decided here, in this step's transaction. None: the next voucher to complete its
    review gets it (it then finds no completed review before it)."""
    from huiqi.workflow.engine import lock_application

    app = ctx.application
    candidates = [v for v in vouchers_of(ctx.session, app.applicant_uscc)
                  if v.id != app.id and v.state in BONUS_HEIR_STATES and not data_of(v).get("bonus_fen")]
    candidates.sort(key=lambda v: (data_of(v).get("settlement_applied_on") or "", data_of(v).get("settlement_seq") or 0, v.id))
    for candidate in candidates:
        heir = lock_application(ctx.session, candidate.id)
        data = data_of(heir)
        facts = dict(data.get("settlement_facts", {}))
        facts.update(applicant_uscc=heir.applicant_uscc, voucher_amount=yuan(heir.award_fen),
                     is_cloud_use_verified=bool(data.get("cloud_use", {}).get("verified")),
                     has_prior_completed_redemption=False)
        result = ctx.calculator.evaluate({"policy": REDEMPTION_POLICY, "as_of": data.get("settlement_applied_on"),
                                          "facts": facts})
        bonus = result.award_fen - heir.award_fen if result.eligible else 0
        if bonus > 0:
            key = f"{heir.policy}:{heir.id}:bonus_moved_from:{app.id}"
            data.update(redemption=result.to_json(), payable_fen=result.award_fen, bonus_fen=bonus, bonus_key=key,
                        bonus_moved_from=app.id)
            heir.data = data
            return heir, key, bonus
    return None


def _unredeemed_day(ctx) -> dt.date:
    """The day a voucher ended unredeemed (五（六）19, §6.6): a lapse happens at 24:00 of its last day
    (the settlement deadline, or the end of a returned settlement's window), whenever tick runs."""
    if ctx.action == "lapse":
        last = settlement_deadline(ctx) if ctx.application.state == "issued" else returned_settlement_last_day(ctx)
        return min(last, ctx.today)
    return ctx.today


def surrender(ctx) -> None:
    end_unredeemed(ctx, release_quota=True)


def reject_settlement(ctx) -> None:
    end_unredeemed(ctx)
    update_data(ctx.application, unredeemed_outcome="settlement_rejected")


def publish(ctx) -> None:
    """The city's settlement list (五（四）14): publication day P, notice to P + 7 calendar days, moved
    to the next working day (I-18); the city may set a later last day."""
    app = ctx.application
    last = add_calendar_days(ctx.today, param(ctx, "notice_min_calendar_days"))
    if param(ctx, "notice_extend_to_working_day"):
        last = working_day_on_or_after(last)
    chosen = ctx.options.get("last_day")
    if chosen:
        chosen = dt.date.fromisoformat(str(chosen))
        if chosen < last:
            raise WorkflowError(f"application {app.id}: city_publish_settlement_list refused: the notice must run to "
                                f"{last} at least ({CITE} 五（六）22 \"公示期不少于7天\"; I-18)")
        last = chosen
    batch = ctx.options.get("batch") or [app.id]
    update_data(app, settlement_list=ctx.options.get("list_id") or f"{city_of(app.region_code)}-{ctx.today}-{batch[0]}",
                published_on=ctx.today.isoformat(), notice_last_day=last.isoformat(),
                notice_urls=[u for u in str(ctx.options.get("urls", "")).split(" ") if u])


def record_objection(ctx) -> None:
    data = data_of(ctx.application)
    data.setdefault("objections", []).append({"by": str(ctx.actor), "on": ctx.today.isoformat(), "note": ctx.note,
                                              "files": list(ctx.files), "open": True})
    ctx.application.data = data


def close_objections(outcome: str):
    def effect(ctx) -> None:
        data = data_of(ctx.application)
        for objection in data.get("objections", []):
            if objection.get("open"):
                objection.update(open=False, outcome=outcome, answered_on=ctx.today.isoformat(), answer=ctx.note,
                                 by=objection["by"], decided_by=str(ctx.actor))
        ctx.application.data = data
        if outcome == "upheld" and ctx.options.get("outcome") == "not_settled":
            reject_settlement(ctx)
        elif outcome == "upheld":
            back_to_review(ctx)
    effect.__name__ = f"close_objections_{outcome}"
    return effect


def back_to_review(ctx) -> None:
    """An upheld objection sends the settlement back to the city's review of corrected facts: the
    review decides again, so its bonus reservation is released first."""
    app = ctx.application
    data = data_of(app)
    if data.get("bonus_key"):
        key = data["bonus_key"]
        apply_legs(ctx.session, [Void(key, f"{key}:void", application_id=str(app.id), step=ctx.action)],
                   actor=str(ctx.actor), role=ctx.actor.role)
    data.update(bonus_key=None, bonus_fen=0, payable_fen=None, redemption_reviewed_on=None)
    app.data = data


def escalate(ctx) -> None:
    update_data(ctx.application, escalated_on=ctx.today.isoformat())


def record_site_check(ctx) -> None:
    data = data_of(ctx.application)
    data.setdefault("site_checks", []).append({"expert": ctx.actor.scope, "on": ctx.today.isoformat(), "note": ctx.note,
                                               "files": list(ctx.files)})
    ctx.application.data = data


def assign_expert(ctx) -> None:
    data = data_of(ctx.application)
    data["assigned"] = sorted(set(data.get("assigned", [])) | {str(ctx.options["expert"])})
    ctx.application.data = data


def after_dismissal(ctx) -> str:
    return "in_public_notice" if ctx.today <= notice_last_day(ctx) else "payable"


def after_upheld(ctx) -> str:
    return "settlement_rejected" if ctx.options.get("outcome") == "not_settled" else "settlement_awaiting_city"


def open_clawback_account(ctx) -> None:
    from huiqi.ledger import open_account

    open_account(ctx.session, code=budgets.clawback_receivable(ctx.application.applicant_uscc), kind="receivable",
                 plugin=PLUGIN, owner=ctx.application.applicant_uscc)


def clawback(ctx) -> None:
    app = ctx.application
    data = data_of(app)
    amount = parse_money(ctx.options["amount"], "--set amount")
    n = len(data.get("clawbacks", [])) + 1
    apply_legs(ctx.session, [Leg(budgets.paid_out(app.applicant_uscc), budgets.clawback_receivable(app.applicant_uscc),
                                 amount, ctx.key(f"clawback:{n}"), PLUGIN, application_id=str(app.id), step=ctx.action,
                                 action="clawback")], actor=str(ctx.actor), role=ctx.actor.role)
    data.setdefault("clawbacks", []).append({"fen": amount, "on": ctx.today.isoformat(), "by": str(ctx.actor),
                                             "note": ctx.note, "files": list(ctx.files)})
    data["clawback_fen"] = sum(c["fen"] for c in data["clawbacks"])
    app.data = data

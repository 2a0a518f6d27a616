"""Payout (§7 先到先得 under 总额控制): the order, one voucher's payment, and carry-over.

``huiqi payout run --as city:<code>`` pays the city's ``payable`` vouchers from
``city_fund:<city>``, pilot-marked first (六（四）), then carried-over ones (八（二）), then by
settlement-application time (resubmission keeps the place), ties by voucher id; each voucher
whole (voucher and bonus together) or not at all; the run stops at the first voucher the fund
cannot cover and the rest are carried over with priority (I-20). Vouchers under objection are
not ``payable`` and so are not paid ("可先兑付结算不涉及异议的其他服务券").
"""

from __future__ import annotations

import datetime as dt
import functools

from huiqi.ledger import Leg, Post, apply_legs
from huiqi.ledger.base import utc_now
from huiqi_plugins.guangdong_vouchers import budgets
from huiqi_plugins.guangdong_vouchers.common import DEFAULTS, PLUGIN, city_of, data_of, update_data


@functools.lru_cache(maxsize=1)
def _priority_order() -> tuple[str, ...]:
    try:
        from huiqi_plugins.guangdong_vouchers.document import document

        params = document().parameters.at(dt.date.today())
        return tuple(params["payout_priority_order"])
    except Exception:  # noqa: BLE001 — a deployment without the row uses the spec's order
        return tuple(DEFAULTS["payout_priority_order"])


def payout_order(app) -> tuple:
    data = app.data or {}
    keys = {"pilot": 0 if data.get("pilot_mark") else 1,
            "carried_over": 0 if data.get("carried_over") else 1,
            "settlement_applied_at": (data.get("settlement_applied_on") or "9999-12-31", data.get("settlement_seq") or 0)}
    return tuple(keys[name] for name in _priority_order()) + (app.id,)


def payout_group(app) -> str:
    return city_of(app.region_code)


def pay(ctx) -> None:
    """city_fund → paid_out: the voucher and the bonus as two transfers, paid together or not at all."""
    app = ctx.application
    data = data_of(app)
    uscc, city = app.applicant_uscc, city_of(app.region_code)
    voucher_fen = data.get("issued_fen", app.award_fen)
    bonus_fen = data.get("bonus_fen", 0)
    legs = [Leg(budgets.city_fund(city), budgets.paid_out(uscc), voucher_fen, ctx.key("voucher"), PLUGIN,
                application_id=str(app.id), step="payout", action="payout")]
    if bonus_fen:
        legs.append(Leg(budgets.city_fund(city), budgets.paid_out(uscc), bonus_fen, ctx.key("bonus"), PLUGIN,
                        application_id=str(app.id), step="payout", action="payout"))
        legs.append(Post(data["bonus_key"], f"{data['bonus_key']}:post", application_id=str(app.id), step="payout"))
    if data.get("carried_over") and data.get("carry_key"):
        legs.append(Leg(budgets.carried_over(city), budgets.carry_source(city), voucher_fen + bonus_fen,
                        ctx.key("carry_paid"), PLUGIN, application_id=str(app.id), step="payout", action="carry_paid"))
    apply_legs(ctx.session, legs, actor=str(ctx.actor), role=ctx.actor.role)
    update_data(app, paid_on=ctx.today.isoformat(), paid_at=utc_now().isoformat(), paid_voucher_fen=voucher_fen,
                paid_bonus_fen=bonus_fen)
    ctx.payload["paid_fen"] = voucher_fen + bonus_fen


def carry_over(ctx) -> None:
    """Not paid for lack of funds: the amount shows on city_carried_over:<city> until it is paid (八（二）)."""
    app = ctx.application
    data = data_of(app)
    city = city_of(app.region_code)
    amount = data.get("issued_fen", app.award_fen) + data.get("bonus_fen", 0)
    key = ctx.key("carry")
    apply_legs(ctx.session, [Leg(budgets.carry_source(city), budgets.carried_over(city), amount, key, PLUGIN,
                                 application_id=str(app.id), step="carry_over", action="carry_over")],
               actor=str(ctx.actor), role=ctx.actor.role)
    data.update(carried_over=True, carry_key=key, carried_over_on=ctx.today.isoformat())
    app.data = data

"""Budgets in the ledger (§7): the province's allocation to cities, each city's issuance quota and
fund, every enterprise's period cap and lifetime bonus, payouts, carry-overs and clawbacks.

Accounts (all of plugin ``guangdong_vouchers``, codes ``guangdong_vouchers/<name>``):

| account | kind | limit | moves |
|---|---|---|---|
| ``source`` | source | none | where the province's money comes from |
| ``city_fund:<city>`` | budget | floor 0 (总额控制: never negative) | funded by allocation; paid out |
| ``city_issuance_quota:<city>:<period>`` | quota | ceiling target × issuance ratio (八（二）) | issued amounts posted at ``city_approve``; a surrender gives its amount back |
| ``city_issuance_source:<city>:<period>`` | source | none | the other side of the quota |
| ``city_carried_over:<city>`` | memo | none | payable vouchers a run could not pay (八（二）), until paid |
| ``city_carry_source:<city>`` | source | none | the other side of carry-overs |
| ``enterprise_period_cap:<uscc>:<period>`` | cap | ceiling = the catalogue's period cap (四（四）3) | reserved at submission, posted at issuance, given back when the voucher ends unredeemed |
| ``integration_bonus:<uscc>`` | cap | ceiling 200,000.00 for the enterprise's life (四（四）5) | reserved at the redemption review, posted at payout |
| ``enterprise_awarded:<uscc>`` | source | none | the other side of the cap and bonus accounts |
| ``paid_out:<uscc>`` | payable | none | what the enterprise was paid |
| ``clawback_receivable:<uscc>`` | receivable | none | what is to be recovered (五（六）23) |
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from huiqi.ledger import find_account, open_account, set_limits
from huiqi.ledger.limits import lock_accounts
from huiqi.money import percent_of
from huiqi_plugins.guangdong_vouchers.common import PLUGIN, PRE_ISSUANCE, VOUCHER_POLICY
from huiqi.workflow.models import Application


def code(name: str, *parts: str) -> str:
    return f"{PLUGIN}/{name}" + "".join(f":{part}" for part in parts)


SOURCE = code("source")


def city_fund(city: str) -> str:
    return code("city_fund", city)


def issuance_quota(city: str, period_id: str) -> str:
    return code("city_issuance_quota", city, period_id)


def issuance_source(city: str, period_id: str) -> str:
    return code("city_issuance_source", city, period_id)


def carried_over(city: str) -> str:
    return code("city_carried_over", city)


def carry_source(city: str) -> str:
    return code("city_carry_source", city)


def period_cap(uscc: str, period_id: str) -> str:
    return code("enterprise_period_cap", uscc, period_id)


def bonus_account(uscc: str) -> str:
    return code("integration_bonus", uscc)


def awarded(uscc: str) -> str:
    return code("enterprise_awarded", uscc)


def paid_out(uscc: str) -> str:
    return code("paid_out", uscc)


def clawback_receivable(uscc: str) -> str:
    return code("clawback_receivable", uscc)


def used(session, account_code: str) -> int:
    """What a ceiling account holds (posted and reserved credits less posted debits)."""
    account = find_account(session, account_code)
    return 0 if account is None else account.credits_posted + account.credits_pending - account.debits_posted


def lock(session, *codes: str) -> None:
    """Lock accounts in id order before reading them for a decision (a step's first ledger lock)."""
    lock_accounts(session, codes)


def issuance_limit(target_fen: int, ratio_percent: int) -> int:
    """target × issuance_ratio_percent / 100, half-up to the fen (§7, 八（二）)."""
    return percent_of(target_fen, ratio_percent)


def open_city_accounts(session, city: str, period_id: str, limit_fen: int, *, actor: str) -> None:
    """Open (or re-limit) the city's accounts for a period; a transaction of its own (no transfer in it)."""
    open_account(session, code=SOURCE, kind="source", plugin=PLUGIN, actor=actor, role="province")
    for account, kind, floor in ((city_fund(city), "budget", 0),
                                 (issuance_source(city, period_id), "source", None),
                                 (carried_over(city), "memo", None), (carry_source(city), "source", None)):
        open_account(session, code=account, kind=kind, plugin=PLUGIN, owner=city, floor_fen=floor, actor=actor,
                     role="province")
    quota = issuance_quota(city, period_id)
    existing = find_account(session, quota)
    if existing is None:
        open_account(session, code=quota, kind="quota", plugin=PLUGIN, owner=city, ceiling_fen=limit_fen,
                     title=f"issuance limit of {city} in period {period_id}", actor=actor, role="province")
    elif existing.ceiling_fen != limit_fen:
        set_limits(session, quota, floor_fen=None, ceiling_fen=limit_fen, actor=actor, role="province",
                   note="allocation adjusted (五（五）17)")


def open_enterprise_accounts(session, uscc: str, *, period_id: str | None = None, cap_fen: int | None = None,
                             bonus_fen: int | None = None) -> None:
    """The enterprise's accounts a step will use; idempotent, in a transaction before the step."""
    open_account(session, code=awarded(uscc), kind="source", plugin=PLUGIN, owner=uscc)
    open_account(session, code=paid_out(uscc), kind="payable", plugin=PLUGIN, owner=uscc)
    if period_id is not None and cap_fen is not None:
        account = period_cap(uscc, period_id)
        existing = find_account(session, account)
        if existing is None:
            open_account(session, code=account, kind="cap", plugin=PLUGIN, owner=uscc, ceiling_fen=cap_fen)
        elif existing.ceiling_fen != cap_fen and used(session, account) <= cap_fen:
            # a newer catalogue version's cap applies to the vouchers applied for under it (四（四）4)
            set_limits(session, account, floor_fen=None, ceiling_fen=cap_fen, note="catalogue version's period cap")
    if bonus_fen is not None:
        open_account(session, code=bonus_account(uscc), kind="cap", plugin=PLUGIN, owner=uscc, ceiling_fen=bonus_fen)


def city_budget(session, city: str, period_id: str, target_fen: int | None, ratio: int | None) -> dict[str, Any]:
    """One row of ``huiqi vouchers budget``: the city's figures for one period, from the ledger."""
    quota = find_account(session, issuance_quota(city, period_id))
    fund = find_account(session, city_fund(city))
    carried = find_account(session, carried_over(city))
    reserved = session.execute(select(func.coalesce(func.sum(Application.award_fen), 0)).where(
        Application.policy == VOUCHER_POLICY, Application.state.in_(PRE_ISSUANCE),
        Application.round_key == period_id, Application.region_code.startswith(city[:4]))).scalar_one()
    return {
        "city": city, "period": period_id, "target": target_fen, "issuance_ratio_percent": ratio,
        "issuance_limit": quota.ceiling_fen if quota else None,
        "issued": (quota.credits_posted - quota.debits_posted) if quota else 0,
        "reserved": int(reserved),
        "fund_received": fund.credits_posted if fund else 0,
        "paid": fund.debits_posted if fund else 0,
        "fund_balance": fund.balance if fund else 0,
        "carried_over": carried.balance if carried else 0,
    }

"""``huiqi vouchers …``: the programme administration of §6.5 (periods, allocations, settlement
lists, annual targets, spot checks, complaints) and the budget view of §7.

Voucher, registration and settlement steps go through the core ``huiqi apply / act / tick /
payout run``; these commands cover what acts on a period, a city or a batch of vouchers.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import InputError, WorkflowError
from huiqi.facts import parse_date
from huiqi.ledger.db import transaction
from huiqi.money import parse_money, yuan, yuan_grouped
from huiqi.workflow.actors import parse_actor

CITE = "002 上云上平台服务券方案"


def _actor(text: str, role: str, action: str):
    actor = parse_actor(text)
    if actor.role != role:
        raise WorkflowError(f"{action} refused: wrong role — {actor.role} may not take this step; allowed: {role}"
                            + (":<city>" if role == "city" else ""))
    if role == "city" and not (actor.scope and len(actor.scope) == 6 and actor.scope.isdigit() and actor.scope.endswith("00")):
        raise WorkflowError(f"{action} refused: wrong scope — city needs its city code (city:440100)")
    return actor


def _day(value: str | None, field: str) -> dt.date:
    from huiqi.workflow.engine import today_in_shanghai

    return today_in_shanghai() if value is None else parse_date(value, field)


def _document(app: AppContext):
    document = app.registry.document("guangdong_vouchers")
    app.registry.resolve("guangdong_vouchers.voucher_award")  # refuses when the plugin is disabled
    return document


@click.group()
def vouchers() -> None:
    """广东 上云上平台服务券: periods, allocations to cities, settlement lists, budgets (§6.5, §7)."""


@vouchers.command("announce-period")
@click.argument("period_id")
@click.option("--as", "actor", required=True, help="province")
@click.option("--label", required=True, help="e.g. 2018年第一批")
@click.option("--announced-on", help="Day of the announcement on the platform (default: today).")
@click.option("--opens", required=True, help="application_opens YYYY-MM-DD")
@click.option("--application-deadline", required=True)
@click.option("--settlement-deadline", required=True)
@click.option("--review-deadline", required=True, help="settlement_review_deadline (服务平台通知的时间)")
@click.option("--issuance-ratio", type=int, help="Percent of the target the city may issue (100–200; default: the parameter).")
@click.option("--sample", is_flag=True, help="Mark the period as illustrative sample data.")
@click.option("--note")
@pass_app
def announce_period(app: AppContext, period_id, actor, label, announced_on, opens, application_deadline,
                    settlement_deadline, review_deadline, issuance_ratio, sample, note):
    """province_announce_period: create or change a period (五（六）18: deadlines ≥ 30 days ahead)."""
    from huiqi_plugins.guangdong_vouchers.common import param
    from huiqi_plugins.guangdong_vouchers.periods import Period, announce

    who = _actor(actor, "province", "province_announce_period")
    if issuance_ratio is not None and not 100 <= issuance_ratio <= 200:
        raise InputError("--issuance-ratio", issuance_ratio, f"a percentage from 100 to 200 ({CITE} 八（二） 1至2倍)")
    period = Period(period_id, label, _day(announced_on, "--announced-on"), parse_date(opens, "--opens"),
                    parse_date(application_deadline, "--application-deadline"),
                    parse_date(settlement_deadline, "--settlement-deadline"),
                    parse_date(review_deadline, "--review-deadline"), issuance_ratio, sample)
    params = _document(app).parameters.at(period.announced_on)
    with transaction(app.ready_engine()) as session:
        announce(session, period, actor=str(who), notice_min_days=param(params, "deadline_notice_min_days"), note=note)
    click.echo(f"period {period_id} {label}: applications {period.application_opens}–{period.application_deadline}, "
               f"settlement by {period.settlement_deadline}, review by {period.settlement_review_deadline}")


@vouchers.command("periods")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def list_periods(app: AppContext, fmt):
    """The announced periods (deadline_announcements)."""
    from huiqi_plugins.guangdong_vouchers.periods import periods

    _document(app)
    with transaction(app.ready_engine(), read_only=True) as session:
        found = [p.to_json() for p in periods(session)]
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for p in found:
        click.echo(f"{p['period_id']}\t{p['label']}\tannounced {p['announced_on']}\twindow {p['application_opens']}–"
                   f"{p['application_deadline']}\tsettlement {p['settlement_deadline']}\treview {p['settlement_review_deadline']}"
                   + ("\t(sample data)" if p["sample"] else ""))
    click.echo(f"{len(found)} period(s)")


@vouchers.command("allocate")
@click.argument("period_id")
@click.argument("city")
@click.option("--as", "actor", required=True, help="province")
@click.option("--target", "target", required=True, help="The city's target amount for the period, yuan (五（一）1).")
@click.option("--funds", default="0", show_default=True, help="Funds transferred to the city's fund now, yuan.")
@click.option("--pilot-funds", default="0", show_default=True, help="The pilot funds sent with it (六（四）), yuan; labelled in the ledger.")
@click.option("--key", required=True, help="Idempotency key naming this allocation (the budget document number).")
@click.option("--on", "on", help="Day of the allocation (default: today).")
@pass_app
def allocate(app: AppContext, period_id, city, actor, target, funds, pilot_funds, key, on):
    """province_allocate_to_city: the city's issuance limit (target × ratio, 八（二）) and its funds."""
    from huiqi.ledger import fund
    from huiqi_plugins.guangdong_vouchers import budgets
    from huiqi_plugins.guangdong_vouchers.common import PLUGIN, param
    from huiqi_plugins.guangdong_vouchers.periods import ALLOCATION, period, record

    who = _actor(actor, "province", "province_allocate_to_city")
    if not (len(city) == 6 and city.isdigit() and city.startswith("44") and city.endswith("00") and city != "440000"):
        raise InputError("CITY", city, "a Guangdong city code such as 440100")
    target_fen = parse_money(target, "--target")
    funds_fen, pilot_fen = parse_money(funds, "--funds"), parse_money(pilot_funds, "--pilot-funds")
    day = _day(on, "--on")
    engine = app.ready_engine()
    with transaction(engine, read_only=True) as session:
        chosen = period(session, period_id)
    ratio = chosen.issuance_ratio_percent or param(_document(app).parameters.at(day), "issuance_ratio_percent")
    limit = budgets.issuance_limit(target_fen, ratio)
    with transaction(engine) as session:  # accounts first, in a transaction of their own
        budgets.open_city_accounts(session, city, period_id, limit, actor=str(who))
        record(session, ALLOCATION, f"{period_id}:{city}",
               {"period": period_id, "city": city, "target_fen": target_fen, "issuance_ratio_percent": ratio,
                "issuance_limit_fen": limit, "funds_fen": funds_fen, "pilot_funds_fen": pilot_fen, "key": key},
               actor=str(who), role="province", action="province_allocate_to_city")
    with transaction(engine) as session:
        for amount, suffix, memo in ((funds_fen, "funds", "target funds"), (pilot_fen, "pilot", "pilot funds (六（四）)")):
            if amount:
                fund(session, source=budgets.SOURCE, account=budgets.city_fund(city), amount_fen=amount,
                     idempotency_key=f"{PLUGIN}:allocate:{key}:{suffix}", plugin=PLUGIN, memo=memo,
                     step="province_allocate_to_city", actor=str(who), role="province")
    click.echo(f"{city} period {period_id}: target {yuan_grouped(target_fen)} × {ratio}% = issuance limit "
               f"{yuan_grouped(limit)}; funds {yuan_grouped(funds_fen)} + pilot {yuan_grouped(pilot_fen)}")


@vouchers.command("budget")
@click.option("--period", "period_id", help="Only this period.")
@click.option("--city", help="Only this city.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def budget(app: AppContext, period_id, city, fmt):
    """Each city's target, issuance limit, issued, reserved, paid, carried over and fund balance (§7)."""
    from huiqi_plugins.guangdong_vouchers.budgets import city_budget
    from huiqi_plugins.guangdong_vouchers.periods import ALLOCATION, latest_records

    _document(app)
    with transaction(app.ready_engine(), read_only=True) as session:
        allocations = latest_records(session, ALLOCATION)
        rows = [city_budget(session, a["city"], a["period"], a["target_fen"], a["issuance_ratio_percent"])
                for a in allocations.values()
                if (period_id is None or a["period"] == period_id) and (city is None or a["city"] == city)]
    rows.sort(key=lambda r: (r["period"], r["city"]))
    if fmt == "json":
        click.echo(json.dumps([{k: (yuan(v) if isinstance(v, int) and k not in ("issuance_ratio_percent",) else v)
                                 for k, v in r.items()} for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['period']}\t{r['city']}\ttarget {yuan_grouped(r['target'])}\tlimit {yuan_grouped(r['issuance_limit'] or 0)}"
                   f"\tissued {yuan_grouped(r['issued'])}\treserved {yuan_grouped(r['reserved'])}\tpaid {yuan_grouped(r['paid'])}"
                   f"\tcarried over {yuan_grouped(r['carried_over'])}\tfund {yuan_grouped(r['fund_balance'])}")
    click.echo(f"{len(rows)} allocation(s)")


@vouchers.command("publish-settlement-list")
@click.option("--as", "actor", required=True, help="city:<code>")
@click.option("--voucher", "voucher_ids", multiple=True, type=int, help="A voucher to list (repeatable; default: every settlement_approved voucher of the city).")
@click.option("--url", "urls", multiple=True, help="Where the list is published (platform, the bureau's website).")
@click.option("--last-day", help="A notice last day later than the minimum.")
@click.option("--on", "on", help="Publication day (default: today).")
@pass_app
def publish_settlement_list(app: AppContext, actor, voucher_ids, urls, last_day, on):
    """city_publish_settlement_list: one batch step on the city's approved settlements (五（四）14, 五（六）22)."""
    from sqlalchemy import select

    from huiqi.workflow.engine import act_batch
    from huiqi.workflow.models import Application
    from huiqi_plugins.guangdong_vouchers.common import VOUCHER_POLICY

    who = _actor(actor, "city", "city_publish_settlement_list")
    day = _day(on, "--on")
    engine = app.ready_engine()
    with transaction(engine, read_only=True) as session:
        ids = list(voucher_ids) or list(session.execute(select(Application.id).where(
            Application.policy == VOUCHER_POLICY, Application.state == "settlement_approved",
            Application.region_code.startswith(who.scope[:4]))).scalars())
    if not ids:
        raise WorkflowError(f"city_publish_settlement_list refused: {who.scope} has no settlement_approved voucher")
    options = {"urls": " ".join(urls), "list_id": f"{who.scope}-{day}-{min(ids)}"}
    if last_day:
        options["last_day"] = parse_date(last_day, "--last-day").isoformat()
    with transaction(engine) as session:
        done = act_batch(session, app_ids=ids, action_name="city_publish_settlement_list", actor=who,
                         workflows=app.workflows.by_name, registry=app.registry, calculator=app.calculator(),
                         today=day, options=options)
        last = done[0].data["notice_last_day"]
    click.echo(f"settlement list {options['list_id']}: {len(done)} voucher(s) {', '.join(str(a.id) for a in done)}; "
               f"published {day}, notice to {last} inclusive")


@vouchers.command("set-annual-target")
@click.argument("year", type=int)
@click.argument("city")
@click.option("--as", "actor", required=True, help="province")
@click.option("--enterprises", type=int, required=True, help="Enterprises to support in the year (五（一）1).")
@pass_app
def set_annual_target(app: AppContext, year, city, actor, enterprises):
    """province_set_annual_target: the year's 上云上平台 target of a city."""
    from huiqi_plugins.guangdong_vouchers.periods import ANNUAL_TARGET, record

    who = _actor(actor, "province", "province_set_annual_target")
    _document(app)
    with transaction(app.ready_engine()) as session:
        record(session, ANNUAL_TARGET, f"{year}:{city}", {"year": year, "city": city, "enterprises": enterprises},
               actor=str(who), role="province", action="province_set_annual_target")
    click.echo(f"{year} {city}: {enterprises} enterprises")


@vouchers.command("record-spot-check")
@click.argument("enterprise")
@click.option("--as", "actor", required=True, help="province or city:<code>")
@click.option("--supplier", help="The supplier's USCC.")
@click.option("--rating", required=True)
@click.option("--note", required=True, help="Findings.")
@click.option("--on", "on")
@pass_app
def record_spot_check(app: AppContext, enterprise, actor, supplier, rating, note, on):
    """record_spot_check (五（五）16 不定期现场抽查)."""
    from huiqi_plugins.guangdong_vouchers.periods import SPOT_CHECK, record

    who = parse_actor(actor)
    if who.role not in ("province", "city"):
        raise WorkflowError(f"record_spot_check refused: wrong role — {who.role}; allowed: province, city:<city>")
    _document(app)
    day = _day(on, "--on")
    with transaction(app.ready_engine()) as session:
        record(session, SPOT_CHECK, f"{enterprise}:{day}", {"enterprise": enterprise, "supplier": supplier,
                                                            "rating": rating, "on": day.isoformat()},
               actor=str(who), role=who.role, action="record_spot_check", note=note)
    click.echo(f"spot check of {enterprise} on {day} recorded")


@vouchers.command("record-complaint")
@click.option("--as", "actor", default="public", show_default=True)
@click.option("--subject", required=True)
@click.option("--note", required=True)
@click.option("--on", "on")
@pass_app
def record_complaint(app: AppContext, actor, subject, note, on):
    """record_complaint (八（五） 监督电话及留言)."""
    from huiqi_plugins.guangdong_vouchers.periods import COMPLAINT, record

    who = parse_actor(actor)
    _document(app)
    day = _day(on, "--on")
    with transaction(app.ready_engine()) as session:
        record(session, COMPLAINT, f"{day}:{subject}"[:200], {"subject": subject, "on": day.isoformat()},
               actor=str(who), role=who.role, action="record_complaint", note=note)
    click.echo(f"complaint recorded ({day})")


@vouchers.command("publish-catalogue")
@click.option("--as", "actor", required=True)
def publish_catalogue(actor):
    """province_publish_catalogue — not a runtime step: the catalogue is parameter data."""
    raise WorkflowError("province_publish_catalogue is not implemented as a runtime step: catalogue versions are dated "
                        "parameter data — add the version to the catalogue file named in huiqi.toml "
                        "[guangdong_vouchers] catalogue (or a [parameters] row), with an effective_from not before today")

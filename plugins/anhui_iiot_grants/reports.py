"""The reports of spec §8: award schedule (R1), public notice list (R2), payout list (R3), review sheet (R4),
performance evaluation (R5) and the action plan's KPI dashboard (R8). R6, R7 and R9 are not built yet."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from importlib.resources import files

import attrs

from sqlalchemy import select

from huiqi.ledger import list_accounts
from huiqi.ledger.models import accounts, transfers
from huiqi.money import parse_money
from huiqi.reports import Chart, Column, Report, ReportContext, ReportData, Table, mask_uscc
from huiqi.reports.generic import state_zh
from huiqi.reports.kpis import dashboard_rows
from huiqi.reports.queries import APPROVED_STATES, applications, city_label, entity_names, step_days
from huiqi.workdays import add_working_days
from huiqi_plugins.anhui_iiot_grants.document import NAME, document
from huiqi_plugins.anhui_iiot_grants.workflow import CAP_UNIT

TEMPLATES = files("huiqi_plugins.anhui_iiot_grants") / "templates"
L58 = "003 支持工业互联网发展若干政策 （结语） L58"
SCHEDULED = ("in_public_notice",) + APPROVED_STATES
# The amount each measure's award is computed from (spec §4); fixed and tiered awards have none.
BASE_FACT = {
    "equipment_upgrade": "equipment_purchase_amount", "loan_interest_subsidy": "loan_principal_amount",
    "identifier_node": "project_investment_amount", "innovation_carrier": "project_investment_amount",
    "security_classification": "project_investment_amount", "ic_first_tapeout": "tapeout_contract_amount",
    "ic_rd_equipment": "rd_equipment_purchase_amount", "ic_industrialisation": "key_equipment_purchase_amount",
    "platform_cross_industry": "reviewed_award_amount", "platform_industry_regional_professional": "reviewed_award_amount",
    "service_provider_pool": "reviewed_award_amount",
}
CAP_PARAM = {
    "equipment_upgrade": "equipment_upgrade_cap", "identifier_node": "identifier_node_cap",
    "innovation_carrier": "innovation_carrier_cap", "security_classification": "security_classification_cap",
    "service_provider_pool": "pool_award_cap", **{m: p for m, (p, _, _) in CAP_UNIT.items()},
}
REVIEWED = ("platform_cross_industry", "platform_industry_regional_professional", "service_provider_pool",
            "identifier_node", "innovation_carrier", "security_classification")
TIER_FACT = {"capability_assessment": "capability_level", "smart_manufacturing": "provincial_recognition"}
OFFICIALS = ("provincial_bureau", "provincial_finance", "auditor", "city_bureau")


def _measure(app) -> str:
    return app.policy.split(".", 1)[1]


def _title(app) -> str:
    measure = document().measure(_measure(app))
    return measure.title if measure else app.policy


def _money_fact(app, name: str) -> int | None:
    value = (app.facts or {}).get(name)
    return None if value is None else parse_money(value, name)


def _calculation(app) -> str:
    """The calculator's words for the award (rate × base, tier, the cap that decided it)."""
    reasons = (app.result or {}).get("reasons", [])
    formula = [r for r in reasons if r["rule"].endswith((".rate", ".tier"))]
    if formula:
        return formula[-1]["detail"]
    if _measure(app) in BASE_FACT:  # a reviewed amount: the words say which limit applied
        return next((r["detail"] for r in reasons if r["rule"].endswith(".award_positive")), "")
    return "定额奖补"


def at_cap(app) -> bool:
    """The award reached its cap: the award itself, or (cumulative caps) the prior awards plus this one."""
    measure = _measure(app)
    if measure not in CAP_PARAM or app.award_fen <= 0:
        return False
    cap = document().parameters.at(app.as_of)[CAP_PARAM[measure]]
    prior = (_money_fact(app, "prior_award_amount") or 0) if measure in CAP_UNIT else 0
    return prior + app.award_fen >= cap


def _names(ctx, apps) -> dict[str, str]:
    return entity_names(ctx.session, [a.applicant_uscc for a in apps])


def _by_measure_chart(title: str) -> Chart:
    return Chart("barh", title, x="measure", y=("award",), value_kind="money")


# --- R1 award_schedule -------------------------------------------------------------------


def build_award_schedule(ctx: ReportContext) -> ReportData:
    apps = sorted(applications(ctx, plugin=NAME, states=SCHEDULED), key=lambda a: (a.round_key or "", a.policy, a.id))
    names = _names(ctx, apps)
    rows = tuple({
        "round": a.round_key, "measure_id": _measure(a), "measure": _title(a), "applicant": names.get(a.applicant_uscc, ""),
        "uscc": ctx.show_uscc(a.applicant_uscc), "city": city_label(a.region_code), "subject": a.project_code or "",
        "base": _money_fact(a, BASE_FACT[_measure(a)]) if _measure(a) in BASE_FACT else None,
        "calculation": _calculation(a), "at_cap": "是" if at_cap(a) else "", "award": a.award_fen,
        "state": state_zh(a.state), "citation": document().measure(_measure(a)).citation,
    } for a in apps)
    columns = (Column("round", "年度"), Column("measure_id", "措施代码"), Column("measure", "措施"),
               Column("applicant", "申请人"), Column("uscc", "统一社会信用代码"), Column("city", "城市"),
               Column("subject", "平台/项目"), Column("base", "计算基数", "money"), Column("calculation", "计算过程"),
               Column("at_cap", "封顶"), Column("award", "奖补金额", "money"), Column("state", "状态"),
               Column("citation", "依据"))
    return ReportData(columns, rows, totals=("award",), charts=(_by_measure_chart("奖补金额（按措施，万元）"),) if rows else (),
                      notes=("列出经省级批准（含公示中）且未撤销的奖补；期间按申请日筛选。",
                             "计算过程为计算器的说明；“封顶”表示奖补达到该措施的上限（累计上限含此前奖补）。"))


# --- R2 public_notice_list ---------------------------------------------------------------


def build_public_notice_list(ctx: ReportContext) -> ReportData:
    days_now = document().parameters.at(max(ctx.today, document().effective_from))["public_notice_working_days"]
    apps = applications(ctx, plugin=NAME, states=("in_public_notice",), in_period=False)
    names = _names(ctx, apps)
    rows = []
    for a in sorted(apps, key=lambda a: (a.policy, a.id)):
        days = document().parameters.at(a.as_of)["public_notice_working_days"]
        rows.append({"application": a.id, "applicant": names.get(a.applicant_uscc, ""),
                     "uscc": mask_uscc(a.applicant_uscc),
                     "city": city_label(a.region_code), "measure": _title(a), "award": a.award_fen,
                     "start": a.entered_state_on, "end": add_working_days(a.entered_state_on, days) if days else None})
    columns = (Column("application", "申请编号", "int"), Column("applicant", "申请人"),
               Column("uscc", "统一社会信用代码"), Column("city", "城市"), Column("measure", "措施"),
               Column("award", "拟奖补金额", "money"), Column("start", "公示开始", "date"),
               Column("end", "公示截止", "date"))
    notes = ["统一社会信用代码隐去中间8位。",
             "异议：公示期内向省经济和信息化厅提出，写明申请编号和理由（系统内：huiqi act 申请编号 raise_objection "
             "--as public --note 理由）。"]
    if not days_now:
        notes.insert(0, "本轮未设公示期（public_notice_working_days = 0，文件未要求公示，I-19）：名单为空。")
    return ReportData(columns, tuple(rows), totals=("award",), notes=tuple(notes))


# --- R3 payout_list ----------------------------------------------------------------------


def build_payout_list(ctx: ReportContext) -> ReportData:
    apps = applications(ctx, plugin=NAME, states=("paid",), in_period=False)
    days = step_days(ctx.session, [a.id for a in apps], ("province_approve", "finance_confirm", "payout"))
    paid = [a for a in apps if ctx.in_period(days.get((a.id, "payout")))]
    transfer_of = _budget_transfers(ctx.session, [a.id for a in paid])
    names = _names(ctx, paid)
    rows = tuple({"application": a.id, "applicant": names.get(a.applicant_uscc, ""), "uscc": ctx.show_uscc(a.applicant_uscc),
                  "measure": _title(a), "award": a.award_fen, "reserved": days.get((a.id, "province_approve")),
                  "confirmed": days.get((a.id, "finance_confirm")), "paid": days.get((a.id, "payout")),
                  "transfer": transfer_of.get(str(a.id))}
                 for a in sorted(paid, key=lambda a: (days.get((a.id, "payout")), a.id)))
    columns = (Column("application", "申请编号", "int"), Column("applicant", "申请人"), Column("uscc", "统一社会信用代码"),
               Column("measure", "措施"), Column("award", "兑现金额", "money"), Column("reserved", "预留日期", "date"),
               Column("confirmed", "资金确认日期", "date"), Column("paid", "兑付日期", "date"),
               Column("transfer", "转账编号", "int"))
    return ReportData(columns, rows, totals=("award",), notes=("期间按兑付日期筛选；转账编号为账本中过账的预算转账。",))


def _budget_transfers(session, app_ids) -> dict[str, int]:
    """The posted budget → payable transfer of each application."""
    if not app_ids:
        return {}
    query = (select(transfers.c.application_id, transfers.c.id)
             .join(accounts, accounts.c.id == transfers.c.debit_account_id)
             .where(transfers.c.state == "posted", accounts.c.kind == "budget",
                    transfers.c.application_id.in_([str(i) for i in app_ids])))
    return {application_id: transfer_id for application_id, transfer_id in session.execute(query)}


# --- R4 review_sheet ---------------------------------------------------------------------

SHEET_SKIPS = {"region_code", "applicant_uscc", "reviewed_award_amount", "smes_served_count",
               "sme_service_quality_score", "prior_award_amount", "has_received_this_award_before"}


def build_review_sheet(ctx: ReportContext) -> ReportData:
    policies = [f"{NAME}.{m}" for m in REVIEWED]
    apps = [a for a in applications(ctx, plugin=NAME, policies=policies)
            if a.state not in ("draft", "submitted", "withdrawn")]
    reviewers = _reviewers(ctx.session, [a.id for a in apps])
    names = _names(ctx, apps)
    rows = tuple({
        "application": a.id, "measure": _title(a), "applicant": names.get(a.applicant_uscc, ""),
        "uscc": ctx.show_uscc(a.applicant_uscc), "subject": a.project_code or "",
        "facts": "；".join(f"{k}={v}" for k, v in sorted((a.facts or {}).items()) if k not in SHEET_SKIPS),
        "smes": (a.facts or {}).get("smes_served_count"), "quality": (a.facts or {}).get("sme_service_quality_score"),
        "reviewer": reviewers.get(a.id, ""), "reviewed": _money_fact(a, "reviewed_award_amount"),
        "cap": document().parameters.at(a.as_of)[CAP_PARAM[_measure(a)]], "award": a.award_fen,
        "state": state_zh(a.state)} for a in apps)
    columns = (Column("application", "申请编号", "int"), Column("measure", "措施"), Column("applicant", "申请人"),
               Column("uscc", "统一社会信用代码"), Column("subject", "平台/项目"), Column("facts", "申报事实"),
               Column("smes", "服务中小企业数", "int"), Column("quality", "服务质量评分", "int"),
               Column("reviewer", "评审人"), Column("reviewed", "评审金额", "money"), Column("cap", "上限", "money"),
               Column("award", "核定奖补", "money"), Column("state", "状态"))
    return ReportData(columns, rows, totals=("reviewed", "award"),
                      notes=("评审金额为 record_review 记录的 reviewed_award_amount；核定奖补为计算器按上限和累计额核定的金额。",
                             "服务质量评分仅供参考，不参与计算（I-4）。"))


def _reviewers(session, app_ids) -> dict[int, str]:
    from huiqi.ledger.models import events

    if not app_ids:
        return {}
    query = (select(events.c.subject_id, events.c.actor).where(
        events.c.subject_kind == "application", events.c.action == "record_review",
        events.c.subject_id.in_([str(i) for i in app_ids])).order_by(events.c.seq))
    return {int(subject): actor for subject, actor in session.execute(query)}


# --- R5 performance_evaluation -----------------------------------------------------------


def _years(ctx) -> range | None:
    if ctx.period_from is None and ctx.period_to is None:
        return None
    return range((ctx.period_from or dt.date(2021, 1, 1)).year, (ctx.period_to or dt.date(9999, 1, 1)).year + 1)


def build_performance_evaluation(ctx: ReportContext) -> ReportData:
    years = _years(ctx)
    awarded = [a for a in applications(ctx, plugin=NAME, states=APPROVED_STATES, in_period=False)
               if years is None or (a.round_key or "").isdigit() and int(a.round_key) in years]
    budgets = {tuple(v.code.split("/")[1:]): v for v in list_accounts(ctx.session, prefix=f"{NAME}/")
               if v.kind == "budget" and v.code.count("/") == 2}
    keys = sorted({(m, y) for m, y in budgets if years is None or y.isdigit() and int(y) in years}
                  | {(_measure(a), a.round_key) for a in awarded})
    rows = []
    for measure, year in keys:
        mine = [a for a in awarded if (_measure(a), a.round_key) == (measure, year)]
        budget = budgets.get((measure, year))
        total = sum(a.award_fen for a in mine)
        rows.append({"measure": document().measure(measure).title, "year": year,
                     "budget": budget.credits_posted if budget else None,
                     "reserved": budget.debits_pending if budget else None, "paid": budget.debits_posted if budget else None,
                     "count": len(mine), "award": total, "average": total // len(mine) if mine else None,
                     "at_cap": sum(1 for a in mine if at_cap(a)),
                     "execution": Decimal(budget.debits_posted) / budget.credits_posted if budget and budget.credits_posted else None})
    columns = (Column("measure", "措施"), Column("year", "年度"), Column("budget", "预算", "money"),
               Column("reserved", "已预留", "money"), Column("paid", "已兑付", "money"), Column("count", "奖补件数", "int"),
               Column("award", "奖补金额", "money"), Column("average", "平均奖补", "money"),
               Column("at_cap", "封顶件数", "int"), Column("execution", "预算执行率", "percent"))
    cities = _distribution(awarded, lambda a: city_label(a.region_code))
    tiers = _distribution([a for a in awarded if _measure(a) in TIER_FACT],
                          lambda a: f"{document().measure(_measure(a)).title} · {a.facts.get(TIER_FACT[_measure(a)], '')}")
    charts = (Chart("barh", "各市奖补金额（万元）", x="group", y=("award",), value_kind="money", rows=cities.rows),) if awarded else ()
    return ReportData(columns, tuple(rows), totals=("budget", "reserved", "paid", "count", "award", "at_cap"),
                      charts=charts, more_tables=(attrs.evolve(cities, title="按城市分布"), attrs.evolve(tiers, title="按档次分布")),
                      notes=("奖补件数、金额计已批准且未撤销的申请；预算、已预留、已兑付为全省该措施年度预算账户的数额（不随 --region 变化）。",
                             "预算执行率 = 已兑付 ÷ 预算。"))


def _distribution(apps, group) -> Table:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in apps:
        sums[group(a)][0] += 1
        sums[group(a)][1] += a.award_fen
    total = sum(s[1] for s in sums.values())
    rows = tuple({"group": k, "count": c, "award": v, "share": Decimal(v) / total if total else None}
                 for k, (c, v) in sorted(sums.items(), key=lambda item: -item[1][1]))
    return Table((Column("group", "分组"), Column("count", "件数", "int"), Column("award", "奖补金额", "money"),
                  Column("share", "占比", "percent")), rows, totals=("count", "award"))


# --- R8 programme_dashboard --------------------------------------------------------------


@attrs.frozen
class Proxy:
    """How a KPI's ledger_query counts approved applications: of a measure, optionally with a fact value,
    counting distinct platforms/projects or enterprises instead of applications."""

    measure: str
    distinct: str | None = None  # "project" | "enterprise"
    fact: tuple[str, str] | None = None


# kpis.yaml's ledger_query, as queries (tests/reports checks every ledger/both KPI has one).
PROXIES = {
    "cross_industry_platforms": Proxy("platform_cross_industry", distinct="project"),
    "industry_professional_regional_platforms": Proxy("platform_industry_regional_professional", distinct="project"),
    "enterprise_level_platforms": Proxy("platform_enterprise_level"),
    "new_smart_factories_and_digital_workshops": Proxy("smart_manufacturing"),
    "5g_iiot_typical_cases": Proxy("scenario_demonstration", fact=("demonstration_category", "5g_iiot_scenario")),
    "security_classification_enterprises": Proxy("security_classification", distinct="enterprise"),
    "identifier_secondary_nodes": Proxy("identifier_node"),
    "new_capability_assessed_enterprises_per_year": Proxy("capability_assessment",
                                                          fact=("prior_capability_award_level", "none")),
    "network_upgrade_exemplars_per_year": Proxy("network_upgrade"),
    "excellent_solutions_per_year": Proxy("scenario_demonstration", fact=("demonstration_category", "excellent_solution")),
    "innovation_carriers": Proxy("innovation_carrier"),
}


def proxy_count(proxy: Proxy, approved, start: dt.date, end: dt.date) -> int:
    """Approved applications of the proxy's measure whose round year lies in [start, end]."""
    chosen = [a for a in approved if _measure(a) == proxy.measure and (a.round_key or "").isdigit()
              and start.year <= int(a.round_key) <= end.year
              and (proxy.fact is None or (a.facts or {}).get(proxy.fact[0]) == proxy.fact[1])]
    if proxy.distinct == "project":
        return len({a.project_code or f"app:{a.id}" for a in chosen})
    if proxy.distinct == "enterprise":
        return len({a.applicant_uscc for a in chosen})
    return len(chosen)


def build_programme_dashboard(ctx: ReportContext) -> ReportData:
    approved = applications(ctx, plugin=NAME, states=APPROVED_STATES, in_period=False)

    def actual_of(kpi, start, end):
        proxy = PROXIES.get(kpi.id)
        return None if proxy is None else proxy_count(proxy, approved, start, end)

    rows = tuple(dashboard_rows(document().kpis, actual_of, ctx.today))
    columns = (Column("title", "指标"), Column("period", "期间"), Column("target", "目标"), Column("source", "来源"),
               Column("ledger_actual", "实际（台账口径）", "int"), Column("reported", "实际（报送）"),
               Column("achieved", "完成率", "percent"), Column("expected", "按进度应达", "percent"),
               Column("status", "状态"), Column("citation", "依据"))
    charted = tuple(r for r in rows if r["achieved"] is not None)
    chart = Chart("barh", "指标完成率（竖线：按时间进度应达；虚线：100%）", x="label", y=("achieved",), value_kind="percent",
                  rows=charted, reference=Decimal(1), marker="expected")
    notes = ("台账口径：本插件已批准且未撤销的申请数（行动计划统计全部，不论是否获得奖补，故为下限）；按 round_year 计入年度。",
             "状态（I-23）：已完成 met；期末未达 missed；期内实际 ≥ 目标 × 已过天数 ÷ 期间天数为 on_track，否则 behind。",
             "报送值（省经信厅报送的统计数）尚无录入渠道，暂列“未报送”。")
    if ctx.region:
        notes += ("按地区筛选时实际值只计该地区，目标仍为全省目标。",)
    return ReportData(columns, rows, charts=(chart,) if charted else (), notes=notes)


REPORTS = (
    Report("award_schedule", "奖补资金安排表", build_award_schedule, plugin=NAME, viewers=OFFICIALS,
           citation=f"\"及时兑现政策\" ({L58})", description="按年度、按措施列出经省级批准的奖补：申请人、计算基数、计算过程、封顶和奖补金额。"),
    Report("public_notice_list", "公示名单", build_public_notice_list, plugin=NAME, template="public_notice_list",
           templates=TEMPLATES, viewers=OFFICIALS + ("public", "enterprise", "provincial_comms", "expert"),
           citation="I-19（文件未要求公示，默认不公示）", description=""),
    Report("payout_list", "兑现清单", build_payout_list, plugin=NAME, viewers=OFFICIALS,
           citation=f"\"加强资金监管\" ({L58})", description="已兑付的每一笔奖补：预留、资金确认和兑付日期，账本转账编号。"),
    Report("review_sheet", "评审表", build_review_sheet, plugin=NAME, viewers=("provincial_bureau", "expert", "auditor"),
           citation=f"\"加强审核评估\" ({L58}); L21", description="需评审确定金额的措施：申报事实、服务中小企业数量和质量、评审人、评审金额、上限和核定奖补。"),
    Report("performance_evaluation", "绩效评价", build_performance_evaluation, plugin=NAME,
           viewers=("provincial_bureau", "provincial_finance", "auditor"),
           citation=f"\"绩效评价和审计监督\" ({L58})", description="按措施、按年度：预算、预留、兑付、奖补件数、封顶件数，以及按城市和按档次的分布。"),
    Report("programme_dashboard", "工业互联网创新发展行动计划 指标看板", build_programme_dashboard, plugin=NAME,
           template="programme_dashboard", templates=TEMPLATES,
           viewers=("provincial_bureau", "provincial_finance", "auditor", "city_bureau", "public"),
           citation="003 行动计划 一、(二) 及专栏1—12", description=""),
)

"""The reports every deployment has: applications by state, budget by account, payouts, an application's audit log."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from huiqi.errors import InputError
from huiqi.ledger import list_accounts
from huiqi.ledger.models import events, transfers
from huiqi.reports.cells import local_time
from huiqi.reports.model import Chart, Column, Report, ReportContext, ReportData
from huiqi.reports.queries import applications, city_label, entity_names, measure_title, payout_transfers
from huiqi.workflow.models import Application

# Chinese names of the states plugins commonly use; a state not listed is shown as its code.
STATE_ZH = {"draft": "草稿", "submitted": "已提交", "under_review": "审核中", "in_public_notice": "公示中",
            "approved": "已批准", "funds_confirmed": "资金已确认", "paid": "已兑付", "returned": "已退回",
            "rejected": "未通过", "withdrawn": "已撤回", "revoked": "已撤销", "lapsed": "已失效"}
OFFICIALS = ("provincial_bureau", "provincial_finance", "auditor", "city_bureau", "city")


def state_zh(state: str | None) -> str:
    return STATE_ZH.get(state or "", state or "")


# --- applications_by_state -----------------------------------------------------------------


def build_applications_by_state(ctx: ReportContext) -> ReportData:
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for app in applications(ctx):
        key = (app.plugin, app.policy, app.region_code[:4] + "00", app.state)
        groups[key][0] += 1
        groups[key][1] += app.award_fen
    rows = tuple({"plugin": _document_label(ctx.registry, plugin), "measure": measure_title(ctx.registry, policy), "city": city_label(city),
                  "state": state_zh(state), "count": count, "award": award}
                 for (plugin, policy, city, state), (count, award) in sorted(groups.items()))
    columns = (Column("plugin", "政策文件"), Column("measure", "措施"), Column("city", "城市"), Column("state", "状态"),
               Column("count", "件数", "int"), Column("award", "测算奖补金额", "money"))
    chart = Chart("bar", "各市申请件数（按状态）", x="city", y=("count",), series="state", stacked=True)
    notes = ("奖补金额为计算器按申请当前事实测算的金额；未通过、已撤回等状态的金额仅供参考，不构成承诺。",
             "期间按申请日（as_of）筛选。")
    return ReportData(columns, rows, totals=("count", "award"), charts=(chart,) if rows else (), notes=notes)


def _document_label(registry, plugin: str) -> str:
    """A plugin's document by its 文号 where it has one (皖政办秘〔2021〕82号), else the plugin name."""
    document = registry.document(plugin)
    return document.number if document is not None and document.number else plugin


# --- budget_by_account ---------------------------------------------------------------------


def _account_title(registry, view) -> str:
    if view.title:
        return view.title
    parts = view.code.split("/")
    if len(parts) == 3 and parts[2].isdigit():
        return f"{measure_title(registry, f'{parts[0]}.{parts[1]}')} {parts[2]}年度"
    return view.code


def build_budget_by_account(ctx: ReportContext) -> ReportData:
    rows = []
    for view in list_accounts(ctx.session):
        if view.kind != "budget" or view.unit != "fen":
            continue
        owner_region = view.owner if view.owner and view.owner.isdigit() and len(view.owner) == 6 else None
        if not ctx.sees(region_code=owner_region, uscc=None):
            continue
        funded = view.credits_posted
        used = view.debits_pending + view.debits_posted
        rows.append({"code": view.code, "title": _account_title(ctx.registry, view), "funded": funded,
                     "reserved": view.debits_pending, "paid": view.debits_posted, "available": funded - used,
                     "used_share": Decimal(used) / Decimal(funded) if funded else None})
    columns = (Column("title", "预算"), Column("code", "账户"), Column("funded", "到位资金", "money"),
               Column("reserved", "已预留", "money"), Column("paid", "已兑付", "money"),
               Column("available", "可用余额", "money"), Column("used_share", "使用率", "percent"))
    chart = Chart("barh", "预算使用情况（万元）", x="title", y=("paid", "reserved", "available"), stacked=True,
                  labels={"paid": "已兑付", "reserved": "已预留", "available": "可用余额"}, value_kind="money")
    notes = ("已预留 = 已批准尚未兑付的预留（待付）；可用余额 = 到位资金 − 已预留 − 已兑付。",
             "未归属某一地区的省级预算只在不按地区筛选时列出。")
    return ReportData(columns, tuple(rows), totals=("funded", "reserved", "paid", "available"),
                      charts=(chart,) if rows else (), notes=notes)


# --- payouts -------------------------------------------------------------------------------


def build_payouts(ctx: ReportContext) -> ReportData:
    budgets = {v.id: v.code for v in list_accounts(ctx.session) if v.kind == "budget"}
    paid = []
    for transfer in payout_transfers(ctx.session, budget_codes=budgets):
        day = local_time(transfer.created_at).date()
        if not (transfer.application_id or "").isdigit() or not ctx.in_period(day):
            continue
        paid.append((day, transfer))
    apps = {a.id: a for a in ctx.session.execute(select(Application).where(
        Application.id.in_([int(t.application_id) for _, t in paid]))).scalars()}
    names = entity_names(ctx.session, [a.applicant_uscc for a in apps.values()])
    rows = []
    for day, transfer in paid:
        app = apps.get(int(transfer.application_id))
        if app is None or not ctx.sees(region_code=app.region_code, uscc=app.applicant_uscc):
            continue
        rows.append({"day": day, "application": app.id, "applicant": names.get(app.applicant_uscc, ""),
                     "uscc": ctx.show_uscc(app.applicant_uscc), "measure": measure_title(ctx.registry, app.policy),
                     "amount": transfer.amount_fen, "transfer": transfer.id})
    columns = (Column("day", "兑付日期", "date"), Column("application", "申请编号", "int"),
               Column("applicant", "申请人"), Column("uscc", "统一社会信用代码"), Column("measure", "措施"),
               Column("amount", "兑付金额", "money"), Column("transfer", "转账编号", "int"))
    chart = Chart("barh", "兑付金额（按措施，万元）", x="measure", y=("amount",), value_kind="money")
    return ReportData(columns, tuple(rows), totals=("amount",), charts=(chart,) if rows else (),
                      notes=("兑付日期为账本过账日（北京时间）；期间按兑付日期筛选。",))


# --- audit_log -----------------------------------------------------------------------------


def build_audit_log(ctx: ReportContext) -> ReportData:
    app = ctx.session.get(Application, ctx.application_id)
    if app is None:
        raise InputError("--application", ctx.application_id, "the id of an application on record",
                         reason=f"no application {ctx.application_id}")
    if not ctx.sees(region_code=app.region_code, uscc=app.applicant_uscc, assigned=(app.data or {}).get("assigned", ())):
        raise InputError("--application", ctx.application_id, "an application inside the viewer's scope",
                         reason=f"{ctx.viewer} may not see application {app.id}")
    keys = select(transfers.c.idempotency_key).where(transfers.c.application_id == str(app.id))
    query = select(events).where(
        ((events.c.subject_kind == "application") & (events.c.subject_id == str(app.id)))
        | ((events.c.subject_kind == "transfer") & events.c.subject_id.in_(keys))).order_by(events.c.seq)
    rows = tuple({"seq": e.seq, "at": e.at, "subject": "账本" if e.subject_kind == "transfer" else "申请",
                  "action": e.action, "actor": e.actor, "role": e.role,
                  "move": f"{e.from_state or '—'} → {e.to_state or '—'}" if e.from_state != e.to_state else "",
                  "note": e.note or "", "files": " ".join(e.file_digests or []), "hash": e.hash[:12]}
                 for e in ctx.session.execute(query))
    columns = (Column("seq", "序号", "int"), Column("at", "时间", "datetime"), Column("subject", "对象"),
               Column("action", "操作"), Column("actor", "操作人"), Column("role", "角色"),
               Column("move", "状态变化"), Column("note", "说明"), Column("files", "附件摘要"),
               Column("hash", "事件哈希"))
    notes = (f"申请 {app.id}：{measure_title(ctx.registry, app.policy)}，申请人 {ctx.show_uscc(app.applicant_uscc)}，"
             f"当前状态 {state_zh(app.state)}。",
             "事件为只追加、哈希链接的审计记录；用 `huiqi audit verify` 校验整条链。")
    return ReportData(columns, rows, notes=notes)


GENERIC_REPORTS = (
    Report("applications_by_state", "申请情况统计（按措施、城市、状态）", build_applications_by_state,
           viewers=OFFICIALS + ("public", "enterprise"),
           description="各政策措施的申请件数与测算奖补金额，按城市和办理状态汇总。"),
    Report("budget_by_account", "预算执行情况（按预算账户）", build_budget_by_account, viewers=OFFICIALS,
           description="每个预算账户的到位资金、已预留、已兑付和可用余额。"),
    Report("payouts", "兑付明细", build_payouts, viewers=OFFICIALS + ("enterprise",),
           description="期间内从预算账户兑付给申请人的每一笔资金。"),
    Report("audit_log", "申请审计记录", build_audit_log, viewers=OFFICIALS + ("enterprise", "expert"),
           requires=("application",), description="一件申请的每一步：操作人、角色、时间、状态变化、说明和附件摘要。"),
)

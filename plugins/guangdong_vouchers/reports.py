"""The reports of spec §8 built so far: the 企业“上云上平台”完成情况表 (cloud_completion_table), the city
结算清单 (settlement_list) and its 公示 (settlement_notice, USCCs masked), vouchers by state and city
(vouchers_by_state), payouts and carry-overs by period (payouts_by_period) and supplier activity
(supplier_activity). Everything is read from the vouchers' ``data``, the allocation records and the ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from importlib.resources import files

from huiqi.ledger import list_accounts
from huiqi.regions import city_of, region_name
from huiqi.reports import Chart, Column, Report, ReportContext, ReportData, Table, mask_uscc
from huiqi.reports.queries import applications, city_label, entity_names
from huiqi_plugins.guangdong_vouchers.common import CITE, PLUGIN, VOUCHER_POLICY

TEMPLATES = files("huiqi_plugins.guangdong_vouchers") / "templates"
STATE_ZH = {"draft": "草稿", "awaiting_supplier": "待供应商确认", "awaiting_city": "待地市审核", "returned": "已退回",
            "issued": "已发放", "rejected": "未通过", "withdrawn": "已撤回", "expired": "已过期", "surrendered": "已放弃",
            "settlement_awaiting_supplier": "结算待供应商确认", "settlement_awaiting_verification": "待核实上云",
            "settlement_awaiting_city": "结算待地市审核", "settlement_returned": "结算已退回",
            "settlement_approved": "结算已审核", "settlement_rejected": "结算未通过", "in_public_notice": "公示中",
            "under_objection": "异议处理中", "objection_at_province": "异议省级处理中", "payable": "待兑付",
            "paid": "已兑付", "void": "已作废"}
UNREDEEMED = ("void", "surrendered", "settlement_rejected")
ISSUED_ONWARDS = ("issued", "surrendered", "settlement_awaiting_supplier", "settlement_awaiting_verification",
                  "settlement_awaiting_city", "settlement_returned", "settlement_approved", "settlement_rejected",
                  "in_public_notice", "under_objection", "objection_at_province", "payable", "paid", "void")
OFFICIALS = ("province", "platform", "city", "auditor")


def _vouchers(ctx: ReportContext):
    return applications(ctx, plugin=PLUGIN, policies=(VOUCHER_POLICY,), in_period=False)


def _data(app) -> dict:
    return app.data or {}


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _time(value) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _facts(app) -> dict:
    return app.facts or {}


def _service(ctx, app) -> str:
    """``code 名称`` of the voucher's service type, from the catalogue in force on its application day."""
    code = _facts(app).get("service_type") or ""
    try:
        catalogue = ctx.registry.document(PLUGIN).parameters.at(app.as_of)["catalogue"]
        versions = catalogue if isinstance(catalogue, (list, tuple)) else (catalogue,)
        wanted = _data(app).get("catalogue_version")
        for version in versions:
            if wanted is None or getattr(version, "version", None) == wanted:
                found = version.type_of(code) if hasattr(version, "type_of") else None
                if found is not None:
                    return f"{code} {found.name}"
    except Exception:  # noqa: BLE001 — a name is a courtesy: the code alone is still right
        pass
    return code


def _names(ctx, apps) -> dict[str, str]:
    return entity_names(ctx.session, [a.applicant_uscc for a in apps] + [_data(a).get("supplier_uscc") for a in apps])


def _county(code: str | None) -> str:
    return (region_name(code) or code or "") if code else ""


def _paid_fen(app) -> int:
    data = _data(app)
    return data.get("paid_voucher_fen", 0) + data.get("paid_bonus_fen", 0) if data.get("paid_on") else 0


def _clawback_fen(app) -> int:
    return sum(c.get("fen", 0) for c in _data(app).get("clawbacks", []))


# --- cloud_completion_table (五（四）13) ------------------------------------------------------


def build_cloud_completion_table(ctx: ReportContext) -> ReportData:
    apps = [a for a in _vouchers(ctx) if _data(a).get("cloud_use") and ctx.in_period(_day(_data(a)["cloud_use"].get("on")))]
    apps.sort(key=lambda a: (city_of(a.region_code), _data(a)["cloud_use"].get("on") or "", a.id))
    names = _names(ctx, apps)
    rows = []
    for a in apps:
        data, use = _data(a), _data(a)["cloud_use"]
        rows.append({"city": city_label(a.region_code), "enterprise": names.get(a.applicant_uscc, ""),
                     "uscc": ctx.show_uscc(a.applicant_uscc), "voucher": a.id,
                     "supplier": names.get(data.get("supplier_uscc"), data.get("supplier_uscc") or ""),
                     "service": _service(ctx, a), "method": "IP连接核实",
                     "result": "已完成" if use.get("verified") else "未完成", "day": _day(use.get("on")),
                     "by": use.get("by", "")})
    columns = (Column("city", "地市"), Column("enterprise", "企业名称"), Column("uscc", "统一社会信用代码"),
               Column("voucher", "服务券编号", "int"), Column("supplier", "服务商"), Column("service", "服务类型"),
               Column("method", "核实方式"), Column("result", "上云上平台情况"), Column("day", "核实日期", "date"),
               Column("by", "核实人"))
    by_city: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        by_city[row["city"]][0 if row["result"] == "已完成" else 1] += 1
    summary = tuple({"city": c, "done": d, "not_done": n} for c, (d, n) in sorted(by_city.items()))
    charts = (Chart("bar", "各地市上云上平台完成情况（张）", x="city", y=("done", "not_done"), stacked=True,
                    labels={"done": "已完成", "not_done": "未完成"}, rows=summary),) if summary else ()
    return ReportData(columns, tuple(rows), charts=charts,
                      more_tables=(Table((Column("city", "地市"), Column("done", "已完成", "int"),
                                          Column("not_done", "未完成", "int")), summary, totals=("done", "not_done"),
                                         title="按地市汇总"),),
                      notes=("服务平台通过IP连接核实企业上云上平台情况（五（四）13），表中不含企业业务数据（五（五）16）。",
                             "期间按核实日期筛选。"))


# --- settlement_list / settlement_notice (五（四）14, 五（六）22) ------------------------------


def _listed(ctx):
    apps = [a for a in _vouchers(ctx) if _data(a).get("settlement_list") and ctx.in_period(_day(_data(a).get("published_on")))]
    return sorted(apps, key=lambda a: (city_of(a.region_code), _data(a).get("published_on") or "",
                                       _data(a)["settlement_list"], a.id))


def _settlement_rows(ctx, apps, public: bool) -> tuple[dict, ...]:
    names = _names(ctx, apps)
    rows = []
    for a in apps:
        data = _data(a)
        row = {"city": city_label(a.region_code), "batch": data["settlement_list"],
               "published": _day(data.get("published_on")), "last_day": _day(data.get("notice_last_day")),
               "voucher": a.id, "enterprise": names.get(a.applicant_uscc, ""),
               "uscc": mask_uscc(a.applicant_uscc) if public else ctx.show_uscc(a.applicant_uscc),
               "county": _county(a.region_code), "service": _service(ctx, a),
               "supplier": names.get(data.get("supplier_uscc"), data.get("supplier_uscc") or ""),
               "amount": data.get("issued_fen", a.award_fen), "bonus": data.get("bonus_fen", 0),
               "payable": data.get("payable_fen"), "pilot": "试点" if data.get("pilot_mark") else "",
               "applied": _time(data.get("settlement_applied_at"))}
        if not public:
            row["state"] = STATE_ZH.get(a.state, a.state)
            row["objections"] = len(data.get("objections", []))
        rows.append(row)
    return tuple(rows)


def _settlement_columns(public: bool) -> tuple[Column, ...]:
    columns = (Column("city", "地市"), Column("batch", "批次"), Column("published", "公布日期", "date"),
               Column("last_day", "公示截止", "date"), Column("voucher", "服务券编号", "int"),
               Column("enterprise", "企业名称"), Column("uscc", "统一社会信用代码"), Column("county", "县（市、区）"),
               Column("service", "服务类型"), Column("supplier", "服务商"), Column("amount", "服务券金额", "money"),
               Column("bonus", "贯标奖励", "money"), Column("payable", "应兑付金额", "money"), Column("pilot", "试点标记"),
               Column("applied", "结算申请时间", "datetime"))
    return columns if public else columns + (Column("state", "状态"), Column("objections", "异议数", "int"))


def _urls(apps) -> list[str]:
    return sorted({u for a in apps for u in _data(a).get("notice_urls", [])})


def build_settlement_list(ctx: ReportContext) -> ReportData:
    apps = _listed(ctx)
    notes = ["每张服务券一行，按地市、批次排列；公示版（settlement_notice）不含发票、付款凭证和上云核实材料（I-26），"
             "统一社会信用代码隐去中间8位。", "期间按公布日期筛选。"]
    if _urls(apps):
        notes.append("公布地址：" + "；".join(_urls(apps)))
    return ReportData(_settlement_columns(False), _settlement_rows(ctx, apps, False),
                      totals=("amount", "bonus", "payable"), notes=tuple(notes))


def build_settlement_notice(ctx: ReportContext) -> ReportData:
    apps = [a for a in _listed(ctx)]
    notes = ["统一社会信用代码隐去中间8位；不含发票、付款凭证和上云核实材料（I-26）。",
             "异议：公示期内（至公示截止日）向所在地市经信部门书面提出，写明服务券编号、异议事项和理由，并附证明材料"
             "（系统内：huiqi act 服务券编号 raise_objection --as enterprise:统一社会信用代码 --note 理由 --file 材料）。"]
    if _urls(apps):
        notes.append("公布地址：" + "；".join(_urls(apps)))
    return ReportData(_settlement_columns(True), _settlement_rows(ctx, apps, True),
                      totals=("amount", "bonus", "payable"), notes=tuple(notes))


# --- vouchers_by_state ---------------------------------------------------------------------


def build_vouchers_by_state(ctx: ReportContext) -> ReportData:
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for a in _vouchers(ctx):
        if not ctx.in_period(a.as_of):
            continue
        key = (a.round_key or _data(a).get("period_id") or "", city_label(a.region_code), a.state)
        groups[key][0] += 1
        groups[key][1] += a.award_fen
    rows = tuple({"period": p, "city": c, "state": STATE_ZH.get(s, s), "count": n, "amount": v}
                 for (p, c, s), (n, v) in sorted(groups.items()))
    columns = (Column("period", "批次"), Column("city", "地市"), Column("state", "状态"), Column("count", "张数", "int"),
               Column("amount", "服务券金额", "money"))
    charts = (Chart("bar", "各地市服务券状态（张）", x="city", y=("count",), series="state", stacked=True),) if rows else ()
    return ReportData(columns, rows, totals=("count", "amount"), charts=charts,
                      notes=("金额为服务券核定金额（未发放的为申请时计算的金额）；期间按申请日筛选。",))


# --- payouts_by_period (八（二）) -----------------------------------------------------------


def _allocations(ctx) -> dict[tuple[str, str], dict]:
    from huiqi_plugins.guangdong_vouchers.periods import ALLOCATION, latest_records

    found = {}
    for record in latest_records(ctx.session, ALLOCATION).values():
        city = record.get("city")
        if city and ctx.sees(region_code=city, uscc=None):
            found[(record["period"], city)] = record
    return found


def build_payouts_by_period(ctx: ReportContext) -> ReportData:
    allocations = _allocations(ctx)
    sums: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    for a in _vouchers(ctx):
        data = _data(a)
        if not data.get("period_id"):
            continue  # a draft never submitted belongs to no period: nothing issued, paid or carried
        key = (data["period_id"], city_of(a.region_code))
        row = sums[key]
        if data.get("issued_on") and ctx.in_period(_day(data["issued_on"])):
            row["issued_count"] += 1
            row["issued"] += data.get("issued_fen", a.award_fen)
        if data.get("paid_on") and ctx.in_period(_day(data["paid_on"])):
            row["paid_count"] += 1
            row["paid"] += _paid_fen(a)
        if a.state == "payable" and data.get("carried_over"):
            row["carried_count"] += 1
            row["carried"] += data.get("issued_fen", a.award_fen) + data.get("bonus_fen", 0)
        elif a.state == "payable":
            row["payable"] += data.get("payable_fen") or 0
        row["clawback"] += sum(c.get("fen", 0) for c in data.get("clawbacks", []) if ctx.in_period(_day(c.get("on"))))
    rows = []
    for period, city in sorted(set(sums) | set(allocations)):
        s, alloc = sums.get((period, city), {}), allocations.get((period, city), {})
        target = alloc.get("target_fen")
        rows.append({"period": period, "city": region_name(city) or city, "target": target,
                     "issued_count": s.get("issued_count", 0), "issued": s.get("issued", 0),
                     "issued_share": Decimal(s.get("issued", 0)) / target if target else None,
                     "paid_count": s.get("paid_count", 0), "paid": s.get("paid", 0), "payable": s.get("payable", 0),
                     "carried_count": s.get("carried_count", 0), "carried": s.get("carried", 0),
                     "clawback": s.get("clawback", 0)})
    columns = (Column("period", "批次"), Column("city", "地市"), Column("target", "目标金额", "money"),
               Column("issued_count", "发放张数", "int"), Column("issued", "发放金额", "money"),
               Column("issued_share", "发放/目标", "percent"), Column("paid_count", "兑付张数", "int"),
               Column("paid", "兑付金额", "money"), Column("payable", "待兑付（未结转）", "money"),
               Column("carried_count", "结转张数", "int"), Column("carried", "结转金额", "money"),
               Column("clawback", "追回金额", "money"))
    funds = _fund_table(ctx)
    charts = (Chart("bar", "各批次兑付与结转（万元）", x="period", y=("paid", "carried"), stacked=True,
                    labels={"paid": "兑付", "carried": "结转"}, value_kind="money"),) if rows else ()
    return ReportData(columns, tuple(rows), totals=("target", "issued_count", "issued", "paid_count", "paid", "payable",
                                                    "carried_count", "carried", "clawback"),
                      charts=charts, more_tables=(funds,) if funds.rows else (),
                      notes=("按服务券所属批次汇总；兑付含贯标奖励。结转：资金不足未能兑付、下一批优先兑付的服务券（八（二））。",
                             "期间按发放日、兑付日、追回日分别筛选；待兑付和结转为当前数。",
                             "资金表为账本中各地市资金账户（不分批次）。"))


def _fund_table(ctx) -> Table:
    accounts = {a.code: a for a in list_accounts(ctx.session, prefix=f"{PLUGIN}/")}
    rows = []
    for code, account in sorted(accounts.items()):
        if not code.startswith(f"{PLUGIN}/city_fund:"):
            continue
        city = code.rsplit(":", 1)[1]
        if not ctx.sees(region_code=city, uscc=None):
            continue
        carried = accounts.get(f"{PLUGIN}/city_carried_over:{city}")
        rows.append({"city": region_name(city) or city, "received": account.credits_posted, "paid": account.debits_posted,
                     "balance": account.balance, "carried": carried.balance if carried else 0})
    return Table((Column("city", "地市"), Column("received", "到位资金", "money"), Column("paid", "已兑付", "money"),
                  Column("balance", "资金余额", "money"), Column("carried", "结转待付", "money")), tuple(rows),
                 totals=("received", "paid", "balance", "carried"), title="地市资金账户（账本）")


# --- supplier_activity (五（五）17) ----------------------------------------------------------


def build_supplier_activity(ctx: ReportContext) -> ReportData:
    apps = [a for a in _vouchers(ctx) if _data(a).get("supplier_uscc") and ctx.in_period(a.as_of)]
    names = _names(ctx, apps)
    sums: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    served: dict[str, set] = defaultdict(set)
    for a in apps:
        data = _data(a)
        row = sums[data["supplier_uscc"]]
        row["named"] += 1
        row["confirmed"] += 1 if data.get("supplier_confirmed_on") else 0
        if data.get("issued_on"):
            row["issued"] += 1
            row["issued_fen"] += data.get("issued_fen", a.award_fen)
        if a.state == "paid":
            row["redeemed"] += 1
            row["paid"] += _paid_fen(a)
            served[data["supplier_uscc"]].add(a.applicant_uscc)
        if a.state in UNREDEEMED:
            row["unredeemed"] += 1
        if data.get("pilot_mark"):
            row["pilot"] += 1
        row["objections"] += len(data.get("objections", []))
        row["clawback"] += _clawback_fen(a)
    rows = tuple({"supplier": names.get(s, ""), "uscc": ctx.show_uscc(s), "named": v["named"],
                  "confirmed": v["confirmed"], "issued": v["issued"], "issued_fen": v["issued_fen"],
                  "redeemed": v["redeemed"], "paid": v["paid"], "unredeemed": v["unredeemed"],
                  "enterprises": len(served[s]), "pilot": v["pilot"], "objections": v["objections"],
                  "clawback": v["clawback"]}
                 for s, v in sorted(sums.items(), key=lambda item: (-item[1]["paid"], item[0])))
    columns = (Column("supplier", "服务商"), Column("uscc", "统一社会信用代码"), Column("named", "被选服务券", "int"),
               Column("confirmed", "已确认", "int"), Column("issued", "已发放", "int"),
               Column("issued_fen", "发放金额", "money"), Column("redeemed", "已兑付", "int"),
               Column("paid", "兑付金额", "money"), Column("unredeemed", "未兑现", "int"),
               Column("enterprises", "服务企业数（已兑付）", "int"), Column("pilot", "试点服务券", "int"),
               Column("objections", "异议", "int"), Column("clawback", "追回金额", "money"))
    charts = (Chart("barh", "各服务商兑付金额（万元）", x="supplier", y=("paid",), value_kind="money"),) if rows else ()
    return ReportData(columns, rows, totals=("named", "confirmed", "issued", "issued_fen", "redeemed", "paid",
                                             "unredeemed", "pilot", "objections", "clawback"), charts=charts,
                      notes=("未兑现：已作废、已放弃或结算未通过的服务券（五（六）19）；期间按申请日筛选。",
                             "地市用户只看到本市企业的服务券。"))


REPORTS = (
    Report("cloud_completion_table", "企业“上云上平台”完成情况表", build_cloud_completion_table, plugin=PLUGIN,
           viewers=OFFICIALS, citation=f"{CITE} 五（四）13",
           description="服务平台按IP连接核实的每张服务券的上云上平台情况，省→各地市；不含企业业务数据。"),
    Report("settlement_list", "结算清单", build_settlement_list, plugin=PLUGIN, viewers=OFFICIALS,
           citation=f"{CITE} 五（四）14, 五（六）22",
           description="各地市各批次的结算清单：服务券、企业、服务商、金额、贯标奖励、应兑付、试点标记、结算申请时间、状态。"),
    Report("settlement_notice", "结算清单公示", build_settlement_notice, plugin=PLUGIN, template="settlement_notice",
           templates=TEMPLATES, viewers=OFFICIALS + ("public", "enterprise", "supplier"),
           citation=f"{CITE} 五（六）22", description="结算清单的公示版：统一社会信用代码隐去中间8位，不含证明材料；异议方式。"),
    Report("vouchers_by_state", "服务券状态统计", build_vouchers_by_state, plugin=PLUGIN, viewers=OFFICIALS,
           citation=f"{CITE} 五（一）2", description="按批次、地市、状态统计服务券张数和金额。"),
    Report("payouts_by_period", "服务券兑付与结转", build_payouts_by_period, plugin=PLUGIN, viewers=OFFICIALS,
           citation=f"{CITE} 八（二）", description="按批次、地市：目标、发放、兑付、待兑付、结转和追回；各地市资金账户。"),
    Report("supplier_activity", "服务商服务情况", build_supplier_activity, plugin=PLUGIN, viewers=OFFICIALS,
           citation=f"{CITE} 五（五）17", description="每个服务商：被选、确认、发放、兑付、未兑现的服务券，服务企业数、异议和追回。"),
)

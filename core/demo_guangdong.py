"""The Guangdong voucher programme `huiqi demo` runs after the Anhui one, on a database of its own.

Generated enterprises of four Guangdong cities and their suppliers register; the province announces
the spec's two sample periods (2018年第一批, 2019年第一批, §5.3) and allocates to the cities; vouchers
go through every path: a clean redemption (some with the 两化融合 bonus), a return and resubmission,
a rejection, an objection holding one voucher back until the province dismisses it, a city fund
too small (the rest carried over and paid first in the next period), issued vouchers lapsing and an
unreviewed one expiring at the settlement deadline, and a second voucher on one contract refused.
Every step goes through the same commands a user types (``huiqi apply / act / vouchers …``),
in-process. Sample data only: generated USCCs and names, no real company.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
from collections import Counter
from pathlib import Path
from typing import Sequence

import attrs
import click

from huiqi.cli.context import AppContext
from huiqi.config import Config
from huiqi.errors import HuiqiError, WorkflowError
from huiqi.money import yuan_grouped
from huiqi.uscc import make_uscc

PLUGIN = "guangdong_vouchers"
DB_FILE = "guangdong-demo.db"
CITIES = ("440100", "440300", "440600", "441900")  # 广州 深圳 佛山 东莞
OBJECTION_CITY, SHORT_CITY, LAPSE_CITY = "440300", "440600", "441900"
PERIODS = (
    ("2018-1", "2018年第一批", "2018-09-20", "2018-09-20", "2018-12-31", "2019-06-30", "2019-07-31"),
    ("2019-1", "2019年第一批", "2019-06-01", "2019-07-01", "2019-12-31", "2020-06-30", "2020-07-31"),
)
SERVICES = ("production_control", "equipment_connection", "rd_design", "business_management", "after_sales_service")
INDUSTRIES = ("3484", "3921", "2651", "3311", "1713", "3825", "2929", "3442")
CERTIFIED = {"has_passed_integration_management_assessment": True, "has_received_provincial_integration_award": False}


@attrs.define
class Outcome:
    """What happened, for the summary the demo prints and for the test."""

    states: Counter = attrs.field(factory=Counter)
    paths: dict = attrs.field(factory=dict)
    refused: list = attrs.field(factory=list)
    carried_over: list = attrs.field(factory=list)
    paid: int = 0
    paid_fen: int = 0
    files: list = attrs.field(factory=list)


class Demo:
    """The Guangdong deployment under ``out`` and the commands it runs, quietly."""

    def __init__(self, app: AppContext, out: Path):
        self.out = out
        self.materials = out / "guangdong-files"
        self.materials.mkdir(parents=True, exist_ok=True)
        config = Config(out / "guangdong-huiqi.toml", enabled=None, disabled=list(app.config.disabled),
                        database_url=f"sqlite:///{out / DB_FILE}")
        config.save()
        self.app = AppContext(db_url=config.database_url)
        self.app.__dict__["config"] = config
        self.app.__dict__["manager"] = app.manager
        self.files = 0
        self.outcome = Outcome()

    def cli(self, command: click.Command, **kwargs) -> str:
        ctx = click.Context(command, obj=self.app)
        buffer = io.StringIO()
        with ctx, contextlib.redirect_stdout(buffer):
            ctx.invoke(command, **kwargs)
        return buffer.getvalue()

    def file(self, content) -> Path:
        self.files += 1
        path = self.materials / f"file-{self.files:04d}.json"
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return path

    def apply(self, policy: str, uscc: str, facts: dict, on: str) -> int:
        from huiqi.cli.workflow import apply

        out = self.cli(apply, policy=f"{PLUGIN}.{policy}", applicant=uscc, facts_file=self.file(facts), on=on,
                       fmt="json")
        return json.loads(out)["id"]

    def act(self, app_id: int, action: str, actor: str, on: str, *, note=None, files=(), **settings) -> str:
        from huiqi.cli.workflow import act

        out = self.cli(act, app_id=app_id, action=action, actor=actor, on=on, note=note,
                       files=tuple(self.file(f) for f in files),
                       settings=tuple(f"{k}={v}" for k, v in settings.items()))
        return out.split("→ ")[1].split("\t")[0].strip()

    def vouchers(self, name: str, **kwargs) -> str:
        from huiqi_plugins.guangdong_vouchers.cli import vouchers

        return self.cli(vouchers.commands[name], **kwargs)

    def tick(self, on: str) -> list:
        from huiqi.workflow.service import tick

        a = self.app
        return tick(a.ready_engine(), registry=a.registry, calculator=a.calculator(), workflows=a.workflows,
                    as_of=dt.date.fromisoformat(on))

    def payout(self, city: str, on: str) -> list:
        from huiqi.workflow.actors import parse_actor
        from huiqi.workflow.service import run_payouts

        a = self.app
        done = run_payouts(a.ready_engine(), registry=a.registry, calculator=a.calculator(), workflows=a.workflows,
                           on=dt.date.fromisoformat(on), actor=parse_actor(f"city:{city}"))
        for outcome in done:
            if outcome.paid:
                self.outcome.paid += 1
                self.outcome.paid_fen += outcome.amount_fen
        return done

    # -- people --------------------------------------------------------------------------------

    def enterprise(self, uscc: str, city: str, on: str = "2018-09-25") -> str:
        reg = self.apply("enterprise_registration", uscc, {}, on)
        self.act(reg, "enterprise_register", f"enterprise:{uscc}", on)
        self.act(reg, "city_approve_registration", f"city:{city}", on)
        return uscc

    def supplier(self, uscc: str, city: str, on: str = "2018-09-25") -> str:
        reg = self.apply("supplier_registration", uscc, {}, on)
        self.act(reg, "supplier_register", f"supplier:{uscc}", on, files=["registration materials"])
        self.act(reg, "city_pass_first_review", f"city:{city}", on)
        self.act(reg, "province_assign_expert", "province", on, expert="E01")
        self.act(reg, "expert_record_opinion", "expert:E01", on, note="具备服务能力", opinion="pass")
        self.act(reg, "province_register", "province", on)
        return uscc

    # -- vouchers ------------------------------------------------------------------------------

    def voucher(self, e: dict, supplier: str, contract: str, fee: str, on: str, submit: bool = True) -> int:
        facts = e["facts"] | {"region_code": e["city"], "supplier_uscc": supplier, "contract_number": contract,
                              "contract_signed_date": on, "implementation_region_code": e["city"],
                              "has_other_special_fund_application": False, "is_related_party_transaction": False,
                              "service_type": e["service"], "contract_cloud_fee_amount": fee}
        app_id = self.apply("voucher_award", e["uscc"], facts, on)
        if submit:
            self.act(app_id, "enterprise_submit", f"enterprise:{e['uscc']}", on, files=[f"合同 {contract}"])
        return app_id

    def issue(self, app_id: int, e: dict, supplier: str, on: str) -> str:
        self.act(app_id, "supplier_confirm", f"supplier:{supplier}", on)
        return self.act(app_id, "city_approve", f"city:{e['city']}", on, declared_fee_matches_contract="true")

    def settle(self, app_id: int, e: dict, supplier: str, on: str, paid: str, certified: bool = False) -> str:
        settlement = {"invoices_issued_by_selected_supplier": True, "payments_received_by_selected_supplier": True,
                      "has_passed_integration_management_assessment": False,
                      "invoice_total_amount": paid, "payment_total_amount": paid} | (CERTIFIED if certified else {})
        self.act(app_id, "settlement_submit", f"enterprise:{e['uscc']}", on, files=[settlement])
        self.act(app_id, "supplier_confirm_settlement", f"supplier:{supplier}", on)
        self.act(app_id, "province_record_cloud_use", "platform", on, verified="true", files=["接入日志 (IP)"])
        return self.act(app_id, "city_approve_settlement", f"city:{e['city']}", on)

    def mark(self, path: str, app_id: int) -> int:
        self.outcome.paths.setdefault(path, []).append(app_id)
        return app_id


def population(count: int, seed: int) -> list[dict]:
    """Generated enterprises spread over the four cities (USCCs valid, names plainly samples)."""
    rng = random.Random(seed)
    people = []
    for n in range(count):
        city = CITIES[n % len(CITIES)]
        facts = {"is_independent_legal_person": True, "industry_code": rng.choice(INDUSTRIES),
                 "established_date": f"{rng.randint(2003, 2016)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                 "prior_year_main_business_revenue_amount": f"{rng.randint(105, 9000) * 100_000}.00",
                 "has_serious_fiscal_violation_5y": False, "unredeemed_voucher_count": 0,
                 "is_rights_suspended_for_poor_results": False, "has_subsidy_fraud_finding": False}
        people.append({"uscc": make_uscc(7_000_000 + n, city), "name": f"样例制造企业{n + 1:04d}（示例数据）",
                       "city": city, "facts": facts, "service": SERVICES[rng.randrange(len(SERVICES))],
                       "fee": f"{rng.randint(30, 200) * 1000}.00"})
    return people


def run_guangdong(app: AppContext, out: Path, *, enterprises: int = 300, vouchers: int = 48,
                  seed: int = 20180920) -> Outcome | None:
    """Run the Guangdong sample programme in ``out`` (its own database file) and print a summary."""
    from huiqi.ledger import check, verify_events
    from huiqi.ledger.db import transaction

    registry = app.registry
    if PLUGIN not in {registry.plugin_of[doc.name] for doc in registry.enabled_documents()}:
        click.echo(f"\nGuangdong voucher programme skipped: the {PLUGIN} plugin is disabled.")
        return None
    out.mkdir(parents=True, exist_ok=True)
    (out / DB_FILE).unlink(missing_ok=True)
    d = Demo(app, out)
    people = population(max(enterprises, vouchers + 8), seed)
    _import(d, people)
    _programme(d, people[:max(vouchers, 12)])
    engine = d.app.ready_engine()
    with transaction(engine, read_only=True) as session:
        problems = check(session) + verify_events(session)
    if problems:
        raise HuiqiError("demo: the Guangdong ledger or audit check found problems: " + "; ".join(problems[:5]))
    _count(d)
    _write_reports(d, out / "reports" / "guangdong")
    _print(d, engine)
    return d.outcome


def _import(d: Demo, people: list[dict]) -> None:
    import csv

    from huiqi.entities import import_entities, read_file
    from huiqi.ledger.db import transaction

    path = d.out / "guangdong-enterprises.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "行政区划代码", "类型"])
        for e in people:
            writer.writerow([e["uscc"], e["name"], e["city"], "enterprise"])
        for n, city in enumerate(CITIES):
            writer.writerow([make_uscc(8_000_000 + n, city), f"样例云服务商{n + 1}（示例数据）", city, "supplier"])
    with transaction(d.app.ready_engine()) as session:
        report = import_entities(session, read_file(path), actor="demo", role="province")
    d.outcome.files.append(path)
    click.echo(f"{path.name}: {report.summary()}")


def _programme(d: Demo, people: list[dict]) -> None:
    for p in PERIODS:
        d.vouchers("announce-period", period_id=p[0], actor="province", label=p[1], announced_on=p[2], opens=p[3],
                   application_deadline=p[4], settlement_deadline=p[5], review_deadline=p[6], sample=True,
                   note="示例数据 (sample data, spec §5.3)")
    for city in CITIES:  # 佛山's fund is too small for its vouchers: the rest are carried over
        funds = "150000.00" if city == SHORT_CITY else "3000000.00"
        d.vouchers("allocate", period_id="2018-1", city=city, actor="province", target="3000000.00", funds=funds,
                   key=f"demo-2018-1-{city}", on="2018-09-21")
    suppliers = {city: d.supplier(make_uscc(8_000_000 + n, city), city) for n, city in enumerate(CITIES)}
    for e in people:
        d.enterprise(e["uscc"], e["city"])
    by_city = {city: [e for e in people if e["city"] == city] for city in CITIES}
    settled: dict[str, list] = {city: [] for city in CITIES}
    start = dt.date(2018, 10, 8)
    for city, group in by_city.items():
        s = suppliers[city]
        for n, e in enumerate(group):
            on = (start + dt.timedelta(days=n % 40)).isoformat()
            app_id = d.voucher(e, s, f"HT-{city}-{n:03d}", e["fee"], on)
            if city == LAPSE_CITY and n < 3:  # issued and never redeemed: void at the settlement deadline
                d.issue(app_id, e, s, on)
                d.mark("lapsed", app_id)
                continue
            if city == LAPSE_CITY and n == 3:  # confirmed, never reviewed by the city: expires
                d.act(app_id, "supplier_confirm", f"supplier:{s}", on)
                d.mark("expired", app_id)
                continue
            if n == 1:
                d.act(app_id, "supplier_confirm", f"supplier:{s}", on)
                d.act(app_id, "city_return", f"city:{city}", on, note="合同附件未载明上云上平台服务费金额，请上传签字盖章附件")
                d.act(app_id, "enterprise_resubmit", f"enterprise:{e['uscc']}", on)
                d.mark("returned_and_resubmitted", app_id)
            if n == 2 and city == CITIES[0]:
                d.act(app_id, "supplier_confirm", f"supplier:{s}", on)
                d.act(app_id, "city_reject", f"city:{city}", on, note="合同内容为自动化设备采购，不属于上云上平台服务（三）")
                d.mark("rejected", app_id)
                second = d.voucher(e, s, f"HT-{city}-{n:03d}", "60000.00", on)  # a rejection frees the contract
                d.issue(second, e, s, on)
                settled[city].append((second, e, "60000.00"))
                continue
            d.issue(app_id, e, s, on)
            settled[city].append((app_id, e, e["fee"]))
            if n == 0:  # a second voucher on the same contract is refused at submission (五（三）8)
                again = d.voucher(e, s, f"HT-{city}-{n:03d}", e["fee"], on, submit=False)
                try:
                    d.act(again, "enterprise_submit", f"enterprise:{e['uscc']}", on, files=[f"合同 HT-{city}-{n:03d}"])
                except WorkflowError as refusal:
                    d.outcome.refused.append((again, str(refusal)))
    for city, done in settled.items():
        for k, (app_id, e, fee) in enumerate(done):
            d.settle(app_id, e, suppliers[city], "2019-03-01", fee, certified=k % 5 == 0)
        if done:
            d.vouchers("publish-settlement-list", actor=f"city:{city}", urls=("https://example.invalid/gd-demo",),
                       on="2019-03-04")
    held, h_e, _fee = settled[OBJECTION_CITY][-1]
    objector = by_city[OBJECTION_CITY][-1] if by_city[OBJECTION_CITY][-1] is not h_e else by_city[OBJECTION_CITY][0]
    d.act(held, "raise_objection", f"enterprise:{objector['uscc']}", "2019-03-05", note="服务商未实际部署平台",
          files=["现场照片"])
    d.mark("objection", held)
    d.tick("2019-03-12")
    for city in CITIES:
        d.payout(city, "2019-03-13")
    d.act(held, "city_escalate_objection", f"city:{OBJECTION_CITY}", "2019-03-14", note="需现场核查")
    d.act(held, "province_assign_expert", "province", "2019-03-14", expert="E07")
    d.act(held, "expert_record_site_check", "expert:E07", "2019-03-20", note="平台运行正常，日志已附",
          files=["现场核查报告"])
    d.act(held, "province_dismiss_objection", "province", "2019-03-21", note="异议不成立")
    d.payout(OBJECTION_CITY, "2019-03-22")  # 推迟结算: paid in a later run
    d.tick("2019-07-01")  # the settlement deadline passed: issued vouchers lapse, the unreviewed one expires
    # 2019年第一批: 佛山 gets its next funds; the carried-over vouchers are paid before the period's own
    d.vouchers("allocate", period_id="2019-1", city=SHORT_CITY, actor="province", target="3000000.00",
               funds="3000000.00", key=f"demo-2019-1-{SHORT_CITY}", on="2019-06-05")
    e = by_city[SHORT_CITY][0]
    own = d.voucher(e, suppliers[SHORT_CITY], "HT-2019-FS-001", "50000.00", "2019-07-02")
    d.issue(own, e, suppliers[SHORT_CITY], "2019-07-02")
    d.settle(own, e, suppliers[SHORT_CITY], "2019-08-01", "50000.00")
    d.vouchers("publish-settlement-list", actor=f"city:{SHORT_CITY}", urls=(), on="2019-08-05")
    d.tick("2019-08-13")
    d.payout(SHORT_CITY, "2019-08-14")


def _count(d: Demo) -> None:
    from sqlalchemy import func, select

    from huiqi.ledger.db import transaction
    from huiqi.workflow.models import Application

    with transaction(d.app.ready_engine(), read_only=True) as session:
        rows = session.execute(select(Application.state, func.count()).where(Application.policy == f"{PLUGIN}.voucher_award")
                               .group_by(Application.state))
        d.outcome.states.update(dict(rows.all()))
        vouchers = session.execute(select(Application.id, Application.data)
                                   .where(Application.policy == f"{PLUGIN}.voucher_award")).all()
        d.outcome.carried_over = [app_id for app_id, data in vouchers if (data or {}).get("carried_over")]


def _write_reports(d: Demo, folder: Path) -> None:
    from huiqi.cli.report import build
    from huiqi.reports import collect_reports
    from huiqi.reports.generic import GENERIC_REPORTS

    reports = collect_reports(d.app.manager, d.app.registry)
    plugin = d.app.manager.get_plugin(PLUGIN)
    own = [r.name for r in (plugin.huiqi_reports() if hasattr(plugin, "huiqi_reports") else ())]
    folder.mkdir(parents=True, exist_ok=True)
    for name in [r.name for r in GENERIC_REPORTS] + own:
        for fmt in ("xlsx", "html"):
            try:
                content = build(d.app, reports, name, fmt=fmt, on="2019-12-31")
            except HuiqiError:
                break  # a report that needs options of its own (audit_log needs --application)
            path = folder / f"{name}.{fmt}"
            path.write_bytes(content)
            d.outcome.files.append(path)


def _print(d: Demo, engine) -> None:
    o = d.outcome
    click.echo("")
    click.echo(f"广东 上云上平台服务券 sample programme (2018年第一批, 2019年第一批; sample data) on "
               f"{engine.url.render_as_string(hide_password=True)}:")
    click.echo("  vouchers by state: " + ", ".join(f"{s} {n}" for s, n in sorted(o.states.items())))
    click.echo(f"  returned and resubmitted: {len(o.paths.get('returned_and_resubmitted', []))}; rejected: "
               f"{len(o.paths.get('rejected', []))}; held back by an objection, then paid: "
               f"{len(o.paths.get('objection', []))}; a second voucher on one contract refused: {len(o.refused)}")
    click.echo(f"  carried over when 佛山's fund ran short, paid first in 2019年第一批: {len(o.carried_over)}; "
               f"lapsed or expired at the settlement deadline: {len(o.paths.get('lapsed', [])) + len(o.paths.get('expired', []))}")
    click.echo(f"  paid: {o.paid} payouts, {yuan_grouped(o.paid_fen)} yuan; ledger check clean; audit chain intact")
    click.echo("  written:")
    for path in o.files:
        click.echo(f"    {path}")


__all__: Sequence[str] = ("run_guangdong", "Outcome", "DB_FILE")

"""A Guangdong voucher deployment driven through the real CLI (``huiqi.cli.main`` in-process, as
tests/cli/_support.py does), on its own SQLite file or PostgreSQL schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from huiqi.uscc import make_uscc
from cli._support import Run, run_in_process  # tests/ is on sys.path (its conftest.py)

P1 = {"period_id": "2018-1", "label": "2018年第一批", "announced_on": "2018-09-20", "opens": "2018-09-20",
      "application_deadline": "2018-12-31", "settlement_deadline": "2019-06-30", "review_deadline": "2019-07-31"}
P2 = {"period_id": "2019-1", "label": "2019年第一批", "announced_on": "2019-06-01", "opens": "2019-07-01",
      "application_deadline": "2019-12-31", "settlement_deadline": "2020-06-30", "review_deadline": "2020-07-31"}
P3 = {"period_id": "2020-1", "label": "2020年第一批", "announced_on": "2020-06-01", "opens": "2020-07-06",
      "application_deadline": "2020-12-31", "settlement_deadline": "2021-06-30", "review_deadline": "2021-07-30"}

ENTERPRISE_FACTS = {"is_independent_legal_person": True, "industry_code": "3484", "established_date": "2014-06-23",
                    "prior_year_main_business_revenue_amount": "38600000.00", "has_serious_fiscal_violation_5y": False,
                    "unredeemed_voucher_count": 0, "is_rights_suspended_for_poor_results": False,
                    "has_subsidy_fraud_finding": False}
SETTLEMENT_FACTS = {"invoices_issued_by_selected_supplier": True, "payments_received_by_selected_supplier": True,
                    "has_passed_integration_management_assessment": False}


class RefusedError(AssertionError):
    pass


class World:
    """``w.huiqi(...)`` runs one command and returns its stdout; ``w.refused(...)`` its stderr line."""

    def __init__(self, tmp_path: Path, db_url: str):
        self.dir = tmp_path
        self.db = db_url
        self.config = tmp_path / "huiqi.toml"
        self.files = 0
        self.supplier_count = 0

    def run(self, *args: str) -> Run:
        return run_in_process(["--db", self.db, *map(str, args)], config=self.config, cwd=self.dir)

    def huiqi(self, *args: str) -> str:
        run = self.run(*args)
        if run.code != 0:
            raise RefusedError(f"huiqi {' '.join(map(str, args))} → exit {run.code}: {run.stderr}")
        return run.out

    def refused(self, *args: str) -> str:
        run = self.run(*args)
        assert run.code == 2, (run.code, run.out, run.stderr)
        assert "Traceback" not in run.stderr
        return run.stderr.strip()

    def file(self, content) -> str:
        self.files += 1
        path = self.dir / f"file-{self.files}.json"
        path.write_text(json.dumps(content, ensure_ascii=False) if not isinstance(content, str) else content,
                        encoding="utf-8")
        return str(path)

    # -- programme -------------------------------------------------------------------------

    def announce(self, p: dict, **changes) -> str:
        p = p | changes
        return self.huiqi("vouchers", "announce-period", p["period_id"], "--as", "province", "--label", p["label"],
                          "--announced-on", p["announced_on"], "--opens", p["opens"], "--application-deadline",
                          p["application_deadline"], "--settlement-deadline", p["settlement_deadline"],
                          "--review-deadline", p["review_deadline"])

    def allocate(self, period: str, city: str, target: str, funds: str = "0", pilot: str = "0", on="2018-09-21"):
        return self.huiqi("vouchers", "allocate", period, city, "--as", "province", "--target", target, "--funds",
                          funds, "--pilot-funds", pilot, "--key", f"{period}-{city}-{target}-{funds}", "--on", on)

    # -- registrations ---------------------------------------------------------------------

    def entity(self, n: int, kind: str, region: str) -> str:
        uscc = make_uscc(n, region[:6] if len(region) == 6 else region)
        self.huiqi("entity", "add", "--uscc", uscc, "--name", f"{kind} {n}", "--region", region, "--kind", kind)
        return uscc

    def apply(self, policy: str, uscc: str, facts: dict, on: str) -> int:
        out = self.huiqi("apply", f"guangdong_vouchers.{policy}", "--applicant", uscc, "--facts", self.file(facts),
                         "--on", on, "--format", "json")
        return json.loads(out)["id"]

    def act(self, app_id: int, action: str, actor: str, on: str, *, note: str | None = None, files=(), **settings):
        args = ["act", app_id, action, "--as", actor, "--on", on]
        if note:
            args += ["--note", note]
        for f in files:
            args += ["--file", f]
        for key, value in settings.items():
            args += ["--set", f"{key}={value}"]
        out = self.huiqi(*args)
        return out.split("→ ")[1].split("\t")[0].strip()

    def refuse_act(self, app_id: int, action: str, actor: str, on: str, *, note=None, files=(), **settings) -> str:
        args = ["act", app_id, action, "--as", actor, "--on", on]
        if note:
            args += ["--note", note]
        for f in files:
            args += ["--file", f]
        for key, value in settings.items():
            args += ["--set", f"{key}={value}"]
        return self.refused(*args)

    def enterprise(self, n: int, region: str = "440113", on: str = "2018-09-25") -> str:
        uscc = self.entity(n, "enterprise", region)
        reg = self.apply("enterprise_registration", uscc, {}, on)
        self.act(reg, "enterprise_register", f"enterprise:{uscc}", on)
        self.act(reg, "city_approve_registration", f"city:{region[:4]}00", on)
        return uscc

    def supplier(self, n: int, region: str = "440305", on: str = "2018-09-25", pilot_period: str | None = None) -> str:
        uscc = self.entity(n, "supplier", region)
        reg = self.apply("supplier_registration", uscc, {}, on)
        self.act(reg, "supplier_register", f"supplier:{uscc}", on, files=[self.file("materials")])
        if region.startswith("44"):
            self.act(reg, "city_pass_first_review", f"city:{region[:4]}00", on)
        else:
            self.act(reg, "province_pass_basic_review", "province", on)
        self.act(reg, "province_assign_expert", "province", on, expert="E01")
        self.act(reg, "expert_record_opinion", "expert:E01", on, note="capable", opinion="pass")
        self.act(reg, "province_register", "province", on)
        if pilot_period:
            self.act(reg, "province_designate_pilot_unit", "province", on, period=pilot_period)
        return uscc

    # -- vouchers --------------------------------------------------------------------------

    def voucher(self, enterprise: str, supplier: str, contract: str, fee: str, on: str, service="production_control",
                region: str = "440113", submit: bool = True) -> int:
        facts = ENTERPRISE_FACTS | {"region_code": region, "supplier_uscc": supplier, "contract_number": contract,
                                    "contract_signed_date": "2018-09-21", "implementation_region_code": region,
                                    "has_other_special_fund_application": False, "is_related_party_transaction": False,
                                    "service_type": service, "contract_cloud_fee_amount": fee}
        app_id = self.apply("voucher_award", enterprise, facts, on)
        if submit:
            self.act(app_id, "enterprise_submit", f"enterprise:{enterprise}", on, files=[self.file(f"contract {contract}")])
        return app_id

    def issue(self, app_id: int, enterprise: str, supplier: str, on: str, city: str = "440100", **confirm) -> str:
        self.act(app_id, "supplier_confirm", f"supplier:{supplier}", on, **confirm)
        return self.act(app_id, "city_approve", f"city:{city}", on, declared_fee_matches_contract="true")

    def settle(self, app_id: int, enterprise: str, supplier: str, on: str, paid: str, city: str = "440100",
               facts: dict | None = None) -> str:
        settlement = SETTLEMENT_FACTS | {"invoice_total_amount": paid, "payment_total_amount": paid} | (facts or {})
        self.act(app_id, "settlement_submit", f"enterprise:{enterprise}", on, files=[self.file(settlement)])
        self.act(app_id, "supplier_confirm_settlement", f"supplier:{supplier}", on)
        self.act(app_id, "province_record_cloud_use", "platform", on, verified="true", files=[self.file("ip log")])
        return self.act(app_id, "city_approve_settlement", f"city:{city}", on)

    def show(self, app_id: int) -> dict:
        return json.loads(self.huiqi("show", app_id, "--format", "json"))

    def state(self, app_id: int) -> str:
        return self.show(app_id)["state"]

    def budget(self, period: str, city: str) -> dict:
        rows = json.loads(self.huiqi("vouchers", "budget", "--period", period, "--city", city, "--format", "json"))
        return rows[0]

    def tick(self, on: str) -> list[str]:
        return [line for line in self.huiqi("tick", "--as-of", on).splitlines() if "\t" in line]

    def payout(self, city: str, on: str) -> list[str]:
        return self.huiqi("payout", "run", "--as", f"city:{city}", "--on", on).splitlines()

    def balance(self, prefix: str) -> dict:
        rows = json.loads(self.huiqi("ledger", "balance", "--prefix", prefix, "--format", "json"))
        return {r["code"]: r for r in rows}

    def check(self) -> None:
        assert "clean" in self.huiqi("ledger", "check")
        assert "intact" in self.huiqi("audit", "verify")


def paid_ids(lines: list[str]) -> list[int]:
    return [int(m.group(1)) for line in lines if (m := re.match(r"paid (\d+)", line))]

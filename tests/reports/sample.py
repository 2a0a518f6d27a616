"""A small anhui_iiot_grants deployment driven through the real workflow engine, for the report tests.

Four enterprises in three cities (合肥 340100, 芜湖 340200, 滁州 341100); applications in every
interesting state: paid, approved at the cap, funds confirmed, reviewed, submitted, rejected.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData, Table, insert

from huiqi.ledger.base import utc_now
from huiqi.ledger.db import transaction
from huiqi.uscc import make_uscc

D = dt.date(2022, 5, 10)
PAID_ON = dt.date(2022, 6, 1)
HEFEI_A, WUHU_B, HEFEI_C, CHUZHOU_D = (make_uscc(101, "340100"), make_uscc(102, "340200"),
                                       make_uscc(103, "340100"), make_uscc(104, "341100"))
NAMES = {HEFEI_A: "合肥恒瑞精密机械有限公司", WUHU_B: "芜湖鑫源汽车零部件股份有限公司",
         HEFEI_C: "合肥博达云计算有限公司", CHUZHOU_D: "滁州嘉联新材料有限公司"}
REGION = {HEFEI_A: "340100", WUHU_B: "340200", HEFEI_C: "340100", CHUZHOU_D: "341100"}


def equipment(amount: str, region: str) -> dict:
    return {"region_code": region, "is_digital_network_intelligent_upgrade": True, "equipment_purchase_amount": amount}


def add_names(engine) -> None:
    entities = Table("entities", MetaData(), autoload_with=engine)
    with transaction(engine) as session:
        session.execute(insert(entities), [{"uscc": u, "kind": "enterprise", "name": n, "region_code": REGION[u],
                                            "founded_on": None, "created_at": utc_now()} for u, n in NAMES.items()])


def approve(d, app_id: int, uscc: str, city: str | None = None) -> str:
    d.act(app_id, "submit", f"enterprise:{uscc}", D)
    d.act(app_id, "city_recommend", f"city_bureau:{city or REGION[uscc][:4] + '00'}", D)
    return d.act(app_id, "province_approve", "provincial_bureau", D)


def build(d) -> dict[str, int]:
    """Fund the 2022 rounds and move applications to their states; returns the ids by label."""
    add_names(d.engine)
    for measure, amount in (("equipment_upgrade", 10_000_000), ("network_upgrade", 5_000_000),
                            ("capability_assessment", 3_000_000), ("service_provider_pool", 3_000_000)):
        d.fund(measure, 2022, amount)
    ids = {
        "paid": d.apply("equipment_upgrade", HEFEI_A, equipment("8600000.00", "340100"), D, project="P-A",
                        region="340100"),
        "capped": d.apply("equipment_upgrade", WUHU_B, equipment("86000000.00", "340200"), D, project="P-B",
                          region="340200"),
        "network": d.apply("network_upgrade", HEFEI_C, {"region_code": "340100", "has_upgraded_enterprise_network": True,
                                                        "is_selected_by_provincial_review": True}, D, region="340100"),
        "capability": d.apply("capability_assessment", WUHU_B, {"region_code": "340200", "capability_level": "3A"}, D,
                              region="340200"),
        "pool": d.apply("service_provider_pool", HEFEI_C, {"region_code": "340100", "is_in_iiot_cloud_provider_pool": True,
                                                           "smes_served_count": 42, "sme_service_quality_score": 88}, D,
                        region="340100"),
        "submitted": d.apply("equipment_upgrade", CHUZHOU_D, equipment("1200000.00", "341100"), D, project="P-D",
                             region="341100"),
        "rejected": d.apply("equipment_upgrade", HEFEI_C, equipment("500000.00", "340100"), D, project="P-C",
                            region="340100"),
    }
    for label in ("paid", "capped", "network", "capability"):
        uscc = {"paid": HEFEI_A, "capped": WUHU_B, "network": HEFEI_C, "capability": WUHU_B}[label]
        assert approve(d, ids[label], uscc) == "approved"
    d.act(ids["paid"], "finance_confirm", "provincial_finance", D)
    d.act(ids["network"], "finance_confirm", "provincial_finance", D)
    assert [o.paid for o in d.pay(PAID_ON)] == [True, True]
    d.act(ids["network"], "record_audit_finding", "auditor", PAID_ON, note="抽查：网络改造验收资料齐全")
    d.act(ids["pool"], "submit", f"enterprise:{HEFEI_C}", D)
    d.act(ids["pool"], "city_recommend", "city_bureau:340100", D)
    d.act(ids["pool"], "assign_expert", "provincial_bureau", D, expert="E01")
    d.act(ids["pool"], "record_review", "expert:E01", D, files=("sha256:" + "ab" * 32,),
          documents=[{"reviewed_award_amount": "800000.00"}])
    d.act(ids["submitted"], "submit", f"enterprise:{CHUZHOU_D}", D)
    d.act(ids["rejected"], "submit", f"enterprise:{HEFEI_C}", D)
    d.act(ids["rejected"], "reject", "city_bureau:340100", D, note="设备购置发票与项目不符")
    return ids

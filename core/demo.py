"""``huiqi demo``: generated sample enterprises evaluated against every enabled measure.

Nothing here is real: the enterprises, their names, codes and amounts are generated at run time
from a fixed seed (the same seed gives the same enterprises on every machine), so the repository
ships no data file. Each enterprise has a profile — a manufacturer, an IC design house, a firm of
the IC chain, a platform operator, a cloud/software service provider, an identifier-node builder —
and applies only for the measures such a firm would apply for, with plausible amounts; a few
applications lack a fact (undecided) and a few enterprises are registered outside Anhui.

Every application is validated exactly as ``huiqi evaluate`` validates a case, then the cases of
each measure are decided together through the vectorised path (``columns_from_facts`` →
``Calculator.evaluate_columns``). tests/cli/test_demo.py holds the printed totals to the explained
path over the same cases.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections import defaultdict
from typing import Callable, Iterable, Sequence

import attrs
import click

from huiqi.money import yuan, yuan_grouped
from huiqi.regions import city_of, cities_of, region_name
from huiqi.rules.batch import columns_from_facts
from huiqi.uscc import make_uscc

SAMPLE_NOTICE = ("生成的示例数据 · GENERATED SAMPLE DATA — fictitious enterprises, names, codes and amounts; "
                 "not real applicants or awards")
OUTSIDE_ANHUI = "省外"
TOP = 10

# --- who the sample enterprises are ------------------------------------------------------------

# Anhui's cities (GB/T 2260) with a weight roughly following the size of their industry; some
# enterprises are registered with a district's code (合肥 蜀山区 340104 …), as real USCCs are.
ANHUI_CITY_WEIGHTS = {
    "340100": 28, "340200": 12, "340300": 5, "340400": 3, "340500": 6, "340600": 3, "340700": 4, "340800": 5,
    "341000": 2, "341100": 8, "341200": 6, "341300": 4, "341500": 4, "341600": 3, "341700": 2, "341800": 5,
}
DISTRICTS = {
    "340100": ("340102", "340103", "340104", "340111", "340121"),  # 瑶海 庐阳 蜀山 包河 长丰
    "340200": ("340202", "340207", "340209"),  # 镜湖 鸠江 弋江
    "341100": ("341102", "341182"),  # 琅琊 明光
}
# registered elsewhere: they apply too, and are refused by the in_anhui rule
OUTSIDE = ("440300", "440100", "440600", "310000", "320000", "330000")
OUTSIDE_SHARE = 0.03

PROFILES = {  # profile → (weight, trade words of its names)
    "manufacturer": (48, ("机械制造", "汽车零部件", "新材料", "精密铸造", "电气设备", "智能装备", "液压机械", "模具",
                          "橡塑制品", "电线电缆", "光伏科技", "家电", "纺织", "食品", "化工", "钢结构", "新能源科技",
                          "精密机械", "环保设备", "建材")),
    "ic_design": (8, ("微电子", "芯片设计", "集成电路设计", "半导体科技", "芯科技")),
    "ic_chain": (8, ("半导体材料", "封装测试", "功率器件", "化合物半导体", "传感技术", "电子材料", "半导体设备")),
    "platform": (8, ("工业互联网", "智能制造云", "数字科技", "工业软件")),
    "service": (24, ("软件", "云计算", "信息科技", "数据服务", "网络科技", "信息技术", "智能科技")),
    "identifier": (5, ("标识解析", "数据科技", "通信技术")),
}
NAME_CHARACTERS = "华恒鑫瑞科宏达源创新德盛博康泰信远宇天海中安皖江淮徽益正通明嘉联丰顺合众兴凯诚誉睿智云辰航星锐晶芯驰"
# trade names of well-known real enterprises the two-character draw could produce: never used
REAL_TRADE_NAMES = frozenset({"中芯", "海康", "江淮", "皖通", "华恒", "晶合", "华天", "芯源", "安凯", "海信", "华联", "中联",
                              "天合", "晶科", "中兴", "中通", "联通", "华星", "航天", "中航", "中安", "科大", "华润", "长安",
                              "海创", "星云", "德力", "泰信", "华源", "鑫科", "科达", "瑞芯", "江海", "天源", "中电"})
LEGAL_FORMS = (("有限公司", 70), ("股份有限公司", 18), ("有限责任公司", 8), ("集团有限公司", 4))

# the measures each profile applies for, with how likely one enterprise of it applies (short ids)
APPLIES = {
    "manufacturer": {"equipment_upgrade": 0.55, "loan_interest_subsidy": 0.22, "capability_assessment": 0.28,
                     "smart_manufacturing": 0.25, "network_upgrade": 0.18, "scenario_demonstration": 0.06,
                     "security_classification": 0.08, "platform_enterprise_level": 0.04},
    "ic_design": {"ic_first_tapeout": 0.85, "ic_rd_equipment": 0.35, "capability_assessment": 0.08},
    "ic_chain": {"ic_rd_equipment": 0.6, "ic_industrialisation": 0.45, "equipment_upgrade": 0.3,
                 "loan_interest_subsidy": 0.12, "smart_manufacturing": 0.15},
    "platform": {"platform": 0.9, "innovation_carrier": 0.25, "scenario_demonstration": 0.3,
                 "security_classification": 0.2},
    "service": {"service_provider_pool": 0.7, "scenario_demonstration": 0.18, "security_classification": 0.15,
                "innovation_carrier": 0.08},
    "identifier": {"identifier_node": 0.85, "network_upgrade": 0.2, "innovation_carrier": 0.15},
}
ROUNDS = (dt.date(2021, 11, 30), dt.date(2022, 6, 30), dt.date(2022, 11, 30), dt.date(2023, 6, 30),
          dt.date(2023, 11, 30), dt.date(2024, 6, 28))
PLUGIN = "anhui_iiot_grants"
UNDECIDED_SHARE = 0.06  # an application lacking one fact the measure needs (not yet reviewed, …)


@attrs.frozen
class Enterprise:
    uscc: str
    name: str
    region_code: str
    profile: str

    @property
    def city(self) -> str:
        """The city code for the per-city table, or 省外 for an enterprise outside Anhui."""
        return city_of(self.region_code) if self.region_code.startswith("34") else OUTSIDE_ANHUI


@attrs.frozen
class Application:
    """One enterprise's case for one measure, in the contract's case JSON (money as yuan strings)."""

    enterprise: Enterprise
    case: dict


def _weighted(rng: random.Random, weights: dict[str, float] | Sequence[tuple[str, float]]) -> str:
    items = list(weights.items()) if isinstance(weights, dict) else list(weights)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def generate_enterprises(count: int, seed: int) -> list[Enterprise]:
    """``count`` fictitious enterprises, the same ones for the same seed."""
    rng = random.Random(f"enterprises:{seed}")
    sequences = rng.sample(range(1, 99_999_999), count)
    names: set[str] = set()
    enterprises = []
    for index in range(count):
        profile = _weighted(rng, {p: w for p, (w, _) in PROFILES.items()})
        if rng.random() < OUTSIDE_SHARE:
            region = rng.choice(OUTSIDE)
        else:
            city = _weighted(rng, ANHUI_CITY_WEIGHTS)
            region = rng.choice(DISTRICTS[city]) if city in DISTRICTS and rng.random() < 0.4 else city
        name = _name(rng, profile, region, names)
        names.add(name)
        enterprises.append(Enterprise(make_uscc(sequences[index], region, "91"), name, region, profile))
    return enterprises


def _name(rng: random.Random, profile: str, region: str, taken: set[str]) -> str:
    """e.g. 合肥芯源微电子科技有限公司: place, two-character trade name, trade, legal form."""
    place = (region_name(city_of(region)) or region_name(region[:2] + "0000") or "").removesuffix("市")
    place = place.removesuffix("省")
    trades = PROFILES[profile][1]
    while True:
        trade_name = "".join(rng.sample(NAME_CHARACTERS, 2))
        trade = rng.choice(trades)
        if not trade.endswith(("科技", "技术", "软件", "服务", "设备", "材料")) and rng.random() < 0.5:
            trade += "科技"
        name = f"{place}{trade_name}{trade}{_weighted(rng, LEGAL_FORMS)}"
        if name not in taken and not any(real in name for real in REAL_TRADE_NAMES):
            return name


# --- what they apply for ------------------------------------------------------------------------------


def _fen(rng: random.Random, low_yuan: float, high_yuan: float, fen_share: float = 0.35) -> int:
    """An amount between low and high yuan, log-uniform (many small, a few large projects)."""
    amount = math.exp(rng.uniform(math.log(low_yuan), math.log(high_yuan)))
    if rng.random() < fen_share:  # an amount off a real invoice, to the fen
        return int(amount * 100)
    return int(amount / 1000) * 1000 * 100  # a round thousand yuan


def _money(rng: random.Random, low: float, high: float) -> str:
    return yuan(_fen(rng, low, high))


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _equipment_upgrade(rng, e, day):
    return {"is_digital_network_intelligent_upgrade": _chance(rng, 0.9),
            "equipment_purchase_amount": _money(rng, 800_000, 90_000_000),
            "has_received_this_award_before": _chance(rng, 0.04)}


def _loan_interest_subsidy(rng, e, day):
    principal = _fen(rng, 5_000_000, 150_000_000, fen_share=0)
    term = rng.choice((24, 36, 36, 48, 60, 60, 60, 84, 120))
    claim = rng.choice((6, 12, 12, 12, 24))
    prior_months = rng.choice((0, 0, 0, 12, 24, 36))
    rate = rng.uniform(0.035, 0.052)
    interest = int(principal * rate * claim / 12)
    prior_award = int(principal * 0.019 * prior_months / 12) if prior_months else 0
    return {"is_digital_network_intelligent_upgrade": _chance(rng, 0.92), "loan_principal_amount": yuan(principal),
            "loan_term_months": term, "claim_months": claim, "prior_subsidised_months": prior_months,
            "prior_award_amount": yuan(prior_award), "interest_paid_amount": yuan(interest)}


def _capability_assessment(rng, e, day):
    level = _weighted(rng, {"1A": 8, "2A": 20, "3A": 40, "4A": 25, "5A": 7})
    prior = "none"
    if level in ("4A", "5A") and _chance(rng, 0.25):
        prior = "3A" if level == "4A" or _chance(rng, 0.5) else "4A"
    return {"capability_level": level, "prior_capability_award_level": prior}


def _smart_manufacturing(rng, e, day):
    recognition = _weighted(rng, {"digital_workshop": 62, "smart_factory": 32, "none": 6})
    facts = {"provincial_recognition": recognition, "has_received_this_award_before": _chance(rng, 0.05)}
    if recognition == "smart_factory" and _chance(rng, 0.3):
        facts["prior_workshop_award_amount"] = "500000.00"
    return facts


def _network_upgrade(rng, e, day):
    return {"has_upgraded_enterprise_network": _chance(rng, 0.92),
            "is_selected_by_provincial_review": _chance(rng, 0.4),
            "has_received_this_award_before": _chance(rng, 0.04)}


def _identifier_node(rng, e, day):
    investment = _fen(rng, 2_000_000, 25_000_000)
    facts = {"is_identifier_secondary_node": _chance(rng, 0.95), "is_node_completed": _chance(rng, 0.8),
             "project_investment_amount": yuan(investment), "has_received_this_award_before": _chance(rng, 0.03)}
    if _chance(rng, 0.8):
        facts["reviewed_award_amount"] = yuan(int(investment * rng.uniform(0.15, 0.3) / 100_000) * 100_000)
    return facts


def _innovation_carrier(rng, e, day):
    investment = _fen(rng, 1_000_000, 40_000_000)
    facts = {"project_investment_amount": yuan(investment), "has_received_this_award_before": _chance(rng, 0.03),
             "carrier_type": rng.choice(("innovation_center", "experience_center", "promotion_center",
                                         "public_service_platform", "joint_laboratory", "training_base"))}
    if _chance(rng, 0.85):
        facts["reviewed_award_amount"] = yuan(int(investment * rng.uniform(0.1, 0.2) / 100_000) * 100_000)
    return facts


def _ic_first_tapeout(rng, e, day):
    prior = 0 if _chance(rng, 0.75) else rng.choice((600_000, 1_200_000, 2_000_000, 2_600_000, 3_000_000)) * 100
    return {"is_ic_design_enterprise": True, "is_first_engineering_tapeout": _chance(rng, 0.9),
            "tapeout_contract_amount": _money(rng, 400_000, 25_000_000),
            "tapeout_contract_kind": rng.choice(("tapeout", "tapeout", "mask")),
            "has_received_this_award_before": _chance(rng, 0.04), "prior_award_amount": yuan(prior)}


IC_FIELDS = {"integrated_circuit": 55, "compound_semiconductor": 15, "mems": 10, "power_device": 15, "none": 5}


def _chain(rng, e):
    field = "integrated_circuit" if e.profile == "ic_design" else _weighted(rng, IC_FIELDS)
    segment = "design" if e.profile == "ic_design" else rng.choice(
        ("materials", "equipment", "manufacturing", "packaging", "testing", "supporting_services"))
    return {"ic_chain_field": field, "ic_chain_segment": segment}


def _ic_rd_equipment(rng, e, day):
    year = day.year - 1 if _chance(rng, 0.9) else day.year
    return {**_chain(rng, e), "purchase_year": year, "rd_equipment_purchase_amount": _money(rng, 600_000, 70_000_000),
            "prior_award_amount": "0.00" if _chance(rng, 0.85) else "4000000.00"}


def _ic_industrialisation(rng, e, day):
    investment = _fen(rng, 6_000_000, 600_000_000)
    return {**_chain(rng, e), "project_year": day.year - 1 if _chance(rng, 0.9) else day.year - 2,
            "project_completed_investment_amount": yuan(investment),
            "key_equipment_purchase_amount": yuan(int(investment * rng.uniform(0.3, 0.7))),
            "has_received_this_award_before": _chance(rng, 0.03), "prior_award_amount": "0.00"}


def _platform(rng, e, day):
    kind = _weighted(rng, {"cross_industry": 12, "industry": 30, "regional": 20, "professional": 17, "enterprise": 25})
    if kind == "enterprise":
        return "platform_enterprise_level", _platform_enterprise_level(rng, e, day)
    policy = "platform_cross_industry" if kind == "cross_industry" else "platform_industry_regional_professional"
    cap = 30_000_000 if kind == "cross_industry" else 10_000_000
    prior = 0 if _chance(rng, 0.6) else int(cap * rng.uniform(0.2, 1.0) / 100_000) * 100_000
    reviewed = int(cap * rng.uniform(0.1, 0.8) / 100_000) * 100_000
    return policy, {"platform_type": kind, "reviewed_award_amount": yuan(reviewed * 100),
                    "prior_award_amount": yuan(prior * 100)}


def _platform_enterprise_level(rng, e, day):
    return {"platform_type": "enterprise", "is_selected_by_provincial_review": _chance(rng, 0.5),
            "has_received_this_award_before": _chance(rng, 0.05)}


def _service_provider_pool(rng, e, day):
    served = min(int(rng.paretovariate(1.2) * 8) - 4, 3000) if _chance(rng, 0.95) else 0
    return {"is_in_iiot_cloud_provider_pool": _chance(rng, 0.85), "smes_served_count": served,
            "reviewed_award_amount": yuan(rng.randrange(1, 13) * 10_000_000),
            "has_received_this_award_before": _chance(rng, 0.05), "sme_service_quality_score": rng.randint(60, 98)}


def _scenario_demonstration(rng, e, day):
    return {"is_selected_by_provincial_review": _chance(rng, 0.35),
            "has_received_this_award_before": _chance(rng, 0.03),
            "demonstration_category": rng.choice(("5g_iiot_scenario", "identifier_application",
                                                  "new_model_application", "excellent_solution"))}


def _security_classification(rng, e, day):
    investment = _fen(rng, 150_000, 6_000_000)
    kind = ("platform_service_provider" if e.profile in ("platform", "service", "identifier")
            else "industrial_enterprise" if _chance(rng, 0.95) else "other")
    facts = {"applicant_kind": kind, "is_security_classification_project": _chance(rng, 0.9),
             "project_investment_amount": yuan(investment), "has_received_this_award_before": _chance(rng, 0.03)}
    if _chance(rng, 0.5):
        facts["reviewed_award_amount"] = yuan(int(investment * rng.uniform(0.2, 0.5) / 10_000) * 10_000)
    return facts


FACT_MAKERS: dict[str, Callable[[random.Random, Enterprise, dt.date], dict]] = {
    "equipment_upgrade": _equipment_upgrade, "loan_interest_subsidy": _loan_interest_subsidy,
    "capability_assessment": _capability_assessment, "smart_manufacturing": _smart_manufacturing,
    "network_upgrade": _network_upgrade, "identifier_node": _identifier_node,
    "innovation_carrier": _innovation_carrier, "ic_first_tapeout": _ic_first_tapeout,
    "ic_rd_equipment": _ic_rd_equipment, "ic_industrialisation": _ic_industrialisation,
    "platform_enterprise_level": _platform_enterprise_level, "service_provider_pool": _service_provider_pool,
    "scenario_demonstration": _scenario_demonstration, "security_classification": _security_classification,
}


def generate_applications(enterprises: Iterable[Enterprise], seed: int,
                          required: Callable[[str], Sequence[str]] | None = None) -> list[Application]:
    """Each enterprise's applications to the anhui_iiot_grants measures its profile makes likely.

    ``required(policy)`` names the facts a measure needs; one of them is left out of about
    UNDECIDED_SHARE of the applications (an application not yet reviewed in full).
    """
    rng = random.Random(f"applications:{seed}")
    applications = []
    for enterprise in enterprises:
        for measure, chance in APPLIES[enterprise.profile].items():
            if not _chance(rng, chance):
                continue
            day = rng.choice(ROUNDS)
            if measure == "platform":
                measure, facts = _platform(rng, enterprise, day)
            else:
                facts = FACT_MAKERS[measure](rng, enterprise, day)
            facts = {"applicant_uscc": enterprise.uscc, "region_code": enterprise.region_code, **facts}
            policy = f"{PLUGIN}.{measure}"
            if required is not None and _chance(rng, UNDECIDED_SHARE):
                names = sorted(set(required(policy)) & set(facts) - {"applicant_uscc"})
                if names:
                    del facts[rng.choice(names)]
            applications.append(Application(enterprise, {"policy": policy, "as_of": day.isoformat(),
                                                         "facts": facts}))
    return applications


def required_facts(registry) -> Callable[[str], Sequence[str]]:
    """policy id → the facts its measure reads (informational ones excluded)."""

    def required(policy: str) -> Sequence[str]:
        document, measure = registry.resolve(policy)
        return sorted(measure.facts() - set(measure.informational))

    return required


def sample_applications(registry, enterprises: int, seed: int) -> list[Application]:
    """The demo's cases: generated enterprises and their applications (used by the tests as well)."""
    return generate_applications(generate_enterprises(enterprises, seed), seed, required_facts(registry))


# --- deciding them: the vectorised path -------------------------------------------------------------


@attrs.frozen
class Decision:
    application: Application
    eligible: bool | None
    award_fen: int


def decide(calculator, applications: Sequence[Application]) -> list[Decision]:
    """Validate each case as ``huiqi evaluate`` does, then decide each measure's cases at once."""
    prepared = [calculator.prepare(a.case) for a in applications]
    by_policy: dict[str, list[int]] = defaultdict(list)
    for index, case in enumerate(prepared):
        by_policy[case.policy].append(index)
    decisions: list[Decision | None] = [None] * len(applications)
    for policy, rows in by_policy.items():
        first = prepared[rows[0]]
        columns = columns_from_facts(first.document.facts, first.measure, (prepared[i].facts for i in rows),
                                     (prepared[i].as_of for i in rows))
        result = calculator.evaluate_columns(policy, columns)
        for position, index in enumerate(rows):
            eligible = {1: True, 0: False, -1: None}[int(result.eligible[position])]
            decisions[index] = Decision(applications[index], eligible, int(result.award_fen[position]))
    return decisions  # type: ignore[return-value]


# --- the summary ---------------------------------------------------------------------------------


@attrs.define
class Tally:
    cases: int = 0
    eligible: int = 0
    undecided: int = 0
    ineligible: int = 0
    total_fen: int = 0
    largest_fen: int = 0

    def add(self, decision: Decision) -> None:
        self.cases += 1
        if decision.eligible is True:
            self.eligible += 1
        elif decision.eligible is None:
            self.undecided += 1
        else:
            self.ineligible += 1
        self.total_fen += decision.award_fen
        self.largest_fen = max(self.largest_fen, decision.award_fen)


@attrs.frozen
class Summary:
    enterprises: list[Enterprise]
    measures: dict[str, Tally]  # policy id → tally, in the document's order
    cities: dict[str, Tally]  # city code (or 省外) → tally
    enterprises_per_city: dict[str, int]
    total: Tally
    per_enterprise: dict[str, tuple[int, int]]  # USCC → (awards, total fen)
    top: list[tuple[Enterprise, int, int]]  # (enterprise, awards, total fen), largest first


def summarise(enterprises: Sequence[Enterprise], policies: Sequence[str], decisions: Iterable[Decision]) -> Summary:
    measures = {policy: Tally() for policy in policies}
    cities = {region.code: Tally() for region in cities_of("340000")}
    cities[OUTSIDE_ANHUI] = Tally()
    total = Tally()
    per_enterprise: dict[str, tuple[int, int]] = {}
    for decision in decisions:
        enterprise = decision.application.enterprise
        measures[decision.application.case["policy"]].add(decision)
        cities.setdefault(enterprise.city, Tally()).add(decision)
        total.add(decision)
        if decision.eligible:
            awards, fen = per_enterprise.get(enterprise.uscc, (0, 0))
            per_enterprise[enterprise.uscc] = (awards + 1, fen + decision.award_fen)
    counts: dict[str, int] = defaultdict(int)
    for enterprise in enterprises:
        counts[enterprise.city] += 1
    by_code = {e.uscc: e for e in enterprises}
    ranked = sorted(per_enterprise.items(), key=lambda item: (-item[1][1], item[0]))[:TOP]
    top = [(by_code[code], awards, fen) for code, (awards, fen) in ranked]
    return Summary(list(enterprises), measures, cities, dict(counts), total, per_enterprise, top)


# --- printing ---------------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns a string takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Plain-text aligned columns (two spaces apart), a rule under the header."""
    widths = [max(width(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for cell, size, to_right in zip(cells, widths, right):
            pad = " " * (size - width(cell))
            parts.append(pad + cell if to_right else cell + pad)
        return "  ".join(parts).rstrip()

    return [line(headers), "  ".join("-" * size for size in widths), *(line(row) for row in rows)]


def _count(n: int) -> str:
    return f"{n:,}"


def _city_label(code: str) -> tuple[str, str]:
    if code == OUTSIDE_ANHUI:
        return "—", "省外 (outside Anhui)"
    return code, region_name(code) or code


def render(summary: Summary, documents, seed: int, skipped: Sequence[str] = ()) -> list[str]:
    lines = [f"huiqi demo — {SAMPLE_NOTICE}",
             f"{len(summary.enterprises):,} sample enterprises (seed {seed}), {summary.total.cases:,} applications, "
             "decided through the vectorised batch path", ""]
    titles = {f"{d.name}.{m.id}": m.title for d in documents for m in d.measures}
    for document in documents:
        lines.append(f"{document.name} — {document.title} {document.number}")
    lines.append("")
    rows = []
    for policy, t in summary.measures.items():
        rows.append([policy.split(".", 1)[1], _count(t.cases), _count(t.eligible), _count(t.undecided),
                     _count(t.ineligible), yuan_grouped(t.total_fen), yuan_grouped(t.largest_fen), titles[policy]])
    t = summary.total
    rows.append(["TOTAL", _count(t.cases), _count(t.eligible), _count(t.undecided), _count(t.ineligible),
                 yuan_grouped(t.total_fen), yuan_grouped(t.largest_fen), "全部措施"])
    lines += ["Per measure (undecided = a fact the measure needs is missing)"]
    lines += table(["measure", "cases", "eligible", "undecided", "ineligible", "total award (yuan)",
                    "largest award (yuan)", "措施"], rows, [False, True, True, True, True, True, True, False])
    lines.append("")
    rows = []
    for code, tally in summary.cities.items():
        shown_code, name = _city_label(code)
        rows.append([shown_code, name, _count(summary.enterprises_per_city.get(code, 0)), _count(tally.cases),
                     _count(tally.eligible), yuan_grouped(tally.total_fen)])
    rows.append(["TOTAL", "合计", _count(len(summary.enterprises)), _count(t.cases), _count(t.eligible),
                 yuan_grouped(t.total_fen)])
    lines += ["Per city (where the enterprise is registered)"]
    lines += table(["code", "城市", "enterprises", "applications", "eligible", "total award (yuan)"], rows,
                   [False, False, True, True, True, True])
    lines.append("")
    awarded = len(summary.per_enterprise)
    lines.append(f"Grand total: {t.cases:,} applications from {len(summary.enterprises):,} enterprises — "
                 f"{t.eligible:,} eligible, {t.undecided:,} undecided, {t.ineligible:,} ineligible; "
                 f"{awarded:,} enterprises awarded {yuan_grouped(t.total_fen)} yuan in all.")
    lines.append("")
    rows = []
    for rank, (enterprise, awards, fen) in enumerate(summary.top, start=1):
        rows.append([str(rank), enterprise.name, enterprise.uscc, _city_label(enterprise.city)[1], str(awards),
                     yuan_grouped(fen)])
    lines += [f"Top {TOP} enterprises by total award"]
    lines += table(["#", "enterprise", "USCC", "城市", "awards", "total award (yuan)"], rows,
                   [True, False, False, False, True, True])
    for name in skipped:
        lines.append(f"({name}: not in this evaluation table; its sample programme, if it has one, runs below)")
    lines += ["", f"Sample data: {SAMPLE_NOTICE}."]
    return lines


def run_demo(app, enterprises: int = 500, seed: int = 20210902) -> Summary | None:
    """Generate, decide and print; returns the summary (None when the sample plugin is disabled)."""
    registry = app.registry
    documents = registry.enabled_documents()
    sampled = [d for d in documents if d.name == PLUGIN]
    skipped = [d.name for d in documents if d.name != PLUGIN]
    if not sampled:
        click.echo(f"huiqi demo: the demo's sample data is for {PLUGIN}, which this deployment does not enable "
                   f"(enable it with `huiqi plugins enable {PLUGIN}`); nothing to show.")
        return None
    calculator = app.calculator()
    population = generate_enterprises(enterprises, seed)
    applications = generate_applications(population, seed, required_facts(registry))
    decisions = decide(calculator, applications)
    policies = [p for d in sampled for p in d.policy_ids()]
    summary = summarise(population, policies, decisions)
    for line in render(summary, sampled, seed, skipped):
        click.echo(line)
    return summary

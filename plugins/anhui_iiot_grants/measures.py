"""The sixteen measures of 支持工业互联网发展若干政策, each rule with its clause (spec §4)."""

from __future__ import annotations

from huiqi.money import yuan_grouped as y
from huiqi.rules import Measure, Rule, as_of, const, fact, lookup, max_of, min_of, one_of, param, param_on
from huiqi.rules import percent, rank, scaled, starts_with, when, year_of

DOC = "003 支持工业互联网发展若干政策 "
PREAMBLE = DOC + "序言"
PLATFORMS = DOC + "一、培育各类工业互联网平台"
CLOUD = DOC + "一、推动企业上云上平台"
EQUIPMENT = DOC + "二、加快工业设备网络化技术改造"
CAPABILITY = DOC + "二、提升企业数字化转型能力"
SMART = DOC + "二、建设智能工厂和数字化车间"
NETWORK = DOC + "三、推动企业内外网改造升级"
IDENTIFIER = DOC + "三、建设标识解析体系"
CARRIER = DOC + "三、建设工业互联网创新服务载体"
IC = DOC + "四、推动集成电路产业“强链补链延链”"
SCENARIO = DOC + "五、拓展工业互联网场景应用"
SECURITY = DOC + "六、支持工业互联网安全体系建设"

UNLIMITED = 2**62  # "no interest-paid cap" when loan_cap_at_interest_paid is false
LEVEL_ORDER = ("none", "1A", "2A", "3A", "4A", "5A")


# --- rules every measure shares ---------------------------------------------------------


def in_anhui(measure: str, citation: str = PREAMBLE, node: bool = False) -> Rule:
    """I-2: every measure pays Anhui-registered applicants (nodes: built in the province)."""
    says = (("node built in {region_code}, Anhui", "node built in {region_code}, outside Anhui (省内建成)")
            if node else
            ("region {region_code} is in Anhui (34)", "region {region_code} is outside Anhui (34): 省级奖补 is for "
             "Anhui-registered applicants"))
    return Rule(f"{measure}.in_anhui", citation, starts_with(fact("region_code"), "34"), says,
                quote="省内建成" if node else "加快我省工业互联网发展",
                applies=param("require_anhui_registration"))


def one_off(measure: str, citation: str, unit: str, quote: str = "一次性奖补") -> Rule:
    return Rule(f"{measure}.one_off", citation, ~fact("has_received_this_award_before"),
                (f"{unit} not awarded before", f"{unit} already received this award ({quote})"), quote=quote)


def flag(measure: str, rule: str, citation: str, name: str, yes: str, no: str, quote: str) -> Rule:
    return Rule(f"{measure}.{rule}", citation, fact(name), (yes, no), quote=quote)


def cap_remaining(measure: str, citation: str, cap: str, quote: str, period: str = "") -> Rule:
    return Rule(f"{measure}.cap_remaining", citation, fact("prior_award_amount") < param(cap),
                ("{prior_award_amount:yuan} of {" + cap + ":yuan} used" + period,
                 "{prior_award_amount:yuan} of {" + cap + ":yuan} already used" + period + ": nothing left"),
                quote=quote)


def _ic_period(v) -> str:
    return "(lifetime)" if v["ic_cap_period"] == "lifetime" else f"in {v['as_of'].year}"


def rate_detail(pct: str, base: str, cap: str, *, reviewed: bool = False, left_under_cap: str = ""):
    """Words for "x% × base = computed", then which limit decided the award."""

    def says(v, passed: bool) -> str:
        text = f"{v[pct]}% × {y(v[base])} = {y(v['computed'])}"
        award = v["award"]
        if reviewed:
            text = f"ceiling {text} (cap {y(v[cap])})"
            review = v.get_optional("reviewed_award_amount")
            if review is not None and review < min(v["computed"], v[cap]):
                return f"{text}; reviewed amount {y(review)} is lower"
            return text if v["computed"] <= v[cap] else f"{text}; capped at {y(v[cap])}"
        if left_under_cap:
            left = v[left_under_cap]
            if award < v["computed"] and left < v[cap]:
                return f"{text}, limited to the {y(left)} left under the enterprise cap"
            if award < v["computed"]:
                return f"{text}, capped at the {y(v[cap])} enterprise cap"
            return text
        if v["computed"] > v[cap]:
            return f"{text}, capped at {y(v[cap])}"
        return f"{text}, under the {y(v[cap])} cap"

    return says


# --- 一、平台 -------------------------------------------------------------------------------


def platform_reviewed(measure: str, title: str, types: tuple[str, ...], cap: str, type_words: str,
                      quote: str) -> Measure:
    award = min_of(fact("reviewed_award_amount"), param(cap) - fact("prior_award_amount"))

    def says(v, passed):
        left = v[cap] - v["prior_award_amount"]
        reviewed = v["reviewed_award_amount"]
        if reviewed > left:
            return f"reviewed {y(reviewed)}, limited to the {y(left)} left under the {y(v[cap])} cap"
        return f"reviewed {y(reviewed)}, within the {y(left)} left under the {y(v[cap])} cap"

    return Measure(
        measure, title, PLATFORMS,
        rules=(
            in_anhui(measure),
            Rule(f"{measure}.platform_type", PLATFORMS, one_of(fact("platform_type"), types),
                 ("platform type {platform_type} is " + type_words,
                  "platform type {platform_type} is not " + type_words), quote=type_words),
            cap_remaining(measure, PLATFORMS, cap, quote),
        ),
        award=award,
        award_says=says,
        formula=f"the reviewed amount, at most {cap} less what the platform already received (I-3)",
        unit="the platform, cumulative over all rounds",
        quote=quote,
    )


PLATFORM_CROSS_INDUSTRY = platform_reviewed(
    "platform_cross_industry", "跨行业跨领域工业互联网平台", ("cross_industry",), "platform_cross_industry_cap",
    "跨行业跨领域工业互联网平台", "对跨行业跨领域工业互联网平台省级给予奖补，最高3000万元")

PLATFORM_INDUSTRY = platform_reviewed(
    "platform_industry_regional_professional", "行业、区域、专业型工业互联网平台",
    ("industry", "regional", "professional"), "platform_industry_cap", "行业特色型、区域特色型、专业技术型",
    "对行业、区域、专业型工业互联网平台省级给予奖补，最高1000万元")


def fixed_award(measure: str, title: str, citation: str, rules: tuple[Rule, ...], award_param: str,
                unit: str, quote: str, informational: tuple[str, ...] = ()) -> Measure:
    return Measure(measure, title, citation, rules=rules, award=param(award_param), unit=unit,
                   formula=f"a fixed {award_param}", quote=quote, informational=informational)


PLATFORM_ENTERPRISE = fixed_award(
    "platform_enterprise_level", "企业级工业互联网平台", PLATFORMS,
    (
        in_anhui("platform_enterprise_level"),
        Rule("platform_enterprise_level.platform_type", PLATFORMS, fact("platform_type").equals("enterprise"),
             ("enterprise-level platform", "platform type {platform_type} is not 企业级"), quote="企业级工业互联网平台"),
        flag("platform_enterprise_level", "selected", PLATFORMS, "is_selected_by_provincial_review",
             "selected by the provincial review", "not in the batch the province selected (支持建设一批)", "支持建设一批"),
        one_off("platform_enterprise_level", PLATFORMS, "platform"),
    ),
    "platform_enterprise_award", "the platform, once", "企业级工业互联网平台省级给予一次性奖补100万元")


def _pool_says(v, passed):
    reviewed = v["reviewed_award_amount"]
    if reviewed > v["pool_award_cap"]:
        return f"reviewed {y(reviewed)}, reduced to the {y(v['pool_award_cap'])} cap"
    return f"reviewed {y(reviewed)}, within the {y(v['pool_award_cap'])} cap"


SERVICE_PROVIDER_POOL = Measure(
    "service_provider_pool", "服务商资源池奖补", CLOUD,
    rules=(
        in_anhui("service_provider_pool"),
        flag("service_provider_pool", "in_pool", CLOUD, "is_in_iiot_cloud_provider_pool",
             "listed in the provincial IIoT (cloud) provider pool", "not listed in the provincial IIoT (cloud) "
             "provider pool", "纳入省工业互联网（云）服务商资源池的企业"),
        Rule("service_provider_pool.smes_served", CLOUD, fact("smes_served_count") >= param("pool_min_smes_served"),
             ("{smes_served_count} SMEs served ≥ {pool_min_smes_served}",
              "{smes_served_count} SMEs served < {pool_min_smes_served}"), quote="按照服务中小企业的数量和质量"),
        one_off("service_provider_pool", CLOUD, "provider"),
    ),
    award_says=_pool_says,
    award=min_of(fact("reviewed_award_amount"), param("pool_award_cap")),
    informational=("sme_service_quality_score",),
    formula="the reviewed amount, at most pool_award_cap (I-4)", unit="the provider, once",
    quote="按照服务中小企业的数量和质量省级给予一次性奖补，最高100万元",
)


# --- 二、企业数字化转型 ---------------------------------------------------------------------


def rate_measure(measure: str, title: str, citation: str, base: str, rate: str, cap: str, rules: tuple[Rule, ...],
                 quote: str, unit: str, *, reviewed: bool = False, informational: tuple[str, ...] = ()) -> Measure:
    """x % of a base amount with a cap; where the document says 不超过 the reviewed amount may lower it."""
    computed = percent(fact(base), param(rate))
    limits = [computed, param(cap)] + ([fact("reviewed_award_amount", optional=True)] if reviewed else [])
    award = min_of(*limits)
    condition = f"award = min(round({base} × {rate}%), {cap}" + (", reviewed_award_amount if given)" if reviewed else ")")
    rate_rule = Rule(f"{measure}.rate", citation, uses=(award,), says=rate_detail(rate, base, cap, reviewed=reviewed),
                     quote=quote, condition=condition)
    return Measure(measure, title, citation, rules=rules + (rate_rule,), award=award,
                   lets={"computed": computed}, unit=unit, quote=quote, informational=informational,
                   formula=condition.removeprefix("award = "))


EQUIPMENT_UPGRADE = rate_measure(
    "equipment_upgrade", "工业设备网络化技术改造", EQUIPMENT,
    "equipment_purchase_amount", "equipment_upgrade_rate", "equipment_upgrade_cap",
    (
        in_anhui("equipment_upgrade"),
        flag("equipment_upgrade", "project_kind", EQUIPMENT, "is_digital_network_intelligent_upgrade",
             "digital/networked/intelligent upgrade project", "not a digital/networked/intelligent upgrade project",
             "设备数字化、网络化、智能化技术改造"),
        one_off("equipment_upgrade", EQUIPMENT, "project", "按照项目…"),
    ),
    "项目设备购置额的10%…最高500万元", "the project, once (I-14)")


def _loan_rate_expr():
    band = fact("loan_term_months") <= param("benchmark_band_max_months_1_to_5")
    on_as_of = when(band, lookup(param("benchmark_lending_rate"), "1_to_5_years"),
                    lookup(param("benchmark_lending_rate"), "over_5_years"))
    on_start = when(band, lookup(param_on("benchmark_lending_rate", fact("loan_start_date")), "1_to_5_years"),
                    lookup(param_on("benchmark_lending_rate", fact("loan_start_date")), "over_5_years"))
    return when(param("benchmark_rate_lookup_date").equals("loan_start_date"), on_start, on_as_of)


LOAN_RATE_BP = _loan_rate_expr()
# Never below 0 months: past the limit the subsidy_period_remaining rule fails, and a negative
# month count would make the batch path's integer products overflow for absurd inputs.
LOAN_MONTHS = max_of(min_of(fact("claim_months"), param("loan_max_subsidy_months") - fact("prior_subsidised_months")),
                     const(0))
LOAN_COMPUTED = scaled(fact("loan_principal_amount"), (LOAN_RATE_BP, param("loan_subsidy_share"), LOAN_MONTHS),
                       10_000 * 100 * 12, text="loan_principal_amount × benchmark rate × loan_subsidy_share × months/12")
LOAN_AWARD = min_of(LOAN_COMPUTED,
                    when(param("loan_cap_at_interest_paid"), fact("interest_paid_amount"), const(UNLIMITED)),
                    param("loan_subsidy_cap") - fact("prior_award_amount"))


def _loan_says(v, passed):
    bp = v["rate_bp"]
    band = "1–5 years" if v["loan_term_months"] <= v["benchmark_band_max_months_1_to_5"] else "over 5 years"
    text = (f"{y(v['loan_principal_amount'])} × {bp // 100}.{bp % 100:02d}% ({band}) × {v['loan_subsidy_share']}% "
            f"× {v['months']}/12 = {y(v['computed'])}")
    limits = []
    if v["loan_cap_at_interest_paid"]:
        limits.append(f"interest paid {y(v['interest_paid_amount'])}")
    left = v["loan_subsidy_cap"] - v["prior_award_amount"]
    limits.append(f"the {y(v['loan_subsidy_cap'])} cap" if v["prior_award_amount"] == 0
                  else f"the {y(left)} left under the {y(v['loan_subsidy_cap'])} cap")
    if v["award"] < v["computed"]:
        return f"{text}; limited to {y(v['award'])} by " + " and ".join(limits)
    return f"{text}; under " + " and ".join(limits)


LOAN_INTEREST_SUBSIDY = Measure(
    "loan_interest_subsidy", "技改项目贷款贴息", EQUIPMENT,
    rules=(
        in_anhui("loan_interest_subsidy"),
        flag("loan_interest_subsidy", "project_kind", EQUIPMENT, "is_digital_network_intelligent_upgrade",
             "loan for a digital/networked/intelligent upgrade project",
             "the loan is not for a digital/networked/intelligent upgrade project", "数字化、网络化、智能化技改项目"),
        Rule("loan_interest_subsidy.loan_term", EQUIPMENT, fact("loan_term_months") >= param("loan_min_term_months"),
             ("term {loan_term_months} months ≥ {loan_min_term_months}",
              "term {loan_term_months} months < {loan_min_term_months} (3年期以上贷款)"), quote="3年期以上贷款"),
        Rule("loan_interest_subsidy.claim_period", EQUIPMENT, fact("claim_months") >= 1,
             ("claim covers {claim_months} months", "claim covers no month"), quote=""),
        Rule("loan_interest_subsidy.subsidy_period_remaining", EQUIPMENT,
             fact("prior_subsidised_months") < param("loan_max_subsidy_months"),
             ("{prior_subsidised_months} of {loan_max_subsidy_months} months used",
              "{prior_subsidised_months} of {loan_max_subsidy_months} months already subsidised (贴息期不超过3年)"),
             quote="单个项目贴息期不超过3年"),
        cap_remaining("loan_interest_subsidy", EQUIPMENT, "loan_subsidy_cap", "最高500万元"),
        Rule("loan_interest_subsidy.rate", EQUIPMENT, uses=(LOAN_AWARD,), says=_loan_says,
             quote="按照同期银行基准利率40%给予贴息",
             condition="award = min(round(loan_principal_amount × benchmark rate × loan_subsidy_share × "
                       "min(claim_months, loan_max_subsidy_months − prior_subsidised_months)/12), "
                       "interest_paid_amount (while loan_cap_at_interest_paid), loan_subsidy_cap − prior_award_amount)"),
    ),
    award=LOAN_AWARD,
    lets={"rate_bp": LOAN_RATE_BP, "months": LOAN_MONTHS, "computed": LOAN_COMPUTED},
    formula="40% of the benchmark rate on the principal for the subsidised months, under the interest paid and "
            "the project cap (I-6, I-7)",
    unit="the project (loan), several claims, ≤ 36 months and 5,000,000.00 in all",
    quote="对企业实施数字化、网络化、智能化技改项目3年期以上贷款，省级按照同期银行基准利率40%给予贴息，单个项目贴息期不超过3年，最高500万元",
)


CAP_TIER = lookup(param("capability_award"), fact("capability_level"))
CAP_PRIOR_TIER = lookup(param("capability_award"), fact("prior_capability_award_level"))
CAP_TREATMENT = param("capability_upgrade_treatment")
CAP_AWARD = when(CAP_TREATMENT.equals("top_up"), CAP_TIER - CAP_PRIOR_TIER, CAP_TIER)


def _tier_says(v, passed):
    level, prior = v["capability_level"], v.get_optional("prior_capability_award_level")
    tier = v["tier"]
    if prior is None:  # only the top_up treatment needs the prior level to compute the tier
        return f"{level} tier {y(tier)} ({v['capability_upgrade_treatment']})"
    if v["capability_upgrade_treatment"] == "top_up" and prior != "none":
        return (f"{level} tier {y(tier)} − {prior} tier already paid {y(v['prior_tier'])} = "
                f"{y(v['award'])} (top_up)")
    return f"{level} tier {y(tier)}" + (f" ({v['capability_upgrade_treatment']})" if prior != "none" else "")


def _above_prior_says(v, passed):
    prior = v["prior_capability_award_level"]
    if v["capability_upgrade_treatment"] == "none":  # one award per enterprise, whatever the level
        return ("no capability award received before" if passed else
                f"already awarded at {prior}: one award per enterprise (一次性奖补)")
    level = v["capability_level"]
    if passed:
        return f"{level} is above the level already awarded ({prior})"
    return f"{level} is not above the level already awarded ({prior}): 一次性奖补"


CAPABILITY_ASSESSMENT = Measure(
    "capability_assessment", "数字化转型新型能力评估 3A/4A/5A", CAPABILITY,
    rules=(
        in_anhui("capability_assessment"),
        Rule("capability_assessment.level", CAPABILITY, one_of(fact("capability_level"), ("3A", "4A", "5A")),
             ("level {capability_level} is one of 3A/4A/5A", "level {capability_level} is not one of 3A/4A/5A"),
             quote="评估等级在3A、4A、5A级的企业"),
        Rule("capability_assessment.above_prior", CAPABILITY,
             when(CAP_TREATMENT.equals("none"), fact("prior_capability_award_level").equals("none"),
                  rank(fact("capability_level"), LEVEL_ORDER) > rank(fact("prior_capability_award_level"), LEVEL_ORDER)),
             _above_prior_says, quote="一次性奖补"),
        Rule("capability_assessment.tier", CAPABILITY, uses=(CAP_AWARD,), says=_tier_says,
             quote="分别给予一次性奖补50万元、100万元、150万元",
             condition="capability_award[capability_level], less the tier already paid while "
                       "capability_upgrade_treatment is top_up"),
    ),
    award=CAP_AWARD,
    lets={"tier": CAP_TIER, "prior_tier": CAP_PRIOR_TIER},
    formula="the tier of the level (3A 500,000.00 · 4A 1,000,000.00 · 5A 1,500,000.00); on an upgrade the "
            "difference (I-8)",
    unit="the enterprise, once per level",
    quote="对评估等级在3A、4A、5A级的企业，省级分别给予一次性奖补50万元、100万元、150万元",
)


SMART_TIER = lookup(param("smart_manufacturing_award"), fact("provincial_recognition"))
SMART_NETTING = when(param("factory_nets_prior_workshop_award"),
                     when(fact("provincial_recognition").equals("smart_factory"), fact("prior_workshop_award_amount"),
                          const(0)),
                     const(0))
SMART_AWARD = max_of(SMART_TIER - SMART_NETTING, const(0))


def _smart_says(v, passed):
    text = f"{v['provincial_recognition']} tier {y(v['tier'])}"
    if v["netting"]:
        text += f" − workshop award already received {y(v['netting'])} = {y(v['award'])}"
    return text


SMART_MANUFACTURING = Measure(
    "smart_manufacturing", "省级数字化车间、智能工厂", SMART,
    rules=(
        in_anhui("smart_manufacturing"),
        Rule("smart_manufacturing.recognised", SMART,
             one_of(fact("provincial_recognition"), ("digital_workshop", "smart_factory")),
             (lambda v, ok: {"digital_workshop": "provincial digital workshop",
                             "smart_factory": "provincial smart factory"}[v["provincial_recognition"]]
              if ok else "no provincial recognition (省级数字化车间、智能工厂)"), quote="省级数字化车间、智能工厂"),
        one_off("smart_manufacturing", SMART, "recognition"),
        Rule("smart_manufacturing.tier", SMART, uses=(SMART_AWARD,), says=_smart_says, quote="分别…50万元、100万元",
             condition="smart_manufacturing_award[provincial_recognition]"),
    ),
    award=SMART_AWARD,
    lets={"tier": SMART_TIER, "netting": SMART_NETTING},
    formula="digital_workshop 500,000.00, smart_factory 1,000,000.00 (I-9)",
    unit="the recognised workshop or factory, once",
    quote="对省级数字化车间、智能工厂，省级分别给予企业一次性奖补50万元、100万元",
)


# --- 三、基础设施 ---------------------------------------------------------------------------

NETWORK_UPGRADE = fixed_award(
    "network_upgrade", "企业内外网改造升级", NETWORK,
    (
        in_anhui("network_upgrade"),
        flag("network_upgrade", "upgrade_done", NETWORK, "has_upgraded_enterprise_network",
             "enterprise network upgraded (IPv6, 工业PON, 5G, gateways, edge computing)",
             "no enterprise network upgrade", "以IPv6…5G等技术…改造升级企业网络"),
        flag("network_upgrade", "selected", NETWORK, "is_selected_by_provincial_review",
             "selected among the enterprises with good network upgrades",
             "not selected (每年支持一批网络改造应用良好的企业)", "每年支持一批网络改造应用良好的企业"),
        one_off("network_upgrade", NETWORK, "enterprise"),
    ),
    "network_upgrade_award", "the enterprise, once", "每年支持一批网络改造应用良好的企业，省级给予一次性奖补100万元")

IDENTIFIER_NODE = rate_measure(
    "identifier_node", "标识解析二级节点", IDENTIFIER,
    "project_investment_amount", "identifier_node_max_rate", "identifier_node_cap",
    (
        in_anhui("identifier_node", IDENTIFIER, node=True),
        flag("identifier_node", "node", IDENTIFIER, "is_identifier_secondary_node", "secondary identifier-resolution "
             "node", "not a 标识解析二级节点 project", "标识解析二级节点项目"),
        flag("identifier_node", "completed", IDENTIFIER, "is_node_completed", "node completed", "node not yet built "
             "(建成)", "建成"),
        one_off("identifier_node", IDENTIFIER, "node"),
    ),
    "不超过项目投资额30%…最高300万元", "the node, once", reviewed=True)

INNOVATION_CARRIER = rate_measure(
    "innovation_carrier", "工业互联网创新服务载体", CARRIER,
    "project_investment_amount", "innovation_carrier_max_rate", "innovation_carrier_cap",
    (in_anhui("innovation_carrier"), one_off("innovation_carrier", CARRIER, "carrier")),
    "不超过投资额20%…最高500万元", "the carrier, once", reviewed=True, informational=("carrier_type",))


# --- 四、集成电路 ---------------------------------------------------------------------------


def ic_measure(measure: str, title: str, base: str, rate: str, cap: str, rules: tuple[Rule, ...], quote: str,
               unit: str, cap_quote: str, informational: tuple[str, ...] = ()) -> Measure:
    """x % of a base, limited to what is left under the enterprise's cap for the period (I-11)."""
    computed = percent(fact(base), param(rate))
    left = param(cap) - fact("prior_award_amount")
    award = min_of(computed, left)
    cap_rule = Rule(f"{measure}.cap_remaining", IC, fact("prior_award_amount") < param(cap),
                    (lambda v, ok: f"{y(v['prior_award_amount'])} of {y(v[cap])} used {_ic_period(v)}" if ok else
                     f"{y(v['prior_award_amount'])} of {y(v[cap])} already used {_ic_period(v)}: nothing left"),
                    quote=cap_quote)
    rate_rule = Rule(f"{measure}.rate", IC, uses=(award,), quote=quote,
                     says=rate_detail(rate, base, cap, left_under_cap="left"),
                     condition=f"award = min(round({base} × {rate}%), {cap} − prior_award_amount)")
    return Measure(measure, title, IC, rules=rules + (cap_rule, rate_rule), award=award,
                   lets={"computed": computed, "left": left}, unit=unit, quote=quote,
                   informational=informational, formula=f"min(round({base} × {rate}%), {cap} − prior_award_amount)")


IC_CHAIN = ("integrated_circuit", "compound_semiconductor", "mems", "power_device")


def chain_rule(measure: str, quote: str) -> Rule:
    return Rule(f"{measure}.chain", IC, one_of(fact("ic_chain_field"), IC_CHAIN),
                ("{ic_chain_field} chain enterprise", "not an enterprise of the 集成电路、化合物半导体、MEMS、功率器件 "
                 "chains"), quote=quote)


def previous_year(measure: str, year_fact: str, quote: str) -> Rule:
    return Rule(f"{measure}.previous_year", IC, fact(year_fact).equals(year_of(as_of()) - 1),
                (lambda v, ok: f"{year_fact.split('_')[0]} year {v[year_fact]} is the year before {v['as_of'].year}"
                 if ok else f"{year_fact.split('_')[0]} year {v[year_fact]} is not {v['as_of'].year - 1}, the year "
                 f"before {v['as_of'].year} (上一年度)"), quote=quote)


IC_FIRST_TAPEOUT = ic_measure(
    "ic_first_tapeout", "集成电路首轮流片", "tapeout_contract_amount", "ic_tapeout_rate", "ic_tapeout_enterprise_cap",
    (
        in_anhui("ic_first_tapeout"),
        flag("ic_first_tapeout", "design_enterprise", IC, "is_ic_design_enterprise", "IC design enterprise",
             "not an IC design enterprise (集成电路设计企业)", "集成电路设计企业"),
        flag("ic_first_tapeout", "first_tapeout", IC, "is_first_engineering_tapeout",
             "first engineering tape-out of the product", "not the product's first engineering tape-out",
             "工程产品首轮流片"),
        one_off("ic_first_tapeout", IC, "product", "该款产品…一次性奖补"),
    ),
    "合同金额的30%", "the product, once; the enterprise ≤ 3,000,000.00 a year", "单个企业最高300万元",
    informational=("tapeout_contract_kind",))

IC_RD_EQUIPMENT = ic_measure(
    "ic_rd_equipment", "集成电路产业链关键研发设备", "rd_equipment_purchase_amount", "ic_rd_equipment_rate",
    "ic_rd_equipment_enterprise_cap",
    (
        in_anhui("ic_rd_equipment"),
        chain_rule("ic_rd_equipment", "集成电路、化合物半导体、微机电系统（MEMS）、功率器件产业链企业"),
        previous_year("ic_rd_equipment", "purchase_year", "上一年度购置"),
    ),
    "实际购置金额的20%", "the enterprise, every year; ≤ 10,000,000.00 a year", "单个企业最高1000万元",
    informational=("ic_chain_segment",))

IC_INDUSTRIALISATION = ic_measure(
    "ic_industrialisation", "集成电路产业链产业化项目", "key_equipment_purchase_amount", "ic_industrialisation_rate",
    "ic_industrialisation_enterprise_cap",
    (
        in_anhui("ic_industrialisation"),
        chain_rule("ic_industrialisation", "其 = the chain enterprises above"),
        previous_year("ic_industrialisation", "project_year", "上一年度实施产业化项目"),
        Rule("ic_industrialisation.min_investment", IC,
             fact("project_completed_investment_amount") >= param("ic_industrialisation_min_investment"),
             ("completed investment {project_completed_investment_amount:yuan} ≥ "
              "{ic_industrialisation_min_investment:yuan}",
              "completed investment {project_completed_investment_amount:yuan} is below "
              "{ic_industrialisation_min_investment:yuan} (实际完成投资1000万元及以上)"), quote="实际完成投资1000万元及以上"),
        one_off("ic_industrialisation", IC, "project", "I-14"),
    ),
    "项目关键设备购置额的10%", "the project, once; the enterprise ≤ 20,000,000.00 a year", "单个企业最高2000万元",
    informational=("ic_chain_segment",))


# --- 五、场景 六、安全 -----------------------------------------------------------------------

SCENARIO_DEMONSTRATION = fixed_award(
    "scenario_demonstration", "场景与解决方案示范", SCENARIO,
    (
        in_anhui("scenario_demonstration"),
        flag("scenario_demonstration", "selected", SCENARIO, "is_selected_by_provincial_review",
             "selected by the provincial review", "not in the batch the province selected (支持一批)", "支持一批"),
        one_off("scenario_demonstration", SCENARIO, "selected item"),
    ),
    "scenario_demonstration_award", "the selected scenario or solution, once",
    "支持一批5G和工业互联网典型场景、标识解析应用、新模式示范应用、优秀解决方案，省级给予一次性奖补100万元",
    informational=("demonstration_category",))

SECURITY_CLASSIFICATION = rate_measure(
    "security_classification", "网络安全分类分级", SECURITY,
    "project_investment_amount", "security_classification_max_rate", "security_classification_cap",
    (
        in_anhui("security_classification"),
        Rule("security_classification.applicant_kind", SECURITY,
             one_of(fact("applicant_kind"), ("industrial_enterprise", "platform_service_provider")),
             ("applicant is {applicant_kind}", "applicant kind {applicant_kind} is neither 工业企业 nor 平台服务商"),
             quote="工业企业和平台服务商"),
        flag("security_classification", "project_kind", SECURITY, "is_security_classification_project",
             "network-security classification project", "not a 网络安全分类分级 project",
             "开展工业互联网网络安全分类分级工作"),
        one_off("security_classification", SECURITY, "enterprise"),
    ),
    "不超过项目投资额50%…最高100万元", "the enterprise, once (I-22)", reviewed=True)


MEASURES = (
    PLATFORM_CROSS_INDUSTRY, PLATFORM_INDUSTRY, PLATFORM_ENTERPRISE, SERVICE_PROVIDER_POOL, EQUIPMENT_UPGRADE,
    LOAN_INTEREST_SUBSIDY, CAPABILITY_ASSESSMENT, SMART_MANUFACTURING, NETWORK_UPGRADE, IDENTIFIER_NODE,
    INNOVATION_CARRIER, IC_FIRST_TAPEOUT, IC_RD_EQUIPMENT, IC_INDUSTRIALISATION, SCENARIO_DEMONSTRATION,
    SECURITY_CLASSIFICATION,
)

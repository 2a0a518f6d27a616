"""The three measures of the 上云上平台 voucher scheme, each rule with its clause (spec §4)."""

from __future__ import annotations

import datetime as dt

from huiqi.money import yuan_grouped as y
from huiqi.rules import Measure, Rule, as_of, const, fact, func, leading_number, lookup, max_of, min_of, param
from huiqi.rules import starts_with, when
from huiqi_plugins.guangdong_vouchers.catalogue import ILLUSTRATIVE, CatalogueField
from huiqi_plugins.guangdong_vouchers.facts import missing_words

DOC = "002 上云上平台服务券方案 "


def rule(rule_id: str, clause: str, test=None, says=("", ""), quote: str = "", **more) -> Rule:
    """A rule citing ``002 上云上平台服务券方案 <clause>``; a missing fact is named with what it asks for."""
    return Rule(rule_id, DOC + clause, test, says, quote, missing_says=missing_words, **more)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# --- 4.1 enterprise_eligibility ---------------------------------------------------------------


def anniversary(day: dt.date, years: int) -> dt.date | None:
    """The same month and day ``years`` later; 29 February → 28 February (I-4); None past 9999."""
    year = day.year + years
    if not 1 <= year <= 9999:
        return None
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year: the month's last day (民法典 第二百零二条)
        return dt.date(year, 2, 28)


def _reached(established: dt.date, day: dt.date, years: int) -> bool:
    target = anniversary(established, years)
    return target is not None and day >= target


def _years_says(v, passed: bool) -> str:
    established, day, years = v["established_date"], v["as_of"], v["min_years_established"]
    span, verb = ("one year", "is") if years == 1 else (_plural(years, "year"), "are")
    target = anniversary(established, years)
    if target is None:
        return f"established {established}: {span} {verb} not reached before 9999-12-31"
    if passed:
        when_ = "on" if target == day else "before"
        return f"established {established}; {span} reached {target}, {when_} the application date {day}"
    return f"established {established}: {span} {verb} reached on {target}, after the application date {day}"


def _division_says(v, passed: bool) -> str:
    code = v["industry_code"]
    scope = f"divisions {v['industrial_division_min']:02d}–{v['industrial_division_max']:02d}"
    return f"industry {code} is in division {code[:2]}, {'an' if passed else 'not an'} industrial enterprise ({scope})"


def _suspension_says(v, passed: bool) -> str:
    count = v["unredeemed_voucher_count"]
    if count == v["suspension_unredeemed_count"]:
        if passed:
            return (f"{_plural(count, 'unredeemed voucher')}, but this is not the batch suspended after them "
                    f"(下一批)")
        return f"{_plural(count, 'unredeemed voucher')}: applications are suspended for this batch (下一批)"
    if count >= v["revocation_unredeemed_count"]:
        return "suspension does not apply; see revocation"
    return _plural(count, "unredeemed voucher")


def _revocation_says(v, passed: bool) -> str:
    count, limit = v["unredeemed_voucher_count"], v["revocation_unredeemed_count"]
    if passed:
        return f"{_plural(count, 'unredeemed voucher')} < {limit}"
    return f"{_plural(count, 'unredeemed voucher')}: the enterprise's voucher qualification is cancelled"


COUNT = fact("unredeemed_voucher_count")
DIVISION = leading_number(fact("industry_code"), 2)

ENTERPRISE_RULES = (
    rule("enterprise_eligibility.in_guangdong", "四（一）1",
         starts_with(fact("region_code"), param("province_prefix")),
         ("registered in {region_code}, Guangdong",
          "registered in {region_code}, outside Guangdong ({province_prefix}): the enterprise must be established and "
          "registered in Guangdong"), "在广东省设立、登记、注册"),
    rule("enterprise_eligibility.legal_person", "四（一）1", fact("is_independent_legal_person"),
         ("independent legal person", "not an independent legal person: 独立法人资格 is required"), "具有独立法人资格"),
    rule("enterprise_eligibility.industrial_enterprise", "四（一）",
         (DIVISION >= param("industrial_division_min")) & (DIVISION <= param("industrial_division_max")),
         _division_says, "发放对象为工业企业",
         condition="first two digits of industry_code within industrial_division_min–industrial_division_max (I-3)"),
    rule("enterprise_eligibility.established_one_year", "四（一）2",
         func("anniversary_reached", _reached, fact("established_date"), as_of(), param("min_years_established"),
              text="as_of ≥ the {2}-year anniversary of {0} (29 February → 28 February)"),
         _years_says, "企业成立时间不低于1年（截至企业申请服务券的日期）",
         condition="as_of ≥ the min_years_established-th anniversary of established_date; 29 February → 28 "
                   "February (I-4)"),
    rule("enterprise_eligibility.main_business_revenue", "四（一）2",
         fact("prior_year_main_business_revenue_amount") >= param("min_main_business_revenue_amount"),
         ("main business revenue last year {prior_year_main_business_revenue_amount:yuan} ≥ "
          "{min_main_business_revenue_amount:yuan}",
          "main business revenue last year {prior_year_main_business_revenue_amount:yuan} < "
          "{min_main_business_revenue_amount:yuan} (四（一）2)"), "上年度主营业务收入不低于1000万元"),
    rule("enterprise_eligibility.no_fiscal_violation", "四（一）3", ~fact("has_serious_fiscal_violation_5y"),
         ("no serious fiscal-fund violation in the last {fiscal_violation_lookback_years} years",
          "a serious fiscal-fund violation in the last {fiscal_violation_lookback_years} years: not eligible "
          "(四（一）3)"), "近5年内未出现过财政资金方面的严重违法违规情况"),
    rule("enterprise_eligibility.not_suspended_after_unredeemed", "五（六）19",
         when(COUNT.equals(param("suspension_unredeemed_count")), ~fact("is_batch_after_second_unredeemed"),
              const(True)),
         _suspension_says, "累积两次未兑现服务券的，暂停其下一批服务券的申领资格",
         condition="unredeemed_voucher_count ≠ suspension_unredeemed_count, or not is_batch_after_second_unredeemed "
                   "(I-13)"),
    rule("enterprise_eligibility.not_revoked_after_unredeemed", "五（六）19",
         COUNT < param("revocation_unredeemed_count"), _revocation_says, "累积三次未兑现的，取消其服务券申领资格"),
    rule("enterprise_eligibility.rights_not_suspended", "八（四）", ~fact("is_rights_suspended_for_poor_results"),
         ("rights under this policy not suspended",
          "rights under this policy suspended for poor implementation results, until the results improve (八（四）)"),
         "对实施效果不理想的工业企业…暂停其享受本政策的权利，直至其改善实施效果"),
    rule("enterprise_eligibility.no_fraud_finding", "八（四）", ~fact("has_subsidy_fraud_finding"),
         ("no subsidy-fraud finding", "rights under this policy cancelled for subsidy fraud (骗补, 八（四）)"),
         "对存在骗补行为的工业企业…取消其享受本政策的权利"),
)

ENTERPRISE_ELIGIBILITY = Measure(
    "enterprise_eligibility", "服务券发放对象 — may this enterprise receive vouchers?", DOC + "四（一）",
    rules=ENTERPRISE_RULES,
    unit="the enterprise, on the application (or screening) day",
    formula="a decision, no amount: eligible means the enterprise may apply for vouchers on as_of",
    quote="本方案服务券的发放对象为工业企业，应满足以下条件",
)


# --- 4.2 voucher_award ------------------------------------------------------------------------

CATALOGUE_CAPS = CatalogueField("caps")
PERIOD_CAP = CatalogueField("period_cap_amount")
TYPE_CAP = lookup(CATALOGUE_CAPS, fact("service_type"), 0)
SINGLE = min_of(fact("contract_cloud_fee_amount"), TYPE_CAP)
REMAINING = max_of(PERIOD_CAP - fact("period_awarded_amount"), const(0))
VOUCHER_AWARD = min_of(SINGLE, REMAINING)


def _catalogue_words(v) -> str:
    version = v["catalogue"]
    return f"catalogue {version.short}" + (" (ILLUSTRATIVE sample)" if version.illustrative else "")


def _signed_after_says(v, passed: bool) -> str:
    signed, basis = v["contract_signed_date"], v["contract_signed_after"]
    inclusive = v["contract_signed_after_inclusive"]
    if passed:
        return f"contract signed {signed}, {'on or after' if inclusive else 'after'} {basis}"
    relation = "before" if inclusive or signed < basis else "not after"
    return (f"contract signed {signed}, {relation} {basis} (粤府〔2018〕23号 published): only contracts signed "
            f"{'on or after' if inclusive else 'after'} it qualify")


def _related_says(v, passed: bool) -> str:
    if not v["is_related_party_transaction"]:
        return "not a related-party transaction"
    if passed:
        return "related-party transaction; both parties committed that the contract amount is a fair market price"
    return ("related-party transaction without the fair-price commitment: both parties must commit that the contract "
            "amount is a fair market price (五（六）23)")


def _in_catalogue_says(v, passed: bool) -> str:
    code = v["service_type"]
    if passed:
        return f"{code} {v['catalogue'].type_of(code).name} is in {_catalogue_words(v)}"
    return f"{code} is not in {_catalogue_words(v)}: choose a service type the catalogue in force lists"


def _remaining_says(v, passed: bool) -> str:
    cap, awarded = v["period_cap"], v["period_awarded_amount"]
    if awarded > cap:
        return f"period cap {y(cap)} − {y(awarded)} awarded: nothing left (累计上限)"
    text = f"period cap {y(cap)} − {y(awarded)} awarded = {y(v['remaining'])} left"
    return text if passed else f"{text}: the enterprise has reached its total for this period (累计上限)"


def _fits_says(v, passed: bool) -> str:
    single, remaining = v["single"], v["remaining"]
    if passed:
        return f"voucher {y(single)} fits the {y(remaining)} left under the period cap {y(v['period_cap'])}"
    return (f"voucher {y(single)} exceeds the {y(remaining)} left under the period cap {y(v['period_cap'])}: no "
            f"partial award while partial_award_at_period_cap is false")


def _amount_says(v, passed: bool) -> str:
    version, code = v["catalogue"], v["service_type"]
    single, remaining = v["single"], v["remaining"]
    text = "" if code in version.listed else f"no cap for {code} in catalogue {version.short}: 0.00; "
    text += (f"min(contract fee {y(v['contract_cloud_fee_amount'])}, type cap {y(v['type_cap'])}) = {y(single)}; "
             f"min({y(single)}, {y(remaining)} left) = {y(v['award'])}")
    return text + f" (catalogue {version.short}" + (f", {ILLUSTRATIVE})" if version.illustrative else ")")


AWARD_RULES = (
    rule("voucher_award.contract_after_basis_date", "四（一）4",
         when(param("contract_signed_after_inclusive"), fact("contract_signed_date") >= param("contract_signed_after"),
              fact("contract_signed_date") > param("contract_signed_after")),
         _signed_after_says, "应为2018年3月20日（粤府〔2018〕23号文发布日期）之后签订合同的项目",
         condition="contract_signed_date > contract_signed_after (≥ while contract_signed_after_inclusive; I-6)"),
    rule("voucher_award.contract_before_application", "四（二）", fact("contract_signed_date") <= as_of(),
         ("contract signed {contract_signed_date}, on or before the application date {as_of}",
          "contract signed {contract_signed_date}, after the application date {as_of}: sign the contract with the "
          "supplier before applying (四（二）)"), "必须先与供应商签署“上云上平台”合同后，方能申领服务券"),
    rule("voucher_award.implemented_in_guangdong", "四（三）",
         starts_with(fact("implementation_region_code"), param("province_prefix")),
         ("implemented in {implementation_region_code}, Guangdong",
          "implemented in {implementation_region_code}, outside Guangdong ({province_prefix}): 实施地点应在广东省内"),
         "实施地点应在广东省内"),
    rule("voucher_award.single_special_fund", "四（一）5", ~fact("has_other_special_fund_application"),
         ("project not declared for another special fund",
          "project already declared for another special fund: one project, one special fund (不得重复申报)"),
         "企业同一项目原则上只能申报一项专项资金，不得重复申报"),
    rule("voucher_award.supplier_registered", "五（二）3", fact("supplier_is_registered"),
         ("supplier registered on the platform",
          "supplier not registered on the platform: choose a supplier that is registered and has passed review "
          "(五（二）3)"), "在服务平台上进行注册并通过审核"),
    rule("voucher_award.supplier_not_disqualified", "五（六）23", ~fact("supplier_is_disqualified"),
         ("supplier qualification in force",
          "supplier qualification cancelled or suspended for this period: choose another supplier (五（六）23, 八（四）)"),
         "取消其当期及下一期服务券的供应商资格"),
    rule("voucher_award.related_party_commitment", "五（六）23",
         when(fact("is_related_party_transaction"), fact("has_fair_price_commitment"), const(True)),
         _related_says, "双方应承诺合同金额是按市场公平交易原则确定的合理价格",
         condition="not is_related_party_transaction, or has_fair_price_commitment"),
    rule("voucher_award.service_in_catalogue", "四（四）1", lookup(CatalogueField("listed"), fact("service_type"), False),
         _in_catalogue_says, "对纳入奖补的应用服务和奖补额度等予以明确",
         condition="service_type is a code of the catalogue version in force on as_of (I-9)"),
    rule("voucher_award.period_cap_remaining", "四（四）3", REMAINING > 0, _remaining_says,
         "企业在周期内可获得的奖补总额不超出累计上限",
         condition="max(0, catalogue period_cap_amount − period_awarded_amount) > 0"),
    rule("voucher_award.fits_period_cap", "四（四）3", SINGLE <= REMAINING, _fits_says,
         "企业在周期内可获得的奖补总额不超出累计上限", applies=~param("partial_award_at_period_cap"),
         condition="only while partial_award_at_period_cap is false: min(fee, type cap) ≤ what is left (I-10)"),
    rule("voucher_award.amount", "四（四）2", uses=(VOUCHER_AWARD,), says=_amount_says,
         quote="按两者的最低值计算；优先核定先申请的服务券的奖补金额",
         condition="min(min(contract_cloud_fee_amount, type cap of service_type), max(0, period cap − "
                   "period_awarded_amount))"),
)

VOUCHER_AWARD_MEASURE = Measure(
    "voucher_award", "服务券奖补金额 — the voucher amount for one contract", DOC + "四（四）2",
    rules=ENTERPRISE_RULES + AWARD_RULES,
    award=VOUCHER_AWARD,
    lets={"type_cap": TYPE_CAP, "single": SINGLE, "remaining": REMAINING, "period_cap": PERIOD_CAP},
    award_citation=DOC + "四（四）2",
    award_missing_says=missing_words,
    formula="min(contract fee, the service type's cap in the catalogue in force), at most what is left of the "
            "period cap (partial at the cap, I-10)",
    unit="one contract (one voucher); cumulative per enterprise per period",
    quote="单项应用服务的奖补金额，不超出对应奖补上限，且不超出企业实际合同中约定的“上云上平台费用”，按两者的最低值计算",
)


# --- 4.3 voucher_redemption -------------------------------------------------------------------

BONUS = when(fact("has_prior_completed_redemption"), const(0),
             when(fact("has_passed_integration_management_assessment"),
                  when(fact("has_received_provincial_integration_award"), const(0), param("integration_bonus_amount")),
                  const(0)))
REDEMPTION_AWARD = fact("voucher_amount") + BONUS


def _bonus_says(v, passed: bool) -> str:
    if v["has_prior_completed_redemption"]:
        return "bonus does not apply: the enterprise already completed a redemption review"
    if not v["has_passed_integration_management_assessment"]:
        return "first redemption review; 两化融合管理体系贯标 not passed: no bonus"
    if v["has_received_provincial_integration_award"]:
        return "first redemption review; 两化融合管理体系贯标 passed; provincial 贯标 award already received: no bonus"
    return (f"first redemption review; 两化融合管理体系贯标 passed; no provincial 贯标 award received: bonus "
            f"{y(v['bonus'])}")


REDEMPTION_RULES = (
    rule("voucher_redemption.voucher_issued", "四（二）", fact("voucher_amount") > 0,
         ("voucher {voucher_amount:yuan} issued",
          "voucher amount {voucher_amount:yuan}: there is no voucher to redeem"),
         "对服务券予以兑现"),
    rule("voucher_redemption.cloud_use_verified", "五（四）13", fact("is_cloud_use_verified"),
         ("cloud use verified: the 完成情况表 marks 上云上平台 completed",
          "cloud use not verified: the 完成情况表 does not mark 上云上平台 completed (五（四）13)"),
         "对标注完成“上云上平台”的企业结算申请进行审核"),
    rule("voucher_redemption.invoice_issuer", "五（四）14", fact("invoices_issued_by_selected_supplier"),
         ("every invoice issued by the selected supplier",
          "an invoice was not issued by the supplier selected on the platform: upload the selected supplier's "
          "invoices (五（四）14)"), "发票开具方…是否为企业在服务平台上选择的供应商"),
    rule("voucher_redemption.payment_payee", "五（四）14", fact("payments_received_by_selected_supplier"),
         ("every payment received by the selected supplier",
          "a payment proof's payee is not the supplier selected on the platform: pay the selected supplier "
          "(五（四）14)"), "支付凭证的收款方是否为企业在服务平台上选择的供应商"),
    rule("voucher_redemption.invoice_total", "五（四）14", fact("invoice_total_amount") >= fact("voucher_amount"),
         ("invoiced {invoice_total_amount:yuan} ≥ voucher {voucher_amount:yuan}",
          "invoiced {invoice_total_amount:yuan} < voucher {voucher_amount:yuan}: the invoices must total at least the "
          "voucher amount (五（四）14)"), "发票总金额…是否不低于该服务券金额"),
    rule("voucher_redemption.payment_total", "四（二）", fact("payment_total_amount") >= fact("voucher_amount"),
         ("paid {payment_total_amount:yuan} ≥ voucher {voucher_amount:yuan}",
          "paid {payment_total_amount:yuan} < voucher {voucher_amount:yuan}: pay at least the voucher amount before "
          "redemption (四（二）)"), "必须实际支付不低于服务券金额的款项；支付凭证总金额是否不低于该服务券金额"),
    rule("voucher_redemption.integration_bonus", "四（四）5", uses=(BONUS,), says=_bonus_says,
         quote="已通过两化融合管理体系贯标评定、且未获得省财政贯标评定奖补资金的企业，首次完成服务券兑现审核时，"
               "在服务券金额的基础上额外增加20万奖补额度",
         condition="integration_bonus_amount when not has_prior_completed_redemption and "
                   "has_passed_integration_management_assessment and not has_received_provincial_integration_award, "
                   "else 0.00 (I-11)"),
    rule("voucher_redemption.amount", "四（四）5", uses=(REDEMPTION_AWARD,),
         says=lambda v, ok: f"voucher {y(v['voucher_amount'])} + bonus {y(v['bonus'])} = {y(v['award'])}",
         quote="在服务券金额的基础上额外增加20万奖补额度", condition="voucher_amount + bonus"),
)

VOUCHER_REDEMPTION = Measure(
    "voucher_redemption", "服务券兑现 — what is paid when one voucher is redeemed", DOC + "四（二）",
    rules=REDEMPTION_RULES,
    award=REDEMPTION_AWARD,
    lets={"bonus": BONUS},
    award_citation=DOC + "四（二）",
    award_missing_says=missing_words,
    formula="the voucher amount, plus integration_bonus_amount once per enterprise at its first redemption review "
            "(两化融合贯标, I-11); all or nothing",
    unit="one issued voucher; the bonus once per enterprise",
    quote="采取事后奖补方式，对服务券予以兑现；必须实际支付不低于服务券金额的款项后，方能申请服务券兑现",
)

MEASURES = (ENTERPRISE_ELIGIBILITY, VOUCHER_AWARD_MEASURE, VOUCHER_REDEMPTION)

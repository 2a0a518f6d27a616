"""The facts the measures of the 上云上平台 voucher scheme read (spec §3.1–§3.3), and what each one asks for."""

from huiqi.facts import BOOL, CATALOGUE_CODE, DATE, INDUSTRY_CODE, INT, MONEY, REGION, USCC, Fact

ENTERPRISE, VOUCHER, REDEMPTION = "enterprise", "voucher application", "redemption"

# (fact, type, meaning, entity, label, what a missing one asks for)
_DECLARED = (
    ("applicant_uscc", USCC, "the enterprise's 统一社会信用代码 (optional in evaluate)", ENTERPRISE, "统一社会信用代码",
     "the enterprise's USCC"),
    ("region_code", REGION, "where the enterprise is established and registered (GB/T 2260)", ENTERPRISE,
     "设立、登记、注册地", "the code of the region where the enterprise is registered"),
    ("is_independent_legal_person", BOOL, "the enterprise has 独立法人资格", ENTERPRISE, "独立法人资格",
     "a statement whether the enterprise is an independent legal person"),
    ("industry_code", INDUSTRY_CODE, "main industry, GB/T 4754-2017 class (I-3)", ENTERPRISE, "国民经济行业分类",
     "the main industry as a GB/T 4754-2017 class"),
    ("established_date", DATE, "成立日期 on the business licence", ENTERPRISE, "成立日期",
     "the founding date on the business licence"),
    ("prior_year_main_business_revenue_amount", MONEY, "主营业务收入 of the calendar year before as_of (I-5)",
     ENTERPRISE, "上年度主营业务收入", "last year's main business revenue"),
    ("has_serious_fiscal_violation_5y", BOOL, "a serious fiscal-fund violation within the 5 years before as_of",
     ENTERPRISE, "近5年财政资金严重违法违规", "a statement whether a serious fiscal-fund violation occurred in the last 5 years"),
    ("unredeemed_voucher_count", INT(), "issued vouchers that ended unredeemed before as_of (I-13; ledger-derived)",
     ENTERPRISE, "累积未兑现服务券", "the number of the enterprise's unredeemed vouchers"),
    ("is_batch_after_second_unredeemed", BOOL, "only when unredeemed_voucher_count = 2: the period of as_of is the "
     "first whose window opens after the second unredeemed voucher (§6.6)", ENTERPRISE, "第二次未兑现后的下一批",
     "a statement whether this batch is the first after the second unredeemed voucher"),
    ("is_rights_suspended_for_poor_results", BOOL, "rights suspended for poor implementation results (八（四）)",
     ENTERPRISE, "实施效果不理想暂停权利", "a statement whether the province has suspended the enterprise's rights"),
    ("has_subsidy_fraud_finding", BOOL, "rights cancelled for 骗补 (八（四）)", ENTERPRISE, "骗补",
     "a statement whether the enterprise's rights were cancelled for subsidy fraud"),
    ("supplier_uscc", USCC, "the selected supplier, the contract's main implementer (optional in evaluate)", VOUCHER,
     "供应商统一社会信用代码", "the supplier's USCC"),
    ("contract_signed_date", DATE, "the day the 上云上平台 contract was signed (the original contract's date)",
     VOUCHER, "合同签订日期", "the day the contract with the supplier was signed"),
    ("implementation_region_code", REGION, "where the project is implemented", VOUCHER, "实施地点",
     "the code of the region where the project is implemented"),
    ("has_other_special_fund_application", BOOL, "the same project was declared for another special fund (I-8)",
     VOUCHER, "已申报其他专项资金", "a statement whether the project was declared for another special fund"),
    ("service_type", CATALOGUE_CODE, "the application service type chosen from the catalogue (§5.2)", VOUCHER,
     "应用服务类型", "the service type chosen from the catalogue"),
    ("supplier_is_registered", BOOL, "the supplier is registered on the platform (passed review) on as_of", VOUCHER,
     "供应商已注册", "a statement whether the supplier is registered on the platform"),
    ("supplier_is_disqualified", BOOL, "the supplier's qualification is cancelled or suspended for the period",
     VOUCHER, "供应商资格被取消或暂停", "a statement whether the supplier's qualification is cancelled or suspended"),
    ("is_related_party_transaction", BOOL, "the supplier serves its related enterprise (企业会计准则第36号)", VOUCHER,
     "关联交易", "a statement whether the supplier and the enterprise are related parties"),
    ("has_fair_price_commitment", BOOL, "only when is_related_party_transaction: both parties committed to a fair "
     "market price", VOUCHER, "公平交易价格承诺", "the fair-price commitment of both related parties"),
    ("contract_cloud_fee_amount", MONEY, "the 上云上平台费用 stated in the contract (definition of 三)", VOUCHER,
     "合同约定的上云上平台费用", "the 上云上平台 fee stated in the contract"),
    ("period_awarded_amount", MONEY, "amounts held by the enterprise's other live vouchers of the same period (I-10; "
     "ledger-derived)", VOUCHER, "本周期已核定金额", "the amount the enterprise's other vouchers of this period hold"),
    ("voucher_amount", MONEY, "the issued voucher's amount", REDEMPTION, "服务券金额", "the issued voucher's amount"),
    ("is_cloud_use_verified", BOOL, "the 完成情况表 marks 上云上平台 completed for this voucher", REDEMPTION,
     "完成上云上平台", "the province's verification of cloud use (完成情况表)"),
    ("invoices_issued_by_selected_supplier", BOOL, "every invoice was issued by the selected supplier", REDEMPTION,
     "发票开具方为所选供应商", "a statement whether every invoice was issued by the selected supplier"),
    ("payments_received_by_selected_supplier", BOOL, "the payee of every payment proof is the selected supplier",
     REDEMPTION, "收款方为所选供应商", "a statement whether every payment went to the selected supplier"),
    ("invoice_total_amount", MONEY, "total of the uploaded invoices", REDEMPTION, "发票总金额",
     "the total of the uploaded invoices"),
    ("payment_total_amount", MONEY, "total actually paid per the payment proofs", REDEMPTION, "支付凭证总金额",
     "the total paid per the payment proofs"),
    ("has_prior_completed_redemption", BOOL, "another voucher of the enterprise completed the redemption review "
     "(I-11)", REDEMPTION, "已完成服务券兑现审核",
     "a statement whether another voucher of the enterprise already completed the redemption review"),
    ("has_passed_integration_management_assessment", BOOL, "only when has_prior_completed_redemption is false: "
     "passed the 两化融合管理体系贯标评定", REDEMPTION, "通过两化融合管理体系贯标评定",
     "a statement whether the enterprise passed the 两化融合管理体系贯标评定"),
    ("has_received_provincial_integration_award", BOOL, "only when additionally the assessment was passed: received "
     "provincial 贯标评定 award funds", REDEMPTION, "已获省财政贯标评定奖补资金",
     "a statement whether the enterprise received provincial 贯标 award funds"),
)

FACTS = {name: Fact(name, kind, meaning, entity, label, identity=name in ("applicant_uscc", "supplier_uscc"))
         for name, kind, meaning, entity, label, _ in _DECLARED}

NEEDED = {name: needed for name, *_, needed in _DECLARED}


def missing_words(names: tuple[str, ...]) -> str:
    """The detail of a rule a missing fact leaves undecided, e.g. "established_date is missing: the
    founding date on the business licence is needed" (spec §10.6)."""
    return "; ".join(f"{name} is missing: {NEEDED.get(name, name)} is needed" for name in names)

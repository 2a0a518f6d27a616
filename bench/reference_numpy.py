"""The hand-written numpy reference: the 16 anhui_iiot_grants measures as straight-line numpy.

This is "the practical limit" the benchmark compares huiqi's vectorised path with: what a
programmer who knows the spec (../shared/spec/anhui_iiot_grants.md §4) would write by hand for
one fixed parameter set, with no rule engine, no explanations, no missing-fact bookkeeping
beyond the one optional column the benchmark leaves absent on some rows.

Money is exact int64 fen; a percentage is ``(fen * pct + 50) // 100`` (half-up, once); caps
and the other ``min`` terms come after rounding. The constants are the spec's defaults, written
out here on purpose (not read from parameters.yaml) so that agreement with huiqi also checks
the plugin's parameter file.

Input: ``cols`` maps fact name → column as in ``CaseColumns.values`` (money int64 fen, bool,
enum category codes int16 in the fact's declared choice order, region int64, dates
datetime64[D]); ``as_of`` is datetime64[D]; ``reviewed_present`` is where
``reviewed_award_amount`` was supplied. Output: per measure id (eligible int8: 1 / 0 / −1 for
undecided, award int64 fen, 0 unless eligible).

The int64 products stay exact while amounts are below about 13,000,000,000,000 fen for the loan
formula (principal × 490 × 40 × 36) and 9·10^16 fen for the percentages; the benchmark's
amounts stay below 10^10 fen.
"""

from __future__ import annotations

import numpy as np

YUAN = 100  # fen per yuan

# Declared choice order of the enum facts (spec §3.1); the benchmark asserts these equal the
# plugin's declarations, so that a category code means the same thing on both sides.
CHOICES = {
    "platform_type": ("cross_industry", "industry", "regional", "professional", "enterprise"),
    "capability_level": ("1A", "2A", "3A", "4A", "5A"),
    "prior_capability_award_level": ("none", "3A", "4A", "5A"),
    "provincial_recognition": ("none", "digital_workshop", "smart_factory"),
    "ic_chain_field": ("integrated_circuit", "compound_semiconductor", "mems", "power_device", "none"),
    "applicant_kind": ("industrial_enterprise", "platform_service_provider", "other"),
}

# Spec §4 / §5 defaults.
PLATFORM_CROSS_INDUSTRY_CAP = 30_000_000 * YUAN
PLATFORM_INDUSTRY_CAP = 10_000_000 * YUAN
PLATFORM_ENTERPRISE_AWARD = 1_000_000 * YUAN
POOL_AWARD_CAP = 1_000_000 * YUAN
POOL_MIN_SMES = 1
EQUIPMENT_RATE, EQUIPMENT_CAP = 10, 5_000_000 * YUAN
LOAN_MIN_TERM, LOAN_SHARE, LOAN_MAX_MONTHS, LOAN_CAP = 36, 40, 36, 5_000_000 * YUAN
BENCHMARK_BP_1_TO_5, BENCHMARK_BP_OVER_5, BAND_MAX_MONTHS = 475, 490, 60
CAPABILITY_TIER = np.array([0, 0, 500_000, 1_000_000, 1_500_000], dtype=np.int64) * YUAN  # by capability_level code
PRIOR_TIER = np.array([0, 500_000, 1_000_000, 1_500_000], dtype=np.int64) * YUAN  # by prior level code
LEVEL_RANK = np.array([1, 2, 3, 4, 5], dtype=np.int16)  # none < 1A < 2A < 3A < 4A < 5A
PRIOR_RANK = np.array([0, 3, 4, 5], dtype=np.int16)
SMART_TIER = np.array([0, 500_000, 1_000_000], dtype=np.int64) * YUAN  # none, workshop, factory
NETWORK_AWARD = 1_000_000 * YUAN
IDENTIFIER_RATE, IDENTIFIER_CAP = 30, 3_000_000 * YUAN
CARRIER_RATE, CARRIER_CAP = 20, 5_000_000 * YUAN
TAPEOUT_RATE, TAPEOUT_CAP = 30, 3_000_000 * YUAN
RD_RATE, RD_CAP = 20, 10_000_000 * YUAN
INDUSTRIALISATION_RATE, INDUSTRIALISATION_CAP, INDUSTRIALISATION_MIN = 10, 20_000_000 * YUAN, 10_000_000 * YUAN
SCENARIO_AWARD = 1_000_000 * YUAN
SECURITY_RATE, SECURITY_CAP = 50, 1_000_000 * YUAN

# enum codes used below
CROSS_INDUSTRY, ENTERPRISE_PLATFORM = 0, 4
CHAIN_NONE = 4


def _pct(fen: np.ndarray, pct: int) -> np.ndarray:
    """pct % of an amount in fen, half-up once."""
    return (fen * pct + 50) // 100


def _decide(ok: np.ndarray, award: np.ndarray, undecided: np.ndarray | None = None):
    """Any rule failed → (0, 0); else a fact missing → (−1, 0); else (1, award).

    ``ok`` is "no rule failed" for every rule except award_positive, which fails where the
    award is not positive (and is undecided where the award's facts are missing).
    """
    if undecided is None:
        eligible = ok & (award > 0)
        return eligible.view(np.int8), award * eligible  # award × 0/1: much faster than np.where
    failed = ~ok | (~undecided & (award <= 0))
    eligible = np.where(failed, 0, np.where(undecided, -1, 1)).astype(np.int8)
    return eligible, award * (eligible == 1)


def _optional_min(award: np.ndarray, limit: np.ndarray, present: np.ndarray | None) -> np.ndarray:
    if present is None:
        return np.minimum(award, limit)
    return np.where(present, np.minimum(award, limit), award)


def evaluate_all(cols, as_of: np.ndarray, reviewed_present: np.ndarray | None = None) -> dict:
    """Every measure over every row: {measure id: (eligible int8, award int64 fen)}."""
    c = cols
    reviewed = c["reviewed_award_amount"]
    reviewed_absent = None if reviewed_present is None else ~reviewed_present
    prior = c["prior_award_amount"]
    fresh = ~c["has_received_this_award_before"]
    selected = c["is_selected_by_provincial_review"]
    anhui = c["region_code"] // 10_000 == 34
    platform = c["platform_type"]
    year = as_of.astype("datetime64[Y]").astype(np.int64) + 1970
    chain = c["ic_chain_field"] != CHAIN_NONE
    investment = c["project_investment_amount"]
    out = {}

    # 4.1 / 4.2 跨行业跨领域 / 行业、区域、专业型平台: reviewed amount within what is left under the cap
    ok = anhui & (platform == CROSS_INDUSTRY) & (prior < PLATFORM_CROSS_INDUSTRY_CAP)
    out["platform_cross_industry"] = _decide(ok, np.minimum(reviewed, PLATFORM_CROSS_INDUSTRY_CAP - prior),
                                             reviewed_absent)
    ok = anhui & (platform >= 1) & (platform <= 3) & (prior < PLATFORM_INDUSTRY_CAP)
    out["platform_industry_regional_professional"] = _decide(
        ok, np.minimum(reviewed, PLATFORM_INDUSTRY_CAP - prior), reviewed_absent)

    # 4.3 企业级平台: fixed
    ok = anhui & (platform == ENTERPRISE_PLATFORM) & selected & fresh
    out["platform_enterprise_level"] = _decide(ok, np.full(len(ok), PLATFORM_ENTERPRISE_AWARD, dtype=np.int64))

    # 4.4 服务商资源池: reviewed amount, capped
    ok = anhui & c["is_in_iiot_cloud_provider_pool"] & (c["smes_served_count"] >= POOL_MIN_SMES) & fresh
    out["service_provider_pool"] = _decide(ok, np.minimum(reviewed, POOL_AWARD_CAP), reviewed_absent)

    # 4.5 设备改造: 10 % of equipment purchases, ≤ 5,000,000.00
    upgrade = c["is_digital_network_intelligent_upgrade"]
    ok = anhui & upgrade & fresh
    out["equipment_upgrade"] = _decide(ok, np.minimum(_pct(c["equipment_purchase_amount"], EQUIPMENT_RATE),
                                                      EQUIPMENT_CAP))

    # 4.6 贷款贴息: principal × B × 40 % × m/12, ≤ interest paid, ≤ what is left under the cap
    term = c["loan_term_months"]
    claim = c["claim_months"]
    prior_months = c["prior_subsidised_months"]
    bp = np.where(term <= BAND_MAX_MONTHS, BENCHMARK_BP_1_TO_5, BENCHMARK_BP_OVER_5)
    months = np.minimum(claim, LOAN_MAX_MONTHS - prior_months)
    computed = (c["loan_principal_amount"] * (bp * LOAN_SHARE * months) + 6_000_000) // 12_000_000
    award = np.minimum(np.minimum(computed, c["interest_paid_amount"]), LOAN_CAP - prior)
    ok = anhui & upgrade & (term >= LOAN_MIN_TERM) & (claim >= 1) & (prior_months < LOAN_MAX_MONTHS) & (prior < LOAN_CAP)
    out["loan_interest_subsidy"] = _decide(ok, award)

    # 4.7 能力评估 3A/4A/5A, top-up on an upgrade
    level = c["capability_level"]
    prior_level = c["prior_capability_award_level"]
    ok = anhui & (level >= 2) & (LEVEL_RANK[level] > PRIOR_RANK[prior_level])
    out["capability_assessment"] = _decide(ok, CAPABILITY_TIER[level] - PRIOR_TIER[prior_level])

    # 4.8 数字化车间 / 智能工厂 (no netting by default)
    recognition = c["provincial_recognition"]
    ok = anhui & (recognition != 0) & fresh
    out["smart_manufacturing"] = _decide(ok, SMART_TIER[recognition])

    # 4.9 内外网改造: fixed
    ok = anhui & c["has_upgraded_enterprise_network"] & selected & fresh
    out["network_upgrade"] = _decide(ok, np.full(len(ok), NETWORK_AWARD, dtype=np.int64))

    # 4.10 标识解析二级节点: ≤ 30 % of investment, ≤ 3,000,000.00, ≤ reviewed amount if given
    ok = anhui & c["is_identifier_secondary_node"] & c["is_node_completed"] & fresh
    award = _optional_min(np.minimum(_pct(investment, IDENTIFIER_RATE), IDENTIFIER_CAP), reviewed, reviewed_present)
    out["identifier_node"] = _decide(ok, award)

    # 4.11 创新服务载体: ≤ 20 % of investment, ≤ 5,000,000.00, ≤ reviewed amount if given
    ok = anhui & fresh
    award = _optional_min(np.minimum(_pct(investment, CARRIER_RATE), CARRIER_CAP), reviewed, reviewed_present)
    out["innovation_carrier"] = _decide(ok, award)

    # 4.12 首轮流片: 30 % of the contract, within what is left of 3,000,000.00 this year
    ok = anhui & c["is_ic_design_enterprise"] & c["is_first_engineering_tapeout"] & fresh & (prior < TAPEOUT_CAP)
    out["ic_first_tapeout"] = _decide(ok, np.minimum(_pct(c["tapeout_contract_amount"], TAPEOUT_RATE),
                                                     TAPEOUT_CAP - prior))

    # 4.13 关键研发设备: 20 % of last year's purchases, within what is left of 10,000,000.00
    ok = anhui & chain & (c["purchase_year"] == year - 1) & (prior < RD_CAP)
    out["ic_rd_equipment"] = _decide(ok, np.minimum(_pct(c["rd_equipment_purchase_amount"], RD_RATE), RD_CAP - prior))

    # 4.14 产业化项目: 10 % of key equipment, investment ≥ 10,000,000.00, within 20,000,000.00
    ok = (anhui & chain & (c["project_year"] == year - 1)
          & (c["project_completed_investment_amount"] >= INDUSTRIALISATION_MIN) & fresh & (prior < INDUSTRIALISATION_CAP))
    out["ic_industrialisation"] = _decide(ok, np.minimum(_pct(c["key_equipment_purchase_amount"],
                                                              INDUSTRIALISATION_RATE), INDUSTRIALISATION_CAP - prior))

    # 4.15 场景示范: fixed
    ok = anhui & selected & fresh
    out["scenario_demonstration"] = _decide(ok, np.full(len(ok), SCENARIO_AWARD, dtype=np.int64))

    # 4.16 安全分类分级: ≤ 50 % of investment, ≤ 1,000,000.00, ≤ reviewed amount if given
    ok = anhui & (c["applicant_kind"] <= 1) & c["is_security_classification_project"] & fresh
    award = _optional_min(np.minimum(_pct(investment, SECURITY_RATE), SECURITY_CAP), reviewed, reviewed_present)
    out["security_classification"] = _decide(ok, award)
    return out

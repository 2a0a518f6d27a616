"""The facts the measures of 支持工业互联网发展若干政策 read (spec §3.1)."""

from huiqi.facts import BOOL, DATE, ENUM, INT, MONEY, REGION, USCC, Fact

CAPABILITY_LEVELS = ("1A", "2A", "3A", "4A", "5A")
PRIOR_CAPABILITY_LEVELS = ("none", "3A", "4A", "5A")

FACTS = {
    f.name: f
    for f in (
        Fact("applicant_uscc", USCC, "the applicant's 统一社会信用代码", "enterprise", identity=True),
        Fact("region_code", REGION, "where the applicant is registered; for nodes, where the node is built",
             "enterprise / project", "注册地 / 建设地"),
        Fact("platform_type", ENUM("cross_industry", "industry", "regional", "professional", "enterprise"),
             "the platform's category as recognised by the provincial bureau (L19)", "platform", "平台类型"),
        Fact("reviewed_award_amount", MONEY, "the amount the provincial review fixed", "application", "评审核定金额"),
        Fact("prior_award_amount", MONEY, "awards already reserved or paid under this measure to the cap unit "
             "in the cap period (recomputed from the ledger)", "cap unit", "已获奖补金额"),
        Fact("has_received_this_award_before", BOOL, "the one-off unit already received (or reserved) this award",
             "one-off unit", "已获本项奖补"),
        Fact("is_selected_by_provincial_review", BOOL, "in the batch the province selected (支持一批)",
             "application", "入选省级遴选"),
        Fact("is_in_iiot_cloud_provider_pool", BOOL, "listed in 安徽省工业互联网（云）服务商资源池 (L21)", "enterprise"),
        Fact("smes_served_count", INT(), "manufacturing SMEs served in the round's period (L21)", "enterprise"),
        Fact("sme_service_quality_score", INT(0, 100), "the review's quality score (informational)", "application"),
        Fact("is_digital_network_intelligent_upgrade", BOOL, "a 数字化、网络化、智能化 technical upgrade (L24)", "project"),
        Fact("equipment_purchase_amount", MONEY, "项目设备购置额 as recognised by the review (L24)", "project"),
        Fact("loan_principal_amount", MONEY, "principal drawn under the loan for the project (I-7)", "loan"),
        Fact("loan_term_months", INT(), "contractual term of the loan in months", "loan"),
        Fact("loan_start_date", DATE, "first drawdown date (needed only with benchmark_rate_lookup_date = "
             "loan_start_date)", "loan"),
        Fact("claim_months", INT(), "whole months of interest this claim covers", "application"),
        Fact("prior_subsidised_months", INT(), "months of this loan already subsidised (from the ledger)", "loan"),
        Fact("interest_paid_amount", MONEY, "interest actually paid for the claimed months", "application"),
        Fact("capability_level", ENUM(*CAPABILITY_LEVELS), "level obtained in the 新型能力 assessment (L26)",
             "enterprise"),
        Fact("prior_capability_award_level", ENUM(*PRIOR_CAPABILITY_LEVELS),
             "highest level already awarded under this measure (from the ledger)", "enterprise"),
        Fact("provincial_recognition", ENUM("none", "digital_workshop", "smart_factory"),
             "the provincial recognition claimed for (L28)", "project"),
        Fact("prior_workshop_award_amount", MONEY, "awards already received for the same plant's 数字化车间",
             "enterprise"),
        Fact("has_upgraded_enterprise_network", BOOL, "upgraded its internal/external network (L31)", "enterprise"),
        Fact("is_identifier_secondary_node", BOOL, "the project is a 标识解析二级节点 (L33)", "project"),
        Fact("is_node_completed", BOOL, "the node is built (建成, L33)", "project"),
        Fact("project_investment_amount", MONEY, "the project's investment (项目投资额, L33 L35 L46)", "project"),
        Fact("carrier_type", ENUM("innovation_center", "experience_center", "promotion_center",
                                  "public_service_platform", "joint_laboratory", "training_base", "other_similar"),
             "kind of carrier (informational)", "project"),
        Fact("is_ic_design_enterprise", BOOL, "an integrated-circuit design enterprise (L38)", "enterprise"),
        Fact("is_first_engineering_tapeout", BOOL, "the product's first engineering tape-out (L38)", "product"),
        Fact("tapeout_contract_amount", MONEY, "the first-tape-out or mask contract amount, one contract (I-13)",
             "product"),
        Fact("tapeout_contract_kind", ENUM("tapeout", "mask"), "which contract (informational)", "product"),
        Fact("ic_chain_field", ENUM("integrated_circuit", "compound_semiconductor", "mems", "power_device", "none"),
             "the industrial chain the enterprise belongs to (L38)", "enterprise"),
        Fact("ic_chain_segment", ENUM("materials", "equipment", "tool_software", "design", "manufacturing",
                                      "packaging", "testing", "supporting_services", "other_similar"),
             "segment of the chain (informational)", "enterprise"),
        Fact("rd_equipment_purchase_amount", MONEY, "key R&D equipment bought in purchase_year (L38)", "enterprise"),
        Fact("purchase_year", INT(1900, 2200), "calendar year of those purchases", "application"),
        Fact("project_year", INT(1900, 2200), "year the industrialisation project was implemented", "project"),
        Fact("project_completed_investment_amount", MONEY, "investment completed in project_year (L38)", "project"),
        Fact("key_equipment_purchase_amount", MONEY, "the project's key-equipment purchase amount (L38)", "project"),
        Fact("demonstration_category", ENUM("5g_iiot_scenario", "identifier_application", "new_model_application",
                                            "excellent_solution"), "kind of demonstration (reports, quotas)",
             "project"),
        Fact("applicant_kind", ENUM("industrial_enterprise", "platform_service_provider", "other"),
             "工业企业 or 平台服务商 (L46)", "enterprise"),
        Fact("is_security_classification_project", BOOL, "the project does 网络安全分类分级 work (L46)", "project"),
    )
}

"""anhui_iiot_grants — 支持工业互联网发展若干政策 (Anhui, 2021).

Document: 安徽省人民政府办公厅关于印发支持工业互联网发展若干政策和安徽省工业互联网创新发展行动计划
（2021-2023年）的通知, 皖政办秘〔2021〕82号, issued 2021-09-02 by 安徽省人民政府办公厅, effective
2021-01-01 ("本政策自2021年开始执行"). Seed file: shared/seeds/003_6a663e9350070232.txt.
Sixteen money measures of Part A, and the action plan's 2021–2023 targets as KPIs.
"""

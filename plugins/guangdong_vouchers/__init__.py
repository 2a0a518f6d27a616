"""guangdong_vouchers — 广东省工业企业“上云上平台”服务券奖补工作方案（试行） (Guangdong, 2018).

Document: 广东省工业企业“上云上平台”服务券奖补工作方案（试行）, issued by 广东省经济和信息化委员会 (九
"本方案由广东省经济和信息化委员会负责解释"; I-2). No document number and no date in the text: it
implements 粤府〔2018〕23号 (published 2018-03-20) and was issued after that day; the seed is a repost
dated 2018-09-20, which is taken as the effective date (``policy_effective_from``, I-1; a deployer
sets the real publication date). No end date. Jurisdiction 440000. Seed file:
shared/seeds/002_95398b8373b4037e.txt (traditional characters). Spec: shared/spec/guangdong_vouchers.md.

Measures: ``enterprise_eligibility`` (who may receive vouchers, 四（一）, 五（六）19, 八（四）),
``voucher_award`` (one voucher per contract: min(contract fee, the service type's cap) within the
period cap, 四（四）2–4) and ``voucher_redemption`` (the voucher plus the one-time 200,000.00
两化融合 bonus, 四（二）, 四（四）5, 五（四）14). Targets of 一 as KPIs (kpis.yaml).

The application-service catalogue (应用服务目录, §5.2) is the dated parameter ``catalogue`` in
parameters.yaml, one row per version; a voucher uses the version with the latest effective_from on
or before its first submission day (四（四）4). The shipped versions are an ILLUSTRATIVE sample, not
official figures: the official 目录（第一版） is an image the text does not contain.

Replacing the catalogue with the official one (no code change). Write the versions in the spec's
shape to a YAML file::

    catalogue:
      - version: 1
        label: "应用服务目录（第一版）"
        effective_from: 2018-09-20      # the first version: the policy's effective date
        illustrative: false
        note: "…"
        source: "省经济和信息化委 应用服务目录（第一版）"
        period_cap_amount: "500000.00"  # amounts as quoted yuan strings, > 0
        service_types:
          - {code: production_control, name: 生产管控类工业SaaS/App, business_area: production, cap_amount: "200000.00"}
      - version: 2
        ...

and name it in huiqi.toml (a relative path is relative to huiqi.toml)::

    [guangdong_vouchers]
    catalogue = "catalogue/official.yaml"

or, for one process, in ``$HUIQI_GUANGDONG_VOUCHERS_CATALOGUE`` (relative to the working directory;
it wins over huiqi.toml). The
file replaces every shipped version. It is checked when the plugin loads; a mistake stops huiqi
with one line naming the file, the version and the field: versions and effective_from strictly
increasing, the first effective_from equal to the policy's, codes ``^[a-z][a-z0-9_]{0,63}$`` unique
within a version, business_area one of cloud_resources, platform, rd_design, production,
management, after_sales, equipment, other, cap_amount and period_cap_amount money > 0,
illustrative true/false, label, name, note and source strings. A later version can instead be
added to the shipped (or replaced) ones as a deployment parameter row (huiqi.toml ``[parameters]``).
"""

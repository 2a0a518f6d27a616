"""The OpenFisca reference: the 16 anhui_iiot_grants measures as an OpenFisca tax-benefit system.

Runs in its own venv (bench/.venv-openfisca, from requirements-openfisca.txt), as a subprocess
of bench/evaluate_batch.py:

    bench/.venv-openfisca/bin/python bench/reference_openfisca.py --cases cases.npz --out out.npz

It declares the facts as OpenFisca input variables of one person entity ("enterprise"), the
spec's parameters as an OpenFisca parameter tree (rates as fractions, amounts in yuan), and per
measure three formula variables: ``<measure>_amount`` (the formula), ``<measure>_eligible``
(every rule, and an amount above 0) and ``<measure>`` (the award). Money is declared the way an
OpenFisca model declares it, ``value_type = float``: OpenFisca holds float variables as float32
arrays, so amounts are yuan in float32 and a percentage is rounded half-up to the fen in float
(``floor(x * 100 + 0.5) / 100``). That is the point of the comparison: the formulas are the same,
the arithmetic is not exact.

The one thing an OpenFisca model has no notion of is an absent fact: the optional reviewed
amount gets an explicit input flag ``has_reviewed_award_amount``; an absent required reviewed
amount is 0, so the award is 0 where huiqi says "undecided, 0.00".

Timing: one warm-up run, then ``--repeats`` runs; each run first runs the hand-written numpy
reference (bench/reference_numpy.py) on the same arrays, so that the ratio OpenFisca / numpy is
also measured in this process under the same machine load, then builds a fresh simulation and
sets the inputs (timed as loading), then calculates the 16 awards (timed as evaluation). The awards (float32 yuan) and
eligibilities of the last run are written to ``--out`` with a JSON report.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

PERIOD = "2022"  # every input and formula is yearly; as_of (a date input) carries the day

Enterprise = build_entity(key="enterprise", plural="enterprises", label="An applicant enterprise", is_person=True)


# --- enums, in the facts' declared choice order (the category codes of the .npz) -------------

class PlatformType(Enum):
    cross_industry = "跨行业跨领域综合型"
    industry = "行业特色型"
    regional = "区域特色型"
    professional = "专业技术型"
    enterprise = "企业级"


class CapabilityLevel(Enum):
    level_1a = "1A"
    level_2a = "2A"
    level_3a = "3A"
    level_4a = "4A"
    level_5a = "5A"


class PriorCapabilityAwardLevel(Enum):
    none = "none"
    level_3a = "3A"
    level_4a = "4A"
    level_5a = "5A"


class ProvincialRecognition(Enum):
    none = "none"
    digital_workshop = "省级数字化车间"
    smart_factory = "省级智能工厂"


class IcChainField(Enum):
    integrated_circuit = "集成电路"
    compound_semiconductor = "化合物半导体"
    mems = "微机电系统"
    power_device = "功率器件"
    none = "none"


class ApplicantKind(Enum):
    industrial_enterprise = "工业企业"
    platform_service_provider = "平台服务商"
    other = "other"


ENUMS = {
    "platform_type": PlatformType,
    "capability_level": CapabilityLevel,
    "prior_capability_award_level": PriorCapabilityAwardLevel,
    "provincial_recognition": ProvincialRecognition,
    "ic_chain_field": IcChainField,
    "applicant_kind": ApplicantKind,
}

MONEY = (
    "reviewed_award_amount", "prior_award_amount", "equipment_purchase_amount", "loan_principal_amount",
    "interest_paid_amount", "project_investment_amount", "tapeout_contract_amount", "rd_equipment_purchase_amount",
    "project_completed_investment_amount", "key_equipment_purchase_amount",
)
INTS = ("region_code", "smes_served_count", "loan_term_months", "claim_months", "prior_subsidised_months",
        "purchase_year", "project_year")
BOOLS = (
    "has_received_this_award_before", "is_selected_by_provincial_review", "is_in_iiot_cloud_provider_pool",
    "is_digital_network_intelligent_upgrade", "has_upgraded_enterprise_network", "is_identifier_secondary_node",
    "is_node_completed", "is_ic_design_enterprise", "is_first_engineering_tapeout",
    "is_security_classification_project", "has_reviewed_award_amount",
)


# --- parameters (spec §5 defaults) -----------------------------------------------------------

def _value(v) -> dict:
    return {"values": {"2021-01-01": {"value": v}}}


PARAMETERS = {
    "platform_cross_industry_cap": _value(30_000_000.0),
    "platform_industry_cap": _value(10_000_000.0),
    "platform_enterprise_award": _value(1_000_000.0),
    "pool_award_cap": _value(1_000_000.0),
    "pool_min_smes_served": _value(1),
    "equipment_upgrade_rate": _value(0.10),
    "equipment_upgrade_cap": _value(5_000_000.0),
    "loan_min_term_months": _value(36),
    "loan_subsidy_share": _value(0.40),
    "loan_max_subsidy_months": _value(36),
    "loan_subsidy_cap": _value(5_000_000.0),
    "benchmark_lending_rate": {"one_to_five_years": _value(0.0475), "over_five_years": _value(0.0490)},
    "benchmark_band_max_months_1_to_5": _value(60),
    "capability_award": {"level_3a": _value(500_000.0), "level_4a": _value(1_000_000.0),
                         "level_5a": _value(1_500_000.0)},
    "smart_manufacturing_award": {"digital_workshop": _value(500_000.0), "smart_factory": _value(1_000_000.0)},
    "network_upgrade_award": _value(1_000_000.0),
    "identifier_node_max_rate": _value(0.30),
    "identifier_node_cap": _value(3_000_000.0),
    "innovation_carrier_max_rate": _value(0.20),
    "innovation_carrier_cap": _value(5_000_000.0),
    "ic_tapeout_rate": _value(0.30),
    "ic_tapeout_enterprise_cap": _value(3_000_000.0),
    "ic_rd_equipment_rate": _value(0.20),
    "ic_rd_equipment_enterprise_cap": _value(10_000_000.0),
    "ic_industrialisation_min_investment": _value(10_000_000.0),
    "ic_industrialisation_rate": _value(0.10),
    "ic_industrialisation_enterprise_cap": _value(20_000_000.0),
    "scenario_demonstration_award": _value(1_000_000.0),
    "security_classification_max_rate": _value(0.50),
    "security_classification_cap": _value(1_000_000.0),
}


# --- variables ---------------------------------------------------------------------------------

def _input(name: str, value_type, **extra) -> type:
    attrs = {"value_type": value_type, "entity": Enterprise, "definition_period": DateUnit.YEAR,
             "label": name, **extra}
    return type(name, (Variable,), attrs)


def _round_fen(yuan):
    """Half-up to the fen, in the float arithmetic of the model."""
    return np.floor(yuan * 100 + 0.5) / 100


def _in_anhui(e, period):
    return e("region_code", period) // 10_000 == 34


def _fresh(e, period):
    return np.logical_not(e("has_received_this_award_before", period))


def _optional_review(e, period, award):
    given = e("has_reviewed_award_amount", period)
    return np.where(given, np.minimum(award, e("reviewed_award_amount", period)), award)


def _year(e, period):
    return e("as_of", period).astype("datetime64[Y]").astype(int) + 1970


class _Amounts:
    """``<measure>_amount`` formulas: the award before eligibility (spec §4)."""

    @staticmethod
    def platform_cross_industry(e, period, p):
        return np.minimum(e("reviewed_award_amount", period),
                          p.platform_cross_industry_cap - e("prior_award_amount", period))

    @staticmethod
    def platform_industry_regional_professional(e, period, p):
        return np.minimum(e("reviewed_award_amount", period), p.platform_industry_cap - e("prior_award_amount", period))

    @staticmethod
    def platform_enterprise_level(e, period, p):
        return e.filled_array(p.platform_enterprise_award)

    @staticmethod
    def service_provider_pool(e, period, p):
        return np.minimum(e("reviewed_award_amount", period), p.pool_award_cap)

    @staticmethod
    def equipment_upgrade(e, period, p):
        return np.minimum(_round_fen(e("equipment_purchase_amount", period) * p.equipment_upgrade_rate),
                          p.equipment_upgrade_cap)

    @staticmethod
    def loan_interest_subsidy(e, period, p):
        term = e("loan_term_months", period)
        rate = np.where(term <= p.benchmark_band_max_months_1_to_5, p.benchmark_lending_rate.one_to_five_years,
                        p.benchmark_lending_rate.over_five_years)
        months = np.minimum(e("claim_months", period), p.loan_max_subsidy_months - e("prior_subsidised_months", period))
        computed = _round_fen(e("loan_principal_amount", period) * rate * p.loan_subsidy_share * months / 12)
        return np.minimum(np.minimum(computed, e("interest_paid_amount", period)),
                          p.loan_subsidy_cap - e("prior_award_amount", period))

    @staticmethod
    def capability_assessment(e, period, p):
        level = e("capability_level", period)
        prior = e("prior_capability_award_level", period)
        tiers = p.capability_award
        tier = np.select([level == CapabilityLevel.level_3a, level == CapabilityLevel.level_4a,
                          level == CapabilityLevel.level_5a], [tiers.level_3a, tiers.level_4a, tiers.level_5a], 0)
        paid = np.select([prior == PriorCapabilityAwardLevel.level_3a, prior == PriorCapabilityAwardLevel.level_4a,
                          prior == PriorCapabilityAwardLevel.level_5a], [tiers.level_3a, tiers.level_4a, tiers.level_5a],
                         0)
        return tier - paid  # top_up (I-8)

    @staticmethod
    def smart_manufacturing(e, period, p):
        recognition = e("provincial_recognition", period)
        tiers = p.smart_manufacturing_award
        return np.select([recognition == ProvincialRecognition.digital_workshop,
                          recognition == ProvincialRecognition.smart_factory],
                         [tiers.digital_workshop, tiers.smart_factory], 0)

    @staticmethod
    def network_upgrade(e, period, p):
        return e.filled_array(p.network_upgrade_award)

    @staticmethod
    def identifier_node(e, period, p):
        ceiling = np.minimum(_round_fen(e("project_investment_amount", period) * p.identifier_node_max_rate),
                             p.identifier_node_cap)
        return _optional_review(e, period, ceiling)

    @staticmethod
    def innovation_carrier(e, period, p):
        ceiling = np.minimum(_round_fen(e("project_investment_amount", period) * p.innovation_carrier_max_rate),
                             p.innovation_carrier_cap)
        return _optional_review(e, period, ceiling)

    @staticmethod
    def ic_first_tapeout(e, period, p):
        return np.minimum(_round_fen(e("tapeout_contract_amount", period) * p.ic_tapeout_rate),
                          p.ic_tapeout_enterprise_cap - e("prior_award_amount", period))

    @staticmethod
    def ic_rd_equipment(e, period, p):
        return np.minimum(_round_fen(e("rd_equipment_purchase_amount", period) * p.ic_rd_equipment_rate),
                          p.ic_rd_equipment_enterprise_cap - e("prior_award_amount", period))

    @staticmethod
    def ic_industrialisation(e, period, p):
        return np.minimum(_round_fen(e("key_equipment_purchase_amount", period) * p.ic_industrialisation_rate),
                          p.ic_industrialisation_enterprise_cap - e("prior_award_amount", period))

    @staticmethod
    def scenario_demonstration(e, period, p):
        return e.filled_array(p.scenario_demonstration_award)

    @staticmethod
    def security_classification(e, period, p):
        ceiling = np.minimum(_round_fen(e("project_investment_amount", period) * p.security_classification_max_rate),
                             p.security_classification_cap)
        return _optional_review(e, period, ceiling)


class _Rules:
    """``<measure>_eligible`` formulas without award_positive (added for every measure)."""

    @staticmethod
    def platform_cross_industry(e, period, p):
        return ((e("platform_type", period) == PlatformType.cross_industry)
                * (e("prior_award_amount", period) < p.platform_cross_industry_cap))

    @staticmethod
    def platform_industry_regional_professional(e, period, p):
        kind = e("platform_type", period)
        return (((kind == PlatformType.industry) + (kind == PlatformType.regional) + (kind == PlatformType.professional))
                * (e("prior_award_amount", period) < p.platform_industry_cap))

    @staticmethod
    def platform_enterprise_level(e, period, p):
        return ((e("platform_type", period) == PlatformType.enterprise) * e("is_selected_by_provincial_review", period)
                * _fresh(e, period))

    @staticmethod
    def service_provider_pool(e, period, p):
        return (e("is_in_iiot_cloud_provider_pool", period) * (e("smes_served_count", period) >= p.pool_min_smes_served)
                * _fresh(e, period))

    @staticmethod
    def equipment_upgrade(e, period, p):
        return e("is_digital_network_intelligent_upgrade", period) * _fresh(e, period)

    @staticmethod
    def loan_interest_subsidy(e, period, p):
        return (e("is_digital_network_intelligent_upgrade", period)
                * (e("loan_term_months", period) >= p.loan_min_term_months)
                * (e("claim_months", period) >= 1)
                * (e("prior_subsidised_months", period) < p.loan_max_subsidy_months)
                * (e("prior_award_amount", period) < p.loan_subsidy_cap))

    @staticmethod
    def capability_assessment(e, period, p):
        level = e("capability_level", period)
        prior = e("prior_capability_award_level", period)
        rank = np.select([level == CapabilityLevel.level_3a, level == CapabilityLevel.level_4a,
                          level == CapabilityLevel.level_5a], [3, 4, 5], 1)
        prior_rank = np.select([prior == PriorCapabilityAwardLevel.level_3a, prior == PriorCapabilityAwardLevel.level_4a,
                                prior == PriorCapabilityAwardLevel.level_5a], [3, 4, 5], 0)
        return (rank >= 3) * (rank > prior_rank)

    @staticmethod
    def smart_manufacturing(e, period, p):
        return (e("provincial_recognition", period) != ProvincialRecognition.none) * _fresh(e, period)

    @staticmethod
    def network_upgrade(e, period, p):
        return (e("has_upgraded_enterprise_network", period) * e("is_selected_by_provincial_review", period)
                * _fresh(e, period))

    @staticmethod
    def identifier_node(e, period, p):
        return e("is_identifier_secondary_node", period) * e("is_node_completed", period) * _fresh(e, period)

    @staticmethod
    def innovation_carrier(e, period, p):
        return _fresh(e, period)

    @staticmethod
    def ic_first_tapeout(e, period, p):
        return (e("is_ic_design_enterprise", period) * e("is_first_engineering_tapeout", period) * _fresh(e, period)
                * (e("prior_award_amount", period) < p.ic_tapeout_enterprise_cap))

    @staticmethod
    def ic_rd_equipment(e, period, p):
        return ((e("ic_chain_field", period) != IcChainField.none) * (e("purchase_year", period) == _year(e, period) - 1)
                * (e("prior_award_amount", period) < p.ic_rd_equipment_enterprise_cap))

    @staticmethod
    def ic_industrialisation(e, period, p):
        return ((e("ic_chain_field", period) != IcChainField.none) * (e("project_year", period) == _year(e, period) - 1)
                * (e("project_completed_investment_amount", period) >= p.ic_industrialisation_min_investment)
                * _fresh(e, period) * (e("prior_award_amount", period) < p.ic_industrialisation_enterprise_cap))

    @staticmethod
    def scenario_demonstration(e, period, p):
        return e("is_selected_by_provincial_review", period) * _fresh(e, period)

    @staticmethod
    def security_classification(e, period, p):
        kind = e("applicant_kind", period)
        return (((kind == ApplicantKind.industrial_enterprise) + (kind == ApplicantKind.platform_service_provider))
                * e("is_security_classification_project", period) * _fresh(e, period))


MEASURES = [name for name in vars(_Amounts) if not name.startswith("_")]


def _measure_variables(measure: str) -> list[type]:
    amount_of = getattr(_Amounts, measure)
    rules_of = getattr(_Rules, measure)

    def amount(e, period, parameters):
        return amount_of(e, period, parameters(period))

    def eligible(e, period, parameters):
        return _in_anhui(e, period) * rules_of(e, period, parameters(period)) * (e(f"{measure}_amount", period) > 0)

    def award(e, period, parameters):
        return np.where(e(f"{measure}_eligible", period), e(f"{measure}_amount", period), 0)

    common = {"entity": Enterprise, "definition_period": DateUnit.YEAR}
    return [
        type(f"{measure}_amount", (Variable,), {**common, "value_type": float, "formula": amount,
                                                "label": f"{measure}: the formula (yuan)"}),
        type(f"{measure}_eligible", (Variable,), {**common, "value_type": bool, "formula": eligible,
                                                  "label": f"{measure}: every rule passes"}),
        type(measure, (Variable,), {**common, "value_type": float, "formula": award, "label": f"{measure}: award"}),
    ]


def tax_benefit_system() -> TaxBenefitSystem:
    system = TaxBenefitSystem([Enterprise])
    system.parameters = ParameterNode("", data=PARAMETERS)
    inputs = [_input(name, float) for name in MONEY] + [_input(name, int) for name in INTS]
    inputs += [_input(name, bool) for name in BOOLS] + [_input("as_of", datetime.date)]
    inputs += [_input(name, Enum, possible_values=enum, default_value=list(enum)[0]) for name, enum in ENUMS.items()]
    system.add_variables(*inputs)
    for measure in MEASURES:
        system.add_variables(*_measure_variables(measure))
    return system


def load(system: TaxBenefitSystem, data) -> object:
    """A fresh simulation with every input set (money: fen → yuan, then float32 in OpenFisca)."""
    n = len(data["as_of"])
    simulation = SimulationBuilder().build_default_simulation(system, n)
    for name in MONEY:
        simulation.set_input(name, PERIOD, data[f"fact__{name}"] / 100)
    for name in INTS:
        simulation.set_input(name, PERIOD, data[f"fact__{name}"])
    for name in BOOLS[:-1]:
        simulation.set_input(name, PERIOD, data[f"fact__{name}"])
    simulation.set_input("has_reviewed_award_amount", PERIOD, data["reviewed_present"])
    simulation.set_input("as_of", PERIOD, data["as_of"])
    for name in ENUMS:
        simulation.set_input(name, PERIOD, data[f"fact__{name}"])
    return simulation


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import importlib.metadata

    version = importlib.metadata.version("openfisca-core")
    with np.load(args.cases, allow_pickle=False) as npz:
        data = {key: npz[key] for key in npz.files}
    system = tax_benefit_system()

    # The hand-written numpy reference, timed here too, alternately with OpenFisca: the ratio
    # OpenFisca / numpy then compares runs under the same machine load.
    import reference_numpy

    columns = {key.removeprefix("fact__"): value for key, value in data.items() if key.startswith("fact__")}
    loading, evaluating, numpy_times = [], [], []
    simulation = None
    for run in range(args.repeats + 1):  # run 0 is the warm-up
        simulation = None  # the previous run's simulation goes before anything is timed
        start = time.perf_counter()
        reference_numpy.evaluate_all(columns, data["as_of"], data["reviewed_present"])
        numpy_done = time.perf_counter()
        simulation = load(system, data)
        loaded = time.perf_counter()
        for measure in MEASURES:
            simulation.calculate(measure, PERIOD)
        done = time.perf_counter()
        if run:
            numpy_times.append(numpy_done - start)
            loading.append(loaded - numpy_done)
            evaluating.append(done - loaded)

    out = {f"award__{m}": np.asarray(simulation.calculate(m, PERIOD)) for m in MEASURES}
    out.update({f"eligible__{m}": np.asarray(simulation.calculate(f"{m}_eligible", PERIOD), dtype=bool)
                for m in MEASURES})
    dtypes = sorted({str(v.dtype) for k, v in out.items() if k.startswith("award__")})
    report = {
        "version": version,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "repeats": args.repeats,
        "loading_s": statistics.median(loading),
        "loading_times_s": loading,
        "evaluate_s": statistics.median(evaluating),
        "evaluate_times_s": evaluating,
        "award_dtype": ",".join(dtypes),
        "numpy_s": statistics.median(numpy_times),
        "numpy_times_s": numpy_times,
    }
    np.savez(args.out, report=np.array(json.dumps(report)), **out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

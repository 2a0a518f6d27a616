"""A policy document as a plugin supplies it: its identity, facts, measures, parameters, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import attrs

from huiqi.errors import ConfigError
from huiqi.facts import Fact
from huiqi.parameters import ParameterSet
from huiqi.rules.measure import Measure


@attrs.frozen
class Kpi:
    """A programme target the dashboard tracks (declared as data, kpis.yaml)."""

    id: str
    title_zh: str
    target: Any  # a number, or None for a qualitative target
    comparison: str  # ge | gt | qualitative
    citation: str
    source: str  # ledger | reported | both
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    per_year: tuple[int, ...] = ()
    ledger_query: str = ""
    unit: str = ""


@attrs.frozen
class Document:
    """One jurisdiction document = one plugin: who issued it, and everything it decides."""

    name: str  # snake_case plugin name, the prefix of its policy ids
    title: str
    issuer: str
    number: str  # 文号, "" when the document has none
    issued_on: dt.date | None
    seed_file: str
    jurisdiction: str  # GB/T 2260 code of the issuing region
    facts: Mapping[str, Fact]
    measures: tuple[Measure, ...]
    parameters: ParameterSet
    kpis: tuple[Kpi, ...] = ()
    version: str = "0.1.0"
    citation_prefix: str = ""
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        for measure in self.measures:
            unknown = sorted(measure.facts() - set(self.facts))
            if unknown:
                raise ConfigError(f"{self.name}.{measure.id} uses undeclared facts: {', '.join(unknown)}")
            params = sorted(measure.params() - set(self.parameters.parameters))
            if params:
                raise ConfigError(f"{self.name}.{measure.id} uses undeclared parameters: {', '.join(params)}")

    @property
    def effective_from(self) -> dt.date:
        return self.parameters.effective_from

    @property
    def effective_to(self) -> dt.date | None:
        return self.parameters.effective_to

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def policy_ids(self) -> list[str]:
        return [f"{self.name}.{m.id}" for m in self.measures]


def load_kpis(path, document: str) -> tuple[Kpi, ...]:
    """Read a plugin's kpis.yaml (a list of KPI declarations); mistakes are ConfigErrors."""
    from pathlib import Path

    import yaml

    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read KPIs: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("kpis"), list):
        raise ConfigError(f"{path}: expected a mapping with a list 'kpis'")
    kpis = []
    for index, item in enumerate(raw["kpis"]):
        where = f"{path}: kpi {index + 1}"
        if not isinstance(item, dict) or not {"id", "title_zh", "target", "comparison", "citation", "source"} <= set(item):
            raise ConfigError(f"{where}: needs id, title_zh, target, comparison, citation and source")
        if item["comparison"] not in ("ge", "gt", "qualitative"):
            raise ConfigError(f"{where} ({item['id']}): comparison must be ge, gt or qualitative")
        if item["source"] not in ("ledger", "reported", "both"):
            raise ConfigError(f"{where} ({item['id']}): source must be ledger, reported or both")
        period = item.get("period") or {}
        kpis.append(Kpi(
            id=item["id"], title_zh=item["title_zh"], target=item["target"], comparison=item["comparison"],
            citation=item["citation"], source=item["source"],
            period_from=_kpi_date(period.get("from"), where), period_to=_kpi_date(period.get("to"), where),
            per_year=tuple(item.get("per_year", ())), ledger_query=item.get("ledger_query", ""),
            unit=item.get("unit", ""),
        ))
    ids = [k.id for k in kpis]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{path}: duplicate KPI ids")
    return tuple(kpis)


def _kpi_date(value, where: str):
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: period dates must be YYYY-MM-DD, got {value!r}") from None

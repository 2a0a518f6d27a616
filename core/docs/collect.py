"""What the generated pages show, read from the enabled plugins: documents, measures, workflows, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import attrs

from huiqi.document import Document, Kpi
from huiqi.docs import diagram
from huiqi.docs.values import comparison, parameter_value
from huiqi.parameters import Parameter
from huiqi.rules.measure import Measure
from huiqi.workflow.spec import Workflow


@attrs.frozen
class ParameterView:
    name: str
    type: str
    unit: str
    description: str
    in_force: str
    history: tuple[tuple[str, str, str, bool], ...]  # (effective from, value, source, in force)


@attrs.frozen
class FactView:
    name: str
    type: str
    expected: str
    meaning: str
    label_zh: str
    entity: str
    optional: bool


@attrs.frozen
class MeasureView:
    measure: Measure
    policy: str
    formula: str
    parameters: tuple[ParameterView, ...]
    facts: tuple[FactView, ...]
    workflow: str | None


@attrs.frozen
class StepView:
    name: str
    kind: str  # action | timer
    sources: str
    target: str
    roles: str
    deadline: str
    requires: str
    guards: str
    effects: str
    citation: str


@attrs.frozen
class WorkflowView:
    workflow: Workflow
    slug: str
    diagram: str
    steps: tuple[StepView, ...]
    measures: tuple[str, ...]


@attrs.frozen
class DocumentView:
    document: Document
    plugin: str
    version: str
    jurisdiction: str
    as_of: dt.date
    measures: tuple[MeasureView, ...]
    workflows: tuple[WorkflowView, ...]
    kpis: tuple[Mapping[str, str], ...]
    reports: tuple[Any, ...] = ()  # huiqi.docs.reports.ReportView, when the reports API is installed

    @property
    def name(self) -> str:
        return self.document.name


def in_force_day(document: Document, as_of: dt.date) -> dt.date:
    """The day whose values the pages show: as_of, kept inside the document's period of effect."""
    day = max(as_of, document.effective_from)
    return min(day, document.effective_to) if document.effective_to else day


def document_view(document: Document, plugin: str, version: str, workflows: list[Workflow],
                  as_of: dt.date) -> DocumentView:
    from huiqi.regions import display

    day = in_force_day(document, as_of)
    params = document.parameters.at(day)
    mine = [w for w in workflows if set(w.policies) & set(document.policy_ids())
            or any(p.partition(".")[0] == document.name for p in w.registrations)]  # registrations: no measure
    workflow_of = {policy: w.name for w in mine for policy in w.policies}
    measures = tuple(measure_view(document, m, day, workflow_of.get(f"{document.name}.{m.id}"))
                     for m in document.measures)
    return DocumentView(
        document=document, plugin=plugin, version=version, jurisdiction=display(document.jurisdiction), as_of=day,
        measures=measures, workflows=tuple(workflow_view(w, params, document) for w in mine),
        kpis=tuple(kpi_row(k) for k in document.kpis))


def measure_view(document: Document, measure: Measure, day: dt.date, workflow: str | None) -> MeasureView:
    parameters = tuple(parameter_view(document.parameters[name], day) for name in sorted(measure.params()))
    facts = tuple(fact_view(document, name, measure) for name in sorted(measure.facts()))
    formula = measure.formula or (measure.award.describe() if measure.award is not None else "")
    return MeasureView(measure, f"{document.name}.{measure.id}", formula, parameters, facts, workflow)


def parameter_view(parameter: Parameter, day: dt.date) -> ParameterView:
    current = max((r for r in parameter.rows if r.effective_from <= day), key=lambda r: r.effective_from,
                  default=parameter.rows[0])
    history = tuple((row.effective_from.isoformat(), parameter_value(parameter.type, row.value, parameter.unit),
                     row.source, row is current) for row in parameter.rows)
    return ParameterView(parameter.name, parameter.type, parameter.unit, parameter.description,
                         parameter_value(parameter.type, current.value, parameter.unit), history)


def fact_view(document: Document, name: str, measure: Measure | None = None) -> FactView:
    """A fact as a table row; optional when it identifies the applicant or the measure only reports it."""
    fact = document.facts[name]
    optional = fact.identity or (measure is not None and name in measure.informational)
    return FactView(name, fact.type.name, fact.type.expected, fact.meaning, fact.label_zh, fact.entity, optional)


def workflow_view(workflow: Workflow, params: Mapping[str, Any], document: Document) -> WorkflowView:
    steps = [StepView(
        name=a.name, kind="action", sources=", ".join(a.sources), target=diagram.target_words(a, workflow.states),
        roles=", ".join(str(r) for r in a.roles), deadline=diagram.deadline_words(a.deadline, params),
        requires=", ".join(w for w, needed in (("--note", a.note_required), ("--file", a.file_required),
                                               ("re-evaluation", a.reevaluate)) if needed) or "—",
        guards=diagram.function_words(a.guards), effects=diagram.function_words(a.effects),
        citation=a.citation or a.description) for a in workflow.actions]
    steps += [StepView(
        name=t.name, kind="timer", sources=t.state,
        target=t.target if t.target is not None else f"(unchanged; flags {t.flag})", roles="system (huiqi tick)",
        deadline=diagram.timer_due_words(t, params), requires="—", guards="—",
        effects=diagram.function_words(t.effects), citation=t.citation or t.description) for t in workflow.timers]
    measures = tuple(p.split(".", 1)[1] for p in workflow.policies if p.startswith(document.name + "."))
    slug = "workflow-" + workflow.name.split(".")[-1].replace("_", "-")
    return WorkflowView(workflow, slug, diagram.mermaid(workflow), tuple(steps), measures)


def kpi_row(kpi: Kpi) -> dict[str, str]:
    if kpi.comparison == "qualitative":
        target = str(kpi.target) if kpi.target is not None else "qualitative"
    else:
        target = f"{comparison(kpi.comparison)} {kpi.target} {kpi.unit}".strip()
    period = "—"
    if kpi.period_from or kpi.period_to:
        period = f"{kpi.period_from or '…'} – {kpi.period_to or '…'}"
    if kpi.per_year:
        period += " (per year: " + ", ".join(str(v) for v in kpi.per_year) + ")"
    return {"id": kpi.id, "title": kpi.title_zh, "target": target, "period": period, "source": kpi.source,
            "query": kpi.ledger_query, "citation": kpi.citation}

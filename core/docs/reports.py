"""The reports of a jurisdiction's page, each with a sample rendered from generated sample data.

The sample database (``huiqi.docs.sample``) is a fresh SQLite file built from the plugin's
``cases/``; it never reads the deployment's own database, so a documentation site cannot publish
an enterprise's data.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import attrs

SAMPLE_FORMATS = ("html", "md", "csv", "xlsx")
SAMPLE_NOTICE = "生成的示例数据 · generated sample data: fictitious enterprises, not real applicants or awards"


@attrs.frozen
class ReportView:
    name: str
    title: str
    plugin: str | None
    viewers: tuple[str, ...]
    requires: tuple[str, ...]
    citation: str
    description: str
    samples: dict  # format → bytes, empty when the sample could not be built
    problem: str = ""


def available(manager) -> bool:
    """Whether this huiqi has the reports API (hook ``huiqi_reports``)."""
    return hasattr(manager.hook, "huiqi_reports")


def report_views(manager, registry, view) -> list[ReportView]:
    """The plugin's own reports, then the generic ones every deployment has, with their samples."""
    from huiqi.reports import collect_reports

    reports = [r for r in collect_reports(manager, registry).values() if r.plugin in (None, view.plugin)]
    reports.sort(key=lambda r: (r.plugin is None, r.name))
    with tempfile.TemporaryDirectory(prefix="huiqi-docs-sample-") as folder:
        try:
            engine, app_id, day = _sample_database(Path(folder), manager, registry, view)
        except Exception as error:  # a sample is an illustration: its failure is shown, not fatal
            return [_report_view(r, {}, f"the sample database could not be built: {error}") for r in reports]
        try:
            return [_with_sample(r, engine, registry, day, app_id) for r in reports]
        finally:
            engine.dispose()


def _with_sample(report, engine, registry, as_of: dt.date, app_id: int | None) -> ReportView:
    from huiqi.ledger.db import transaction
    from huiqi.reports import ReportContext, render, run_report
    from huiqi.reports.model import ADMIN
    from huiqi.workflow.actors import parse_actor

    try:
        with transaction(engine, read_only=True) as session:
            app = app_id if "application" in report.requires else None
            ctx = ReportContext(session, registry, parse_actor(ADMIN), as_of, application_id=app)
            run = run_report(report, ctx, now=dt.datetime.combine(as_of, dt.time(9), dt.timezone.utc))
            samples = {fmt: render(run, fmt) for fmt in SAMPLE_FORMATS}
    except Exception as error:  # shown on the page with the reason
        return _report_view(report, {}, f"{type(error).__name__}: {error}")
    return _report_view(report, samples)


def _report_view(report, samples: dict, problem: str = "") -> ReportView:
    return ReportView(report.name, report.title_zh, report.plugin, tuple(report.viewers), tuple(report.requires),
                      report.citation, report.description, samples, problem)


def _sample_database(folder: Path, manager, registry, view):
    from huiqi.docs.sample import build_sample

    engine, ids, day = build_sample(folder, manager, registry, view, _eligible_cases(manager, registry, view))
    return engine, (ids[0] if ids else None), day


def _eligible_cases(manager, registry, view) -> list:
    from huiqi.testing_cases import discover

    found = [pc for pc in discover(manager, registry) if pc.plugin == view.plugin]
    if not found or not found[0].directory.is_dir():
        return []
    workflow_policies = {p for flow in view.workflows for p in flow.workflow.policies}
    return [case for case in found[0].cases()
            if case.expect and case.expect.get("eligible") is True and not case.parameters
            and case.policy in workflow_policies]


def render_page(env, view, common: dict) -> str:
    """The reports page of one jurisdiction; writes nothing (the caller writes the sample files)."""
    return env.get_template("reports.md.j2").render(doc=view, notice=SAMPLE_NOTICE, **common)


def sample_file(name: str, fmt: str) -> str:
    """md samples are .md.txt so that MkDocs copies them rather than making them pages."""
    return f"{name}.md.txt" if fmt == "md" else f"{name}.{fmt}"


def write_samples(folder: Path, view) -> None:
    """Each report's sample files beside the page: samples/<report>.<format>."""
    for report in view.reports:
        for fmt, data in report.samples.items():
            path = folder / "samples" / sample_file(report.name, fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

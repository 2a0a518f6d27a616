"""``huiqi report NAME`` (a report as md, html, csv, xlsx or json) and ``huiqi report list``."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import InputError

PERIOD_EXPECTED = "FROM:TO as YYYY-MM-DD:YYYY-MM-DD (either side may be empty), or a year YYYY"


def parse_period(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """``2022-01-01:2022-06-30``, ``2022-01-01:``, ``:2022-06-30`` or ``2022`` → (from, to)."""
    from huiqi.facts import parse_date

    if text is None:
        return None, None
    if re.fullmatch(r"[0-9]{4}", text):
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    if text.count(":") != 1 or text == ":":
        raise InputError("--period", text, PERIOD_EXPECTED)
    start, end = (part.strip() or None for part in text.split(":"))
    first = parse_date(start, "--period") if start else None
    last = parse_date(end, "--period") if end else None
    if first and last and first > last:
        raise InputError("--period", text, PERIOD_EXPECTED, reason=f"--period starts {first}, after its end {last}")
    return first, last


def _application_id(text: str | None) -> int | None:
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", text):
        raise InputError("--application", text, "the numeric id of an application")
    return int(text)


def _format(fmt: str, out: Path | None) -> str:
    from huiqi.reports import FORMATS

    if fmt not in FORMATS:
        raise InputError("--format", fmt, " | ".join(FORMATS))
    if fmt == "xlsx" and out is None:
        raise InputError("--out", None, "a file path for xlsx (a spreadsheet is not written to the terminal)",
                         reason="--format xlsx needs --out PATH")
    return fmt


@click.command("report")
@click.argument("name")
@click.option("--region", help="Only rows of this GB/T 2260 region (a city 340100, a province 340000).")
@click.option("--period", help="FROM:TO (YYYY-MM-DD:YYYY-MM-DD, either side open) or a year YYYY.")
@click.option("--as", "viewer", default="admin", show_default=True,
              help="Who reads it: ROLE or ROLE:SCOPE (city_bureau:340100 sees its city; public sees masked USCCs).")
@click.option("--application", "application_id", help="The application (reports such as audit_log need one).")
@click.option("--on", "on", help="The day the report is as of, YYYY-MM-DD (default today, Asia/Shanghai).")
@click.option("--format", "fmt", default="md", show_default=True, help="md | html | csv | xlsx | json.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write here (xlsx needs it).")
@pass_app
def report(app: AppContext, name, region, period, viewer, application_id, on, fmt, out):
    """A report as md, html, csv or xlsx; ``huiqi report list`` lists the reports of this deployment."""
    from huiqi.reports import collect_reports

    reports = collect_reports(app.manager, app.registry)
    if name == "list":
        _list(reports, fmt)
        return
    data = build(app, reports, name, region=region, period=period, viewer=viewer, application_id=application_id,
                 on=on, fmt=_format(fmt, out))
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        out.write_bytes(data)
    except OSError as error:
        raise InputError("--out", str(out), "a writable file path", reason=f"cannot write {out}: {error}") from None
    click.echo(f"wrote {out}", err=True)


def build(app: AppContext, reports, name: str, *, region=None, period=None, viewer="admin", application_id=None,
          on=None, fmt="md") -> bytes:
    """Validate the options, build the report in one read-only transaction, and render it."""
    from huiqi.facts import parse_date
    from huiqi.ledger.db import transaction
    from huiqi.regions import validate_region
    from huiqi.reports import ReportContext, check_viewer, find_report, render, run_report
    from huiqi.workflow.actors import parse_actor
    from huiqi.workflow.engine import today_in_shanghai

    chosen = find_report(reports, name)
    actor = parse_actor(viewer)
    region = validate_region(region, "--region") if region is not None else None
    check_viewer(actor, region)
    first, last = parse_period(period)
    today = parse_date(on, "--on") if on else today_in_shanghai()
    app_id = _application_id(application_id)
    with transaction(app.ready_engine(), read_only=True) as session:
        ctx = ReportContext(session, app.registry, actor, today, region, first, last, app_id)
        return render(run_report(chosen, ctx), fmt)


def _list(reports, fmt: str) -> None:
    if fmt == "json":
        import json

        click.echo(json.dumps([{"name": r.name, "title": r.title_zh, "plugin": r.plugin, "viewers": list(r.viewers),
                                "requires": list(r.requires), "citation": r.citation} for r in reports.values()],
                              ensure_ascii=False, indent=2))
        return
    for r in reports.values():
        needs = f"  (needs --{', --'.join(r.requires)})" if r.requires else ""
        click.echo(f"{r.name:<26} {r.plugin or 'core':<18} {r.title_zh}{needs}")
        click.echo(f"{'':<26} viewers: {', '.join(r.viewers)}")
    click.echo(f"{len(reports)} report(s); any report also for --as admin (the default)")

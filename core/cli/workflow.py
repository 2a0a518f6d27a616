"""``huiqi apply / act / show / tick``: applications through their plugin's workflow."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import click

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import InputError
from huiqi.facts import parse_date
from huiqi.ledger.db import transaction
from huiqi.workflow.actors import parse_actor


def _day(value: str | None, field: str) -> dt.date:
    from huiqi.workflow.engine import today_in_shanghai

    return today_in_shanghai() if value is None else parse_date(value, field)


def _read_json_object(path: Path, field: str) -> dict:
    from huiqi.cli.evaluate import parse_json

    try:
        raw = path.read_bytes()
        value = parse_json(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputError(field, str(path), "a readable UTF-8 JSON file", reason=f"{path}: {error}") from None
    if not isinstance(value, dict):
        raise InputError(field, str(path), "a JSON object of fact names to values")
    return value


@click.command()
@click.argument("policy")
@click.option("--applicant", required=True, help="The applicant's USCC (must be on record: huiqi entity add).")
@click.option("--facts", "facts_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="JSON file of the application's facts.")
@click.option("--project", "project_code", help="Project code or contract number the award is for.")
@click.option("--cost-item", "cost_items", multiple=True, help="An invoice or contract id counted (repeatable).")
@click.option("--on", "on", help="Application date YYYY-MM-DD (default: today, Asia/Shanghai).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def apply(app: AppContext, policy, applicant, facts_file, project_code, cost_items, on, fmt):
    """Open an application for POLICY; prints its id."""
    from huiqi.uscc import validate_uscc
    from huiqi.workflow.service import open_application

    applicant = validate_uscc(applicant, "--applicant")
    facts = _read_json_object(facts_file, "--facts")
    day = _day(on, "--on")
    workflow = _workflow_of(app, policy)
    engine = app.ready_engine()
    with transaction(engine) as session:
        region = _applicant_region(session, applicant, workflow.applicant_kind if workflow else None)
        application = open_application(
            session, registry=app.registry, calculator=app.calculator(), workflows=app.workflows, policy=policy,
            applicant_uscc=applicant, region_code=region, facts=facts, on=day,
            actor=parse_actor(f"{workflow.applicant_role if workflow else 'enterprise'}:{applicant}"),
            project_code=project_code, cost_item_ids=cost_items)
        shown = _summary(application)
        ignored = getattr(application, "ignored_facts", [])
    for name in ignored:
        click.echo(f"warning: {name} is derived from the ledger; the value in {facts_file} is ignored", err=True)
    click.echo(json.dumps(shown, ensure_ascii=False) if fmt == "json" else
               f"{shown['id']}\t{shown['policy']}\t{shown['state']}\teligible={shown['eligible']}\taward={shown['award']}")


def _workflow_of(app: AppContext, policy: str):
    """The workflow POLICY's applications follow, or None (open_application then says why)."""
    from huiqi.errors import HuiqiError

    try:
        return app.workflows.for_policy(policy)
    except HuiqiError:
        return None


def _applicant_region(session, uscc: str, kind: str | None = None) -> str:
    from huiqi.entities import get_entity

    entity = get_entity(session, uscc)
    if kind is not None and entity.kind != kind:
        raise InputError("--applicant", uscc, f"the USCC of a {kind} on record",
                         reason=f"{uscc} is on record as a {entity.kind}, not a {kind}")
    return entity.region_code


def _summary(application) -> dict:
    from huiqi.money import yuan

    return {"id": application.id, "policy": application.policy, "state": application.state,
            "eligible": application.eligible, "award": yuan(application.award_fen)}


def _file_digests(paths: tuple[Path, ...]) -> tuple[list[str], list]:
    digests, documents = [], []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError("--file", str(path), "a readable file", reason=f"{path}: {error.strerror}") from None
        digests.append("sha256:" + hashlib.sha256(data).hexdigest())
        try:
            documents.append(json.loads(data.decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            pass  # a scan or a PDF: only its digest is kept
    return digests, documents


def _options(pairs: tuple[str, ...]) -> dict:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError("--set", pair, "KEY=VALUE")
        options[key] = value
    return options


@click.command()
@click.argument("app_id", type=int)
@click.argument("action")
@click.option("--as", "actor", required=True, help="ROLE[:SCOPE], e.g. city_bureau:340100.")
@click.option("--note", help="Why (required by returns, rejections, objections…).")
@click.option("--file", "files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Materials; their SHA-256 digests go into the audit trail (repeatable).")
@click.option("--set", "settings", multiple=True, help="KEY=VALUE for the action (e.g. expert=E01).")
@click.option("--on", "on", help="Day of the step YYYY-MM-DD (default: today, Asia/Shanghai).")
@pass_app
def act(app: AppContext, app_id, action, actor, note, files, settings, on):
    """Take one workflow step on APP_ID as a named actor; refused with the reason when not allowed."""
    from huiqi.workflow.engine import act as take_step
    from huiqi.workflow.engine import prepare

    who = parse_actor(actor)
    digests, documents = _file_digests(files)
    options = _options(settings)
    if documents:
        options["documents"] = documents
    day = _day(on, "--on")
    engine = app.ready_engine()
    # the step's accounts opened first, in a transaction of their own
    prepare(engine, app_id=app_id, action_name=action, actor=who, workflows=app.workflows.by_name,
            registry=app.registry, calculator=app.calculator(), today=day, options=options)
    with transaction(engine) as session:
        application = take_step(session, app_id=app_id, action_name=action, actor=who, workflows=app.workflows.by_name,
                                registry=app.registry, calculator=app.calculator(), today=day, note=note,
                                files=digests, options=options)
        shown = _summary(application)
    click.echo(f"{shown['id']}\t{action}\t→ {shown['state']}\taward={shown['award']}")


@click.command()
@click.argument("app_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def show(app: AppContext, app_id, fmt):
    """State, award, reasons, and the history of every step with actor and time."""
    from huiqi.workflow.history import application_view, render_text

    engine = app.ready_engine()
    with transaction(engine, read_only=True) as session:
        view = application_view(session, app_id)
    click.echo(json.dumps(view, ensure_ascii=False, indent=2) if fmt == "json" else render_text(view))


@click.command()
@click.option("--as-of", "as_of", required=True, help="The day the clock has reached, YYYY-MM-DD.")
@pass_app
def tick(app: AppContext, as_of):
    """Run the time-driven steps (lapses, notice ends, expiries) whose deadline passed, exactly once."""
    from huiqi.workflow.service import tick as run_tick

    day = parse_date(as_of, "--as-of")
    outcomes = run_tick(app.ready_engine(), registry=app.registry, calculator=app.calculator(),
                        workflows=app.workflows, as_of=day)
    for outcome in outcomes:
        click.echo(f"{outcome.application_id}\t{outcome.timer}\t{outcome.from_state} → {outcome.to_state}"
                   f"\t(due {outcome.due})")
    click.echo(f"{len(outcomes)} time-driven step(s) as of {day}")

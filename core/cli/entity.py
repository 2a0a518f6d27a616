"""``huiqi entity add / import / show``: enterprises, suppliers, platforms and service providers."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import ConfigError, InputError

FACT_HELP = ("A fact as name=value (repeatable). Values read as CSV cells do: true/false, whole numbers, "
             "[..]/{..} JSON, else text; the name types it (*_amount money \"x.xx\", *_date/*_on a day, "
             "*_count a whole number, *_code text).")


@click.group()
def entity() -> None:
    """Enterprises, suppliers, platforms and service providers, by USCC, with dated facts."""


@entity.command("add")
@click.option("--uscc", required=True, help="统一社会信用代码, 18 characters.")
@click.option("--name", required=True, help="The registered name (企业名称).")
@click.option("--region", "region_code", required=True, help="Six-digit GB/T 2260 code, e.g. 340100.")
@click.option("--kind", required=True, help="enterprise, supplier, platform or service_provider (or 企业, 供应商, 平台, 服务商).")
@click.option("--founded", "founded_on", help="成立日期, YYYY-MM-DD.")
@click.option("--fact", "facts", multiple=True, metavar="NAME=VALUE", help=FACT_HELP)
@click.option("--recorded-on", help="The day the facts are recorded on, YYYY-MM-DD (default: today, Asia/Shanghai).")
@click.option("--source", default="huiqi entity add", show_default=True, help="Where the facts come from.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def add(app: AppContext, uscc: str, name: str, region_code: str, kind: str, founded_on: str | None,
        facts: tuple[str, ...], recorded_on: str | None, source: str, output: str) -> None:
    """Put one entity on record (again with the same fields: records only the facts that changed)."""
    from huiqi.entities import add_entity
    from huiqi.ledger.db import transaction

    with transaction(_engine(app)) as session:
        result = add_entity(session, uscc=uscc, name=name, kind=kind, region_code=region_code,
                            founded_on=founded_on, facts=_fact_options(facts), recorded_on=_day(recorded_on),
                            source=source, facts_as_text=True, actor=_actor(), role="system")
    if output == "json":
        click.echo(json.dumps({"uscc": result.uscc, "created": result.created, "facts_recorded": result.recorded,
                               "facts_unchanged": list(result.unchanged)}, ensure_ascii=False, indent=2))
        return
    verb = "added" if result.created else "already on record:"
    click.echo(f"{verb} {result.uscc} {name.strip()}; {_count(len(result.recorded), 'fact')} recorded"
               + (f", {len(result.unchanged)} unchanged" if result.unchanged else ""))


@entity.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]), help="Default: by the file's extension.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows and list the rejected ones (exit status still 2).")
@click.option("--kind", "default_kind", help="The kind of rows that do not give one (no kind/类型 column, or an empty cell).")
@click.option("--recorded-on", help="The day the facts are recorded on, where a row has no recorded_on (default: today).")
@click.option("--source", help="Where the facts come from (default: the file's name).")
@pass_app
@click.pass_context
def import_(ctx: click.Context, app: AppContext, file: Path, fmt: str | None, skip_bad: bool,
            default_kind: str | None, recorded_on: str | None, source: str | None) -> None:
    """Import FILE (CSV in UTF-8, JSON lines, or XLSX): every row is checked first; with any bad
    row nothing is written (or, with --skip-bad, only the good rows are).

    Columns: uscc (统一社会信用代码), name (企业名称), region_code (行政区划代码), kind (类型),
    founded_on (成立日期), optional recorded_on and source; every other column is a fact.
    Rejected rows are listed on stderr by number (the header is row 1; line N in JSON lines).
    """
    from huiqi.entities import import_entities, read_file
    from huiqi.ledger.db import transaction

    table = read_file(file, fmt)
    with transaction(_engine(app)) as session:
        report = import_entities(session, table, skip_bad=skip_bad, default_kind=default_kind,
                                 recorded_on=_day(recorded_on), source=source or f"import {file.name}",
                                 actor=_actor(), role="system")
    for line in report.problem_lines():
        click.echo(line, err=True)
    click.echo(report.summary(), err=not report.written)
    if report.rejected:
        ctx.exit(2)


@entity.command("show")
@click.argument("uscc")
@click.option("--as-of", help="Show the facts in force on this day (default: the latest recordings).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def show(app: AppContext, uscc: str, as_of: str | None, output: str) -> None:
    """An entity on record, its facts in force and every recording of them."""
    from huiqi.entities import get_entity
    from huiqi.ledger.db import transaction

    with transaction(_engine(app), read_only=True) as session:
        view = get_entity(session, uscc, as_of=_day(as_of, "--as-of"))
    if output == "json":
        click.echo(json.dumps(view.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_text_lines(view)))


def _text_lines(view: Any) -> list[str]:
    from huiqi.entities.models import KIND_LABELS
    from huiqi.entities.rows import SHANGHAI
    from huiqi.regions import display

    lines = [f"{view.uscc}  {view.name}",
             f"  kind        {view.kind} ({KIND_LABELS[view.kind]})",
             f"  region      {display(view.region_code)}",
             f"  founded_on  {view.founded_on or '-'}",
             f"  on record   since {view.created_at.astimezone(SHANGHAI).isoformat(timespec='seconds')}",
             "facts in force:" if view.facts else "facts in force: none"]
    lines += [f"  {name} = {_shown(f.value)}   (recorded on {f.recorded_on}, {f.source})" for name, f in view.facts.items()]
    lines.append("history:" if view.history else "history: none")
    lines += [f"  {f.recorded_on}  {f.name} = {_shown(f.value)}   ({f.source})" for f in view.history]
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _engine(app: AppContext) -> Engine:
    """The database of ``--db``, migrated to the newest schema first when it is behind
    (``AppContext.ready_engine``: a PostgreSQL database already in use is left to ``huiqi init``)."""
    try:
        return app.ready_engine()
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ConfigError(f"cannot open the database: {reason}") from None


def _fact_options(options: tuple[str, ...]) -> dict[str, str]:
    facts: dict[str, str] = {}
    for option in options:
        name, sep, value = option.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError("--fact", option, "NAME=VALUE, e.g. employee_count=120")
        if name in facts:
            raise InputError("--fact", option, "each fact once", reason=f"--fact {name} is given twice")
        facts[name] = value
    return facts


def _day(text: str | None, option: str = "--recorded-on") -> dt.date | None:
    from huiqi.facts import parse_date

    return None if text is None else parse_date(text.strip(), option)


def _actor() -> str:
    """Who runs the command, for the audit log: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"

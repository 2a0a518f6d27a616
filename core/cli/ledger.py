"""``huiqi init``, ``huiqi ledger …``, ``huiqi audit verify`` and ``huiqi payout run``."""

from __future__ import annotations

import json

import click

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import HuiqiError
from huiqi.facts import parse_date
from huiqi.ledger.db import transaction
from huiqi.money import parse_money, yuan_grouped


@click.command()
@pass_app
def init(app: AppContext):
    """Create or migrate the database to the current schema (idempotent)."""
    from huiqi.ledger.migrate import current_revision, upgrade_to_head

    before = current_revision(app.engine)
    after = upgrade_to_head(app.engine)
    click.echo(f"database {app.engine.url.render_as_string(hide_password=True)}: "
               + (f"at {after} (unchanged)" if before == after else f"migrated {before or 'empty'} → {after}"))


@click.group()
def ledger():
    """Budgets, reservations and payouts: balances, transfers, funding and the invariant check."""


@ledger.command("balance")
@click.option("--plugin", help="Only this plugin's accounts.")
@click.option("--prefix", help="Only accounts whose code starts with this.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def balance(app: AppContext, plugin, prefix, fmt):
    """Every account: posted balance, reserved (pending), available under its limits."""
    from huiqi.ledger import list_accounts

    with transaction(app.ready_engine(), read_only=True) as session:
        views = list_accounts(session, plugin=plugin, prefix=prefix)
    rows = [{"code": v.code, "kind": v.kind, "unit": v.unit, "balance": v.balance, "pending": v.pending,
             "available": v.available, "floor": v.floor_fen, "ceiling": v.ceiling_fen} for v in views]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        show = yuan_grouped if row["unit"] == "fen" else str
        available = "—" if row["available"] is None else show(row["available"])
        click.echo(f"{row['code']:<60} {row['kind']:<10} balance {show(row['balance']):>18}  "
                   f"reserved {show(row['pending']):>16}  available {available:>18}")
    click.echo(f"{len(rows)} account(s)")


@ledger.command("transfers")
@click.option("--application", "application_id", help="Only this application's transfers.")
@click.option("--account", help="Only transfers touching this account code.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def transfers(app: AppContext, application_id, account, fmt):
    """Transfers in commit order, with their state and the step that caused them."""
    from sqlalchemy import or_, select

    from huiqi.ledger.models import accounts as accounts_table
    from huiqi.ledger.models import transfers as transfers_table

    debit = accounts_table.alias("debit")
    credit = accounts_table.alias("credit")
    query = (select(transfers_table, debit.c.code.label("debit_code"), credit.c.code.label("credit_code"))
             .join(debit, debit.c.id == transfers_table.c.debit_account_id)
             .join(credit, credit.c.id == transfers_table.c.credit_account_id).order_by(transfers_table.c.seq))
    if application_id:
        query = query.where(transfers_table.c.application_id == application_id)
    if account:
        query = query.where(or_(debit.c.code == account, credit.c.code == account))
    with transaction(app.ready_engine(), read_only=True) as session:
        rows = session.execute(query).all()
    listed = [{"id": r.id, "state": r.state, "debit": r.debit_code, "credit": r.credit_code, "amount_fen": r.amount_fen,
               "application": r.application_id, "step": r.step, "key": r.idempotency_key} for r in rows]
    if fmt == "json":
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for t in listed:
        click.echo(f"#{t['id']:<6} {t['state']:<8} {yuan_grouped(t['amount_fen']):>16}  {t['debit']} → {t['credit']}"
                   f"  app {t['application'] or '—'} {t['step'] or ''}")
    click.echo(f"{len(listed)} transfer(s)")


@ledger.command("fund")
@click.argument("account")
@click.argument("amount")
@click.option("--source", default=None, help="Source account (default: <plugin>/source).")
@click.option("--key", "key", required=True, help="Idempotency key naming this funding (e.g. the budget document number).")
@click.option("--plugin", required=True, help="The plugin whose budget this is.")
@click.option("--memo")
@pass_app
def fund(app: AppContext, account, amount, source, key, plugin, memo):
    """Fund a budget account (opened with floor 0 when new) with AMOUNT yuan from a source account."""
    from huiqi.ledger import fund as fund_account
    from huiqi.ledger import open_account

    fen = parse_money(amount, "AMOUNT")
    source = source or f"{plugin}/source"
    with transaction(app.ready_engine()) as session:
        open_account(session, code=source, kind="source", plugin=plugin)
        open_account(session, code=account, kind="budget", plugin=plugin, floor_fen=0)
        record = fund_account(session, source=source, account=account, amount_fen=fen, idempotency_key=key,
                              plugin=plugin, memo=memo, actor="cli", role="provincial_finance")
    click.echo(f"transfer #{record.id}: {yuan_grouped(fen)} {source} → {account}" + (" (already recorded)" if record.replayed else ""))


@ledger.command("check")
@pass_app
def check(app: AppContext):
    """Every balance equals the sum of its transfers; debits equal credits; limits hold."""
    from huiqi.ledger import check as check_ledger

    with transaction(app.ready_engine(), read_only=True) as session:
        problems = check_ledger(session)
    _verdict("ledger check", problems, "clean")


@click.group()
def audit():
    """The append-only, hash-chained audit trail."""


@audit.command("verify")
@pass_app
def verify(app: AppContext):
    """Detect any edited or deleted event row, and entity rows that differ from their events."""
    from huiqi.entities import check_entities
    from huiqi.ledger import verify_events

    with transaction(app.ready_engine(), read_only=True) as session:
        problems = verify_events(session) + check_entities(session)
    _verdict("audit verify", problems, "the chain is intact")


def _verdict(what: str, problems: list[str], clean: str) -> None:
    """Every problem on stderr and exit 2, or one line saying all is well."""
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise HuiqiError(f"{what}: {len(problems)} problem(s)")
    click.echo(f"{what}: {clean}")


@click.group()
def payout():
    """Pay what is due."""


@payout.command("run")
@click.option("--on", "on", help="Payment day YYYY-MM-DD (default: today, Asia/Shanghai).")
@click.option("--policy", "policy_prefix", help="Only applications whose policy id starts with this.")
@click.option("--as", "actor", default="system", show_default=True, help="Who runs the payment (ROLE[:SCOPE]).")
@pass_app
def run(app: AppContext, on, policy_prefix, actor):
    """Pay every due application exactly once; safe to run again after a crash."""
    from huiqi.workflow.actors import parse_actor
    from huiqi.workflow.engine import today_in_shanghai
    from huiqi.workflow.service import run_payouts

    day = today_in_shanghai() if on is None else parse_date(on, "--on")
    outcomes = run_payouts(app.ready_engine(), registry=app.registry, calculator=app.calculator(),
                           workflows=app.workflows, on=day, actor=parse_actor(actor), policy_prefix=policy_prefix)
    paid = [o for o in outcomes if o.paid]
    for outcome in outcomes:
        if outcome.paid:
            click.echo(f"paid {outcome.application_id}\t{outcome.policy}\t{yuan_grouped(outcome.amount_fen)}")
        else:
            click.echo(f"not paid {outcome.application_id}: {outcome.reason}")
    click.echo(f"{len(paid)} payout(s), {yuan_grouped(sum(o.amount_fen for o in paid))} in all")

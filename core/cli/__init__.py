"""The ``huiqi`` command line: one click group; each command group in a module of its own."""

from __future__ import annotations

import sys

import click

from huiqi import __version__
from huiqi.cli.context import AppContext
from huiqi.errors import HuiqiError

CORE_COMMANDS = ("evaluate", "plugins", "demo", "apply", "act", "show", "tick", "init", "ledger", "audit",
                 "payout", "entity", "report", "docs", "new-plugin")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="huiqi")
@click.option("--db", "db_url", envvar="HUIQI_DB", default=None,
              help="Database URL (default: an embedded SQLite file huiqi.db here; HUIQI_DB overrides).")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """惠企 huiqi — subsidy policies as software: evaluate, administer, report."""
    ctx.obj = AppContext(db_url=db_url)


def _register_core_commands() -> None:
    from huiqi.cli import demo, entity, evaluate, ledger, plugins, workflow

    cli.add_command(evaluate.evaluate)
    cli.add_command(plugins.plugins)
    cli.add_command(demo.demo)
    for command in (workflow.apply, workflow.act, workflow.show, workflow.tick, ledger.init, ledger.ledger,
                    ledger.audit, ledger.payout, entity.entity):
        cli.add_command(command)
    from huiqi.cli import report; cli.add_command(report.report)  # noqa: E702  (reports: one line, own import)
    from huiqi.cli import docs; cli.add_command(docs.docs)  # noqa: E702  (docs: one line, own import)
    from huiqi.cli import new_plugin; cli.add_command(new_plugin.new_plugin)  # noqa: E702  (scaffold: one line)


def _register_plugin_commands(app: AppContext | None = None) -> None:
    """Enabled plugins may add commands (hook huiqi_cli_commands)."""
    app = app or AppContext()
    try:
        manager = app.manager
        registry = app.registry
    except HuiqiError:
        return  # the command the user runs will report the configuration problem itself
    enabled = {registry.plugin_of[d.name] for d in registry.enabled_documents()}
    for name, plugin in manager.list_name_plugin():
        if name in enabled and hasattr(plugin, "huiqi_cli_commands"):
            before = set(cli.commands)
            plugin.huiqi_cli_commands(cli=cli)
            clash = (set(cli.commands) - before) & set(CORE_COMMANDS)
            if clash:
                raise HuiqiError(f"plugin {name!r} adds commands that clash with core commands: {sorted(clash)}")


_register_core_commands()


def main() -> None:
    """Entry point: a user mistake is one line on stderr and exit 2; a bug keeps its traceback."""
    try:
        _register_plugin_commands()
        code = cli.main(standalone_mode=False)  # returns ctx.exit()'s code in this mode
        sys.exit(code if isinstance(code, int) else 0)
    except HuiqiError as error:
        click.echo(str(error), err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)

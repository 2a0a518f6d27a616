"""The plugin's hook implementations: its document, its workflows and its command group (reports to come)."""

from huiqi.hookspecs import hookimpl
from huiqi_plugins.guangdong_vouchers.document import document


@hookimpl
def huiqi_documents():
    return [document()]


@hookimpl
def huiqi_workflows():
    """Enterprise and supplier registration and the voucher lifecycle (spec §6; workflow.py)."""
    from huiqi_plugins.guangdong_vouchers.workflow import workflows

    return workflows(document())


@hookimpl
def huiqi_cli_commands(cli):
    """``huiqi vouchers …``: periods, allocations, settlement lists, budgets (spec §6.5, §7; cli.py)."""
    from huiqi_plugins.guangdong_vouchers.cli import vouchers

    cli.add_command(vouchers)


@hookimpl
def huiqi_reports():
    """完成情况表, 结算清单 and its 公示, vouchers by state, payouts and carry-overs, supplier activity (§8; reports.py)."""
    from huiqi_plugins.guangdong_vouchers.reports import REPORTS

    return list(REPORTS)

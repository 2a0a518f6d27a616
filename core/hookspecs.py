"""What a plugin may supply and observe: the pluggy hook specifications, grouped by phase.

Every hook is documented here (the reference page of the docs is generated from these
docstrings) and each has a test (tests/test_hookspecs.py fails when one lacks either).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from huiqi.document import Document
    from huiqi.reports.model import Report
    from huiqi.rules.explain import Result
    from huiqi.workflow.spec import Workflow

PROJECT = "huiqi"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- registration ------------------------------------------------------------------------


@hookspec
def huiqi_documents() -> list[Document]:
    """Supply the policy documents this plugin implements (normally exactly one).

    Called once when the registry is built, for every installed plugin (enabled or not, so
    that ``huiqi plugins list`` can describe it). Collector: the results of all plugins are
    concatenated. A document carries its facts, measures (rules with citations and award
    formulas), dated parameters and KPI targets.

    :returns: a list of :class:`huiqi.document.Document`.
    """


@hookspec
def huiqi_workflows() -> list[Workflow]:
    """Supply the workflows the applications of this plugin's measures follow.

    Called when a command that opens or moves applications starts (``apply``, ``act``,
    ``tick``, ``payout run``, ``demo``), for enabled plugins only. Collector: the results of
    all plugins are concatenated. Each workflow names the policy ids it serves, its states,
    the actions with their roles, scopes, deadlines, guards and ledger effects, and its timers.

    :returns: a list of :class:`huiqi.workflow.spec.Workflow`.
    """


# --- evaluation --------------------------------------------------------------------------


@hookspec
def huiqi_after_evaluate(result: Result) -> None:
    """Observe one explained evaluation after it is decided (audit, metrics).

    Called for every case ``huiqi evaluate`` decides, after the result is final and before it
    is printed. Observers must not change the result (it is frozen) and their return value is
    ignored. Not called for the batch (vectorised) path.

    :param result: the :class:`huiqi.rules.explain.Result` of the case.
    """


# --- reporting ---------------------------------------------------------------------------


@hookspec
def huiqi_reports() -> list[Report]:
    """Supply the reports this plugin offers (公示名单, 兑现清单, a KPI dashboard …).

    Called when ``huiqi report`` runs (to list the reports or build one), for enabled plugins
    only. Collector: the results of all plugins are concatenated after the core's generic
    reports; a report name must be unique across the core and every plugin (a clash is an error
    naming both). Each :class:`huiqi.reports.model.Report` carries its Chinese title, the roles
    that may view it, a build function that queries the database for a viewer (applying the
    viewer's scope itself) and optional jinja2 templates for md and html.

    :returns: a list of :class:`huiqi.reports.model.Report`, each with ``plugin`` set.
    """


# --- CLI ---------------------------------------------------------------------------------


@hookspec
def huiqi_cli_commands(cli: click.Group) -> None:
    """Add commands or command groups of this plugin to the ``huiqi`` command line.

    Called once when the CLI starts, for enabled plugins only, with the root click group;
    use ``cli.add_command(...)``. Every enabled plugin's implementation is called; the
    return value is ignored. Names must not clash with core commands (a clash is an error
    naming the plugin).

    :param cli: the root :class:`click.Group` of ``huiqi``.
    """

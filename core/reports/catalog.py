"""Which reports a deployment offers: the core's generic ones and every enabled plugin's (hook huiqi_reports)."""

from __future__ import annotations

from huiqi.errors import ConfigError, InputError
from huiqi.reports.model import Report


def collect_reports(manager, registry) -> dict[str, Report]:
    """Every report by name: the core's first, then each enabled plugin's; a name used twice is an error."""
    from huiqi.reports.generic import GENERIC_REPORTS

    found: dict[str, Report] = {}
    origin: dict[str, str] = {}
    enabled = {registry.plugin_of[d.name] for d in registry.enabled_documents()}
    supplied = [("huiqi (core)", list(GENERIC_REPORTS))]
    for name, plugin in manager.list_name_plugin():
        if name in enabled and hasattr(plugin, "huiqi_reports"):
            supplied.append((name, list(plugin.huiqi_reports())))
    for source, reports in supplied:
        for report in reports:
            if not isinstance(report, Report):
                raise ConfigError(f"plugin {source!r}: huiqi_reports returned {report!r}, not a Report")
            if report.name in found:
                raise ConfigError(f"report {report.name!r} is supplied by both {origin[report.name]!r} and {source!r}")
            found[report.name] = report
            origin[report.name] = source
    return found


def find_report(reports: dict[str, Report], name: str) -> Report:
    """The report with this name; an unknown name is an InputError listing the known ones."""
    if name not in reports:
        raise InputError("NAME", name, "a report name (huiqi report list): " + ", ".join(sorted(reports)),
                         reason=f"no report {name!r}")
    return reports[name]

"""The jinja2 environment of a report: its plugin's templates first, then the core's generic ones."""

from __future__ import annotations

import jinja2

GENERIC = {"md": "report.md.j2", "html": "report.html.j2"}


def template_for(report, fmt: str) -> jinja2.Template:
    """``<report.template>.<fmt>.j2`` from the report's template directory, else the generic template."""
    loaders: list[jinja2.BaseLoader] = []
    if report.templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(report.templates)))
    loaders.append(jinja2.PackageLoader("huiqi", "reports/templates"))
    environment = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=(fmt == "html"),
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True)
    environment.filters["md_cell"] = md_cell
    environment.filters["soft_breaks"] = soft_breaks
    if report.template:
        try:
            return environment.get_template(f"{report.template}.{fmt}.j2")
        except jinja2.TemplateNotFound:
            pass
    return environment.get_template(GENERIC[fmt])


def md_cell(text: object) -> str:
    """A value safe inside a markdown table cell: pipes escaped, line breaks as spaces."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def soft_breaks(text: object):
    """html only: a line may break after "/" of a long code (anhui_iiot_grants/equipment_upgrade/2022)."""
    from markupsafe import Markup, escape

    return Markup(str(escape(text)).replace("/", "/<wbr>"))

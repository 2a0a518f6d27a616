"""``huiqi plugins list / enable / disable``: what is installed and what this deployment enables."""

from __future__ import annotations

import json

import click

from huiqi.cli.context import AppContext, pass_app
from huiqi.errors import ConfigError


@click.group()
def plugins() -> None:
    """Installed plugins and this deployment's choice of them (huiqi.toml)."""


@plugins.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def list_plugins(app: AppContext, fmt: str) -> None:
    """Name, version, jurisdiction, source document, measures, and whether enabled."""
    from huiqi.regions import display

    registry = app.registry
    rows = []
    for document in registry.documents:
        plugin = registry.plugin_of[document.name]
        rows.append({
            "name": document.name,
            "plugin": plugin,
            "version": registry.versions.get(plugin, "—"),
            "enabled": registry.is_enabled(document),
            "jurisdiction": display(document.jurisdiction),
            "document": document.title,
            "number": document.number,
            "issued_on": document.issued_on.isoformat() if document.issued_on else None,
            "effective_from": document.effective_from.isoformat(),
            "seed_file": document.seed_file,
            "measures": document.policy_ids(),
            "notes": document.notes,
        })
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no huiqi plugins installed")
    for row in rows:
        state = "enabled" if row["enabled"] else "disabled"
        click.echo(f"{row['name']} {row['version']} [{state}] — {row['jurisdiction']}")
        click.echo(f"  {row['document']} {row['number'] or '(no number)'} ({row['issued_on'] or 'no date'}; "
                   f"effective {row['effective_from']}; seed {row['seed_file']})")
        click.echo(f"  {len(row['measures'])} measures: " + ", ".join(m.split('.', 1)[1] for m in row["measures"]))
        if row["notes"]:  # e.g. that a plugin's data is an illustrative sample
            click.echo(f"  {row['notes']}")


def _switch(app: AppContext, name: str, enable: bool) -> None:
    registry = app.registry
    if name not in registry.versions:
        raise ConfigError(f"plugin {name!r} is not installed; installed: {', '.join(sorted(registry.versions))}")
    config = app.config
    (config.enable if enable else config.disable)(name)
    config.save()
    click.echo(f"{name} {'enabled' if enable else 'disabled'} in {config.path}")


@plugins.command("enable")
@click.argument("name")
@pass_app
def enable(app: AppContext, name: str) -> None:
    """Enable an installed plugin for this deployment."""
    _switch(app, name, True)


@plugins.command("disable")
@click.argument("name")
@pass_app
def disable(app: AppContext, name: str) -> None:
    """Disable a plugin for this deployment (its policies are then refused)."""
    _switch(app, name, False)

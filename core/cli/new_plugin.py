"""``huiqi new-plugin NAME``: scaffold an out-of-tree plugin distribution for a new policy document."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("new-plugin")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="Where the plugin's folder NAME/ is created.")
def new_plugin(name: str, directory: Path) -> None:
    """Scaffold plugin NAME (snake_case): pyproject with the huiqi entry point, a measure with a rule
    and its citation, dated parameters, a workflow, a report, plain-language cases and tests."""
    from huiqi.scaffold import scaffold

    created = scaffold(name, directory)
    click.echo(f"created {created}/ — next: pip install -e {created} && huiqi plugins list")

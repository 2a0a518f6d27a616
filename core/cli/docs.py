"""``huiqi docs build``: the documentation site of this deployment's enabled plugins."""

from __future__ import annotations

from pathlib import Path

import click

from huiqi.cli.context import AppContext, pass_app


@click.group()
def docs() -> None:
    """The per-region documentation site, generated from the enabled plugins."""


@docs.command("build")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("site"), show_default=True,
              help="The MkDocs project is written here (mkdocs.yml, docs/); the built site goes to OUT/html.")
@click.option("--plugin", "plugins", multiple=True, help="Only this enabled plugin (repeatable; default: all enabled).")
@click.option("--as-of", "as_of", help="Show the parameters in force on this day, YYYY-MM-DD (default: today).")
@click.option("--guides", "guides", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The hand-written docs/ folder (guides/, index.md, contract.md); default: the source checkout's.")
@click.option("--no-build", is_flag=True, help="Write the MkDocs project only (then `mkdocs serve` in OUT).")
@pass_app
def build(app: AppContext, out: Path, plugins: tuple[str, ...], as_of: str | None, guides: Path | None,
          no_build: bool) -> None:
    """Write the MkDocs project of every enabled plugin and build it with `mkdocs build --strict`."""
    from huiqi.docs import build_site, default_docs_dir
    from huiqi.facts import parse_date
    from huiqi.workflow.engine import today_in_shanghai

    day = parse_date(as_of, "--as-of") if as_of else today_in_shanghai()
    site = build_site(app.registry, app.manager, out, as_of=day, only=plugins, docs_dir=guides or default_docs_dir(),
                      build=not no_build)
    names = ", ".join(site.documents) or "no enabled plugin"
    if site.html is None:
        click.echo(f"wrote the MkDocs project {out / 'mkdocs.yml'} ({names})")
    else:
        click.echo(f"built the documentation of {names}: open {site.index}")

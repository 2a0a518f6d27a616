"""``huiqi demo``: a sample deployment evaluated end to end (grows with each capability)."""

from __future__ import annotations

import click

from huiqi.cli.context import AppContext, pass_app


@click.command()
@click.option("--enterprises", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="How many sample enterprises to generate.")
@click.option("--seed", default=20210902, show_default=True, type=int, help="Random seed of the sample data.")
@pass_app
def demo(app: AppContext, enterprises: int, seed: int) -> None:
    """Evaluate generated sample enterprises against every enabled measure and print who qualifies for what.

    The enterprises are generated sample data (fixed seed, reproducible), not real applicants.
    """
    from huiqi.demo import run_demo

    run_demo(app, enterprises=enterprises, seed=seed)

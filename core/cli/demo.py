"""``huiqi demo``: a sample deployment evaluated end to end (grows with each capability)."""

from __future__ import annotations

from pathlib import Path

import click

from huiqi.cli.context import AppContext, pass_app


@click.command()
@click.option("--enterprises", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="How many sample enterprises to generate.")
@click.option("--seed", default=20210902, show_default=True, type=int, help="Random seed of the sample data.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("huiqi-demo"),
              show_default=True, help="Folder of the sample programme's database, reports and docs (replaced).")
@click.option("--programme/--evaluate-only", default=True, show_default=True,
              help="Also run the sample programme end to end on its own embedded database.")
@click.option("--docs/--no-docs", default=True, show_default=True, help="Also build the documentation site.")
@pass_app
def demo(app: AppContext, enterprises: int, seed: int, out: Path, programme: bool, docs: bool) -> None:
    """Evaluate generated sample enterprises against every enabled measure and print who qualifies for what;
    then run a sample programme end to end: import, apply, review, notice, budget exhausted first come
    first served, payouts, ledger and audit checks, the bureau's reports and the documentation site;
    then the Guangdong voucher programme (two sample periods, every voucher path) on a database of
    its own in the same folder (guangdong-demo.db, reports/guangdong/).

    The enterprises are generated sample data (fixed seed, reproducible), not real applicants.
    """
    from huiqi.demo import run_demo, sample_applications

    summary = run_demo(app, enterprises=enterprises, seed=seed)
    if summary is None or not programme:
        return
    from huiqi.demo import generate_enterprises
    from huiqi.demo_programme import run_programme

    population = generate_enterprises(enterprises, seed)
    applications = sample_applications(app.registry, enterprises, seed)
    run_programme(app, population, applications, out.resolve(), docs=docs)
    from huiqi.demo_guangdong import run_guangdong

    run_guangdong(app, out.resolve(), enterprises=enterprises // 2 or 1, seed=seed)

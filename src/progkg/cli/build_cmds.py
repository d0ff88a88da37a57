"""`progkg build`, `progkg validate`, `progkg stats`."""

from __future__ import annotations

import click

from progkg import paths
from progkg.cli.progress import reporter


@click.command()
def build() -> None:
    """Build the graph: ontology + curated data (+ imports) into build/store and build/progkg.nq."""
    from progkg.build import build as do_build

    res = paths.resources()
    out = paths.build_dir()
    click.echo(f"Building from {res.root} into {out}", err=True)
    with reporter("build") as progress:
        report = do_build(res, out, progress=progress)
    click.echo(f"{'graph':<70} {'triples':>9}")
    for graph, count in report.triples_per_graph.items():
        click.echo(f"{graph:<70} {count:>9}")
    click.echo(f"{'total':<70} {report.total:>9}")
    click.echo(f"store: {report.store}\ndump:  {report.dump}", err=True)


@click.command()
def stats() -> None:
    """Count instances per class and triples per source graph in the built graph."""
    from progkg.stats import stats as do_stats

    result = do_stats(paths.build_dir())
    click.echo("Triples per source graph")
    for graph, count in result.per_graph:
        click.echo(f"  {count:>9}  {graph}")
    click.echo("Instances per class")
    for cls, count in result.per_class:
        click.echo(f"  {count:>9}  {cls}")


def register(cli: click.Group) -> None:
    cli.add_command(build)
    cli.add_command(stats)

"""`progkg validate`: SHACL validation of the built graph (a thin layer over progkg.validate)."""

from __future__ import annotations

from pathlib import Path

import click

from progkg import paths
from progkg.errors import EXIT_NO, EXIT_OK
from progkg.validation import DEFAULT_ENGINE, ENGINES


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="text: summary then results grouped by item; turtle: the standard SHACL validation "
    "report graph; json: a list of result objects (see docs/validation.md).",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="sparql: the shapes compiled to SPARQL and run on Oxigraph (fast); pyshacl: the "
    "reference SHACL engine (minutes on large graphs; tests hold both to the same results).",
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en", "both"]),
    default="fr",
    show_default=True,
    help="Language of the messages and labels in text and JSON output.",
)
@click.option(
    "--shapes",
    "shapes_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Shapes file to use instead of the project's ontology/shapes.ttl.",
)
@click.option(
    "--data",
    "data_mode",
    type=click.Choice(["memory", "store"]),
    default="memory",
    show_default=True,
    help="sparql engine: memory loads build/progkg.nq into memory first (fastest, ~0.5 GB per "
    "million triples); store queries build/store in place (for graphs larger than memory).",
)
@click.option(
    "--summary", is_flag=True, help="Text format: print only the counts per severity and per shape."
)
@click.option(
    "--changed",
    is_flag=True,
    help="Re-validate only what changed since the last `progkg validate` (per named graph), "
    "keeping that run's results elsewhere; same report as a full run. Falls back to a full "
    "run, saying why, when the shapes, the ontology or the engine changed, nothing was recorded, "
    "or too much changed.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
def validate(
    fmt: str,
    engine: str,
    lang: str,
    shapes_file: Path | None,
    data_mode: str,
    summary: bool,
    changed: bool,
    quiet: bool,
) -> None:
    """Validate the built graph (run `progkg build` first) against the SHACL shapes.

    Severity follows DCAT-AP: a mandatory rule broken is a violation, a recommended one a
    warning, an informative remark an info. Inconsistencies of the source documents
    (ECTS that do not add up to 30, declared totals that differ from their parts) are
    warnings: the graph keeps what the document says.

    \b
    Exit codes:
      0  no violation (warnings and infos allowed)
      1  at least one violation
      2  error: no build yet, broken shapes file, bad option
    """
    from progkg.validate import validate as do_validate
    from progkg.validation.formats import render

    if shapes_file is None:
        shapes_file = paths.resources().shapes_file
    report = do_validate(
        paths.build_dir(),
        engine=engine,
        shapes_file=shapes_file,
        progress=(lambda _m: None) if quiet else _progress,
        data=data_mode,
        changed=changed,
    )
    click.echo(render(report, fmt, lang, summary_only=summary), nl=False)
    if not quiet:
        click.echo(
            f"{report.count('Violation')} violation(s), {report.count('Warning')} warning(s), "
            f"{report.count('Info')} info(s) in {report.seconds or 0:.1f} s",
            err=True,
        )
    raise click.exceptions.Exit(EXIT_NO if report.has_violations else EXIT_OK)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(validate)

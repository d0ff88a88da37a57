"""`progkg validate [DATA…]`: SHACL validation of the built graph or of RDF files.

A thin layer over :mod:`progkg.validate`."""

from __future__ import annotations

from pathlib import Path

import click

from progkg import paths
from progkg.errors import EXIT_NO, EXIT_OK
from progkg.validation import DEFAULT_ENGINE, ENGINES


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.argument("data_files", metavar="[DATA]...", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
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
    help="sparql: the shapes compiled to SPARQL and run on Oxigraph (fast; hands the whole run "
    "to pyshacl, saying so, for what it cannot check exactly); pyshacl: the reference SHACL "
    "engine (minutes on large graphs; tests hold both to the same results).",
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
    "show_all",
    "--all",
    is_flag=True,
    help="Text format: print every item (by default, the first 3 per shape and section, then how many more).",
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
@click.option("--debug", "_debug", is_flag=True, hidden=True, help="Show Python tracebacks on errors.")
def validate(
    data_files: tuple[Path, ...],
    _debug: bool,
    fmt: str,
    engine: str,
    lang: str,
    shapes_file: Path | None,
    data_mode: str,
    summary: bool,
    show_all: bool,
    changed: bool,
    quiet: bool,
) -> None:
    """Validate the built graph (run `progkg build` first), or the RDF files DATA (Turtle,
    N-Triples, N-Quads, TriG, JSON-LD, RDF/XML: by file name), against the SHACL shapes.

    The fast sparql engine hands the whole run to pyshacl, saying so in one line, when the
    shapes use what it does not compile or the data holds literals its store would rewrite.

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
    from progkg.errors import ProgkgError
    from progkg.validate import validate as do_validate
    from progkg.validate import validate_data
    from progkg.validation.formats import DEFAULT_LIMIT, render

    if shapes_file is None:
        shapes_file = paths.resources().shapes_file
    progress = (lambda _m: None) if quiet else _progress
    if data_files:
        if changed:
            raise ProgkgError("--changed re-validates the build: it cannot be used with DATA files")
        report = validate_data(data_files, shapes_file, engine=engine, progress=progress, notice=_progress)
    else:
        report = do_validate(
            paths.build_dir(),
            engine=engine,
            shapes_file=shapes_file,
            progress=progress,
            data=data_mode,
            changed=changed,
            notice=_progress,
        )
    sections = _sections(report) if fmt == "text" and not data_files else None
    limit = None if show_all else DEFAULT_LIMIT
    click.echo(render(report, fmt, lang, summary_only=summary, limit=limit, sections=sections), nl=False)
    if not quiet:
        click.echo(
            f"{report.count('Violation')} violation(s), {report.count('Warning')} warning(s), "
            f"{report.count('Info')} info(s) in {report.seconds or 0:.1f} s",
            err=True,
        )
    raise click.exceptions.Exit(EXIT_NO if report.has_violations else EXIT_OK)


def _sections(report) -> dict:  # noqa: ANN001 — a ValidationReport, imported lazily
    """Curated or imported, per focus node, from the named graphs of the built store."""
    from progkg.store import open_store
    from progkg.validation.labels import focus_graphs
    from progkg.validation.report import section_of

    graphs = focus_graphs(open_store(paths.build_dir()), (r.focus for r in report.results))
    return {node: section_of(names) for node, names in graphs.items()}


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(validate)

"""`progkg export`: the built graph as open data (a thin layer over :mod:`progkg.export`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from progkg import paths
from progkg.cli.progress import reporter


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld"]),
    default=None,
    help="Output format (default: turtle). turtle, ntriples and jsonld cannot hold named graphs and "
    "carry their union; nquads and trig keep one named graph per source.",
)
@click.option(
    "--out",
    type=click.Path(),
    default=None,
    help="File to write, atomically (default: standard output). A folder with --all-formats, and "
    "with --profile schema when it is a folder or ends with '/' (one file per programme).",
)
@click.option(
    "--base-url",
    default="https://w3id.org/progkg/dump/",
    show_default=True,
    help="Where the files will be published: the distributions' download URLs are BASE-URL + file name.",
)
@click.option(
    "--catalog",
    is_flag=True,
    help="Print only the dataset description (DCAT-AP 3, VoID), with the byte size and SHA-256 of "
    "each distribution file as --all-formats writes it.",
)
@click.option(
    "--all-formats",
    is_flag=True,
    help="Write progkg.ttl, .nt, .nq, .trig, .jsonld and catalog.ttl (with their sizes and "
    "checksums) into --out DIR.",
)
@click.option(
    "--profile",
    type=click.Choice(["schema"]),
    default=None,
    help="schema: one schema.org EducationalOccupationalProgram JSON-LD document per programme and "
    "parcours (context inline), for programme web pages; implies --format jsonld.",
)
@click.option(
    "--catalog-config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Catalogue metadata to use instead of ontology/catalog.ttl (publisher, contact point, licence…).",
)
@click.option(
    "--without-odbl",
    is_flag=True,
    help="Leave out the named graphs whose sources are under the ODbL (ONISEP's formation sheets): "
    "with them, the files are published under the ODbL (share-alike), as the catalogue says.",
)
def export(
    fmt: str | None,
    out: str | None,
    base_url: str,
    catalog: bool,
    all_formats: bool,
    profile: str | None,
    catalog_config: Path | None,
    without_odbl: bool,
) -> None:
    """Export the built graph (build/progkg.nq) as open data, with its DCAT-AP description.

    \b
    Same build, same bytes: Turtle is pretty (project prefixes, one block per subject);
    N-Triples and N-Quads are sorted; JSON-LD uses ontology/progkg.context.jsonld.
    Formats without named graphs (turtle, ntriples, jsonld) export the union of the graphs.
    The description is in the graph https://w3id.org/progkg/graph/catalog (merged into the
    union for those formats).

    Each named graph's licence is its sources' (dct:license in the catalogue); a graph under the
    ODbL makes the files ODbL (share-alike), unless --without-odbl leaves it out.

    The export is refused (exit 1, nothing written) when the graph holds a person, a
    person's name, or an e-mail address or phone number that is not a functional contact.
    """
    if all_formats and (fmt or catalog or profile):
        raise click.UsageError(
            "--all-formats writes every format: do not combine it with --format, --catalog or --profile"
        )
    if all_formats and out is None:
        raise click.UsageError("--all-formats needs --out DIR")
    if profile == "schema" and (catalog or (fmt and fmt != "jsonld")):
        raise click.UsageError(
            "--profile schema writes JSON-LD documents: use it without --catalog and with --format jsonld"
        )
    from progkg.export import run

    with reporter("export") as progress:
        run(
            paths.build_dir(),
            fmt=fmt,
            out=Path(out) if out else None,
            folder=bool(out) and out.endswith(("/", os.sep)),
            base_url=base_url,
            catalog=catalog,
            all_formats=all_formats,
            profile=profile,
            config=catalog_config,
            res=paths.resources(),
            progress=progress,
            without_odbl=without_odbl,
        )


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(export)

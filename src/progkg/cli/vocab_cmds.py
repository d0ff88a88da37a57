"""`progkg vocab`: the vocabulary reference (docs/vocabulary.md and .html) from the ontology."""

from __future__ import annotations

from pathlib import Path

import click

from progkg import paths


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    default="md",
    show_default=True,
    help="Page to print on standard output (ignored with --out).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write vocabulary.md and vocabulary.html into (the project's: docs/).",
)
def vocab(fmt: str, out: Path | None) -> None:
    """The vocabulary reference: every class and property of ontology/progkg.ttl with its FR/EN
    labels, definition, domain, range, the shapes that check it and an example from data/seeds.

    \b
    progkg vocab --out docs/     # regenerate the committed pages after editing the ontology,
                                 # the shapes or the seeds (a test fails while they differ)
    """
    from progkg.vocabdoc import render

    res = paths.resources()
    pages = render(res.ontology_file, res.shapes_file, sorted((res.data / "seeds").glob("*.ttl")))
    if out is None:
        click.echo(pages[f"vocabulary.{fmt}"], nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        target = out / name
        tmp = target.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        click.echo(f"wrote {target}", err=True)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(vocab)

"""`progkg import rome|rncp|onisep PATH` and `progkg link jobs`."""

from __future__ import annotations

from pathlib import Path

import click

from progkg import paths
from progkg.cli.progress import reporter


def _summary(report) -> None:  # noqa: ANN001 — an ImportReport
    for name, count in sorted(report.counts.items()):
        click.echo(f"{name:<50} {count:>9}")
    click.echo(f"{'triples written (import ' + report.kind + ')':<50} {report.quads:>9}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    build = report.build
    if build is not None:
        click.echo(f"store: {build.store} ({build.total} triples in all)\ndump:  {build.dump}", err=True)


_PATH = click.argument("path", type=click.Path(exists=True, path_type=Path))


@click.group(name="import")
def import_group() -> None:
    """Import an official release into the graph, replacing the previous import of its kind.

    \b
    Each import goes into its own named graph (graph/rome, graph/rncp, graph/onisep) and is
    kept by later `progkg build`s. When anything is wrong with the input, the store is left
    exactly as it was and the error names the file, line and column.

    \b
    Where to download each release, the files expected and the versions tested:
    `progkg import KIND --help` and docs/importers.md.
    """


@import_group.command("rome")
@_PATH
def import_rome(path: Path) -> None:
    """France Travail's ROME 4.0 release: a folder or zip of unix_*_vNNN_utf8.csv files.

    \b
    Download (ROME 4.0 open data, the CSV release):
      https://francetravail.org/opendata/repertoire-operationnel-des-meti.html
    Files:    unix_referentiel_code_rome_vNNN_utf8.csv and
              unix_referentiel_appellation_vNNN_utf8.csv are required; skills, knowledge,
              links, mobility, domains, texts, sectors and RIASEC tables are read when present.
    Tested:   v460 (1,584 ROME codes, 13,120 job titles).
    """
    from progkg.importers.rome import import_rome as run

    with reporter("import rome") as progress:
        report = run(path, paths.build_dir(), progress, paths.resources())
    _summary(report)


@import_group.command("rncp")
@_PATH
def import_rncp(path: Path) -> None:
    """France Compétences' CSV export of the RNCP and RS: the zip, or a folder of its CSV files.

    \b
    Download (the CSV export, not the XML one):
      https://www.data.gouv.fr/fr/datasets/repertoire-national-des-certifications-professionnelles-et-repertoire-specifique/
    Files:    export-fiches-csv-YYYY-MM-DD.zip, or any of its members
              export_fiches_CSV_<Member>_<date>.csv (Standard, Blocs_De_Compétences, Rome,
              Nsf, Formacode, Certificateurs, Partenaires, CCN,
              Ancienne_Nouvelle_Certification, VoixdAccès); the absent ones are named with
              what they leave unknown. Certificateurs gives the national programmes: one per
              institution awarding a national diploma (docs/importers.md).
    Tested:   the exports of 2024-02-22 and 2026-02-01.
    """
    from progkg.importers.rncp import import_rncp as run

    with reporter("import rncp") as progress:
        report = run(path, paths.build_dir(), progress, paths.resources())
    _summary(report)


@import_group.command("onisep")
@click.argument("path", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_onisep(path: tuple[Path, ...]) -> None:
    """ONISEP's table_de_passage (diploma ↔ RNCP ↔ formation), ideo-metiers job sheets and Idéo
    formation sheets (XML): PATH… are files, folders or zips holding any of the three.

    \b
    Download (the XML exports):
      https://opendata.onisep.fr/data/6152ccdf850ef/2-table-de-passage-codes-certifications-et-formations.htm
      https://www.data.gouv.fr/fr/datasets/ideo-metiers-onisep/
      https://www.data.gouv.fr/fr/datasets/ideo-fiches-formations/  (ODbL), the zip:
      https://api.opendata.onisep.fr/downloads/5fe07a9ecc960/5fe07a9ecc960.zip
    Files:    table_de_passage_codes_certifications_et_formations.xml, ideo-metiers_onisep.xml,
              Onisep_Ideo_Fiches_Formations_<ddmmyyyy>.xml (or the zip it comes in).
    Graphs:   graph/onisep (Licence Ouverte: the table and the job sheets) and
              graph/onisep-formations (ODbL: the formation sheets, apart so that an export
              can leave them out).
    Tested:   the table with 4,902 rows, 1,489 job sheets, the formation sheets of
              25/06/2024 (2,164 formations).

    \b
    The import replaces the previous ONISEP import whole: it holds what the paths given hold.
    Give all three files in one import; a file left out is named in a warning, with what the
    graph then lacks (e.g. `progkg import onisep formations.zip` alone drops the table de
    passage imported before).
    """
    from progkg.importers.onisep import import_onisep as run

    with reporter("import onisep") as progress:
        report = run(list(path), paths.build_dir(), progress, paths.resources())
    _summary(report)


@import_group.command("kit")
@_PATH
def import_kit(path: Path) -> None:
    """The "Kit apprentissage" table: diploma codes (CFD) ↔ RNCP fiches, with the DEPP titles
    (naming the institution for masters), levels, apprenticeship, end dates, active or not.

    \b
    Download: the Mission interministérielle pour l'apprentissage's tables-correspondances:
              https://github.com/mission-apprentissage/tables-correspondances
              (server/src/jobs/rncpImporter/assets/)
    Files:    Kit_apprentissage_<YYYYMMDD>.csv (";", UTF-8), alone, in a folder or a zip.
    Tested:   Kit_apprentissage_20231218.csv (5,707 rows).
    """
    from progkg.importers.kit import import_kit as run

    with reporter("import kit") as progress:
        report = run(path, paths.build_dir(), progress, paths.resources())
    _summary(report)


@import_group.command("esco")
@click.argument(
    "given", metavar="PATH...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
def import_esco(given: tuple[Path, ...]) -> None:
    """ESCO's CSV release: occupations, skills, ISCO groups and the essential / optional skills
    of each occupation, with their labels in every language given (folders, zips or files).

    \b
    Download (ESCO classification, CSV, one or several languages):
      https://esco.ec.europa.eu/en/use-esco/download
    Files:    occupations_<lang>.csv, skills_<lang>.csv, ISCOGroups_<lang>.csv,
              skillGroups_<lang>.csv, occupationSkillRelations.csv,
              broaderRelationsOccPillar.csv, broaderRelationsSkillPillar.csv: each read
              when present, the language from its name; what a missing one leaves unknown
              is said. Give several paths for several languages (the first path's preferred
              labels win).
    Tested:   ESCO v1.1.1 (3,007 occupations, 13,896 skills, 123,855 occupation-skill
              relations) with the French labels of v1.2.1.
    """
    from progkg.importers.esco import import_esco as run

    with reporter("import esco") as progress:
        report = run(list(given), paths.build_dir(), progress, paths.resources())
    _summary(report)


@import_group.command("esco-rome")
@_PATH
def import_esco_rome(path: Path) -> None:
    """The official ESCO <-> ROME crosswalk: each ROME job title and its ESCO occupation, with
    the SKOS relation as published (exact, close, broad or narrow match).

    \b
    Download (the EURES countries' mapping tables on ESCO's site, France):
      https://esco.ec.europa.eu/en/news/eures-countries-mapping-tables-are-now-available-esco-webpage
    Files:    FR_<date>_mapping_esco_rome.csv (metadata lines, then the table), alone, in
              a folder or a zip.
    Tested:   FR_20230104_mapping_esco_rome.csv (mapping V1.4 of 13/07/2022, 11,118 rows).
    """
    from progkg.importers.esco_rome import import_esco_rome as run

    with reporter("import esco-rome") as progress:
        report = run(path, paths.build_dir(), progress, paths.resources())
    _summary(report)


@click.group(name="link")
def link_group() -> None:
    """Propose links between curated data and the official releases, for review."""


@link_group.command("jobs")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the proposals (default: build/mappings/brochure-jobs-to-rome.proposed.sssom.tsv).",
)
@click.option(
    "--all",
    "include_reviewed",
    is_flag=True,
    help="Also propose for jobs already reviewed in data/mappings/.",
)
def link_jobs(output: Path | None, include_reviewed: bool) -> None:
    """Propose ROME job titles for the job titles named by brochures (needs ROME imported).

    \b
    Writes an SSSOM/TSV file of lexical matches (semapv:LexicalMatching) with a confidence.
    Review it, then move the right rows to data/mappings/brochure-jobs-to-rome.sssom.tsv with
    mapping_justification semapv:ManualMappingCuration: `progkg build` loads that file.
    """
    from progkg.linking.jobs import link_jobs as run

    out_dir = paths.build_dir()
    target = output or out_dir / "mappings" / "brochure-jobs-to-rome.proposed.sssom.tsv"
    report = run(out_dir, paths.resources().data / "mappings", target, include_reviewed)
    click.echo(
        f"{report.jobs} brochure job titles, {report.skipped_reviewed} already reviewed, "
        f"{len(report.proposals)} proposals for {len({c.subject for c in report.proposals})} of them",
        err=True,
    )
    for candidate in report.proposals:
        click.echo(
            f"{candidate.confidence:.2f}  {candidate.subject_label}  →  {candidate.object_label}  "
            f"({candidate.predicate}, {candidate.object.rsplit('/', 1)[-1]})"
        )
    for _iri, label in report.unmatched:
        click.echo(f"  -   {label}  →  no proposal")
    click.echo(f"proposals written to {report.output}", err=True)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(import_group)
    cli.add_command(link_group)

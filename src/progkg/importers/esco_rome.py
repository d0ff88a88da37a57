"""`progkg import esco-rome PATH`: the official ESCO ↔ ROME crosswalk → ``graph/esco-rome``.

Pôle emploi (now France Travail) publishes how each ROME job title (appellation, OGR code)
relates to an ESCO occupation: ``FR_<date>_mapping_esco_rome.csv``, a CSV file that opens
with metadata lines (``key,value``: project, author, version and date, the two
classifications' names, versions and landing pages), a blank line, then the table
``classification 1 ID`` (the ESCO occupation URI), ``classification 1 prefered label``,
``classification 2 ID`` (the OGR code), ``classification 2 prefered label``,
``mapping relation`` (``skos:exactMatch``, ``skos:closeMatch``, ``skos:broadMatch``,
``skos:narrowMatch``).

Which way the relation reads: every ROME title has exactly one row (the table maps ROME onto
ESCO), and the relation says how the ROME title relates to its ESCO occupation. A
``skos:broadMatch`` row pairs a broad ESCO occupation with one of its several narrower ROME
titles ("conducteur d'engins forestiers" / "Conducteur d'abatteuses": 5.3 ROME titles per ESCO
occupation on average), a ``skos:narrowMatch`` row a ROME title broader than its ESCO
occupation ("Jardinier" / "jardinier paysagiste"). In SKOS, ``A skos:broadMatch B`` says that
B is broader: so the published statement is ``<ROME title> <relation> <ESCO occupation>``, the
relation as published, the ROME title its subject (classification 2 of the file). Reading it
the other way would turn every broad match into a narrow one.

What the graph gets (SSSOM's model, SKOS out, as ``progkg build`` does for the reviewed
mappings of ``data/mappings/``, see :mod:`progkg.linking.sssom`):

* the mapping triple ``id/rome/appellation/<ogr> skos:broadMatch <ESCO occupation>``;
* the mapping as an ``owl:Axiom`` (annotatedSource / Property / Target) with its
  justification (``semapv:UnspecifiedMatching``: the file does not say how each row was made;
  the mapping set says it is the published crosswalk) and the labels the file gives;
* the mapping set, which is also the source document (``id/source/esco-rome-v1.4``): its title,
  version and date, the publisher (an organisation; a person named as author would be left
  out: the graph holds no person's name), the two classifications' versions and landing pages,
  the licence.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from progkg.errors import ProgkgError, located
from progkg.importers.common import (
    ImportReport,
    NQuads,
    Progress,
    Release,
    Row,
    clean_text,
    decode,
    describe_source,
    import_release,
    read_csv,
)
from progkg.iris import DCT, ID, OWL, PK, PROV, RDFS, SKOS
from progkg.iris import GRAPH as GRAPHS
from progkg.linking.sssom import mapping_iri

GRAPH = GRAPHS + "esco-rome"
SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
#: The table is Pôle emploi's (France Travail publishes its open data under the Licence Ouverte
#: 2.0) and carries ESCO's URIs and labels (the Commission's CC BY 4.0, with attribution); the
#: Commission publishes the member states' mapping tables on ESCO's site. Both are recorded.
LICENCES = (
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
)
DOWNLOAD_PAGE = (
    "https://esco.ec.europa.eu/en/news/eures-countries-mapping-tables-are-now-available-esco-webpage"
)
CITATION_FR = (
    "Source : Pôle emploi (France Travail), table de correspondance ESCO-ROME ; "
    "© Union européenne, ESCO (https://esco.ec.europa.eu), réutilisation avec mention de la source."
)
CITATION_EN = (
    "Source: Pôle emploi (France Travail), ESCO-ROME mapping table; "
    "© European Union, ESCO (https://esco.ec.europa.eu), reused with attribution."
)

ESCO_OCCUPATION = re.compile(r"http://data\.europa\.eu/esco/occupation/[A-Za-z0-9][A-Za-z0-9-]*")
OGR = re.compile(r"[0-9]{1,9}")
RELATIONS = {f"skos:{r}": SKOS + r for r in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
ESCO_ID, ESCO_LABEL = "classification 1 ID", "classification 1 prefered label"
ROME_ID, ROME_LABEL = "classification 2 ID", "classification 2 prefered label"
RELATION = "mapping relation"
COLUMNS = (ESCO_ID, ROME_ID, RELATION)
FILE = re.compile(r"(?i).*mapping.*esco.*rome.*\.csv|.*rome.*esco.*\.csv")
#: Authors kept in the graph: organisations. Anything else might be a person's name.
ORGANISATION = re.compile(
    r"(?i)\b(p[ôo]le emploi|france travail|commission|esco|minist[èe]re|agence|office|institut|"
    r"direction|service|cedefop|onisep|france comp[ée]tences)\b"
)
PREDICATE_NAMES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")
#: Words that may stand beside an organisation's name ("Pôle emploi - France").
AROUND_ORGANISATION = set(
    "france de du des la le l et national nationale européenne european the of and union".split()
)


def is_organisation(author: str) -> bool:
    """Whether the author line names an organisation and nothing else (no person beside it:
    "Jeanne Martin, Pôle emploi" is refused)."""
    rest = ORGANISATION.sub(" ", author) if ORGANISATION.search(author) else None
    if rest is None:
        return False
    return all(word in AROUND_ORGANISATION for word in re.findall(r"\w+", rest.lower()))


def find_file(release: Release) -> str:
    names = release.names
    matches = [n for n in names if FILE.fullmatch(Path(n).name)]
    if not matches:
        matches = [n for n in names if n.lower().endswith(".csv")]
    if len(matches) != 1:
        found = ", ".join(names[:5]) or "no file"
        raise ProgkgError(
            f"{release.path}: expected one FR_<date>_mapping_esco_rome.csv (the ESCO-ROME crosswalk), "
            f"found {found}"
        )
    return matches[0]


def read_metadata(text: str, display: str) -> tuple[dict[str, str], int]:
    """The ``key,value`` lines before the table, and the number of the table's header line."""
    lines = text.split("\n")
    metadata: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip().lower().startswith("classification 1 id"):
            return metadata, number
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line]))
        except csv.Error as exc:
            raise ProgkgError(located(display, f"malformed metadata line: {exc}", number)) from None
        if len(cells) < 2:
            raise ProgkgError(
                located(
                    display,
                    f'metadata line "{line[:60]}" is not "key,value" (or the table header is missing)',
                    number,
                )
            )
        metadata[cells[0].strip()] = clean_text(",".join(cells[1:]))
    raise ProgkgError(
        located(display, f'no table header ("{ESCO_ID},…,{RELATION}") after the metadata lines', len(lines))
    )


def read_rows(text: str, display: str, header_line: int) -> tuple[list[str], list[Row]]:
    """The table after the metadata lines, its rows numbered as lines of the whole file."""
    body = "\n".join(text.split("\n")[header_line - 1 :])
    table = read_csv(body, display, COLUMNS, first_line=header_line)
    return table.columns, list(table.rows)


def _date(value: str) -> date | None:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def describe_set(out: NQuads, source: str, metadata: dict[str, str], report: ImportReport) -> None:
    """The crosswalk as a source document and an SSSOM mapping set (one node)."""
    out.iri(GRAPH, PROV + "wasDerivedFrom", source)
    out.text(GRAPH, DCT + "title", "Correspondances ESCO ↔ ROME (France Travail)")
    out.text(GRAPH, DCT + "title", "ESCO ↔ ROME crosswalk (France Travail)", "en")
    out.a(source, PK + "SourceDocument")
    out.a(source, SSSOM + "MappingSet")
    name = metadata.get("Mapping project name") or "ESCO - ROME"
    version = metadata.get("Mapping project version", "")
    shown = f" {version}" if version else ""
    out.text(source, DCT + "title", f"Table de correspondance {name}{shown} (Pôle emploi / France Travail)")
    out.text(source, DCT + "title", f"{name} crosswalk{shown} (Pôle emploi / France Travail)", "en")
    out.text(
        source,
        DCT + "description",
        "Correspondance publiée : chaque appellation ROME (classification 2) et sa profession ESCO "
        "(classification 1), avec la relation SKOS telle que publiée, l'appellation pour sujet.",
    )
    out.text(
        source,
        DCT + "description",
        "Published crosswalk: each ROME job title (classification 2) and its ESCO occupation "
        "(classification 1), with the SKOS relation as published, the ROME title as its subject.",
        "en",
    )
    author = metadata.get("Mapping project author", "")
    if author and is_organisation(author):
        out.text(source, DCT + "publisher", author)
    elif author:
        report.warnings.append(
            f'the author "{author[:40]}" is not kept: it may name a person '
            "(the graph names organisations only)"
        )
    for licence in LICENCES:
        out.iri(source, DCT + "license", licence)
    out.text(source, DCT + "bibliographicCitation", CITATION_FR)
    out.text(source, DCT + "bibliographicCitation", CITATION_EN, "en")
    out.iri(source, RDFS + "seeAlso", DOWNLOAD_PAGE)
    if version:
        out.text(source, OWL + "versionInfo", version, None)
    day = _date(metadata.get("Mapping project version date", ""))
    if day:
        out.date(source, DCT + "issued", day)
    # Subject: the ROME job titles (classification 2); object: ESCO occupations (classification 1).
    for side, number in (("subject", "2"), ("object", "1")):
        page = metadata.get(f"Classification {number} Landing page", "")
        if NQuads.safe_iri(page):
            out.iri(source, SSSOM + f"{side}_source", page)
        source_version = metadata.get(f"Classification {number} Version", "")
        if source_version:
            out.text(source, SSSOM + f"{side}_source_version", source_version, None)
    out.text(source, RDFS + "comment", "published crosswalk", "en")
    out.text(source, RDFS + "comment", "correspondance publiée", "fr")


def generate(release: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
    name = find_file(release)
    display = release.display(name)
    progress(f"esco-rome: {name} in {release.path}")
    text, encoding = decode(release.read(name), display)
    if encoding:
        progress(f"  {name}: not UTF-8; read as {encoding}")
    text = text.replace("\r\n", "\n")
    metadata, header_line = read_metadata(text, display)
    version = metadata.get("Mapping project version", "")
    source = f"{ID}source/esco-rome" + (
        f"-{version.lower()}" if re.fullmatch(r"[Vv][0-9.]+", version) else ""
    )
    describe_set(out, source, metadata, report)
    describe_source(out, source, release.path.resolve().name, [name])
    _, rows = read_rows(text, display, header_line)
    counts = {f"mappings {p}": 0 for p in PREDICATE_NAMES}
    justification = SEMAPV + "UnspecifiedMatching"
    occupations: set[str] = set()
    titles: set[str] = set()
    for row in rows:
        occupation = row.code(ESCO_ID, ESCO_OCCUPATION, "an ESCO occupation URI")
        ogr = row.code(ROME_ID, OGR, "a ROME job title code (OGR, digits)")
        relation = row.get(RELATION).strip()
        predicate = RELATIONS.get(relation)
        if predicate is None:
            raise row.fail(
                RELATION, f'"{relation[:60]}" is not skos:exactMatch, closeMatch, broadMatch or narrowMatch'
            )
        title = f"{ID}rome/appellation/{ogr}"
        node = mapping_iri("esco-rome", title, predicate, occupation, justification)
        out.iri(title, predicate, occupation)
        out.iri(source, SSSOM + "mappings", node)
        out.a(node, OWL + "Axiom")
        out.iri(node, OWL + "annotatedSource", title)
        out.iri(node, OWL + "annotatedProperty", predicate)
        out.iri(node, OWL + "annotatedTarget", occupation)
        out.iri(node, SSSOM + "mapping_justification", justification)
        out.text(node, SSSOM + "subject_label", clean_text(row.get(ROME_LABEL)), None)
        out.text(node, SSSOM + "object_label", clean_text(row.get(ESCO_LABEL)), None)
        counts[f"mappings {predicate[len(SKOS) :]}"] += 1
        occupations.add(occupation)
        titles.add(ogr)
    counts["ESCO occupations mapped"] = len(occupations)
    counts["ROME job titles mapped"] = len(titles)
    progress(f"  {name}: {len(rows)} mappings → {out.count} triples")
    report.counts.update(counts)


def import_esco_rome(
    path: Path, build_dir: Path, progress: Progress, res: object | None = None
) -> ImportReport:
    """Import the ESCO-ROME crosswalk (the CSV file, or a folder or zip holding it)."""
    return import_release("esco-rome", GRAPH, generate, path, build_dir, progress, res)

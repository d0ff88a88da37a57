"""`progkg import onisep PATH`: ONISEP's open data → ``graph/onisep``.

Two files, given as a folder, a zip or one file:

* ``table_de_passage_codes_certifications_et_formations.xml`` — the table linking each diploma
  (Certif Info id, code scolarité) to its RNCP fiche and to its ONISEP formation sheet. Each row
  gives the certification ``id/rncp/RNCP<n>`` its title, EQF level and identifiers, and the
  ONISEP formation ``id/onisep/formation/FOR.<n>`` that prepares it. Rows "Master mention X"
  also link the national master's field ``id/mention/<slug of X>`` to its national fiche with
  ``pk:nationalCertification``: the mention IRIs follow the project's slug rule, so the
  curated programmes of ``data/`` (``pk:mention mention/science-politique``) reach their
  current national certification through their mention, whatever seeds are added later
  (docs/importers.md, "Linking programmes to certifications").
* ``ideo-metiers_onisep.xml`` — ONISEP's job sheets (``id/onisep/metier/MET.<n>``) with the ROME
  codes (or, for a few, ROME professional domains) each is closest to.

Both are XML: a ``<root>`` with one ``<item>`` per row and one child element per column.
Errors name the file, line and column of the element at fault.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from progkg.errors import ProgkgError, located
from progkg.importers.common import (
    ImportReport,
    NQuads,
    Progress,
    Release,
    Row,
    Table,
    check_columns,
    clean_text,
    describe_source,
    import_release,
    slug,
)

ID = "https://w3id.org/progkg/id/"
GRAPH = "https://w3id.org/progkg/graph/onisep"
PK = "https://w3id.org/progkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
EQF = "http://data.europa.eu/snb/eqf/"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ONISEP_SITE = "https://www.onisep.fr/http/redirection/"

RNCP_NUMBER = re.compile(r"(RNCP)?[0-9]{1,6}")
CERTIF_INFO = re.compile(r"[0-9]{1,9}")
SCOLARITE = re.compile(r"[0-9A-Z]{8}")
FORMATION = re.compile(r"FOR\.[0-9]{1,7}")
METIER_URL = re.compile(r"https?://www\.onisep\.fr/http/redirection/metier/slug/(MET\.[0-9]{1,7})")
ROME_CODE = re.compile(r"[A-N][0-9]{4}")
ROME_DOMAIN = re.compile(r"[A-N][0-9]{2}")
EQF_LEVEL = re.compile(r"[1-8]")
MASTER_MENTION = re.compile(r"^master mention (.+)$", re.I)

TABLE_COLUMNS = (
    "certif_info_ci_identifiant",
    "ci_niveau_europeen",
    "ci_intitule_type_diplome",
    "ci_intitule",
    "ci_code_rncp",
    "ci_code_scolarite",
    "rncp_intitule",
    "ideo_identifiant_formation",
    "ideo_libelle_complet_formation",
)
JOB_COLUMNS = ("libelle_metier", "lien_site_onisepfr", "code_rome")


# --- XML item lists --------------------------------------------------------------------------


def read_items(data: bytes, display: str, required: Sequence[str], item: str = "item") -> Table:
    """Read ``<root><item><col>value</col>…</item>…</root>`` into rows, with line and column
    of each item, checking that every item has the required elements.

    expat reads the whole document first (a few MB), so a malformed file fails before any
    triple is written, naming the line and column of the fault.
    """
    parser = xml.parsers.expat.ParserCreate()
    records: list[tuple[int, int, dict[str, str]]] = []
    stack: list[str] = []
    current: dict[str, str] | None = None
    text: list[str] = []
    start = (0, 0)

    def on_start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal current, start
        stack.append(name)
        if len(stack) == 2 and name == item:
            current = {}
            start = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        text.clear()

    def on_end(name: str) -> None:
        nonlocal current
        if len(stack) == 3 and current is not None:
            current.setdefault(name, "".join(text))
        elif len(stack) == 2 and current is not None:
            records.append((*start, current))
            current = None
        stack.pop()
        text.clear()

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ProgkgError(
            located(
                display,
                f"malformed XML ({xml.parsers.expat.ErrorString(exc.code)}); a truncated download "
                "or a wrong encoding?",
                exc.lineno,
                exc.offset + 1,
            )
        ) from None
    if not records:
        raise ProgkgError(located(display, f"no <{item}> element under the root: not an ONISEP table", 1))
    first_line, _col, first = records[0]
    columns = list(first)
    index = check_columns(display, columns, required, first_line)

    def rows() -> Iterator[Row]:
        for line, column, values in records:
            missing = [c for c in required if c not in values]
            if missing:
                raise ProgkgError(
                    located(
                        display,
                        f"<{item}> has no <{missing[0]}> element (the other items have one)",
                        line,
                        column,
                    )
                )
            yield Row(display, line, index, [values.get(c, "") for c in columns], column)

    return Table(display, columns, rows(), None, index)


# --- Rows → triples --------------------------------------------------------------------------


class OnisepWriter:
    """Turns ONISEP rows into triples (one instance per import)."""

    def __init__(self, out: NQuads) -> None:
        self.out = out
        self.seen: set[str] = set()
        self.counts: dict[str, int] = defaultdict(int)

    def once(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def passage_row(self, row: Row) -> None:
        """One row of the table de passage: diploma ↔ RNCP fiche ↔ ONISEP formation."""
        out = self.out
        number = row.code("ci_code_rncp", RNCP_NUMBER, "an RNCP number (digits)", required=False)
        formation = row.code(
            "ideo_identifiant_formation", FORMATION, "an ONISEP formation id (FOR.n)", required=False
        )
        cert = ""
        if number:
            code = number if number.startswith("RNCP") else f"RNCP{number}"
            cert = f"{ID}rncp/{code}"
            if self.once(cert):
                out.a(cert, PK + "Certification")
                out.text(cert, PK + "rncpCode", code, None)
                self.counts["certifications"] += 1
            title = clean_text(row.get("rncp_intitule"))
            if title and self.once(f"{cert} {title}"):
                # France Compétences' title as ONISEP copies it: the RNCP export and the documents
                # give rdfs:label; one prefLabel per certification, other wordings as altLabel
                out.text(cert, SKOS + ("prefLabel" if self.once(f"{cert} pref") else "altLabel"), title)
            level = row.get("ci_niveau_europeen").strip()
            if level and EQF_LEVEL.fullmatch(level):
                out.iri(cert, PK + "eqfLevel", EQF + level)
            elif level and level != "non renseigné":
                raise row.fail(
                    "ci_niveau_europeen", f'"{level}" is not an EQF level (1–8 or "non renseigné")'
                )
            certif_info = row.code(
                "certif_info_ci_identifiant", CERTIF_INFO, "a Certif Info id", required=False
            )
            if certif_info:
                out.text(cert, PK + "certifInfoId", certif_info, None)
            scolarite = row.code(
                "ci_code_scolarite", SCOLARITE, "a code scolarité (8 characters)", required=False
            )
            if scolarite:
                out.text(cert, PK + "scolariteCode", scolarite, None)
            self._mention(row, cert)
        if formation:
            iri = f"{ID}onisep/formation/{formation}"
            if self.once(iri):
                out.a(iri, PK + "OnisepFormation")
                out.text(iri, PK + "onisepId", formation, None)
                out.iri(iri, RDFS + "seeAlso", f"{ONISEP_SITE}formation/slug/{formation}")
                self.counts["formations"] += 1
            label = clean_text(row.get("ideo_libelle_complet_formation"))
            if label and self.once(f"{iri} {label}"):
                out.text(iri, RDFS + "label" if self.once(f"{iri} label") else SKOS + "altLabel", label)
            if cert:
                out.iri(iri, PK + "certification", cert)

    def _mention(self, row: Row, cert: str) -> None:
        """ "Master mention science politique" → mention/science-politique pk:nationalCertification."""
        if row.get("ci_intitule_type_diplome").strip() != "Master":
            return
        m = MASTER_MENTION.match(clean_text(row.get("ci_intitule")))
        if not m:
            return
        name = m.group(1).strip()
        mention_slug = slug(name)
        if not mention_slug:
            raise row.fail("ci_intitule", f'"{name}" is not a mention name')
        iri = f"{ID}mention/{mention_slug}"
        out = self.out
        if self.once(iri):
            label = name[:1].upper() + name[1:]
            out.a(iri, PK + "Mention")
            out.a(iri, SKOS + "Concept")
            out.iri(iri, SKOS + "inScheme", f"{ID}mention")
            out.text(iri, SKOS + "prefLabel", label)
            self.counts["master mentions"] += 1
        out.iri(iri, PK + "nationalCertification", cert)

    def job_row(self, row: Row) -> None:
        """One ONISEP job sheet and the ROME codes (or domains) it is closest to."""
        out = self.out
        url = row.get("lien_site_onisepfr").strip()
        m = METIER_URL.fullmatch(url)
        if not m:
            raise row.fail(
                "lien_site_onisepfr", f'"{url[:80]}" is not an ONISEP job-sheet link (…/metier/slug/MET.n)'
            )
        sheet = m.group(1)
        iri = f"{ID}onisep/metier/{sheet}"
        if self.once(iri):
            label = clean_text(row.get("libelle_metier"))
            if not label:
                raise row.fail("libelle_metier", "is empty; expected the job's name")
            out.a(iri, PK + "OnisepJob")
            out.text(iri, PK + "onisepId", sheet, None)
            out.text(iri, RDFS + "label", label)
            out.iri(iri, RDFS + "seeAlso", url)
            self.counts["job sheets"] += 1
        for value in row.get("code_rome").split("|"):
            value = value.strip()
            if not value:
                continue
            if ROME_CODE.fullmatch(value):
                target = f"{ID}rome/{value}"
            elif ROME_DOMAIN.fullmatch(value):
                target = f"{ID}rome/domain/{value}"
            else:
                raise row.fail(
                    "code_rome", f'"{value}" is not a ROME code (e.g. K1802) nor a ROME domain (e.g. K18)'
                )
            if self.once(f"{iri} {target}"):
                out.iri(iri, SKOS + "broadMatch", target)
                self.counts["job → ROME links"] += 1


# --- The import --------------------------------------------------------------------------------


def find_files(release: Release) -> dict[str, str]:
    """The member names of the two ONISEP tables (at least one must be there)."""
    found = {}
    for name in release.names:
        lower = name.lower()
        if not lower.endswith(".xml"):
            continue
        if "table_de_passage" in lower:
            found["passage"] = name
        elif "metier" in lower:
            found["jobs"] = name
    if not found:
        raise ProgkgError(
            f"{release.path}: no ONISEP file in it (expected "
            "table_de_passage_codes_certifications_et_formations.xml and/or ideo-metiers_onisep.xml)"
        )
    return found


def generate(release: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
    files = find_files(release)
    progress(f"onisep: {', '.join(sorted(files.values()))} in {release.path}")
    source = f"{ID}source/onisep"
    out.iri(GRAPH, PROV + "wasDerivedFrom", source)
    out.text(GRAPH, DCT + "title", "Données ouvertes de l'ONISEP : table de passage et fiches métiers")
    out.text(GRAPH, DCT + "title", "ONISEP open data: diploma table and job sheets", "en")
    out.a(source, PK + "SourceDocument")
    out.text(
        source, DCT + "title", "ONISEP — table de passage certifications / formations et fiches métiers Idéo"
    )
    out.text(source, DCT + "publisher", "ONISEP")
    out.iri(source, DCT + "license", LICENCE)
    out.text(source, DCT + "type", "données ouvertes")
    out.text(source, DCT + "type", "open data", "en")
    describe_source(out, source, release.path.resolve().name, sorted(files.values()))
    out.a(f"{ID}mention", SKOS + "ConceptScheme")
    out.text(f"{ID}mention", SKOS + "prefLabel", "Mentions de diplôme national de master")
    out.text(f"{ID}mention", SKOS + "prefLabel", "National master's degree fields", "en")
    writer = OnisepWriter(out)
    for key, columns, method in (
        ("passage", TABLE_COLUMNS, OnisepWriter.passage_row),
        ("jobs", JOB_COLUMNS, OnisepWriter.job_row),
    ):
        if key not in files:
            what = "the diploma ↔ RNCP table" if key == "passage" else "the job sheets"
            message = f"no {'table_de_passage' if key == 'passage' else 'ideo-metiers'} file: {what} left out"
            progress(f"  {message}")
            report.warnings.append(message)
            continue
        name = files[key]
        table = read_items(release.read(name), release.display(name), columns)
        before, rows = out.count, 0
        for row in table.rows:
            method(writer, row)
            rows += 1
        progress(f"  {name}: {rows} items → {out.count - before} triples")
    report.counts.update(writer.counts)


def import_onisep(path: Path, build_dir: Path, progress: Progress, res: object | None = None) -> ImportReport:
    """Import ONISEP's files (folder, zip or one file) into ``build_dir``, replacing any previous import."""
    return import_release("onisep", GRAPH, generate, path, build_dir, progress, res)

"""`progkg import onisep PATH…`: ONISEP's open data → ``graph/onisep`` and ``graph/onisep-formations``.

Three files, given in any number of folders, zips or single files:

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
* ``Onisep_Ideo_Fiches_Formations_<ddmmyyyy>.xml`` — the Idéo formation sheets: each formation
  ``FOR.<n>`` with its title, type and duration, the RNCP fiche its ``url`` points at (a France
  Compétences page) and the job sheets it leads to (``pk:leadsTo``). So a formation reaches ROME
  through its job sheets (``pk:leadsTo/skos:broadMatch``) as well as through its fiche.

Licences: the first two are Licence Ouverte and go into ``graph/onisep``; the formation sheets
are ODbL (share-alike), so they go into a named graph of their own, ``graph/onisep-formations``,
whose source says so (``dct:license`` the ODbL): an export can then leave them out whole. One
import writes both graphs (a second :class:`NQuads` writer on the same stream).

An import replaces the previous ONISEP import as a whole: it holds what the given paths hold.
Each file absent is named in a warning, with what the graph then lacks.

The two tables are XML item lists (``<root><item><col>…``); the formation sheets are nested XML,
read as a stream with expat. Errors name the file, line and column of the element at fault.
"""

from __future__ import annotations

import copy
import re
import xml.parsers.expat
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
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
    run_import,
    slug,
)
from progkg.iris import DCT, EQF, ID, LICENCE_OUVERTE, ODBL, PK, PROV, RDFS, SCHEMA, SKOS, XSD
from progkg.iris import GRAPH as GRAPHS

GRAPH = GRAPHS + "onisep"
#: The Idéo formation sheets: ODbL, hence a graph of their own that an export can leave out.
FORMATIONS_GRAPH = GRAPHS + "onisep-formations"
LICENCE = LICENCE_OUVERTE
#: The Open Database License 1.0, as Open Data Commons names it.
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
JOB_SHEET = re.compile(r"MET\.[0-9]{1,7}")
#: A France Compétences fiche page, as the formation sheets give it (``…/rncp/38175/``, once
#: with an anchor, once on the register's former site certificationprofessionnelle.fr).
FICHE_URL = re.compile(
    r"https?://(?:www\.)?(?:francecompetences\.fr|certificationprofessionnelle\.fr)"
    r"/recherche/(rncp|rs)/([0-9]{1,6})/?(?:#[A-Za-z0-9_-]*)?"
)
FICHE_SITE = re.compile(
    r"https?://(?:www\.)?(?:francecompetences\.fr|certificationprofessionnelle\.fr)/recherche/"
)
CERTIFICATION_LEVEL = re.compile(r"niveau ([1-8]) \(.*\)")
NOT_REGISTERED = "non inscrit au RNCP"
DURATION = re.compile(r"([0-9]{1,2}) (an|ans|mois|semaine|semaines)")
DURATION_UNIT = {"an": "Y", "ans": "Y", "mois": "M", "semaine": "W", "semaines": "W"}
FILE_DATE = re.compile(r"(?<![0-9])([0-9]{2})([0-9]{2})((?:19|20)[0-9]{2})(?![0-9])")

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


def _malformed(display: str, exc: xml.parsers.expat.ExpatError) -> ProgkgError:
    """The error for an XML file expat cannot read, at its line and column."""
    return ProgkgError(
        located(
            display,
            f"malformed XML ({xml.parsers.expat.ErrorString(exc.code)}); a truncated download "
            "or a wrong encoding?",
            exc.lineno,
            exc.offset + 1,
        )
    )


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
        raise _malformed(display, exc) from None
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
        #: the job sheets read (MET.n): the formation sheets name them
        self.jobs: set[str] = set()

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
                "lien_site_onisepfr",
                f'"{_shown(url, 80)}" is not an ONISEP job-sheet link (…/metier/slug/MET.n)',
            )
        sheet = m.group(1)
        self.jobs.add(sheet)
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


# --- The Idéo formation sheets ---------------------------------------------------------------

#: What is read of a ``<formation>``: element path under it → field name.
FORMATION_FIELDS = {
    ("identifiant",): "id",
    ("code_scolarite",): "scolarite",
    ("libelle_complet",): "label",
    ("duree_formation",): "duration",
    ("url",): "url",
    ("niveau_certification",): "level",
    ("type_Formation", "type_formation_libelle"): "type",
}
JOB_ID = ("metiers_formation", "metier", "id")
JOB_NAME = ("metiers_formation", "metier", "nom_metier")


_UNPRINTABLE = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029]")


def _shown(value: str, limit: int) -> str:
    """A value as an error message shows it: cut to ``limit`` characters, control characters
    and line breaks escaped (a message is one line)."""
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if _UNPRINTABLE.search(shown) else shown


@dataclass
class Formation:
    """One ``<formation>`` element: the values read, each with the line and column of its element."""

    display: str
    line: int
    column: int
    values: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    #: (job sheet id, its name in the sheet, line, column), in document order
    jobs: list[tuple[str, str, int, int]] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.values.get(name, ("", 0, 0))[0]

    def fail(self, name: str, message: str) -> ProgkgError:
        """An error naming the file, and the line and column of the element at fault."""
        _value, line, column = self.values.get(name, ("", self.line, self.column))
        element = next((p[-1] for p, n in FORMATION_FIELDS.items() if n == name), name)
        return ProgkgError(located(self.display, f"<{element}>: {message}", line or self.line, column))


def read_formations(data: bytes, display: str) -> Iterator[Formation]:
    """The ``<formation>`` elements of an Idéo formation-sheet file, one at a time.

    Read with expat as a stream (fed in 1 MB pieces), so memory stays flat whatever the file's
    size. A malformed file fails at the first fault, naming its line and column; the import
    then writes nothing (run_import publishes nothing that failed). DTD entity declarations are
    refused: a data file has no use for them, and they are how XML bombs work.
    """
    parser = xml.parsers.expat.ParserCreate()
    stack: list[str] = []
    text: list[str] = []
    current: Formation | None = None
    field_start = (0, 0)
    #: the <metier> being read: its id, its name, where it starts
    job: dict[str, object] = {}
    done: list[Formation] = []

    def position() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def on_start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal current, field_start
        stack.append(name)
        if len(stack) == 1 and name != "formations":
            raise ProgkgError(
                located(
                    display,
                    f"the root element is <{name}>, not <formations>: not ONISEP's Idéo formation sheets",
                    *position(),
                )
            )
        if len(stack) == 2 and name == "formation":
            current = Formation(display, *position())
        elif current is not None and len(stack) >= 3:
            field_start = position()
            if tuple(stack[2:]) == JOB_ID[:2]:
                job.clear()
                job.update(id="", name="", at=field_start)
        text.clear()

    def on_end(name: str) -> None:
        nonlocal current
        if current is not None:
            path = tuple(stack[2:])
            value = "".join(text)
            key = FORMATION_FIELDS.get(path)
            if key and key not in current.values:
                current.values[key] = (value, *field_start)
            elif path == JOB_ID:
                job.update(id=value, at=field_start)
            elif path == JOB_NAME:
                job["name"] = value
            elif path == JOB_ID[:2]:
                line, column = job["at"]  # type: ignore[misc]
                if not str(job["id"]).strip():
                    raise ProgkgError(located(display, "<metier> has no <id> (MET.n)", line, column))
                current.jobs.append((str(job["id"]), str(job["name"]), line, column))
            elif len(stack) == 2:
                done.append(current)
                current = None
        stack.pop()
        text.clear()

    def refuse_entity(name: str, *_args: object) -> None:
        raise ProgkgError(
            located(
                display,
                f'declares the entity "{name}": not an ONISEP file (entities are refused)',
                *position(),
            )
        )

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = text.append
    parser.EntityDeclHandler = refuse_entity
    size, step, seen = len(data), 1 << 20, 0
    view = memoryview(data)
    try:
        for start in range(0, max(size, 1), step):
            parser.Parse(bytes(view[start : start + step]), start + step >= size)
            for formation in done:
                seen += 1
                yield formation
            done.clear()
    except xml.parsers.expat.ExpatError as exc:
        raise _malformed(display, exc) from None
    if not seen:
        raise ProgkgError(
            located(display, "no <formation> element under <formations>: no formation sheet", 1)
        )


class FormationWriter:
    """Turns Idéo formation sheets into triples of ``graph/onisep-formations``.

    ``known_jobs``: the job sheets the ideo-metiers file of the same import describes. A sheet
    named by a formation but not described there (three in the 2024 files: MET.147, MET.267,
    MET.708) is described here from the formation sheet (type, id, name), so that the link
    points at a job title either way.
    """

    def __init__(self, out: NQuads, known_jobs: set[str]) -> None:
        self.out = out
        self.known_jobs = known_jobs
        self.seen: set[str] = set()
        self.unknown_jobs: set[str] = set()
        self.counts: dict[str, int] = defaultdict(int)

    def once(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def formation(self, f: Formation) -> None:
        out = self.out
        ident = f.get("id").strip()
        if not ident:
            raise ProgkgError(located(f.display, "<formation> has no <identifiant>", f.line, f.column))
        if not FORMATION.fullmatch(ident):
            raise f.fail("id", f'"{_shown(ident, 60)}" is not an ONISEP formation id (FOR.n)')
        iri = f"{ID}onisep/formation/{ident}"
        if not self.once(iri):
            raise f.fail("id", f"{ident} is described twice in the file")
        self.counts["formation sheets"] += 1
        out.a(iri, PK + "OnisepFormation")
        out.text(iri, PK + "onisepId", ident, None)
        out.iri(iri, RDFS + "seeAlso", f"{ONISEP_SITE}formation/slug/{ident}")
        # The table de passage gives the formation's rdfs:label; the sheet's own title (newer,
        # worded differently for 283 of them) is its skos:prefLabel, one per source as for fiches.
        out.text(iri, SKOS + "prefLabel", clean_text(f.get("label")))
        kind = clean_text(f.get("type"))
        if kind:
            out.text(iri, DCT + "type", kind)
            if kind == "master":
                self.counts["formation sheets of type master"] += 1
        duration = clean_text(f.get("duration"))
        if duration:
            m = DURATION.fullmatch(duration)
            if not m:
                raise f.fail(
                    "duration",
                    f'"{_shown(duration, 40)}" is not a duration ("2 ans", "1 an", "6 mois", "20 semaines")',
                )
            out.typed(
                iri,
                SCHEMA + "timeToComplete",
                f"P{int(m.group(1))}{DURATION_UNIT[m.group(2)]}",
                XSD + "duration",
            )
        cert = self._fiche(f, iri)
        if cert:
            self._fiche_facts(f, cert)
        for job, name, line, column in f.jobs:
            job = job.strip()
            if not JOB_SHEET.fullmatch(job):
                raise ProgkgError(
                    located(
                        f.display,
                        f'<id>: "{_shown(job, 40)}" is not an ONISEP job sheet id (MET.n)',
                        line,
                        column,
                    )
                )
            target = f"{ID}onisep/metier/{job}"
            if self.once(f"{iri} {target}"):
                out.iri(iri, PK + "leadsTo", target)
                self.counts["formation → job sheet links"] += 1
            if job not in self.known_jobs and self.once(target):
                self.unknown_jobs.add(job)
                out.a(target, PK + "OnisepJob")
                out.text(target, PK + "onisepId", job, None)
                out.text(target, RDFS + "label", clean_text(name))
                out.iri(target, RDFS + "seeAlso", f"{ONISEP_SITE}metier/slug/{job}")

    def _fiche(self, f: Formation, iri: str) -> str:
        """The RNCP (or RS) fiche the sheet's url points at, linked; "" when it points elsewhere.

        A France Compétences search URL that is not a fiche's page is an error (it would
        otherwise silently lose the link); any other page (a diploma's referential on eduscol,
        a decree on Légifrance) is kept as ``rdfs:seeAlso``.
        """
        url = f.get("url").strip()
        if not url:
            return ""
        m = FICHE_URL.fullmatch(url)
        if m:
            code = f"{m.group(1).upper()}{int(m.group(2))}"
            cert = f"{ID}rncp/{code}"
            if self.once(cert):
                self.out.a(cert, PK + "Certification")
                self.out.text(cert, PK + "rncpCode", code, None)
                self.counts["RNCP fiches named"] += 1
            self.out.iri(iri, PK + "certification", cert)
            self.counts["formation sheets → RNCP fiche"] += 1
            return cert
        if FICHE_SITE.match(url):
            raise f.fail(
                "url", f'"{_shown(url, 90)}" is not the page of an RNCP fiche (…/recherche/rncp/<number>/)'
            )
        if NQuads.safe_iri(url):
            self.out.iri(iri, RDFS + "seeAlso", url)
            self.counts["formation sheets → other reference page"] += 1
        else:
            self.counts["formation sheets with an unusable url (left out)"] += 1
        return ""

    def _fiche_facts(self, f: Formation, cert: str) -> None:
        """What the sheet says of its fiche: the level of the certification and the diploma code."""
        level = clean_text(f.get("level"))
        if level and level != NOT_REGISTERED:
            m = CERTIFICATION_LEVEL.fullmatch(level)
            if not m:
                raise f.fail(
                    "level",
                    f'"{_shown(level, 40)}" is not a level ("niveau 7 (bac + 5)" or "{NOT_REGISTERED}")',
                )
            if self.once(f"{cert} level {m.group(1)}"):
                self.out.iri(cert, PK + "eqfLevel", EQF + m.group(1))
        scolarite = f.get("scolarite").strip()
        if scolarite:
            if not SCOLARITE.fullmatch(scolarite):
                raise f.fail(
                    "scolarite", f'"{_shown(scolarite, 40)}" is not a code scolarité (8 digits or capitals)'
                )
            if self.once(f"{cert} {scolarite}"):
                self.out.text(cert, PK + "scolariteCode", scolarite, None)


# --- The import --------------------------------------------------------------------------------

#: The three files, how to recognise each, and what the graph lacks without it.
KINDS = ("passage", "jobs", "formations")
FILE_NAMES = {
    "passage": "table_de_passage_codes_certifications_et_formations.xml",
    "jobs": "ideo-metiers_onisep.xml",
    "formations": "Onisep_Ideo_Fiches_Formations_<ddmmyyyy>.xml",
}
LEFT_OUT = {
    "passage": "the diploma ↔ RNCP table left out (no Certif Info ids, RNCP titles from ONISEP, "
    "nor the national fiche of each master mention)",
    "jobs": "the job sheets left out (no job sheet → ROME links)",
    "formations": "the formation sheets left out (no formation → RNCP fiche or → job sheet links)",
}


def _kind_of(name: str) -> str | None:
    lower = name.lower()
    if not lower.endswith(".xml"):
        return None
    if "table_de_passage" in lower:
        return "passage"
    if "formation" in lower:
        return "formations"
    if "metier" in lower:
        return "jobs"
    return None


def find_files(releases: Sequence[Release]) -> dict[str, tuple[Release, str]]:
    """Each of the three ONISEP files found in the releases (each release must hold one)."""
    found: dict[str, tuple[Release, str]] = {}
    for release in releases:
        held = [(k, n) for n in release.names if (k := _kind_of(n))]
        if not held:
            raise ProgkgError(
                f"{release.path}: no ONISEP file in it (expected "
                + ", ".join(FILE_NAMES[k] for k in KINDS)
                + ", or any of them)"
            )
        for kind, name in held:
            if kind in found:
                other = found[kind][0].display(found[kind][1])
                raise ProgkgError(
                    f"{release.display(name)}: a second {FILE_NAMES[kind]} (the first is {other}); give one"
                )
            found[kind] = (release, name)
    return found


def _issued(name: str) -> date | None:
    """The date in a formation-sheet file name (``…_25062024.xml``), if it is one."""
    m = FILE_DATE.search(Path(name).name)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _received(files: dict[str, tuple[Release, str]], kinds: Sequence[str]) -> str:
    """What the user gave that held these files (one pk:sourceFile value)."""
    names = sorted({files[k][0].path.resolve().name for k in kinds if k in files})
    return " + ".join(names)


def generate(releases: Sequence[Release], out: NQuads, report: ImportReport, progress: Progress) -> None:
    files = find_files(releases)
    read = ", ".join(files[k][1] for k in KINDS if k in files)
    progress(f"onisep: {read}")
    writer = OnisepWriter(out)
    if "passage" in files or "jobs" in files:
        _describe_tables(out, files)
    for key, columns, method in (
        ("passage", TABLE_COLUMNS, OnisepWriter.passage_row),
        ("jobs", JOB_COLUMNS, OnisepWriter.job_row),
    ):
        if key not in files:
            continue
        release, name = files[key]
        table = read_items(release.read(name), release.display(name), columns)
        before, rows = out.count, 0
        for row in table.rows:
            method(writer, row)
            rows += 1
        progress(f"  {name}: {rows} items → {out.count - before} triples")
    report.counts.update(writer.counts)
    if "formations" in files:
        # A second writer on the same stream for the ODbL graph; its lines count in the total.
        second = copy.copy(out)
        second.graph = f"<{FORMATIONS_GRAPH}>"
        second.count = 0
        _formations(files, second, writer.jobs, report, progress)
        out.count += second.count
        report.counts["of which in graph/onisep-formations (ODbL)"] = second.count
    absent = [k for k in KINDS if k not in files]
    for key in absent:
        message = f"no {FILE_NAMES[key]}: {LEFT_OUT[key]}"
        progress(f"  {message}")
        report.warnings.append(message)
    if absent:
        report.warnings.append(
            "an ONISEP import replaces the previous one whole: "
            "give all three files in one import to keep them all"
        )


def _describe_tables(out: NQuads, files: dict[str, tuple[Release, str]]) -> None:
    """``graph/onisep``'s provenance: the table de passage and the job sheets (Licence Ouverte)."""
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
    kinds = [k for k in ("passage", "jobs") if k in files]
    describe_source(out, source, _received(files, kinds), sorted(files[k][1] for k in kinds))
    out.a(f"{ID}mention", SKOS + "ConceptScheme")
    out.text(f"{ID}mention", SKOS + "prefLabel", "Mentions de diplôme national de master")
    out.text(f"{ID}mention", SKOS + "prefLabel", "National master's degree fields", "en")


def _formations(
    files: dict[str, tuple[Release, str]],
    out: NQuads,
    known_jobs: set[str],
    report: ImportReport,
    progress: Progress,
) -> None:
    """``graph/onisep-formations``: the Idéo formation sheets (ODbL), with their provenance."""
    release, name = files["formations"]
    issued = _issued(name)
    source = f"{ID}source/ideo-formations" + (f"-{issued.isoformat()}" if issued else "")
    graph = FORMATIONS_GRAPH
    out.iri(graph, PROV + "wasDerivedFrom", source)
    out.text(graph, DCT + "title", "Fiches formations Idéo de l'ONISEP (ODbL)")
    out.text(graph, DCT + "title", "ONISEP Idéo programme sheets (ODbL)", "en")
    out.a(source, PK + "SourceDocument")
    out.text(source, DCT + "title", "ONISEP — fiches formations Idéo")
    out.text(source, DCT + "publisher", "ONISEP")
    out.iri(source, DCT + "license", ODBL)
    out.text(source, DCT + "type", "données ouvertes")
    out.text(source, DCT + "type", "open data", "en")
    if issued:
        out.date(source, DCT + "issued", issued)
    describe_source(out, source, _received(files, ["formations"]), [name])
    writer = FormationWriter(out, known_jobs)
    for formation in read_formations(release.read(name), release.display(name)):
        writer.formation(formation)
        if writer.counts["formation sheets"] % 500 == 0:
            progress(f"  {name}: {writer.counts['formation sheets']} formation sheets")
    if writer.unknown_jobs:
        shown = sorted(writer.unknown_jobs, key=lambda j: int(j.split(".")[1]))
        writer.counts["job sheets known only from the formation sheets"] = len(shown)
        if known_jobs:
            more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
            report.warnings.append(
                f"{len(shown)} job sheet(s) named by the formation sheets are not in {files['jobs'][1]}: "
                f"{', '.join(shown[:5])}{more} "
                "(kept with the name the formation sheet gives, without ROME code)"
            )
    progress(f"  {name}: {writer.counts['formation sheets']} formation sheets → {out.count} triples")
    report.counts.update(writer.counts)


def import_onisep(
    path: Path | Sequence[Path], build_dir: Path, progress: Progress, res: object | None = None
) -> ImportReport:
    """Import ONISEP's files (any of the three, in folders, zips or alone; one path or several)
    into ``build_dir``, replacing any previous ONISEP import."""
    paths = [path] if isinstance(path, Path) else list(path)
    if not paths:
        raise ProgkgError("no path given: give the ONISEP files, folders or zips to import")
    releases: list[Release] = []
    try:
        for p in paths:
            releases.append(Release(p))

        def write(out: NQuads, report: ImportReport) -> None:
            generate(releases, out, report, progress)

        return run_import("onisep", write, GRAPH, build_dir, progress, res)
    finally:
        for release in releases:
            release.close()

"""`progkg import rncp PATH`: France Compétences' CSV export of the RNCP and RS → ``graph/rncp``.

The nightly export is a zip of ``export_fiches_CSV_<Table>_<yyyy>_<mm>_<dd>.csv`` members
joined on ``Numero_Fiche``: Standard (one row per fiche), Blocs_De_Compétences, Rome, Nsf,
Formacode, Certificateurs, Partenaires, CCN, Ancienne_Nouvelle_Certification and VoixdAccès.
Each fiche becomes ``id/rncp/RNCP4049`` (``pk:Certification``) with its title, type, EQF level,
NSF and Formacode concepts, ROME codes, competency blocks, certifiers and partners (by SIRET:
``id/org/siret/…``), access routes (``pk:accessCondition`` → ``pk:route`` of
``data/vocab/code-lists.ttl``), old → new links (``dct:replaces`` / ``dct:isReplacedBy``),
active flag and dates.

**National programmes.** A fiche certified by the ministry of higher education (a national
diploma: master, licence, BUT, engineering degree…) and awarded by N institutions gives N
programmes, one per institution: ``id/programme/siret/<SIRET>/<fiche>``, ``pk:certification``
the fiche and ``pk:provider`` the institution (keyed by SIRET, named as the export names it).
Where the curated data already describes that programme or institution (a programme with
``pk:certification`` the fiche and a ``pk:provider`` carrying ``pk:siret``; an organisation
with ``pk:siret``), its IRI is used instead, so that a brochure's programme and its national
counterpart are one node (``data/alignments/national-programmes.ttl``).

**Any subset of the members.** France Compétences publishes ten members; copies often hold
fewer. Each absent member is named with what it leaves unknown; without ``Standard`` the
fiches have no titles (ONISEP's table or the kit give one where imported), and every fiche met
in another member is still described by its code and its public page.

The export's quirks, handled here: ``;`` separators, dd/mm/yyyy dates, SIRET values starting
with a TAB, apostrophes doubled in ROME labels, member names in UTF-8 that zip tools show as
cp437.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from progkg.errors import ProgkgError
from progkg.importers.common import (
    ImportReport,
    NQuads,
    Progress,
    Release,
    Row,
    clean_text,
    describe_source,
    import_release,
    read_release_csv,
    slug,
)
from progkg.iris import DCT, EQF, ID, LICENCE_OUVERTE, PK, PROV, RDFS, SCHEMA, SKOS
from progkg.iris import GRAPH as GRAPHS

GRAPH = GRAPHS + "rncp"
LICENCE = LICENCE_OUVERTE

FILE_NAME = re.compile(
    r"^export_fiches_CSV_(?P<table>.+?)_(?P<y>\d{4})_(?P<m>\d{2})_(?P<d>\d{2})\.csv$", re.I
)
FICHE = re.compile(r"(RNCP|RS)[0-9]{1,6}")
ROME_CODE = re.compile(r"[A-N][0-9]{4}")
ROME_DOMAIN = re.compile(r"[A-N][0-9]{2}")
SIRET = re.compile(r"[0-9]{14}")
NSF = re.compile(r"[0-9]{2,3}[a-z]?")  # 2 digits: an NSF group ("34 : Services à la collectivité")
FORMACODE = re.compile(r"[0-9]{5}")
CCN = re.compile(r"[0-9A-Z]{1,6}")
BLOCK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}")
LEVEL = re.compile(r"NIV[1-8]|REPRISE|[1-8]")
ABBREVIATION = re.compile(r".{1,40}", re.S)

#: table (file name part, accents and case removed) → columns progkg needs
TABLES: dict[str, tuple[str, ...]] = {
    "standard": (
        "Numero_Fiche",
        "Intitule",
        "Abrege_Libelle",
        "Abrege_Intitule",
        "Nomenclature_Europe_Niveau",
        "Accessible_Nouvelle_Caledonie",
        "Accessible_Polynesie_Francaise",
        "Date_dernier_jo",
        "Date_Decision",
        "Date_Fin_Enregistrement",
        "Date_Effet",
        "Type_Enregistrement",
        "Validation_Partielle",
        "Actif",
    ),
    "blocs_de_competences": ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"),
    "rome": ("Numero_Fiche", "Codes_Rome_Code"),
    "nsf": ("Numero_Fiche", "Nsf_Code", "Nsf_Intitule"),
    "formacode": ("Numero_Fiche", "Formacode_Code", "Formacode_Libelle"),
    "certificateurs": ("Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"),
    "partenaires": ("Numero_Fiche", "Nom_Partenaire", "Siret_Partenaire"),
    "ccn": ("Numero_Fiche", "Ccn_1_Numero", "Ccn_1_Libelle"),
    "ancienne_nouvelle_certification": ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"),
    "voixdacces": ("Numero_Fiche", "Si_Jury"),
}

#: What each table brings, named when it is missing from the export.
MISSING = {
    "standard": "titles, types, levels, dates and active flags (titles then come from ONISEP's table "
    "or the kit where they are imported)",
    "blocs_de_competences": "competency blocks",
    "rome": "ROME codes",
    "nsf": "NSF domains",
    "formacode": "Formacodes",
    "certificateurs": "certifiers and national programmes (the institutions awarding each diploma)",
    "partenaires": "partners",
    "ccn": "collective agreements",
    "ancienne_nouvelle_certification": "old → new certification links",
    "voixdacces": "access routes",
}

#: Si_Jury wording (accents, apostrophes and case removed) → access route of code-lists.ttl.
ROUTES = (
    ("experience", "vae"),
    ("candidature individuelle", "candidature-individuelle"),
    ("apprentissage", "apprentissage"),
    ("professionnalisation", "contrat-professionnalisation"),
    ("formation continue", "formation-continue"),
    ("eleve ou d etudiant", "formation-initiale"),
    ("formation initiale", "formation-initiale"),
)

TERRITORIES = {
    "Accessible_Nouvelle_Caledonie": "Nouvelle-Calédonie",
    "Accessible_Polynesie_Francaise": "Polynésie française",
}
YES, NO = ("Oui", "OUI", "oui", "O"), ("Non", "NON", "non", "N")


def table_key(name: str) -> str:
    """``Blocs_De_Compétences`` → ``blocs_de_competences``."""
    return slug(name).replace("-", "_")


def find_tables(release: Release) -> tuple[date | None, dict[str, str]]:
    """The export date (from the member names) and the member name of each table."""
    found: dict[str, str] = {}
    dates: set[date] = set()
    for name in release.names:
        m = FILE_NAME.match(name)
        if not m:
            continue
        key = table_key(m.group("table"))
        if key in found:
            raise ProgkgError(
                f"{release.path}: two {key} tables ({found[key]} and {name}); give one export only"
            )
        found[key] = name
        try:
            dates.add(date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
        except ValueError:
            raise ProgkgError(f"{release.display(name)}: the date in the file name is not a date") from None
    if not found.keys() & TABLES.keys():
        raise ProgkgError(
            f"{release.path}: no export_fiches_CSV_<Table>_<date>.csv member in it (Standard, Rome, "
            "Certificateurs…); give France Compétences' CSV export (the zip, or the folder of its CSV files)"
        )
    if len(dates) > 1:
        raise ProgkgError(f"{release.path}: files of several exports ({', '.join(map(str, sorted(dates)))})")
    return (dates.pop() if dates else None), found


def fiche_iri(code: str) -> str:
    return f"{ID}rncp/{code}"


def see_also(code: str) -> str:
    """The fiche's public page at France Compétences."""
    register, number = ("rs", code[2:]) if code.startswith("RS") else ("rncp", code[4:])
    return f"https://www.francecompetences.fr/recherche/{register}/{number}/"


#: SIRET of the ministry of higher education in the export (and its name, as a fallback).
HIGHER_EDUCATION_MINISTRY = "11004401300040"


def _is_higher_education_ministry(name: str, siret: str) -> bool:
    return siret == HIGHER_EDUCATION_MINISTRY or slug(name).startswith(
        "ministere-de-l-enseignement-superieur"
    )


def _fiche_order(code: str) -> tuple[str, int]:
    register = code.rstrip("0123456789")
    return register, int(code[len(register) :] or 0)


#: What separates a code from its label: "221w : Commercialisation…"
_CODE_SEPARATOR = re.compile(r"\s*:\s*")


@dataclass
class CuratedKeys:
    """What the curated data identifies by an official key, so that an import uses its IRIs.

    ``organisations``: SIRET → curated organisation; ``programmes``: (fiche code, SIRET of a
    provider) → curated programme with ``pk:certification`` that fiche.
    """

    organisations: dict[str, str] = field(default_factory=dict)
    programmes: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def curated_programmes(self) -> set[str]:
        return set(self.programmes.values())


_KEYS_QUERY = """
PREFIX pk: <https://w3id.org/progkg/ontology#>
SELECT ?kind ?iri ?siret ?code WHERE {
  { ?iri pk:siret ?siret . BIND("org" AS ?kind) }
  UNION
  { ?iri a pk:Programme ; pk:certification ?cert ; pk:provider ?org . ?org pk:siret ?siret .
    BIND(STRAFTER(STR(?cert), "https://w3id.org/progkg/id/rncp/") AS ?code) BIND("programme" AS ?kind) }
}
"""


def curated_keys(data_dir: Path | None) -> CuratedKeys:
    """The keys of :class:`CuratedKeys` read from the curated Turtle files under ``data_dir``."""
    from progkg.rdfio import read_rdf

    keys = CuratedKeys()
    if data_dir is None or not data_dir.is_dir():
        return keys
    import pyoxigraph as ox

    store = ox.Store()
    for path in sorted(data_dir.rglob("*.ttl")):
        if not any(part.startswith(".") for part in path.relative_to(data_dir).parts):
            store.bulk_extend(read_rdf(path, "https://w3id.org/progkg/graph/curated"))
    for row in store.query(_KEYS_QUERY, use_default_graph_as_union=True):
        siret = row["siret"].value.strip()
        if row["kind"].value == "org":
            keys.organisations.setdefault(siret, row["iri"].value)
        elif row["code"].value:
            keys.programmes.setdefault((row["code"].value, siret), row["iri"].value)
    return keys


class RncpWriter:
    """Turns the rows of each export table into triples (one instance per import).

    Each ``*_row`` method writes valid triples or raises a located :class:`ProgkgError`.
    """

    def __init__(self, out: NQuads, keys: CuratedKeys | None = None) -> None:
        self.out = out
        self.keys = keys or CuratedKeys()
        self.seen: set[str] = set()
        self.fiches: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        #: fiche code → its certifiers in file order: (organisation IRI, SIRET, name as exported)
        self.certifiers: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        #: fiche code → the codes of the fiches that replaced it (either side of the history)
        self.successors: dict[str, set[str]] = defaultdict(set)
        self.counts: dict[str, int] = defaultdict(int)

    def once(self, iri: str) -> bool:
        """True the first time ``iri`` is met (shared nodes are described once)."""
        if iri in self.seen:
            return False
        self.seen.add(iri)
        return True

    def fiche(self, row: Row) -> str:
        """The fiche a row is about, described by its code and public page the first time it is
        met (a fiche may be known from the Rome or Certificateurs member only)."""
        code = row.code("Numero_Fiche", FICHE, "an RNCP or RS fiche number (e.g. RNCP4049, RS5000)")
        iri = fiche_iri(code)
        if self.once(iri):
            self.out.a(iri, PK + "Certification")
            self.out.text(iri, PK + "rncpCode", code, None)
            self.out.iri(iri, RDFS + "seeAlso", see_also(code))
            self.counts["fiches"] += 1
        return iri

    def concept(self, iri: str, scheme: str, notation: str, label: str) -> None:
        if not self.once(iri):
            return
        out = self.out
        out.a(iri, SKOS + "Concept")
        out.iri(iri, SKOS + "inScheme", ID + scheme)
        out.text(iri, SKOS + "notation", notation, None)
        out.text(iri, SKOS + "prefLabel", label)

    def standard_row(self, row: Row) -> None:
        out = self.out
        code = row.code("Numero_Fiche", FICHE, "an RNCP or RS fiche number (e.g. RNCP4049, RS5000)")
        if code in self.fiches:
            raise row.fail("Numero_Fiche", f"{code} is already described on line {self.fiches[code]}")
        self.fiches[code] = row.line
        title = clean_text(row.get("Intitule"))
        if not title:
            raise row.fail("Intitule", "is empty; expected the certification's title")
        iri = self.fiche(row)
        self.titles[code] = title
        out.text(iri, RDFS + "label", title)
        out.text(iri, SCHEMA + "name", title)
        abbreviation = clean_text(row.get("Abrege_Libelle"))
        if abbreviation:
            out.text(iri, SCHEMA + "credentialCategory", abbreviation)
            type_slug = slug(abbreviation)
            if type_slug:
                type_iri = f"{ID}certification-type/{type_slug}"
                self.concept(
                    type_iri,
                    "certification-type",
                    abbreviation,
                    clean_text(row.get("Abrege_Intitule")) or abbreviation,
                )
                out.iri(iri, PK + "certificationType", type_iri)
        level = row.code("Nomenclature_Europe_Niveau", LEVEL, "an EQF level (NIV1 … NIV8)", required=False)
        if level and level != "REPRISE":
            out.iri(iri, PK + "eqfLevel", EQF + level[-1])
        for column, territory in TERRITORIES.items():
            if row.flag(column, YES, NO):
                out.text(iri, PK + "accessibleIn", territory)
        for column, prop in (
            ("Date_dernier_jo", "officialJournalDate"),
            ("Date_Decision", "decisionDate"),
            ("Date_Effet", "registrationStart"),
            ("Date_Fin_Enregistrement", "registrationEnd"),
        ):
            value = row.date_fr(column)
            if value:
                out.date(iri, PK + prop, value)
        out.text(iri, PK + "registrationType", clean_text(row.get("Type_Enregistrement")))
        partial = row.flag("Validation_Partielle", YES, NO)
        if partial is not None:
            out.boolean(iri, PK + "partialValidation", partial)
        active = row.get("Actif").strip()
        if active not in ("ACTIVE", "INACTIVE"):
            raise row.fail("Actif", f'"{active}" is not ACTIVE or INACTIVE')
        out.boolean(iri, PK + "active", active == "ACTIVE")
        self.counts["certifications"] += 1

    def block_row(self, row: Row) -> None:
        fiche = self.fiche(row)
        code = row.code("Bloc_Competences_Code", BLOCK, "a block code (e.g. RNCP509BC05)")
        m = re.fullmatch(re.escape(fiche.rsplit("/", 1)[-1]) + r"BC0*([0-9]+)", code)
        iri = f"{fiche}/bcc{m.group(1)}" if m else f"{fiche}/{slug(code)}"
        label = clean_text(row.get("Bloc_Competences_Libelle"))
        if not label:
            raise row.fail("Bloc_Competences_Libelle", "is empty; expected the block's title")
        out = self.out
        out.iri(fiche, PK + "hasBlock", iri)
        out.a(iri, PK + "CompetencyBlock")
        out.text(iri, SKOS + "notation", code, None)
        out.text(iri, RDFS + "label", label)
        self.counts["blocks"] += 1

    def rome_row(self, row: Row) -> None:
        value = row.get("Codes_Rome_Code").strip(" \t\r\n\u00a0")
        if ROME_DOMAIN.fullmatch(value):
            # The 2026 export names a professional domain (M18) instead of a code in 9 rows:
            # the fiche is about that domain of ROME (rome/domain/M18), kept as its subject.
            self.out.iri(self.fiche(row), DCT + "subject", f"{ID}rome/domain/{value}")
            self.counts["ROME domain links"] += 1
            return
        code = row.code(
            "Codes_Rome_Code", ROME_CODE, "a ROME code (a letter A–N and 4 digits, e.g. K1802) or domain"
        )
        self.out.iri(self.fiche(row), PK + "rome", f"{ID}rome/{code}")
        self.counts["ROME links"] += 1

    def _coded_label(self, row: Row, column: str, code: str) -> str:
        """ "221w : Commercialisation de produits alimentaires" → the label after the code."""
        label = clean_text(row.get(column))
        if not label.startswith(code):  # (a pattern per code compiled 12,000 patterns: 1 s)
            return label
        separator = _CODE_SEPARATOR.match(label, len(code))
        return label[separator.end() :] if separator else label

    def nsf_row(self, row: Row) -> None:
        code = row.code("Nsf_Code", NSF, "an NSF code (2 or 3 digits and an optional letter, e.g. 221w)")
        iri = f"{ID}nsf/{code}"
        self.concept(iri, "nsf", code, self._coded_label(row, "Nsf_Intitule", code))
        self.out.iri(self.fiche(row), PK + "nsf", iri)

    def formacode_row(self, row: Row) -> None:
        code = row.code("Formacode_Code", FORMACODE, "a Formacode (5 digits)")
        iri = f"{ID}formacode/{code}"
        self.concept(iri, "formacode", code, self._coded_label(row, "Formacode_Libelle", code))
        self.out.iri(self.fiche(row), PK + "formacode", iri)

    def _organisation(self, row: Row, siret_col: str, name_col: str) -> str | None:
        siret = row.code(siret_col, SIRET, "a SIRET number (14 digits)", required=False)
        name = clean_text(row.get(name_col))
        curated = self.keys.organisations.get(siret) if siret else None
        if curated:
            iri = curated
        elif siret:
            iri = f"{ID}org/siret/{siret}"
        elif name and slug(name):
            iri = f"{ID}org/{slug(name)}"
        else:
            return None
        out = self.out
        if self.once(iri):
            out.a(iri, PK + "Organisation")
            if siret:
                out.text(iri, PK + "siret", siret, None)
        if name and self.once(f"{iri} {name}"):
            # one label per language (the first name met; a curated organisation keeps its own);
            # other names an export gives are kept as alternative labels
            first = not curated and self.once(f"{iri} label")
            out.text(iri, RDFS + "label" if first else SKOS + "altLabel", name)
            out.text(iri, SCHEMA + "name", name)
        return iri

    def certifier_row(self, row: Row) -> None:
        org = self._organisation(row, "Siret_Certificateur", "Nom_Certificateur")
        if org is None:
            raise row.fail("Siret_Certificateur", "is empty and so is the certifier's name")
        fiche = self.fiche(row)
        self.out.iri(fiche, PK + "certifier", org)
        self.counts["certifier links"] += 1
        siret = row.get("Siret_Certificateur").strip(" \t\r\n\u00a0")
        name = clean_text(row.get("Nom_Certificateur"))
        self.certifiers[fiche.rsplit("/", 1)[-1]].append((org, siret, name))

    def national_programmes(self) -> None:
        """One programme per institution awarding a national diploma (see the module doc).

        A fiche is a national diploma of higher education when the ministry of higher education
        is among its certifiers; every other certifier that is not a ministry awards it. A fiche
        replaced by a newer one the same institution awards is the same programme there, under
        its newer fiche (RNCP31506 at Paris 1 is Paris 1's master under RNCP38175): one node
        with both certifications, never a row per fiche of its history.
        """
        out = self.out
        awarded: dict[str, dict[str, tuple[str, str]]] = {}  # fiche → SIRET → (org, name)
        for code in sorted(self.certifiers, key=_fiche_order):
            certifiers = self.certifiers[code]
            if not any(_is_higher_education_ministry(name, siret) for _, siret, name in certifiers):
                continue
            self.counts["national diploma fiches"] += 1
            awarded[code] = {
                siret: (org, name)
                for org, siret, name in certifiers
                if siret and not slug(name).startswith("ministere")
            }

        def newest(code: str, siret: str) -> str:
            """The newest fiche, following successions, that ``siret`` still awards."""
            seen, todo, found = {code}, [code], code
            while todo:
                current = todo.pop()
                for newer in sorted(self.successors.get(current, ()), key=_fiche_order):
                    if newer not in seen and siret in awarded.get(newer, {}):
                        seen.add(newer)
                        todo.append(newer)
                        found = max(found, newer, key=_fiche_order)
            return found

        for code in sorted(awarded, key=_fiche_order):
            for siret, (org, name) in sorted(awarded[code].items()):
                current = newest(code, siret)
                programme = (
                    self.keys.programmes.get((current, siret))
                    or self.keys.programmes.get((code, siret))
                    or f"{ID}programme/siret/{siret}/{current}"
                )
                out.iri(programme, PK + "certification", fiche_iri(code))
                if not self.once(programme):
                    continue
                out.a(programme, PK + "Programme")
                out.iri(programme, PK + "provider", org)
                if current != code:
                    out.iri(programme, PK + "certification", fiche_iri(current))
                title = self.titles.get(current)
                if title and programme not in self.keys.curated_programmes:
                    out.text(programme, RDFS + "label", f"{title} ({name})")
                self.counts["national programmes"] += 1

    def partner_row(self, row: Row) -> None:
        org = self._organisation(row, "Siret_Partenaire", "Nom_Partenaire")
        if org is None:
            raise row.fail("Siret_Partenaire", "is empty and so is the partner's name")
        self.out.iri(self.fiche(row), PK + "partner", org)
        self.counts["partner links"] += 1

    def ccn_row(self, row: Row) -> None:
        fiche = self.fiche(row)
        for n in (1, 2, 3):
            column = f"Ccn_{n}_Numero"
            if column not in row.index:
                continue
            code = row.code(column, CCN, "a collective-agreement number (IDCC)", required=False)
            if code:
                iri = f"{ID}ccn/{code}"
                self.concept(iri, "ccn", code, clean_text(row.get(f"Ccn_{n}_Libelle")) or code)
                self.out.iri(fiche, PK + "collectiveAgreement", iri)

    def history_row(self, row: Row) -> None:
        fiche = self.fiche(row)
        old = row.code("Ancienne_Certification", FICHE, "an RNCP or RS fiche number", required=False)
        new = row.code("Nouvelle_Certification", FICHE, "an RNCP or RS fiche number", required=False)
        code = fiche.rsplit("/", 1)[-1]
        if old:
            self.out.iri(fiche, DCT + "replaces", fiche_iri(old))
            self.successors[old].add(code)
        if new:
            self.out.iri(fiche, DCT + "isReplacedBy", fiche_iri(new))
            self.successors[code].add(new)

    def access_row(self, row: Row) -> None:
        fiche = self.fiche(row)
        wording = clean_text(row.get("Si_Jury"))
        key = " ".join(slug(wording).split("-"))
        route = next((r for needle, r in ROUTES if needle in key), None)
        if route is None:
            raise row.fail(
                "Si_Jury",
                f'"{wording}" is not an access route progkg knows (VAE, candidature individuelle, '
                "formation initiale, formation continue, apprentissage, contrat de professionnalisation)",
            )
        iri = f"{fiche}/access-{route}"
        out = self.out
        out.iri(fiche, PK + "accessCondition", iri)
        if self.once(iri):
            out.a(iri, PK + "AccessCondition")
            out.iri(iri, PK + "route", f"{ID}access-route/{route}")
            out.boolean(iri, PK + "open", True)
            out.text(iri, RDFS + "label", f"{fiche.rsplit('/', 1)[-1]} — {wording}")
        self.counts["access routes"] += 1


ORDER: list[tuple[str, Callable[[RncpWriter, Row], None]]] = [
    ("standard", RncpWriter.standard_row),
    ("blocs_de_competences", RncpWriter.block_row),
    ("rome", RncpWriter.rome_row),
    ("nsf", RncpWriter.nsf_row),
    ("formacode", RncpWriter.formacode_row),
    ("certificateurs", RncpWriter.certifier_row),
    ("partenaires", RncpWriter.partner_row),
    ("ccn", RncpWriter.ccn_row),
    ("ancienne_nouvelle_certification", RncpWriter.history_row),
    ("voixdacces", RncpWriter.access_row),
]

SCHEMES = {
    "nsf": (
        "Nomenclature des spécialités de formation (NSF)",
        "French nomenclature of training specialities (NSF)",
    ),
    "formacode": ("Formacode (Centre Inffo)", "Formacode thesaurus (Centre Inffo)"),
    "ccn": ("Conventions collectives nationales (IDCC)", "French national collective agreements (IDCC)"),
    "certification-type": ("Types de certification (RNCP)", "Certification types (RNCP)"),
}


def generate(
    release: Release, out: NQuads, report: ImportReport, progress: Progress, keys: CuratedKeys | None = None
) -> None:
    exported, tables = find_tables(release)
    stamp = exported.isoformat() if exported else "undated"
    progress(f"rncp: export of {stamp}, {len(tables)} tables in {release.path}")
    for key, what in MISSING.items():
        if key not in tables:
            message = f"no {key} table in this export: {what} left out"
            progress(f"  {message}")
            report.warnings.append(message)
    source = f"{ID}source/rncp-export-{stamp}"
    out.iri(GRAPH, PROV + "wasDerivedFrom", source)
    out.text(GRAPH, DCT + "title", f"Export du RNCP et du RS par France Compétences ({stamp})")
    out.text(GRAPH, DCT + "title", f"France Compétences' export of the RNCP and RS ({stamp})", "en")
    out.a(source, PK + "SourceDocument")
    out.text(source, DCT + "title", f"Export des fiches RNCP et RS (France Compétences), {stamp}")
    out.text(source, DCT + "publisher", "France Compétences")
    out.iri(source, DCT + "license", LICENCE)
    out.text(source, DCT + "type", "export de répertoire (données ouvertes)")
    out.text(source, DCT + "type", "register export (open data)", "en")
    if exported:
        out.date(source, DCT + "issued", exported)
    describe_source(
        out, source, release.path.resolve().name, sorted(tables[k] for k in tables if k in TABLES)
    )
    for key, (fr, en) in SCHEMES.items():
        out.a(ID + key, SKOS + "ConceptScheme")
        out.text(ID + key, SKOS + "prefLabel", fr)
        out.text(ID + key, SKOS + "prefLabel", en, "en")
    writer = RncpWriter(out, keys)
    for key, method in ORDER:
        if key not in tables:
            continue
        table = read_release_csv(release, tables[key], TABLES[key], progress, delimiter=";")
        before, rows = out.count, 0
        for row in table.rows:
            method(writer, row)
            rows += 1
        progress(f"  {tables[key]}: {rows} rows → {out.count - before} triples")
    if "certificateurs" in tables:
        before = out.count
        writer.national_programmes()
        counts = writer.counts
        progress(
            f"  national programmes: {counts['national programmes']} (institution × national diploma, "
            f"{counts['national diploma fiches']} fiches) → {out.count - before} triples"
        )
    for key in sorted(set(tables) - set(TABLES)):
        progress(f"  {tables[key]}: not a table progkg knows; skipped")
    report.counts.update(writer.counts)


def import_rncp(path: Path, build_dir: Path, progress: Progress, res: object | None = None) -> ImportReport:
    """Import an RNCP export (zip, folder or CSV files) into ``build_dir``, replacing any previous one."""
    from progkg import paths

    resources = res if res is not None else paths.resources()
    keys = curated_keys(getattr(resources, "data", None))

    def run(release: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
        generate(release, out, report, progress, keys)

    return import_release("rncp", GRAPH, run, path, build_dir, progress, resources)

"""`progkg import rncp PATH`: France Compétences' CSV export of the RNCP and RS → ``graph/rncp``.

The nightly export is a zip of ``export_fiches_CSV_<Table>_<yyyy>_<mm>_<dd>.csv`` members
joined on ``Numero_Fiche``: Standard (one row per fiche), Blocs_De_Compétences, Rome, Nsf,
Formacode, Certificateurs, Partenaires, CCN, Ancienne_Nouvelle_Certification and VoixdAccès.
Each fiche becomes ``id/rncp/RNCP4049`` (``pk:Certification``) with its title, type, EQF level,
NSF and Formacode concepts, ROME codes, competency blocks, certifiers and partners (by SIRET:
``id/org/siret/…``), access routes (``pk:accessCondition`` → ``pk:route`` of
``data/vocab/code-lists.ttl``), old → new links (``dct:replaces`` / ``dct:isReplacedBy``),
active flag and dates.

The export's quirks, handled here: ``;`` separators, dd/mm/yyyy dates, SIRET values starting
with a TAB, apostrophes doubled in ROME labels, member names in UTF-8 that zip tools show as
cp437.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
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

ID = "https://w3id.org/progkg/id/"
GRAPH = "https://w3id.org/progkg/graph/rncp"
PK = "https://w3id.org/progkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
EQF = "http://data.europa.eu/snb/eqf/"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

FILE_NAME = re.compile(
    r"^export_fiches_CSV_(?P<table>.+?)_(?P<y>\d{4})_(?P<m>\d{2})_(?P<d>\d{2})\.csv$", re.I
)
FICHE = re.compile(r"(RNCP|RS)[0-9]{1,6}")
ROME_CODE = re.compile(r"[A-N][0-9]{4}")
SIRET = re.compile(r"[0-9]{14}")
NSF = re.compile(r"[0-9]{3}[a-z]?")
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
    "blocs_de_competences": "competency blocks",
    "rome": "ROME codes",
    "nsf": "NSF domains",
    "formacode": "Formacodes",
    "certificateurs": "certifiers",
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
    if "standard" not in found:
        raise ProgkgError(
            f"{release.path}: no export_fiches_CSV_Standard_<date>.csv in it; give France Compétences' "
            "CSV export (the zip, or the folder of its CSV files)"
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


class RncpWriter:
    """Turns the rows of each export table into triples (one instance per import).

    Each ``*_row`` method writes valid triples or raises a located :class:`ProgkgError`.
    """

    def __init__(self, out: NQuads) -> None:
        self.out = out
        self.seen: set[str] = set()
        self.fiches: dict[str, int] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def once(self, iri: str) -> bool:
        """True the first time ``iri`` is met (shared nodes are described once)."""
        if iri in self.seen:
            return False
        self.seen.add(iri)
        return True

    def fiche(self, row: Row) -> str:
        return fiche_iri(
            row.code("Numero_Fiche", FICHE, "an RNCP or RS fiche number (e.g. RNCP4049, RS5000)")
        )

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
        iri = fiche_iri(code)
        title = clean_text(row.get("Intitule"))
        if not title:
            raise row.fail("Intitule", "is empty; expected the certification's title")
        out.a(iri, PK + "Certification")
        out.text(iri, PK + "rncpCode", code, None)
        out.text(iri, RDFS + "label", title)
        out.text(iri, SCHEMA + "name", title)
        out.iri(iri, RDFS + "seeAlso", see_also(code))
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
        code = row.code("Codes_Rome_Code", ROME_CODE, "a ROME code (a letter A–N and 4 digits, e.g. K1802)")
        self.out.iri(self.fiche(row), PK + "rome", f"{ID}rome/{code}")
        self.counts["ROME links"] += 1

    def _coded_label(self, row: Row, column: str, code: str) -> str:
        """ "221w : Commercialisation de produits alimentaires" → the label after the code."""
        label = clean_text(row.get(column))
        prefix = re.match(rf"^{re.escape(code)}\s*:\s*", label)
        return label[prefix.end() :] if prefix else label

    def nsf_row(self, row: Row) -> None:
        code = row.code("Nsf_Code", NSF, "an NSF code (3 digits and an optional letter, e.g. 221w)")
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
        if siret:
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
            # one label per language (the first name met); other names an export gives are kept
            out.text(iri, RDFS + "label" if self.once(f"{iri} label") else SKOS + "altLabel", name)
            out.text(iri, SCHEMA + "name", name)
        return iri

    def certifier_row(self, row: Row) -> None:
        org = self._organisation(row, "Siret_Certificateur", "Nom_Certificateur")
        if org is None:
            raise row.fail("Siret_Certificateur", "is empty and so is the certifier's name")
        self.out.iri(self.fiche(row), PK + "certifier", org)
        self.counts["certifier links"] += 1

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
        if old:
            self.out.iri(fiche, DCT + "replaces", fiche_iri(old))
        if new:
            self.out.iri(fiche, DCT + "isReplacedBy", fiche_iri(new))

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


def generate(release: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
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
    writer = RncpWriter(out)
    for key, method in ORDER:
        if key not in tables:
            continue
        table = read_release_csv(release, tables[key], TABLES[key], progress, delimiter=";")
        before, rows = out.count, 0
        for row in table.rows:
            method(writer, row)
            rows += 1
        progress(f"  {tables[key]}: {rows} rows → {out.count - before} triples")
    for key in sorted(set(tables) - set(TABLES)):
        progress(f"  {tables[key]}: not a table progkg knows; skipped")
    report.counts.update(writer.counts)


def import_rncp(path: Path, build_dir: Path, progress: Progress, res: object | None = None) -> ImportReport:
    """Import an RNCP export (zip, folder or CSV files) into ``build_dir``, replacing any previous one."""
    return import_release("rncp", GRAPH, generate, path, build_dir, progress, res)

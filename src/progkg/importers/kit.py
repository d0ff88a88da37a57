"""`progkg import kit PATH`: the "Kit apprentissage" diploma table → ``graph/kit``.

The table (published by the Mission interministérielle pour l'apprentissage, in the
``tables-correspondances`` project; CSV, ``;``-separated, UTF-8 with a byte-order mark) links
each diploma code of the Éducation nationale (``Code_Diplome``, the CFD or code scolarité) to
its RNCP fiche, with the diploma's title as the DEPP writes it — for a master's degree the
title names the institution: ``INFORMATIQUE (MASTER VALENCIENNES)`` —, the fiche's level,
whether the fiche is open to apprenticeship, its end date and whether it is active.

Each row gives the certification ``id/rncp/RNCP<n>``:

* ``pk:scolariteCode`` (the CFD, as ONISEP's table gives it too);
* ``skos:prefLabel`` the DEPP title, as ONISEP's table gives its title: the name of fiches the
  graph knows no other way (without the RNCP export's Standard member there are none). The
  RNCP export's title stays the ``rdfs:label``, which is how validation recognises an RNCP
  fiche and expects its certifier and ROME codes (ontology/shapes.ttl); a fiche named by both
  ONISEP and the kit has two preferred labels, one per source graph;
* ``pk:eqfLevel`` from "Niveau n" (the levels of the 2019 nomenclature are the EQF's);
* an access condition "apprentissage" (``pk:route`` access-route/apprentissage, ``pk:open``
  true or false as the table says), which ``access-routes`` lists;
* ``pk:registrationEnd`` (its end date) and ``pk:active``.

Errors name the file, line and column.
"""

from __future__ import annotations

import re
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
)
from progkg.iris import DCT, EQF, ID, LICENCE_OUVERTE, PK, PROV, RDFS, SKOS
from progkg.iris import GRAPH as GRAPHS

GRAPH = GRAPHS + "kit"
LICENCE = LICENCE_OUVERTE

COLUMNS = (
    "Code_Diplome",
    "Intitulé diplôme (DEPP)",
    "Code_RNCP",
    "Niveau fiche RNCP",
    "Accès à l'apprentissage de la fiche RNCP (oui/non)",
    "Date d'échéance de la fiche RNCP",
    "Fiche ACTIVE/INACTIVE",
)
CFD = re.compile(r"[0-9A-Z]{8}")
RNCP = re.compile(r"RNCP[0-9]{1,6}")
LEVEL = re.compile(r"Niveau ([1-8])")
FILE = re.compile(r"(?i)kit[_ -]?apprentissage.*\.csv")


def find_table(release: Release) -> str:
    """The member holding the table: ``Kit_apprentissage_<date>.csv``, or the only CSV."""
    names = release.names
    matches = [n for n in names if FILE.fullmatch(Path(n).name)]
    if not matches:
        matches = [n for n in names if n.lower().endswith(".csv")]
    if len(matches) != 1:
        found = ", ".join(sorted(names)[:5]) or "no file"
        raise ProgkgError(
            f"{release.path}: expected one Kit_apprentissage_<date>.csv, found {found}"
            " (download it from the tables-correspondances project of the Mission apprentissage)"
        )
    return matches[0]


class KitWriter:
    def __init__(self, out: NQuads) -> None:
        self.out = out
        self.seen: set[str] = set()
        self.counts: dict[str, int] = {"rows": 0, "certifications": 0, "open to apprenticeship": 0}

    def once(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def row(self, row: Row) -> None:
        out = self.out
        self.counts["rows"] += 1
        cfd = row.code("Code_Diplome", CFD, "a diploma code (CFD: 8 digits or capitals)")
        if _not_given(row, "Code_RNCP"):
            self.counts["rows without RNCP fiche (NR)"] = (
                self.counts.get("rows without RNCP fiche (NR)", 0) + 1
            )
            return  # a diploma without fiche: nothing to say about a certification
        code = row.code("Code_RNCP", RNCP, "an RNCP code (RNCP and digits)")
        cert = f"{ID}rncp/{code}"
        if self.once(cert):
            out.a(cert, PK + "Certification")
            out.text(cert, PK + "rncpCode", code, None)
            self.counts["certifications"] += 1
        if self.once(f"{cert} {cfd}"):
            out.text(cert, PK + "scolariteCode", cfd, None)
        title = clean_text(row.get("Intitulé diplôme (DEPP)"))
        if title and self.once(f"{cert} title {title}"):
            # One preferred label per fiche (its first title), the others as alternatives:
            # a national master's has a DEPP title per institution.
            out.text(cert, SKOS + ("prefLabel" if self.once(f"{cert} pref") else "altLabel"), title)
        level = "" if _not_given(row, "Niveau fiche RNCP") else clean_text(row.get("Niveau fiche RNCP"))
        match = LEVEL.fullmatch(level) if level else None
        if level and not match:
            raise row.fail("Niveau fiche RNCP", f'"{level}" is not a level ("Niveau 1" … "Niveau 8")')
        if match and self.once(f"{cert} level"):
            out.iri(cert, PK + "eqfLevel", EQF + match.group(1))
        column = "Accès à l'apprentissage de la fiche RNCP (oui/non)"
        apprenticeship = None if _not_given(row, column) else row.flag(column, ("oui",), ("non",))
        if apprenticeship is not None and self.once(f"{cert} apprenticeship"):
            condition = f"{cert}/access-apprentissage-kit"
            out.iri(cert, PK + "accessCondition", condition)
            out.a(condition, PK + "AccessCondition")
            out.iri(condition, PK + "route", f"{ID}access-route/apprentissage")
            out.boolean(condition, PK + "open", apprenticeship)
            out.text(condition, RDFS + "label", f"{code} — apprentissage (Kit apprentissage)")
            if apprenticeship:
                self.counts["open to apprenticeship"] += 1
        end = row.date_fr("Date d'échéance de la fiche RNCP")
        if end and self.once(f"{cert} end"):
            out.date(cert, PK + "registrationEnd", end)
        active = row.flag("Fiche ACTIVE/INACTIVE", ("ACTIVE",), ("INACTIVE",))
        if active is not None and self.once(f"{cert} active"):
            out.boolean(cert, PK + "active", active)


def _not_given(row: Row, column: str) -> bool:
    """Empty, or "NR" (non renseigné), as the table writes a value it does not know."""
    return row.get(column).strip() in ("", "NR")


def generate(release: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
    name = find_table(release)
    progress(f"kit: {name} in {release.path}")
    source = f"{ID}source/kit"
    out.iri(GRAPH, PROV + "wasDerivedFrom", source)
    out.text(GRAPH, DCT + "title", "Kit apprentissage : diplômes et fiches RNCP")
    out.text(GRAPH, DCT + "title", "Kit apprentissage: diplomas and RNCP fiches", "en")
    out.a(source, PK + "SourceDocument")
    out.text(source, DCT + "title", "Kit apprentissage — table des diplômes (code CFD) et fiches RNCP")
    out.text(source, DCT + "publisher", "Mission interministérielle pour l'apprentissage")
    out.iri(source, DCT + "license", LICENCE)
    describe_source(out, source, release.path.resolve().name, [name])
    table = read_release_csv(release, name, COLUMNS, progress, delimiter=";")
    writer = KitWriter(out)
    for row in table.rows:
        writer.row(row)
    progress(f"  {name}: {writer.counts['rows']} rows → {out.count} triples")
    report.counts.update(writer.counts)


def import_kit(path: Path, build_dir: Path, progress: Progress, res: object | None = None) -> ImportReport:
    """Import the Kit apprentissage table (a CSV file, or a folder or zip holding it)."""
    return import_release("kit", GRAPH, generate, path, build_dir, progress, res)

"""`progkg import esco DIR…`: ESCO's CSV release (occupations, skills, ISCO groups and the
essential / optional skills of each occupation) → ``graph/esco``.

ESCO (European Skills, Competences, Qualifications and Occupations, the European
Commission's classification) is downloaded per language: a folder or zip of
``occupations_<lang>.csv``, ``skills_<lang>.csv``, ``ISCOGroups_<lang>.csv``,
``skillGroups_<lang>.csv`` and the language-free relation tables
``occupationSkillRelations.csv``, ``broaderRelationsOccPillar.csv``,
``broaderRelationsSkillPillar.csv``. A user often has several such downloads (a French one, an
English one, a newer release's labels), so the command takes several paths and reads every
table it recognises in each, the language from the file name. What a missing table leaves
unknown is said, never guessed: with no ``occupations_en.csv`` the occupations simply have no
English label.

The graph uses ESCO's own IRIs and terms, so that it joins ESCO's linked data as is:

* ``http://data.europa.eu/esco/occupation/…`` a ``esco:Occupation`` (and ``skos:Concept``),
  ``esco:memberOfISCOGroup`` its ISCO-08 unit group, ``skos:notation`` its ESCO code;
* ``http://data.europa.eu/esco/skill/…`` a ``esco:Skill``, with ``esco:skillType``
  (``…/skill-type/skill`` or ``…/skill-type/knowledge``) and ``esco:skillReuseLevel``;
* ``http://data.europa.eu/esco/isco/C2654`` an ISCO group (``skos:Concept``, its code as
  ``skos:notation``); skill groups likewise;
* ``skos:prefLabel`` / ``skos:altLabel`` in the file's language, ``dct:description``,
  ``skos:inScheme`` ESCO's concept schemes as the files give them, ``skos:broader`` from the
  broader-relation tables;
* ``<skill> esco:isEssentialSkillFor <occupation>`` / ``esco:isOptionalSkillFor``: the
  properties ESCO's ontology defines for the relation (sub-properties of ``skos:related``).

When two files give a concept's preferred label in the same language (ESCO v1.1.1's French
occupations and a v1.2.1 download's), the first path given keeps the ``skos:prefLabel`` and the
other wording becomes a ``skos:altLabel``: one preferred label per language, as SKOS requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from progkg.iris import DCT, ID, OWL, PK, PROV, RDFS, SKOS
from progkg.iris import GRAPH as GRAPHS

GRAPH = GRAPHS + "esco"
ESCO = "http://data.europa.eu/esco/model#"
ESCO_DATA = "http://data.europa.eu/esco/"
#: ESCO is reused under the Commission's reuse policy (Decision 2011/833/EU), CC BY 4.0 with
#: attribution; the same licence IRI as ontology/catalog.ttl gives the ESCO work.
LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
DOWNLOAD_PAGE = "https://esco.ec.europa.eu/en/use-esco/download"
CITATION_FR = "© Union européenne, ESCO (https://esco.ec.europa.eu), réutilisation avec mention de la source."
CITATION_EN = "© European Union, ESCO (https://esco.ec.europa.eu), reused with attribution."

CONCEPT = SKOS + "Concept"
PREF, ALT = SKOS + "prefLabel", SKOS + "altLabel"

#: An ESCO concept IRI: ``http://data.europa.eu/esco/<pillar>/<id>``.
ESCO_IRI = re.compile(r"http://data\.europa\.eu/esco/[a-z][a-z-]*/[A-Za-z0-9][A-Za-z0-9._-]*")
ISCO_CODE = re.compile(r"[0-9]{1,4}")
ESCO_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,40}")
REUSE_LEVEL = re.compile(r"[a-z][a-z-]{0,40}")
#: The file's table and language: ``occupations_fr.csv``, ``ISCOGroups_en.csv``,
#: ``occupationSkillRelations.csv`` (the relation tables have no language, or ``_en``).
FILE_NAME = re.compile(
    r"^(?P<table>occupations|skills|ISCOGroups|skillGroups|occupationSkillRelations|"
    r"broaderRelationsOccPillar|broaderRelationsSkillPillar)(?:_(?P<lang>[a-z]{2,3}(?:-[A-Za-z]+)?))?\.csv$",
    re.IGNORECASE,
)
#: Tables of the release that are not read (what they hold is elsewhere or not modelled yet).
NOT_READ = re.compile(
    r"^(skillsHierarchy|skillSkillRelations|conceptSchemes|\w+Collection)(_[a-z-]+)?\.csv$", re.IGNORECASE
)
VERSION = re.compile(r"v?(\d+\.\d+(?:\.\d+)?)")

SKILL_TYPES = {"skill/competence": "skill", "skill": "skill", "knowledge": "knowledge"}
RELATIONS = {"essential": ESCO + "isEssentialSkillFor", "optional": ESCO + "isOptionalSkillFor"}

#: table → (required columns, class of its concepts)
LABEL_TABLES = {
    "occupations": (("conceptUri", "preferredLabel"), ESCO + "Occupation"),
    "skills": (("conceptUri", "preferredLabel"), ESCO + "Skill"),
    "iscogroups": (("conceptUri", "preferredLabel"), None),
    "skillgroups": (("conceptUri", "preferredLabel"), None),
}
RELATION_COLUMNS = ("occupationUri", "relationType", "skillUri")
BROADER_COLUMNS = ("conceptUri", "broaderUri")
#: The order tables are read in, within each path given.
ORDER = (
    "iscogroups",
    "occupations",
    "skillgroups",
    "skills",
    "broaderrelationsoccpillar",
    "broaderrelationsskillpillar",
    "occupationskillrelations",
)
NOUNS = {
    "occupations": "occupation",
    "skills": "skill",
    "iscogroups": "ISCO group",
    "skillgroups": "skill group",
}


@dataclass
class Found:
    """The tables recognised in one release: (table, language or "", member name)."""

    release: Release
    tables: list[tuple[str, str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def recognise(release: Release) -> Found:
    found = Found(release)
    for name in release.names:
        m = FILE_NAME.match(name)
        if m:
            found.tables.append((m.group("table").lower(), (m.group("lang") or "").lower(), name))
        elif name.lower().endswith(".csv"):
            found.ignored.append(name)
    found.tables.sort(key=lambda t: (ORDER.index(t[0]), t[1], t[2]))
    return found


def split_values(value: str) -> Iterator[str]:
    """The values of a multi-valued cell: ESCO's CSV puts them on lines of one quoted cell,
    some re-exports join them with ``|``."""
    for part in re.split(r"[\n|]", value):
        text = clean_text(part)
        if text:
            yield text


class EscoWriter:
    """Turns the rows of every table into N-Quads, once per fact."""

    def __init__(self, out: NQuads) -> None:
        self.out = out
        self.typed: set[tuple[str, str]] = set()
        self.pref: dict[tuple[str, str], str] = {}
        self.written: set[tuple[str, str, str]] = set()
        self.described: set[str] = set()
        self.counts: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def concept(self, row: Row, column: str = "conceptUri") -> str:
        return row.code(column, ESCO_IRI, "an ESCO concept IRI (http://data.europa.eu/esco/…)")

    def label(self, iri: str, value: str, lang: str, preferred: bool) -> None:
        """A label in ``lang``: the first preferred label of a concept in a language stays
        preferred, any other wording is an alternative one."""
        text = clean_text(value)
        if not text:
            return
        if preferred and (iri, lang) not in self.pref:
            self.pref[(iri, lang)] = text
            self.out.text(iri, PREF, text, lang)
            return
        if self.pref.get((iri, lang)) == text or (iri, lang, text) in self.written:
            return
        self.written.add((iri, lang, text))
        self.out.text(iri, ALT, text, lang)

    def labelled(self, table: str, lang: str, row: Row) -> None:
        out = self.out
        iri = self.concept(row)
        cls = LABEL_TABLES[table][1]
        noun = NOUNS[table]
        if (iri, noun) not in self.typed:  # a skill group may also be listed as a skill
            self.typed.add((iri, noun))
            self.count(f"{noun}s")
            out.a(iri, CONCEPT)
            if cls:
                out.a(iri, cls)
        first = (iri, lang) not in self.pref
        self.label(iri, row.get("preferredLabel"), lang, True)
        for alt in split_values(row.get("altLabels")):
            self.label(iri, alt, lang, False)
        if not first:
            return  # the rest was said by the first file giving this concept in this language
        self.count(f"{noun} labels ({lang})")
        out.text(iri, DCT + "description", clean_text(row.get("description")), lang)
        if iri in self.described:
            return
        self.described.add(iri)
        for scheme in re.split(r"[\s,|]+", row.get("inScheme")):
            if scheme:
                if not ESCO_IRI.fullmatch(scheme):
                    raise row.fail("inScheme", f'"{scheme[:60]}" is not an ESCO concept scheme IRI')
                out.iri(iri, SKOS + "inScheme", scheme)
        code = row.code("code", ESCO_CODE, "an ESCO or ISCO code", required=False)
        if code:
            out.text(iri, SKOS + "notation", code, None)
        if table == "occupations":
            isco = row.code("iscoGroup", ISCO_CODE, "an ISCO-08 code (1 to 4 digits)", required=False)
            if isco:
                out.iri(iri, ESCO + "memberOfISCOGroup", f"{ESCO_DATA}isco/C{isco}")
        elif table == "skills":
            self.skill_facts(iri, row)

    def skill_facts(self, iri: str, row: Row) -> None:
        kind = row.get("skillType").strip()
        if kind:
            if kind not in SKILL_TYPES:
                raise row.fail(
                    "skillType", f'"{kind[:60]}" is not an ESCO skill type (skill/competence, knowledge)'
                )
            self.out.iri(iri, ESCO + "skillType", f"{ESCO_DATA}skill-type/{SKILL_TYPES[kind]}")
            self.count(f"skills of type {SKILL_TYPES[kind]}")
        level = row.code(
            "reuseLevel", REUSE_LEVEL, "an ESCO reuse level (e.g. sector-specific)", required=False
        )
        if level:
            self.out.iri(iri, ESCO + "skillReuseLevel", f"{ESCO_DATA}skill-reuse-level/{level}")

    def broader(self, row: Row) -> None:
        narrower, broader = self.concept(row), self.concept(row, "broaderUri")
        if (narrower, "broader", broader) in self.written:
            return
        self.written.add((narrower, "broader", broader))
        self.out.iri(narrower, SKOS + "broader", broader)
        self.count("broader relations")

    def relation(self, row: Row) -> None:
        occupation = self.concept(row, "occupationUri")
        skill = self.concept(row, "skillUri")
        kind = row.get("relationType").strip()
        prop = RELATIONS.get(kind)
        if prop is None:
            raise row.fail("relationType", f'"{kind[:60]}" is not "essential" or "optional"')
        if (skill, kind, occupation) in self.written:
            return
        self.written.add((skill, kind, occupation))
        self.out.iri(skill, prop, occupation)
        self.count(f"{kind} skills of occupations")


def source_iris(found: list[Found]) -> list[tuple[str, str | None]]:
    """The source node of each release given, ``id/source/esco-<version>`` (the version read
    from the folder or zip name, e.g. ``esco-v1.1.1``), with that version. Two downloads of one
    version (ESCO ships one package per language) are told apart by their languages
    (``esco-v1.1.1-fr``, ``esco-v1.1.1-en``), or else by their names."""
    named: list[tuple[str, str | None, Found]] = []
    for f in found:
        name = f.release.path.resolve().name
        match = VERSION.search(name)
        version = f"v{match.group(1)}" if match else None
        named.append((f"{ID}source/esco-{version or slug(Path(name).stem) or 'release'}", version, f))
    out: list[tuple[str, str | None]] = []
    for iri, version, f in named:
        if sum(other == iri for other, _, _ in named) > 1:
            languages = sorted({lang for _, lang, _ in f.tables if lang})
            iri += "-" + ("-".join(languages) or slug(Path(f.release.path.resolve().name).stem))
        while iri in {i for i, _ in out}:
            iri += "-2"
        out.append((iri, version))
    return out


def describe_release(
    out: NQuads, release: Release, source: str, version: str | None, members: list[str]
) -> None:
    out.iri(GRAPH, PROV + "wasDerivedFrom", source)
    out.a(source, PK + "SourceDocument")
    shown = f" {version}" if version else ""
    out.text(
        source, DCT + "title", f"ESCO{shown} — classification européenne des compétences et professions (CSV)"
    )
    out.text(source, DCT + "title", f"ESCO{shown} — European Skills, Competences and Occupations (CSV)", "en")
    out.text(source, DCT + "publisher", "Commission européenne")
    out.text(source, DCT + "publisher", "European Commission", "en")
    out.iri(source, DCT + "license", LICENCE)
    out.text(source, DCT + "bibliographicCitation", CITATION_FR)
    out.text(source, DCT + "bibliographicCitation", CITATION_EN, "en")
    out.iri(source, RDFS + "seeAlso", DOWNLOAD_PAGE)
    if version:
        out.text(source, OWL + "versionInfo", version, None)
    describe_source(out, source, release.path.resolve().name, members)


def missing(found: list[Found]) -> list[str]:
    """What the tables given leave unknown, one sentence each."""
    have = {(table, lang) for f in found for table, lang, _ in f.tables}
    tables = {table for table, _ in have}
    languages = sorted({lang for table, lang in have if lang and table in LABEL_TABLES})
    notes: list[str] = []
    for table in ("occupations", "skills", "iscogroups"):
        for lang in languages:
            if (table, lang) not in have:
                real = {"iscogroups": "ISCOGroups"}.get(table, table)
                notes.append(f"no {real}_{lang}.csv: the {NOUNS[table]}s have no labels in '{lang}'")
    if "occupationskillrelations" not in tables:
        notes.append(
            "no occupationSkillRelations.csv: the essential and optional skills of occupations are unknown"
        )
    if "broaderrelationsoccpillar" not in tables:
        notes.append(
            "no broaderRelationsOccPillar.csv: the ISCO hierarchy and the occupations' broader "
            "occupations are unknown (only each occupation's ISCO group, from occupations_<lang>.csv)"
        )
    if "broaderrelationsskillpillar" not in tables:
        notes.append("no broaderRelationsSkillPillar.csv: the skills hierarchy is unknown")
    return notes


def generate_all(releases: list[Release], out: NQuads, report: ImportReport, progress: Progress) -> None:
    found = [recognise(r) for r in releases]
    if not any(f.tables for f in found):
        shown = ", ".join(str(r.path) for r in releases)
        raise ProgkgError(
            f"{shown}: no ESCO table found (expected occupations_<lang>.csv, skills_<lang>.csv, "
            "ISCOGroups_<lang>.csv, occupationSkillRelations.csv…: ESCO's CSV download, "
            f"{DOWNLOAD_PAGE})"
        )
    out.text(GRAPH, DCT + "title", "ESCO : professions, compétences et groupes CITP")
    out.text(GRAPH, DCT + "title", "ESCO: occupations, skills and ISCO groups", "en")
    writer = EscoWriter(out)
    for f, (source, version) in zip(found, source_iris(found), strict=True):
        describe_release(out, f.release, source, version, [name for _, _, name in f.tables])
        progress(f"esco: {len(f.tables)} tables in {f.release.path}")
        for name in f.ignored:
            why = (
                "not read (its content is in other tables or not modelled)"
                if NOT_READ.match(name)
                else "not an ESCO table progkg knows"
            )
            progress(f"  {name}: {why}")
    for f in found:
        for table, lang, name in f.tables:
            before = out.count
            if table in LABEL_TABLES:
                if not lang:
                    raise ProgkgError(
                        f"{f.release.display(name)}: no language in the file name "
                        f"(expected {name[:-4]}_<lang>.csv)"
                    )
                rows = read_release_csv(f.release, name, LABEL_TABLES[table][0], progress).rows
                for row in rows:
                    writer.labelled(table, lang, row)
            elif table == "occupationskillrelations":
                for row in read_release_csv(f.release, name, RELATION_COLUMNS, progress).rows:
                    writer.relation(row)
            else:
                for row in read_release_csv(f.release, name, BROADER_COLUMNS, progress).rows:
                    writer.broader(row)
            progress(f"  {name}: {out.count - before} triples")
    for note in missing(found):
        report.warnings.append(note)
        progress(f"  {note}")
    report.counts.update(writer.counts)


def import_esco(
    paths: list[Path] | Path, build_dir: Path, progress: Progress, res: object | None = None
) -> ImportReport:
    """Import ESCO's CSV tables from one or several folders, zips or files (read in that order)."""
    given = [paths] if isinstance(paths, Path) else list(paths)
    if not given:
        raise ProgkgError("import esco: give at least one folder, zip or file of ESCO's CSV release")
    others: list[Release] = []

    def generate(first: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
        try:
            for path in given[1:]:
                others.append(Release(path))
            generate_all([first, *others], out, report, progress)
        finally:
            for release in others:
                release.close()

    return import_release("esco", GRAPH, generate, given[0], build_dir, progress, res)

"""`progkg import rome PATH`: France Travail's ROME 4.0 release → graph ``graph/rome``.

A release is a set of ``unix_<table>_v<NNN>_utf8.csv`` files (a folder or a zip). Each
code list becomes a SKOS concept scheme (DESIGN.md): ROME codes (``id/rome/K1802``, with their
ROME 4.0 parent codes), job titles (``id/rome/appellation/11780``, with their flags), skills
and soft skills (``id/rome/skill/…``), knowledge (``id/rome/knowledge/…``), work contexts,
professional domains and grand domains, RIASEC profiles, sectors, themes and interest
centres; then the links between them: the skills, knowledge and contexts of each code (core
and emerging ones marked), mobility links, definitions and access texts. The release version
(``v460``) is recorded on a ``pk:SourceDocument`` with the release's licence.

Only the code and job-title tables are required; every other table is imported when present
and named in the progress output when absent (the shared copy of v460 lacks
``unix_arborescence_competences``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from progkg.errors import ProgkgError, located
from progkg.importers.common import (
    XSD,
    ImportReport,
    NQuads,
    Progress,
    Release,
    Row,
    Table,
    clean_text,
    describe_source,
    import_release,
    read_release_csv,
    slug,
)
from progkg.iris import DCT, ID, LICENCE_OUVERTE, OWL, PK, PROV, SKOS
from progkg.iris import GRAPH as GRAPHS

ROME = ID + "rome/"
GRAPH = GRAPHS + "rome"
LICENCE = LICENCE_OUVERTE

CONCEPT = SKOS + "Concept"
IN_SCHEME = SKOS + "inScheme"
PREF = SKOS + "prefLabel"
NOTATION = SKOS + "notation"
BROADER = SKOS + "broader"

FILE_NAME = re.compile(r"^unix_(?P<table>[a-z_]+?)_v(?P<version>\d+)_utf8\.csv$")

ROME_CODE = re.compile(r"[A-N][0-9]{4}")
OGR = re.compile(r"[0-9]{1,9}")
GRAND_DOMAIN = re.compile(r"[A-N]")
DOMAIN = re.compile(r"[A-N][0-9]{2}")
RIASEC = re.compile(r"[RIASEC]")
SMALL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,30}")
NUMBER = re.compile(r"[0-9]{1,6}")
YES, NO = ("O", "Oui", "OUI", "oui"), ("N", "Non", "NON", "non")

#: The RIASEC (Holland) types, as France Travail names them.
RIASEC_LABELS = {
    "R": ("Réaliste", "Realistic"),
    "I": ("Investigateur", "Investigative"),
    "A": ("Artistique", "Artistic"),
    "S": ("Social", "Social"),
    "E": ("Entreprenant", "Enterprising"),
    "C": ("Conventionnel", "Conventional"),
}

#: scheme key → (IRI tail, French label, English label)
SCHEMES = {
    "code": ("codes", "ROME 4.0 — fiches métiers (codes ROME)", "ROME 4.0 — job families (ROME codes)"),
    "appellation": ("appellations", "ROME 4.0 — appellations (intitulés d'emploi)", "ROME 4.0 — job titles"),
    "skill": ("skills", "ROME 4.0 — compétences (savoir-faire et savoir-être)", "ROME 4.0 — skills"),
    "knowledge": ("knowledge", "ROME 4.0 — savoirs", "ROME 4.0 — knowledge"),
    "work-context": ("work-contexts", "ROME 4.0 — contextes de travail", "ROME 4.0 — work contexts"),
    "domain": ("domains", "ROME 4.0 — grands domaines et domaines professionnels", "ROME 4.0 — domains"),
    "category": ("categories", "ROME 4.0 — catégories", "ROME 4.0 — categories"),
    "riasec": ("riasec", "Profils RIASEC", "RIASEC profiles"),
    "ecological-transition": (
        "ecological-transition",
        "ROME 4.0 — catégories de la transition écologique",
        "ROME 4.0 — ecological-transition categories",
    ),
    "skill-tree": ("skill-tree", "ROME 4.0 — arborescence des compétences", "ROME 4.0 — skills tree"),
    "theme": ("themes", "ROME 4.0 — thèmes", "ROME 4.0 — themes"),
    "interest": ("interests", "ROME 4.0 — centres d'intérêt", "ROME 4.0 — interest centres"),
    "activity-sector": ("activity-sectors", "ROME 4.0 — secteurs d'activité", "ROME 4.0 — activity sectors"),
    "naf-sector": ("naf-sectors", "ROME 4.0 — secteurs NAF", "ROME 4.0 — NAF sectors"),
}


def scheme_iri(key: str) -> str:
    return f"{ROME}scheme/{SCHEMES[key][0]}"


# --- The release's files ---------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """A table of the release: the columns progkg needs, and what is lost without it."""

    columns: tuple[str, ...]
    required: bool
    missing: str  # what the graph lacks when the file is absent


TABLES: dict[str, TableSpec] = {
    "referentiel_code_rome": TableSpec(
        (
            "code_rome",
            "code_ogr",
            "libelle_rome",
            "transition_eco",
            "transition_num",
            "transition_demo",
            "emploi_reglemente",
            "emploi_cadre",
            "code_rome_parent",
        ),
        True,
        "",
    ),
    "referentiel_appellation": TableSpec(
        (
            "code_ogr",
            "libelle_appellation_long",
            "libelle_appellation_court",
            "code_rome",
            "transition_eco",
            "transition_num",
            "transition_demo",
            "emploi_reglemente",
            "emploi_cadre",
            "classification",
            "code_rome_parent",
            "peu_usite",
        ),
        True,
        "",
    ),
    "referentiel_competence": TableSpec(
        (
            "code_ogr",
            "nature",
            "libelle_competence",
            "definition",
            "code_ogr_macro_comp",
            "code_macro_comp",
            "cat_comp",
            "sous_cat_comp",
            "transition_eco",
            "transition_num",
        ),
        False,
        "skills (savoir-faire, savoir-être) and their categories",
    ),
    "referentiel_savoir": TableSpec(
        (
            "code_ogr_savoir",
            "libelle_savoir",
            "categorie_savoir",
            "sous_categorie_savoir",
            "transition_eco",
            "transition_num",
        ),
        False,
        "knowledge items and their categories",
    ),
    "referentiel_contexte_travail": TableSpec(
        ("code_ogr", "libelle_cont_travail", "code_type_cont_trav", "libelle_type_cont_trav"),
        False,
        "work contexts",
    ),
    "arborescence_competences": TableSpec(
        (
            "code_domaine_competence",
            "domaine_competence",
            "code_enjeu",
            "enjeu",
            "code_objectif",
            "objectif",
            "code_ogr_macro_competence",
        ),
        False,
        "the skills tree (skill domains → stakes → objectives above the macro-skills)",
    ),
    "grand_domaine": TableSpec(
        ("code_grand_domaine", "libelle_grand_domaine"), False, "grand domains' labels"
    ),
    "domaine_professionnel": TableSpec(
        ("code_domaine_professionnel", "libelle_domaine_professionnel"), False, "professional domains' labels"
    ),
    "cr_gd_dp": TableSpec(
        (
            "code_rome",
            "code_grand_domaine",
            "libelle_grand_domaine",
            "code_domaine_professionel",
            "libelle_domaine_professionel",
        ),
        False,
        "the professional domain of each code",
    ),
    "liens_rome_referentiels": TableSpec(
        ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"),
        False,
        "the skills, knowledge and work contexts of each code",
    ),
    "coherence_item": TableSpec(
        ("code_rome", "code_ogr", "coeur_metier"), False, "core and emerging items of each code"
    ),
    "rubrique_mobilite": TableSpec(
        ("code_rome", "code_rome_cible", "numero_ordre"), False, "mobility links between codes"
    ),
    "referentiel_code_rome_riasec": TableSpec(
        ("code_rome", "riasec_majeur", "riasec_mineur"), False, "RIASEC profiles of codes"
    ),
    "referentiel_macro_competence_riasec": TableSpec(
        ("code_ogr", "riasec_majeur", "riasec_mineur"), False, "RIASEC profiles of macro-skills"
    ),
    "texte": TableSpec(
        ("code_rome", "code_compo_bloc", "libelle_type_texte", "position_phrase", "libelle_texte"),
        False,
        "definitions and access texts of codes",
    ),
    "themes": TableSpec(("code_theme", "libelle_theme", "definition_theme"), False, "themes' labels"),
    "arborescence_thematique": TableSpec(
        ("code_theme", "libelle_theme", "code_rome"), False, "the themes of each code"
    ),
    "centre_interet": TableSpec(
        ("code_centre_interet", "libelle_centre_interet", "definition_centre_interet"),
        False,
        "interest centres' definitions",
    ),
    "arborescence_centre_interet": TableSpec(
        ("code_centre_interet", "libelle_centre_interet", "code_rome"),
        False,
        "the interest centres of each code",
    ),
    "secteur_activite": TableSpec(
        ("code_sect_activite", "libelle_sect_activite", "definition_sect_activite"),
        False,
        "activity sectors' definitions",
    ),
    "sous_secteur_activite": TableSpec(
        ("code_ss_sect_activite", "libelle_ss_sect_activite", "code_sect_activite"),
        False,
        "activity sub-sectors",
    ),
    "arborescence_secteur_activite": TableSpec(
        (
            "code_sect_activite",
            "libelle_sect_activite",
            "code_ss_sect_activite",
            "libelle_ss_sect_activite",
            "code_rome",
        ),
        False,
        "the activity sectors of each code",
    ),
    "secteur_naf": TableSpec(("code_secteur_naf", "libelle_secteur_naf"), False, "NAF sectors' labels"),
    "arborescence_secteur_naf": TableSpec(
        ("code_secteur_naf", "libelle_secteur_naf", "code_rome"), False, "the NAF sectors of each code"
    ),
}

#: Tables of the release that progkg reads no facts from (they repeat the ones above).
IGNORED = {
    "item": "repeats the skill, knowledge and work-context tables",
    "cr_gd_dp_appellations": "repeats the domain and job-title tables",
    "composition_bloc": "names the blocks of a fiche (used as constants)",
    "descriptif_rubrique": "names the skill sections (used as constants)",
    "type_referentiel": "empty in v460",
}


def find_tables(release: Release) -> tuple[str, dict[str, str]]:
    """The release version and the member name of each table; refuses mixed versions."""
    found: dict[str, str] = {}
    versions: set[str] = set()
    for name in release.names:
        m = FILE_NAME.match(name)
        if m:
            found[m.group("table")] = name
            versions.add(m.group("version"))
    if not found:
        raise ProgkgError(
            f"{release.path}: no ROME 4.0 file in it (expected unix_<table>_vNNN_utf8.csv files, "
            "such as unix_referentiel_code_rome_v460_utf8.csv)"
        )
    if len(versions) > 1:
        shown = ", ".join(f"v{v}" for v in sorted(versions))
        raise ProgkgError(f"{release.path}: files of several ROME releases ({shown}); give one release only")
    for table, spec in TABLES.items():
        if spec.required and table not in found:
            raise ProgkgError(
                f"{release.path}: unix_{table}_v{next(iter(versions))}_utf8.csv is missing; "
                "it is required to import ROME"
            )
    return f"v{versions.pop()}", found


# --- Rows → triples ------------------------------------------------------------------------


class RomeWriter:
    """Turns the rows of each ROME table into triples; one instance per import.

    Each ``*_row`` method takes one row and either writes valid triples or raises a
    :class:`ProgkgError` naming the file, line and column (the property-based tests hold it to
    that). Concepts shared by many rows (categories, domains, sectors) are written once.
    """

    def __init__(self, out: NQuads, source: str) -> None:
        self.out = out
        self.source = source
        self.concepts: set[str] = set()
        self.codes: dict[str, int] = {}  # ROME code → line of its row
        self.appellations: dict[str, int] = {}
        self.item_kind: dict[str, str] = {}  # OGR code → "skill" | "knowledge" | "work-context"
        self.texts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    # -- shared helpers

    def concept(self, iri: str, scheme: str, label: str, cls: str | None = None, notation: str = "") -> None:
        """Write a concept's type, scheme and labels (once per import)."""
        if iri in self.concepts:
            return
        self.concepts.add(iri)
        out = self.out
        out.a(iri, CONCEPT)
        if cls:
            out.a(iri, cls)
        out.iri(iri, IN_SCHEME, scheme_iri(scheme))
        if notation:
            out.text(iri, NOTATION, notation, None)
        out.text(iri, PREF, label)

    def flags(self, row: Row, iri: str, job: bool) -> None:
        """The transition, regulated and executive flags shared by codes and job titles."""
        out = self.out
        eco = clean_text(row.get("transition_eco"))
        if job:
            if eco:
                cat = slug(eco)
                if not cat:
                    raise row.fail("transition_eco", f'"{eco}" is not a category name')
                cat_iri = f"{ROME}ecological-transition/{cat}"
                self.concept(cat_iri, "ecological-transition", eco)
                out.iri(iri, PK + "ecologicalTransitionCategory", cat_iri)
        else:
            value = row.flag("transition_eco", YES, NO)
            if value is not None:
                out.boolean(iri, PK + "ecologicalTransition", value)
        for column, prop in (
            ("transition_num", "digitalTransition"),
            ("transition_demo", "demographicTransition"),
            ("emploi_reglemente", "regulatedJob"),
            ("emploi_cadre", "executiveJob"),
        ):
            if column not in row.index:
                continue
            value = row.flag(column, YES, NO)
            if value is not None:
                out.boolean(iri, PK + prop, value)

    def label(self, row: Row, column: str) -> str:
        value = clean_text(row.get(column))
        if not value:
            raise row.fail(column, "is empty; expected a label")
        return value

    def code_ref(self, row: Row, column: str) -> str:
        return ROME + row.code(column, ROME_CODE, "a ROME code (a letter A–N and 4 digits, e.g. K1802)")

    # -- ROME codes and job titles

    def code_row(self, row: Row) -> None:
        out = self.out
        code = row.code("code_rome", ROME_CODE, "a ROME code (a letter A–N and 4 digits, e.g. K1802)")
        if code in self.codes:
            raise row.fail("code_rome", f"{code} is already defined on line {self.codes[code]}")
        self.codes[code] = row.line
        iri = ROME + code
        label = self.label(row, "libelle_rome")
        self.concepts.add(iri)
        out.a(iri, CONCEPT)
        out.a(iri, PK + "RomeCode")
        out.iri(iri, IN_SCHEME, scheme_iri("code"))
        out.text(iri, NOTATION, code, None)
        out.text(iri, PREF, label)
        ogr = row.code("code_ogr", OGR, "an OGR number", required=False)
        if ogr:
            out.text(iri, PK + "ogrCode", ogr, None)
        parent = row.code("code_rome_parent", ROME_CODE, "a ROME code", required=False)
        if parent and parent != code:
            out.iri(iri, PK + "parentCode", ROME + parent)
        self.flags(row, iri, job=True)
        self.counts["codes"] += 1

    def appellation_row(self, row: Row) -> None:
        out = self.out
        ogr = row.code("code_ogr", OGR, "a job-title number (OGR code)")
        if ogr in self.appellations:
            raise row.fail("code_ogr", f"job title {ogr} is already defined on line {self.appellations[ogr]}")
        self.appellations[ogr] = row.line
        code = row.code("code_rome", ROME_CODE, "a ROME code (a letter A–N and 4 digits, e.g. K1802)")
        if self.codes and code not in self.codes:
            raise row.fail("code_rome", f"{code} is not in the release's code table")
        iri = f"{ROME}appellation/{ogr}"
        long = self.label(row, "libelle_appellation_long")
        short = clean_text(row.get("libelle_appellation_court"))
        self.concepts.add(iri)
        out.a(iri, CONCEPT)
        out.a(iri, PK + "RomeAppellation")
        out.iri(iri, IN_SCHEME, scheme_iri("appellation"))
        out.text(iri, NOTATION, ogr, None)
        out.text(iri, PREF, long)
        if short and short != long:
            out.text(iri, SKOS + "altLabel", short)
        out.iri(iri, PK + "romeCode", ROME + code)
        classification = row.get("classification").strip()
        if classification:
            if classification not in ("PRINCIPALE", "SYNONYME"):
                raise row.fail("classification", f'"{classification}" is not PRINCIPALE or SYNONYME')
            out.boolean(iri, PK + "principalAppellation", classification == "PRINCIPALE")
        rare = row.flag("peu_usite", YES, NO)
        if rare is not None:
            out.boolean(iri, PK + "rarelyUsed", rare)
        self.flags(row, iri, job=True)
        self.counts["appellations"] += 1

    # -- skills, knowledge, work contexts

    def _category(self, row: Row, kind: str, cat_col: str, sub_col: str, iri: str, prop: str) -> None:
        cat = clean_text(row.get(cat_col))
        if not cat:
            return
        cat_slug = slug(cat)
        if not cat_slug:
            raise row.fail(cat_col, f'"{cat}" is not a category name')
        cat_iri = f"{ROME}{kind}-category/{cat_slug}"
        self.concept(cat_iri, "category", cat)
        sub = clean_text(row.get(sub_col))
        if sub:
            sub_slug = slug(sub)
            if not sub_slug:
                raise row.fail(sub_col, f'"{sub}" is not a category name')
            sub_iri = f"{cat_iri}/{sub_slug}"
            if sub_iri not in self.concepts:
                self.concept(sub_iri, "category", sub)
                self.out.iri(sub_iri, BROADER, cat_iri)
            self.out.iri(iri, PK + prop, sub_iri)
        else:
            self.out.iri(iri, PK + prop, cat_iri)

    def skill_row(self, row: Row) -> None:
        out = self.out
        ogr = row.code("code_ogr", OGR, "a skill number (OGR code)")
        iri = f"{ROME}skill/{ogr}"
        label = self.label(row, "libelle_competence")
        nature = row.get("nature").strip()
        if nature not in ("Compétence", "Macro-compétence", ""):
            raise row.fail("nature", f'"{nature}" is not "Compétence" or "Macro-compétence"')
        macro = nature == "Macro-compétence"
        self.concept(iri, "skill", label, PK + ("RomeMacroSkill" if macro else "RomeSkill"), ogr)
        if macro:
            out.a(iri, PK + "RomeSkill")
            code = row.code("code_macro_comp", SMALL_CODE, "a macro-skill code", required=False)
            if code:
                out.text(iri, NOTATION, code, None)
        out.text(iri, SKOS + "definition", clean_text(row.get("definition")))
        parent = row.code("code_ogr_macro_comp", OGR, "an OGR number", required=False)
        if parent:
            out.iri(iri, BROADER, f"{ROME}skill/{parent}")
        self._category(row, "skill", "cat_comp", "sous_cat_comp", iri, "skillCategory")
        self.flags(row, iri, job=False)
        self.item_kind[ogr] = "skill"
        self.counts["skills"] += 1

    def knowledge_row(self, row: Row) -> None:
        ogr = row.code("code_ogr_savoir", OGR, "a knowledge number (OGR code)")
        iri = f"{ROME}knowledge/{ogr}"
        self.concept(iri, "knowledge", self.label(row, "libelle_savoir"), PK + "RomeKnowledge", ogr)
        self._category(
            row, "knowledge", "categorie_savoir", "sous_categorie_savoir", iri, "knowledgeCategory"
        )
        self.flags(row, iri, job=False)
        self.item_kind[ogr] = "knowledge"
        self.counts["knowledge"] += 1

    def work_context_row(self, row: Row) -> None:
        ogr = row.code("code_ogr", OGR, "a work-context number (OGR code)")
        iri = f"{ROME}work-context/{ogr}"
        self.concept(
            iri, "work-context", self.label(row, "libelle_cont_travail"), PK + "RomeWorkContext", ogr
        )
        type_code = row.code("code_type_cont_trav", SMALL_CODE, "a work-context type code", required=False)
        if type_code:
            type_iri = f"{ROME}work-context-type/{type_code}"
            self.concept(
                type_iri, "work-context", self.label(row, "libelle_type_cont_trav"), notation=type_code
            )
            self.out.iri(iri, BROADER, type_iri)
        self.item_kind[ogr] = "work-context"
        self.counts["work contexts"] += 1

    def skill_tree_row(self, row: Row) -> None:
        """Skill domain → stake → objective → macro-skill (unix_arborescence_competences)."""
        chain = []
        for code_col, label_col, kind in (
            ("code_domaine_competence", "domaine_competence", "skill-domain"),
            ("code_enjeu", "enjeu", "skill-stake"),
            ("code_objectif", "objectif", "skill-objective"),
        ):
            code = row.code(code_col, SMALL_CODE, "a code")
            iri = f"{ROME}{kind}/{code}"
            if iri not in self.concepts:
                self.concept(iri, "skill-tree", self.label(row, label_col), notation=code)
                if chain:
                    self.out.iri(iri, BROADER, chain[-1])
            chain.append(iri)
        macro = row.code("code_ogr_macro_competence", OGR, "an OGR number")
        self.out.iri(f"{ROME}skill/{macro}", BROADER, chain[-1])

    # -- domains

    def grand_domain_row(self, row: Row) -> None:
        code = row.code("code_grand_domaine", GRAND_DOMAIN, "a grand-domain letter (A–N)")
        iri = f"{ROME}domain/{code}"
        self.concept(iri, "domain", self.label(row, "libelle_grand_domaine"), PK + "ProfessionalDomain", code)
        self.out.iri(iri, SKOS + "topConceptOf", scheme_iri("domain"))

    def domain_row(self, row: Row) -> None:
        code = row.code("code_domaine_professionnel", DOMAIN, "a professional-domain code (e.g. K18)")
        iri = f"{ROME}domain/{code}"
        self.concept(
            iri, "domain", self.label(row, "libelle_domaine_professionnel"), PK + "ProfessionalDomain", code
        )
        self.out.iri(iri, BROADER, f"{ROME}domain/{code[0]}")

    def code_domain_row(self, row: Row) -> None:
        code = self.code_ref(row, "code_rome")
        grand = row.code("code_grand_domaine", GRAND_DOMAIN, "a grand-domain letter (A–N)")
        domain = row.code("code_domaine_professionel", DOMAIN, "a professional-domain code (e.g. K18)")
        if domain[0] != grand:
            raise row.fail("code_domaine_professionel", f"{domain} is not in grand domain {grand}")
        grand_iri, domain_iri = f"{ROME}domain/{grand}", f"{ROME}domain/{domain}"
        if grand_iri not in self.concepts:
            self.concept(
                grand_iri,
                "domain",
                self.label(row, "libelle_grand_domaine"),
                PK + "ProfessionalDomain",
                grand,
            )
            self.out.iri(grand_iri, SKOS + "topConceptOf", scheme_iri("domain"))
        if domain_iri not in self.concepts:
            label = self.label(row, "libelle_domaine_professionel")
            self.concept(domain_iri, "domain", label, PK + "ProfessionalDomain", domain)
            self.out.iri(domain_iri, BROADER, grand_iri)
        self.out.iri(code, PK + "professionalDomain", domain_iri)

    # -- links of each code

    def link_row(self, row: Row) -> None:
        code = self.code_ref(row, "code_rome")
        block = row.code("code_compo_bloc", NUMBER, "a block number")
        section = row.code("code_rubrique", NUMBER, "a section number", required=False)
        ogr = row.code("code_ogr", OGR, "an OGR number")
        if block == "5":
            if section in ("1", "2"):
                self.out.iri(code, PK + "requiresSkill", f"{ROME}skill/{ogr}")
                self.item_kind.setdefault(ogr, "skill")
            elif section == "3":
                self.out.iri(code, PK + "requiresKnowledge", f"{ROME}knowledge/{ogr}")
                self.item_kind.setdefault(ogr, "knowledge")
            else:
                raise row.fail("code_rubrique", f'"{section}" is not a skills section (1, 2 or 3)')
        elif block == "6":
            self.out.iri(code, PK + "workContext", f"{ROME}work-context/{ogr}")
            self.item_kind.setdefault(ogr, "work-context")
        else:  # blocks 1 (the code itself) and 2 (its job titles) repeat the main tables
            return
        self.counts["links"] += 1

    def core_row(self, row: Row) -> None:
        value = row.get("coeur_metier").strip()
        if not value:
            return
        if value == "Principale":
            prop = "coreItem"
        elif value in ("Émergente", "Emergente"):
            prop = "emergingItem"
        else:
            raise row.fail("coeur_metier", f'"{value}" is not "Principale", "Émergente" or empty')
        code = self.code_ref(row, "code_rome")
        ogr = row.code("code_ogr", OGR, "an OGR number")
        kind = self.item_kind.get(ogr)
        if kind is None:
            self.counts["core/emerging items of unknown kind (skipped)"] += 1
            return
        self.out.iri(code, PK + prop, f"{ROME}{kind}/{ogr}")
        self.counts[f"{prop} links"] += 1

    def mobility_row(self, row: Row) -> None:
        source, target = self.code_ref(row, "code_rome"), self.code_ref(row, "code_rome_cible")
        self.out.iri(source, PK + "mobilityTo", target)
        # The move itself, with its rank in ROME's list (numero_ordre): mobility-from-rome
        # gives the moves in France Travail's order, which the plain link cannot carry.
        move = f"{ROME}mobility/{source.removeprefix(ROME)}-{target.removeprefix(ROME)}"
        self.out.a(move, PK + "Mobility")
        self.out.iri(move, PK + "mobilitySource", source)
        self.out.iri(move, PK + "mobilityTarget", target)
        order = row.code("numero_ordre", NUMBER, "a rank (a number)", required=False)
        if order:
            self.out.typed(move, PK + "order", str(int(order)), XSD + "integer")
        self.counts["mobility links"] += 1

    def _riasec(self, row: Row, iri: str) -> None:
        for column, prop in (("riasec_majeur", "riasecMajor"), ("riasec_mineur", "riasecMinor")):
            letter = row.code(column, RIASEC, "a RIASEC letter (R, I, A, S, E or C)", required=False)
            if letter:
                target = f"{ROME}riasec/{letter}"
                if target not in self.concepts:
                    fr, en = RIASEC_LABELS[letter]
                    self.concept(target, "riasec", fr, notation=letter)
                    self.out.text(target, PREF, en, "en")
                self.out.iri(iri, PK + prop, target)

    def code_riasec_row(self, row: Row) -> None:
        self._riasec(row, self.code_ref(row, "code_rome"))

    def macro_riasec_row(self, row: Row) -> None:
        self._riasec(row, f"{ROME}skill/{row.code('code_ogr', OGR, 'an OGR number')}")

    def text_row(self, row: Row) -> None:
        code = row.code("code_rome", ROME_CODE, "a ROME code")
        kind = row.get("libelle_type_texte").strip()
        if kind not in ("definition", "acces_metier"):
            raise row.fail("libelle_type_texte", f'"{kind}" is not "definition" or "acces_metier"')
        position = int(row.code("position_phrase", NUMBER, "a sentence position"))
        text = clean_text(row.get("libelle_texte"))
        if text:
            self.texts[(code, kind)].append((position, text))

    def finish_texts(self) -> None:
        for (code, kind), sentences in sorted(self.texts.items()):
            prop = SKOS + "definition" if kind == "definition" else PK + "accessToJob"
            self.out.text(ROME + code, prop, "\n".join(t for _, t in sorted(sentences)))
            self.counts["texts"] += 1

    # -- classifications: themes, interest centres, sectors

    def _classified(self, row: Row, key: str, code_col: str, label_col: str) -> str:
        code = row.code(code_col, SMALL_CODE, "a code")
        iri = f"{ROME}{key}/{code}"
        self.concept(iri, key, self.label(row, label_col), notation=code)
        return iri

    def theme_row(self, row: Row) -> None:
        iri = self._classified(row, "theme", "code_theme", "libelle_theme")
        self.out.text(iri, SKOS + "definition", clean_text(row.get("definition_theme")))

    def code_theme_row(self, row: Row) -> None:
        iri = self._classified(row, "theme", "code_theme", "libelle_theme")
        self.out.iri(self.code_ref(row, "code_rome"), PK + "theme", iri)

    def interest_row(self, row: Row) -> None:
        iri = self._classified(row, "interest", "code_centre_interet", "libelle_centre_interet")
        self.out.text(iri, SKOS + "definition", clean_text(row.get("definition_centre_interet")))

    def code_interest_row(self, row: Row) -> None:
        iri = self._classified(row, "interest", "code_centre_interet", "libelle_centre_interet")
        self.out.iri(self.code_ref(row, "code_rome"), PK + "interestCentre", iri)

    def sector_row(self, row: Row) -> None:
        iri = self._classified(row, "activity-sector", "code_sect_activite", "libelle_sect_activite")
        self.out.text(iri, SKOS + "definition", clean_text(row.get("definition_sect_activite")))

    def subsector_row(self, row: Row) -> None:
        iri = self._classified(row, "activity-sector", "code_ss_sect_activite", "libelle_ss_sect_activite")
        parent = row.code("code_sect_activite", SMALL_CODE, "a sector code")
        self.out.iri(iri, BROADER, f"{ROME}activity-sector/{parent}")

    def code_sector_row(self, row: Row) -> None:
        iri = self._classified(row, "activity-sector", "code_sect_activite", "libelle_sect_activite")
        if row.get("code_ss_sect_activite").strip():
            sub = self._classified(
                row, "activity-sector", "code_ss_sect_activite", "libelle_ss_sect_activite"
            )
            self.out.iri(sub, BROADER, iri)
            iri = sub
        self.out.iri(self.code_ref(row, "code_rome"), PK + "activitySector", iri)

    def naf_row(self, row: Row) -> None:
        self._classified(row, "naf-sector", "code_secteur_naf", "libelle_secteur_naf")

    def code_naf_row(self, row: Row) -> None:
        iri = self._classified(row, "naf-sector", "code_secteur_naf", "libelle_secteur_naf")
        self.out.iri(self.code_ref(row, "code_rome"), PK + "nafSector", iri)


#: Tables in the order they are read (codes first: job titles are checked against them;
#: referentials before links: links learn the kind of each item from them).
ORDER: list[tuple[str, Callable[[RomeWriter, Row], None]]] = [
    ("referentiel_code_rome", RomeWriter.code_row),
    ("referentiel_appellation", RomeWriter.appellation_row),
    ("referentiel_competence", RomeWriter.skill_row),
    ("referentiel_savoir", RomeWriter.knowledge_row),
    ("referentiel_contexte_travail", RomeWriter.work_context_row),
    ("arborescence_competences", RomeWriter.skill_tree_row),
    ("grand_domaine", RomeWriter.grand_domain_row),
    ("domaine_professionnel", RomeWriter.domain_row),
    ("cr_gd_dp", RomeWriter.code_domain_row),
    ("liens_rome_referentiels", RomeWriter.link_row),
    ("coherence_item", RomeWriter.core_row),
    ("rubrique_mobilite", RomeWriter.mobility_row),
    ("referentiel_code_rome_riasec", RomeWriter.code_riasec_row),
    ("referentiel_macro_competence_riasec", RomeWriter.macro_riasec_row),
    ("texte", RomeWriter.text_row),
    ("themes", RomeWriter.theme_row),
    ("arborescence_thematique", RomeWriter.code_theme_row),
    ("centre_interet", RomeWriter.interest_row),
    ("arborescence_centre_interet", RomeWriter.code_interest_row),
    ("secteur_activite", RomeWriter.sector_row),
    ("sous_secteur_activite", RomeWriter.subsector_row),
    ("arborescence_secteur_activite", RomeWriter.code_sector_row),
    ("secteur_naf", RomeWriter.naf_row),
    ("arborescence_secteur_naf", RomeWriter.code_naf_row),
]


def write_provenance(out: NQuads, version: str, files: list[str], source: str, received: str) -> None:
    """The graph's provenance: the release (version, publisher, licence) and its files."""
    out.iri(GRAPH, PROV + "wasDerivedFrom", source)
    out.text(GRAPH, DCT + "title", f"Référentiel ROME 4.0 de France Travail, version {version}")
    out.text(GRAPH, DCT + "title", f"France Travail's ROME 4.0 referential, release {version}", "en")
    out.a(source, PK + "SourceDocument")
    out.text(
        source, DCT + "title", f"ROME 4.0 — Répertoire opérationnel des métiers et des emplois, {version}"
    )
    out.text(source, OWL + "versionInfo", version, None)
    out.text(source, DCT + "publisher", "France Travail")
    out.iri(source, DCT + "license", LICENCE)
    out.text(source, DCT + "type", "référentiel (données ouvertes)")
    out.text(source, DCT + "type", "referential (open data)", "en")
    describe_source(out, source, received, files)
    for key, (_tail, fr, en) in SCHEMES.items():
        iri = scheme_iri(key)
        out.a(iri, SKOS + "ConceptScheme")
        out.text(iri, PREF, fr)
        out.text(iri, PREF, en, "en")
        out.iri(iri, DCT + "source", source)
        out.text(iri, OWL + "versionInfo", version, None)


def generate(release: Release, out: NQuads, report: ImportReport, progress: Progress) -> None:
    """Write the triples of a whole ROME release to ``out``."""
    version, tables = find_tables(release)
    progress(f"rome: release {version}, {len(tables)} files in {release.path}")
    for table, spec in TABLES.items():
        if table not in tables:
            message = f"unix_{table}_{version}_utf8.csv is missing from this copy: {spec.missing} left out"
            progress(f"  {message}")
            report.warnings.append(message)
    for table in sorted(tables):
        if table not in TABLES and table in IGNORED:
            progress(f"  {tables[table]}: not imported ({IGNORED[table]})")
        elif table not in TABLES:
            progress(f"  {tables[table]}: not a table progkg knows; skipped")
    source = f"{ID}source/rome-{version}"
    files = sorted(tables[t] for t in tables if t in TABLES)
    write_provenance(out, version, files, source, release.path.resolve().name)
    writer = RomeWriter(out, source)
    for table, method in ORDER:
        if table not in tables:
            continue
        name = tables[table]
        data: Table = read_release_csv(release, name, TABLES[table].columns, progress)
        before = out.count
        rows = 0
        for row in data.rows:
            method(writer, row)
            rows += 1
        if rows == 0 and TABLES[table].required:
            raise ProgkgError(located(data.display, "the table has no rows", 2))
        progress(f"  {name}: {rows} rows → {out.count - before} triples")
    writer.finish_texts()
    report.counts.update(writer.counts)


def import_rome(path: Path, build_dir: Path, progress: Progress, res: object | None = None) -> ImportReport:
    """Import a ROME release (folder or zip) into ``build_dir``, replacing any previous one."""
    return import_release("rome", GRAPH, generate, path, build_dir, progress, res)

"""The pages' own words, in French (the default) and English.

Labels from the graph are shown in the page's language where the graph has it (an ``@en``
label), and in French otherwise, marked ``lang="fr"`` so that a screen reader pronounces them
right. The language is chosen by ``?lang=fr|en`` (kept in a cookie) and the switch at the top
of every page.
"""

from __future__ import annotations

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

TEXT: dict[str, tuple[str, str]] = {
    "site": (
        "progkg — formations, certifications et métiers",
        "progkg — programmes, certifications and jobs",
    ),
    "skip": ("Aller au contenu", "Skip to content"),
    "search": ("Rechercher", "Search"),
    "search_label": (
        "Un métier, un code ROME ou RNCP, une formation, un établissement",
        "A job, a ROME or RNCP code, a programme, an institution",
    ),
    "search_placeholder": (
        "chargé de communication, K1802, science politique Lille",
        "chargé de communication, K1802, science politique Lille",
    ),
    "home_intro": (
        "Cherchez un métier, une formation, une certification ou un code ROME, puis suivez les liens : "
        "chaque chose du graphe a sa page, et chaque fait dit de quel document il vient.",
        "Look up a job, a programme, a certification or a ROME code, then follow the links: every thing "
        "of the graph has its page, and every fact says which document it comes from.",
    ),
    "browse": ("Parcourir", "Browse"),
    "all_programmes": ("Toutes les formations", "All programmes"),
    "sparql": ("Requêtes SPARQL", "SPARQL queries"),
    "sparql_page": ("La page de requêtes SPARQL (Oxigraph)", "The SPARQL query page (Oxigraph)"),
    "results_for": ("Résultats pour", "Results for"),
    "no_result": ("Rien ne correspond à", "Nothing matches"),
    "close": ("Proche :", "Close:"),
    "more_results": ("Voir tout", "See all"),
    "kind_programme": ("Formations", "Programmes"),
    "kind_parcours": ("Parcours", "Parcours"),
    "kind_certification": ("Certifications (fiches RNCP/RS)", "Certifications (RNCP/RS fiches)"),
    "kind_rome": ("Codes ROME", "ROME codes"),
    "kind_job": ("Métiers (intitulés)", "Job titles"),
    "kind_institution": ("Établissements", "Institutions"),
    "kind_sector": ("Secteurs", "Sectors"),
    "kind_thing": ("Élément du graphe", "Thing of the graph"),
    "one_programme": ("Formation", "Programme"),
    "one_parcours": ("Parcours", "Parcours"),
    "one_certification": ("Certification", "Certification"),
    "one_rome": ("Code ROME", "ROME code"),
    "one_job": ("Métier", "Job title"),
    "one_institution": ("Établissement", "Institution"),
    "one_sector": ("Secteur", "Sector"),
    "one_thing": ("Élément", "Thing"),
    "iri": ("IRI", "IRI"),
    "data": ("Données", "Data"),
    "programme": ("Formation", "Programme"),
    "institution": ("Établissement", "Institution"),
    "institutions": ("Établissements", "Institutions"),
    "parcours_list": ("Parcours", "Parcours"),
    "structure": ("Semestres, unités d'enseignement et cours", "Semesters, teaching units and courses"),
    "structure_cut": ("liste coupée : trop d'éléments", "list cut short: too many items"),
    "semester": ("Semestre", "Semester"),
    "unit": ("Unité", "Unit"),
    "course": ("Cours", "Course"),
    "hours": ("Heures", "Hours"),
    "hours_cm": ("CM (h)", "Lectures (h)"),
    "hours_td": ("TD (h)", "Tutorials (h)"),
    "ects": ("ECTS", "ECTS"),
    "total": ("Total", "Total"),
    "no_unit": ("hors unité", "no unit"),
    "competencies": ("Compétences certifiées", "Competencies certified"),
    "jobs": ("Métiers visés", "Jobs it leads to"),
    "rome_codes": ("Codes ROME", "ROME codes"),
    "not_mapped": ("pas encore rattaché au ROME", "not mapped to ROME yet"),
    "similar": ("Parcours proches", "Similar parcours"),
    "score": ("score", "score"),
    "routes": ("Voies d'accès", "Access routes"),
    "route_open_unknown": ("ouverture non précisée", "openness not stated"),
    "windows": ("Candidatures", "Applications"),
    "from_to": ("du {start} au {end}", "from {start} to {end}"),
    "apply_at": ("où candidater", "where to apply"),
    "certifications": ("Certifications", "Certifications"),
    "blocks": ("Blocs de compétences", "Competency blocks"),
    "certifiers": ("Certificateurs (établissements qui délivrent)", "Certifiers (awarding institutions)"),
    "carried_by": ("Formations qui y mènent", "Programmes leading to it"),
    "successions": ("Certifications liées (successions)", "Related certifications (successions)"),
    "appellations": ("Intitulés de métier", "Job titles"),
    "parent_code": ("Code parent", "Parent code"),
    "sub_codes": ("Sous-codes", "Sub-codes"),
    "mobility": ("Mobilités proposées par le ROME", "Moves ROME proposes"),
    "leading_here": ("Formations qui y préparent", "Programmes preparing for it"),
    "esco": ("Métiers ESCO", "ESCO occupations"),
    "no_esco": ("aucun (le graphe n'a pas encore d'import ESCO)", "none (no ESCO import in the graph yet)"),
    "holders": ("Formations et parcours qui le visent", "Programmes and parcours leading to it"),
    "via": ("par", "via"),
    "mappings": ("Correspondances", "Mappings"),
    "provides": ("Formations proposées", "Programmes it provides"),
    "certifies": ("Certifications délivrées", "Certifications it awards"),
    "sub_orgs": ("Composantes", "Parts"),
    "parent_org": ("Rattaché à", "Part of"),
    "targeted_by": ("Parcours qui visent ce secteur", "Parcours targeting this sector"),
    "facts": ("Tout ce que le graphe en dit, par source", "Everything the graph says about it, by source"),
    "according_to": ("Selon", "According to"),
    "more_sources": (
        "… et {n} autres sources en disent aussi quelque chose (la requête sources-of les liste toutes)",
        "… and {n} more sources state something about it (the sources-of query lists them all)",
    ),
    "pointing": ("Ce qui y renvoie", "What points at it"),
    "sources": ("Sources", "Sources"),
    "derived_source": (
        "calculé par progkg build (certifications, métiers et correspondances)",
        "computed by progkg build (certifications, job titles and mappings)",
    ),
    "next": ("Suivants", "Next"),
    "previous": ("Précédents", "Previous"),
    "page_n": ("page {n}", "page {n}"),
    "none": ("aucun", "none"),
    "picture_structure": (
        "Structure : semestres et unités, proportionnelles aux heures",
        "Structure: semesters and units, in proportion to hours",
    ),
    "picture_structure_legend": (
        "largeur d'une unité = ses heures (CM + TD)",
        "a unit's width = its hours (lectures + tutorials)",
    ),
    "picture_neighbourhood": (
        "Voisinage du code ROME : formations et mobilités",
        "The ROME code's neighbourhood: programmes and moves",
    ),
    "picture_left": ("formations qui y préparent", "programmes preparing for it"),
    "picture_right": ("mobilités (ordre du ROME)", "moves (ROME's order)"),
    "picture_more": ("… et d'autres (liste ci-dessous)", "… and more (list below)"),
    "n_programmes": ("{n} formation(s)", "{n} programme(s)"),
    "not_found": ("Introuvable", "Not found"),
    "not_found_text": ("Le graphe ne dit rien de cette IRI.", "The graph says nothing about this IRI."),
    "language": ("Langue", "Language"),
    "switch_to": ("English", "Français"),
    "formats": ("Cette page en RDF :", "This page as RDF:"),
    "too_long": ("texte trop long (200 caractères au plus)", "text too long (200 characters at most)"),
    "count": ("{n} éléments", "{n} items"),
}


def translator(lang: str):  # noqa: ANN201 — a callable (key, **values) -> str
    """The function templates call as ``t("key")`` for the page's language."""
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = TEXT.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t

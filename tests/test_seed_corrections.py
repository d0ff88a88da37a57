"""The seed data audit of issue 14 (item 9): each correction, checked on the built graph.

Why: the curated graphs must keep the documents' words and state the same kind of fact the same
way in every file, or a question asked of one document gets a different kind of answer from
another. Where ../shared/seeds is present the document text itself is read back.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from test_seed_facts import MPT, RNCP_SEED, SEEDS, select, values

from progkg.store import open_store

GRAPH = "https://w3id.org/progkg/graph/seeds/"
ID = "https://w3id.org/progkg/id/"
PK = "https://w3id.org/progkg/ontology#"
CPDP = ID + "parcours/lille2/communication-publique-et-democratie-participative"
PARIS1_SEED = "000_305d70962c9adc71.txt"
IAE_SEED = "002_e8f8072abec39bc8.txt"

ENGLISH_TITLES = {
    "European Policies and Project Management",
    "Transnational mobilisations and international solidarity",
    "Comparative multicultural policies",
    "European politics and policy-making",
    "Actors and case studies",
    "European funds : EU’s perspective",
    "Public Management in the EU",
    "EU projects: Bases on EU law and budget",
    "EU projects: From design to evaluation",
    "EU projects: Networking and communication",
    "Networking and Lobbying in the EU",
    "Political science : state of the art",
    "Humanitarian Project Management",
    "Humanitarian Projects: from design to evaluation",
    "Projects implementation",
}


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    return open_store(built)


def document(name: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    return (SEEDS / name).read_text(encoding="utf-8")


def test_collectivites_territoriales_in_the_fiche_s_case(store: ox.Store) -> None:
    labels = values(store, f"SELECT ?x WHERE {{ <{ID}sector/collectivites-territoriales> rdfs:label ?x }}")
    assert labels == {"collectivités territoriales", "Local authorities"}
    assert "- collectivités territoriales\n" in document(RNCP_SEED)


def test_english_titles_of_the_fiche_are_tagged_en(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?x (LANG(?x) AS ?lang) WHERE {{ GRAPH <{GRAPH}rncp24759> {{
            ?s rdfs:label|schema:name ?x FILTER(isLiteral(?x)) }} }}""",
    )
    tagged = {}
    for row in rows:
        tagged.setdefault(row["x"].value, set()).add(row["lang"].value)
    for title in ENGLISH_TITLES:
        assert tagged.get(title) == {"en"}, title
        assert title in document(RNCP_SEED), title


def test_contact_and_partner_labels_are_the_documents_words(store: ox.Store) -> None:
    contacts = values(
        store,
        f"""SELECT ?x WHERE {{ GRAPH <{GRAPH}paris1-m2-cipt> {{
            ?c a pk:ContactPoint ; rdfs:label ?x FILTER(lang(?x) = 'fr') }} }}""",
    )
    assert contacts == {"Responsable de la formation", "Responsable administrative"}
    brochure = document(PARIS1_SEED).lower()
    assert all(c.lower() in brochure for c in contacts)
    aab = values(store, f"SELECT ?x WHERE {{ <{ID}org/ecole-aab> rdfs:label|schema:name ?x }}")
    assert aab == {"Ecole AAB"}
    assert "Ecole AAB" in document(IAE_SEED)


def test_compulsory_only_where_the_document_says_it(store: ox.Store) -> None:
    """Paris 1 prints "Cours obligatoire" on each course; the fiche and the IAE brochure never do."""
    per_graph = {
        row["g"].value.rsplit("/", 1)[1]: int(row["n"].value)
        for row in select(
            store,
            """SELECT ?g (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a pk:Course ; pk:compulsory true } }
               GROUP BY ?g""",
        )
    }
    assert per_graph == {"paris1-m2-cipt": document(PARIS1_SEED).count("Cours obligatoire")}
    assert "obligatoire" not in document(RNCP_SEED).lower()
    # What the fiche does say: "au choix", "A ou B", "Stage optionnel" (false, never absent there).
    optional = values(
        store,
        f"SELECT ?x WHERE {{ GRAPH <{GRAPH}rncp24759> {{ ?c pk:compulsory false ; rdfs:label ?x }} }}",
    )
    assert "Stage optionnel (4 semaine minimum)" in optional and "Régimes politiques comparés" in optional


def test_related_programme_holds_both_ways(store: ox.Store) -> None:
    one_way = select(
        store,
        "SELECT ?a ?b WHERE { ?a pk:relatedProgramme ?b FILTER NOT EXISTS { ?b pk:relatedProgramme ?a } }",
    )
    assert one_way == []
    ge2s = ID + "parcours/univ-lille/m2-gestion-des-entreprises-sanitaires-et-sociales"
    assert values(store, f"SELECT ?x WHERE {{ <{ge2s}> pk:relatedProgramme ?x }}") == {MPT}


def test_cpdp_sector_lines_are_sectors_not_jobs(store: ox.Store) -> None:
    sectors = values(store, f"SELECT ?x WHERE {{ <{CPDP}> pk:targetsSector/rdfs:label ?x }}")
    jobs = values(store, f"SELECT ?x WHERE {{ <{CPDP}> pk:leadsTo/rdfs:label ?x }}")
    assert len(sectors) == 3 and "Collectivités locales" in sectors
    assert len(jobs) == 6 and not sectors & jobs
    assert not select(store, "SELECT ?j WHERE { ?j a pk:JobTitle ; rdfs:label 'Collectivités locales'@fr }")
    notes = values(store, f"SELECT ?x WHERE {{ <{CPDP}> skos:note ?x FILTER(lang(?x) = 'fr') }}")
    assert any("Types d'emplois accessibles" in n and "Collectivités locales" in n for n in notes)


def test_iae_units_are_only_those_the_brochure_names(store: ox.Store) -> None:
    units = values(
        store,
        f"SELECT ?x WHERE {{ GRAPH <{GRAPH}iae-lille-m2-mpt> {{ ?u a pk:TeachingUnit ; schema:name ?x }} }}",
    )
    count = select(
        store,
        f"SELECT (COUNT(?u) AS ?n) WHERE {{ GRAPH <{GRAPH}iae-lille-m2-mpt> {{ ?u a pk:TeachingUnit }} }}",
    )
    assert int(count[0]["n"].value) == len(units) == 5
    brochure = document(IAE_SEED)
    assert all(f"UE : {u}" in brochure or f"UE{u}" in brochure for u in units)
    assert not values(
        store, "SELECT ?x WHERE { ?u a pk:TeachingUnit ; rdfs:label ?x FILTER(STRSTARTS(?x, 'BCC')) }"
    )


def test_internship_minimums_sit_on_the_internship_in_every_file(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT ?g ?x ?m WHERE { GRAPH ?g { ?x pk:minimumWeeks|pk:minimumMonths ?m } }""",
    )
    assert {r["g"].value.rsplit("/", 1)[1] for r in rows} == {"rncp24759", "iae-lille-m2-mpt"}
    for row in rows:
        x = row["x"].value
        assert values(store, f"SELECT ?t WHERE {{ <{x}> a ?t }}", "t") == {PK + "Course"}, x
        assert select(store, f"SELECT ?p WHERE {{ ?p pk:internship <{x}> }}"), x
    mpt = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:internship/pk:minimumMonths ?x }}")
    assert mpt == {"3"}

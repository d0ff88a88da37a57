"""The facts of the three seed documents are answerable by SPARQL over the built graph.

Why: the curated Turtle is only worth something if a user's question about a document
(its ROME codes, ECTS, hours, job titles, admission…) gets the document's answer. The
expected values below are read off the documents; where ../shared/seeds is present, some
tests also re-read the documents themselves and compare them with the graph, so that a
transcription slip (a forgotten job title, a wrong ECTS) fails a test.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg.namespaces import SPARQL_PREFIXES
from progkg.store import open_store

ID = "https://w3id.org/progkg/id/"
CERT = ID + "rncp/RNCP24759"
LILLE2 = ID + "programme/lille2/master-science-politique"
LILLE2_PARCOURS = ID + "parcours/lille2/"
CIPT = ID + "parcours/paris1/m2-communication-institutionnelle-politique-territoires"
MPT = ID + "parcours/univ-lille/m2-management-public-territorial"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
RNCP_SEED = "001_1cd0c9b204065889.txt"

PARCOURS_SLUGS = {  # parcours name in the fiche → its IRI slug
    "Communication publique et démocratie participative": "communication-publique-et-democratie-"
    "participative",
    "European Policies and Project Management": "european-policies-and-project-management",
    "Ingénierie de projet en politiques urbaines": "ingenierie-de-projet-en-politiques-urbaines",
    "Management des collectivités territoriales": "management-des-collectivites-territoriales",
    "Métiers de la recherche en science politique": "metiers-de-la-recherche-en-science-politique",
    "Solidarité internationale, action humanitaire et crises": "solidarite-internationale-action-"
    "humanitaire-et-crises",
}


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    return open_store(built)


def select(store: ox.Store, query: str) -> list[dict[str, ox.Term]]:
    """Rows of a SELECT over the union of all named graphs, as name → term."""
    solutions = store.query(SPARQL_PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in solutions]


def values(store: ox.Store, query: str, var: str = "x") -> set[str]:
    return {row[var].value for row in select(store, query) if var in row}


def number(term: ox.Term) -> Decimal:
    return Decimal(term.value)


def seeds_or_skip() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    return SEEDS


def clean_item(line: str) -> str:
    """A list item as the curated files keep it: no dash, no trailing comma, single spaces."""
    text = line.strip()
    if text.startswith("- "):
        text = text[2:]
    return re.sub(r"\s+", " ", text).strip().rstrip(",").strip()


# --- RNCP24759 ------------------------------------------------------------------------------


def test_rncp24759_names_exactly_its_four_rome_codes(store: ox.Store) -> None:
    rows = select(store, f"SELECT ?code ?label WHERE {{ <{CERT}> pk:rome ?r . ?r skos:notation ?code . }}")
    assert {r["code"].value for r in rows} == {"K1401", "K1404", "K1802", "M1403"}
    labels = values(
        store,
        f"""SELECT ?x WHERE {{ GRAPH pkg:seeds\\/rncp24759 {{ <{ID}rome/K1802> rdfs:label ?x }} }}""",
    )
    assert labels == {"Développement local"}


def test_rncp24759_level_domain_legal_basis_and_validity(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?eqf ?lvl ?nsf ?date ?validity ?certifier ?vae WHERE {{
            <{CERT}> pk:rncpCode "RNCP24759" ; pk:eqfLevel ?eqf ; pk:nationalLevel ?l ; pk:nsf ?n ;
                pk:legalBasisDate ?date ; pk:validity ?validity ; pk:certifier/rdfs:label ?certifier ;
                pk:vaeLegalBasis ?vae .
            ?l skos:notation ?lvl . ?n skos:notation ?nsf . }}""",
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["eqf"].value == "http://data.europa.eu/snb/eqf/7"
    assert row["lvl"].value == "I"
    assert row["nsf"].value == "128"
    assert row["date"].value == "2015-07-13"
    assert row["validity"].value == "illimitée"
    assert row["certifier"].value == "Université Lille 2 droit et santé"
    assert "2013-756" in row["vae"].value


def test_rncp24759_access_routes_and_juries(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?route ?jury WHERE {{ <{CERT}> pk:accessCondition ?c . ?c pk:route/skos:notation ?route .
            OPTIONAL {{ ?c pk:jury ?jury }} }}""",
    )
    routes = {r["route"].value for r in rows}
    assert {"vae", "apprentissage"} <= routes
    assert routes == {
        "formation-initiale",
        "apprentissage",
        "formation-continue",
        "contrat-professionnalisation",
        "candidature-individuelle",
        "vae",
    }
    with_jury = {r["route"].value for r in rows if "jury" in r}
    assert with_jury == {"formation-initiale", "formation-continue", "candidature-individuelle", "vae"}


def test_rncp24759_lost_yes_no_column_is_not_guessed(store: ox.Store) -> None:
    assert not select(store, f"SELECT ?c WHERE {{ <{CERT}> pk:accessCondition ?c . ?c pk:open ?o }}")
    assert not select(store, f"SELECT ?t WHERE {{ <{CERT}> pk:accessibleIn ?t }}")
    notes = values(store, f"SELECT ?x WHERE {{ <{CERT}> skos:note ?x FILTER(lang(?x) = 'en') }}")
    assert any("Oui" in n and "lost" in n for n in notes)
    assert any("Polynésie" in n for n in notes)


def test_programme_and_its_six_parcours(store: ox.Store) -> None:
    names = values(
        store,
        f"""SELECT ?x WHERE {{ <{LILLE2}> pk:hasParcours ?p ; pk:certification <{CERT}> .
            ?p pk:partOf <{LILLE2}> ; schema:name ?x . }}""",
    )
    assert names == set(PARCOURS_SLUGS)


def test_eppm_leads_to_lobbyiste(store: ox.Store) -> None:
    jobs = values(
        store,
        """SELECT ?x WHERE { ?p schema:name "European Policies and Project Management"@en ;
            pk:leadsTo/rdfs:label ?x }""",
    )
    assert "lobbyiste" in jobs
    assert len(jobs) == 6


def test_job_titles_with_the_same_label_share_one_node(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT ?j (COUNT(DISTINCT ?p) AS ?n) WHERE { ?j rdfs:label "Chargé d’études"@fr .
            ?p pk:leadsTo ?j } GROUP BY ?j""",
    )
    assert len(rows) == 1 and int(rows[0]["n"].value) == 2


ECTS_BY_SEMESTER = {  # semester IRI → (sum of its units' ECTS per the document, units with ECTS)
    LILLE2 + "/s1": (28, 3),
    LILLE2 + "/s2": (28, 3),
    **{
        LILLE2_PARCOURS + slug + f"/s{n}": expected
        for slug, per_sem in {
            "communication-publique-et-democratie-participative": {3: (30, 4), 4: (30, 3)},
            "european-policies-and-project-management": {3: (30, 4), 4: (30, 4)},
            "ingenierie-de-projet-en-politiques-urbaines": {3: (30, 4), 4: (30, 3)},
            "management-des-collectivites-territoriales": {3: (30, 4), 4: (30, 4)},
            "metiers-de-la-recherche-en-science-politique": {3: (32, 2), 4: (0, 0)},
            "solidarite-internationale-action-humanitaire-et-crises": {3: (30, 4), 4: (30, 3)},
        }.items()
        for n, expected in per_sem.items()
    },
}


def ects_sums(store: ox.Store) -> dict[str, tuple[Decimal, int]]:
    rows = select(
        store,
        """SELECT ?sem (SUM(COALESCE(?e, 0)) AS ?total) (COUNT(?u) AS ?n) WHERE {
            ?sem a pk:Semester . OPTIONAL { ?sem pk:hasUnit ?u . ?u pk:ects ?e } } GROUP BY ?sem""",
    )
    return {r["sem"].value: (number(r["total"]), int(r["n"].value)) for r in rows}


@pytest.mark.parametrize("semester", sorted(ECTS_BY_SEMESTER))
def test_semester_ects_sums_match_the_document(store: ox.Store, semester: str) -> None:
    total, units = ECTS_BY_SEMESTER[semester]
    assert ects_sums(store)[semester] == (Decimal(total), units)


def test_rncp_inconsistencies_are_kept(store: ox.Store) -> None:
    sums = ects_sums(store)
    assert sums[LILLE2 + "/s1"][0] == 28
    assert sums[LILLE2 + "/s2"][0] == 28
    assert sums[LILLE2_PARCOURS + "metiers-de-la-recherche-en-science-politique/s3"][0] == 32


def rncp_ects_from_document(text: str) -> dict[tuple[str | None, int], int]:
    """(parcours or None for the common semesters, semester) → sum of '(N ECTS)' in the fiche.

    The semester comes from the headings; a unit printed before any heading of its parcours
    (the EPPM parcours omits "Semestre 3") falls in the semester its number implies.
    """
    sums: dict[tuple[str | None, int], int] = {}
    parcours: str | None = None
    semester: int | None = None
    in_programme = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Descriptif des composantes"):
            in_programme = True
        elif line.startswith("Validité des composantes"):
            break
        if not in_programme:
            continue
        heading = re.match(r"PARCOURS « (.+) » :", line)
        if heading:
            parcours, semester = heading.group(1), None
            continue
        sem = re.fullmatch(r"Semestre (\d)", line)
        if sem:
            semester = int(sem.group(1))
            continue
        unit = re.match(r"UE (\d+) ", line)
        if unit:
            number_ = int(unit.group(1))
            by_number = 1 if number_ <= 3 else 2 if number_ <= 6 else 3 if number_ <= 10 else 4
            if semester is not None:
                assert semester == by_number, line
            ects = re.search(r"\((\d+) ECTS\)", line)
            key = (parcours, by_number)
            sums[key] = sums.get(key, 0) + (int(ects.group(1)) if ects else 0)
    return sums


def test_every_semester_ects_sum_matches_the_fiche_text(store: ox.Store) -> None:
    text = (seeds_or_skip() / RNCP_SEED).read_text(encoding="utf-8")
    expected = rncp_ects_from_document(text)
    assert len(expected) == 14
    sums = ects_sums(store)
    for (parcours, sem), total in expected.items():
        owner = LILLE2 if parcours is None else LILLE2_PARCOURS + PARCOURS_SLUGS[parcours]
        assert sums[f"{owner}/s{sem}"][0] == total, (parcours, sem)


def fiche_lists(text: str, heading: str) -> dict[str, list[str]]:
    """For each parcours, the items listed under '<heading> « parcours »'."""
    lists: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        match = re.match(re.escape(heading) + r" « (.+?) »", line.strip())
        if match:
            current = match.group(1)
            lists[current] = []
            continue
        if current is None:
            continue
        if not line.strip():
            if lists[current]:
                current = None
            continue
        lists[current].append(clean_item(line))
    return lists


@pytest.mark.parametrize(
    ("heading", "prop"),
    [
        ("Types d’emplois accessibles du parcours", "pk:leadsTo"),
        ("Secteur d’activité visé par le parcours", "pk:targetsSector"),
        ("En suivant le parcours", "pk:hasActivity"),
    ],
)
def test_parcours_lists_match_the_fiche_text(store: ox.Store, heading: str, prop: str) -> None:
    text = (seeds_or_skip() / RNCP_SEED).read_text(encoding="utf-8")
    lists = fiche_lists(text, heading)
    sectors = fiche_lists(text, "Secteur d’activité visé par le parcours")
    assert set(lists) == set(PARCOURS_SLUGS)
    for name, items in lists.items():
        if prop == "pk:leadsTo":  # a line the fiche repeats from the sectors is a sector, not a job
            items = [i for i in items if i not in sectors[name]]
        iri = LILLE2_PARCOURS + PARCOURS_SLUGS[name]
        got = values(
            store, f"SELECT ?x WHERE {{ <{iri}> {prop} ?n . ?n rdfs:label ?x FILTER(lang(?x) = 'fr') }}"
        )
        # Exactly the fiche's words, capitals included (the sector shared with Paris 1 too).
        assert got == set(items), name
        assert len(got) == len(items), name


def test_competencies_and_activities_keep_document_order(store: ox.Store) -> None:
    text = (seeds_or_skip() / RNCP_SEED).read_text(encoding="utf-8")
    lists = fiche_lists(text, "Les compétences acquises via le parcours")
    # The first parcours' list has a blank line inside it; read it to the next heading.
    block = text.split("Les compétences acquises via le parcours « Communication publique", 1)[1]
    block = block.split("Les compétences acquises via le parcours « European", 1)[0]
    lists["Communication publique et démocratie participative"] = [
        clean_item(line) for line in block.splitlines()[1:] if line.strip()
    ]
    for name, items in lists.items():
        iri = LILLE2_PARCOURS + PARCOURS_SLUGS[name]
        rows = select(
            store,
            f"""SELECT ?x WHERE {{ <{iri}> pk:hasCompetency ?c . ?c pk:order ?o ; rdfs:label ?x }}
                ORDER BY ?o""",
        )
        assert [r["x"].value for r in rows] == items, name


def test_choice_units_and_alternatives(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?unit ?k (COUNT(?c) AS ?n) (SUM(IF(?comp, 1, 0)) AS ?compulsory) WHERE {{
            <{LILLE2}> pk:hasSemester/pk:hasUnit ?unit . ?unit pk:choiceCount ?k ; pk:hasCourse ?c .
            ?c pk:compulsory ?comp }} GROUP BY ?unit ?k""",
    )
    assert {(r["unit"].value.rsplit("/", 1)[1], int(r["k"].value), int(r["n"].value)) for r in rows} == {
        ("s1-ue2", 2, 4),
        ("s2-ue5", 2, 4),
    }
    assert all(int(r["compulsory"].value) == 0 for r in rows)
    pairs = values(
        store,
        f"""SELECT ?x WHERE {{ <{LILLE2}/s1-ue1> pk:hasCourse ?a . ?a pk:alternativeTo ?b ; rdfs:label ?la .
            ?b rdfs:label ?lb . ?b pk:alternativeTo ?a . ?a pk:compulsory false .
            BIND(CONCAT(STR(?la), " | ", STR(?lb)) AS ?x) }}""",
    )
    assert "TD Sociologie de l'action publique | La mondialisation : enjeux et impact" in pairs
    internships = select(
        store,
        f"""SELECT ?w ?comp WHERE {{ <{LILLE2}/s2-ue6> pk:hasCourse ?c . ?c pk:minimumWeeks ?w ;
            pk:compulsory ?comp }}""",
    )
    assert [(r["w"].value, r["comp"].value) for r in internships] == [("4", "false")]
    mct = select(
        store,
        f"""SELECT ?x WHERE {{
            <{LILLE2_PARCOURS}management-des-collectivites-territoriales/s4-ue14> pk:hasCourse ?c .
            ?c pk:alternativeTo ?other ; rdfs:label ?x }}""",
    )
    assert {r["x"].value for r in mct} == {"Stage (12 semaines minimum)", "Mémoire (et soutenance)"}


def test_eppm_semester_3_is_recorded_as_inferred(store: ox.Store) -> None:
    notes = values(
        store,
        f"SELECT ?x WHERE {{ <{LILLE2_PARCOURS}european-policies-and-project-management/s3> skos:note ?x }}",
    )
    assert any("Semestre 3" in n for n in notes)


# --- Paris 1 --------------------------------------------------------------------------------


def hours(store: ox.Store, where: str) -> tuple[Decimal, Decimal]:
    rows = select(
        store,
        f"""SELECT (SUM(?cm) AS ?CM) (SUM(?td) AS ?TD) WHERE {{
            {where} ?c pk:hoursCM ?cm ; pk:hoursTD ?td . }}""",
    )
    return number(rows[0]["CM"]), number(rows[0]["TD"])


@pytest.mark.parametrize(("semester", "cm", "td"), [("s3", 205, 15), ("s4", 200, 15)])
def test_paris1_semester_hours_sum_to_the_declared_totals(
    store: ox.Store, semester: str, cm: int, td: int
) -> None:
    sem = f"{CIPT}/{semester}"
    assert hours(store, f"<{sem}> pk:hasUnit/pk:hasCourse ?c .") == (cm, td)
    rows = select(
        store,
        f"""SELECT ?cm ?td ?all WHERE {{
            <{sem}> pk:declaredHoursCM ?cm ; pk:declaredHoursTD ?td ; pk:declaredHours ?all }}""",
    )
    assert (number(rows[0]["cm"]), number(rows[0]["td"]), number(rows[0]["all"])) == (cm, td, cm + td)


def test_paris1_year_totals(store: ox.Store) -> None:
    cm, td = hours(store, f"<{CIPT}> pk:hasSemester/pk:hasUnit/pk:hasCourse ?c .")
    assert (cm, td, cm + td) == (405, 30, 435)
    rows = select(
        store,
        f"""SELECT ?cm ?td ?all WHERE {{
            <{CIPT}> pk:declaredHoursCM ?cm ; pk:declaredHoursTD ?td ; pk:declaredHours ?all }}""",
    )
    assert tuple(number(rows[0][k]) for k in ("cm", "td", "all")) == (405, 30, 435)


def test_every_paris1_course_has_hours(store: ox.Store) -> None:
    courses = values(store, f"SELECT ?x WHERE {{ <{CIPT}> pk:hasSemester/pk:hasUnit/pk:hasCourse ?x }}")
    assert len(courses) == 23
    missing = values(
        store,
        f"""SELECT ?x WHERE {{ <{CIPT}> pk:hasSemester/pk:hasUnit/pk:hasCourse ?x .
            FILTER NOT EXISTS {{ ?x pk:hoursCM ?cm ; pk:hoursTD ?td }} }}""",
    )
    assert missing == set()


def test_paris1_application_window(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?s ?e WHERE {{
            <{CIPT}> pk:applicationWindow ?w . ?w schema:startDate ?s ; schema:endDate ?e }}""",
    )
    assert [(r["s"].value, r["e"].value) for r in rows] == [("2026-02-23", "2026-03-30")]


# --- IAE Lille M2 MPT -------------------------------------------------------------------------


def test_mpt_has_five_competency_blocks_and_every_unit_serves_one(store: ox.Store) -> None:
    blocks = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:hasBlock ?b . ?b rdfs:label ?x }}")
    assert len(blocks) == 5
    assert sorted(b[:5] for b in blocks) == ["BCC 1", "BCC 2", "BCC 3", "BCC 4", "BCC 5"]
    # Only the units the brochure names ("UE : …"); courses listed straight under a BCC hang
    # from the semester, each serving its block.
    units = select(
        store,
        f"""SELECT ?u ?n ?b WHERE {{ <{MPT}> pk:hasSemester ?s . ?s pk:hasUnit ?u ; pk:semesterNumber ?n .
            OPTIONAL {{ ?u pk:block ?b }} }}""",
    )
    assert len(units) == 5
    assert all("b" in u for u in units)
    loose = select(
        store,
        f"""SELECT ?c ?b WHERE {{ <{MPT}> pk:hasSemester/pk:hasCourse ?c .
            OPTIONAL {{ ?c pk:block ?b }} }}""",
    )
    assert len(loose) == 19 and all("b" in c for c in loose)
    # No ECTS and no hours anywhere in the brochure.
    assert not select(store, f"SELECT ?e WHERE {{ <{MPT}> pk:hasSemester/pk:hasUnit ?u . ?u pk:ects ?e }}")
    assert not select(
        store, f"SELECT ?h WHERE {{ <{MPT}> pk:hasSemester/pk:hasUnit/pk:hasCourse ?c . ?c pk:hoursCM ?h }}"
    )


def test_mpt_units_and_courses_per_block(store: ox.Store) -> None:
    """Units and courses per (semester, block) as the brochure prints them: a unit only where it names one."""
    rows = select(
        store,
        f"""SELECT ?n ?notation (COUNT(DISTINCT ?u) AS ?units) (COUNT(DISTINCT ?c) AS ?courses) WHERE {{
            <{MPT}> pk:hasSemester ?s . ?s pk:semesterNumber ?n .
            {{ ?s pk:hasUnit ?u . ?u pk:block/skos:notation ?notation . OPTIONAL {{ ?u pk:hasCourse ?c }} }}
            UNION
            {{ ?s pk:hasCourse ?c . ?c pk:block/skos:notation ?notation }}
          }} GROUP BY ?n ?notation""",
    )
    got = {
        (int(r["n"].value), r["notation"].value): (int(r["units"].value), int(r["courses"].value))
        for r in rows
    }
    assert got == {
        (3, "BCC 1"): (2, 2),
        (3, "BCC 2"): (0, 2),
        (3, "BCC 3"): (0, 2),
        (3, "BCC 4"): (0, 2),
        (3, "BCC 5"): (0, 6),
        (4, "BCC 2"): (2, 2),
        (4, "BCC 3"): (1, 3),
        (4, "BCC 4"): (0, 2),
        (4, "BCC 5"): (0, 5),
    }


def test_mpt_admission_application_file_and_cohort(store: ox.Store) -> None:
    docs = select(
        store,
        f"""SELECT ?o ?label ?comp WHERE {{ <{MPT}> pk:applicationDocument ?d .
            ?d pk:order ?o ; rdfs:label ?label ; pk:compulsory ?comp }} ORDER BY ?o""",
    )
    assert [int(d["o"].value) for d in docs] == list(range(1, 8))
    optional = {int(d["o"].value) for d in docs if d["comp"].value == "false"}
    assert optional == {5, 6}
    assert docs[0]["label"].value == "Lettre de motivation"
    steps = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:selectionStep ?x }}")
    assert any("dossier" in s for s in steps) and any("entretien" in s for s in steps)
    modes = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:studyMode/skos:notation ?x }}")
    assert modes == {
        "formation-continue",
        "formation-initiale",
        "apprentissage",
        "contrat-professionnalisation",
    }
    rows = select(
        store, f"SELECT ?n ?m WHERE {{ <{MPT}> pk:cohortSize ?n ; pk:internship/pk:minimumMonths ?m }}"
    )
    assert [(int(r["n"].value), int(r["m"].value)) for r in rows] == [(20, 3)]
    notes = values(store, f"SELECT ?x WHERE {{ <{MPT}> skos:note ?x }}")
    assert any("--%" in n for n in notes)
    vap = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:admissionRequirement/schema:description ?x }}")
    assert any("validation des acquis professionnels" in v for v in vap)


def test_mpt_careers_exams_network_and_partners(store: ox.Store) -> None:
    jobs = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:leadsTo/rdfs:label ?x }}")
    assert (
        len(jobs) == 10
        and {"DGS", "contrôleur de gestion", "chefs de projet développement territorial"} <= jobs
    )
    exams = {
        (r["l"].value, r["cat"].value)
        for r in select(
            store,
            f"""SELECT ?l ?cat WHERE {{ <{MPT}> pk:preparesForExam ?e . ?e pk:civilServiceCategory ?cat ;
                rdfs:label ?l FILTER(lang(?l) = 'fr') }}""",
        )
    }
    assert exams == {("Concours d'attaché territorial", "A"), ("Concours d'administrateur territorial", "A+")}
    assert any(
        "OPTIMA" in x for x in values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:memberOf/rdfs:label ?x }}")
    )
    partners = values(
        store, f"SELECT ?x WHERE {{ <{MPT}> pk:partner/rdfs:label ?x FILTER(lang(?x) = 'fr') }}"
    )
    assert partners == {"Université de Pristina", "Ecole AAB"}
    siblings = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:relatedProgramme/schema:alternateName ?x }}")
    assert siblings == {"M1 Mi", "M2 GE2S", "M2 MANOESS"}
    further = values(store, f"SELECT ?x WHERE {{ <{MPT}> pk:furtherStudy ?x }}")
    assert any("Doctorat Sciences de Gestion" in f for f in further)


def test_mpt_contacts_are_functional(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?role ?mail WHERE {{ <{MPT}> pk:contactPoint ?c . ?c schema:contactType ?role .
            OPTIONAL {{ ?c schema:email ?mail }} }}""",
    )
    assert {r["role"].value for r in rows} == {
        "Directrice de la mention",
        "Responsable de la formation",
        "Gestionnaire de formation",
    }
    assert {r["mail"].value for r in rows if "mail" in r} == {"m2-mpt@iaelille.fr"}
    school = select(
        store,
        f"""SELECT ?mail ?tel WHERE {{
            <{ID}org/iae-lille-university-school-of-management> pk:contactPoint ?c .
            ?c schema:email ?mail ; schema:telephone ?tel }}""",
    )
    assert [(r["mail"].value, r["tel"].value) for r in school] == [
        ("contact@iaelille.fr", "+33 3 20 12 34 50")
    ]


def test_mpt_brochure_date_is_in_its_provenance(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT ?d ?f WHERE { pkg:seeds\\/iae-lille-m2-mpt prov:wasDerivedFrom ?s .
            ?s dct:date ?d ; pk:sourceFile ?f }""",
    )
    assert [(r["d"].value, r["f"].value) for r in rows] == [("2025-11", "002_e8f8072abec39bc8.txt")]


# --- Whole graph ------------------------------------------------------------------------------


def test_every_parcours_has_a_programme(store: ox.Store) -> None:
    parcours = values(store, "SELECT ?x WHERE { ?x a pk:Parcours }")
    assert len(parcours) >= 11
    orphans = values(
        store,
        "SELECT ?x WHERE { ?x a pk:Parcours FILTER NOT EXISTS { ?x pk:partOf ?p . ?p a pk:Programme } }",
    )
    assert orphans == set()


def test_every_seed_graph_names_its_source_file(store: ox.Store) -> None:
    files = values(
        store, "SELECT ?x WHERE { ?g prov:wasDerivedFrom ?s . ?s a pk:SourceDocument ; pk:sourceFile ?x }"
    )
    assert {"000_305d70962c9adc71.txt", RNCP_SEED, "002_e8f8072abec39bc8.txt"} <= files


ROLE_HEADING = re.compile(r"^(responsable|directeur|directrice|gestionnaire|secr[ée]taire|contact)\b", re.I)
PERSON_NAME = re.compile(r"^[A-ZÀ-Þ][\w'’-]+(?: [A-ZÀ-Þ][\w'’-]+){1,3}$")


def staff_names(seeds: Path) -> set[str]:
    """Names printed right under a role heading ("RESPONSABLE DE LA FORMATION", …) in the seeds."""
    names: set[str] = set()
    for path in sorted(seeds.glob("*.txt")):
        lines = [re.sub(r"[*#]", "", line).strip() for line in path.read_text(encoding="utf-8").splitlines()]
        for index, line in enumerate(lines):
            if not ROLE_HEADING.match(line) or len(line) > 60:
                continue
            following = next((candidate for candidate in lines[index + 1 :] if candidate), "")
            if PERSON_NAME.match(following) and "@" not in following and not re.search(r"\d", following):
                names.add(following)
    return names


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def test_no_person_and_no_staff_name_in_the_graph(store: ox.Store, built: Path, repo: Path) -> None:
    assert not select(store, "SELECT ?x WHERE { { ?x a foaf:Person } UNION { ?x a schema:Person } }")
    names = staff_names(seeds_or_skip())
    assert len(names) >= 4  # the three seeds name four staff members: the check must find them
    dump = _fold((built / "progkg.nq").read_text(encoding="utf-8"))
    curated = _fold("".join(p.read_text(encoding="utf-8") for p in sorted((repo / "data").rglob("*.ttl"))))
    for name in names:
        surname = _fold(name.split()[-1])
        pattern = re.compile(r"\b" + re.escape(surname) + r"\b")
        assert not pattern.search(dump), "a staff surname from the seeds is in build/progkg.nq"
        assert not pattern.search(curated), "a staff surname from the seeds is in data/"


def test_staff_name_detection_finds_names_under_role_headings(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(
        "RESPONSABLE DE LA FORMATION\n\nJeanne Exemple\nProfesseure\n\n"
        "**Gestionnaire de formation**\nbox@example.org\n",
        encoding="utf-8",
    )
    assert staff_names(tmp_path) == {"Jeanne Exemple"}

"""Saved queries: every one runs, answers what the seed documents say, and keeps its contract.

The expected answers come from the source documents (../shared/seeds): the RNCP24759 fiche,
the Paris 1 M2 brochure and the IAE Lille M2 MPT brochure. The ROME queries are also run on
a build holding a small real cut of ROME v460 (tests/fixtures/queries/rome-mini.trig).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import build
from progkg.cli import main
from progkg.errors import ProgkgError
from progkg.queries import (
    FORMATS,
    QueryResult,
    _tokens,
    bind,
    format_result,
    list_queries,
    literal_text,
    load_query,
    parse_query_text,
    query_form,
    run_query,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "queries"
RES = paths.resources(REPO)

#: The contract of the issue: names, parameters and columns in order.
CONTRACT = {
    "programmes": ((), ("programme", "institution", "certification", "level")),
    "jobs-for-parcours": (("parcours",), ("programme", "parcours", "jobTitle", "romeCode")),
    "programmes-for-job": (("job",), ("jobTitle", "programme", "parcours", "institution", "romeCode")),
    "institutions-for-programme": (("programme",), ("certification", "institution", "siret", "programme")),
    "certification-history": (("rncp",), ("certification", "relation", "other", "otherTitle", "steps")),
    "programmes-for-rome": (("rome",), ("romeCode", "programme", "parcours", "institution")),
    "rome-for-certification": (("rncp",), ("certification", "romeCode", "romeLabel")),
    "competencies-of-parcours": (("parcours",), ("parcours", "block", "competency")),
    "courses-of-parcours": (
        ("parcours",),
        ("parcours", "semester", "unit", "course", "ects", "hoursCM", "hoursTD"),
    ),
    "teaching-volume": (("parcours",), ("parcours", "semester", "ects", "hoursCM", "hoursTD", "hours")),
    "access-routes": (("programme",), ("programme", "certification", "route")),
    "similar-parcours": (("parcours",), ("parcours", "other", "sharedJobs", "sharedCompetencies", "score")),
    "jobs-for-rome": (("rome",), ("romeCode", "romeLabel", "jobTitle", "appellationCode")),
    "mobility-from-rome": (("rome",), ("romeCode", "targetCode", "targetLabel", "programme")),
    "data-gaps": ((), ("problem", "subject", "detail")),
}
ALL_QUERIES = [q.name for q in list_queries(RES)]
PARAM_QUERIES = [q.name for q in list_queries(RES) if q.params]

EPPM = "European Policies and Project Management"
CIPT = "Communication institutionnelle et politique des territoires"
MPT = "Management public territorial"


def build_with_rome(out: Path) -> Path:
    """Build the repository's graph plus the ROME fixture, imported as `progkg import` leaves it."""
    imports = out / "imports"
    imports.mkdir(parents=True)
    quads = ox.parse(path=str(FIXTURES / "rome-mini.trig"), format=ox.RdfFormat.TRIG)
    (imports / "rome.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    build(RES, out)
    return out


@pytest.fixture(scope="module")
def rome_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_with_rome(tmp_path_factory.mktemp("rome-build"))


def ask(name: str, build_dir: Path, **params: str) -> QueryResult:
    return run_query(load_query(RES, name), params, build_dir=build_dir)


def example_params(name: str) -> dict[str, str]:
    query = load_query(RES, name)
    return {p.name: p.example for p in query.params if not p.optional}


# --- every query, its header and its contract ------------------------------------------------


def test_contract_queries_exist_with_their_parameters_and_columns() -> None:
    """The contract's parameters and columns stay, in order; new ones only come after (and new
    parameters are optional)."""
    for name, (params, columns) in CONTRACT.items():
        query = load_query(RES, name)
        assert tuple(p.name for p in query.params[: len(params)]) == params, name
        assert all(p.optional for p in query.params[len(params) :]), name
        assert query.columns[: len(columns)] == columns, name
        assert query.title and query.description, name


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_saved_query_runs_and_answers_its_declared_columns(name: str, built: Path) -> None:
    query = load_query(RES, name)
    assert query.title and query.description and query.columns
    assert query.kind in ("report", "check")
    for p in query.params:
        assert p.description and p.example, f"{name}: parameter {p.name} needs a description and an example"
    result = run_query(query, example_params(name), build_dir=built)
    assert result.columns == list(query.columns)
    assert all(len(row) == len(result.columns) for row in result.rows)


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_saved_query_answers_on_a_graph_with_rome(name: str, rome_built: Path) -> None:
    result = ask(name, rome_built, **example_params(name))
    assert result.columns == list(load_query(RES, name).columns)


@pytest.mark.parametrize("name", PARAM_QUERIES)
def test_every_parameter_reaches_every_place_it_is_used(name: str, built: Path) -> None:
    """VALUES blocks give the same answer as writing the value in place of each use — which is
    also how an analyst runs a saved query by hand (docs/queries.md): the IRI a typed
    parameter resolves to, written where the query says ?_name."""
    query = load_query(RES, name)
    params = {p.name: p.example for p in query.params}
    store = ox.Store.read_only(str((built / "store").resolve()))
    resolved = run_query(query, params, store=store).resolutions
    # One IRI per parameter (the first match, when the example names several: a job family).
    iris = {r.param: r.matches[:1] for r in resolved}
    bound_text = bind(query, params, {p: [m.iri for m in ms] for p, ms in iris.items()})
    answer = store.query(bound_text, use_default_graph_as_union=True)
    bound_rows = [tuple(s[c.value] for c in answer.variables) for s in answer]
    text = query.text
    for name in params:  # a given parameter is bound: BOUND(?_name) is true
        text = re.sub(rf"BOUND\(\s*\?_{name}\s*\)", "true", text)
    for token in reversed(_tokens(text)):
        if token.kind == "var" and token.text[2:] in params and token.text[1] == "_":
            key = token.text[2:]
            if key in iris:
                value = str(ox.NamedNode(iris[key][0].iri))
            elif query.param(key).boolean:
                value = "true"
            else:
                value = literal_text(params[key])
            text = text[: token.start] + value + text[token.end :]
    inlined = list(store.query(text, use_default_graph_as_union=True))
    assert [tuple(s[c] for c in query.columns) for s in inlined] == bound_rows


def test_rome_queries_say_the_code_is_unknown_without_the_rome_release(built: Path) -> None:
    """E1103 is in no seed document: without the ROME release it names nothing, and the
    message says where ROME codes come from."""
    for name in ("jobs-for-rome", "mobility-from-rome"):
        with pytest.raises(
            ProgkgError, match=r"parameter rome: no ROME code matches 'E1103'.*progkg import rome"
        ):
            ask(name, built, rome="E1103")


# --- real answers from the seed documents ----------------------------------------------------


def test_programmes_lists_the_three_documents_programmes(built: Path) -> None:
    rows = ask("programmes", built).values()
    by_programme = {r[0]: r for r in rows}
    lille = by_programme["Master Science politique (Université Lille 2)"]
    # the 2015 fiche of the document and today's national fiche; Lille 2 replaced by the
    # Université de Lille (data/alignments/national-programmes.ttl)
    assert lille[1:] == ("Université de Lille", "RNCP24759, RNCP38175", "7")
    assert any("Paris 1" in r[0] and r[1] == "Université Paris 1 Panthéon-Sorbonne" for r in rows)
    assert any("Management de l'innovation" in r[0] and r[1] == "Université de Lille" for r in rows)


def test_jobs_of_european_policies_include_lobbyiste(built: Path) -> None:
    result = ask("jobs-for-parcours", built, parcours=EPPM)
    jobs = set(result.column("jobTitle"))
    assert "lobbyiste" in jobs
    assert {
        "manager de projets européens",
        "chef de projets européens",
        "ingénieur de projets européens",
    } <= jobs
    assert set(result.column("programme")) == {"Master Science politique (Université Lille 2)"}


def test_jobs_get_their_rome_code_through_the_reviewed_mappings(rome_built: Path) -> None:
    rows = ask("jobs-for-parcours", rome_built, parcours=EPPM).values()
    assert ("lobbyiste", "E1103") in {(r[2], r[3]) for r in rows}
    paris = ask("jobs-for-parcours", rome_built, parcours=CIPT).values()
    codes = {r[2]: r[3] for r in paris}
    assert codes["Chargé de communication (interne et externe)"] == "E1112"
    assert codes["Directeur de la communication (interne et externe)"] == "E1109"
    assert codes["Ingénieur de la concertation"] is None  # no ROME title fits: left unmapped


def test_parcours_text_matches_case_insensitively_and_the_programme_label(built: Path) -> None:
    assert ask("jobs-for-parcours", built, parcours="EUROPEAN policies").rows
    # "Management de l'innovation" names the M1 parcours of the IAE's programme of that name.
    found = ask("courses-of-parcours", built, parcours="Management de l'innovation").resolutions[0].matches
    assert [m.iri.rsplit("/", 1)[-1] for m in found] == ["m1-management-de-l-innovation"]
    # A programme's name given for a parcours: the programme's parcours.
    parcours = set(
        ask("jobs-for-parcours", built, parcours="Master Science politique Lille 2").column("parcours")
    )
    assert len(parcours) == 6 and all("Université Lille 2" in p for p in parcours)
    with pytest.raises(
        ProgkgError, match="parameter parcours: no parcours matches 'no such parcours anywhere'"
    ):
        ask("jobs-for-parcours", built, parcours="no such parcours anywhere")


def test_programmes_for_job_finds_lobbyiste_and_communication_jobs(built: Path) -> None:
    rows = ask("programmes-for-job", built, job="LOBBY").values()
    assert [(r[0], r[3], r[4]) for r in rows] == [("lobbyiste", "Université de Lille", None)]
    assert EPPM in rows[0][2]
    comm = ask("programmes-for-job", built, job="chargé de communication").values()
    assert any(
        "Chargé de communication (interne et externe)" in r[0].split(" ; ") and CIPT in r[2] for r in comm
    )
    assert any("Chargé de communication dans une collectivité" in r[0].split(" ; ") for r in comm)


def test_programmes_for_job_also_searches_the_rome_job_titles_mapped(rome_built: Path) -> None:
    rows = ask("programmes-for-job", rome_built, job="Chargé / Chargée de communication").values()
    titles = {t for r in rows for t in r[0].split(" ; ")}
    assert "Chargé de communication (interne et externe)" in titles  # exact match to 11780
    assert "Chargé de communication numérique" in titles  # exact match to 488945 (… digitale)


def test_programmes_for_rome_k1802_are_the_six_lille_parcours(built: Path) -> None:
    rows = ask("programmes-for-rome", built, rome="k1802").values()
    assert {r[0] for r in rows} == {"K1802"}
    assert len({r[2] for r in rows}) == 6
    assert {r[1] for r in rows} == {"Master Science politique (Université Lille 2)"}


def test_programmes_for_rome_e1103_finds_paris1_through_a_sub_code(rome_built: Path) -> None:
    rows = ask("programmes-for-rome", rome_built, rome="E1103").values()
    # The Paris 1 M2's "Chargé de communication (interne et externe)" is mapped to ROME job
    # title 11780, filed under E1112, whose parent is E1103.
    assert any(r[0] == "E1112" and CIPT in r[2] for r in rows)
    # lobbyiste (EPPM) is mapped to 16210, filed directly under E1103.
    assert any(r[0] == "E1103" and EPPM in r[2] for r in rows)


def test_rome_for_certification_names_exactly_the_four_codes(built: Path) -> None:
    for code in ("RNCP24759", "rncp24759", "24759"):
        result = ask("rome-for-certification", built, rncp=code)
        assert result.column("romeCode") == ["K1401", "K1404", "K1802", "M1403"], code
        assert set(result.column("certification")) == {"RNCP24759"}
    labels = dict(zip(result.column("romeCode"), result.column("romeLabel"), strict=True))
    assert labels["K1802"] == "Développement local"
    with pytest.raises(ProgkgError, match="no certification .* matches 'RNCP2475'"):  # exact, not a prefix
        ask("rome-for-certification", built, rncp="RNCP2475")


def test_competencies_of_european_policies(built: Path) -> None:
    result = ask("competencies-of-parcours", built, parcours=EPPM)
    competencies = result.column("competency")
    assert len(competencies) == 9
    assert competencies[0] == "repérer les opportunités de financement européen"  # document order
    assert any("lobbying et de plaidoyer" in c for c in competencies)


def test_competency_blocks_of_the_mpt(built: Path) -> None:
    blocks = ask("competencies-of-parcours", built, parcours=MPT).column("block")
    assert [b.split(" :")[0] for b in blocks] == ["BCC 1", "BCC 2", "BCC 3", "BCC 4", "BCC 5"]


def test_courses_of_the_paris1_m2(built: Path) -> None:
    rows = ask("courses-of-parcours", built, parcours=CIPT).values()
    s3 = [r for r in rows if r[1] == "3"]
    assert len(s3) == 12
    assert ("Salon CapCom", "0", "15") in {(r[3], r[5], r[6]) for r in s3}
    assert rows[0][2].startswith("UE 1") and rows[0][3] == "Communication publique"


def test_courses_of_a_parcours_include_the_common_semesters(built: Path) -> None:
    rows = ask("courses-of-parcours", built, parcours=EPPM).values()
    assert {r[1] for r in rows} == {"1", "2", "3", "4"}
    assert ("Sociologie politique approfondie", "11") in {(r[3], r[4]) for r in rows if r[1] == "1"}


def test_teaching_volume_of_the_paris1_m2(built: Path) -> None:
    rows = ask("teaching-volume", built, parcours=CIPT).values()
    assert [r[1:] for r in rows] == [("3", None, "205", "15", "220"), ("4", None, "200", "15", "215")]


def test_teaching_volume_sums_ects_and_leaves_unknown_hours_empty(built: Path) -> None:
    rows = ask("teaching-volume", built, parcours=EPPM).values()
    assert [(r[1], r[2], r[3], r[5]) for r in rows] == [
        ("1", "28", None, None),  # the fiche's common semesters add up to 28 ECTS
        ("2", "28", None, None),
        ("3", "30", None, None),
        ("4", "30", None, None),
    ]


def test_access_routes(built: Path) -> None:
    lille = ask("access-routes", built, programme="Master Science politique (Université Lille 2)").values()
    assert {r[1] for r in lille} == {"RNCP24759"}
    assert len(lille) == 6 and all(r[2].endswith("(ouverture non précisée)") for r in lille)
    assert any(r[2].startswith("VAE") for r in lille)
    mpt = ask("access-routes", built, programme=MPT).values()
    assert {r[2] for r in mpt} == {
        "apprentissage",
        "contrat de professionnalisation",
        "formation continue",
        "formation initiale",
    }
    paris = ask("access-routes", built, programme=CIPT).values()
    assert [r[2] for r in paris] == ["alternance"]


def test_similar_parcours_never_lists_the_parcours_itself(built: Path) -> None:
    store = ox.Store.read_only(str((built / "store").resolve()))
    labels = [
        s["l"].value
        for s in store.query(
            "SELECT ?l WHERE { ?p a <https://w3id.org/progkg/ontology#Parcours> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'fr') }",
            use_default_graph_as_union=True,
        )
    ]
    assert len(labels) >= 7
    for label in labels:
        for row in run_query(load_query(RES, "similar-parcours"), {"parcours": label}, store=store).values():
            assert row[0] != row[1], label
            assert 0 < float(row[4]) <= 1


def test_similar_parcours_of_management_des_collectivites(built: Path) -> None:
    rows = ask("similar-parcours", built, parcours="Management des collectivités territoriales").values()
    others = [r[1] for r in rows]
    assert len(others) == 5 and all("Université Lille 2" in o for o in others)  # same fiche, same ROME codes
    scores = [float(r[4]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_similar_parcours_counts_jobs_shared_through_the_same_rome_title(rome_built: Path) -> None:
    rows = ask("similar-parcours", rome_built, parcours=CIPT).values()
    # Paris 1 "Chargé de communication (interne et externe)" and Lille "Chargé de communication
    # dans une collectivité" are both mapped to ROME job title 11780.
    cpdp = [r for r in rows if "Communication publique et démocratie participative" in r[1]]
    assert cpdp and int(cpdp[0][2]) >= 1


def test_jobs_for_rome_includes_sub_codes(rome_built: Path) -> None:
    rows = ask("jobs-for-rome", rome_built, rome="e1103").values()
    assert (
        "E1112",
        "Chargé / Chargée de communication",
        "Chargé / Chargée de communication",
        "11780",
    ) in rows
    assert ("E1103", "Chargé / Chargée des relations publiques", "Lobbyiste", "16210") in rows
    assert {r[0] for r in rows} == {"E1103", "E1109", "E1112"}


def test_mobility_from_rome(rome_built: Path) -> None:
    rows = [r[:4] for r in ask("mobility-from-rome", rome_built, rome="M1403").values()]
    assert (
        "M1403",
        "K1802",
        "Chargé / Chargée de développement économique et local",
        "Master Science politique (Université Lille 2)",
    ) in rows
    assert ("M1403", "M1422", "Directeur / Directrice d'études socio-économiques", None) in rows
    k1404 = [r[:4] for r in ask("mobility-from-rome", rome_built, rome="K1404").values()]
    # K1404 → E1103: Paris 1 prepares for E1112 (a sub-code of E1103), Lille for E1103 (lobbyiste).
    assert {r[3] for r in k1404 if r[1] == "E1103"} >= {
        "Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)",
        "Master Science politique (Université Lille 2)",
    }


def test_data_gaps_reports_the_documents_real_inconsistencies(built: Path) -> None:
    rows = ask("data-gaps", built).values()
    ects = {
        (r[1].rsplit("/", 2)[-2] + "/" + r[1].rsplit("/", 1)[-1], r[2])
        for r in rows
        if r[0] == "semester not worth 30 ECTS"
    }
    assert ects == {
        ("master-science-politique/s1", "its units add up to 28 ECTS"),
        ("master-science-politique/s2", "its units add up to 28 ECTS"),
        ("metiers-de-la-recherche-en-science-politique/s3", "its units add up to 32 ECTS"),
    }
    problems = {r[0] for r in rows}
    assert {"course without hours", "job title without ROME code"} <= problems
    # Every curated programme has its fiche since data/alignments/national-programmes.ttl (the
    # IAE brochure gives none: RNCP35910 comes from the RNCP export and ONISEP's table).
    assert "programme without certification" not in problems
    # The Paris 1 brochure's declared totals equal the sum of its courses.
    assert "declared hours differ from the sum of the courses" not in problems
    unmapped = {r[2] for r in rows if r[0] == "job title without ROME code"}
    assert "Ingénieur de la concertation" in unmapped


def test_data_gaps_catches_a_declared_total_that_does_not_add_up(project: Path, tmp_path: Path) -> None:
    seed = project / "data" / "seeds" / "paris1-m2-cipt.ttl"
    text = seed.read_text(encoding="utf-8")
    assert "pk:declaredHoursCM 205" in text
    seed.write_text(text.replace("pk:declaredHoursCM 205", "pk:declaredHoursCM 210"), encoding="utf-8")
    out = tmp_path / "build"
    build(paths.resources(project), out)
    rows = run_query(load_query(paths.resources(project), "data-gaps"), {}, build_dir=out).values()
    mismatches = [r for r in rows if r[0] == "declared hours differ from the sum of the courses"]
    assert [r[2] for r in mismatches] == ["declaredHoursCM 210 but the courses add up to 205"]
    assert mismatches[0][1].endswith("/m2-communication-institutionnelle-politique-territoires/s3")


def test_application_windows(built: Path) -> None:
    rows = ask("application-windows", built).values()
    assert ("2026-02-23", "2026-03-30", "https://ecandidat.univ-paris1.fr/") in {r[3:] for r in rows}
    assert ask("application-windows", built, programme="MPT").rows == []


def test_admission_of_the_mpt(built: Path) -> None:
    rows = ask("admission-of-programme", built, programme=MPT).values()
    documents = [(r[2], r[3]) for r in rows if r[1] == "application document"]
    assert documents[0] == ("Lettre de motivation", "true")
    assert len(documents) == 7 and sum(1 for d in documents if d[1] == "false") == 2
    steps = [r[2] for r in rows if r[1] == "selection step"]
    assert steps == [
        "L'admissibilité est réalisée sur dossier.",
        "L'admission se fonde sur un entretien avec chaque candidat.",
    ]


def test_activities_and_contacts(built: Path) -> None:
    activities = ask("activities-of-parcours", built, parcours=EPPM).column("activity")
    assert activities[0] == "Montage, gestion, coordination et évaluation de projets européens"
    contacts = ask("contacts-of-programme", built, programme=MPT).values()
    assert ("Gestionnaire de formation", "m2-mpt@iaelille.fr") in {(r[1], r[2]) for r in contacts}


def test_sources_of_names_the_document_and_its_graph(built: Path) -> None:
    rows = ask("sources-of", built, about="lobbyiste").values()
    assert ("lobbyiste", "https://w3id.org/progkg/graph/seeds/rncp24759", "001_1cd0c9b204065889.txt") in {
        (r[0], r[1], r[3]) for r in rows
    }


# --- result formats ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(built: Path) -> QueryResult:
    return ask("teaching-volume", built, parcours=CIPT)


def test_json_is_sparql_results_json(sample: QueryResult) -> None:
    text = format_result(sample, "json")
    doc = json.loads(text)
    assert doc["head"]["vars"] == sample.columns
    parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.JSON)
    assert [tuple(s[c] for c in sample.columns) for s in parsed] == sample.rows
    assert doc["results"]["bindings"][0]["hoursCM"] == {
        "type": "literal",
        "value": "205",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    assert "ects" not in doc["results"]["bindings"][0]  # unbound: left out


def test_tsv_is_sparql_results_tsv(sample: QueryResult) -> None:
    text = format_result(sample, "tsv")
    assert text.splitlines()[0] == "?parcours\t?semester\t?ects\t?hoursCM\t?hoursTD\t?hours"
    parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
    assert [tuple(s[c] for c in sample.columns) for s in parsed] == sample.rows


def test_csv_is_sparql_results_csv(sample: QueryResult) -> None:
    text = format_result(sample, "csv")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == sample.columns
    assert rows[1] == [
        "M2 Communication institutionnelle et politique des territoires (alternance)",
        "3",
        "",
        "205",
        "15",
        "220",
    ]


def test_formats_escape_awkward_values() -> None:
    awkward = ox.Literal('a "quoted",\tvalue\nover two lines', language="fr")
    result = QueryResult(
        columns=["x", "y"], rows=[(awkward, ox.NamedNode("http://example.org/a,b")), (None, None)]
    )
    parsed = ox.parse_query_results(format_result(result, "json"), format=ox.QueryResultsFormat.JSON)
    assert [tuple(s[c] for c in ("x", "y")) for s in parsed] == result.rows
    parsed = ox.parse_query_results(format_result(result, "tsv"), format=ox.QueryResultsFormat.TSV)
    assert [tuple(s[c] for c in ("x", "y")) for s in parsed] == result.rows
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows[1] == [awkward.value, "http://example.org/a,b"] and rows[2] == ["", ""]
    table = format_result(result, "table")
    assert "(2 rows)" in table and "\n" not in table.splitlines()[2]


def test_table_is_readable(sample: QueryResult) -> None:
    lines = format_result(sample, "table").splitlines()
    assert lines[0].split(" │ ")[0].strip() == "parcours"
    assert lines[-1] == "(2 rows)"
    assert lines[2].rstrip().endswith("220")


def test_ask_queries_and_unknown_format(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "any-course.rq"
    path.write_text("# title: any course?\nASK { ?c a <https://w3id.org/progkg/ontology#Course> }\n")
    result = run_query(load_query(RES, str(path)), {}, build_dir=built)
    assert result.boolean is True
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": True}
    assert format_result(result, "table") == "yes\n"
    with pytest.raises(ProgkgError, match="unknown format"):
        format_result(result, "xml")
    assert set(FORMATS) == {"table", "csv", "tsv", "json"}


# --- loading, headers, read-only ---------------------------------------------------------------


def test_load_query_by_name_and_by_path() -> None:
    by_name = load_query(RES, "programmes")
    by_path = load_query(RES, str(RES.queries / "programmes.rq"))
    assert by_name.text == by_path.text and by_name.saved and not by_path.saved
    with pytest.raises(ProgkgError, match="did you mean programmes"):
        load_query(RES, "programme")
    with pytest.raises(ProgkgError, match="no such query file"):
        load_query(RES, "missing/file.rq")


def test_header_is_parsed() -> None:
    query = load_query(RES, "jobs-for-parcours")
    assert query.title == "Jobs a parcours leads to"
    assert query.params[0].name == "parcours" and query.params[0].example == EPPM
    assert load_query(RES, "application-windows").params[0].optional


def test_construct_query_files_are_read_as_graph_queries() -> None:
    """Issue 14: CONSTRUCT and DESCRIBE are allowed (Turtle out); updates still are not."""
    assert query_form("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("DESCRIBE <https://w3id.org/progkg/id/rome/K1802>") == "DESCRIBE"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# param: bad name!\nSELECT * WHERE { }", r"x\.rq:1: malformed parameter"),
        ("# param: a — x\nSELECT * WHERE { }", re.escape("declared but the query never uses ?_a")),
        ("SELECT * WHERE { FILTER(?_b) }", re.escape("uses ?_b but its header declares no")),
        ("# kind: verdict\nSELECT * WHERE { }", r"x\.rq:1: kind must be one of"),
        ("SELECT * WHERE { ?s ?p }", "not a valid SPARQL 1.1 query: line 1"),
    ],
)
def test_bad_query_files_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ProgkgError, match=message):
        parse_query_text(text, "x", Path("x.rq"))


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "CLEAR DEFAULT",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX x: <http://x/> DELETE { ?s ?p ?o } INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CREATE GRAPH <http://a>",
        "ADD DEFAULT TO <http://a>",
        "MOVE <http://a> TO <http://b>",
        "COPY <http://a> TO <http://b>",
        "# title: looks harmless\nDROP SILENT GRAPH <https://w3id.org/progkg/graph/ontology>",
    ],
)
def test_updates_are_refused(update: str, built: Path, tmp_path: Path) -> None:
    with pytest.raises(ProgkgError, match="refused: this is a SPARQL update"):
        parse_query_text(update, "u")
    path = tmp_path / "update.rq"
    path.write_text(update)
    store = ox.Store.read_only(str((built / "store").resolve()))
    before = len(store)
    with pytest.raises(ProgkgError, match="read-only"):
        run_query(load_query(RES, str(path)), {}, store=store)
    assert len(store) == before


# --- the command line ------------------------------------------------------------------------


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture
def cli_env(built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    monkeypatch.chdir(REPO)
    return built


def test_cli_list(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["query", "--list"], capsys)
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names == sorted(ALL_QUERIES) and set(CONTRACT) <= set(names)
    assert re.search(
        r"^jobs-for-parcours\s+report\s+parcours \(parcours\)\s+Jobs a parcours leads to$", out, re.M
    )
    assert re.search(r"^mobility-from-rome\s+report\s+rome \(rome\), subcodes\? \(yes/no\)\s", out, re.M)


def test_cli_query_with_parameter(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["query", "rome-for-certification", "--param", "rncp=RNCP24759", "--format", "csv"], capsys
    )
    assert code == 0
    assert [r[1] for r in csv.reader(io.StringIO(out))][1:] == ["K1401", "K1404", "K1802", "M1403"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "jobs-for-parcours"], "missing parameter 'parcours'"),
        (
            ["query", "jobs-for-parcours", "-p", "parcours=x", "-p", "colour=red"],
            "unknown parameter 'colour'",
        ),
        (["query", "jobs-for-parcours", "-p", "parcours"], "is not KEY=VALUE"),
        (["query", "jobs-for-parcours", "-p", "parcours="], "parameter 'parcours' is empty"),
        (["query", "no-such-query"], "no saved query named 'no-such-query'"),
        (["query"], "give a saved query name"),
    ],
)
def test_cli_errors_exit_2(
    args: list[str], message: str, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_cli_check_with_problems_exits_1(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["query", "data-gaps", "--format", "tsv"], capsys)
    assert code == 1
    assert out.startswith("?problem\t?subject\t?detail\t?label\n")
    assert "data-gaps is a check" in err


def test_cli_without_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(tmp_path / "nothing"))
    monkeypatch.chdir(REPO)
    code, _, err = run_cli(["query", "programmes"], capsys)
    assert code == 2 and "run `progkg build` first" in err


def test_courses_listed_under_a_semester_in_a_block_are_taught_courses(built: Path) -> None:
    """The IAE brochure lists the courses of BCC 2 to 5 under each block, naming no unit: they
    hang from the semester (pk:hasCourse) with their block (pk:block), and courses-of-parcours
    lists them with the block in the unit column (they went missing when the made-up units were
    removed from the seed)."""
    rows = ask("courses-of-parcours", built, parcours=MPT).values()
    by_block = [r for r in rows if r[2] and r[2].startswith("BCC 5")]
    assert {r[1] for r in by_block} == {"3", "4"}
    assert any(r[3] == "Mémoire" for r in by_block)
    units = [r for r in rows if r[2] and r[2].startswith("UE : ")]
    assert units, "the units the brochure does name stay"

"""Job-title linking: normalisation, `progkg link jobs`, SSSOM mapping files and their use by build."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import shared_data_or_skip
from import_support import ID, REPO, ROME_FIXTURE, mini_project, query, run_cli

from progkg.build import build
from progkg.errors import ProgkgError
from progkg.importers.rome import import_rome
from progkg.linking.jobs import (
    Candidate,
    base_form,
    context_form,
    doublet_forms,
    link_jobs,
    normalise,
    propose,
)
from progkg.linking.sssom import format_sssom, read_sssom, read_sssom_quads

SKOS = "http://www.w3.org/2004/02/skos/core#"
APP = ID + "rome/appellation/"
JOB = ID + "job/"
REVIEWED = REPO / "data" / "mappings" / "brochure-jobs-to-rome.sssom.tsv"
GRAPH = "https://w3id.org/progkg/graph/mappings/test"

# --- Normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Chargé de communication (interne et externe)", "charge de communication interne et externe"),
        ("Chargé(e) d’études", "charge d etude"),
        ("Chargé·e de mission", "charge de mission"),
        ("chargés de mission Europe", "charge de mission europe"),
        ("Collaborateurs d’élus", "collaborateur d elu"),
        ("Manœuvre", "manoeuvre"),
        (
            "Responsable des affaires générales dans une collectivité",
            "responsable des affaire generale dans une collectivite",
        ),
    ],
)
def test_normalise(label: str, expected: str) -> None:
    assert normalise(label) == expected


def test_doublets_base_and_context_forms() -> None:
    assert doublet_forms("Chargé / Chargée de communication") == {
        "charge de communication",
        "chargee de communication",
    }
    assert "technicien superieur en x" in doublet_forms(
        "Technicien / Technicienne supérieur / supérieure en X"
    )
    assert "collaborateur commercial en assurance" in doublet_forms(
        "Collaborateur commercial / Collaboratrice commerciale en assurances"
    )
    assert "collaboratrice commerciale en assurance" in doublet_forms(
        "Collaborateur commercial / Collaboratrice commerciale en assurances"
    )
    assert doublet_forms("Lobbyiste") == {"lobbyiste"}
    assert base_form("Chargé de communication (interne et externe)") == "charge de communication"
    assert context_form("chargés de communication dans les ONG") == "charge de communication"
    assert context_form("Analystes au sein d’ONG") == "analyste"


APPELLATIONS = [
    (APP + "11780", "Chargé / Chargée de communication", []),
    (APP + "488945", "Chargé / Chargée de communication digitale", ["Chargé / Chargée de com. digitale"]),
    (APP + "16210", "Lobbyiste", []),
    (APP + "13597", "Contrôleur / Contrôleuse de gestion", []),
]


def test_propose_kinds_of_match() -> None:
    jobs = [
        (JOB + "a", "Chargé de communication (interne et externe)"),
        (JOB + "b", "lobbyiste"),
        (JOB + "c", "chargés de communication dans les ONG"),
        (JOB + "d", "contrôleurs de gestion"),
        (JOB + "e", "DGS"),
        (JOB + "f", "Chargée de communication digitale et réseaux"),
    ]
    by_job: dict[str, list[Candidate]] = {}
    for c in propose(jobs, APPELLATIONS):
        by_job.setdefault(c.subject.rsplit("/", 1)[-1], []).append(c)
    (a,) = by_job["a"]
    assert (a.predicate, a.object, a.confidence) == ("skos:closeMatch", APP + "11780", 0.85)
    assert [(c.predicate, c.object, c.confidence) for c in by_job["b"]] == [
        ("skos:exactMatch", APP + "16210", 0.95)
    ]
    assert [(c.predicate, c.object) for c in by_job["c"]] == [("skos:broadMatch", APP + "11780")]
    assert [(c.predicate, c.object) for c in by_job["d"]] == [("skos:exactMatch", APP + "13597")]
    assert "e" not in by_job
    best = by_job["f"][0]
    assert best.object == APP + "488945" and best.predicate == "skos:closeMatch" and best.confidence <= 0.75
    assert "digitale" in best.comment


# --- SSSOM reading ----------------------------------------------------------------------------------

HEADER = (
    "#curie_map:\n"
    "#  job: https://w3id.org/progkg/id/job/\n"
    "#  romeapp: https://w3id.org/progkg/id/rome/appellation/\n"
    "#mapping_set_id: https://w3id.org/progkg/mappings/test\n"
    "#license: https://www.etalab.gouv.fr/licence-ouverte-open-licence/\n"
    "#mapping_set_title: Test set\n"
)
COLUMNS = (
    "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tconfidence\n"
)


def _write(tmp_path: Path, text: str, name: str = "test.sssom.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sssom_to_skos_triples_and_mapping_records(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + COLUMNS
        + "job:a\tA\tskos:exactMatch\tromeapp:11780\tChargé\tsemapv:ManualMappingCuration\t0.95\n"
        + "job:b\tB\tskos:broadMatch\tromeapp:16210\tLobbyiste\tsemapv:LexicalMatching\t0.5\n",
    )
    quads = read_sssom_quads(path, GRAPH)
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    assert (JOB + "a", SKOS + "exactMatch", APP + "11780") in triples
    assert (JOB + "b", SKOS + "broadMatch", APP + "16210") in triples
    assert {q.graph_name.value for q in quads} == {GRAPH}
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    store = ox.Store()
    store.extend(quads)
    rows = store.query(
        """PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX sssom: <https://w3id.org/sssom/>
           SELECT ?src ?just ?conf WHERE { GRAPH ?g { ?set a sssom:MappingSet ; sssom:mappings ?m .
             ?m owl:annotatedSource ?src ; sssom:mapping_justification ?just ; sssom:confidence ?conf } }
           ORDER BY ?src"""
    )
    assert [(r["src"].value, r["just"].value, r["conf"].value) for r in rows] == [
        (JOB + "a", "https://w3id.org/semapv/vocab/ManualMappingCuration", "0.95"),
        (JOB + "b", "https://w3id.org/semapv/vocab/LexicalMatching", "0.5"),
    ]
    # same file, same quads (mapping records get IRIs derived from their content)
    assert sorted(map(str, read_sssom_quads(path, GRAPH))) == sorted(map(str, quads))


def test_negated_and_no_term_found_give_no_mapping_triple(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\tmapping_justification\n"
        + "job:a\tskos:exactMatch\tNot\tromeapp:11780\tsemapv:ManualMappingCuration\n"
        + "job:b\tskos:exactMatch\t\tsssom:NoTermFound\tsemapv:ManualMappingCuration\n",
    )
    quads = read_sssom_quads(path, GRAPH)
    assert not [q for q in quads if q.predicate.value == SKOS + "exactMatch"]
    assert len([q for q in quads if q.predicate.value.endswith("annotatedSource")]) == 2


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        (
            "job:a\tA\tskos:exactMatch\trome:11780\tx\tsemapv:ManualMappingCuration\t1\n",
            ":10:4:",
            'prefix "rome" is not declared',
        ),
        (
            "job:a\tA\tskos:exactMatch\thttps://x.org/1\tx\tsemapv:ManualMappingCuration\t1\n",
            ":10:4:",
            "full IRI",
        ),
        (
            "job:a\tA\towl:sameAs\tromeapp:1\tx\tsemapv:ManualMappingCuration\t1\n",
            ":10:3:",
            "not a SKOS mapping relation",
        ),
        (
            "job:a\tA\tskos:exactMatch\tromeapp:1\tx\tsemapv:ManualMappingCuration\t1.5\n",
            ":10:7:",
            "between 0 and 1",
        ),
        ("job:a\tA\tskos:exactMatch\tromeapp:1\tx\tjob:x\t1\n", ":10:6:", "not a semapv: term"),
        ("job:a\tA\tskos:exactMatch\tromeapp:1\tx\n", ":10:", "5 cells where the header has 7"),
        ('job:a\t"A\tskos:exactMatch\n', ":10:", "malformed row"),
    ],
)
def test_sssom_errors_are_located(tmp_path: Path, body: str, where: str, what: str) -> None:
    path = _write(tmp_path, HEADER + "#\n#\n" + COLUMNS + body)
    with pytest.raises(ProgkgError) as err:
        read_sssom_quads(path, GRAPH, display="data/mappings/test.sssom.tsv")
    message = str(err.value)
    assert message.startswith("data/mappings/test.sssom.tsv" + where), message
    assert what in message


def test_sssom_metadata_errors(tmp_path: Path) -> None:
    no_licence = HEADER.replace("#license: https://www.etalab.gouv.fr/licence-ouverte-open-licence/\n", "")
    with pytest.raises(ProgkgError, match="license is missing"):
        read_sssom_quads(_write(tmp_path, no_licence + COLUMNS), GRAPH)
    bad_yaml = HEADER + "#mapping_set_description: [unclosed\n"
    with pytest.raises(ProgkgError, match=r"test\.sssom\.tsv:7: SSSOM metadata block: not valid YAML"):
        read_sssom_quads(_write(tmp_path, bad_yaml + COLUMNS), GRAPH)
    with pytest.raises(ProgkgError, match="metadata block: missing"):
        read_sssom_quads(_write(tmp_path, COLUMNS), GRAPH)
    no_column = HEADER + "subject_id\tpredicate_id\tobject_id\n"
    with pytest.raises(ProgkgError, match=r":7: missing column \"mapping_justification\""):
        read_sssom_quads(_write(tmp_path, no_column), GRAPH)
    redefined = HEADER.replace("#curie_map:\n", "#curie_map:\n#  skos: https://example.org/skos#\n")
    with pytest.raises(ProgkgError, match='redefines the built-in prefix "skos"'):
        read_sssom_quads(_write(tmp_path, redefined + COLUMNS), GRAPH)


def test_writer_output_reads_back(tmp_path: Path) -> None:
    rows = [
        {
            "subject_id": "job:a",
            "predicate_id": "skos:closeMatch",
            "object_id": "romeapp:1",
            "mapping_justification": "semapv:LexicalMatching",
            "comment": 'tab\there "quoted": yes',
        }
    ]
    text = format_sssom(
        {
            "mapping_set_id": "https://w3id.org/progkg/mappings/x",
            "license": "https://example.org/l",
            "mapping_set_title": "Propositions : à relire",
        },  # fmt: skip
        {"job": JOB, "romeapp": APP},
        ["subject_id", "predicate_id", "object_id", "mapping_justification", "comment"],
        rows,
    )
    ms = read_sssom(_write(tmp_path, text))
    assert ms.metadata["mapping_set_title"] == "Propositions : à relire"
    assert ms.mappings[0].values["comment"] == 'tab\there "quoted": yes'


# --- The reviewed mapping file and the build -----------------------------------------------------------


def test_reviewed_file_is_valid_and_manual() -> None:
    ms = read_sssom(REVIEWED)
    assert ms.mappings, "the reviewed mapping file is empty"
    for m in ms.mappings:
        assert m.values["mapping_justification"] == "semapv:ManualMappingCuration"
        assert m.values["subject_id"].startswith("job:")
        assert m.values["object_id"].startswith("romeapp:")
    subjects = {m.values["subject_id"]: m.values for m in ms.mappings}
    row = subjects["job:charge-de-communication-interne-et-externe"]
    assert (row["predicate_id"], row["object_id"]) == ("skos:exactMatch", "romeapp:11780")


def test_build_loads_the_reviewed_mappings(built: Path) -> None:
    rows = query(
        built,
        f"""SELECT ?app WHERE {{ GRAPH <https://w3id.org/progkg/graph/mappings/brochure-jobs-to-rome> {{
              <{JOB}charge-de-communication-interne-et-externe> skos:exactMatch ?app }} }}""",
    )
    assert rows == [(APP + "11780",)]
    # every subject of the reviewed file is a job title of the curated data, with the label the file gives
    ms = read_sssom(REVIEWED)
    labels = dict(query(built, "SELECT ?j ?l WHERE { ?j a pk:JobTitle ; rdfs:label ?l }"))
    for m in ms.mappings:
        iri = ms.expand(m.values["subject_id"], m.line)
        assert labels.get(iri) == m.values["subject_label"], f"line {m.line}: {iri}"


@pytest.fixture(scope="module")
def with_rome(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    project = mini_project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("linking-build")
    import_rome(ROME_FIXTURE, out, lambda _m: None, project)
    return out, project.root


def test_link_jobs_writes_reviewable_proposals(with_rome, tmp_path: Path) -> None:
    out, home = with_rome
    target = tmp_path / "proposed.sssom.tsv"
    report = link_jobs(out, home / "data" / "mappings", target)
    ms = read_sssom(target)
    assert ms.metadata["mapping_set_id"] == "https://w3id.org/progkg/mappings/brochure-jobs-to-rome.proposed"
    reviewed = {
        ms2.expand(m.values["subject_id"], m.line) for ms2 in [read_sssom(REVIEWED)] for m in ms2.mappings
    }
    assert not {c.subject for c in report.proposals} & reviewed  # reviewed jobs are not proposed again
    assert report.skipped_reviewed == len(reviewed)
    assert report.jobs == report.skipped_reviewed + len(report.unmatched) + len(
        {c.subject for c in report.proposals}
    )
    everything = link_jobs(out, home / "data" / "mappings", tmp_path / "all.sssom.tsv", include_reviewed=True)
    proposed = read_sssom(tmp_path / "all.sssom.tsv")
    assert proposed.mappings
    assert all(m.values["mapping_justification"] == "semapv:LexicalMatching" for m in proposed.mappings)
    assert any(
        c.subject == JOB + "charge-de-communication-interne-et-externe" and c.object == APP + "11780"
        for c in everything.proposals
    )
    # proposals kept outside data/ never reach the graph
    assert read_sssom_quads(target, GRAPH)
    assert not (home / "data" / "mappings" / "proposed.sssom.tsv").exists()


def test_link_jobs_cli(with_rome, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, home = with_rome
    target = tmp_path / "p.sssom.tsv"
    code, stdout, stderr = run_cli(["link", "jobs", "--all", "-o", str(target)], out, capsys, home)
    assert code == 0, stderr
    assert "Chargé de communication (interne et externe)  →  Chargé / Chargée de communication" in stdout
    assert target.is_file()
    empty_build = tmp_path / "no-rome"
    build(mini_project(tmp_path / "p2"), empty_build)
    code, _, stderr = run_cli(["link", "jobs", "-o", str(target)], empty_build, capsys, home)
    assert code == 2 and "run `progkg import rome PATH` first" in stderr


def test_saved_queries_follow_the_mapping_to_rome(with_rome) -> None:
    out, home = with_rome
    from progkg import paths

    res = paths.resources(home)
    if not (res.queries / "programmes-for-rome.rq").is_file():
        pytest.skip("the saved queries are not there yet")
    from progkg.queries import load_query, run_query

    found = run_query(load_query(res, "programmes-for-rome"), {"rome": "E1103"}, build_dir=out).values()
    assert any(
        row[2] == "M2 Communication institutionnelle et politique des territoires (alternance)"
        for row in found
    ), found
    jobs = run_query(
        load_query(res, "jobs-for-parcours"), {"parcours": "Communication institutionnelle"}, build_dir=out
    ).values()
    assert ("Chargé de communication (interne et externe)", "E1112") in {(r[2], r[3]) for r in jobs}
    by_rome = run_query(load_query(res, "jobs-for-rome"), {"rome": "E1103"}, build_dir=out).values()
    assert any(r[2] == "Chargé / Chargée de communication" and r[3] == "11780" for r in by_rome)


@pytest.mark.shared_data
def test_reviewed_objects_are_rome_v460_titles(tmp_path: Path) -> None:
    data = shared_data_or_skip() / "rome-v460"
    out = tmp_path / "build"
    import_rome(data, out, lambda _m: None, mini_project(tmp_path / "project"))
    labels = dict(query(out, "SELECT ?a ?l WHERE { ?a a pk:RomeAppellation ; skos:prefLabel ?l }"))
    ms = read_sssom(REVIEWED)
    for m in ms.mappings:
        iri = ms.expand(m.values["object_id"], m.line)
        assert labels.get(iri) == m.values["object_label"], f"line {m.line}: {iri}"

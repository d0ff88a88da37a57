"""The ESCO questions: esco-for-job, skills-for-job, programmes-for-esco (issue 13, item 4).

They run on a build of the repository's graph with the small real cut of ROME v460
(tests/fixtures/queries/rome-mini.trig) and the ESCO fixtures (tests/fixtures/esco/: real rows
of ESCO v1.1.1 and of the ESCO-ROME crosswalk, French labels of v1.2.1, synthetic English
occupation labels), imported as `progkg import esco` and `progkg import esco-rome` leave them.
The tests of tests/test_queries.py that run every saved query run these three too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import build
from progkg.importers.common import ImportReport, NQuads, Release
from progkg.importers.esco import GRAPH as ESCO_GRAPH
from progkg.importers.esco import generate_all
from progkg.importers.esco_rome import GRAPH as CROSSWALK_GRAPH
from progkg.importers.esco_rome import generate as generate_crosswalk
from progkg.queries import QueryResult, load_query, run_query

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)
FIXTURES = REPO / "tests" / "fixtures"
ESCO = FIXTURES / "esco"
PR_OFFICER = "http://data.europa.eu/esco/occupation/c0489e22-6a1b-4e52-974a-eb71bbb42134"
PR_FR = "chargé des relations publiques/chargée des relations publiques"
PARIS1 = "Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)"

CONTRACT = {
    "esco-for-job": (
        ("job", "rome"),
        ("jobTitle", "romeCode", "relation", "occupation", "labelFr", "labelEn"),
    ),
    "skills-for-job": (("job",), ("occupation", "need", "skillFr", "skillEn", "skillType", "skill")),
    "programmes-for-esco": (("occupation",), ("occupation", "romeCode", "programme", "institution")),
}


@pytest.fixture(scope="module")
def esco_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("esco-build")
    imports = out / "imports"
    imports.mkdir(parents=True)
    quads = ox.parse(path=str(FIXTURES / "queries" / "rome-mini.trig"), format=ox.RdfFormat.TRIG)
    (imports / "rome.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    with open(imports / "esco.nq", "w", encoding="utf-8") as fh:
        releases = [Release(ESCO / name) for name in ("v1.1.1-cut", "v1.2.1-fr-labels", "en-synthetic")]
        generate_all(releases, NQuads(fh, ESCO_GRAPH), ImportReport("esco"), lambda _m: None)
    with open(imports / "esco-rome.nq", "w", encoding="utf-8") as fh:
        release = Release(ESCO / "crosswalk" / "FR_20230104_mapping_esco_rome.csv")
        generate_crosswalk(release, NQuads(fh, CROSSWALK_GRAPH), ImportReport("esco-rome"), lambda _m: None)
    build(RES, out)
    return out


def ask(name: str, build_dir: Path, **params: str) -> QueryResult:
    return run_query(load_query(RES, name), params, build_dir=build_dir)


def test_contract() -> None:
    for name, (params, columns) in CONTRACT.items():
        query = load_query(RES, name)
        assert tuple(p.name for p in query.params) == params, name
        assert query.columns == columns, name


def test_esco_for_job_gives_the_occupations_with_the_relation_and_both_languages(esco_built: Path) -> None:
    rows = ask("esco-for-job", esco_built, job="chargé de communication").values()
    assert rows == [
        (
            "Chargé / Chargée de communication",
            "E1112",
            "http://www.w3.org/2004/02/skos/core#narrowMatch",
            PR_OFFICER,
            PR_FR,
            "public relations officer",
        )
    ]


def test_esco_for_job_by_rome_code_includes_the_sub_codes(esco_built: Path) -> None:
    rows = ask("esco-for-job", esco_built, rome="E1103").values()
    assert {(r[0], r[1], r[2].rsplit("#", 1)[-1], r[4]) for r in rows} == {
        ("Chargé / Chargée de communication", "E1112", "narrowMatch", PR_FR),
        ("Chargé / Chargée des relations publiques", "E1103", "exactMatch", PR_FR),
        ("Lobbyiste", "E1103", "closeMatch", "chargé de campagne/chargée de campagne"),
        (
            "Directeur / Directrice de la communication",
            "E1109",
            "exactMatch",
            "directeur de la communication/directrice de la communication",
        ),
    }
    # The campaign officer has no English label in the fixtures: the column is empty, not guessed.
    assert [r[5] for r in rows if r[0] == "Lobbyiste"] == [None]
    assert not ask("esco-for-job", esco_built).rows  # neither parameter: no rows


def test_esco_for_job_reaches_rome_titles_through_a_brochure_title(esco_built: Path) -> None:
    """ "Directeur de la communication (interne et externe)" (a brochure's title) is mapped to ROME's
    "Directeur / Directrice de la communication", which the crosswalk maps to ESCO."""
    rows = ask("esco-for-job", esco_built, job="Directeur de la communication (interne et externe)").values()
    assert {(r[0], r[4], r[5]) for r in rows} == {
        (
            "Directeur / Directrice de la communication",
            "directeur de la communication/directrice de la communication",
            "communication manager",
        )
    }


def test_skills_for_job_lists_essential_skills_first_in_french_and_english(esco_built: Path) -> None:
    rows = ask("skills-for-job", esco_built, job="Chargé / Chargée des relations publiques").values()
    assert [r[1] for r in rows] == ["essential"] * 3 + ["optional"] * 2
    assert all(r[0] == PR_FR and r[2] and r[3] for r in rows)
    assert {r[4] for r in rows} == {"knowledge"}
    assert all(r[5].startswith("http://data.europa.eu/esco/skill/") for r in rows)


@pytest.mark.parametrize("given", ["chargée des relations publiques", "public relations officer", PR_OFFICER])
def test_programmes_for_esco_by_french_or_english_name_or_uri(esco_built: Path, given: str) -> None:
    result = ask("programmes-for-esco", esco_built, occupation=given)
    assert [m.iri for m in result.resolutions[0].matches] == [PR_OFFICER]
    rows = result.values()
    # Through ROME's "Chargé / Chargée de communication" (E1112, the Paris 1 M2's career, mapped in
    # data/mappings) and "Chargé / Chargée des relations publiques" (E1103: Paris 1 through its
    # sub-code E1112, Lille 2 through RNCP24759's codes).
    assert {(r[1], r[2]) for r in rows} >= {("E1112", PARIS1), ("E1103", PARIS1)}
    assert {r[0] for r in rows} == {PR_FR}


def test_an_unknown_occupation_is_a_clear_error(esco_built: Path) -> None:
    from progkg.errors import ProgkgError

    with pytest.raises(ProgkgError, match="no ESCO occupation matches 'astronaute'"):
        ask("programmes-for-esco", esco_built, occupation="astronaute")


def test_a_code_given_to_the_wrong_parameter_names_the_right_one(esco_built: Path) -> None:
    """esco-for-job takes a job title (job) or a ROME code (rome): a ROME code given as job
    is refused, and the message says which parameter takes it; a value naming nothing of any
    kind gets no such hint."""
    from progkg.errors import ProgkgError

    with pytest.raises(ProgkgError) as caught:
        ask("esco-for-job", esco_built, job="E1103")
    message = caught.value.message
    assert message.startswith("parameter job: no job title matches 'E1103'")
    assert re.search(r"\. 'E1103' names a ROME code \([^)]+\): give it as -p rome=E1103$", message), message
    assert len(ask("esco-for-job", esco_built, rome="E1103").values()) == 4
    with pytest.raises(ProgkgError) as caught:
        ask("esco-for-job", esco_built, job="astronaute")
    assert "give it as" not in caught.value.message

"""`progkg import onisep`: ONISEP's table de passage and job sheets → graph/onisep.

The fixture (tests/fixtures/onisep) holds a few items in the real XML layout, including the
"Master mention …" rows that link the seed programmes to their current national fiches, a
C1 control character and a doubled apostrophe as in the real file, a row without RNCP code
and a job sheet filed under a ROME domain rather than a code.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_support import (
    ID,
    ONISEP_FIXTURE,
    REPO,
    check_row_outcome,
    copy_tree,
    mini_project,
    query,
    replace_in_file,
    single_source_files,
    snapshot,
    truncate,
)

from progkg.errors import ProgkgError
from progkg.importers import onisep
from progkg.importers.common import NQuads
from progkg.importers.onisep import import_onisep

#: Slow: each test imports fixture releases into a fresh build (`pytest -m "not slow"` skips them).
pytestmark = pytest.mark.slow

RNCP = ID + "rncp/"
PARIS1 = ID + "programme/paris1/master-science-politique"
IAE = ID + "programme/univ-lille/master-management-de-l-innovation"
LILLE2 = ID + "programme/lille2/master-science-politique"
TABLE = "table_de_passage_codes_certifications_et_formations.xml"


@pytest.fixture(scope="module")
def onisep_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("onisep-build")
    report = import_onisep(
        ONISEP_FIXTURE, out, lambda _m: None, mini_project(tmp_path_factory.mktemp("project"))
    )
    return out, report


def test_table_rows_give_certifications_and_formations(onisep_build) -> None:
    out, report = onisep_build
    assert report.counts["certifications"] == 5
    assert report.counts["formations"] == 4
    rows = query(
        out,
        f"""SELECT ?label ?level ?ci ?scol WHERE {{ GRAPH <https://w3id.org/progkg/graph/onisep> {{
              <{RNCP}RNCP38175> a pk:Certification ; skos:prefLabel ?label ; pk:eqfLevel ?level ;
                 pk:certifInfoId ?ci ; pk:scolariteCode ?scol }} }}""",
    )
    assert rows == [
        (
            "MASTER - Science politique (fiche nationale)",
            "http://data.europa.eu/snb/eqf/7",
            "115699",
            "1351282A",
        )
    ]
    assert query(out, f"SELECT ?c WHERE {{ <{ID}onisep/formation/FOR.9599> pk:certification ?c }}") == [
        (RNCP + "RNCP38175",)
    ]
    # the publisher's slips: a C1 control for ’ and a doubled apostrophe
    assert query(out, f"SELECT ?l WHERE {{ <{RNCP}RNCP37519> skos:prefLabel ?l }}") == [
        ("Directeur d'organisation ou d'entreprise d'innovation sociale",)
    ]


def test_master_mentions_link_to_their_national_fiche(onisep_build) -> None:
    out, _ = onisep_build
    assert query(out, "SELECT ?m ?c WHERE { ?m pk:nationalCertification ?c }") == [
        (ID + "mention/management-de-l-innovation", RNCP + "RNCP35910"),
        (ID + "mention/science-politique", RNCP + "RNCP38175"),
    ]
    # a licence mention of the same name does not make the master mention's fiche ambiguous
    assert query(out, f"SELECT ?m WHERE {{ ?m pk:nationalCertification <{RNCP}RNCP38183> }}") == []


def test_seed_programmes_reach_their_current_national_certification(onisep_build) -> None:
    out, _ = onisep_build
    rows = query(
        out,
        "SELECT ?p ?c WHERE { ?p a pk:Programme ; pk:mention/pk:nationalCertification ?c }",
    )
    assert (PARIS1, RNCP + "RNCP38175") in rows
    if (REPO / "data" / "seeds" / "iae-lille-m2-mpt.ttl").is_file():
        assert (IAE, RNCP + "RNCP35910") in rows
    # seed 001's programme keeps the 2015 Lille 2 fiche it describes, distinct from the national one
    lille2 = query(
        out,
        "SELECT ?p ?old ?new WHERE { ?p pk:certification ?old ; pk:mention/pk:nationalCertification ?new }",
    )
    assert lille2 == [(LILLE2, RNCP + "RNCP24759", RNCP + "RNCP38175")]
    assert (
        query(out, f"SELECT ?x WHERE {{ <{RNCP}RNCP24759> <http://www.w3.org/2002/07/owl#sameAs> ?x }}") == []
    )


def test_job_sheets_point_at_rome_codes_or_domains(onisep_build) -> None:
    out, report = onisep_build
    assert report.counts["job sheets"] == 3
    assert query(out, f"SELECT ?r WHERE {{ <{ID}onisep/metier/MET.100> skos:broadMatch ?r }}") == [
        (ID + "rome/E1103",),
        (ID + "rome/E1112",),
    ]
    assert query(out, f"SELECT ?r WHERE {{ <{ID}onisep/metier/MET.200> skos:broadMatch ?r }}") == [
        (ID + "rome/domain/K15",)
    ]
    assert query(
        out, f"SELECT ?l WHERE {{ <{ID}onisep/metier/MET.300> a pk:OnisepJob ; rdfs:label ?l }}"
    ) == [("agent / agente de développement local",)]


def test_one_file_is_enough_and_the_other_is_named(tmp_path: Path) -> None:
    messages: list[str] = []
    report = import_onisep(
        ONISEP_FIXTURE / TABLE, tmp_path / "build", messages.append, mini_project(tmp_path / "p")
    )
    assert report.warnings == ["no ideo-metiers file: the job sheets left out"]
    assert report.counts["certifications"] == 5


def test_idempotent(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "project")
    import_onisep(ONISEP_FIXTURE, tmp_path / "a", lambda _m: None, res)
    assert single_source_files(tmp_path / "a") == []
    first = (tmp_path / "a" / "progkg.nq").read_bytes()
    import_onisep(ONISEP_FIXTURE, tmp_path / "a", lambda _m: None, res)
    assert (tmp_path / "a" / "progkg.nq").read_bytes() == first


# --- Failures ----------------------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    import_onisep(ONISEP_FIXTURE, out, lambda _m: None, mini_project(tmp_path / "project"))
    return out


def _fails_cleanly(path: Path, out: Path, *expected: str) -> None:
    before = snapshot(out)
    with pytest.raises(ProgkgError) as err:
        import_onisep(path, out, lambda _m: None, mini_project(out.parent / "project"))
    for part in expected:
        assert part in str(err.value), str(err.value)
    assert snapshot(out) == before


def test_truncated_xml(imported: Path, tmp_path: Path) -> None:
    folder = copy_tree(ONISEP_FIXTURE, tmp_path / "onisep")
    truncate(folder / TABLE, 0.5)
    _fails_cleanly(folder, imported, f"{TABLE}:1:", "malformed XML")


def test_renamed_element(imported: Path, tmp_path: Path) -> None:
    folder = copy_tree(ONISEP_FIXTURE, tmp_path / "onisep")
    path = folder / TABLE
    path.write_bytes(path.read_bytes().replace(b"ci_code_rncp>", b"code_rncp>"))
    _fails_cleanly(folder, imported, f"{TABLE}:1:", 'missing column "ci_code_rncp"', 'renamed "code_rncp"?')


def test_wrong_encoding(imported: Path, tmp_path: Path) -> None:
    folder = copy_tree(ONISEP_FIXTURE, tmp_path / "onisep")
    path = folder / TABLE
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    _fails_cleanly(folder, imported, f"{TABLE}:1:", "malformed XML", "wrong encoding")


def test_bad_values(imported: Path, tmp_path: Path) -> None:
    folder = copy_tree(ONISEP_FIXTURE, tmp_path / "onisep")
    replace_in_file(folder / "ideo-metiers_onisep.xml", b"E1103 | E1112", b"E1103 | communication")
    _fails_cleanly(folder, imported, "ideo-metiers_onisep.xml:1:", '"communication" is not a ROME code')
    folder2 = copy_tree(ONISEP_FIXTURE, tmp_path / "onisep2")
    replace_in_file(folder2 / TABLE, b"<ci_code_rncp>38175<", b"<ci_code_rncp>38-175<")
    _fails_cleanly(folder2, imported, f"{TABLE}:1:", '"38-175" is not an RNCP number')


def test_no_onisep_file(imported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "readme.txt").write_text("nothing here", encoding="utf-8")
    _fails_cleanly(folder, imported, "no ONISEP file")


# --- Property: any item gives valid triples or a located error --------------------------------------

VALUE = st.one_of(
    st.sampled_from(["38175", "RNCP38175", "", "7", "non renseigné", "9", "FOR.9599", "FOR9599", "Master"]),
    st.sampled_from(
        ["Master mention science politique", "Master mention ", "1351282A", "E1103 | K15", "E1103 |"]
    ),
    st.sampled_from(
        ["https://www.onisep.fr/http/redirection/metier/slug/MET.1", "http://x/MET.1", "A15 | A1503"]
    ),
    st.text(max_size=25),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["passage", "jobs"]),
    values=st.lists(VALUE, min_size=9, max_size=9),
    line=st.integers(min_value=1, max_value=10**6),
)
def test_any_item_gives_valid_triples_or_a_located_error(table: str, values: list[str], line: int) -> None:
    columns = list(onisep.TABLE_COLUMNS if table == "passage" else onisep.JOB_COLUMNS)
    method = onisep.OnisepWriter.passage_row if table == "passage" else onisep.OnisepWriter.job_row
    writer = onisep.OnisepWriter(NQuads(io.StringIO(), onisep.GRAPH))
    check_row_outcome(method, writer, columns, dict(zip(columns, values, strict=False)), line)


# --- The real files ------------------------------------------------------------------------------------


@pytest.mark.shared_data
def test_real_files_link_the_seed_mentions(tmp_path: Path) -> None:
    data = shared_data_or_skip() / "onisep"
    out = tmp_path / "build"
    report = import_onisep(data, out, lambda _m: None, mini_project(tmp_path / "project"))
    assert report.counts["job sheets"] > 1000
    rows = query(out, "SELECT ?m ?c WHERE { ?m pk:nationalCertification ?c }")
    assert (ID + "mention/science-politique", RNCP + "RNCP38175") in rows
    assert (ID + "mention/management-de-l-innovation", RNCP + "RNCP35910") in rows
    assert len({m for m, _ in rows}) == len(rows)  # one national fiche per master mention
    programmes = query(
        out, "SELECT ?p ?c WHERE { ?p a pk:Programme ; pk:mention/pk:nationalCertification ?c }"
    )
    assert (PARIS1, RNCP + "RNCP38175") in programmes
    assert not any(c == RNCP + "RNCP24759" for _p, c in programmes)

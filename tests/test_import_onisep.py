"""`progkg import onisep`: ONISEP's table de passage and job sheets → graph/onisep, and the
Idéo formation sheets → graph/onisep-formations (ODbL, a graph of their own).

The fixture (tests/fixtures/onisep) holds a few items in the real XML layout, including the
"Master mention …" rows that link the seed programmes to their current national fiches, a
C1 control character and a doubled apostrophe as in the real file, a row without RNCP code
and a job sheet filed under a ROME domain rather than a code. tests/fixtures/onisep-formations
holds seven real <formation> elements, trimmed: fiche pages with a trailing slash, without,
with an anchor, on the register's former site; a diploma's referential on eduscol; no url; a
job sheet the job-sheet file lacks (MET.267, as in the real files).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_support import (
    FIXTURES,
    ID,
    ONISEP_FIXTURE,
    REPO,
    check_row_outcome,
    copy_tree,
    mini_project,
    query,
    replace_in_file,
    run_cli,
    single_source_files,
    snapshot,
    truncate,
    zip_folder,
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
FORMATIONS_FIXTURE = FIXTURES / "onisep-formations"
SHEETS = "Onisep_Ideo_Fiches_Formations_25062024.xml"
FORMATIONS_GRAPH = "https://w3id.org/progkg/graph/onisep-formations"
ODBL = "http://opendatacommons.org/licenses/odbl/1-0/"
FOR = ID + "onisep/formation/"
MET = ID + "onisep/metier/"


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


def test_one_file_is_enough_and_the_others_are_named(tmp_path: Path) -> None:
    messages: list[str] = []
    report = import_onisep(
        ONISEP_FIXTURE / TABLE, tmp_path / "build", messages.append, mini_project(tmp_path / "p")
    )
    assert report.warnings == [
        "no ideo-metiers_onisep.xml: the job sheets left out (no job sheet → ROME links)",
        "no Onisep_Ideo_Fiches_Formations_<ddmmyyyy>.xml: the formation sheets left out "
        "(no formation → RNCP fiche or → job sheet links)",
        "an ONISEP import replaces the previous one whole: "
        "give all three files in one import to keep them all",
    ]
    assert report.counts["certifications"] == 5


def test_idempotent(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "project")
    import_onisep(ONISEP_FIXTURE, tmp_path / "a", lambda _m: None, res)
    assert single_source_files(tmp_path / "a") == []
    first = (tmp_path / "a" / "progkg.nq").read_bytes()
    import_onisep(ONISEP_FIXTURE, tmp_path / "a", lambda _m: None, res)
    assert (tmp_path / "a" / "progkg.nq").read_bytes() == first


# --- The Idéo formation sheets (graph/onisep-formations) ------------------------------------------


@pytest.fixture(scope="module")
def all_three(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The fixture's table and job sheets (a folder) and its formation sheets (a zip): two paths."""
    out = tmp_path_factory.mktemp("onisep-all")
    sheets = zip_folder(FORMATIONS_FIXTURE, tmp_path_factory.mktemp("zip") / "5fe07a9ecc960.zip", "ideo/")
    report = import_onisep(
        [ONISEP_FIXTURE, sheets], out, lambda _m: None, mini_project(tmp_path_factory.mktemp("project"))
    )
    return out, report


def test_formation_sheets_are_counted(all_three) -> None:
    _out, report = all_three
    assert report.counts["formation sheets"] == 7
    assert report.counts["formation sheets of type master"] == 1
    # 37084/, 35910/, 36394/#anchor1, certificationprofessionnelle.fr/…/30109, 36022/
    assert report.counts["formation sheets → RNCP fiche"] == 5
    assert report.counts["formation sheets → other reference page"] == 1  # eduscol
    assert report.counts["formation → job sheet links"] == 9
    assert report.counts["job sheets known only from the formation sheets"] == 1
    assert report.warnings == [
        "1 job sheet(s) named by the formation sheets are not in ideo-metiers_onisep.xml: MET.267 "
        "(kept with the name the formation sheet gives, without ROME code)"
    ]


def test_formation_links_to_its_fiche_and_through_job_sheets_to_rome(all_three) -> None:
    out, _ = all_three
    rows = query(
        out,
        f"""SELECT ?f ?cert WHERE {{ GRAPH <{FORMATIONS_GRAPH}> {{ ?f a pk:OnisepFormation ;
              pk:certification ?cert }} }}""",
    )
    assert rows == [
        (FOR + "FOR.1000", RNCP + "RNCP37084"),
        (FOR + "FOR.10043", RNCP + "RNCP36394"),
        (FOR + "FOR.1075", RNCP + "RNCP36022"),
        (FOR + "FOR.4723", RNCP + "RNCP35910"),
        (FOR + "FOR.5125", RNCP + "RNCP30109"),
    ]
    # the same formation node as the table de passage's, which links it to the same fiche
    assert query(out, f"SELECT DISTINCT ?c WHERE {{ <{FOR}FOR.4723> pk:certification ?c }}") == [
        (RNCP + "RNCP35910",)
    ]
    assert query(out, f"SELECT ?r WHERE {{ <{FOR}FOR.4723> pk:leadsTo/skos:broadMatch ?r }}") == [
        (ID + "rome/E1103",),
        (ID + "rome/E1112",),
    ]
    # a page that is not a fiche's is kept as a reference, not as a certification
    assert query(out, f"SELECT ?p WHERE {{ <{FOR}FOR.10016> rdfs:seeAlso ?p }}") == [
        ("https://referentiels-professionnels.eduscol.education.fr/CAP_CAV.html",),
        ("https://www.onisep.fr/http/redirection/formation/slug/FOR.10016",),
    ]
    assert query(out, f"SELECT ?c WHERE {{ <{FOR}FOR.10016> pk:certification ?c }}") == []


def test_formation_sheet_facts(all_three) -> None:
    out, _ = all_three
    g = FORMATIONS_GRAPH
    assert query(
        out,
        f"""SELECT ?label ?type ?time WHERE {{ GRAPH <{g}> {{ <{FOR}FOR.4723> skos:prefLabel ?label ;
              dct:type ?type ; <https://schema.org/timeToComplete> ?time }} }}""",
    ) == [("master mention management de l'innovation", "master", "P2Y")]
    # the fiche's level and diploma code, as the sheet gives them
    assert query(
        out,
        f"SELECT ?l ?c WHERE {{ GRAPH <{g}> {{ <{RNCP}RNCP37084> a pk:Certification ; pk:rncpCode "
        '"RNCP37084" ; pk:eqfLevel ?l ; pk:scolariteCode ?c } }',
    ) == [("http://data.europa.eu/snb/eqf/7", "16X20003")]
    # a job sheet the job-sheet file lacks: described from the formation sheet, so that
    # pk:leadsTo points at a job title (validation checks its range)
    assert query(
        out, f"SELECT ?l WHERE {{ GRAPH <{g}> {{ <{MET}MET.267> a pk:OnisepJob ; rdfs:label ?l }} }}"
    ) == [("attaché/e commercial/e",)]
    # a sheet the job-sheet file describes keeps that file's name only
    assert query(out, f"SELECT ?l WHERE {{ <{MET}MET.100> rdfs:label ?l }}") == [
        ("chargé / chargée de communication",)
    ]


def test_formation_sheets_are_a_graph_of_their_own_under_odbl(all_three) -> None:
    """Item 5 of issue 13: the ODbL sheets can be left out of an export, graph and all."""
    out, _ = all_three
    licences = query(
        out,
        "SELECT ?g ?l WHERE { GRAPH ?g { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?s . "
        '?s dct:license ?l } FILTER(STRSTARTS(STR(?g), "https://w3id.org/progkg/graph/onisep")) }',
    )
    assert licences == [
        ("https://w3id.org/progkg/graph/onisep", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
        (FORMATIONS_GRAPH, ODBL),
    ]
    assert query(
        out,
        f"SELECT ?s ?d WHERE {{ GRAPH <{FORMATIONS_GRAPH}> {{ "
        "?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?s . ?s dct:issued ?d } }",
    ) == [(ID + "source/ideo-formations-2024-06-25", "2024-06-25")]
    # nothing of the sheets leaks into the Licence Ouverte graph: FOR.1000 is in no table row
    assert (
        query(
            out,
            f"SELECT ?p WHERE {{ GRAPH <https://w3id.org/progkg/graph/onisep> {{ <{FOR}FOR.1000> ?p ?o }} }}",
        )
        == []
    )
    assert (
        query(out, "SELECT ?f WHERE { GRAPH <https://w3id.org/progkg/graph/onisep> { ?f pk:leadsTo ?j } }")
        == []
    )
    assert single_source_files(out) == []


def test_only_the_formation_sheets_replaces_the_previous_import_and_says_so(tmp_path: Path) -> None:
    """The documented behaviour: an import holds what its paths hold, and names what is absent."""
    res = mini_project(tmp_path / "project")
    out = tmp_path / "build"
    import_onisep([ONISEP_FIXTURE, FORMATIONS_FIXTURE], out, lambda _m: None, res)
    assert query(out, f"SELECT ?l WHERE {{ <{RNCP}RNCP38175> skos:prefLabel ?l }}") != []
    messages: list[str] = []
    report = import_onisep(FORMATIONS_FIXTURE / SHEETS, out, messages.append, res)
    assert report.warnings[:2] == [
        "no table_de_passage_codes_certifications_et_formations.xml: the diploma ↔ RNCP table left out "
        "(no Certif Info ids, RNCP titles from ONISEP, nor the national fiche of each master mention)",
        "no ideo-metiers_onisep.xml: the job sheets left out (no job sheet → ROME links)",
    ]
    assert "replaces the previous one whole" in report.warnings[-1]
    assert query(out, f"SELECT ?l WHERE {{ <{RNCP}RNCP38175> skos:prefLabel ?l }}") == []
    assert (
        query(
            out,
            "SELECT ?s WHERE { GRAPH <https://w3id.org/progkg/graph/onisep> { ?s ?p ?o } } LIMIT 1",
        )
        == []
    )
    # every job sheet the formations name is then described from the sheets themselves
    assert report.counts["job sheets known only from the formation sheets"] == 4
    assert query(out, f"SELECT ?l WHERE {{ <{MET}MET.100> rdfs:label ?l }}") == [
        ("chargé/e de communication",)
    ]


def test_a_fiche_is_named_by_onisep_s_copy_of_its_title_rather_than_the_kit_s(tmp_path: Path) -> None:
    """The search index's display name (pkx:name) of a fiche without the RNCP export's title:
    ONISEP's copy of France Compétences' title, not the kit's DEPP title naming one institution
    (which sorts first here); the kit's title still names a fiche it alone titles."""
    from progkg.importers.kit import import_kit

    res = mini_project(tmp_path / "project")
    out = tmp_path / "build"
    kit = tmp_path / "kit" / "Kit_apprentissage_20231218.csv"
    kit.parent.mkdir()
    header = (
        "Code_Diplome;Intitulé diplôme (DEPP);Code_RNCP;Niveau fiche RNCP;Abrégé de diplôme (RNCP);"
        "Dernière MaJ;Accès à l'apprentissage de la fiche RNCP (oui/non);Date d'échéance de la fiche RNCP;"
        "Fiche ACTIVE/INACTIVE"
    )
    rows = [
        "1353103S;MANAGEMENT DE L'INNOVATION (MASTER GRENOBLE);RNCP35910;Niveau 7;MASTER;CI-18122023;"
        "oui;;ACTIVE",
        "1351282A;DROIT (MASTER LYON);RNCP90009;Niveau 7;MASTER;CI-18122023;oui;;ACTIVE",
    ]
    kit.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))
    import_kit(kit, out, lambda _m: None, res)
    import_onisep(ONISEP_FIXTURE, out, lambda _m: None, res)
    name = "<https://w3id.org/progkg/derived#name>"
    assert query(out, f"SELECT ?n WHERE {{ <{RNCP}RNCP35910> {name} ?n }}") == [
        ("MASTER - Management de l’innovation (fiche nationale)",)
    ]
    assert query(out, f"SELECT ?n WHERE {{ <{RNCP}RNCP90009> {name} ?n }}") == [("DROIT (MASTER LYON)",)]


def test_cli_takes_several_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = run_cli(
        ["import", "onisep", str(ONISEP_FIXTURE), str(FORMATIONS_FIXTURE)], tmp_path / "build", capsys
    )
    assert code == 0, stderr
    assert "formation sheets " in stdout and "of which in graph/onisep-formations (ODbL)" in stdout
    assert SHEETS in stderr and TABLE in stderr


def test_idempotent_with_both_graphs(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "project")
    import_onisep([FORMATIONS_FIXTURE, ONISEP_FIXTURE], tmp_path / "a", lambda _m: None, res)
    first = (tmp_path / "a" / "progkg.nq").read_bytes()
    import_onisep([ONISEP_FIXTURE, FORMATIONS_FIXTURE], tmp_path / "a", lambda _m: None, res)
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


def _sheets_with(tmp_path: Path, old: bytes, new: bytes) -> Path:
    folder = copy_tree(FORMATIONS_FIXTURE, tmp_path / "sheets")
    replace_in_file(folder / SHEETS, old, new)
    return folder


def _sheets_fail(imported: Path, folder: Path, *expected: str) -> None:
    before = snapshot(imported)
    with pytest.raises(ProgkgError) as err:
        import_onisep(
            [ONISEP_FIXTURE, folder], imported, lambda _m: None, mini_project(imported.parent / "p")
        )
    for part in expected:
        assert part in str(err.value), str(err.value)
    assert "\n" not in str(err.value)
    assert snapshot(imported) == before


def _line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_sheets_malformed_xml(imported: Path, tmp_path: Path) -> None:
    folder = copy_tree(FORMATIONS_FIXTURE, tmp_path / "sheets")
    truncate(folder / SHEETS, 0.5)
    _sheets_fail(imported, folder, f"{SHEETS}:", "malformed XML")


def test_sheets_wrong_encoding(imported: Path, tmp_path: Path) -> None:
    folder = copy_tree(FORMATIONS_FIXTURE, tmp_path / "sheets")
    path = folder / SHEETS
    data = path.read_text(encoding="utf-8").encode("latin-1", errors="replace")
    path.write_bytes(data)
    line = data[: next(i for i, b in enumerate(data) if b > 127)].count(b"\n") + 1
    _sheets_fail(imported, folder, f"{SHEETS}:{line}:", "malformed XML", "wrong encoding")


def test_sheets_url_on_the_register_that_is_not_a_fiche(imported: Path, tmp_path: Path) -> None:
    old = b"https://www.francecompetences.fr/recherche/rncp/35910/"
    folder = _sheets_with(tmp_path, old, b"https://www.francecompetences.fr/recherche/rncp/35-910/")
    line = _line_of((FORMATIONS_FIXTURE / SHEETS).read_bytes(), old)
    _sheets_fail(imported, folder, f"{SHEETS}:{line}:", "<url>", "is not the page of an RNCP fiche")


def test_sheets_job_sheet_id_malformed(imported: Path, tmp_path: Path) -> None:
    folder = _sheets_with(tmp_path, b"<id>MET.267</id>", b"<id>MET-267</id>")
    line = _line_of((FORMATIONS_FIXTURE / SHEETS).read_bytes(), b"<id>MET.267</id>")
    _sheets_fail(imported, folder, f"{SHEETS}:{line}:", '"MET-267" is not an ONISEP job sheet id')


def test_sheets_bad_values(imported: Path, tmp_path: Path) -> None:
    folder = _sheets_with(tmp_path, b"<identifiant>FOR.4723<", b"<identifiant>4723<")
    _sheets_fail(imported, folder, "<identifiant>", '"4723" is not an ONISEP formation id')
    folder = _sheets_with(tmp_path / "2", b"<duree_formation>2 ans<", b"<duree_formation>deux ans<")
    _sheets_fail(imported, folder, "<duree_formation>", '"deux ans" is not a duration')
    folder = _sheets_with(tmp_path / "3", b"<identifiant>FOR.1075<", b"<identifiant>FOR.4723<")
    _sheets_fail(imported, folder, "FOR.4723 is described twice")


def test_sheets_hostile_or_foreign_xml(imported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bomb"
    folder.mkdir()
    (folder / SHEETS).write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE formations [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        b"<formations><formation><identifiant>&b;</identifiant></formation></formations>\n"
    )
    _sheets_fail(imported, folder, f"{SHEETS}:2:", 'declares the entity "a"')
    folder = tmp_path / "foreign"
    folder.mkdir()
    (folder / SHEETS).write_bytes(b"<root><item><a>1</a></item></root>\n")
    _sheets_fail(imported, folder, f"{SHEETS}:1:1:", "not <formations>")


def test_same_file_twice(imported: Path) -> None:
    _fails_cleanly_paths([ONISEP_FIXTURE, ONISEP_FIXTURE / TABLE], imported, f"a second {TABLE}", "give one")


def _fails_cleanly_paths(paths: list[Path], out: Path, *expected: str) -> None:
    before = snapshot(out)
    with pytest.raises(ProgkgError) as err:
        import_onisep(paths, out, lambda _m: None, mini_project(out.parent / "project"))
    for part in expected:
        assert part in str(err.value), str(err.value)
    assert snapshot(out) == before


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


SHEET_VALUE = st.one_of(
    st.sampled_from(
        [
            "FOR.4723",
            "FOR4723",
            "",
            "2 ans",
            "1 an",
            "deux ans",
            "niveau 7 (bac + 5)",
            "non inscrit au RNCP",
            "niveau 9 (bac + 7)",
            "1353103S",
            "13531",
            "master",
        ]
    ),
    st.sampled_from(
        [
            "https://www.francecompetences.fr/recherche/rncp/35910/",
            "https://www.francecompetences.fr/recherche/rncp/35910/#anchor1",
            "http://certificationprofessionnelle.fr/recherche/rncp/30109",
            "https://www.francecompetences.fr/recherche/rs/5000/",
            "https://www.francecompetences.fr/recherche/rncp/3591O/",
            "https://eduscol.education.fr/a b.html",
            "javascript:alert(1)",
        ]
    ),
    st.text(max_size=25),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(SHEET_VALUE, min_size=7, max_size=7),
    jobs=st.lists(
        st.tuples(st.sampled_from(["MET.100", "MET.267", "MET-1", "", " MET.9 "]), st.text(max_size=10))
    ),
    line=st.integers(min_value=1, max_value=10**6),
)
def test_any_formation_gives_valid_triples_or_a_located_error(
    values: list[str], jobs: list[tuple[str, str]], line: int
) -> None:
    """A formation sheet read from the file becomes valid N-Quads, or one error naming the file
    and a line (never another exception, never a line break in the message)."""
    import pyoxigraph as ox

    fields = list(dict.fromkeys(onisep.FORMATION_FIELDS.values()))
    formation = onisep.Formation("sheets.xml", line, 5)
    formation.values = {name: (value, line + 1, 9) for name, value in zip(fields, values, strict=False)}
    formation.jobs = [(job, name, line + 2, 17) for job, name in jobs]
    buffer = io.StringIO()
    writer = onisep.FormationWriter(NQuads(buffer, onisep.FORMATIONS_GRAPH), {"MET.100"})
    try:
        writer.formation(formation)
    except ProgkgError as exc:
        assert str(exc).startswith("sheets.xml:") and "\n" not in str(exc), str(exc)
        return
    data = buffer.getvalue().encode("utf-8")
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_QUADS))) == data.count(b"\n")


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


@pytest.mark.shared_data
def test_real_formation_sheets_counts(tmp_path: Path) -> None:
    """All three real files; the counts checked against the formation-sheet file itself."""
    import re
    import xml.etree.ElementTree as ET
    import zipfile

    data = shared_data_or_skip()
    archive = data / "onisep-formations-2024" / "5fe07a9ecc960.zip"
    with zipfile.ZipFile(archive) as zf:
        root = ET.fromstring(zf.read(SHEETS))
    sheets = root.findall("formation")
    urls = [(f.findtext("url") or "").strip() for f in sheets]
    on_register = [
        u
        for u in urls
        if re.search(r"(francecompetences|certificationprofessionnelle)\.fr/recherche/rncp/", u)
    ]
    masters = [f for f in sheets if f.findtext("type_Formation/type_formation_libelle") == "master"]
    assert (len(sheets), len(masters), len(on_register)) == (2164, 195, 1233)

    out = tmp_path / "build"
    report = import_onisep(
        [data / "onisep", archive], out, lambda _m: None, mini_project(tmp_path / "project")
    )
    assert report.counts["formation sheets"] == len(sheets)
    assert report.counts["formation sheets of type master"] == len(masters)
    assert report.counts["formation sheets → RNCP fiche"] == len(on_register)
    links = sum(len(f.findall("metiers_formation/metier")) for f in sheets)
    assert report.counts["formation → job sheet links"] == links == 5934
    assert report.counts["job sheets known only from the formation sheets"] == 3  # MET.147, 267, 708
    g = FORMATIONS_GRAPH
    assert query(out, f"SELECT (COUNT(?f) AS ?n) WHERE {{ GRAPH <{g}> {{ ?f a pk:OnisepFormation }} }}") == [
        ("2164",)
    ]
    assert query(
        out,
        f"SELECT (COUNT(?f) AS ?n) WHERE {{ GRAPH <{g}> {{ ?f dct:type 'master'@fr ; "
        "pk:certification ?c } }",
    ) == [("183",)]
    # "Master mention management de l'innovation" (FOR.4723) → RNCP35910, as the table says too
    assert query(out, f"SELECT ?c WHERE {{ GRAPH <{g}> {{ <{FOR}FOR.4723> pk:certification ?c }} }}") == [
        (RNCP + "RNCP35910",)
    ]
    # The 2024 sheets have no "master mention science politique" (FOR.9599): its link to
    # RNCP38175 comes from the table de passage only.
    assert query(out, f"SELECT ?p WHERE {{ GRAPH <{g}> {{ <{FOR}FOR.9599> ?p ?o }} }}") == []
    assert query(out, f"SELECT ?c WHERE {{ <{FOR}FOR.9599> pk:certification ?c }}") == [(RNCP + "RNCP38175",)]

"""`progkg import rncp`: France Compétences' CSV export → graph/rncp, atomically.

The fixture (tests/fixtures/rncp) is a small export in the real format: `;` separators,
CRLF lines, every value quoted and empty ones bare, dd/mm/yyyy dates, SIRET values starting
with a TAB, doubled apostrophes in ROME labels. Integration tests read the real cut in
../shared/data when it is there.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_support import (
    ID,
    RNCP_FIXTURE,
    check_row_outcome,
    copy_tree,
    dump_lines_but_received,
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
from progkg.importers import rncp
from progkg.importers.common import NQuads
from progkg.importers.rncp import import_rncp

#: Slow: each test imports fixture releases into a fresh build (`pytest -m "not slow"` skips them).
pytestmark = pytest.mark.slow

RNCP = ID + "rncp/"


@pytest.fixture(scope="module")
def rncp_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("rncp-build")
    report = import_rncp(RNCP_FIXTURE, out, lambda _m: None, mini_project(tmp_path_factory.mktemp("project")))
    return out, report


def test_certification_facts(rncp_build) -> None:
    out, report = rncp_build
    assert report.counts["certifications"] == 4
    rows = query(
        out,
        f"""SELECT ?code ?title ?level ?active ?end ?jo WHERE {{ GRAPH <https://w3id.org/progkg/graph/rncp> {{
              <{RNCP}RNCP4049> a pk:Certification ; pk:rncpCode ?code ; rdfs:label ?title ;
                 pk:eqfLevel ?level ; pk:active ?active ; pk:registrationEnd ?end ;
                 pk:officialJournalDate ?jo }} }}""",
    )
    assert rows == [
        (
            "RNCP4049",
            "Chef de projet commercial pour l'agroalimentaire",
            "http://data.europa.eu/snb/eqf/6",
            "false",
            "2015-02-02",
            "2011-02-02",
        )
    ]
    assert query(out, f"SELECT ?a WHERE {{ <{RNCP}RS5000> pk:active ?a ; pk:partialValidation false }}") == [
        ("true",)
    ]
    assert query(out, f"SELECT ?d WHERE {{ <{RNCP}RNCP19468> pk:registrationStart ?d }}") == [("2018-09-01",)]
    # "REPRISE" (no level) gives no EQF level
    assert query(out, f"SELECT ?l WHERE {{ <{RNCP}RNCP19468> pk:eqfLevel ?l }}") == []
    assert query(out, f"SELECT ?t WHERE {{ <{RNCP}RNCP509> pk:accessibleIn ?t }}") == [
        ("Nouvelle-Calédonie",)
    ]
    assert query(
        out,
        f"SELECT ?n ?l WHERE {{ <{RNCP}RNCP509> pk:certificationType ?t . "
        "?t skos:notation ?n ; skos:prefLabel ?l }",
    ) == [("CAP", "Certificat d'aptitude professionnelle")]


def test_codes_organisations_blocks_and_history(rncp_build) -> None:
    out, _ = rncp_build
    assert query(out, f"SELECT ?r WHERE {{ <{RNCP}RNCP4049> pk:rome ?r }}") == [
        (ID + "rome/D1406",),
        (ID + "rome/D1407",),
        (ID + "rome/H1102",),
    ]
    assert query(
        out, f"SELECT ?n ?l WHERE {{ <{RNCP}RNCP4049> pk:nsf [ skos:notation ?n ; skos:prefLabel ?l ] }}"
    ) == [("221w", "Commercialisation de produits alimentaires")]
    assert query(out, f"SELECT ?l WHERE {{ <{RNCP}RS5000> pk:formacode/skos:prefLabel ?l }}") == [
        ("Blockchain",)
    ]
    # the SIRET's leading TAB is dropped, and the SIRET makes the organisation's IRI
    assert query(
        out, f"SELECT ?o ?siret WHERE {{ <{RNCP}RNCP509> pk:certifier ?o . ?o pk:siret ?siret }}"
    ) == [(ID + "org/siret/11004301500012", "11004301500012")]
    assert query(out, f"SELECT ?o WHERE {{ <{RNCP}RS5000> pk:partner ?o }}") == [
        (ID + "org/siret/82815245400033",)
    ]
    assert query(
        out, f"SELECT ?b ?code WHERE {{ <{RNCP}RNCP509> pk:hasBlock ?b . ?b skos:notation ?code }}"
    ) == [
        (RNCP + "RNCP509/bcc1", "RNCP509BC01"),
        (RNCP + "RNCP509/bcc5", "RNCP509BC05"),
    ]
    assert query(
        out, f"SELECT ?old ?new WHERE {{ <{RNCP}RNCP4049> dct:replaces ?old ; dct:isReplacedBy ?new }}"
    ) == [(RNCP + "RNCP1197", RNCP + "RNCP22094")]
    assert query(out, f"SELECT ?c WHERE {{ <{RNCP}RNCP19468> pk:collectiveAgreement/skos:notation ?c }}") == [
        ("3117",)
    ]


def test_access_routes_use_the_code_list(rncp_build) -> None:
    out, report = rncp_build
    rows = query(
        out,
        f"SELECT ?route ?open WHERE {{ <{RNCP}RNCP509> pk:accessCondition ?a . "
        "?a pk:route ?route ; pk:open ?open }",
    )
    assert rows == [
        (ID + "access-route/apprentissage", "true"),
        (ID + "access-route/candidature-individuelle", "true"),
        (ID + "access-route/contrat-professionnalisation", "true"),
        (ID + "access-route/formation-continue", "true"),
    ]
    # the routes are the curated concepts of data/vocab/code-lists.ttl
    assert query(
        out, f"SELECT ?l WHERE {{ <{RNCP}RNCP4049> pk:accessCondition/pk:route/skos:notation ?l }}"
    ) == [
        ("formation-initiale",),
        ("vae",),
    ]
    assert report.counts["access routes"] == 6


def test_zip_names_written_in_utf8_without_the_flag(tmp_path: Path) -> None:
    """Zips made on Windows store UTF-8 names that zipfile reads as cp437 ("Comp├⌐tences")."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(RNCP_FIXTURE.iterdir()):
            placeholder = path.name.replace("é", "XX").replace("è", "YY")  # same byte length as UTF-8
            zf.write(path, placeholder)
    data = (
        archive.read_bytes()
        .replace(b"CompXXtences", "Compétences".encode())
        .replace(b"AccYYs", "Accès".encode())
    )
    archive.write_bytes(data)
    with zipfile.ZipFile(archive) as zf:
        assert any("Comp├⌐tences" in n for n in zf.namelist())
    release = rncp.Release(archive)
    _date, tables = rncp.find_tables(release)
    assert tables["blocs_de_competences"] == "export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv"
    assert tables["voixdacces"] == "export_fiches_CSV_VoixdAccès_2024_02_22.csv"


def test_zip_and_folder_same_bytes_and_idempotent(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "project")
    import_rncp(RNCP_FIXTURE, tmp_path / "a", lambda _m: None, res)
    import_rncp(zip_folder(RNCP_FIXTURE, tmp_path / "export.zip"), tmp_path / "b", lambda _m: None, res)
    first = (tmp_path / "a" / "progkg.nq").read_bytes()
    assert dump_lines_but_received(tmp_path / "b") == dump_lines_but_received(tmp_path / "a")
    assert single_source_files(tmp_path / "b") == []
    import_rncp(RNCP_FIXTURE, tmp_path / "a", lambda _m: None, res)
    assert (tmp_path / "a" / "progkg.nq").read_bytes() == first


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    export = copy_tree(RNCP_FIXTURE, tmp_path / "export")
    (export / "export_fiches_CSV_Partenaires_2024_02_22.csv").unlink()
    messages: list[str] = []
    report = import_rncp(export, tmp_path / "build", messages.append, mini_project(tmp_path / "project"))
    assert report.warnings == ["no partenaires table in this export: partners left out"]
    assert any("partners left out" in m for m in messages)


# --- Failures ----------------------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    import_rncp(RNCP_FIXTURE, out, lambda _m: None, mini_project(tmp_path / "project"))
    return out


def _fails_cleanly(export: Path, out: Path, *expected: str) -> str:
    before = snapshot(out)
    with pytest.raises(ProgkgError) as err:
        import_rncp(export, out, lambda _m: None, mini_project(out.parent / "project"))
    for part in expected:
        assert part in str(err.value), str(err.value)
    assert snapshot(out) == before
    return str(err.value)


STANDARD = "export_fiches_CSV_Standard_2024_02_22.csv"


def test_truncated_zip(imported: Path, tmp_path: Path) -> None:
    _fails_cleanly(
        truncate(zip_folder(RNCP_FIXTURE, tmp_path / "export.zip")), imported, "export.zip", "truncated"
    )


def test_renamed_column(imported: Path, tmp_path: Path) -> None:
    export = copy_tree(RNCP_FIXTURE, tmp_path / "export")
    replace_in_file(export / STANDARD, b'"Actif"', b'"Statut"')
    _fails_cleanly(export, imported, f"{STANDARD}:1:", 'missing column "Actif"')


def test_wrong_encoding(imported: Path, tmp_path: Path) -> None:
    export = copy_tree(RNCP_FIXTURE, tmp_path / "export")
    path = export / STANDARD
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    _fails_cleanly(export, imported, f"{STANDARD}:1:2:", "NUL bytes")


def test_bad_values_are_located(imported: Path, tmp_path: Path) -> None:
    cases = [
        (
            STANDARD,
            b'"02/02/2015"',
            b'"2015-02-02"',
            f"{STANDARD}:2:12:",
            "is not a date (expected dd/mm/yyyy)",
        ),
        (
            STANDARD,
            b'"INACTIVE"\r\n"14791"',
            b'"PERIMEE"\r\n"14791"',
            f"{STANDARD}:2:16:",
            '"PERIMEE" is not ACTIVE',
        ),
        (
            "export_fiches_CSV_Certificateurs_2024_02_22.csv",
            b"\t110043",
            b"\t11004A",
            ":2:2:",
            "is not a SIRET",
        ),
        ("export_fiches_CSV_Rome_2024_02_22.csv", b'"D1407"', b'"D14X"', ":2:2:", "is not a ROME code"),
        (
            "export_fiches_CSV_VoixdAccès_2024_02_22.csv",
            b'"Par exp',
            b'"Par tirage au sort',
            ":2:2:",
            "not an access route",
        ),
        (
            "export_fiches_CSV_Nsf_2024_02_22.csv",
            b'"RNCP4049";"221w"',
            b'"RNCP4049"',
            ":2:",
            "2 fields where the header has 3",
        ),
    ]
    for n, (name, old, new, where, what) in enumerate(cases):
        export = copy_tree(RNCP_FIXTURE, tmp_path / f"export{n}")
        replace_in_file(export / name, old, new)
        _fails_cleanly(export, imported, where, what)


def test_not_an_export(imported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "notes.csv").write_text("a;b\n", encoding="utf-8")
    _fails_cleanly(folder, imported, "no export_fiches_CSV_<Table>_<date>.csv member")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = mini_project(tmp_path / "project").root
    code, stdout, stderr = run_cli(["import", "rncp", str(RNCP_FIXTURE)], tmp_path / "build", capsys, home)
    assert code == 0, stderr
    assert "certifications" in stdout
    code, _, stderr = run_cli(
        ["import", "rncp", str(tmp_path / "missing.zip")], tmp_path / "build", capsys, home
    )
    assert code == 2 and "does not exist" in stderr


# --- Property: any row gives valid triples or a located error --------------------------------------

VALUE = st.one_of(
    st.sampled_from(
        ["RNCP4049", "RS5000", "rncp4049", "", "\t11004301500012", "110043015", "NIV6", "NIV9", "REPRISE"]
    ),
    st.sampled_from(
        ["02/02/2011", "31/02/2011", "2011-02-02", "Oui", "Non", "ACTIVE", "INACTIVE", "221w", "D1407"]
    ),
    st.sampled_from(["Par expérience", "En contrat d’apprentissage", "RNCP509BC05", "42872 : Sécurité"]),
    st.text(max_size=25),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=len(rncp.ORDER) - 1),
    values=st.lists(VALUE, min_size=14, max_size=14),
    line=st.integers(min_value=2, max_value=10**6),
)
def test_any_row_gives_valid_triples_or_a_located_error(which: int, values: list[str], line: int) -> None:
    table, method = rncp.ORDER[which]
    columns = list(rncp.TABLES[table])
    if table == "ccn":
        columns += ["Ccn_2_Numero", "Ccn_2_Libelle"]
    writer = rncp.RncpWriter(NQuads(io.StringIO(), rncp.GRAPH))
    check_row_outcome(method, writer, columns, dict(zip(columns, values, strict=False)), line)


# --- The real export cut -----------------------------------------------------------------------------


@pytest.mark.shared_data
def test_real_export_rome_for_certification(tmp_path: Path) -> None:
    data = shared_data_or_skip() / "rncp-export-sample" / "sample_2024_02_22"
    out = tmp_path / "build"
    res = mini_project(tmp_path / "project")
    report = import_rncp(data / "export-fiches-csv-2024-02-22.original.zip", out, lambda _m: None, res)
    assert report.counts["certifications"] == 9
    expected = [("D1406",), ("D1407",), ("H1102",)]
    rows = query(
        out, f"SELECT ?c WHERE {{ <{RNCP}RNCP4049> pk:rome ?r . BIND(STRAFTER(STR(?r), '/rome/') AS ?c) }}"
    )
    assert rows == expected
    if (res.queries / "rome-for-certification.rq").is_file():
        from progkg.queries import load_query, run_query

        result = run_query(load_query(res, "rome-for-certification"), {"rncp": "RNCP4049"}, build_dir=out)
        assert sorted((code,) for code in result.column("romeCode")) == expected
    # the folder of CSV members gives the same graph as the zip
    import_rncp(data, tmp_path / "folder", lambda _m: None, res)
    assert dump_lines_but_received(tmp_path / "folder") == dump_lines_but_received(out)
    # the ROME labels' doubled apostrophes and the SIRET TABs are gone
    nq = (out / "imports" / "rncp.nq").read_text(encoding="utf-8")
    assert "''" not in nq and "\\t" not in nq
    before = snapshot(out)
    with pytest.raises(ProgkgError, match="truncated"):
        import_rncp(truncate(zip_folder(data, tmp_path / "cut.zip")), out, lambda _m: None, res)
    assert snapshot(out) == before


def test_a_rome_code_known_only_from_a_fiche_resolves_and_shows(tmp_path: Path) -> None:
    """Regression: with the RNCP export imported and no ROME release, RNCP4049's codes have no
    notation yet; the parameter still finds D1406 and the columns show the codes."""
    data = shared_data_or_skip() / "rncp-export-sample" / "sample_2024_02_22"
    out = tmp_path / "build"
    res = mini_project(tmp_path / "project")
    import_rncp(data / "export-fiches-csv-2024-02-22.original.zip", out, lambda _m: None, res)
    from progkg.queries import load_query, run_query

    result = run_query(load_query(res, "rome-for-certification"), {"rncp": "4049"}, build_dir=out)
    assert sorted(result.column("romeCode")) == ["D1406", "D1407", "H1102"]
    result = run_query(load_query(res, "jobs-for-rome"), {"rome": "d1406"}, build_dir=out)
    assert [m.iri for m in result.resolutions[0].matches] == [ID + "rome/D1406"]

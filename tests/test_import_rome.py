"""`progkg import rome`: a ROME 4.0 release (folder or zip) → graph/rome, atomically.

Fixture tests use tests/fixtures/rome/v460 (a handful of rows in the real format, with the
release's quirks: a Latin-9 file named _utf8, C1 control characters, doubled apostrophes,
blank lines between records, a missing table). Integration tests import the real v460
release from ../shared/data when it is there.
"""

from __future__ import annotations

import io
import shutil
import string
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_support import (
    ID,
    ROME_FIXTURE,
    check_row_outcome,
    copy_tree,
    dump_lines_but_received,
    mini_project,
    query,
    replace_in_file,
    repo_resources,
    run_cli,
    single_source_files,
    snapshot,
    truncate,
    zip_folder,
)

from progkg.build import build
from progkg.errors import ProgkgError
from progkg.importers import rome
from progkg.importers.common import NQuads, decode
from progkg.importers.rome import import_rome

#: Slow: each test imports fixture releases into a fresh build (`pytest -m "not slow"` skips them).
pytestmark = pytest.mark.slow

ROME = ID + "rome/"


@pytest.fixture(scope="module")
def rome_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], object]:
    """The repository's graph with the fixture release imported (once for the module)."""
    out = tmp_path_factory.mktemp("rome-build")
    messages: list[str] = []
    res = mini_project(tmp_path_factory.mktemp("project"))
    report = import_rome(ROME_FIXTURE, out, messages.append, res)
    return out, messages, report


# --- What the import puts in the graph ----------------------------------------------------------


def test_codes_and_job_titles_are_skos_concepts_with_their_flags(rome_build) -> None:
    out, _, report = rome_build
    assert report.counts["codes"] == 7 and report.counts["appellations"] == 6
    assert query(
        out, "SELECT ?c WHERE { GRAPH <https://w3id.org/progkg/graph/rome> { ?c a pk:RomeCode } }"
    ) == [(ROME + c,) for c in ("E1103", "E1112", "K1401", "K1404", "K1802", "M1403", "M1711")]
    rows = query(
        out,
        """SELECT ?label ?code ?parent ?principal ?digital ?scheme WHERE {
             ?a skos:notation "11780" ; a pk:RomeAppellation, skos:Concept ; skos:prefLabel ?label ;
                pk:romeCode ?code ; pk:principalAppellation ?principal ; pk:digitalTransition ?digital ;
                skos:inScheme ?scheme .
             ?code pk:parentCode ?parent }""",
    )
    assert rows == [
        (
            "Chargé / Chargée de communication",
            ROME + "E1112",
            ROME + "E1103",
            "true",
            "true",
            ROME + "scheme/appellations",
        )
    ]
    # a code that is its own parent gets no pk:parentCode; rarely used and executive flags are kept
    assert query(out, f"SELECT ?p WHERE {{ <{ROME}E1103> pk:parentCode ?p }}") == []
    assert query(out, f"SELECT ?r WHERE {{ <{ROME}appellation/16210> pk:rarelyUsed ?r }}") == [("true",)]
    assert query(out, f"SELECT ?x WHERE {{ <{ROME}appellation/11888> pk:executiveJob ?x }}") == [("true",)]
    assert query(out, f"SELECT ?alt WHERE {{ <{ROME}appellation/488945> skos:altLabel ?alt }}") == [
        ("Chargé / Chargée de com. digitale",)
    ]
    assert query(
        out, f"SELECT ?c WHERE {{ <{ROME}K1802> pk:ecologicalTransitionCategory/skos:prefLabel ?c }}"
    ) == [("Emploi stratégique pour la Transition écologique",)]


def test_skills_knowledge_domains_and_links(rome_build) -> None:
    out, _, _ = rome_build
    e1112 = f"<{ROME}E1112>"
    assert query(out, f"SELECT ?s WHERE {{ {e1112} pk:requiresSkill ?s }}") == [
        (ROME + "skill/100001",),
        (ROME + "skill/300100",),
        (ROME + "skill/300460",),
    ]
    assert query(out, f"SELECT ?k WHERE {{ {e1112} pk:requiresKnowledge ?k }}") == [
        (ROME + "knowledge/200001",)
    ]
    assert query(out, f"SELECT ?w WHERE {{ {e1112} pk:workContext ?w }}") == [(ROME + "work-context/23374",)]
    assert query(out, f"SELECT ?i WHERE {{ {e1112} pk:coreItem ?i }}") == [(ROME + "skill/100001",)]
    assert query(out, f"SELECT ?i WHERE {{ {e1112} pk:emergingItem ?i }}") == [(ROME + "knowledge/200001",)]
    # soft skills are macro-skills in the "Savoir-être professionnel" category
    assert query(
        out,
        f"""SELECT ?cat WHERE {{ <{ROME}skill/300460> a pk:RomeMacroSkill ;
              pk:skillCategory/skos:broader/skos:prefLabel ?cat }}""",
    ) == [("Savoir-être professionnel",)]
    assert query(out, f"SELECT ?m WHERE {{ <{ROME}skill/100001> skos:broader ?m }}") == [
        (ROME + "skill/300100",)
    ]
    # domain and grand domain
    assert query(out, f"SELECT ?gd WHERE {{ {e1112} pk:professionalDomain/skos:broader ?gd }}") == [
        (ROME + "domain/E",)
    ]
    assert query(out, f"SELECT ?t WHERE {{ {e1112} pk:mobilityTo ?t }}") == [(ROME + "E1103",)]
    assert query(
        out,
        f"SELECT ?r ?m WHERE {{ {e1112} pk:riasecMajor/skos:notation ?r ; pk:riasecMinor/skos:notation ?m }}",
    ) == [("A", "E")]


def test_texts_are_joined_in_order_and_quirks_fixed(rome_build) -> None:
    out, messages, _ = rome_build
    (definition,) = query(out, f"SELECT ?d WHERE {{ <{ROME}E1112> skos:definition ?d }}")
    assert definition[0] == (
        "Définit la stratégie d'information de l'organisme.\n"
        "Conçoit et met en œuvre des actions de communication."
    )
    # a Windows-1252 apostrophe stored as the C1 control U+0092
    assert query(out, f"SELECT ?l WHERE {{ <{ROME}knowledge/200002> skos:prefLabel ?l }}") == [
        ("Développement local en France et à l’étranger",)
    ]
    # the Latin-9 file (œ as byte 0xBD) is read as Latin-9, and the user is told
    assert query(out, f"SELECT ?s WHERE {{ <{ROME}E1112> pk:nafSector/skos:prefLabel ?s }}") == [
        ("Génie civil",)
    ]
    assert any("arborescence_secteur_naf" in m and "ISO-8859-15" in m for m in messages)
    # multi-paragraph definitions survive the blank lines between records
    (interest,) = query(out, f"SELECT ?d WHERE {{ <{ROME}interest/2> skos:definition ?d }}")
    assert interest[0] == "Vous aimez échanger.\n\nDécouvrez les métiers du contact."


def test_missing_table_is_named_and_release_is_recorded(rome_build) -> None:
    out, messages, report = rome_build
    assert any("unix_arborescence_competences_v460_utf8.csv is missing" in w for w in report.warnings)
    assert any("arborescence_competences" in m and "left out" in m for m in messages)
    rows = query(
        out,
        """SELECT ?version ?licence WHERE { GRAPH <https://w3id.org/progkg/graph/rome> {
             <https://w3id.org/progkg/graph/rome> <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
             ?src a pk:SourceDocument ; <http://www.w3.org/2002/07/owl#versionInfo> ?version ;
                  dct:license ?licence } }""",
    )
    assert rows == [("v460", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/")]


def test_skills_tree_is_read_when_present(tmp_path: Path) -> None:
    release = copy_tree(ROME_FIXTURE, tmp_path / "release")
    (release / "unix_arborescence_competences_v460_utf8.csv").write_text(
        '"code_domaine_competence","domaine_competence","code_enjeu","enjeu","code_objectif","objectif",'
        '"code_macro_competence","code_ogr_macro_competence","libelle_macro_competence","code_ogr_competence",'
        '"libelle_competence"\n'
        '"4","Communiquer","4B","Informer","4B1","Concevoir la communication","4B101","300100",'
        '"Concevoir une action de communication","100001","Rédiger un communiqué de presse"\n',
        encoding="utf-8",
    )
    buffer = io.StringIO()
    report = rome.ImportReport("rome")
    rome.generate(rome.Release(release), NQuads(buffer, rome.GRAPH), report, lambda _m: None)
    text = buffer.getvalue()
    assert not report.warnings
    assert (
        f"<{ROME}skill/300100> <http://www.w3.org/2004/02/skos/core#broader> <{ROME}skill-objective/4B1>"
        in text
    )
    assert (
        f"<{ROME}skill-objective/4B1> <http://www.w3.org/2004/02/skos/core#broader> <{ROME}skill-stake/4B>"
        in text
    )


# --- Replacing, idempotence, zips, build keeps imports ----------------------------------------------


def test_zip_and_folder_give_the_same_bytes_and_reimport_is_idempotent(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "project")
    folder_build, zip_build = tmp_path / "a", tmp_path / "b"
    import_rome(ROME_FIXTURE, folder_build, lambda _m: None, res)
    first = (folder_build / "progkg.nq").read_bytes()
    archive = zip_folder(ROME_FIXTURE, tmp_path / "rome.zip", subfolder="ROME_v460/")
    import_rome(archive, zip_build, lambda _m: None, res)
    assert dump_lines_but_received(zip_build) == dump_lines_but_received(folder_build)
    assert single_source_files(zip_build) == []
    import_rome(ROME_FIXTURE, folder_build, lambda _m: None, res)  # again, in place
    assert (folder_build / "progkg.nq").read_bytes() == first
    build(res, folder_build)  # a plain build keeps the import
    assert (folder_build / "progkg.nq").read_bytes() == first
    assert (folder_build / "imports" / "rome.nq").is_file()
    assert not list((folder_build / "imports").glob(".*tmp"))


def test_a_new_release_replaces_the_previous_one_as_a_whole(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "project")
    out = tmp_path / "build"
    import_rome(ROME_FIXTURE, out, lambda _m: None, res)
    newer = tmp_path / "v461"
    newer.mkdir()
    for path in ROME_FIXTURE.iterdir():
        (newer / path.name.replace("_v460_", "_v461_")).write_bytes(path.read_bytes())
    code_file = newer / "unix_referentiel_code_rome_v461_utf8.csv"
    lines = code_file.read_text(encoding="utf-8").splitlines(keepends=True)
    code_file.write_text("".join(line for line in lines if not line.startswith('"M1711"')), encoding="utf-8")
    app_file = newer / "unix_referentiel_appellation_v461_utf8.csv"
    lines = app_file.read_text(encoding="utf-8").splitlines(keepends=True)
    app_file.write_text("".join(line for line in lines if '"M1711"' not in line), encoding="utf-8")
    import_rome(newer, out, lambda _m: None, res)
    assert query(out, f"SELECT ?p WHERE {{ <{ROME}M1711> a pk:RomeCode }}") == []
    versions = query(
        out, "SELECT ?v WHERE { ?s <http://www.w3.org/2002/07/owl#versionInfo> ?v ; a pk:SourceDocument }"
    )
    assert versions == [("v461",)]


# --- Failures leave everything as it was ------------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    import_rome(ROME_FIXTURE, out, lambda _m: None, mini_project(tmp_path / "project"))
    return out


def _fails_cleanly(release: Path, out: Path, *expected: str) -> str:
    before = snapshot(out)
    with pytest.raises(ProgkgError) as err:
        import_rome(release, out, lambda _m: None, mini_project(out.parent / "project"))
    message = str(err.value)
    for part in expected:
        assert part in message, message
    assert snapshot(out) == before
    return message


def test_truncated_zip(imported: Path, tmp_path: Path) -> None:
    archive = truncate(zip_folder(ROME_FIXTURE, tmp_path / "rome.zip"))
    _fails_cleanly(archive, imported, "rome.zip", "truncated")


def test_damaged_zip_member(imported: Path, tmp_path: Path) -> None:
    archive = zip_folder(ROME_FIXTURE, tmp_path / "rome.zip")
    data = bytearray(archive.read_bytes())
    start = data.index(b"unix_referentiel_appellation") + 60  # inside the member's compressed data
    data[start : start + 40] = b"\x00" * 40
    archive.write_bytes(bytes(data))
    _fails_cleanly(archive, imported, "rome.zip!unix_referentiel_appellation_v460_utf8.csv")


def test_renamed_column(imported: Path, tmp_path: Path) -> None:
    release = copy_tree(ROME_FIXTURE, tmp_path / "release")
    replace_in_file(release / "unix_referentiel_appellation_v460_utf8.csv", b'"code_rome"', b'"code_rome_v2"')
    message = _fails_cleanly(
        release, imported, "unix_referentiel_appellation_v460_utf8.csv:1:", 'missing column "code_rome"'
    )
    assert 'renamed "code_rome_v2"?' in message


def test_wrong_encoding(imported: Path, tmp_path: Path) -> None:
    release = copy_tree(ROME_FIXTURE, tmp_path / "release")
    path = release / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    _fails_cleanly(release, imported, "unix_referentiel_code_rome_v460_utf8.csv:1:4", "NUL bytes", "UTF-16")


def test_mac_roman_is_refused_not_misread(imported: Path, tmp_path: Path) -> None:
    release = copy_tree(ROME_FIXTURE, tmp_path / "release")
    path = release / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("œ", "oe").encode("mac_roman"))
    _fails_cleanly(
        release, imported, "unix_referentiel_appellation_v460_utf8.csv:2:15:", "(byte 0x8e)", "wrong encoding"
    )


def test_malformed_rows(imported: Path, tmp_path: Path) -> None:
    release = copy_tree(ROME_FIXTURE, tmp_path / "release")
    replace_in_file(
        release / "unix_rubrique_mobilite_v460_utf8.csv", b'"E1103","E1112","1"', b'"E1103","E1112"'
    )
    _fails_cleanly(
        release, imported, "unix_rubrique_mobilite_v460_utf8.csv:3:", "2 fields where the header has 3"
    )
    release2 = copy_tree(ROME_FIXTURE, tmp_path / "release2")
    replace_in_file(
        release2 / "unix_referentiel_appellation_v460_utf8.csv",
        b'"E1112","Emploi Blanc","O"',
        b'"E112","Emploi Blanc","O"',
    )
    _fails_cleanly(
        release2, imported, "unix_referentiel_appellation_v460_utf8.csv:2:4:", '"E112" is not a ROME code'
    )
    release3 = copy_tree(ROME_FIXTURE, tmp_path / "release3")
    replace_in_file(release3 / "unix_coherence_item_v460_utf8.csv", b'"Principale"', b'"Majeure"')
    _fails_cleanly(release3, imported, "unix_coherence_item_v460_utf8.csv:2:3:", '"Majeure"')


def test_release_level_mistakes(imported: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _fails_cleanly(empty, imported, "no ROME 4.0 file")
    mixed = copy_tree(ROME_FIXTURE, tmp_path / "mixed")
    shutil.copy(mixed / "unix_texte_v460_utf8.csv", mixed / "unix_texte_v459_utf8.csv")
    _fails_cleanly(mixed, imported, "several ROME releases (v459, v460)")
    partial = copy_tree(ROME_FIXTURE, tmp_path / "partial")
    (partial / "unix_referentiel_appellation_v460_utf8.csv").unlink()
    _fails_cleanly(partial, imported, "unix_referentiel_appellation_v460_utf8.csv is missing")
    _fails_cleanly(tmp_path / "nowhere", imported, "no such file")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    home = mini_project(tmp_path / "project").root
    code, stdout, stderr = run_cli(["import", "rome", str(ROME_FIXTURE)], out, capsys, home)
    assert code == 0, stderr
    assert "appellations" in stdout and "6" in stdout
    assert "ISO-8859-15" in stderr and "rebuilding the store" in stderr
    bad = copy_tree(ROME_FIXTURE, tmp_path / "bad")
    replace_in_file(bad / "unix_referentiel_code_rome_v460_utf8.csv", b'"libelle_rome"', b'"intitule"')
    code, stdout, stderr = run_cli(["import", "rome", str(bad)], out, capsys, home)
    assert code == 2
    assert "unix_referentiel_code_rome_v460_utf8.csv:1: missing column" in stderr
    assert "Traceback" not in stderr


# --- Decoding -----------------------------------------------------------------------------------------


def test_decode_prefers_utf8_then_the_plausible_single_byte_encoding() -> None:
    assert decode("Manœuvre".encode(), "f") == ("Manœuvre", None)
    assert decode("\ufeffa,b".encode(), "f") == ("a,b", None)
    assert decode("Manœuvre d’engins".encode("cp1252"), "f") == ("Manœuvre d’engins", "Windows-1252")
    assert decode("Manœuvre, Œnologue".encode("iso8859_15"), "f") == (
        "Manœuvre, Œnologue",
        "ISO-8859-15 (Latin-9)",
    )
    with pytest.raises(ProgkgError, match=r"^f:2:3: not valid UTF-8 \(byte 0x"):
        decode("ok\nab\x81cd".encode("latin-1"), "f")


# --- Property: any row gives valid triples or a located error -------------------------------------------

CODES = st.sampled_from(["E1112", "E1103", "K1802", "e1112", "E11", "", " E1112\t", "Z9999"])
FLAGS = st.sampled_from(["O", "N", "", "Oui", "x"])
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
NUMBER = st.sampled_from(["1", "5", "6", "", "12a", "300100"])
VALUE = st.one_of(
    CODES,
    FLAGS,
    TEXT,
    NUMBER,
    st.sampled_from(["PRINCIPALE", "SYNONYME", "Principale", "Émergente", "definition", "Macro-compétence"]),
)

TABLE_METHODS = [(table, method) for table, method in rome.ORDER]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=len(TABLE_METHODS) - 1),
    values=st.lists(VALUE, min_size=12, max_size=12),
    line=st.integers(min_value=2, max_value=10**6),
)
def test_any_row_gives_valid_triples_or_a_located_error(which: int, values: list[str], line: int) -> None:
    table, method = TABLE_METHODS[which]
    columns = list(rome.TABLES[table].columns)
    writer = rome.RomeWriter(NQuads(io.StringIO(), rome.GRAPH), ID + "source/rome-test")
    check_row_outcome(method, writer, columns, dict(zip(columns, values, strict=False)), line)
    writer.finish_texts()


@settings(max_examples=200, deadline=None)
@given(
    label=st.text(max_size=40),
    code=st.text(alphabet=string.ascii_uppercase + string.digits + " \t", max_size=7),
)
def test_code_rows_with_arbitrary_text(label: str, code: str) -> None:
    columns = list(rome.TABLES["referentiel_code_rome"].columns)
    writer = rome.RomeWriter(NQuads(io.StringIO(), rome.GRAPH), ID + "source/rome-test")
    check_row_outcome(
        rome.RomeWriter.code_row, writer, columns, {"code_rome": code, "libelle_rome": label}, 7
    )


# --- The real v460 release ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_rome(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], object]:
    data = shared_data_or_skip() / "rome-v460"
    out = tmp_path_factory.mktemp("real-rome")
    messages: list[str] = []
    report = import_rome(data, out, messages.append, repo_resources())
    return out, messages, report


@pytest.mark.shared_data
def test_real_release_counts_match(real_rome) -> None:
    out, messages, report = real_rome
    assert report.counts["codes"] == 1584
    assert report.counts["appellations"] == 13120
    assert query(out, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a pk:RomeCode }") == [("1584",)]
    assert query(out, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a pk:RomeAppellation }") == [("13120",)]
    assert query(out, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a pk:RomeSkill }") == [("18317",)]
    assert query(out, "SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE { ?k a pk:RomeKnowledge }") == [("15354",)]
    assert query(
        out,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/progkg/graph/rome> "
        "{ ?a pk:mobilityTo ?b } }",
    ) == [("14912",)]
    assert any("arborescence_competences" in w for w in report.warnings)
    assert any("unix_arborescence_secteur_naf_v460_utf8.csv: not UTF-8" in m for m in messages)


@pytest.mark.shared_data
def test_real_release_charge_de_communication(real_rome) -> None:
    out, _, _ = real_rome
    rows = query(
        out,
        f"""SELECT ?label ?code ?parent WHERE {{
              <{ROME}appellation/11780> skos:prefLabel ?label ; pk:romeCode ?code .
              ?code pk:parentCode ?parent }}""",
    )
    assert rows == [("Chargé / Chargée de communication", ROME + "E1112", ROME + "E1103")]
    assert query(out, f"SELECT ?l WHERE {{ <{ROME}F1704> pk:nafSector/skos:prefLabel ?l }}") != []
    labels = query(
        out, "SELECT ?l WHERE { ?x pk:nafSector ?s . ?x skos:prefLabel ?l FILTER(CONTAINS(?l, 'œuvre')) }"
    )
    assert labels and not query(out, "SELECT ?l WHERE { ?x skos:prefLabel ?l FILTER(CONTAINS(?l, '½')) }")


@pytest.mark.shared_data
def test_real_release_errors_leave_the_store_as_it_was(real_rome, tmp_path: Path) -> None:
    out, _, _ = real_rome
    data = shared_data_or_skip() / "rome-v460"
    before = snapshot(out)
    archive = truncate(zip_folder(data, tmp_path / "rome-v460.zip"), 0.5)
    with pytest.raises(ProgkgError, match="truncated"):
        import_rome(archive, out, lambda _m: None, repo_resources())
    renamed = copy_tree(data, tmp_path / "renamed")
    replace_in_file(
        renamed / "unix_referentiel_appellation_v460_utf8.csv",
        b'"libelle_appellation_long"',
        b'"libelle_long"',
    )
    with pytest.raises(ProgkgError, match=r"unix_referentiel_appellation_v460_utf8\.csv:1: missing column"):
        import_rome(renamed, out, lambda _m: None, repo_resources())
    encoded = copy_tree(data, tmp_path / "encoded")
    path = encoded / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_bytes(path.read_bytes().decode("utf-8").encode("utf-16-le"))
    with pytest.raises(ProgkgError, match=r"unix_referentiel_code_rome_v460_utf8\.csv:1:2: holds NUL bytes"):
        import_rome(encoded, out, lambda _m: None, repo_resources())
    assert snapshot(out) == before

"""Broken official releases through the real CLI: one located message, exit 2, nothing changed.

Each case of ``tests/bad_inputs/csv/<kind>/`` and ``tests/bad_inputs/xml/<kind>/`` is a folder of
files that replace their namesakes in a copy of the small fixture release
(``tests/fixtures/<kind>/``), and an ``EXPECT`` file holding the fragment the error must contain
(``file:line[:column]: what is wrong``). Zip archives (truncated, empty, zero bytes, a damaged
member) are made here from the fixtures, as are the variants that must be *accepted* and give
exactly the same triples as the clean release: a byte-order mark, CRLF (or LF) line endings,
a whole file re-saved by a spreadsheet in Windows-1252, an XML file declaring its encoding.

Every case runs ``python -m progkg import KIND PATH`` in a project whose ``build/`` already holds
the three fixture imports, and checks that ``build/`` (``progkg.nq``, ``imports/``, the store's
files and triple count) is left exactly as it was.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from import_support import FIXTURES, mini_project, snapshot

from progkg.errors import ProgkgError
from progkg.importers import onisep, rncp, rome
from progkg.importers.common import NQuads, Row, decode, read_csv
from progkg.importers.onisep import JOB_COLUMNS, TABLE_COLUMNS, read_items
from progkg.linking.sssom import read_sssom_quads
from progkg.store import open_store

#: Slow: each broken or variant release is imported, Hypothesis makes more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "bad_inputs"

#: kind → (fixture release, the folder name its copies get: imports name the folder they came from)
RELEASES = {
    "rome": (FIXTURES / "rome" / "v460", "v460"),
    "rncp": (FIXTURES / "rncp", "rncp"),
    "onisep": (FIXTURES / "onisep", "onisep"),
}

CASES = sorted(
    (case.parent.name, case)
    for folder in ("csv", "xml")
    for case in (CORPUS / folder).glob("*/*")
    if case.is_dir()
)


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}
    return subprocess.run(
        [sys.executable, "-m", "progkg", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@dataclass(frozen=True)
class Workspace:
    project: Path
    build: Path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A project whose build holds the three fixture imports, each made from a copy of the
    fixture folder named as the corpus cases name theirs."""
    project = mini_project(tmp_path_factory.mktemp("ws") / "project").root
    assert _cli(project, "build").returncode == 0
    for kind, (fixture, name) in RELEASES.items():
        clean = shutil.copytree(fixture, tmp_path_factory.mktemp(f"clean-{kind}") / name)
        result = _cli(project, "import", kind, str(clean))
        assert result.returncode == 0, result.stderr
    return Workspace(project, project / "build")


def _state(build: Path) -> tuple[dict[str, str], int]:
    """Everything an import could touch (by content), and the store's triple count."""
    return snapshot(build), len(open_store(build))


def _release(kind: str, dest: Path) -> Path:
    fixture, name = RELEASES[kind]
    return shutil.copytree(fixture, dest / name)


def _assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("progkg: error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip("\n").splitlines()[-1] == errors[0]  # the last word is the error
    for part in expected:
        assert part in errors[0], errors[0]
    return errors[0]


# --- The committed corpus: broken CSV and XML files -----------------------------------------------


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c.name}" for k, c in CASES])
def test_broken_file_is_refused_with_its_location(
    workspace: Workspace, kind: str, case: Path, tmp_path: Path
) -> None:
    release = _release(kind, tmp_path)
    for path in case.iterdir():
        if path.name != "EXPECT":
            shutil.copy(path, release / path.name)
    expected = (case / "EXPECT").read_text(encoding="utf-8").strip()
    before = _state(workspace.build)

    result = _cli(workspace.project, "import", kind, str(release))

    # the message names the file by its path inside the release
    _assert_refused(result, f"{release.name}/{expected}")
    assert _state(workspace.build) == before


def test_every_kind_has_each_kind_of_broken_file() -> None:
    names = {(kind, case.name) for kind, case in CASES}
    for kind in ("rome", "rncp"):
        for case in ("missing-column", "renamed-column", "wrong-encoding", "empty-file"):
            assert (kind, case) in names
    for case in ("truncated", "missing-element", "wrong-encoding", "empty-file"):
        assert ("onisep", case) in names
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for kind, case in names:
        assert f"`{kind}/{case}`" in readme, f"{kind}/{case} has no README line"


def test_debug_shows_the_traceback(workspace: Workspace, tmp_path: Path) -> None:
    release = _release("rome", tmp_path)
    (release / "unix_referentiel_code_rome_v460_utf8.csv").write_bytes(b"")
    result = _cli(workspace.project, "--debug", "import", "rome", str(release))
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "ProgkgError" in result.stderr
    assert "the file is empty" in result.stderr


# --- Zip archives, made from the fixtures --------------------------------------------------------


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"{folder.name}/{path.name}")
    return target


def _damage(archive: Path, member: str) -> None:
    """Overwrite bytes in the middle of one member's compressed data."""
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(member))
    data = bytearray(archive.read_bytes())
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 4
    span = max(4, info.compress_size // 2)
    data[middle : middle + span] = b"\xff" * span
    archive.write_bytes(bytes(data))


DAMAGED = {
    "rome": "unix_referentiel_appellation_v460_utf8.csv",
    "rncp": "export_fiches_CSV_Standard_2024_02_22.csv",
    "onisep": "table_de_passage_codes_certifications_et_formations.xml",
}
NOT_A_RELEASE = {
    "rome": "no ROME 4.0 file in it",
    "rncp": "no export_fiches_CSV_<Table>_<date>.csv member in it",
    "onisep": "no ONISEP file in it",
}
ZIP_CASES = ["truncated", "empty-archive", "zero-bytes", "damaged-member"]


@pytest.mark.parametrize("case", ZIP_CASES)
@pytest.mark.parametrize("kind", list(RELEASES))
def test_broken_zip_is_refused(workspace: Workspace, kind: str, case: str, tmp_path: Path) -> None:
    archive = tmp_path / f"{kind}-release.zip"
    if case == "truncated":
        _zip(_release(kind, tmp_path), archive)
        archive.write_bytes(archive.read_bytes()[: archive.stat().st_size * 6 // 10])
        expected = [f"{archive}: not a readable zip archive", "truncated"]
    elif case == "empty-archive":
        zipfile.ZipFile(archive, "w").close()
        expected = [f"{archive}: {NOT_A_RELEASE[kind]}"]
    elif case == "zero-bytes":
        archive.write_bytes(b"")
        expected = [f"{archive}: not a readable zip archive", "download it again"]
    else:
        _zip(_release(kind, tmp_path), archive)
        _damage(archive, DAMAGED[kind])
        expected = [f"{archive}!{RELEASES[kind][1]}/{DAMAGED[kind]}: cannot be read from the archive"]
    before = _state(workspace.build)

    result = _cli(workspace.project, "import", kind, str(archive))

    _assert_refused(result, *expected)
    assert _state(workspace.build) == before


# --- What must be accepted: the same triples as the clean release ---------------------------------


def _rewrite(release: Path, change) -> Path:  # noqa: ANN001 — bytes → bytes
    for path in release.iterdir():
        path.write_bytes(change(path.read_bytes()))
    return release


def _to_cp1252(data: bytes) -> bytes:
    """The file as a spreadsheet re-saves it on Windows (files that are not UTF-8 stay as they are)."""
    try:
        return data.decode("utf-8").encode("cp1252")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return data


def _declared_cp1252(data: bytes) -> bytes:
    text = data.decode("utf-8")
    # the fixture keeps ONISEP's C1 control characters (U+0092…): character references in cp1252
    return ('<?xml version="1.0" encoding="windows-1252"?>\n' + text).encode("cp1252", "xmlcharrefreplace")


ACCEPTED = {
    "rome": {
        "bom": lambda b: b"\xef\xbb\xbf" + b,
        "crlf": lambda b: b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
        "cp1252": _to_cp1252,
    },
    "rncp": {  # published with CRLF endings
        "bom": lambda b: b"\xef\xbb\xbf" + b,
        "lf": lambda b: b.replace(b"\r\n", b"\n"),
        "cp1252": _to_cp1252,
    },
    "onisep": {
        "bom": lambda b: b"\xef\xbb\xbf" + b,
        "crlf": lambda b: b.replace(b"><item>", b">\r\n<item>").replace(b"</root>", b"\r\n</root>\r\n"),
        "declared-cp1252": _declared_cp1252,
    },
}


@pytest.mark.parametrize(
    ("kind", "variant"),
    [(kind, variant) for kind, variants in ACCEPTED.items() for variant in variants],
)
def test_harmless_variants_give_the_same_triples(
    workspace: Workspace, kind: str, variant: str, tmp_path: Path
) -> None:
    release = _rewrite(_release(kind, tmp_path), ACCEPTED[kind][variant])
    nq = workspace.build / "imports" / f"{kind}.nq"
    before_import, before_dump = nq.read_bytes(), (workspace.build / "progkg.nq").read_bytes()
    assert release.is_dir() and any(p.read_bytes() != q.read_bytes() for p, q in _pairs(kind, release))

    result = _cli(workspace.project, "import", kind, str(release))

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "warning" not in result.stdout
    if variant == "cp1252":
        assert "not UTF-8 despite its name; read as Windows-1252" in result.stderr
    assert nq.read_bytes() == before_import
    assert (workspace.build / "progkg.nq").read_bytes() == before_dump


def _pairs(kind: str, release: Path) -> list[tuple[Path, Path]]:
    fixture = RELEASES[kind][0]
    return [(fixture / p.name, p) for p in sorted(release.iterdir())]


# --- Properties: any bytes give rows or a located error ----------------------------------------------

CSV_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.sampled_from(
            [b'"a","b"', b'"a";"b"', b"a,b", b'"x', b'""', b"\xef\xbb\xbf", b"\r\n", b"\n", b"\r", b"\x00"]
            + [b"\xe9", b"\xc3\xa9", b"\x92", b'"E1112","1"', b",", b";", b'"a\nb"', b"\xff\xfe"]
        ),
        max_size=20,
    ).map(b"".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CSV_BYTES, delimiter=st.sampled_from([",", ";"]))
@example(data='\ufeff"a";"b"\r\n"é";"x\r\ny"\r\n'.encode(), delimiter=";")
@example(data=b'a,b\n"\xe9",1\n', delimiter=",")
def test_any_csv_bytes_give_rows_or_a_located_error(data: bytes, delimiter: str) -> None:
    """What the CSV importers do with a file before any row → triples function sees it."""
    try:
        text, _ = decode(data, "f.csv")
        table = read_csv(text, "f.csv", ["a", "b"], delimiter)
        rows = list(table.rows)
    except ProgkgError as exc:
        assert str(exc).startswith("f.csv:"), str(exc)
        assert "\n" not in str(exc)
        return
    assert all(row.line >= 2 and len(row.values) == len(table.columns) for row in rows)
    assert all("\r" not in value for row in rows for value in row.values)


XML_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.sampled_from(
            [b"<root>", b"</root>", b"<item>", b"</item>", b"<libelle_metier>", b"</libelle_metier>"]
            + [b"<code_rome>", b"</code_rome>", b"<lien_site_onisepfr>", b"</lien_site_onisepfr>"]
            + [b"E1103", b"\xe9", b"\xc3\xa9", b"&amp;", b"&bad;", b"<!--", b"-->", b"\r\n", b"<x/>"]
            + [b'<?xml version="1.0" encoding="latin-1"?>', b"\xef\xbb\xbf", b"<![CDATA[", b"]]>"]
        ),
        max_size=30,
    ).map(b"".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=XML_BYTES, table=st.sampled_from([JOB_COLUMNS, TABLE_COLUMNS]))
@example(
    data=b"<root><item><libelle_metier>x</libelle_metier><lien_site_onisepfr>u</lien_site_onisepfr>"
    b"<code_rome>E1103</code_rome></item></root>",
    table=JOB_COLUMNS,
)
def test_any_xml_bytes_give_items_or_a_located_error(data: bytes, table: tuple[str, ...]) -> None:
    try:
        rows = list(read_items(data, "f.xml", table).rows)
    except ProgkgError as exc:
        assert str(exc).startswith("f.xml:"), str(exc)
        assert "\n" not in str(exc)
        return
    assert all(len(row.values) >= len(table) for row in rows)


SSSOM_HEADER = (
    "#curie_map:\n#  job: https://w3id.org/progkg/id/job/\n"
    "#  romeapp: https://w3id.org/progkg/id/rome/appellation/\n"
    "#  semapv: https://w3id.org/semapv/vocab/\n#  skos: http://www.w3.org/2004/02/skos/core#\n"
    "#mapping_set_id: https://w3id.org/progkg/mappings/test\n"
    "#license: https://www.etalab.gouv.fr/licence-ouverte-open-licence/\n"
)
SSSOM_COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
]
SSSOM_CELL = st.one_of(
    st.sampled_from(["job:a", "job:", "romeapp:11780", "romeapp:1 2", "rome:1", "https://x.org/1", ""]),
    st.sampled_from(["skos:exactMatch", "skos:broadMatch", "owl:sameAs", "skos:", "Not", "not"]),
    st.sampled_from(["semapv:ManualMappingCuration", "semapv:LexicalMatching", "semapv:", "0.5", "1.5"]),
    st.sampled_from(["-1", "NaN", "inf", "1e-3", '"quoted"', "a\\tb", "\u202e", "é"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"), max_size=15),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(SSSOM_CELL, min_size=6, max_size=9), min_size=1, max_size=3),
    columns=st.permutations(SSSOM_COLUMNS).map(lambda c: c[:7]),
)
@example(
    rows=[["job:a", "A", "skos:exactMatch", "romeapp:11780", "B", "semapv:ManualMappingCuration", "0.9"]],
    columns=[c for c in SSSOM_COLUMNS if c != "predicate_modifier"],
)
def test_any_sssom_row_gives_mapping_triples_or_a_located_error(
    rows: list[list[str]], columns: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The SSSOM reader (curated mappings, read by every build): valid quads or one located error."""
    path = tmp_path_factory.mktemp("sssom") / "m.sssom.tsv"
    body = "\t".join(columns) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    path.write_text(SSSOM_HEADER + body, encoding="utf-8")
    graph = "https://w3id.org/progkg/graph/mappings/m"
    try:
        quads = read_sssom_quads(path, graph, display="data/mappings/m.sssom.tsv")
    except ProgkgError as exc:
        assert str(exc).startswith("data/mappings/m.sssom.tsv"), str(exc)
        assert "\n" not in str(exc)
        return
    # every quad is in the graph, and the quads survive a round trip through N-Quads
    assert all(q.graph_name == ox.NamedNode(graph) for q in quads)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_QUADS))) == len(quads)


# --- Every importer's row → triples function: messages stay on one line ----------------------------

WRITERS = [
    *(
        (
            lambda: rome.RomeWriter(NQuads(io.StringIO(), rome.GRAPH), "https://w3id.org/progkg/id/source/t"),
            list(rome.TABLES[t].columns),
            m,
        )
        for t, m in rome.ORDER
    ),
    *(
        (lambda: rncp.RncpWriter(NQuads(io.StringIO(), rncp.GRAPH)), list(rncp.TABLES[t]), m)
        for t, m in rncp.ORDER
    ),
    (
        lambda: onisep.OnisepWriter(NQuads(io.StringIO(), onisep.GRAPH)),
        list(onisep.TABLE_COLUMNS),
        onisep.OnisepWriter.passage_row,
    ),
    (
        lambda: onisep.OnisepWriter(NQuads(io.StringIO(), onisep.GRAPH)),
        list(onisep.JOB_COLUMNS),
        onisep.OnisepWriter.job_row,
    ),
]
AWKWARD = st.one_of(
    st.sampled_from(["E1112", "RNCP4049", "Oui", "ACTIVE", "02/02/2011", "NIV6", "7", "FOR.1", "1"]),
    st.sampled_from(["E11\n12", "a\r\nb", "x\u2028y", "\u0085", "RNCP\n4049", "O\n", "Master mention \n"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=len(WRITERS) - 1),
    values=st.lists(AWKWARD, min_size=14, max_size=14),
    column=st.none() | st.integers(min_value=1, max_value=10**6),
)
def test_row_errors_are_one_located_line(which: int, values: list[str], column: int | None) -> None:
    """Values holding line breaks either become triples or an error on one line naming the place."""
    make, columns, method = WRITERS[which]
    writer = make()
    row = Row("t.csv", 9, {c: i for i, c in enumerate(columns)}, values[: len(columns)], column)
    try:
        method(writer, row)
    except ProgkgError as exc:
        message = str(exc)
        assert message.startswith("t.csv:9"), message
        if column is not None:
            assert message.startswith(f"t.csv:9:{column}:"), message
        assert "\n" not in message and "\r" not in message, message

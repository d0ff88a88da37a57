"""Helpers shared by the importer and linking tests (tests/test_import_*.py, test_linking.py)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.cli import main
from progkg.errors import ProgkgError
from progkg.importers.common import NQuads, Row

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ROME_FIXTURE = FIXTURES / "rome" / "v460"
RNCP_FIXTURE = FIXTURES / "rncp"
ONISEP_FIXTURE = FIXTURES / "onisep"
PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"


#: The curated files the importer tests build with: fixed here so that seeds added later (which
#: may name ROME codes the small fixture release lacks) do not change these tests.
SEEDS = ("paris1-m2-cipt.ttl", "iae-lille-m2-mpt.ttl", "rncp24759.ttl")


def repo_resources() -> paths.Resources:
    return paths.resources(REPO)


def mini_project(dest: Path) -> paths.Resources:
    """A checkout-shaped folder with the ontology, queries, code lists, reviewed mappings and the
    seeds of :data:`SEEDS` (those present), for builds with the fixture releases."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, dirs_exist_ok=True)
    for name in ("vocab", "mappings"):
        if (REPO / "data" / name).is_dir():
            shutil.copytree(REPO / "data" / name, dest / "data" / name, dirs_exist_ok=True)
    (dest / "data" / "seeds").mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        if (REPO / "data" / "seeds" / seed).is_file():
            shutil.copy(REPO / "data" / "seeds" / seed, dest / "data" / "seeds" / seed)
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    return paths.resources(dest)


def snapshot(build_dir: Path) -> dict[str, str]:
    """Everything an import may touch, by content: the dump, the imports, the published store."""
    state: dict[str, str] = {}
    for path in sorted(build_dir.rglob("*")):
        if path.is_file() and path.name != ".lock":
            state[path.relative_to(build_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    link = build_dir / "store"
    state["store ->"] = os.readlink(link) if link.is_symlink() else ""
    return state


def dump_lines_but_received(build_dir: Path) -> list[bytes]:
    """The dump without the one line naming the file or folder the user gave (a zip and the
    folder it unpacks to differ only there)."""
    lines = (build_dir / "progkg.nq").read_bytes().splitlines()
    release = re.compile(
        rb"^<https://w3id\.org/progkg/id/source/[^/>]+> <https://w3id\.org/progkg/ontology#sourceFile> "
    )
    return [line for line in lines if not release.match(line)]


def single_source_files(build_dir: Path) -> list[tuple[str, str]]:
    """Source documents with other than one pk:sourceFile (the shapes require exactly one)."""
    return query(
        build_dir,
        "SELECT ?s (COUNT(?f) AS ?n) WHERE { ?s a pk:SourceDocument . OPTIONAL { ?s pk:sourceFile ?f } } "
        "GROUP BY ?s HAVING (COUNT(?f) != 1)",
    )


def zip_folder(folder: Path, target: Path, subfolder: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"{subfolder}{path.name}")
    return target


def truncate(path: Path, keep: float = 0.6) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def query(build_dir: Path, sparql: str) -> list[tuple[str, ...]]:
    from progkg.store import open_store

    store = open_store(build_dir)
    prefixes = f"PREFIX pk: <{PK}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    prefixes += (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"
    )
    rows = store.query(prefixes + sparql, use_default_graph_as_union=True)
    return sorted(tuple(term.value if term is not None else "" for term in row) for row in rows)


def run_cli(
    args: list[str], build_dir: Path, capsys: pytest.CaptureFixture[str], home: Path = REPO
) -> tuple[int, str, str]:
    """Run ``progkg ARGS`` as a user would, with its exit code, stdout and stderr."""
    old = {k: os.environ.get(k) for k in ("PROGKG_BUILD", "PROGKG_HOME")}
    os.environ["PROGKG_BUILD"] = str(build_dir)
    os.environ["PROGKG_HOME"] = str(home)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(args)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def copy_tree(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def replace_in_file(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, f"{old!r} not in {path}"
    path.write_bytes(data.replace(old, new, 1))


def check_row_outcome(method, writer, columns: list[str], values: dict[str, str], line: int) -> None:
    """The property every row → triples function must have: valid N-Quads, or a located
    ProgkgError naming the file and line — never any other exception."""
    buffer = io.StringIO()
    writer.out = NQuads(buffer, "https://w3id.org/progkg/graph/test")
    index = {name: i for i, name in enumerate(columns)}
    row = Row("fixture.csv", line, index, [values.get(c, "") for c in columns])
    try:
        method(writer, row)
    except ProgkgError as exc:
        assert str(exc).startswith(f"fixture.csv:{line}"), str(exc)
        return
    data = buffer.getvalue().encode("utf-8")
    parsed = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert len(parsed) == data.count(b"\n")

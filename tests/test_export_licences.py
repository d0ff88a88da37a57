"""Licences carried through to the export: each named graph's licence in the catalogue, an
ODbL graph making the files ODbL (share-alike) and said so, and `--without-odbl` leaving it out."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from import_support import mini_project, run_cli

from progkg import export as ex
from progkg.build import build
from progkg.dcat import ODBL

pytestmark = pytest.mark.slow

LO = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
G = "https://w3id.org/progkg/graph/"
ID = "https://w3id.org/progkg/id/"
DCT = "http://purl.org/dc/terms/"


def _import(graph: str, licence: str, subject: str) -> str:
    g, src = f"<{G}{graph}>", f"<{ID}source/{graph}>"
    return (
        f"{g} <http://www.w3.org/ns/prov#wasDerivedFrom> {src} {g} .\n"
        f"{src} <{DCT}license> <{licence}> {g} .\n"
        f'{src} <{DCT}title> "Test {graph}" {g} .\n'
        f'<{ID}{subject}> <http://www.w3.org/2000/01/rdf-schema#label> "{subject}"@fr {g} .\n'
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("project")
    res = mini_project(home)
    out = tmp_path_factory.mktemp("build")
    (out / "imports").mkdir()
    (out / "imports" / "open.nq").write_text(_import("open-test", LO, "thing/open"), encoding="utf-8")
    (out / "imports" / "odbl.nq").write_text(_import("odbl-test", ODBL, "thing/shared"), encoding="utf-8")
    build(res, out)
    return home, out


def _catalog(export: ex.Export) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(
        ox.parse(
            ex.render(ex.FORMATS["nquads"], export.catalog(None), export.context), format=ox.RdfFormat.N_QUADS
        )
    )
    return store


def _objects(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


def test_each_graph_states_its_licence_and_the_files_are_odbl(project) -> None:
    home, out = project
    messages: list[str] = []
    export = ex.prepare(out, res=mini_project(home), progress=messages.append)
    store = _catalog(export)
    assert _objects(store, G + "open-test", DCT + "license") == {LO}
    assert _objects(store, G + "odbl-test", DCT + "license") == {ODBL}
    dists = {
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/dcat#distribution"), None)
    }
    assert dists and all(_objects(store, d, DCT + "license") == {ODBL} for d in dists)
    rights = {r for d in dists for r in _objects(store, d, DCT + "rights")}
    labels = {
        label for r in rights for label in _objects(store, r, "http://www.w3.org/2000/01/rdf-schema#label")
    }
    assert any("share-alike" in label and "odbl-test" in label for label in labels)
    assert any("odbl-test" in m and "--without-odbl" in m for m in messages)
    assert b"thing/shared" in export.render(ex.FORMATS["nquads"])


def test_without_odbl_leaves_the_graph_out_and_the_licence_is_the_catalogue_one(project) -> None:
    home, out = project
    messages: list[str] = []
    export = ex.prepare(out, res=mini_project(home), progress=messages.append, without_odbl=True)
    data = export.render(ex.FORMATS["nquads"])
    assert b"thing/shared" not in data and b"odbl-test" not in data
    assert b"thing/open" in data
    store = _catalog(export)
    dists = {
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/dcat#distribution"), None)
    }
    assert all(ODBL not in _objects(store, d, DCT + "license") for d in dists)
    assert not any(_objects(store, d, DCT + "rights") for d in dists)
    assert any("left out" in m and "odbl-test" in m for m in messages)


def test_cli_option(project, capsys: pytest.CaptureFixture[str]) -> None:
    home, out = project
    code, stdout, err = run_cli(["export", "--format", "nquads", "--without-odbl"], out, capsys, home=home)
    assert code == 0, err
    assert "thing/shared" not in stdout and "thing/open" in stdout
    code, stdout, err = run_cli(["export", "--format", "nquads"], out, capsys, home=home)
    assert code == 0 and "thing/shared" in stdout and "ODbL" in err

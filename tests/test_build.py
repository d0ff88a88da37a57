"""`progkg build`: every source in its own named graph, byte-identical dumps, atomic store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import build, derive_nquads, discover_sources
from progkg.errors import ProgkgError
from progkg.store import open_store

G = "https://w3id.org/progkg/graph/"


def test_each_source_has_its_own_named_graph(built: Path, repo: Path) -> None:
    store = open_store(built)
    graphs = {g.value for g in store.named_graphs()}
    expected = {s.graph for s in discover_sources(paths.resources(repo), built) if s.graph}
    assert expected <= graphs
    assert G + "ontology" in graphs
    assert G + "seeds/paris1-m2-cipt" in graphs


@pytest.mark.slow
def test_building_twice_gives_identical_bytes(tmp_path: Path, repo: Path) -> None:
    res = paths.resources(repo)
    build(res, tmp_path / "a")
    build(res, tmp_path / "b")
    first = (tmp_path / "a" / "progkg.nq").read_bytes()
    assert first == (tmp_path / "b" / "progkg.nq").read_bytes()
    build(res, tmp_path / "a")  # rebuilding in place too
    assert first == (tmp_path / "a" / "progkg.nq").read_bytes()
    lines = first.splitlines()
    assert lines == sorted(lines)


def test_dump_holds_what_the_store_holds_but_the_derived_graphs(built: Path) -> None:
    """The derived graphs (search index, similarity features, ROME preparation) are in the
    store, for the queries, and not in the dump, which the export publishes."""
    store = open_store(built)
    dumped = list(ox.parse(path=str(built / "progkg.nq"), format=ox.RdfFormat.N_QUADS))
    derived = {
        g.value for g in store.named_graphs() if g.value.startswith("https://w3id.org/progkg/graph/derived/")
    }
    assert derived == {
        "https://w3id.org/progkg/graph/derived/search",
        "https://w3id.org/progkg/graph/derived/similarity",
        "https://w3id.org/progkg/graph/derived/prepares",
    }
    in_derived = sum(len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in derived)
    assert len(dumped) == len(store) - in_derived
    assert not any(q.graph_name.value in derived for q in dumped)


def test_derived_data_is_the_same_for_the_same_graph(built: Path) -> None:
    graph = ox.Store()
    graph.bulk_load(path=str(built / "progkg.nq"), format=ox.RdfFormat.N_QUADS)
    assert derive_nquads(graph) == derive_nquads(graph)
    assert b'"lobbyist"' in derive_nquads(graph)


@pytest.mark.slow
def test_blank_nodes_get_stable_names(project: Path, tmp_path: Path) -> None:
    (project / "data" / "extra.ttl").write_text(
        "@prefix s: <https://schema.org/> .\n"
        '<https://w3id.org/progkg/id/x> s:address [ s:postalCode "75005" ] .\n',
        encoding="utf-8",
    )
    res = paths.resources(project)
    build(res, tmp_path / "a")
    build(res, tmp_path / "b")
    a = (tmp_path / "a" / "progkg.nq").read_bytes()
    assert a == (tmp_path / "b" / "progkg.nq").read_bytes()
    assert b"_:" not in a
    assert b"/.well-known/genid/extra/b0>" in a


def test_a_broken_file_leaves_the_previous_build_intact(project: Path, tmp_path: Path) -> None:
    res = paths.resources(project)
    out = tmp_path / "build"
    build(res, out)
    before = (out / "progkg.nq").read_bytes()
    bad = project / "data" / "seeds" / "broken.ttl"
    bad.write_text(
        "@prefix pk: <https://w3id.org/progkg/ontology#> .\n\npk:a pk:b pk:c ;\n", encoding="utf-8"
    )
    with pytest.raises(ProgkgError) as err:
        build(res, out)
    assert "data/seeds/broken.ttl:4" in str(err.value)
    assert (out / "progkg.nq").read_bytes() == before
    assert len(open_store(out)) > 0

"""`progkg export`: byte-identical exports, round trips to build/progkg.nq, atomic writes, exit codes."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from progkg import export as ex
from progkg import paths
from progkg.cli import main
from progkg.errors import ProgkgError
from progkg.namespaces import PREFIXES

CATALOG = ox.NamedNode(ex.CATALOG_GRAPH)
SPDX = "http://spdx.org/rdf/terms#"
DCAT = "http://www.w3.org/ns/dcat#"
PARSE = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def prepared(built: Path, repo: Path) -> ex.Export:
    return ex.prepare(built, res=paths.resources(repo))


def _dump_quads(built: Path) -> set[ox.Quad]:
    return set(ox.parse(path=str(built / "progkg.nq"), format=ox.RdfFormat.N_QUADS))


def _triples(quads) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}


def _parsed(data: bytes, fmt: str) -> set[ox.Triple]:
    """The triples of an export (pyoxigraph yields quads, in the default graph for triple formats)."""
    return _triples(ox.parse(data, format=PARSE[fmt]))


def _description(prepared: ex.Export) -> set[ox.Triple]:
    return _parsed(ex.render_ntriples(prepared.description), "ntriples")


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch, home: Path, build: Path) -> int:
    monkeypatch.setenv("PROGKG_HOME", str(home))
    monkeypatch.setenv("PROGKG_BUILD", str(build))
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code


# --- Same graph, same bytes -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ex.FORMATS))
def test_two_exports_of_the_same_build_are_byte_identical(built: Path, repo: Path, fmt: str) -> None:
    res = paths.resources(repo)
    first = ex.prepare(built, res=res).render(ex.FORMATS[fmt])
    second = ex.prepare(built, res=res).render(ex.FORMATS[fmt])
    assert first == second
    assert len(first) > 100_000


def test_all_formats_twice_gives_identical_folders(built: Path, repo: Path, tmp_path: Path) -> None:
    res = paths.resources(repo)
    for name in ("a", "b"):
        ex.export_all(ex.prepare(built, res=res), tmp_path / name)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted([f.file_name for f in ex.FORMATS.values()] + ["catalog.ttl"])
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_n_triples_and_n_quads_are_sorted_lines(prepared: ex.Export) -> None:
    for fmt in ("ntriples", "nquads"):
        lines = prepared.render(ex.FORMATS[fmt]).splitlines()
        assert lines == sorted(lines)
        assert len(lines) == len(set(lines))


# --- Round trips ----------------------------------------------------------------------------------


def test_turtle_export_parses_back_to_the_dump_plus_its_description(prepared: ex.Export, built: Path) -> None:
    exported = _parsed(prepared.render(ex.FORMATS["turtle"]), "turtle")
    data = _triples(_dump_quads(built))
    description = _description(prepared)
    assert exported == data | description
    assert data <= exported and len(description - data) > 100


@pytest.mark.parametrize("fmt", ["ntriples", "jsonld"])
def test_union_formats_hold_the_same_triples_as_turtle(prepared: ex.Export, fmt: str) -> None:
    turtle = _parsed(prepared.render(ex.FORMATS["turtle"]), "turtle")
    other = _parsed(prepared.render(ex.FORMATS[fmt]), fmt)
    assert other == turtle


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_quad_formats_keep_every_named_graph_and_the_catalog_graph(
    prepared: ex.Export, built: Path, fmt: str
) -> None:
    exported = set(ox.parse(prepared.render(ex.FORMATS[fmt]), format=PARSE[fmt]))
    expected = _dump_quads(built) | {
        ox.Quad(t.subject, t.predicate, t.object, CATALOG) for t in _description(prepared)
    }
    assert exported == expected


def test_jsonld_uses_the_shipped_context_and_parses_offline_with_rdflib(
    prepared: ex.Export, repo: Path
) -> None:
    import rdflib

    data = prepared.render(ex.FORMATS["jsonld"])
    doc = json.loads(data)
    shipped = json.loads((repo / "ontology" / "progkg.context.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == shipped["@context"]
    assert any(node["@id"].startswith("pkid:") for node in doc["@graph"])
    graph = rdflib.Graph().parse(data=data, format="json-ld")
    turtle = _parsed(prepared.render(ex.FORMATS["turtle"]), "turtle")
    via_rdflib = _parsed(graph.serialize(format="nt", encoding="utf-8"), "ntriples")
    assert via_rdflib == turtle


def test_turtle_is_pretty_with_the_project_prefixes(prepared: ex.Export) -> None:
    text = prepared.render(ex.FORMATS["turtle"]).decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("@prefix")]
    assert header == sorted(header)
    for prefix, iri in PREFIXES.items():
        assert f"@prefix {prefix}: <{iri}> ." in header
    assert "\npkid:rncp\\/RNCP24759 a pk:Certification ;\n" in text
    assert '\n\tpk:rncpCode "RNCP24759" ;' in text or '\n\tpk:rncpCode "RNCP24759" .' in text
    assert "\n\n" in text  # a blank line between subjects


def test_the_context_file_holds_every_project_prefix(repo: Path) -> None:
    context = ex.prefixes_of(ex.load_context(paths.resources(repo)))
    assert PREFIXES.items() <= context.items()


# --- Line splitting, against the parser --------------------------------------------------------------

_iri = hs.from_regex(
    r"https?://[a-z]{1,8}\.example/[a-zA-Z0-9/_.~-]{0,20}(#[a-zA-Z0-9_.~-]{0,8})?", fullmatch=True
)
_text = hs.text(alphabet=hs.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_literal = hs.one_of(
    _text.map(ox.Literal),
    hs.tuples(_text, hs.sampled_from(["fr", "en", "fr-ca"])).map(lambda t: ox.Literal(t[0], language=t[1])),
    hs.tuples(_text, _iri).map(lambda t: ox.Literal(t[0], datatype=ox.NamedNode(t[1]))),
)
_term = hs.one_of(_iri.map(ox.NamedNode), _literal, hs.just(ox.BlankNode("b0")))
_graph = hs.one_of(hs.just(ox.DefaultGraph()), _iri.map(ox.NamedNode))


@settings(max_examples=200, deadline=None)
@given(hs.tuples(_iri, _iri, _term, _graph))
def test_splitting_a_dump_line_agrees_with_the_parser(parts) -> None:
    s, p, o, g = parts
    quad = ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g)
    line = ox.serialize([quad], format=ox.RdfFormat.N_QUADS)
    triple_line, graph = ex.split_quad_line(line)
    assert [q.triple for q in ox.parse(triple_line, format=ox.RdfFormat.N_TRIPLES)] == [quad.triple]
    assert graph == (b"" if isinstance(g, ox.DefaultGraph) else f"<{g.value}>".encode())
    # read_dump inlines the same split (it runs once per quad)
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "progkg.nq"
        dump.write_bytes(line)
        assert ex.read_dump(dump).graphs == {graph: [triple_line]}


def test_an_unsorted_dump_is_sorted_on_reading(tmp_path: Path) -> None:
    dump = tmp_path / "progkg.nq"
    dump.write_bytes(
        b'<http://b.example/s> <http://p.example/p> "x" <http://g.example/1> .\n'
        b'<http://a.example/s> <http://p.example/p> "x y"@fr <http://g.example/1> .\n'
        b'<http://b.example/s> <http://p.example/p> "x" <http://g.example/2> .\n'
        b"<http://a.example/s> <http://p.example/p> <http://o.example/o> .\n"
    )
    snap = ex.read_dump(dump)
    assert snap.union == sorted(snap.union) and len(snap.union) == 3
    assert snap.count("http://g.example/1") == 2 and snap.count("http://g.example/2") == 1
    assert snap.graphs[b""] == [b"<http://a.example/s> <http://p.example/p> <http://o.example/o> .\n"]


# --- Atomic writes ---------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(
    prepared: ex.Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "progkg.ttl"
    out.write_bytes(b"previous export\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ex.os, "fsync", broken_fsync)
    with pytest.raises(ProgkgError, match="No space left on device"):
        ex.emit(prepared.render(ex.FORMATS["turtle"]), out)
    assert out.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progkg.ttl"]


def test_all_formats_writes_nothing_when_one_format_fails(
    prepared: ex.Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ex.render

    def failing(fmt, snap, context):
        if fmt.name == "jsonld":
            raise OSError(5, "Input/output error")
        return real(fmt, snap, context)

    monkeypatch.setattr(ex, "render", failing)
    out = tmp_path / "dump"
    with pytest.raises(ProgkgError, match="Input/output error"):
        ex.export_all(prepared, out)
    assert list(out.iterdir()) == []


# --- The catalogue beside the files ----------------------------------------------------------------


def test_catalog_gives_the_size_and_sha256_of_each_written_file(
    built: Path, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary
) -> None:
    out = tmp_path / "dump"
    assert cli(["export", "--all-formats", "--out", str(out)], monkeypatch, repo, built) == 0
    catalog = set(ox.parse(path=str(out / "catalog.ttl"), format=ox.RdfFormat.TURTLE))
    sizes = {t.subject.value: int(t.object.value) for t in catalog if t.predicate.value == DCAT + "byteSize"}
    checksum_of = {t.subject.value: t.object.value for t in catalog if t.predicate.value == SPDX + "checksum"}
    values = {t.subject.value: t.object.value for t in catalog if t.predicate.value == SPDX + "checksumValue"}
    downloads = {
        t.subject.value: t.object.value for t in catalog if t.predicate.value == DCAT + "downloadURL"
    }
    assert len(downloads) == len(ex.FORMATS)
    for dist, url in downloads.items():
        data = (out / url.rsplit("/", 1)[-1]).read_bytes()
        assert sizes[dist] == len(data)
        assert values[checksum_of[dist]] == hashlib.sha256(data).hexdigest()
    capsysbinary.readouterr()
    assert cli(["export", "--catalog"], monkeypatch, repo, built) == 0
    assert capsysbinary.readouterr().out == (out / "catalog.ttl").read_bytes()


def test_base_url_sets_the_download_urls(prepared: ex.Export, built: Path, repo: Path) -> None:
    other = ex.prepare(built, res=paths.resources(repo), base_url="https://data.example.fr/progkg")
    text = ex.render_ntriples(other.description)
    assert b"<https://data.example.fr/progkg/progkg.ttl>" in text
    assert b"<https://w3id.org/progkg/dump/progkg.ttl>" in ex.render_ntriples(prepared.description)
    with pytest.raises(ProgkgError, match="--base-url"):
        ex.prepare(built, res=paths.resources(repo), base_url="ftp:/nowhere")


# --- Command line ------------------------------------------------------------------------------------


def test_cli_writes_to_stdout_or_to_a_file(
    built: Path, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary
) -> None:
    assert cli(["export", "--format", "ntriples"], monkeypatch, repo, built) == 0
    stdout = capsysbinary.readouterr().out
    out = tmp_path / "x.nt"
    assert cli(["export", "--format", "ntriples", "--out", str(out)], monkeypatch, repo, built) == 0
    assert out.read_bytes() == stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_cli_exit_codes(
    repo: Path, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert (
        cli(["export", "--out", str(tmp_path / "a.ttl")], monkeypatch, repo, tmp_path / "nothing-built") == 2
    )
    assert "progkg build" in capsys.readouterr().err
    assert not (tmp_path / "a.ttl").exists()
    assert cli(["export", "--all-formats"], monkeypatch, repo, built) == 2
    assert "--all-formats needs --out" in capsys.readouterr().err
    assert cli(["export", "--format", "yaml"], monkeypatch, repo, built) == 2
    assert cli(["export", "--profile", "schema", "--format", "turtle"], monkeypatch, repo, built) == 2
    assert (
        cli(["export", "--base-url", "not a url", "--out", str(tmp_path / "b.ttl")], monkeypatch, repo, built)
        == 2
    )
    assert "--base-url" in capsys.readouterr().err
    assert cli(["export", "--out", str(tmp_path / "c.ttl")], monkeypatch, repo, built) == 0
    assert (tmp_path / "c.ttl").stat().st_size > 0


def test_a_data_graph_named_like_the_catalog_graph_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    from progkg.build import build

    (project / "data" / "catalog.ttl").write_text(
        '<https://w3id.org/progkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n',
        encoding="utf-8",
    )
    out = tmp_path / "build"
    build(paths.resources(project), out)
    with pytest.raises(ProgkgError, match="graph/catalog"):
        ex.prepare(out, res=paths.resources(project)).render(ex.FORMATS["turtle"])


def test_source_date_epoch_sets_the_modified_date(
    built: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01T00:00:00Z
    text = ex.render_ntriples(ex.prepare(built, res=paths.resources(repo)).description)
    assert b'<http://purl.org/dc/terms/modified> "2027-01-01"^^' in text


def test_the_vocabulary_reference_is_published_beside_the_export(
    built: Path, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, item 3: docs/vocabulary.{md,html}, the same bytes as committed, in the dump."""
    out = tmp_path / "dump"
    assert cli(["export", "--all-formats", "--out", str(out)], monkeypatch, repo, built) == 0
    for name in ("vocabulary.md", "vocabulary.html"):
        assert (out / name).read_bytes() == (repo / "docs" / name).read_bytes(), name

"""`progkg validate DATA… --shapes FILE` (issue 16): RDF files validated instead of the build.

Every syntax pyshacl's command line reads, the standard report with ``--format turtle``,
exit codes 0/1/2, one-line errors naming the file and line, the one-line notice when the
run goes to pyshacl, and no silent "conforms" for what the fast engine does not compile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from progkg.cli import main

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:maxCount 1 ] .
"""
GOOD = """@prefix ex: <http://example.org/> .
ex:ann a ex:Person ; ex:age 31 .
"""
BAD = """@prefix ex: <http://example.org/> .
ex:bob a ex:Person ; ex:age "old" .
"""
SYNTAXES = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return done.value.code, out, err


def _write(tmp_path: Path, name: str, turtle: str) -> Path:
    """``turtle`` written as ``name`` in the syntax its extension says."""
    path = tmp_path / name
    quads = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    fmt = SYNTAXES[name.rsplit(".", 1)[1]]
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        graph = ox.NamedNode("http://example.org/g")
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
    else:
        quads = [q.triple for q in quads]
    ox.serialize(quads, str(path), format=fmt)
    return path


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", sorted(SYNTAXES))
def test_every_syntax_is_read_and_validated(tmp_path: Path, shapes: Path, suffix: str, capsys) -> None:
    good = _write(tmp_path, f"good.{suffix}", GOOD)
    bad = _write(tmp_path, f"bad.{suffix}", BAD)
    code, _out, _err = run_cli(["validate", "-q", str(good), "--shapes", str(shapes)], capsys)
    assert code == 0
    code, out, _err = run_cli(
        ["validate", "-q", "--format", "json", str(bad), "--shapes", str(shapes)], capsys
    )
    assert code == 1
    [result] = json.loads(out)
    assert result["focusNode"]["value"] == "http://example.org/bob"
    assert result["sourceConstraintComponent"] == str(SH.DatatypeConstraintComponent)


def test_several_files_are_one_graph_and_the_turtle_report_is_standard(
    tmp_path: Path, shapes: Path, capsys
) -> None:
    good = _write(tmp_path, "good.ttl", GOOD)
    bad = _write(tmp_path, "bad.nt", BAD)
    code, out, _err = run_cli(
        ["validate", "-q", "--format", "turtle", str(good), str(bad), "--shapes", str(shapes)], capsys
    )
    assert code == 1
    report = Graph().parse(data=out, format="turtle")
    [root] = report.subjects(SH.conforms, None)
    assert report.value(root, SH.conforms) == Literal(False)
    results = list(report.objects(root, SH.result))
    assert len(results) == 1
    assert report.value(results[0], SH.value) == Literal("old")


def test_a_syntax_error_is_one_line_naming_file_and_line(tmp_path: Path, shapes: Path, capsys) -> None:
    broken = tmp_path / "broken.ttl"
    text = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nfoo:d ex:e ex:f .\nex:g ex:h ex:i .\n"
    broken.write_text(text, encoding="utf-8")
    code, out, err = run_cli(["validate", "-q", str(broken), "--shapes", str(shapes)], capsys)
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith(f"progkg: error: {broken}:3:") and "foo" in line
    assert "Traceback" not in err


def test_missing_and_unknown_files_are_errors(tmp_path: Path, shapes: Path, capsys) -> None:
    code, _out, err = run_cli(["validate", "-q", str(tmp_path / "nope.ttl"), "--shapes", str(shapes)], capsys)
    assert code == 2 and "nope.ttl" in err and len(err.strip().splitlines()) == 1
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    code, _out, err = run_cli(["validate", "-q", str(odd), "--shapes", str(shapes)], capsys)
    assert code == 2 and "data.csv" in err and ".csv" in err
    code, _out, err = run_cli(["validate", "--changed", str(odd), "--shapes", str(shapes)], capsys)
    assert code == 2 and "--changed" in err


def test_unsupported_shapes_go_to_pyshacl_with_one_line(tmp_path: Path, capsys) -> None:
    """sh:property two levels under property shapes is not compiled: the run goes to pyshacl,
    said in one line, and finds the violation (on the value node of a value node)."""
    shapes = tmp_path / "nested2.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;\n"
        "  sh:property [ sh:path ex:address ; sh:property [ sh:path ex:city ;\n"
        "    sh:property [ sh:path ex:country ; sh:minCount 1 ] ] ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\nex:ann a ex:Person ; ex:address ex:a1 .\n"
        "ex:a1 ex:city ex:paris .\nex:bob a ex:Person ; ex:address ex:a2 .\n"
        "ex:a2 ex:city ex:rome .\nex:rome ex:country ex:italy .\n",
        encoding="utf-8",
    )
    args = ["validate", "-q", "--format", "json", str(data), "--shapes", str(shapes)]
    code, out, err = run_cli(args, capsys)
    assert code == 1
    notices = [line for line in err.splitlines() if line.startswith("progkg: validating with pyshacl")]
    assert len(notices) == 1 and "two levels under property shapes" in notices[0]
    [result] = json.loads(out)
    assert result["focusNode"]["value"] == "http://example.org/paris"
    assert result["sourceConstraintComponent"] == str(SH.MinCountConstraintComponent)


COMPONENT = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:LanguageComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:lang ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (lang($value) = $lang) }" ] .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; ex:lang "en" ] .
"""


def test_sparql_based_components_run_on_the_fast_engine(tmp_path: Path, capsys) -> None:
    """A SPARQL-based constraint component (ASK validator, a parameter): compiled, each value
    node asked with $value, $this and $lang written in."""
    shapes = tmp_path / "component.ttl"
    shapes.write_text(COMPONENT, encoding="utf-8")
    data = tmp_path / "d.ttl"
    data.write_text(
        '@prefix ex: <http://example.org/> .\nex:ann a ex:Person ; ex:name "Ann"@en .\n'
        'ex:bob a ex:Person ; ex:name "Bob"@fr , "Bob"@en .\n',
        encoding="utf-8",
    )
    args = ["validate", "-q", "--format", "json", str(data), "--shapes", str(shapes)]
    code, out, err = run_cli(args, capsys)
    assert code == 1 and "pyshacl" not in err
    [result] = json.loads(out)
    assert result["focusNode"]["value"] == "http://example.org/bob"
    assert result["value"] == {"type": "literal", "value": "Bob", "xml:lang": "fr"}
    assert result["sourceConstraintComponent"] == "http://example.org/LanguageComponent"


def test_nested_property_shapes_run_on_the_fast_engine(tmp_path: Path, capsys) -> None:
    """sh:property under a property shape: checked on the outer shape's value nodes."""
    shapes = tmp_path / "nested.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;\n"
        "  sh:property [ sh:path ex:address ; sh:property [ sh:path ex:city ; sh:minCount 1 ] ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\nex:ann a ex:Person ; ex:address ex:a1 .\n"
        "ex:bob a ex:Person ; ex:address ex:a2 .\nex:a2 ex:city ex:paris .\n",
        encoding="utf-8",
    )
    args = ["validate", "-q", "--format", "json", str(data), "--shapes", str(shapes)]
    code, out, err = run_cli(args, capsys)
    assert code == 1 and "pyshacl" not in err
    [result] = json.loads(out)
    assert result["focusNode"]["value"] == "http://example.org/a1"
    assert result["sourceConstraintComponent"] == str(SH.MinCountConstraintComponent)


def test_compiled_shapes_stay_on_the_fast_engine(tmp_path: Path, shapes: Path, capsys) -> None:
    bad = _write(tmp_path, "bad.ttl", BAD)
    code, _out, err = run_cli(["validate", str(bad), "--shapes", str(shapes)], capsys)
    assert code == 1
    assert "pyshacl" not in err

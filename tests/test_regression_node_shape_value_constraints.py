"""Issue 16: value constraints on a *node* shape never fired on the sparql engine.

The compiled query bound the value from ``?this`` inside a sub-select where nothing bound
``?this`` yet, so it found no value and reported nothing: a node-level ``sh:nodeKind``
shape let the seeds "conform" where pyshacl found 184 violations.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import SH

from progkg.validate import validate_files

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
SHAPES = """
ex:LinkTargetsAreIris a sh:NodeShape ; sh:targetObjectsOf ex:link ; sh:nodeKind sh:IRI .
ex:ColourShape a sh:NodeShape ; sh:targetClass ex:Colour ; sh:in ( ex:red ex:green ) .
"""
DATA = """
ex:a ex:link ex:b , "not an IRI" .
ex:red a ex:Colour .
ex:blue a ex:Colour .
"""


def _found(tmp_path: Path, engine: str) -> set[tuple]:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + SHAPES, encoding="utf-8")
    report = validate_files([], shapes, engine=engine, texts=[PREFIXES + DATA])
    return {(r.focus, r.component, r.value, r.severity) for r in report.results}


def test_value_constraints_of_a_node_shape_fire(tmp_path: Path) -> None:
    expected = {
        (Literal("not an IRI"), SH.NodeKindConstraintComponent, Literal("not an IRI"), "Violation"),
        (
            URIRef("http://example.org/blue"),
            SH.InConstraintComponent,
            URIRef("http://example.org/blue"),
            "Violation",
        ),
    }
    assert _found(tmp_path, "sparql") == expected
    assert _found(tmp_path, "pyshacl") == expected

"""Issue 16: ``sh:property`` under a *property* shape applies to that shape's value nodes;
the sparql engine checked it on the outer shape's focus nodes instead (wrong focus node,
and a silent "conforms" when those had no such property)."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import SH

from progkg.validate import validate_files

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
SHAPES = """
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:address ; sh:property ex:AddressCity ] .
ex:AddressCity sh:path ex:city ; sh:class ex:City .
"""
DATA = """
ex:paris a ex:City .
ex:good a ex:Address ; ex:city ex:paris .
ex:bad a ex:Address ; ex:city ex:nowhere .
ex:ann a ex:Person ; ex:address ex:good .
ex:bob a ex:Person ; ex:address ex:bad .
"""
EX = "http://example.org/"


def test_nested_property_shape_checks_the_value_nodes(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + SHAPES, encoding="utf-8")
    report = validate_files([], shapes, engine="sparql", texts=[PREFIXES + DATA])
    found = {(r.focus, r.path, r.component, r.value) for r in report.results}
    assert found == {
        (URIRef(EX + "bad"), URIRef(EX + "city"), SH.ClassConstraintComponent, URIRef(EX + "nowhere")),
    }

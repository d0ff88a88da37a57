"""Issue 16: a shape that is also an rdfs:Class targets its instances (SHACL 2.1.3.3);
the sparql engine ignored such implicit class targets and reported nothing."""

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
ex:Person a rdfs:Class , sh:NodeShape ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
DATA = """
ex:Student rdfs:subClassOf ex:Person .
ex:ann a ex:Person ; ex:name "Ann" .
ex:bob a ex:Person .
ex:eve a ex:Student .
"""


def test_a_shape_that_is_a_class_targets_its_instances(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + SHAPES, encoding="utf-8")
    for engine in ("sparql", "pyshacl"):
        report = validate_files([], shapes, engine=engine, texts=[PREFIXES + DATA])
        found = {(r.focus, r.component) for r in report.results}
        assert found == {
            (URIRef("http://example.org/bob"), SH.MinCountConstraintComponent),
            (URIRef("http://example.org/eve"), SH.MinCountConstraintComponent),
        }, engine

"""Issue 16: the Oxigraph store rewrites literals (``"5"^^xsd:int`` → ``"5"^^xsd:integer``,
``"1"^^xsd:boolean`` → ``"true"``, ``"4.0"`` decimal → ``"4"``; Oxigraph #526, #1413), so the
sparql engine saw other literals than the data's: ``"5"^^xsd:int`` failed ``sh:datatype
xsd:int``. Literal-form checks must see the literals as written."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import SH, XSD

from progkg.validate import validate_files

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
SHAPES = """
ex:Counts a sh:NodeShape ; sh:targetSubjectsOf ex:count ;
    sh:property [ sh:path ex:count ; sh:datatype xsd:int ] .
ex:Flags a sh:NodeShape ; sh:targetSubjectsOf ex:flag ;
    sh:property [ sh:path ex:flag ; sh:in ( true ) ] .
ex:Prices a sh:NodeShape ; sh:targetSubjectsOf ex:price ;
    sh:property [ sh:path ex:price ; sh:pattern "^[0-9]+\\\\.[0-9]{1,2}$" ] .
"""
DATA = """
ex:a ex:count "5"^^xsd:int .
ex:b ex:flag "1"^^xsd:boolean .
ex:c ex:flag true .
ex:d ex:price 4.0 .
"""


def test_literals_are_checked_as_written(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + SHAPES, encoding="utf-8")
    report = validate_files([], shapes, engine="sparql", texts=[PREFIXES + DATA])
    found = {(r.focus, r.component, r.value) for r in report.results}
    # "1"^^xsd:boolean is not the term true (sh:in compares terms); the others conform as written
    assert found == {
        (
            URIRef("http://example.org/b"),
            SH.InConstraintComponent,
            Literal("1", datatype=XSD.boolean, normalize=False),
        )
    }

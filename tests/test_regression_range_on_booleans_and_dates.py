"""Issue 16: sh:minInclusive and the like on booleans and dates crashed the sparql engine
with a TypeError instead of reporting the values that are out of range or not comparable."""

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
ex:SinceShape a sh:NodeShape ; sh:targetSubjectsOf ex:since ;
    sh:property [ sh:path ex:since ; sh:minInclusive "2020-01-01"^^xsd:date ] .
ex:OpenDays a sh:NodeShape ; sh:targetObjectsOf ex:day ; sh:maxExclusive "2026-01-01"^^xsd:date .
"""
DATA = """
ex:old ex:since "2019-05-01"^^xsd:date .
ex:new ex:since "2021-01-01"^^xsd:date .
ex:flag ex:since true .
ex:cal ex:day "2025-12-31"^^xsd:date , "2026-01-01"^^xsd:date , false .
"""
EX = "http://example.org/"


def _found(tmp_path: Path, engine: str) -> set[tuple]:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + SHAPES, encoding="utf-8")
    report = validate_files([], shapes, engine=engine, texts=[PREFIXES + DATA])
    return {(r.focus, r.component, r.value) for r in report.results}


def test_out_of_range_and_incomparable_values_are_reported(tmp_path: Path) -> None:
    late = Literal("2026-01-01", datatype=XSD.date)
    no = Literal("false", datatype=XSD.boolean)
    expected = {
        (URIRef(EX + "old"), SH.MinInclusiveConstraintComponent, Literal("2019-05-01", datatype=XSD.date)),
        (URIRef(EX + "flag"), SH.MinInclusiveConstraintComponent, Literal("true", datatype=XSD.boolean)),
        (late, SH.MaxExclusiveConstraintComponent, late),
        (no, SH.MaxExclusiveConstraintComponent, no),
    }
    assert _found(tmp_path, "sparql") == expected
    # pyshacl 0.40 misses the boolean compared to a date on the node shape (SHACL: not
    # comparable is a failure); it agrees on the rest
    assert _found(tmp_path, "pyshacl") == expected - {(no, SH.MaxExclusiveConstraintComponent, no)}

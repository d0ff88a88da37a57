"""Which engine a run gets (issue 16; progkg.validation.engine_choice): the project's own shapes
always stay on the fast engine; literals the store would rewrite are found by measurement."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from progkg.validation.engine_choice import pyshacl_reason, rewritten_literal
from progkg.validation.shapes import load_shapes_graph, read_model

SHAPES = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_the_projects_shapes_stay_on_the_fast_engine() -> None:
    model = read_model(load_shapes_graph(SHAPES))
    assert model.unsupported == []
    assert pyshacl_reason(model) is None


def test_rewritten_literals_are_found_and_canonical_ones_pass() -> None:
    def lit(text: str, datatype: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))

    canonical = [lit("5", "integer"), lit("true", "boolean"), lit("4.5", "decimal")]
    canonical.append(lit("2020-01-01", "date"))
    assert rewritten_literal(canonical) is None
    assert rewritten_literal([*canonical, ox.Literal("x", language="fr"), ox.Literal("plain")]) is None
    for odd in (lit("5", "int"), lit("1", "boolean"), lit("4.0", "decimal"), lit("01", "integer")):
        assert rewritten_literal([*canonical, odd]) == odd


def test_a_rewritten_literal_no_check_looks_at_stays_fast_and_is_reported_as_written(tmp_path: Path) -> None:
    """ "4.0"^^xsd:decimal is stored as "4": harmless to sh:maxInclusive (a value comparison), so
    the fast engine runs, and the result gives the value back as the file wrote it."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD as RDFLIB_XSD

    from progkg.validate import validate_files

    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        prefixes + "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:ects ;\n"
        "  sh:property [ sh:path ex:ects ; sh:maxInclusive 3 ; sh:maxCount 1 ] .\n",
        encoding="utf-8",
    )
    data = prefixes + "ex:a ex:ects 4.0 .\nex:b ex:ects 2.50 .\n"
    report = validate_files([], shapes, engine="sparql", texts=[data])
    assert report.engine == "sparql"
    assert [(r.focus, r.value) for r in report.results] == [
        (URIRef("http://example.org/a"), Literal("4.0", datatype=RDFLIB_XSD.decimal, normalize=False))
    ]
    assert str(report.results[0].value) == "4.0"


def test_a_rewritten_literal_a_component_reads_goes_to_pyshacl(tmp_path: Path) -> None:
    """A SPARQL-based component may read a literal's form (STR): "4.0" must stay "4.0"."""
    from progkg.validate import validate_files

    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        prefixes + "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:text ] ;\n"
        '  sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (STR($value) = $text) }" ] .\n'
        'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ; ex:text "4.0" ] .\n',
        encoding="utf-8",
    )
    report = validate_files([], shapes, engine="sparql", texts=[prefixes + "ex:a ex:n 4.0 .\n"])
    assert report.engine == "pyshacl"
    assert report.results == []


def test_integers_written_with_a_subtype_are_checked_as_written_on_the_fast_engine(tmp_path: Path) -> None:
    """The store keeps "5"^^xsd:int as "5"^^xsd:integer; sh:datatype is told what each was
    written as, so the fast engine still runs: xsd:int passes xsd:int and fails xsd:integer,
    an xsd:byte out of range (300) fails xsd:byte."""
    from rdflib import URIRef

    from progkg.validate import validate_files

    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        prefixes + "ex:Ints a sh:NodeShape ; sh:targetSubjectsOf ex:i ; sh:property [ sh:path ex:i ; "
        "sh:datatype xsd:int ] .\n"
        "ex:Integers a sh:NodeShape ; sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ; "
        "sh:datatype xsd:integer ] .\n"
        "ex:Bytes a sh:NodeShape ; sh:targetSubjectsOf ex:b ; sh:property [ sh:path ex:b ; "
        "sh:datatype xsd:byte ] .\n",
        encoding="utf-8",
    )
    data = prefixes + (
        'ex:a ex:i "5"^^xsd:int .\nex:c ex:i 7 .\nex:d ex:n "6"^^xsd:int .\nex:e ex:n 8 .\n'
        'ex:f ex:b "12"^^xsd:byte .\nex:g ex:b "300"^^xsd:byte .\n'
    )
    report = validate_files([], shapes, engine="sparql", texts=[data])
    assert report.engine == "sparql"
    found = sorted(
        (str(r.focus), str(r.value), str(r.value.datatype).rsplit("#")[-1]) for r in report.results
    )
    assert found == [
        ("http://example.org/c", "7", "integer"),
        ("http://example.org/d", "6", "int"),
        ("http://example.org/g", "300", "byte"),
    ]
    reference = validate_files([], shapes, engine="pyshacl", texts=[data])
    assert {(r.focus, r.value) for r in reference.results} == {(r.focus, r.value) for r in report.results}
    assert all(isinstance(r.focus, URIRef) for r in report.results)

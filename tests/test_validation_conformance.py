"""sh:node, sh:not, sh:and, sh:or, sh:xone and qualified value shapes on the sparql engine
(issue 16), held to pyshacl's results on small inline graphs — so that they are tested even
where the W3C suite (../shared/data) is absent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from progkg.validate import validate_files

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
DATA = """
ex:ann a ex:Person ; ex:name "Ann" ; ex:age 31 ; ex:address ex:a1 ; ex:email "ann@example.org" .
ex:bob a ex:Person ; ex:age "old" ; ex:address ex:a2 , ex:a3 ; ex:phone "123" ; ex:email "bob@x" .
ex:cid a ex:Person ; ex:name "Cid" , "Cid2" ; ex:address ex:a4 .
ex:a1 ex:city ex:paris ; ex:zip "75001" .
ex:a2 ex:city "Lyon" .
ex:a3 ex:zip 69000 .
ex:a4 ex:city ex:nice ; ex:zip "06000" ; ex:extra 1 .
ex:paris a ex:City . ex:nice a ex:City .
ex:dan a ex:Person ; ex:name "Dan" ; ex:phone "1" ; ex:age -5 .
"""
SHAPES = {
    "node": """
ex:Address a sh:NodeShape ; sh:closed true ; sh:ignoredProperties ( ex:zip ) ;
    sh:property [ sh:path ex:city ; sh:minCount 1 ; sh:class ex:City ] .
ex:PersonAddress a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:address ; sh:node ex:Address ] .
""",
    "not": """
ex:NoPhone a sh:NodeShape ; sh:targetClass ex:Person ; sh:not [ sh:path ex:phone ; sh:minCount 1 ] .
""",
    "and": """
ex:Named a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:and ( [ sh:path ex:name ; sh:minCount 1 ] [ sh:path ex:name ; sh:maxCount 1 ] ) .
""",
    "or": """
ex:Reachable a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:or ( [ sh:path ex:phone ; sh:minCount 1 ]
            [ sh:path ex:email ; sh:minCount 1 ; sh:pattern "@.+\\\\." ] ) .
""",
    "xone": """
ex:OneId a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:xone ( [ sh:path ex:name ; sh:minCount 1 ] [ sh:path ex:phone ; sh:minCount 1 ] ) .
""",
    "property-or": """
ex:Age a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:age ;
                  sh:or ( [ sh:datatype xsd:integer ; sh:minInclusive 0 ] [ sh:hasValue "old" ] ) ] .
""",
    "qualified": """
ex:Addresses a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:address ; sh:qualifiedValueShape [ sh:path ex:city ; sh:class ex:City ] ;
                  sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] ;
    sh:property [ sh:path ex:address ; sh:qualifiedValueShape [ sh:path ex:zip ; sh:minCount 1 ] ;
                  sh:qualifiedMaxCount 0 ; sh:qualifiedValueShapesDisjoint true ] .
""",
}


def _results(tmp_path: Path, name: str, engine: str) -> tuple[Counter, str]:
    shapes = tmp_path / f"{name}.ttl"
    shapes.write_text(PREFIXES + SHAPES[name], encoding="utf-8")
    report = validate_files([], shapes, engine=engine, texts=[PREFIXES + DATA])
    found = Counter((r.focus, r.component, r.value, r.path is not None) for r in report.results)
    return found, report.engine


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_same_results_as_pyshacl_on_the_fast_engine(tmp_path: Path, name: str) -> None:
    fast, engine = _results(tmp_path, name, "sparql")
    assert engine == "sparql", "compiled, not handed to pyshacl"
    reference, _ = _results(tmp_path, name, "pyshacl")
    assert fast == reference
    assert fast, "each case finds something"


def test_a_property_shape_nested_in_a_shape_named_by_sh_node_checks_value_nodes(tmp_path: Path) -> None:
    """sh:node to a shape whose property shape has sh:property: checked on the values' values."""
    shapes = tmp_path / "deep.ttl"
    shapes.write_text(
        PREFIXES
        + """
ex:HasCityWithClass a sh:NodeShape ;
    sh:property [ sh:path ex:address ; sh:property [ sh:path ex:city ; sh:class ex:City ] ] .
ex:PersonDeep a sh:NodeShape ; sh:targetClass ex:Person ; sh:node ex:HasCityWithClass .
""",
        encoding="utf-8",
    )
    fast = validate_files([], shapes, engine="sparql", texts=[PREFIXES + DATA])
    reference = validate_files([], shapes, engine="pyshacl", texts=[PREFIXES + DATA])
    assert fast.engine == "sparql"
    assert {(r.focus, r.component) for r in fast.results} == {
        (r.focus, r.component) for r in reference.results
    }
    assert {str(r.focus) for r in fast.results} == {"http://example.org/bob"}  # ex:a2's city "Lyon"

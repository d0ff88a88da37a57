"""Issue 16: results that SHACL counts separately were merged by the sparql engine: one
``sh:lessThan`` result per (value, other value) pair, one ``sh:uniqueLang`` result per
language used twice, one result per ``sh:class`` of a shape."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import SH

from progkg.validation import pyshacl_engine, sparql_engine
from progkg.validation.shapes import load_shapes_graph, read_model
from progkg.validation.terms import add_quads

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
SHAPES = """
ex:Window a sh:NodeShape ; sh:targetSubjectsOf ex:start ;
    sh:property [ sh:path ex:start ; sh:lessThan ex:end ] .
ex:Labels a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;
    sh:property [ sh:path rdfs:label ; sh:uniqueLang true ] .
ex:Owner a sh:NodeShape ; sh:targetSubjectsOf ex:owner ;
    sh:property [ sh:path ex:owner ; sh:class ex:Person , ex:Agent ] .
"""
DATA = """
ex:w ex:start 5 ; ex:end 4 , 3 .
ex:l rdfs:label "a"@en , "b"@en , "c"@fr , "d"@fr , "e"@de .
ex:o ex:owner ex:rock .
"""
EX = "http://example.org/"


def _results(tmp_path: Path, engine: str) -> Counter:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PREFIXES + SHAPES, encoding="utf-8")
    graph = load_shapes_graph(shapes)
    quads = list(ox.parse((PREFIXES + DATA).encode(), format=ox.RdfFormat.TURTLE))
    if engine == "sparql":
        store = ox.Store()
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:g")) for q in quads)
        found = sparql_engine.run(store, read_model(graph))
    else:
        from rdflib import Graph

        data = Graph()
        add_quads(data, quads)
        found = pyshacl_engine.run(data, graph)
    return Counter((r.focus, r.component, r.value) for r in found)


def test_each_pair_language_and_class_is_one_result(tmp_path: Path) -> None:
    expected = Counter(
        {
            (URIRef(EX + "w"), SH.LessThanConstraintComponent, Literal(5)): 2,  # 5 vs 4, 5 vs 3
            (URIRef(EX + "l"), SH.UniqueLangConstraintComponent, None): 2,  # en, fr
            (URIRef(EX + "o"), SH.ClassConstraintComponent, URIRef(EX + "rock")): 2,  # Person, Agent
        }
    )
    assert _results(tmp_path, "sparql") == expected
    assert _results(tmp_path, "pyshacl") == expected

"""Which SPARQL constraints the fast engine may join to all focus nodes at once, and which
SHACL refuses (issue 16; progkg.validation.prebinding)."""

from __future__ import annotations

from pathlib import Path

import pytest

from progkg.validation.prebinding import bulk_problem, syntax_problem
from progkg.validation.shapes import load_shapes_graph, read_model

SHAPES = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"


def test_the_projects_queries_are_bulk_safe() -> None:
    model = read_model(load_shapes_graph(SHAPES))
    queries = [c.select for s in model.shapes.values() for c in s.sparql]
    assert queries
    assert [bulk_problem(q) for q in queries] == [None] * len(queries)
    assert [syntax_problem(q) for q in queries] == [None] * len(queries)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT $this WHERE { { FILTER (false) } UNION { FILTER ($this = <urn:x>) } }",
        "SELECT $this WHERE { { { FILTER ($this = <urn:x>) } FILTER bound($this) } }",
        "SELECT $this WHERE { { FILTER (bound($this)) } $this <urn:p> 1 . }",
        "SELECT $this WHERE { { SELECT $this WHERE { FILTER ($this = <urn:x>) } } }",
        "SELECT $this WHERE { { SELECT $this (COUNT(?o) AS ?n) WHERE { $this <urn:p> ?o } } }",
    ],
)
def test_pre_binding_that_a_join_would_change_is_not_bulk(query: str) -> None:
    assert bulk_problem(query) is not None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT $this ?value WHERE { $this <urn:p> ?value . FILTER (?value > 3) }",
        "SELECT $this WHERE { BIND ($this AS ?that) FILTER (?that = <urn:x>) }",
        "SELECT $this WHERE { $this <urn:p> ?o OPTIONAL { $this <urn:q> ?z } "
        "FILTER NOT EXISTS { $this <urn:r> ?o } }",
        "SELECT $this WHERE { { $this <urn:p> ?o } UNION { $this <urn:q> ?o } }",
        "SELECT $this ?n WHERE { { SELECT $this (COUNT(?o) AS ?n) WHERE { $this <urn:p> ?o } "
        "GROUP BY $this } }",
        'SELECT $this WHERE { $this <urn:p> "{ MINUS VALUES }" }',
    ],
)
def test_queries_that_mean_the_same_joined_are_bulk(query: str) -> None:
    assert bulk_problem(query) is None
    assert syntax_problem(query) is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }",
        "SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }",
        "SELECT $this WHERE { SERVICE <http://example.org/sparql> { $this ?p ?o } }",
        "SELECT $this WHERE { ?x ?p ?o BIND (?x AS $this) }",
        "SELECT $this WHERE { $this ?p ?o { SELECT ?other WHERE { ?other ?b ?c } } }",
        "SELECT $this WHERE { { SELECT * WHERE { FILTER ($this = <urn:x>) } } }",
    ],
)
def test_what_shacl_refuses_is_refused(query: str) -> None:
    assert syntax_problem(query) is not None


PREFIXES = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
# a FILTER alone in a UNION branch: joined to all focus nodes it would see no $this
UNION_SHAPE = """
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"\"\"
    PREFIX ex: <http://example.org/>
    SELECT $this WHERE { { FILTER (false) } UNION { FILTER ($this = ex:bad) } }\"\"\" ] .
"""


def test_a_query_a_join_would_change_runs_per_focus_node_on_the_fast_engine(tmp_path) -> None:
    from rdflib import URIRef

    from progkg.validate import validate_files

    shapes = tmp_path / "s.ttl"
    shapes.write_text(PREFIXES + UNION_SHAPE, encoding="utf-8")
    data = PREFIXES + "ex:good a ex:C .\nex:bad a ex:C .\n"
    report = validate_files([], shapes, engine="sparql", texts=[data])
    assert report.engine == "sparql"
    assert [r.focus for r in report.results] == [URIRef("http://example.org/bad")]
    # (pyshacl 0.40 reports ex:good as well here, though it passes W3C pre-binding-002 with one focus node)


def test_a_blank_focus_node_sends_a_per_focus_query_to_pyshacl(tmp_path) -> None:
    from progkg.validate import validate_files

    shapes = tmp_path / "s.ttl"
    shapes.write_text(PREFIXES + UNION_SHAPE, encoding="utf-8")
    report = validate_files([], shapes, engine="sparql", texts=[PREFIXES + "[] a ex:C .\nex:bad a ex:C .\n"])
    assert report.engine == "pyshacl"
    assert "http://example.org/bad" in {str(r.focus) for r in report.results}

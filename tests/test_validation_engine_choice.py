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

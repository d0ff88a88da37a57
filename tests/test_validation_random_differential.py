"""Random shapes and data, the fast engine against pyshacl (issue 16).

Why: the W3C suite has one or two tests per constraint; combinations — sh:or of property
shapes holding sh:node, sh:qualifiedValueShape beside sh:closed, inverse and sequence paths
under sh:not… — are where a compiled engine goes wrong silently. A seeded generator makes
small shapes graphs over a small vocabulary and small data graphs, and every case pyshacl
accepts must give the same results on the fast engine (focus node, component, value, path).
``sh:lessThan`` is left out: on values that cannot be compared (IRIs), SHACL reports a result
and the fast engine does, pyshacl 0.40 does not.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg.errors import ProgkgError
from progkg.validation import engine_choice, pyshacl_engine
from progkg.validation.shapes import load_shapes_graph, read_model

PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
PROPS = ["ex:p", "ex:q", "ex:r"]
VALUES = [
    "ex:a",
    "ex:b",
    "ex:c",
    "ex:d",
    "1",
    "2",
    "5",
    '"x"',
    '"yy"@en',
    '"zz"@fr',
    '"w"@en',
    "true",
    "ex:e",
]
NODES = ["ex:a", "ex:b", "ex:c", "ex:d", "ex:e"]
#: Literals the Oxigraph store rewrites ("4.0" → "4", xsd:int → xsd:integer): the fast engine
#: must give them back as written, or hand the run to pyshacl when a check reads their form.
REWRITTEN = ["4.0", '"6"^^xsd:int', "2.50", '"7"^^xsd:byte', '"300"^^xsd:byte']
CASES = [(seed, False) for seed in range(600)] + [(seed, True) for seed in range(600, 900)]


def _data(rng: random.Random, rewritten: bool) -> str:
    values = VALUES + REWRITTEN if rewritten else VALUES
    lines = []
    for node in NODES:
        if rng.random() < 0.6:
            lines.append(f"{node} a ex:{rng.choice(['C', 'D'])} .")
        for prop in PROPS:
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                lines.append(f"{node} {prop} {rng.choice(values)} .")
    return PREFIXES + "\n".join(lines) + "\n"


def _path(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.6:
        return rng.choice(PROPS)
    if k < 0.75:
        return f"[ sh:inversePath {rng.choice(PROPS)} ]"
    if k < 0.9:
        return f"( {rng.choice(PROPS)} {rng.choice(PROPS)} )"
    return f"[ sh:zeroOrMorePath {rng.choice(PROPS)} ]"


def _constraint(rng: random.Random, depth: int, on_property: bool) -> str:
    kind = rng.choice(
        ["class", "datatype", "nodeKind", "minCount", "maxCount", "in", "hasValue", "minInclusive", "pattern"]
        + ["minLength", "languageIn", "uniqueLang", "equals", "disjoint", "node", "not", "or", "and", "xone"]
        + ["closed", "qualified"]
    )
    simple = {
        "class": f"sh:class ex:{rng.choice(['C', 'D'])}",
        "datatype": f"sh:datatype xsd:{rng.choice(['integer', 'string', 'boolean', 'int', 'byte'])}",
        "nodeKind": f"sh:nodeKind sh:{rng.choice(['IRI', 'Literal', 'BlankNodeOrIRI'])}",
        "in": f"sh:in ( {' '.join(rng.sample(VALUES, 3))} )",
        "hasValue": f"sh:hasValue {rng.choice(VALUES)}",
        "minInclusive": f"sh:minInclusive {rng.choice([1, 2, 5])}",
        "pattern": f'sh:pattern "{rng.choice(["^e", "b", "x", "^[0-9]$"])}"',
        "minLength": f"sh:minLength {rng.choice([1, 2, 3])}",
        "languageIn": 'sh:languageIn ( "en" )',
        "equals": f"sh:equals {rng.choice(PROPS)}",
        "disjoint": f"sh:disjoint {rng.choice(PROPS)}",
    }
    if kind in simple:
        return simple[kind]
    if on_property and kind == "minCount":
        return f"sh:minCount {rng.choice([1, 2])}"
    if on_property and kind == "maxCount":
        return f"sh:maxCount {rng.choice([0, 1, 2])}"
    if on_property and kind == "uniqueLang":
        return "sh:uniqueLang true"
    if depth < 2:
        if kind == "node":
            return f"sh:node {_node_shape(rng, depth + 1)}"
        if kind == "not":
            return f"sh:not {_shape(rng, depth + 1)}"
        if kind in ("or", "and", "xone"):
            return f"sh:{kind} ( {_shape(rng, depth + 1)} {_shape(rng, depth + 1)} )"
        if kind == "qualified" and on_property:
            return (
                f"sh:qualifiedValueShape {_shape(rng, depth + 1)} ; sh:qualifiedMinCount {rng.choice([1, 2])}"
            )
    if kind == "closed" and not on_property:
        return "sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> )"
    return "sh:nodeKind sh:IRI"


def _node_shape(rng: random.Random, depth: int) -> str:
    parts = [_constraint(rng, depth, False) for _ in range(rng.choice([1, 2]))]
    if rng.random() < 0.5:
        parts.append(f"sh:property [ sh:path {_path(rng)} ; {_constraint(rng, depth, True)} ]")
    return f"[ {' ; '.join(parts)} ]"


def _shape(rng: random.Random, depth: int) -> str:
    if rng.random() < 0.5:
        parts = [_constraint(rng, depth, True) for _ in range(rng.choice([1, 2]))]
        return f"[ sh:path {_path(rng)} ; {' ; '.join(parts)} ]"
    return _node_shape(rng, depth)


def _shapes(rng: random.Random) -> str:
    target = rng.choice(
        [
            "sh:targetClass ex:C",
            "sh:targetSubjectsOf ex:p",
            "sh:targetObjectsOf ex:q",
            "sh:targetNode ex:a, ex:b",
        ]
    )
    return PREFIXES + f"ex:S a sh:NodeShape ; {target} ; {_node_shape(rng, 0)[1:-1]} .\n"


def _key(result) -> tuple:
    return (result.focus, result.component, result.value, str(result.path))


@pytest.mark.parametrize(("seed", "rewritten"), CASES)
def test_random_shapes_give_pyshacls_results(tmp_path: Path, seed: int, rewritten: bool) -> None:
    rng = random.Random(seed)
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(_shapes(rng), encoding="utf-8")
    graph = ox.NamedNode("urn:x-test:data")
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, graph)
        for q in ox.parse(_data(rng, rewritten).encode(), format=ox.RdfFormat.TURTLE)
    ]
    shapes = load_shapes_graph(shapes_file)
    try:
        reference = pyshacl_engine.run(engine_choice.graph_of(quads), shapes)
    except ProgkgError:
        pytest.skip("pyshacl refuses this shapes graph (a parameter given twice)")
    store = ox.Store()
    store.extend(quads)
    notices: list[str] = []
    found, _engine = engine_choice.run(
        store,
        read_model(shapes),
        lambda: engine_choice.graph_of(quads),
        literals=engine_choice.data_literals(quads),
        notice=notices.append,
    )
    assert Counter(map(_key, found)) == Counter(map(_key, reference))

"""The fast engine (SHACL compiled to SPARQL on Oxigraph) against the reference (pyshacl).

Both must give the same results — same focus nodes, paths, severities, source shapes,
constraint components and values, and the same messages — on:

* every fixture of every shape (tests/fixtures/shapes/cases.py);
* the real seeds;
* the seeds with errors planted at random by a small seeded mutator, two seeds (deleted facts, wrong
  datatypes, negative or extra numbers, broken codes and dates, triples stated by two
  sources at once);
* a national-scale graph from bench/generate.py with its planted errors.

This test is what allows ``sparql`` to be the default engine of ``progkg validate``.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg.rdfio import read_rdf
from progkg.validate import DEFAULT_ENGINE, validate_files, validate_graph, validate_store
from progkg.validation.report import ValidationReport
from progkg.validation.terms import add_quads

#: Slow: every test runs pyshacl, the reference engine (seconds each); `pytest -m "not slow"` leaves them out.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO / "ontology" / "shapes.ttl"
ONTOLOGY = REPO / "ontology" / "progkg.ttl"
DATA = sorted((REPO / "data").rglob("*.ttl"))
XSD = "http://www.w3.org/2001/XMLSchema#"
PK = "https://w3id.org/progkg/ontology#"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def assert_same(reference: ValidationReport, fast: ValidationReport) -> None:
    """Same findings, and the same messages for each, in both engines."""
    ref = {r.key(): r.messages for r in reference.results}
    got = {r.key(): r.messages for r in fast.results}
    missing = sorted(map(str, set(ref) - set(got)))[:10]
    extra = sorted(map(str, set(got) - set(ref)))[:10]
    assert not missing and not extra, f"only pyshacl: {missing}\nonly sparql: {extra}"
    differ = [(k, ref[k], got[k]) for k in ref if ref[k] != got[k]][:5]
    assert not differ, f"messages differ: {differ}"


def both_engines(quads: list[ox.Quad]) -> tuple[ValidationReport, ValidationReport]:
    from rdflib import Graph

    graph = Graph()
    add_quads(graph, quads)
    store = ox.Store()
    store.extend(quads)
    return validate_graph(graph, SHAPES), validate_store(store, SHAPES)


def test_the_fast_engine_is_the_default() -> None:
    assert DEFAULT_ENGINE == "sparql"


def test_same_results_on_every_shape_fixture() -> None:
    cases = _load("progkg_shape_cases", REPO / "tests" / "fixtures" / "shapes" / "cases.py")
    texts = [f.text for f in cases.fixtures()]
    reference = validate_files([ONTOLOGY], SHAPES, engine="pyshacl", texts=texts)
    fast = validate_files([ONTOLOGY], SHAPES, engine="sparql", texts=texts)
    assert len(reference.results) > 300  # every failing fixture fails
    assert_same(reference, fast)


def _seed_quads() -> list[ox.Quad]:
    quads = read_rdf(ONTOLOGY, "https://w3id.org/progkg/graph/ontology")
    for path in DATA:
        quads.extend(read_rdf(path, "https://w3id.org/progkg/graph/" + path.stem))
    return quads


def test_same_results_on_the_seeds() -> None:
    reference, fast = both_engines(_seed_quads())
    assert reference.results and not reference.has_violations
    assert_same(reference, fast)


def plant_errors(quads: list[ox.Quad], seed: int, count: int) -> list[ox.Quad]:
    """The quads with ``count`` errors planted at random (deterministic for a seed)."""
    rng = random.Random(seed)
    out = list(quads)
    data = [i for i, q in enumerate(out) if "graph/ontology" not in q.graph_name.value]
    other_graph = ox.NamedNode("https://w3id.org/progkg/graph/planted")

    def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
        if lang:
            return ox.Literal(value, language=lang)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + (datatype or "string")))

    mutations = [
        "delete",
        "duplicate-in-another-graph",
        "text-for-number",
        "negative",
        "second-value",
        "double",
        "break-code",
        "iri-for-literal",
        "literal-for-iri",
        "bad-date",
        "swap-dates",
        "empty-label",
        "second-label-same-language",
        "retype",
    ]
    for _ in range(count):
        index = rng.choice(data)
        quad = out[index]
        if quad is None:  # deleted by an earlier mutation
            continue
        s, p, o, g = quad.subject, quad.predicate, quad.object, quad.graph_name
        kind = rng.choice(mutations)
        if kind == "delete":
            out[index] = None
        elif kind == "duplicate-in-another-graph":
            out.append(ox.Quad(s, p, o, other_graph))
        elif kind == "text-for-number" and isinstance(o, ox.Literal):
            out[index] = ox.Quad(s, p, lit("vingt"), g)
        elif kind == "negative" and isinstance(o, ox.Literal) and o.datatype.value == XSD + "integer":
            out[index] = ox.Quad(s, p, lit(str(-1 - int(o.value)), "integer"), g)
        elif kind == "second-value" and isinstance(o, ox.Literal) and o.datatype.value == XSD + "integer":
            out.append(ox.Quad(s, p, lit(str(int(o.value) + 1), "integer"), g))
        elif kind == "double" and isinstance(o, ox.Literal) and o.datatype.value == XSD + "integer":
            out[index] = ox.Quad(s, p, lit(o.value, "double"), g)
        elif kind == "break-code" and isinstance(o, ox.Literal) and not o.language:
            out[index] = ox.Quad(s, p, lit(" " + o.value.lower() + "?"), g)
        elif kind == "iri-for-literal" and isinstance(o, ox.Literal):
            out[index] = ox.Quad(s, p, ox.NamedNode("https://w3id.org/progkg/id/planted"), g)
        elif kind == "literal-for-iri" and isinstance(o, ox.NamedNode):
            out[index] = ox.Quad(s, p, lit(o.value), g)
        elif kind == "bad-date" and isinstance(o, ox.Literal) and o.datatype.value == XSD + "date":
            out[index] = ox.Quad(s, p, lit("30/03/2026"), g)
        elif kind == "swap-dates" and p.value.endswith("startDate"):
            out[index] = ox.Quad(s, p, lit("2027-01-01", "date"), g)
        elif kind == "empty-label" and p.value.endswith("#label"):
            out[index] = ox.Quad(s, p, lit(""), g)
        elif kind == "second-label-same-language" and isinstance(o, ox.Literal) and o.language:
            out.append(ox.Quad(s, p, lit(o.value + " (bis)", lang=o.language), g))
        elif kind == "retype" and p.value.endswith("#type"):
            out[index] = ox.Quad(s, p, ox.NamedNode(PK + rng.choice(["Sector", "Activity", "Course"])), g)
    return [q for q in out if q is not None]


@pytest.mark.parametrize("seed", [1, 2])
def test_same_results_on_seeds_with_planted_errors(seed: int) -> None:
    quads = plant_errors(_seed_quads(), seed, count=150)
    reference, fast = both_engines(quads)
    assert reference.has_violations  # the planted errors are found
    assert_same(reference, fast)


def test_same_results_on_a_generated_national_graph(tmp_path: Path) -> None:
    generator = REPO / "bench" / "generate.py"
    if not generator.is_file():
        pytest.skip("bench/generate.py is absent")
    bench = _load("progkg_bench_generate", generator)
    out = tmp_path / "graph.nq"
    report = bench.generate(8000, 7, out, rome_dir=None, progress=lambda _m: None, error_rate=20.0)
    assert report.planted, "the generator planted no error"
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    quads += read_rdf(ONTOLOGY, "https://w3id.org/progkg/graph/ontology")
    for path in sorted((REPO / "data" / "vocab").glob("*.ttl")):
        quads += read_rdf(path, "https://w3id.org/progkg/graph/vocab/" + path.stem)
    reference, fast = both_engines(quads)
    shapes = {str(r.source_shape).split("#")[-1] for r in reference.results}
    assert {"SemesterEctsTotal", "CourseHours", "UnitEcts", "RomeCodePattern"} <= shapes
    assert_same(reference, fast)

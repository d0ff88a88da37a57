"""ontology/shapes.ttl, shape by shape (in the style of BrickSchema's shape tests).

* every curated file conforms (no violation) when validated with the ontology and the vocab;
* for every shape, a small Turtle that passes and one or more that fail, with the expected
  severity on the expected focus node (tests/fixtures/shapes/cases.py) — run with both
  engines, all fixtures in one graph, each fixture in a namespace of its own;
* the shapes file itself: valid SHACL, every shape with an explicit severity and a French
  and an English message, every shape covered by a case.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from progkg.validate import validate_files
from progkg.validation.report import ValidationReport
from progkg.validation.shapes import load_shapes_graph, read_model

#: Slow: every shape's fixtures go through both engines (`pytest -m "not slow"` skips them).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO / "ontology" / "shapes.ttl"
ONTOLOGY = REPO / "ontology" / "progkg.ttl"
PKS = "https://w3id.org/progkg/shapes#"


def load_cases():
    """tests/fixtures/shapes/cases.py (a data module, not a package)."""
    path = Path(__file__).parent / "fixtures" / "shapes" / "cases.py"
    spec = importlib.util.spec_from_file_location("progkg_shape_cases", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cases = load_cases()
FIXTURES = cases.fixtures()
VOCAB = sorted((REPO / "data" / "vocab").glob("*.ttl"))
CURATED = sorted(
    p for p in (REPO / "data").rglob("*.ttl") if "vocab" not in p.relative_to(REPO / "data").parts
)


@pytest.fixture(scope="module", params=["pyshacl", "sparql"])
def fixtures_report(request) -> ValidationReport:
    """Every fixture of every case validated at once, with the ontology."""
    return validate_files([ONTOLOGY], SHAPES, engine=request.param, texts=[f.text for f in FIXTURES])


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"{f.case.shape}-{f.variant}-{f.namespace[-12:]}")
def test_shape_fixture(fixtures_report: ValidationReport, fixture) -> None:
    shape = URIRef(PKS + fixture.case.shape)
    mine = [
        r
        for r in fixtures_report.results
        if r.source_shape == shape and str(r.focus).startswith(fixture.namespace)
    ]
    if fixture.passes:
        assert mine == [], f"{fixture.case.shape} should accept:\n{fixture.text}\nbut reported {mine}"
        return
    on_focus = [r for r in mine if str(r.focus) == fixture.focus]
    assert on_focus, f"{fixture.case.shape} should reject ex:x in:\n{fixture.text}\nresults: {mine}"
    assert {r.severity for r in on_focus} == {fixture.case.severity}
    for result in on_focus:
        languages = {lang for lang, _ in result.messages}
        assert {"fr", "en"} <= languages, result.messages


def test_seed_inconsistency_messages_give_the_numbers(fixtures_report: ValidationReport) -> None:
    """The ECTS-total warning says what the units add up to, in both languages."""
    found = [
        r
        for r in fixtures_report.results
        if r.source_shape == URIRef(PKS + "SemesterEctsTotal") and "-bad1/" in str(r.focus)
    ]
    assert found
    assert "28 ECTS au lieu de 30" in found[0].message("fr")
    assert "add up to 28 ECTS instead of 30" in found[0].message("en")


def _result_shapes() -> dict[URIRef, object]:
    """Shapes that can produce results: property shapes with constraints and SPARQL node shapes,
    but not the members of a logical constraint (sh:or, sh:and, sh:xone, sh:not) and what they
    hold: those only say whether their holder conforms, the holder reports."""
    graph = load_shapes_graph(SHAPES)
    model = read_model(graph)
    inner: set = set()
    todo = [
        member
        for predicate in (SH["or"], SH["and"], SH.xone)
        for head in graph.objects(None, predicate)
        for member in graph.items(head)
    ] + list(graph.objects(None, SH["not"]))
    while todo:
        node = todo.pop()
        if node not in inner:
            inner.add(node)
            todo.extend(graph.objects(node, SH.property))
    return {node: s for node, s in model.shapes.items() if (s.parameters or s.sparql) and node not in inner}


def test_every_shape_has_a_passing_and_a_failing_case() -> None:
    covered = {URIRef(PKS + c.shape) for c in cases.CASES if c.bad}
    missing = sorted(str(s) for s in set(_result_shapes()) - covered)
    assert not missing, f"shapes without a case: {missing}"
    unknown = sorted(str(s) for s in covered - set(_result_shapes()))
    assert not unknown, f"cases for shapes that do not exist: {unknown}"


def test_every_shape_has_severity_and_messages_in_french_and_english() -> None:
    graph = load_shapes_graph(SHAPES)
    for node, shape in _result_shapes().items():
        assert isinstance(node, URIRef) and str(node).startswith(PKS), f"anonymous shape {node}"
        assert graph.value(node, SH.severity) in (SH.Violation, SH.Warning, SH.Info), node
        holders = [node] if shape.parameters else [c.node for c in shape.sparql]
        for holder in holders:
            langs = {m.language for m in graph.objects(holder, SH.message) if isinstance(m, Literal)}
            assert {"fr", "en"} <= langs, f"{holder} needs sh:message in fr and en, has {langs}"


def test_the_shapes_are_valid_shacl() -> None:
    """pyshacl's meta-SHACL check (SHACL-SHACL) accepts the shapes graph."""
    data = Graph().parse(ONTOLOGY)
    shapes = load_shapes_graph(SHAPES)
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes, meta_shacl=True, inference="none")
    assert isinstance(conforms, bool), text


def test_severity_follows_the_dcat_ap_rule_for_the_seed_inconsistencies() -> None:
    """What real documents get wrong is a warning, never a violation (DESIGN.md, Shapes)."""
    graph = load_shapes_graph(SHAPES)
    for name in (
        "SemesterEctsTotal",
        "SemesterDeclaredHours",
        "ProgrammeDeclaredHours",
        "CourseHours",
        "UnitEcts",
    ):
        assert graph.value(URIRef(PKS + name), SH.severity) == SH.Warning, name
    for name in ("LabelRequired", "ParcoursProgramme", "RomeCodePattern", "RncpCodePattern"):
        assert graph.value(URIRef(PKS + name), SH.severity) == SH.Violation, name


def test_targets_are_classes_of_the_ontology() -> None:
    """A typo in sh:targetClass would silently check nothing."""
    ontology = Graph().parse(ONTOLOGY)
    classes = set(ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    shapes = load_shapes_graph(SHAPES)
    for shape, cls in shapes.subject_objects(SH.targetClass):
        assert cls in classes, f"{shape} targets {cls}, which progkg.ttl does not declare"


@pytest.mark.parametrize("path", CURATED, ids=lambda p: p.relative_to(REPO / "data").as_posix())
def test_curated_file_has_no_violation(path: Path) -> None:
    report = validate_files([ONTOLOGY, *VOCAB, path], SHAPES, engine="pyshacl")
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, "\n".join(
        f"{r.focus} {r.source_shape} {r.value} {r.message('en')}" for r in violations
    )


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_all_curated_data_together_has_no_violation(engine: str) -> None:
    report = validate_files([ONTOLOGY, *VOCAB, *CURATED], SHAPES, engine=engine)
    assert not report.has_violations, [
        (str(r.focus), str(r.source_shape)) for r in report.results if r.severity == "Violation"
    ]
    assert report.results, "the seeds hold real inconsistencies: warnings are expected"

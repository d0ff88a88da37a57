"""Reading the W3C SHACL test suite (data-shapes-test-suite) and comparing an engine's results with it.

Why a module of its own: the suite is run by ``tests/test_shacl_w3c.py`` on the default
engine, and the same reading and comparison are reused when measuring other engines. A test
passes when the ``sh:conforms`` flag and the *multiset* of results agree on focus node,
result path, constraint component, severity and value. Blank nodes cannot be compared by
label (the engine parses the files itself), so they are compared by structure: a blank node
stands for the sorted description of its outgoing triples, two levels deep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, Namespace

from progkg.validation.report import PathExpr, ValidationResult, path_to_sparql, read_path
from progkg.validation.terms import add_quads

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SUITE = Path("shacl-w3c-tests") / "data-shapes-test-suite" / "tests"

#: (focus, path, component, severity, value), each described so that blank nodes compare by structure.
ResultKey = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class SuiteTest:
    """One ``sht:Validate`` entry of a manifest."""

    name: str  # e.g. core/node/datatype-001
    data_file: Path
    shapes_file: Path
    failure: bool  # mf:result sht:Failure: the engine must refuse the shapes
    conforms: bool
    expected: Counter  # of ResultKey


def describe(term, graph: Graph, depth: int = 2) -> str:
    """``term`` as text; a blank node as the sorted description of its outgoing triples."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        if depth == 0:
            return "[]"
        parts = sorted(f"{p} {describe(o, graph, depth - 1)}" for p, o in graph.predicate_objects(term))
        return "[" + "; ".join(parts) + "]"
    if isinstance(term, Literal):
        return f"{term!s}|{term.datatype or ''}|{(term.language or '').lower()}"
    return str(term)


def _path_text(path: PathExpr | None) -> str:
    return "" if path is None else path_to_sparql(path)


def result_key(result: ValidationResult, data: Graph) -> ResultKey:
    """The comparable form of an engine's result (``data``: the graph the engine validated)."""
    return (
        describe(result.focus, data),
        _path_text(result.path),
        str(result.component),
        result.severity,
        describe(result.value, data),
    )


def _expected(graph: Graph, report: URIRef | BNode) -> tuple[bool, Counter]:
    conforms = graph.value(report, SH.conforms)
    keys: Counter = Counter()
    for node in graph.objects(report, SH.result):
        path_node = graph.value(node, SH.resultPath)
        keys[
            (
                describe(graph.value(node, SH.focusNode), graph),
                _path_text(read_path(graph, path_node)) if path_node is not None else "",
                str(graph.value(node, SH.sourceConstraintComponent)),
                _severity(graph.value(node, SH.resultSeverity)),
                describe(graph.value(node, SH.value), graph),
            )
        ] += 1
    return bool(conforms.toPython()) if isinstance(conforms, Literal) else False, keys


def _manifest_graph(path: Path) -> Graph:
    """Parsed as the engines parse data (Oxigraph's parser, literals kept as written: rdflib's
    own parser would turn ``"2011-01-01"^^xsd:dateTime`` into ``"2011-01-01T00:00:00"``)."""
    graph = Graph()
    add_quads(graph, ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    return graph


def _severity(term) -> str:
    """``Violation`` for sh:Violation; a severity of one's own as its full IRI (as the engines give it)."""
    text = str(term)
    return text.rsplit("#", 1)[-1] if text.startswith(str(SH)) else text


def collect(root: Path) -> list[SuiteTest]:
    """Every test reachable from ``root/manifest.ttl`` through ``mf:include``, in a fixed order."""
    tests: list[SuiteTest] = []
    pending = [root / "manifest.ttl"]
    seen: set[Path] = set()
    while pending:
        manifest = pending.pop(0).resolve()
        if manifest in seen:
            continue
        seen.add(manifest)
        graph = _manifest_graph(manifest)
        for include in sorted(graph.objects(None, MF.include), key=str):
            pending.append(Path(str(include).removeprefix("file://")))
        for entries in graph.objects(None, MF.entries):
            for entry in graph.items(entries):
                if (entry, RDF.type, SHT.Validate) not in graph:
                    continue
                action = graph.value(entry, MF.action)
                data = Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://"))
                shapes = Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://"))
                result = graph.value(entry, MF.result)
                name = str(manifest.parent.relative_to(root.resolve()) / str(entry).rsplit("/", 1)[-1])
                if result == SHT.Failure:
                    tests.append(SuiteTest(name, data, shapes, True, False, Counter()))
                    continue
                conforms, expected = _expected(graph, result)
                tests.append(SuiteTest(name, data, shapes, False, conforms, expected))
    return sorted(tests, key=lambda t: t.name)


#: An engine under test: (data file, shapes file) → (results, the rdflib graph it validated).
Engine = Callable[[Path, Path], tuple[list[ValidationResult], Graph]]


def compare(test: SuiteTest, engine: Engine) -> str | None:
    """None when ``engine`` passes ``test``, else what differs."""
    try:
        results, data = engine(test.data_file, test.shapes_file)
    except Exception as exc:  # noqa: BLE001 — a refusal is the expected outcome of a Failure test
        if test.failure:
            return None
        return f"error: {type(exc).__name__}: {exc}"
    if test.failure:
        return f"expected a failure, got {len(results)} result(s)"
    got = Counter(result_key(r, data) for r in results)
    if (not results) != test.conforms or got != test.expected:
        missing = test.expected - got
        extra = got - test.expected
        return (
            f"conforms={not results} expected {test.conforms}; missing {dict(missing)}; extra {dict(extra)}"
        )
    return None

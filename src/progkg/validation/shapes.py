"""Reading the shapes file: as an rdflib graph for pyshacl, and as a small model to compile.

Why a model of our own: the fast engine compiles each constraint to one SPARQL query. It
supports the part of SHACL that ``ontology/shapes.ttl`` uses (targets by class, subjects or
objects of a property, or node; property paths; the usual value, count, string, range and
pair constraints; ``sh:or`` of datatypes; SPARQL-based constraints) and refuses anything
else with a clear message, rather than silently checking less than pyshacl would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from progkg.errors import ProgkgError, located
from progkg.validation.report import PathExpr, read_path, severity_name
from progkg.validation.terms import add_quads

#: Constraint parameters the SPARQL engine compiles (each is one SHACL constraint component).
VALUE_PARAMETERS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
PROPERTY_ONLY_PARAMETERS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
}
#: Predicates that describe a shape without constraining anything.
DESCRIPTIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.property,
    SH.path,
    SH.sparql,
    SH.flags,  # read together with sh:pattern
}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint (``sh:sparql``) of a node shape."""

    node: Node
    select: str  # with PREFIX declarations prepended
    messages: tuple[tuple[str, str], ...]


@dataclass
class Shape:
    """A node or property shape, with its own constraints."""

    node: Node
    is_property: bool
    severity: str = "Violation"
    messages: tuple[tuple[str, str], ...] = ()
    targets: list[tuple[URIRef, Node]] = field(default_factory=list)
    path: PathExpr | None = None
    parameters: list[tuple[URIRef, Node]] = field(default_factory=list)  # (sh:param, value)
    flags: str = ""
    properties: list[Node] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    deactivated: bool = False


@dataclass
class ShapesModel:
    """Every shape of a shapes graph, keyed by node."""

    graph: Graph
    shapes: dict[Node, Shape]

    def targets_of(self, shape: Shape) -> list[tuple[URIRef, Node]]:
        """The targets that reach ``shape``: its own, and those of node shapes pointing to it."""
        targets = list(shape.targets)
        for other in self.shapes.values():
            if shape.node in other.properties and not other.deactivated:
                targets.extend(other.targets)
        return sorted(set(targets), key=lambda t: (str(t[0]), str(t[1])))


def shape_titles(model: ShapesModel) -> dict[Node, tuple[tuple[str, str], ...]]:
    """What each shape checks, for report summaries: its ``rdfs:label`` when it is a
    SPARQL-based shape (its messages carry numbers), else its ``sh:message``."""
    titles = {}
    for node, shape in model.shapes.items():
        labels = tuple(
            sorted(
                (lbl.language or "", str(lbl))
                for lbl in model.graph.objects(node, RDFS.label)
                if isinstance(lbl, Literal)
            )
        )
        titles[node] = labels if shape.sparql and labels else (shape.messages or labels)
    return titles


def load_shapes_graph(path: Path, display: str | None = None) -> Graph:
    """Parse the shapes file, failing with file:line:column on a syntax error.

    Blank nodes are kept as they are (unlike curated data, which is skolemised): SHACL
    reads ``[ sh:alternativePath (…) ]`` as a path only when it is a blank node.
    """
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgkgError(f"{shown}: cannot read the shapes file: {exc.strerror or exc}") from None
    graph = Graph()
    try:
        add_quads(graph, ox.parse(raw, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        message = re.sub(r"^Parser error at line \d+ column \d+: ", "", str(exc))
        raise ProgkgError(located(shown, message, exc.lineno, exc.offset)) from None
    for prefix, namespace in _declared_prefixes(raw):
        graph.bind(prefix, namespace, override=True, replace=True)
    if not any(graph.subjects(RDF.type, SH.NodeShape)) and not any(
        graph.subjects(RDF.type, SH.PropertyShape)
    ):
        raise ProgkgError(f"{shown}: holds no sh:NodeShape or sh:PropertyShape")
    return graph


def _declared_prefixes(raw: bytes) -> list[tuple[str, str]]:
    text = raw.decode("utf-8", "replace")
    return re.findall(r"@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", text)


def _messages(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    found = [(m.language or "", str(m)) for m in graph.objects(node, SH.message) if isinstance(m, Literal)]
    return tuple(sorted(found))


def _prefix_block(graph: Graph, constraint: Node) -> str:
    lines = []
    for holder in graph.objects(constraint, SH.prefixes):
        for decl in graph.objects(holder, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def read_model(graph: Graph, display: str = "shapes") -> ShapesModel:
    """The :class:`ShapesModel` of ``graph``."""
    nodes: set[Node] = set(graph.subjects(RDF.type, SH.NodeShape))
    nodes |= set(graph.subjects(RDF.type, SH.PropertyShape))
    nodes |= set(graph.objects(None, SH.property))
    for predicate in TARGETS:
        nodes |= set(graph.subjects(predicate, None))
    shapes: dict[Node, Shape] = {}
    for node in nodes:
        path_node = graph.value(node, SH.path)
        shape = Shape(node=node, is_property=path_node is not None)
        if path_node is not None:
            shape.path = read_path(graph, path_node)
        severity = graph.value(node, SH.severity)
        if severity is not None:
            shape.severity = severity_name(severity)
        shape.messages = _messages(graph, node)
        shape.deactivated = graph.value(node, SH.deactivated) == Literal(True)
        for predicate in TARGETS:
            for value in graph.objects(node, predicate):
                shape.targets.append((predicate, value))
        shape.properties = sorted(graph.objects(node, SH.property), key=str)
        flags = graph.value(node, SH.flags)
        shape.flags = str(flags) if flags is not None else ""
        for constraint in sorted(graph.objects(node, SH.sparql), key=str):
            select = graph.value(constraint, SH.select)
            if select is None:
                raise ProgkgError(f"{display}: SPARQL constraint {constraint} of {node} has no sh:select")
            prefixes = _prefix_block(graph, constraint)
            shape.sparql.append(
                SparqlConstraint(
                    node=constraint,
                    select=(prefixes + "\n" if prefixes else "") + str(select),
                    messages=_messages(graph, constraint),
                )
            )
        for predicate, value in graph.predicate_objects(node):
            if predicate in DESCRIPTIVE or predicate == OWL.imports:
                continue
            if predicate in VALUE_PARAMETERS or (shape.is_property and predicate in PROPERTY_ONLY_PARAMETERS):
                shape.parameters.append((predicate, value))
                continue
            if str(predicate).startswith(str(SH)):
                raise ProgkgError(
                    f"{display}: shape {_short(graph, node)} uses {_short(graph, predicate)}, which the "
                    "sparql engine does not compile; run with --engine pyshacl"
                )
        shape.parameters.sort(key=lambda pv: (str(pv[0]), str(pv[1])))
        shapes[node] = shape
    return ShapesModel(graph=graph, shapes=dict(sorted(shapes.items(), key=lambda kv: str(kv[0]))))


def _short(graph: Graph, term: Node) -> str:
    try:
        return graph.namespace_manager.normalizeUri(term) if isinstance(term, URIRef) else str(term)
    except Exception:  # noqa: BLE001 — only for messages
        return str(term)

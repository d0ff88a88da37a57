"""Reading the shapes file: as an rdflib graph for pyshacl, and as a small model to compile.

Why a model of our own: the fast engine compiles each constraint to one SPARQL query. It
supports the part of SHACL that ``ontology/shapes.ttl`` uses (targets by class, implicit
class, subjects or objects of a property, or node; property paths; the usual value, count,
string, range and pair constraints; ``sh:or`` of datatypes; SPARQL-based constraints). What
it does not compile is recorded in :attr:`ShapesModel.unsupported` rather than skipped, so
that :mod:`progkg.validation.engine_choice` hands such a run to pyshacl instead of silently
checking less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from progkg.errors import ProgkgError, located
from progkg.validation import components
from progkg.validation.components import ComponentUse
from progkg.validation.prebinding import bulk_problem, syntax_problem
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
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
#: Parameters whose value is a shape or a list of shapes: checked by whether each value node
#: conforms to those shapes (:mod:`progkg.validation.conformance`).
LOGICAL = {SH.node, SH["not"], SH["and"], SH["or"], SH.xone}
LISTS = {SH["and"], SH["or"], SH.xone}
#: sh:qualifiedValueShape and the parameters read with it (property shapes only).
QUALIFIED_PARAMETERS = {
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
}
#: Constraints comparing the value nodes with a constant or another property, or listing the
#: properties a node may have: each compiled to queries of their own.
RELATION_PARAMETERS = {
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
}
NODE_ONLY_PARAMETERS = {SH.closed: SH.ClosedConstraintComponent}
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
    SH.ignoredProperties,  # read together with sh:closed
    SH.qualifiedValueShapesDisjoint,  # read together with sh:qualifiedValueShape
    SH.prefixes,  # read with each sh:sparql constraint
    SH.declare,
}
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Predicates whose subject is a shape even when it is not typed as one (SHACL 2.1).
SHAPE_MARKS = (*TARGETS, SH.property, SH.path, SH.sparql)


@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint (``sh:sparql``) of a node shape."""

    node: Node
    select: str  # with PREFIX declarations prepended
    messages: tuple[tuple[str, str], ...]
    #: Why joining the query to all focus nodes would change its meaning (None: it would not);
    #: such a query is run once per focus node, ``$this`` written in (SHACL's pre-binding).
    per_focus: str | None = None


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
    #: Uses of SPARQL-based constraint components (:mod:`progkg.validation.components`).
    components: list[ComponentUse] = field(default_factory=list)
    deactivated: bool = False
    #: True when a constraint asks whether value nodes conform to other shapes (sh:node, sh:or
    #: of shapes, sh:qualifiedValueShape…): what ``--changed`` cannot bound.
    uses_other_shapes: bool = False
    #: Why the sparql engine cannot check this shape (a parameter it does not compile…).
    unsupported: list[str] = field(default_factory=list)


@dataclass
class ShapesModel:
    """Every shape of a shapes graph, keyed by node."""

    graph: Graph
    shapes: dict[Node, Shape]

    @property
    def uses_shapes_graph(self) -> bool:
        """True when a SPARQL constraint queries ``GRAPH $shapesGraph``: the shapes must then be
        put in the store beside the data for the run."""
        return any(
            re.search(r"[?$]shapesGraph\b", text)
            for shape in self.shapes.values()
            if not shape.deactivated
            for text in [c.select for c in shape.sparql] + [u.query for u in shape.components]
        )

    @property
    def unsupported(self) -> list[str]:
        """Why the sparql engine cannot check these shapes, one reason per shape and cause."""
        own = [
            reason for shape in self.shapes.values() if not shape.deactivated for reason in shape.unsupported
        ]
        return own

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
    if not any(True for predicate in SHAPE_MARKS for _ in graph.subject_objects(predicate)) and not any(
        graph.subjects(RDF.type, kind) for kind in (SH.NodeShape, SH.PropertyShape)
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
    """PREFIX lines for the ``sh:prefixes`` of a constraint, following ``owl:imports`` of
    the holders as SHACL says (sh:declare may sit on an imported ontology node)."""
    lines = []
    holders = list(graph.objects(constraint, SH.prefixes))
    seen: set[Node] = set()
    while holders:
        holder = holders.pop()
        if holder in seen:
            continue
        seen.add(holder)
        holders.extend(graph.objects(holder, OWL.imports))
        for decl in graph.objects(holder, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _severity(term: Node) -> str:
    """``"Violation"`` for ``sh:Violation``…; a severity of one's own (SHACL allows any IRI)
    is kept as its full IRI."""
    return severity_name(term) if str(term).startswith(str(SH)) else str(term)


def _is_true(term: Node | None) -> bool:
    """SHACL's boolean parameters are on only for ``true`` itself (``"1"^^xsd:boolean`` is not)."""
    return isinstance(term, Literal) and term.datatype == XSD.boolean and str(term) == "true"


def datatype_members(graph: Graph, members: Node) -> list[URIRef] | None:
    """The datatypes of an sh:or list of ``[ sh:datatype X ]`` members only (compiled as one
    test of the value, the common case), or None for any other list."""
    datatypes = []
    for member in graph.items(members):
        found = list(graph.objects(member, SH.datatype))
        if set(graph.predicates(member, None)) - {RDF.type} != {SH.datatype} or len(found) != 1:
            return None
        datatypes.append(found[0])
    return datatypes or None


def referenced_shapes(graph: Graph, parameter: URIRef, value: Node) -> list[Node]:
    """The shapes a logical (or qualified) parameter's value names."""
    if parameter in LISTS:
        return list(graph.items(value))
    return [value]


def _implicit_class(graph: Graph, node: Node) -> bool:
    """A shape that is also a class targets its instances (SHACL 2.1.3.3)."""
    return any((node, RDF.type, cls) in graph for cls in (RDFS.Class, OWL.Class))


def _sparql_problems(select: str, shape: Node) -> list[str]:
    """Why the fast engine cannot run a SPARQL constraint's query at all."""
    problems = []
    if re.search(r"[?$]currentShape\b", select) and not isinstance(shape, URIRef):
        problems.append("$currentShape of a blank-node shape")
    return problems


def _under_property_shape(graph: Graph, node: Node) -> bool:
    """True when ``node`` is the sh:property of a property shape (one with sh:path)."""
    return any((parent, SH.path, None) in graph for parent in graph.subjects(SH.property, node))


def _nested_problems(graph: Graph, shapes: dict[Node, Shape], shape: Shape) -> list[str]:
    """Why the shapes that ``shape`` names by sh:node, sh:not, sh:and, sh:or, sh:xone or
    sh:qualifiedValueShape cannot be compiled into a conformance test: a cycle (SHACL leaves
    recursive shapes undefined), or a SPARQL constraint, a qualified shape, an unsupported
    parameter or a property shape with sh:property somewhere below."""
    roots = [
        ref
        for parameter, value in shape.parameters
        if (parameter in LOGICAL or parameter == SH.qualifiedValueShape)
        and not (parameter == SH["or"] and datatype_members(graph, value))
        for ref in referenced_shapes(graph, parameter, value)
    ]
    name = _short(graph, shape.node)
    for root in roots:
        stack: list[tuple[Node, tuple[Node, ...]]] = [(root, (shape.node,))]
        while stack:
            node, trail = stack.pop()
            if node in trail:
                return [f"shape {name} names itself again through sh:node/sh:and/… (recursive shapes)"]
            below = shapes.get(node)
            if below is None:
                return [f"shape {name} names {_short(graph, node)}, which is not a shape"]
            if below.sparql or below.components:
                return [f"shape {name} names the SPARQL-based shape {_short(graph, node)} by sh:node/sh:or/…"]
            if below.unsupported:
                return [f"shape {name} names {_short(graph, node)}: {below.unsupported[0]}"]
            for parameter, value in below.parameters:
                if parameter == SH.qualifiedValueShape:
                    return [f"shape {name} names {_short(graph, node)}, which has a qualified value shape"]
                if parameter in LOGICAL and not (parameter == SH["or"] and datatype_members(graph, value)):
                    stack.extend((ref, (*trail, node)) for ref in referenced_shapes(graph, parameter, value))
            stack.extend((prop, (*trail, node)) for prop in below.properties)
    return []


def read_model(graph: Graph, display: str = "shapes") -> ShapesModel:
    """The :class:`ShapesModel` of ``graph``."""
    nodes: set[Node] = set(graph.subjects(RDF.type, SH.NodeShape))
    nodes |= set(graph.subjects(RDF.type, SH.PropertyShape))
    nodes |= set(graph.objects(None, SH.property))
    for predicate in TARGETS:
        nodes |= set(graph.subjects(predicate, None))
    shapes: dict[Node, Shape] = {}
    # a component's parameters are not in the sh: namespace: only its declaration says a
    # shape uses it (ex:lang "de")
    declared_components = components.declared(graph)
    pending = sorted(nodes, key=str)
    while pending:
        node = pending.pop()
        if node in shapes:
            continue
        path_node = graph.value(node, SH.path)
        shape = Shape(node=node, is_property=path_node is not None)
        if path_node is not None:
            try:
                shape.path = read_path(graph, path_node)
            except ProgkgError as exc:
                shape.unsupported.append(f"shape {_short(graph, node)}: {exc}")
        severity = graph.value(node, SH.severity)
        if severity is not None:
            shape.severity = _severity(severity)
        shape.messages = _messages(graph, node)
        shape.deactivated = _is_true(graph.value(node, SH.deactivated))
        for predicate in TARGETS:
            for value in graph.objects(node, predicate):
                shape.targets.append((predicate, value))
        if isinstance(node, URIRef) and _implicit_class(graph, node):
            shape.targets.append((SH.targetClass, node))
        shape.properties = sorted(graph.objects(node, SH.property), key=str)
        flags = graph.value(node, SH.flags)
        shape.flags = str(flags) if flags is not None else ""
        for constraint in sorted(graph.objects(node, SH.sparql), key=str):
            select = graph.value(constraint, SH.select)
            if select is None:
                raise ProgkgError(f"{display}: SPARQL constraint {constraint} of {node} has no sh:select")
            if _is_true(graph.value(constraint, SH.deactivated)):
                continue
            prefixes = _prefix_block(graph, constraint)
            refused = syntax_problem(str(select))
            if refused:
                raise ProgkgError(f"{display}: SPARQL constraint of shape {_short(graph, node)}: {refused}")
            for problem in _sparql_problems(str(select), node):
                shape.unsupported.append(f"shape {_short(graph, node)}: its SPARQL constraint: {problem}")
            shape.sparql.append(
                SparqlConstraint(
                    node=constraint,
                    select=(prefixes + "\n" if prefixes else "") + str(select),
                    messages=_messages(graph, constraint),
                    per_focus=bulk_problem(str(select)),
                )
            )
        for predicate, value in graph.predicate_objects(node):
            if predicate in DESCRIPTIVE or predicate == OWL.imports:
                continue
            if predicate == SH.select and (None, SH.sparql, node) in graph:
                continue  # the shape is also a SPARQL constraint (its own sh:sparql): read above
            if (predicate in LOGICAL or predicate == SH.qualifiedValueShape) and not (
                predicate == SH["or"] and datatype_members(graph, value)  # tested inline, not as shapes
            ):
                pending.extend(referenced_shapes(graph, predicate, value))
                shape.uses_other_shapes = True
            if predicate == SH.qualifiedValueShape and shape.is_property:
                shape.parameters.append((predicate, value))
                continue
            if predicate in QUALIFIED_PARAMETERS and (
                shape.is_property or (node, SH.qualifiedValueShape, None) not in graph
            ):
                continue  # read with sh:qualifiedValueShape; without it, no component is active
            if (
                predicate in VALUE_PARAMETERS
                or predicate in RELATION_PARAMETERS
                or (shape.is_property and predicate in PROPERTY_ONLY_PARAMETERS)
                or (not shape.is_property and predicate in NODE_ONLY_PARAMETERS)
            ):
                shape.parameters.append((predicate, value))
                continue
            if str(predicate).startswith(str(SH)):
                shape.unsupported.append(f"shape {_short(graph, node)} uses {_short(graph, predicate)}")
        constants = [v for k, v in shape.targets if k == SH.targetNode]
        constants += [v for k, v in shape.parameters if k == SH.hasValue]
        constants += [m for k, v in shape.parameters if k == SH["in"] for m in graph.items(v)]
        if any(isinstance(c, BNode) for c in constants):
            # a query cannot name an existing blank node
            shape.unsupported.append(f"shape {_short(graph, node)} names a blank node as a constant")
        if shape.is_property and shape.properties and _under_property_shape(graph, node):
            # its nested shapes' focus nodes would be value nodes of value nodes (compiled: one level)
            shape.unsupported.append(
                f"shape {_short(graph, node)} has sh:property two levels under property shapes"
            )
        if not shape.is_property and any(graph.subjects(SH.property, node)):
            shape.unsupported.append(
                f"shape {_short(graph, node)} is the sh:property of a shape but has no sh:path"
            )
        shape.components, problems = components.uses(
            graph,
            declared_components,
            node,
            shape.is_property,
            lambda n: _prefix_block(graph, n),
            lambda n: _messages(graph, n),
        )
        shape.unsupported.extend(f"shape {_short(graph, node)}: {problem}" for problem in problems)
        shape.parameters.sort(key=lambda pv: (str(pv[0]), str(pv[1])))
        shapes[node] = shape
        pending.extend(n for n in shape.properties if n not in shapes)
    for shape in shapes.values():
        shape.unsupported.extend(_nested_problems(graph, shapes, shape))
    return ShapesModel(graph=graph, shapes=dict(sorted(shapes.items(), key=lambda kv: str(kv[0]))))


def _short(graph: Graph, term: Node) -> str:
    try:
        return graph.namespace_manager.normalizeUri(term) if isinstance(term, URIRef) else str(term)
    except Exception:  # noqa: BLE001 — only for messages
        return str(term)

"""The fast engine: each constraint of the shapes compiled to one SPARQL query on Oxigraph.

Why: pyshacl walks the graph focus node by focus node in Python (about 160 s at a million
triples); the same constraints as set-oriented SPARQL queries on the Oxigraph store take a
few seconds, and the store is already built. Semantics follow the SHACL recommendation
for the constraints compiled here, and ``tests/test_validate_differential.py`` holds this
engine to pyshacl's results (same focus nodes, paths, severities, shapes, values).

How each constraint becomes a query:

* focus nodes: the shape's targets (``sh:targetClass`` through ``rdfs:subClassOf*`` in the
  data, subjects or objects of a property, listed nodes), as one DISTINCT sub-select;
* value nodes: ``?this PATH ?v`` with the shape's path in SPARQL property-path syntax;
* the constraint: a FILTER that is true exactly when SHACL would report the value (with
  COALESCE so that a comparison error — "not comparable" — counts as a failure, as SHACL
  says), or a GROUP BY … HAVING for counts;
* ``sh:sparql`` constraints: their own SELECT, with ``$this`` joined to the focus nodes
  instead of pre-bound one at a time (the queries in shapes.ttl are written to mean the same
  either way).

The store is queried with its named graphs as the default graph; since the union can
repeat a triple that two sources state, every count is a DISTINCT count.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from progkg.errors import ProgkgError
from progkg.validation.components import ComponentUse
from progkg.validation.conformance import Conformance
from progkg.validation.prebinding import SELECT_HEAD, mask, projects_this
from progkg.validation.report import PathExpr, ValidationResult, path_to_sparql
from progkg.validation.shapes import (
    LOGICAL,
    NODE_ONLY_PARAMETERS,
    PROPERTY_ONLY_PARAMETERS,
    RELATION_PARAMETERS,
    VALUE_PARAMETERS,
    Shape,
    ShapesModel,
    datatype_members,
)
from progkg.validation.terms import to_oxigraph, to_rdflib

Progress = Callable[[int, int, str], None]

#: The named graph that holds the shapes during a run whose SPARQL constraints use ``$shapesGraph``.
SHAPES_GRAPH = "urn:x-progkg:shapes-graph"

#: Marks, in queries compiled with ``restrictable=True``, where a ``VALUES ?this`` block goes.
FOCUS = "#FOCUS#\n"

ILL_TYPED = "<urn:x-progkg:ill-typed>"
NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.negativeInteger,
    XSD.nonPositiveInteger,
    XSD.unsignedInt,
    XSD.unsignedLong,
}
CASTABLE = {XSD.boolean, XSD.date, XSD.dateTime, XSD.time, XSD.duration}
LEXICAL = {
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
NODE_KINDS = {
    SH.IRI: "!isIRI(?v)",
    SH.Literal: "!isLiteral(?v)",
    SH.BlankNode: "!isBlank(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)",
    SH.BlankNodeOrLiteral: "isIRI(?v)",
    SH.IRIOrLiteral: "isBlank(?v)",
}
COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


@dataclass(frozen=True)
class Check:
    """One compiled query; each solution gives one result per failed component.

    ``components`` lists the constraint components checked by the query: with one, every
    solution is a result; with several (value constraints of one shape checked in one pass),
    the boolean variables ``?f0``, ``?f1``… say which of them the value fails.
    """

    shape: Shape
    components: tuple[URIRef, ...]
    query: str
    name: str
    has_value: bool
    constraint: object | None = None  # the SparqlConstraint, for sh:sparql checks
    #: For a sh:sparql query (or a SPARQL-based component) run once per focus node: the query
    #: listing the focus nodes (``$this`` is then written into ``query`` for each).
    focus_query: str | None = None
    #: For a shape under a property shape: a query giving ``?this ?_m``, the focus nodes whose
    #: results repeat ``?_m`` times (one per outer focus node they are a value of).
    multiplicity: str | None = None
    path_var: str | None = None  # sh:closed: the result path is this variable (the predicate)

    def reports_value(self, component: URIRef) -> bool:
        """Count constraints report no value (SHACL), value constraints the failing value."""
        return self.has_value and component not in (
            SH.MaxCountConstraintComponent,
            SH.MinCountConstraintComponent,
        )


def sparql_term(term: Node) -> str:
    """``term`` written in SPARQL."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise ProgkgError(f"the sparql engine cannot use the blank node {term} as a constant")


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Compiler:
    """Compiles a :class:`ShapesModel` to :class:`Check` objects for one store."""

    def __init__(
        self,
        model: ShapesModel,
        store: ox.Store,
        *,
        restrictable: bool = False,
        retyped: dict[Node, tuple[URIRef, bool]] | None = None,
    ) -> None:
        self.model = model
        self.store = store
        #: integers the store keeps as xsd:integer though written as xsd:int, xsd:byte…
        #: (:func:`progkg.validation.engine_choice.plan`): sh:datatype asks each for its own
        self.retyped = retyped or {}
        self._closures: dict[URIRef, list[str]] = {}
        #: With ``restrictable``, every query starts from :data:`FOCUS`, for :func:`restrict` to
        #: replace by a ``VALUES ?this`` block (``progkg validate --changed``): focus nodes are
        #: then tested (``FILTER EXISTS``) rather than enumerated. Without it, the queries are
        #: those of a full run, byte for byte.
        self.restrictable = restrictable
        self.slot = FOCUS + " " if restrictable else ""
        self.conformance = Conformance(self)
        self._nested = 0  # numbers the variables of nested focus sub-selects

    def subclasses(self, cls: URIRef) -> list[str]:
        """``cls`` and every class below it by ``rdfs:subClassOf*`` in the data (SHACL instances)."""
        if cls not in self._closures:
            query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}"
            found = {
                f"<{row['c'].value}>" for row in self.store.query(query, use_default_graph_as_union=True)
            }
            found.add(f"<{cls}>")
            self._closures[cls] = sorted(found)
        return self._closures[cls]

    def branches(self, targets: list[tuple[URIRef, Node]]) -> list[str]:
        """One graph pattern binding ?this per target."""
        branches = []
        for kind, value in targets:
            if kind == SH.targetClass:
                classes = " ".join(self.subclasses(value))
                branches.append(f"VALUES ?_tc {{ {classes} }} ?this <{RDF.type}> ?_tc .")
            elif kind == SH.targetSubjectsOf:
                branches.append(f"?this <{value}> ?_to .")
            elif kind == SH.targetObjectsOf:
                branches.append(f"?_ts <{value}> ?this .")
            elif kind == SH.targetNode:
                branches.append(f"VALUES ?this {{ {sparql_term(value)} }}")
        return branches

    def focus(self, targets: list[tuple[URIRef, Node]]) -> str:
        """A sub-select of the focus nodes, each once."""
        if self.restrictable:
            return f"{{ SELECT DISTINCT ?this WHERE {{ {self.slot}FILTER ({self.is_focus(targets)}) }} }}"
        union = " UNION ".join("{ " + b + " }" for b in self.branches(targets))
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def is_focus(self, targets: list[tuple[URIRef, Node]]) -> str:
        """A FILTER expression true when the bound ?this is a focus node."""
        return "EXISTS { " + " UNION ".join("{ " + b + " }" for b in self.branches(targets)) + " }"

    @staticmethod
    def implied_by_targets(path: PathExpr | None, targets: list[tuple[URIRef, Node]]) -> bool:
        """True when every node with a value on ``path`` is a focus node anyway, so the focus
        sub-select can be left out (a large saving for sh:targetSubjectsOf shapes)."""
        if isinstance(path, URIRef):
            return (SH.targetSubjectsOf, path) in targets
        if isinstance(path, tuple) and path[0] == "inverse" and isinstance(path[1], URIRef):
            return (SH.targetObjectsOf, path[1]) in targets
        return False

    def ok_datatype(self, datatype: URIRef, v: str = "?v") -> str:
        """A SPARQL expression, never an error, true when ``v`` is a well-formed ``datatype`` literal
        (as written: see :attr:`retyped`)."""
        plain = self._ok_datatype(datatype, v)
        if not self.retyped:
            return plain
        if datatype == XSD.integer:
            others = " || ".join(f"sameTerm({v}, {sparql_term(s)})" for s in self.retyped)
            return f"({plain} && !({others}))"
        written = [s for s, (dt, valid) in self.retyped.items() if dt == datatype and valid]
        if written:
            return f"({plain} || " + " || ".join(f"sameTerm({v}, {sparql_term(s)})" for s in written) + ")"
        return plain

    def _ok_datatype(self, datatype: URIRef, v: str) -> str:
        if datatype == RDF.langString:
            return f'(isLiteral({v}) && lang({v}) != "")'
        base = f"(isLiteral({v}) && datatype({v}) = <{datatype}>"
        if datatype in NUMERIC:
            return base + f" && isNumeric({v}))"
        if datatype in CASTABLE:
            return base + f" && !sameTerm(COALESCE(<{datatype}>({v}), {ILL_TYPED}), {ILL_TYPED}))"
        if datatype in LEXICAL:
            return base + f" && REGEX(STR({v}), {_string(LEXICAL[datatype])}))"
        return base + ")"

    def value_failure(
        self, shape: Shape, parameter: URIRef, value: Node, v: str = "?v", this: str = "?this", tag: str = ""
    ) -> tuple[str, str]:
        """(extra patterns, FILTER expression true when the value ``v`` fails) for a value
        constraint of ``shape`` on the focus node ``this``; ``tag`` keeps the helper variables
        of one use apart from another's (shapes nested by sh:node, sh:or…)."""
        graph = self.model.graph
        if parameter == SH["class"]:
            classes = " ".join(self.subclasses(value))
            return "", f"NOT EXISTS {{ VALUES ?_cc{tag} {{ {classes} }} {v} <{RDF.type}> ?_cc{tag} }}"
        if parameter == SH.datatype:
            return "", f"!{self.ok_datatype(value, v)}"
        if parameter == SH["or"] and datatype_members(graph, value) is not None:
            alternatives = [self.ok_datatype(datatype, v) for datatype in datatype_members(graph, value)]
            return "", "!(" + " || ".join(alternatives) + ")"
        if parameter in LOGICAL:
            return "", self.conformance.failure(parameter, value, v)
        if parameter == SH.nodeKind:
            return "", NODE_KINDS[value].replace("?v", v)
        if parameter in COMPARISONS:
            return "", f"!COALESCE({v} {COMPARISONS[parameter]} {sparql_term(value)}, false)"
        if parameter == SH.minLength:
            return "", f"(isBlank({v}) || STRLEN(STR({v})) < {int(value)})"
        if parameter == SH.maxLength:
            return "", f"(isBlank({v}) || STRLEN(STR({v})) > {int(value)})"
        if parameter == SH.pattern:
            flags = f", {_string(shape.flags)}" if shape.flags else ""
            return "", f"(isBlank({v}) || !REGEX(STR({v}), {_string(str(value))}{flags}))"
        if parameter == SH["in"]:
            members = [f"sameTerm({v}, {sparql_term(m)})" for m in graph.items(value)]
            return "", "!(" + (" || ".join(members) or "false") + ")"
        if parameter == SH.languageIn:
            tags = [f"langMatches(lang({v}), {_string(str(t))})" for t in graph.items(value)]
            return "", f"(!isLiteral({v}) || !(" + (" || ".join(tags) or "false") + "))"
        if parameter in (SH.lessThan, SH.lessThanOrEquals):
            op = "<" if parameter == SH.lessThan else "<="
            return f"{this} <{value}> ?_other{tag} .", f"!COALESCE({v} {op} ?_other{tag}, false)"
        raise ProgkgError(f"shape {shape.node}: {parameter} is not compiled by the sparql engine")

    def values_of(self, shape: Shape, var: str) -> str:
        """A pattern binding ``var`` to each value node of ``shape`` for the bound ``?this``."""
        if shape.is_property:
            return f"?this {path_to_sparql(shape.path)} {var} ."
        return f"BIND (?this AS {var})"

    def closed_allowed(self, shape: Shape) -> list[URIRef]:
        """The predicates a sh:closed shape allows: its property shapes' predicate paths and
        its sh:ignoredProperties (SHACL 4.8.1)."""
        graph = self.model.graph
        allowed = {
            other.path
            for node in shape.properties
            if (other := self.model.shapes.get(node)) is not None and isinstance(other.path, URIRef)
        }
        for listed in graph.objects(shape.node, SH.ignoredProperties):
            allowed |= {item for item in graph.items(listed) if isinstance(item, URIRef)}
        return sorted(allowed)

    def relation_checks(
        self,
        shape: Shape,
        focus: str,
        parameter: URIRef,
        value: Node,
        component: URIRef,
        label: str,
    ) -> list[Check]:
        """sh:hasValue, sh:equals, sh:disjoint and sh:closed (SHACL 4.5, 4.8.1, 4.8.2).

        Each walks the focus nodes (these shapes are not in the project's shapes file, where
        speed matters); terms are compared with sameTerm, as SHACL compares RDF terms.
        """
        if parameter == SH.hasValue:
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ "
                f"{self.values_of(shape, '?_hv')} FILTER (sameTerm(?_hv, {sparql_term(value)})) }} }}"
            )
            return [Check(shape, (component,), query, label, has_value=False)]
        if parameter == SH.disjoint:
            query = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {self.values_of(shape, '?v')} "
                f"?this <{value}> ?_o . FILTER (sameTerm(?_o, ?v)) }}"
            )
            return [Check(shape, (component,), query, label, has_value=True)]
        if parameter == SH.equals:
            missing = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {self.values_of(shape, '?v')} "
                f"FILTER NOT EXISTS {{ ?this <{value}> ?_o . FILTER (sameTerm(?_o, ?v)) }} }}"
            )
            extra = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this <{value}> ?v . "
                f"FILTER NOT EXISTS {{ {self.values_of(shape, '?_w')} FILTER (sameTerm(?_w, ?v)) }} }}"
            )
            return [
                Check(shape, (component,), missing, label, has_value=True),
                Check(shape, (component,), extra, label + " (other)", has_value=True),
            ]
        if parameter == SH.closed:
            if not (isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) == "true"):
                return []
            allowed = self.closed_allowed(shape)
            keep = f"FILTER (?_p NOT IN ({', '.join(f'<{p}>' for p in allowed)})) " if allowed else ""
            query = f"SELECT DISTINCT ?this ?_p ?v WHERE {{ {focus} ?this ?_p ?v . {keep}}}"
            return [Check(shape, (component,), query, label, has_value=True, path_var="_p")]
        raise ProgkgError(f"shape {shape.node}: {parameter} is not compiled by the sparql engine")

    def compile(self) -> list[Check]:
        """The checks of every active shape, in a fixed order.

        The queries start from what is rare or indexed: value constraints scan the values of
        the path and test the (rare) failing ones for being focus nodes, rather than walking
        every focus node; counts group the values of the path; only minCount walks the focus
        nodes, since a missing value has nothing to scan.
        """
        if self.model.unsupported:
            # progkg.validation.engine_choice sends such runs to pyshacl; never check less silently
            raise ProgkgError(f"{self.model.unsupported[0]}, which the sparql engine does not compile")
        checks: list[Check] = []
        for shape in self.model.shapes.values():
            if shape.deactivated:
                continue
            for targets, nested_focus, multiplicity in self.sources(shape):
                found = self.compile_shape(shape, targets, nested_focus)
                checks.extend(replace(c, multiplicity=multiplicity) if multiplicity else c for c in found)
        return checks

    def sources(self, shape: Shape) -> list[tuple[list[tuple[URIRef, Node]], str | None, str | None]]:
        """How ``shape`` gets its focus nodes: (targets, nested focus sub-select, multiplicity query).

        Its own targets and those of the node shapes listing it (sh:property) are one set of
        focus nodes when there is one such source (the usual case: the same queries as
        always); each is a source of its own when there are several, since SHACL validates
        the shape once per source (results repeat). Under a *property* shape, the focus
        nodes are that shape's value nodes, enumerated by a sub-select, each repeated once per
        focus node of the outer shape it is a value of (the multiplicity query says how many
        times, when more than once).
        """
        plain = [sorted(set(shape.targets), key=lambda t: (str(t[0]), str(t[1])))] if shape.targets else []
        outer = []
        for other in self.model.shapes.values():
            if other.deactivated or shape.node not in other.properties:
                continue
            if other.is_property:
                outer.append(other)
            elif other.targets:
                plain.append(sorted(set(other.targets), key=lambda t: (str(t[0]), str(t[1]))))
        found: list[tuple[list[tuple[URIRef, Node]], str | None, str | None]]
        found = [(t, None, None) for t in plain]
        for parent in outer:
            for parent_targets, parent_nested, _ in self.sources(parent):
                if parent_nested is not None:
                    raise ProgkgError(
                        f"shape {shape.node}: sh:property nested two levels under property shapes"
                    )
                self._nested += 1
                f = f"?_f{self._nested}"
                values = (
                    f"{{ SELECT (?this AS {f}) WHERE {{ {self.focus(parent_targets)} }} }} "
                    f"{f} {path_to_sparql(parent.path)} ?this ."
                )
                found.append(
                    (
                        parent_targets,
                        f"{{ SELECT DISTINCT ?this WHERE {{ {values} }} }}",
                        f"SELECT ?this (COUNT(DISTINCT {f}) AS ?_m) WHERE {{ {values} }} GROUP BY ?this "
                        f"HAVING (COUNT(DISTINCT {f}) > 1)",
                    )
                )
        return found

    def compile_shape(
        self, shape: Shape, targets: list[tuple[URIRef, Node]], nested_focus: str | None = None
    ) -> list[Check]:
        """The checks of ``shape`` for the focus nodes of ``targets`` (or of ``nested_focus``)."""
        checks: list[Check] = []
        name = _short(shape.node)
        focus = nested_focus or self.focus(targets)
        if nested_focus is not None:
            value_pattern = f"{nested_focus} ?this {path_to_sparql(shape.path)} ?v ."
            implied = True
        elif shape.is_property:
            value_pattern = f"?this {path_to_sparql(shape.path)} ?v ."
            implied = self.implied_by_targets(shape.path, targets)
        else:
            # a node shape's value node is its focus node: enumerate them first, since
            # nothing else binds ?this in the value pass
            value_pattern = f"{self.focus(targets)} BIND (?this AS ?v)"
            implied = True
        keep_focus = "" if implied else f" FILTER ({self.is_focus(targets)})"
        merged: list[tuple[URIRef, str]] = []
        for parameter, value in shape.parameters:
            label = f"{name} {parameter.split('#')[-1]}"
            if parameter == SH.qualifiedValueShape:  # two components, each its own query
                checks.extend(self.conformance.qualified_checks(shape, focus, value, label, Check))
                continue
            component = (
                VALUE_PARAMETERS.get(parameter)
                or RELATION_PARAMETERS.get(parameter)
                or NODE_ONLY_PARAMETERS.get(parameter)
                or PROPERTY_ONLY_PARAMETERS[parameter]
            )
            if parameter in RELATION_PARAMETERS or parameter in NODE_ONLY_PARAMETERS:
                checks.extend(self.relation_checks(shape, focus, parameter, value, component, label))
            elif parameter == SH.minCount:
                n = int(value)
                if n <= 0:
                    continue
                if n == 1 and self.restrictable and nested_focus is None:
                    query = (
                        f"SELECT DISTINCT ?this WHERE {{ {self.slot}FILTER ({self.is_focus(targets)}) "
                        f"FILTER NOT EXISTS {{ {value_pattern} }} }}"
                    )
                elif n == 1 and nested_focus is None:
                    union = " UNION ".join(
                        f"{{ {b} FILTER NOT EXISTS {{ {value_pattern} }} }}" for b in self.branches(targets)
                    )
                    query = f"SELECT DISTINCT ?this WHERE {{ {union} }}"
                else:
                    query = (
                        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {value_pattern} }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
                    )
                checks.append(Check(shape, (component,), query, label, has_value=False))
            elif parameter == SH.maxCount and int(value) == 1:
                # "another value exists": checked on each value in the shape's value pass
                other = value_pattern.replace("?v", "?_w")
                merged.append((component, f"EXISTS {{ {other} FILTER (!sameTerm(?_w, ?v)) }}"))
            elif parameter == SH.maxCount:
                query = (
                    f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ {self.slot}{value_pattern} }} "
                    "GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?v) > {int(value)}) }}{keep_focus} }}"
                )
                checks.append(Check(shape, (component,), query, label, has_value=False))
            elif parameter == SH.uniqueLang:
                if not (
                    isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) == "true"
                ):
                    continue  # "1"^^xsd:boolean does not turn it on (W3C uniqueLang-002)
                # one result per language used twice (SHACL 4.4.5), hence ?_lang projected
                query = (
                    "SELECT DISTINCT ?this ?_lang WHERE { { SELECT ?this ?_lang WHERE { "
                    f"{self.slot}{value_pattern} "
                    'FILTER (isLiteral(?v) && lang(?v) != "") } '
                    "GROUP BY ?this (LCASE(lang(?v)) AS ?_lang) "
                    f"HAVING (COUNT(DISTINCT ?v) > 1) }}{keep_focus} }}"
                )
                checks.append(Check(shape, (component,), query, label, has_value=False))
            else:
                extra, failure = self.value_failure(shape, parameter, value)
                if extra:  # a pair constraint joins another property: a query of its own
                    # one result per (value, other value) pair, as SHACL 4.5.3 says
                    inner = (
                        f"SELECT ?this ?v ?_other WHERE {{ {self.slot}{value_pattern} {extra} "
                        f"FILTER ({failure}) }}"
                    )
                    query = f"SELECT DISTINCT ?this ?v ?_other WHERE {{ {{ {inner} }}{keep_focus} }}"
                    checks.append(Check(shape, (component,), query, label, has_value=True))
                else:
                    merged.append((component, failure))
        if merged:
            binds = " ".join(f"BIND ({failure} AS ?f{i})" for i, (_, failure) in enumerate(merged))
            any_failed = " || ".join(f"?f{i}" for i in range(len(merged)))
            flags = " ".join(f"?f{i}" for i in range(len(merged)))
            # The cheap value test runs first, in a sub-select: Oxigraph would otherwise
            # evaluate the focus-node EXISTS for every value, failing or not.
            query = (
                f"SELECT DISTINCT ?this ?v {flags} WHERE {{ {{ SELECT ?this ?v {flags} WHERE {{ "
                f"{self.slot}{value_pattern} {binds} FILTER ({any_failed}) }} }}{keep_focus} }}"
            )
            label = f"{name} " + ",".join(
                c.split("#")[-1].removesuffix("ConstraintComponent") for c, _ in merged
            )
            checks.append(Check(shape, tuple(c for c, _ in merged), query, label, has_value=True))
        for constraint in shape.sparql:
            if constraint.per_focus:
                checks.append(
                    Check(
                        shape,
                        (SH.SPARQLConstraintComponent,),
                        _constants(constraint.select, shape),
                        f"{name} sparql (per focus node)",
                        has_value=True,
                        constraint=constraint,
                        focus_query=f"SELECT DISTINCT ?this WHERE {{ {nested_focus} }}"
                        if nested_focus
                        else "SELECT DISTINCT ?this WHERE { "
                        + " UNION ".join("{ " + b + " }" for b in self.branches(targets))
                        + " }",
                    )
                )
                continue
            checks.append(
                Check(
                    shape,
                    (SH.SPARQLConstraintComponent,),
                    _bulk_sparql(constraint.select, focus, shape, self.slot),
                    f"{name} sparql",
                    has_value=True,
                    constraint=constraint,
                )
            )
        for use in shape.components:
            checks.append(
                Check(
                    shape,
                    (use.component,),
                    _constants(use.query, shape),
                    f"{name} {_short(use.component)}",
                    has_value=True,
                    constraint=use,
                    focus_query=f"SELECT DISTINCT ?this WHERE {{ {focus} }}",
                )
            )
        return checks


def _constants(select: str, shape: Shape) -> str:
    """``select`` with the pre-bound ``$shapesGraph``, ``$currentShape`` and ``$PATH`` written in."""
    if re.search(r"[?$]currentShape\b", select) and not isinstance(shape.node, URIRef):
        raise ProgkgError(f"shape {shape.node}: $currentShape of a blank-node shape is not compiled")
    # pre-bound to constants, so written in as constants (bound() of a constant does not parse)
    select = re.sub(r"\bbound\s*\(\s*[?$](shapesGraph|currentShape)\s*\)", "(true)", select, flags=re.I)
    select = re.sub(r"[?$]shapesGraph\b", f"<{SHAPES_GRAPH}>", select)
    if "$PATH" in select:
        if shape.path is None:
            raise ProgkgError(f"shape {shape.node}: $PATH in the SPARQL constraint of a node shape")
        select = select.replace("$PATH", path_to_sparql(shape.path))
    return re.sub(r"[?$]currentShape\b", lambda _m: f"<{shape.node}>", select)


def prebind(query: str, values: dict[str, str]) -> str:
    """``query`` with each variable of ``values`` written in as its (SPARQL) term — SHACL's
    pre-binding, exactly: wherever the variable occurs, inner groups and sub-selects included.
    In a SELECT's projection, ``$this`` becomes ``(TERM AS ?this)`` (and ``GROUP BY $this``
    groups by the constant: one group), so the rows still name their focus node."""
    if not values:
        return query
    names = "|".join(re.escape(name) for name in values)
    query = re.sub(rf"\bbound\s*\(\s*[?$]({names})\s*\)", "(true)", query, flags=re.I)
    masked = mask(query, keep_length=True)
    spans = [(m.start("projection"), m.end("projection")) for m in SELECT_HEAD.finditer(masked)]
    out, last = [], 0
    for match in re.finditer(rf"[?$]({names})\b", masked):
        start, end = match.span()
        term = values[match.group(1)]
        index = next((i for i, (a, b) in enumerate(spans) if a <= start < b), None)
        out.append(query[last:start])
        head = masked[spans[index][0] : start] if index is not None else ""
        if index is None or head.count("(") > head.count(")"):  # in the pattern, or in an expression
            out.append(term)
        elif index == 0:
            out.append(f"({term} AS ?{match.group(1)})")
        else:  # a sub-select: the variable would clash with the outer (TERM AS ?var)
            out.append(f"({term} AS ?_prebound{index}_{match.group(1)})")
        last = end
    out.append(query[last:])
    return "".join(out)


def _bulk_sparql(select: str, focus: str, shape: Shape, slot: str = "") -> str:
    """A SPARQL constraint's SELECT run for every focus node at once.

    With a ``slot`` (restrictable compilation), it is also put at the start of every
    sub-select where restricting ``?this`` keeps exactly the rows of those focus nodes (see
    :func:`_restrictable_subselects`), so that a restricted run does not compute the
    constraint's aggregates for the whole graph.
    """
    query = re.sub(r"\$this\b", "?this", _constants(select, shape))
    if not projects_this(query):
        # pre-bound, $this need not be projected; joined, it must be, to know the focus node
        query = re.sub(
            r"\bSELECT\b(\s+(DISTINCT|REDUCED)\b)?",
            lambda m: m.group(0) + " ?this",
            query,
            count=1,
            flags=re.I,
        )
    match = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if match is None:
        raise ProgkgError(f"shape {shape.node}: cannot find the WHERE clause of its SPARQL constraint")
    if slot:
        for position in sorted(_restrictable_subselects(query), reverse=True):
            if position > match.end():
                query = query[:position] + " " + slot + query[position:]
    return query[: match.end()] + " " + focus + " " + query[match.end() :]


_SUBSELECT = re.compile(r"\bSELECT\b(?P<projection>.*?)\bWHERE\s*\{", re.IGNORECASE | re.DOTALL)


def _closing_brace(text: str, start: int) -> int | None:
    """The index of the ``}`` closing the group opened just before ``start`` (strings,
    IRIs and comments skipped); None when unbalanced."""
    depth = 1
    index = start
    while index < len(text):
        char = text[index]
        if char in "\"'":
            end = text.find(char, index + 1)
            while end != -1 and text[end - 1] == "\\":
                end = text.find(char, end + 1)
            if end == -1:
                return None
            index = end
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end == -1 else end
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _restrictable_subselects(query: str) -> list[int]:
    """Where a ``VALUES ?this`` block can open a (sub-)select without changing its rows for
    those focus nodes: after the ``WHERE {`` of a select that projects ``?this`` as a plain
    variable and either aggregates nothing or groups by ``?this``. Anything else (an
    aggregate over all focus nodes, a query that does not bind ``?this``) is left alone: the
    outer join on the focus nodes still restricts it, only more slowly."""
    positions = []
    for match in _SUBSELECT.finditer(query):
        projection = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", " ", match.group("projection"))
        if not re.search(r"\?this\b", projection):
            continue
        end = _closing_brace(query, match.end())
        if end is None:
            continue
        tail = query[end + 1 :]
        stop = re.search(r"[{}]|\bSELECT\b", tail, flags=re.IGNORECASE)
        modifiers = tail[: stop.start()] if stop else tail
        grouped = re.search(r"\bGROUP\s+BY\b(.*)", modifiers, flags=re.IGNORECASE | re.DOTALL)
        aggregates = "(" in match.group("projection")
        if grouped is not None:
            group_by = re.split(r"\b(HAVING|ORDER|LIMIT|OFFSET)\b", grouped.group(1), flags=re.IGNORECASE)[0]
            if not re.search(r"\?this\b", group_by):
                continue
        elif aggregates:
            continue
        positions.append(match.end())
    return positions


def _short(node: Node) -> str:
    text = str(node)
    return "pks:" + text.split("#", 1)[1] if text.startswith("https://w3id.org/progkg/shapes#") else text


def _fill(template: str, bindings: dict[str, Node]) -> str:
    """Fill ``{?var}`` / ``{$var}`` placeholders as pyshacl does (unbound ones stay)."""
    for var, value in bindings.items():
        template = re.sub(r"\{[?$]" + re.escape(var) + r"\}", lambda _m, v=value: str(v), template)
    return template


class BlankFocus(ProgkgError):
    """A per-focus-node SPARQL constraint met a blank focus node, which a query cannot name:
    the run is handed to pyshacl."""


def _named(term, check: Check) -> str:
    """``term`` written in SPARQL, or BlankFocus when it is a blank node (no query can name it)."""
    if isinstance(term, ox.BlankNode):
        raise BlankFocus(
            f"shape {check.shape.node}: its SPARQL query must be run for each focus node "
            f"({check.constraint.per_focus}), and one of them (or a value) is a blank node"
        )
    return sparql_term(to_rdflib(term))


def _per_focus(store: ox.Store, check: Check, query_kw: dict) -> list[ValidationResult]:
    """A sh:sparql query, or a SPARQL-based component, run with ``$this`` (and ``$value``, the
    parameters) written in, once per focus node (and value node, for an ASK validator)."""
    use = check.constraint
    params = {}
    if isinstance(use, ComponentUse):
        params = {name: sparql_term(value) for name, value in use.bindings}
    results: list[ValidationResult] = []
    for row in store.query(check.focus_query, **query_kw):
        focus = row["this"]
        this = _named(focus, check)
        if isinstance(use, ComponentUse) and use.kind == "ask":
            results.extend(_ask(store, check, query_kw, focus, this, params))
            continue
        text = prebind(check.query, {"this": this, **params})
        single = replace(check, query=text, focus_query=None)
        results.extend(run_check(store, single, None, query_kw, focus))
    return results


def _ask(
    store: ox.Store, check: Check, query_kw: dict, focus, this: str, params: dict
) -> list[ValidationResult]:
    """An ASK validator: a result for each value node for which it answers false."""
    shape, use = check.shape, check.constraint
    if shape.is_property:
        rows = store.query(
            f"SELECT DISTINCT ?v WHERE {{ {this} {path_to_sparql(shape.path)} ?v }}", **query_kw
        )
        values = [row["v"] for row in rows]
    else:
        values = [focus]
    results = []
    for value in values:
        text = prebind(check.query, {"this": this, "value": _named(value, check), **params})
        if bool(store.query(text, **query_kw)):
            continue
        fill = {"this": to_rdflib(focus), "value": to_rdflib(value), **dict(use.bindings)}
        templates = tuple(dict.fromkeys(shape.messages or use.messages))
        results.append(
            ValidationResult(
                focus=to_rdflib(focus),
                severity=shape.severity,
                source_shape=shape.node,
                component=check.components[0],
                path=shape.path,
                value=to_rdflib(value),
                messages=tuple(sorted({(lang, _fill(t, fill)) for lang, t in templates})),
            )
        )
    return results


def run_check(
    store: ox.Store,
    check: Check,
    data_graphs: list | None = None,
    query_kw: dict | None = None,
    prebound_focus: ox.NamedNode | ox.Literal | None = None,
) -> list[ValidationResult]:
    """Run one compiled check and turn its solutions into results.

    ``data_graphs``: when the shapes were put in the store for ``$shapesGraph``
    (:func:`run`), the graphs that make up the data — the default graph is then their
    union, and the shapes graph is reachable only by ``GRAPH $shapesGraph``."""
    shape = check.shape
    if query_kw is None:
        query_kw = (
            {"use_default_graph_as_union": True}
            if data_graphs is None
            else {"default_graph": data_graphs, "named_graphs": [*data_graphs, ox.NamedNode(SHAPES_GRAPH)]}
        )
    if check.multiplicity is not None:
        times = {
            to_rdflib(row["this"]): int(row["_m"].value)
            for row in store.query(check.multiplicity, **query_kw)
        }
        once = run_check(store, replace(check, multiplicity=None), data_graphs, query_kw, prebound_focus)
        return [r for r in once for _ in range(times.get(r.focus, 1))]
    if check.focus_query is not None:
        return _per_focus(store, check, query_kw)
    try:
        solutions = store.query(check.query, **query_kw)
    except SyntaxError as exc:
        raise ProgkgError(
            f"shape {shape.node}: its compiled query does not parse: {exc}\n{check.query}"
        ) from None
    results = []
    if check.constraint is None:
        several = len(check.components) > 1
        valueless: set[tuple[Node, int]] = set()  # sh:maxCount 1, checked on every value: once per focus
        for row in solutions:
            focus = to_rdflib(row["this"])
            value = to_rdflib(row["v"]) if check.has_value and row["v"] is not None else None
            for index, component in enumerate(check.components):
                if several and row[f"f{index}"].value != "true":
                    continue
                if check.has_value and not check.reports_value(component):
                    if (focus, index) in valueless:
                        continue
                    valueless.add((focus, index))
                results.append(
                    ValidationResult(
                        focus=focus,
                        severity=shape.severity,
                        source_shape=shape.node,
                        component=component,
                        path=to_rdflib(row[check.path_var]) if check.path_var else shape.path,
                        value=value if check.reports_value(component) else None,
                        messages=shape.messages,
                    )
                )
        return results
    constraint = check.constraint
    variables = [v.value for v in solutions.variables]
    seen = set()
    for row in solutions:
        bound = {name: to_rdflib(row[name]) for name in variables if row[name] is not None}
        focus = bound.pop("this", None)
        if prebound_focus is not None:
            focus = to_rdflib(prebound_focus)
        if focus is None:
            continue
        path = bound.pop("path", None)
        value = bound.pop("value", None)
        if value is None and not shape.is_property:
            value = focus
        key = (focus, path, value, tuple(sorted(bound.items())))
        if key in seen:
            continue
        seen.add(key)
        is_use = isinstance(constraint, ComponentUse)
        params = dict(constraint.bindings) if is_use else {}
        fill = {
            "this": focus,
            **({"path": path} if path is not None else {}),
            "value": value,
            **params,
            **bound,
        }
        if is_use:  # the shape's own message, else the validator's, else the component's
            templates = tuple(dict.fromkeys(shape.messages or constraint.messages))
        else:
            templates = tuple(dict.fromkeys(shape.messages + constraint.messages))
        messages = tuple(sorted({(lang, _fill(text, fill)) for lang, text in templates}))
        own = not is_use and isinstance(constraint.node, URIRef)
        results.append(
            ValidationResult(
                focus=focus,
                severity=shape.severity,
                source_shape=shape.node,
                component=check.components[0],
                path=path if path is not None else shape.path,
                value=value,
                messages=messages,
                source_constraint=constraint.node if own else None,
            )
        )
    return results


def restrict(check: Check, focus: list[Node]) -> Check:
    """``check`` (compiled with ``restrictable=True``) limited to the focus nodes ``focus``:
    the results of the full check for those nodes."""
    values = "VALUES ?this { " + " ".join(sparql_term(node) for node in focus) + " } "
    return replace(check, query=check.query.replace(FOCUS, values))


def _quiet(_done: int, _total: int, _name: str) -> None:
    return None


def run(
    store: ox.Store,
    model: ShapesModel,
    progress: Progress = _quiet,
    retyped: dict[Node, tuple[URIRef, bool]] | None = None,
) -> list[ValidationResult]:
    """Validate the union of the store's graphs against ``model``.

    When a SPARQL constraint uses ``$shapesGraph``, the shapes are added to the store as the
    named graph :data:`SHAPES_GRAPH` for the run (and removed after it), and every check
    then names the data graphs explicitly, so that the shapes are not taken for data.
    """
    checks = Compiler(model, store, retyped=retyped).compile()
    data_graphs = None
    if model.uses_shapes_graph:
        data_graphs = [g for g in store.named_graphs() if g.value != SHAPES_GRAPH]
        shapes_graph = ox.NamedNode(SHAPES_GRAPH)
        try:
            store.extend(
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), shapes_graph)
                for s, p, o in model.graph
            )
        except OSError as exc:
            raise ProgkgError(f"cannot add the shapes to the store for $shapesGraph: {exc}") from None
    results: list[ValidationResult] = []
    try:
        for index, check in enumerate(checks):
            progress(index, len(checks), check.name)
            results.extend(run_check(store, check, data_graphs))
    finally:
        if data_graphs is not None:
            store.remove_graph(ox.NamedNode(SHAPES_GRAPH))
    progress(len(checks), len(checks), "done")
    return results


def timed_run(store: ox.Store, model: ShapesModel) -> list[tuple[str, float, int]]:
    """(check, seconds, results) for every check: where the time goes (bench, tuning)."""
    timings = []
    for check in Compiler(model, store).compile():
        start = time.perf_counter()
        found = run_check(store, check)
        timings.append((check.name, time.perf_counter() - start, len(found)))
    return timings

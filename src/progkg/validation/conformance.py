"""Whether a node conforms to a shape, as one SPARQL expression: sh:node, sh:not, sh:and,
sh:or, sh:xone and qualified value shapes on the sparql engine.

Why expressions: these constraints ask, for each value node, whether it conforms to other
shapes — which have no targets of their own and may nest further. Each such shape becomes
a boolean expression ``violated(S, ?x)`` over a bound variable, the disjunction of its
constraints' failures (a property constraint as ``EXISTS { ?x path ?a FILTER (…) }``), so
that the value pass of the outer shape tests it with a FILTER like any value constraint. An
expression is never an error: every failure test is written to be true or false (SPARQL's
``||`` and ``&&`` would otherwise turn an error into "no result", a silent pass).

Recursive shapes, SPARQL constraints and qualified shapes below a logical constraint are not
compiled (:func:`progkg.validation.shapes._nested_problems` sends such runs to pyshacl).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from progkg.errors import ProgkgError
from progkg.validation.report import path_to_sparql
from progkg.validation.shapes import (
    LOGICAL,
    RELATION_PARAMETERS,
    VALUE_PARAMETERS,
    Shape,
    referenced_shapes,
)

if TYPE_CHECKING:
    from progkg.validation.sparql_engine import Check, Compiler

#: Past this many pairwise-distinct variables, counts are taken with a sub-select instead.
MAX_PAIRWISE = 4
#: A conformance expression longer than this is not compiled (deep sh:and/sh:or trees grow
#: exponentially when shapes are shared): the run goes to pyshacl.
MAX_EXPRESSION = 200_000


class TooLarge(ProgkgError):
    """A conformance test too large to compile; the run is handed to pyshacl."""


def _true(term: Node | None) -> bool:
    return isinstance(term, Literal) and term.datatype == XSD.boolean and str(term) == "true"


class Conformance:
    """Builds conformance expressions for one :class:`Compiler` (its class hierarchy, its shapes)."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.model = compiler.model
        self.counter = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"?_n{self.counter}"

    def failure(self, parameter: URIRef, value: Node, v: str) -> str:
        """An expression true when the value ``v`` fails sh:node/sh:not/sh:and/sh:or/sh:xone."""
        graph = self.model.graph
        shapes = referenced_shapes(graph, parameter, value)
        if parameter == SH.node:
            text = self.violated(shapes[0], v)
        elif parameter == SH["not"]:
            text = f"!({self.violated(shapes[0], v)})"
        elif parameter == SH["and"]:
            text = "(" + (" || ".join(self.violated(s, v) for s in shapes) or "false") + ")"
        elif parameter == SH["or"]:
            text = "(" + (" && ".join(self.violated(s, v) for s in shapes) or "true") + ")"
        elif parameter == SH.xone:
            ones = " + ".join(f"IF({self.violated(s, v)}, 0, 1)" for s in shapes) or "0"
            text = f"(({ones}) != 1)"
        else:
            raise ProgkgError(f"{parameter} is not a logical constraint")
        if len(text) > MAX_EXPRESSION:
            raise TooLarge(f"the conformance test for {parameter} is too large to compile")
        return text

    def violated(self, node: Node, x: str) -> str:
        """An expression true when the node bound to ``x`` does not conform to the shape ``node``."""
        shape = self.model.shapes[node]
        if shape.deactivated:
            return "false"
        parts = [self._part(shape, parameter, value, x) for parameter, value in shape.parameters]
        for prop in shape.properties:
            if shape.is_property:  # nested under a property shape: checked on its value nodes
                a = self.fresh()
                path = path_to_sparql(shape.path)
                parts.append(f"EXISTS {{ {x} {path} {a} . FILTER ({self.violated(prop, a)}) }}")
            else:
                parts.append(self.violated(prop, x))
        parts = [part for part in parts if part != "false"]
        return "(" + " || ".join(parts) + ")" if parts else "false"

    def _distinct(self, x: str, path: str, n: int) -> tuple[str, str]:
        """(patterns, filter) binding ``n`` pairwise-distinct values of ``path`` from ``x``."""
        names = [self.fresh() for _ in range(n)]
        patterns = " ".join(f"{x} {path} {a} ." for a in names)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        return patterns, " && ".join(pairs) or "true"

    def _at_least(self, x: str, path: str, n: int) -> str:
        """An expression true when ``x`` has at least ``n`` distinct values of ``path``."""
        if n <= MAX_PAIRWISE:
            patterns, distinct = self._distinct(x, path, n)
            return f"EXISTS {{ {patterns} FILTER ({distinct}) }}"
        s, c, k = self.fresh(), self.fresh(), self.fresh()
        return (
            f"EXISTS {{ {{ SELECT {s} (COUNT(DISTINCT {c}) AS {k}) WHERE {{ {s} {path} {c} }} "
            f"GROUP BY {s} }} FILTER (sameTerm({s}, {x}) && {k} >= {n}) }}"
        )

    def _part(self, shape: Shape, parameter: URIRef, value: Node, x: str) -> str:
        """The failure of one constraint of ``shape`` for the focus node bound to ``x``."""
        compiler = self.compiler
        path = path_to_sparql(shape.path) if shape.is_property else None
        if parameter in VALUE_PARAMETERS or parameter in LOGICAL:
            if path is None:
                extra, fails = compiler.value_failure(
                    shape, parameter, value, v=x, this=x, tag=self.fresh()[2:]
                )
                return f"EXISTS {{ {extra} FILTER ({fails}) }}" if extra else fails
            a = self.fresh()
            extra, fails = compiler.value_failure(shape, parameter, value, v=a, this=x, tag=self.fresh()[2:])
            return f"EXISTS {{ {x} {path} {a} . {extra} FILTER ({fails}) }}"
        if parameter == SH.minCount and path is not None:
            return "false" if int(value) <= 0 else f"!{self._at_least(x, path, int(value))}"
        if parameter == SH.maxCount and path is not None:
            return self._at_least(x, path, int(value) + 1)
        if parameter == SH.uniqueLang and path is not None:
            if not _true(value):
                return "false"
            a, b = self.fresh(), self.fresh()
            return (
                f"EXISTS {{ {x} {path} {a} . {x} {path} {b} . FILTER (!sameTerm({a}, {b}) && isLiteral({a}) "
                f'&& isLiteral({b}) && lang({a}) != "" && LCASE(lang({a})) = LCASE(lang({b}))) }}'
            )
        if parameter in RELATION_PARAMETERS or parameter == SH.closed:
            return self._relation(shape, parameter, value, x, path)
        raise ProgkgError(f"shape {shape.node}: {parameter} is not compiled inside sh:node/sh:or/…")

    def _relation(self, shape: Shape, parameter: URIRef, value: Node, x: str, path: str | None) -> str:
        from progkg.validation.sparql_engine import sparql_term  # noqa: PLC0415 — circular import

        a, b = self.fresh(), self.fresh()
        if parameter == SH.hasValue:
            if path is None:
                return f"!sameTerm({x}, {sparql_term(value)})"
            return f"NOT EXISTS {{ {x} {path} {a} . FILTER (sameTerm({a}, {sparql_term(value)})) }}"
        if parameter == SH.disjoint:
            if path is None:
                return f"EXISTS {{ {x} <{value}> {b} . FILTER (sameTerm({b}, {x})) }}"
            return f"EXISTS {{ {x} {path} {a} . {x} <{value}> {b} . FILTER (sameTerm({a}, {b})) }}"
        if parameter == SH.equals:
            if path is None:
                return (
                    f"(NOT EXISTS {{ {x} <{value}> {b} . FILTER (sameTerm({b}, {x})) }} || "
                    f"EXISTS {{ {x} <{value}> {a} . FILTER (!sameTerm({a}, {x})) }})"
                )
            same = f"FILTER (sameTerm({a}, {b}))"
            return (
                f"(EXISTS {{ {x} {path} {a} . FILTER NOT EXISTS {{ {x} <{value}> {b} . {same} }} }}"
                f" || EXISTS {{ {x} <{value}> {a} . FILTER NOT EXISTS {{ {x} {path} {b} . {same} }} }})"
            )
        if parameter == SH.closed:
            if not _true(value):
                return "false"
            allowed = self.compiler.closed_allowed(shape)
            p = self.fresh()
            keep = f"FILTER ({p} NOT IN ({', '.join(f'<{i}>' for i in allowed)}))" if allowed else ""
            return f"EXISTS {{ {x} {p} {a} . {keep} }}"
        raise ProgkgError(f"shape {shape.node}: {parameter} is not compiled inside sh:node/sh:or/…")

    def qualified_checks(
        self, shape: Shape, focus: str, value: Node, label: str, check: type[Check]
    ) -> list[Check]:
        """sh:qualifiedValueShape with sh:qualifiedMinCount / sh:qualifiedMaxCount (SHACL 4.7.3):
        the value nodes conforming to the shape — and to none of its siblings when
        sh:qualifiedValueShapesDisjoint is true — are counted per focus node."""
        graph = self.model.graph
        path = path_to_sparql(shape.path)
        conforms = f"!{self.violated(value, '?v')}"
        if _true(graph.value(shape.node, SH.qualifiedValueShapesDisjoint)):
            for sibling in self.siblings(shape, value):
                conforms += f" && {self.violated(sibling, '?v')}"
        checks = []
        least = graph.value(shape.node, SH.qualifiedMinCount)
        if least is not None and int(least) > 0:
            query = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v . FILTER ({conforms}) }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(least)})"
            )
            checks.append(
                check(shape, (SH.QualifiedMinCountConstraintComponent,), query, label, has_value=False)
            )
        most = graph.value(shape.node, SH.qualifiedMaxCount)
        if most is not None:
            query = (
                f"SELECT ?this WHERE {{ {focus} ?this {path} ?v . FILTER ({conforms}) }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(most)})"
            )
            checks.append(
                check(shape, (SH.QualifiedMaxCountConstraintComponent,), query, label, has_value=False)
            )
        return checks

    def siblings(self, shape: Shape, own: Node) -> list[Node]:
        """The qualified value shapes of the other property shapes of ``shape``'s parents (SHACL 4.7.3)."""
        found = []
        for parent in self.model.shapes.values():
            if shape.node not in parent.properties:
                continue
            for prop in parent.properties:
                other = self.model.shapes.get(prop)
                if prop == shape.node or other is None:
                    continue
                found.extend(q for p, q in other.parameters if p == SH.qualifiedValueShape and q != own)
        return sorted(set(found), key=str)

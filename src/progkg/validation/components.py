"""SPARQL-based constraint components (SHACL 6): reading their declarations and where shapes use them.

Why a module of its own: a component's parameters are properties of any namespace
(``ex:lang "de"`` on a shape), so nothing in the shapes' own reading notices them; the
declarations (``sh:parameter``, ``sh:validator``/``nodeValidator``/``propertyValidator``) say
which shapes use a component and with which values. Each use becomes a
:class:`ComponentUse` that the sparql engine runs once per focus node (and per value node for
ASK validators), the parameters, ``$this``, ``$value``, ``$PATH``, ``$currentShape`` and
``$shapesGraph`` written into the query — SHACL's pre-binding, exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from progkg.errors import ProgkgError
from progkg.validation.prebinding import syntax_problem


@dataclass(frozen=True)
class ComponentUse:
    """One use of a SPARQL-based constraint component by a shape, with its parameter values."""

    component: Node
    kind: str  # "ask" (per value node: false is a result) or "select" (each row a result)
    query: str  # with PREFIX declarations prepended
    bindings: tuple[tuple[str, Node], ...]  # parameter variable name → value
    messages: tuple[tuple[str, str], ...]
    node: Node  # the validator
    #: why the query is run node by node (read like SparqlConstraint.per_focus)
    per_focus: str = "a SPARQL-based constraint component"


@dataclass(frozen=True)
class Component:
    node: Node
    parameters: tuple[tuple[URIRef, str, bool], ...]  # (path, variable name, optional)
    validators: dict  # "node"/"property" → validator node or None


def _local_name(iri: URIRef) -> str:
    text = str(iri)
    for sep in ("#", "/", ":"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


def _true(term: Node | None) -> bool:
    return isinstance(term, Literal) and term.datatype == XSD.boolean and str(term) == "true"


def declared(graph: Graph) -> list[Component]:
    """The constraint components declared in the shapes graph (those with ``sh:parameter``)."""
    found = []
    for node in sorted(set(graph.subjects(SH.parameter, None)), key=str):
        parameters = []
        for param in graph.objects(node, SH.parameter):
            path = graph.value(param, SH.path)
            if isinstance(path, URIRef):
                parameters.append((path, _local_name(path), _true(graph.value(param, SH.optional))))
        generic = graph.value(node, SH.validator)
        validators = {
            "node": graph.value(node, SH.nodeValidator) or generic,
            "property": graph.value(node, SH.propertyValidator) or generic,
        }
        found.append(Component(node, tuple(sorted(parameters, key=str)), validators))
    return found


def uses(
    graph: Graph, components: list[Component], shape: Node, is_property: bool, prefixes, messages
) -> tuple[list[ComponentUse], list[str]]:
    """(the uses of ``components`` by ``shape``, why some cannot be compiled).

    A shape uses a component when it has a value for every non-optional parameter; one use
    per combination of values. ``prefixes`` reads a node's ``sh:prefixes`` as PREFIX lines;
    ``messages`` its ``sh:message`` pairs.
    """
    found, problems = [], []
    for component in components:
        values = {name: sorted(graph.objects(shape, path), key=str) for path, name, _ in component.parameters}
        if not component.parameters or any(
            not values[name] for _, name, optional in component.parameters if not optional
        ):
            continue
        validator = component.validators["property" if is_property else "node"]
        if validator is None:
            continue  # no validator for this kind of shape: the component does not apply
        ask, select = graph.value(validator, SH.ask), graph.value(validator, SH.select)
        if (ask is None) == (select is None) or (
            ask is not None and (validator, RDF.type, SH.SPARQLSelectValidator) in graph
        ):
            problems.append(f"the validator of {component.node} has no single sh:ask or sh:select")
            continue
        text = str(ask if ask is not None else select)
        names = [name for _, name, _ in component.parameters]
        refused = syntax_problem(text, prebound=("this", "value", *names))
        if refused:
            raise ProgkgError(f"the validator of {component.node}: {refused}")
        head = prefixes(validator)
        pools = [[(name, v) for v in values[name]] or [None] for name in names]
        for combination in itertools.product(*pools):
            found.append(
                ComponentUse(
                    component=component.node,
                    kind="ask" if ask is not None else "select",
                    query=(head + "\n" if head else "") + text,
                    bindings=tuple(pair for pair in combination if pair is not None),
                    messages=messages(validator) or messages(component.node),
                    node=validator,
                )
            )
    return found, problems

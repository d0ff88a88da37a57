"""Moving RDF terms between pyoxigraph (the store) and rdflib (pyshacl, reports).

Why: the two engines must give results that compare equal. Results are therefore always
expressed in rdflib terms. Literals keep their lexical form exactly (rdflib's own
normalisation, ``"1"^^xsd:boolean`` → ``"true"``, is turned off): ``"1"`` and ``"true"`` are
different RDF terms, and SHACL's datatype, pattern and ``sh:in`` checks must see the literal
as written (the Oxigraph *store* rewrites such literals; :mod:`progkg.validation.engine_choice`
deals with that).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from progkg.errors import ProgkgError

# rdflib logs a traceback for every ill-typed literal it meets ("vingt"^^xsd:integer);
# validation reports those literals itself (sh:datatype), so the traceback is only noise.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term equal to an Oxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The Oxigraph term equal to an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def add_quads(graph: Graph, quads: Iterable[ox.Quad]) -> int:
    """Add the triples of ``quads`` to ``graph`` (graph names dropped: the union is validated)."""
    cache: dict[object, Node] = {}

    def conv(term):
        hit = cache.get(term)
        if hit is None:
            hit = to_rdflib(term)
            if len(cache) < 200_000:
                cache[term] = hit
        return hit

    def triples() -> Iterator[tuple[Node, Node, Node, Graph]]:
        for quad in quads:
            yield conv(quad.subject), conv(quad.predicate), conv(quad.object), graph

    before = len(graph)
    graph.addN(triples())
    return len(graph) - before


def graph_from_dump(path: Path) -> Graph:
    """The union of every named graph of an N-Quads dump, as one rdflib graph."""
    graph = Graph()
    try:
        add_quads(graph, ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise ProgkgError(f"{path}: line {exc.lineno}: {exc}") from None
    except OSError as exc:
        raise ProgkgError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return graph

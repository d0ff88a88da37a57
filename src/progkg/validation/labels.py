"""Readable names for the focus nodes of a report.

An analyst reads "Semestre 1 — Master Science politique", not an IRI, and never a bare
blank node: a node without a label is shown by its class and the labelled thing that
points to it ("Course in UE 2 : Cours thématiques").
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from progkg.namespaces import SCHEMA
from progkg.validation.terms import to_oxigraph, to_rdflib

#: Label properties, best first.
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title)

Labels = tuple[tuple[str, str], ...]


def _pick(candidates: Iterable[tuple[int, Literal]]) -> Labels:
    """One label per language: the best property first, then the smallest text (stable)."""
    best: dict[str, tuple[int, str]] = {}
    for rank, literal in candidates:
        lang = literal.language or ""
        entry = (rank, str(literal))
        if lang not in best or entry < best[lang]:
            best[lang] = entry
    return tuple(sorted((lang, text) for lang, (_, text) in best.items()))


def local_name(term: Node) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[-1]
    return text


def _describe_blank(type_name: str | None, parent: Labels) -> Labels:
    """Labels for an unlabelled blank node, from its class and a labelled parent."""
    kind = type_name or "node"
    if not parent:
        return (("", f"(unnamed {kind})"),)
    return tuple(
        (lang, f"({kind} sans libellé, dans « {text} »)" if lang == "fr" else f"(unnamed {kind} in '{text}')")
        for lang, text in parent
    )


class GraphLabels:
    """Labels looked up in an rdflib graph (the pyshacl engine)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def labels(self, node: Node) -> Labels:
        found = _pick(
            (rank, obj)
            for rank, prop in enumerate(LABEL_PROPERTIES)
            for obj in self.graph.objects(node, prop)
            if isinstance(obj, Literal)
        )
        if found or not isinstance(node, BNode):
            return found
        kind = next(iter(sorted(self.graph.objects(node, RDF.type), key=str)), None)
        parents = sorted((s for s in self.graph.subjects(None, node) if not isinstance(s, BNode)), key=str)
        parent = self.labels(parents[0]) if parents else ()
        return _describe_blank(local_name(kind) if kind else None, parent)

    def many(self, nodes: Iterable[Node]) -> dict[Node, Labels]:
        return {node: self.labels(node) for node in set(nodes)}


class StoreLabels:
    """Labels looked up in the Oxigraph store (the SPARQL engine)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._properties = [ox.NamedNode(str(p)) for p in LABEL_PROPERTIES]

    def many(self, nodes: Iterable[Node]) -> dict[Node, Labels]:
        """Labels of each node, by direct index look-ups (a VALUES join of thousands of
        nodes is planned badly by Oxigraph: minutes where look-ups take a second)."""
        result: dict[Node, Labels] = {}
        for node in set(nodes):
            if isinstance(node, BNode):
                result[node] = self._blank(node)
            elif isinstance(node, URIRef):
                result[node] = self._own(to_oxigraph(node))
            else:
                result[node] = ()
        return result

    def _blank(self, node: BNode) -> Labels:
        term = to_oxigraph(node)
        own = self._own(term)
        if own:
            return own
        kinds = sorted(
            q.object.value for q in self.store.quads_for_pattern(term, ox.NamedNode(str(RDF.type)), None)
        )
        parents = sorted(
            {
                q.subject.value
                for q in self.store.quads_for_pattern(None, None, term)
                if isinstance(q.subject, ox.NamedNode)
            }
        )
        parent = self.many([URIRef(parents[0])])[URIRef(parents[0])] if parents else ()
        return _describe_blank(local_name(kinds[0]) if kinds else None, parent)

    def _own(self, term: ox.NamedNode | ox.BlankNode) -> Labels:
        candidates = []
        for rank, prop in enumerate(self._properties):
            for quad in self.store.quads_for_pattern(term, prop, None):
                if isinstance(quad.object, ox.Literal):
                    candidates.append((rank, to_rdflib(quad.object)))
        return _pick(candidates)


def focus_graphs(store: ox.Store, nodes: Iterable[Node]) -> dict[Node, frozenset[str]]:
    """The named graphs stating something about each node (as subject, else as object).

    Index look-ups, as for labels. A blank node of an in-memory copy may have another id in
    the on-disk store: it is then found in no graph (and reported with the curated data).
    """
    found: dict[Node, frozenset[str]] = {}
    for node in set(nodes):
        if not isinstance(node, URIRef | BNode):
            found[node] = frozenset()
            continue
        term = to_oxigraph(node)
        graphs = {
            getattr(q.graph_name, "value", None) for q in store.quads_for_pattern(term, None, None, None)
        }
        if not graphs:
            graphs = {
                getattr(q.graph_name, "value", None) for q in store.quads_for_pattern(None, None, term, None)
            }
        found[node] = frozenset(g for g in graphs if isinstance(g, str))
    return found

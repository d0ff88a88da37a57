"""Reading the links the build derives from, straight from the store's indexes.

The derived graphs (:mod:`progkg.similarity`, :mod:`progkg.prepares`) follow a handful of
links for every parcours and programme of the graph. Written as one SPARQL query, that walk
took minutes at a million triples (a UNION over holders and routes, planned as whole-graph
joins); read as one index scan per property into dictionaries, it takes about a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from progkg.iris import PK, RDF, SKOS

#: The SKOS mappings :meth:`Links.mapped_rome_jobs` follows.
MAPPING_PROPERTIES = tuple(SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch"))


class Links:
    """Subject → objects of each property asked for, IRIs only, read once per property."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._cache: dict[str, dict[str, set[str]]] = {}
        self._instances: dict[str, set[str]] = {}

    def out(self, prop: str) -> dict[str, set[str]]:
        """``{subject: {objects}}`` of ``prop`` (a full IRI)."""
        if prop not in self._cache:
            table: dict[str, set[str]] = defaultdict(set)
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(prop), None):
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                    table[quad.subject.value].add(quad.object.value)
            self._cache[prop] = table
        return self._cache[prop]

    def inverse(self, prop: str) -> dict[str, set[str]]:
        """``{object: {subjects}}`` of ``prop``."""
        key = "^" + prop
        if key not in self._cache:
            table: dict[str, set[str]] = defaultdict(set)
            for subject, objects in self.out(prop).items():
                for obj in objects:
                    table[obj].add(subject)
            self._cache[key] = table
        return self._cache[key]

    def instances(self, cls: str) -> set[str]:
        """The IRIs typed ``cls``: one index lookup (inverting every ``rdf:type`` of a national
        graph to find a few thousand parcours took seconds)."""
        if cls not in self._instances:
            self._instances[cls] = {
                q.subject.value
                for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(cls))
                if isinstance(q.subject, ox.NamedNode)
            }
        return set(self._instances[cls])

    def follow(self, nodes: Iterable[str], *props: str) -> set[str]:
        """The nodes reached from ``nodes`` along the path ``props`` (each a property IRI)."""
        current = set(nodes)
        for prop in props:
            table = self.out(prop)
            current = {o for n in current for o in table.get(n, ())}
        return current

    def mapped_rome_jobs(self, job: str) -> set[str]:
        """The ROME job titles a job title is mapped to (exact, close or broader match, in the
        reviewed mappings' direction or the reverse), those that carry a ROME code."""
        found = set()
        for prop in ("exactMatch", "closeMatch", "broadMatch"):
            found |= self.out(SKOS + prop).get(job, set())
        for prop in ("exactMatch", "closeMatch", "narrowMatch"):
            found |= self.inverse(SKOS + prop).get(job, set())
        rome_code = self.out(PK + "romeCode")
        return {j for j in found if j in rome_code}

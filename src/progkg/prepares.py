"""Which programme prepares for which ROME code: a relation the build derives once.

``mobility-from-rome`` lists, for each move, the programmes preparing for its target. Asked
per target at query time, that meant following every route of ``programmes-for-rome`` (a
certification naming the code, a mention's national fiche, a job title under the code or
mapped to one) for every programme of the graph, then keeping those reaching the target.
The build computes the relation once instead, with the very routes of ``programmes-for-rome``
(``tests/test_regression_mobility_national_fiche.py`` checks they agree), into the derived
graph ``graph/derived/prepares``::

    <programme> pkx:preparesFor <rome/K1802> .

A programme prepares for a code when it, or one of its parcours, reaches the code or one of
its sub-codes (ROME 4.0 parent codes).
"""

from __future__ import annotations

import pyoxigraph as ox

from progkg.iris import DERIVED, DERIVED_GRAPHS, PK, SKOS

PREPARES_GRAPH = DERIVED_GRAPHS + "prepares"

#: The routes of programmes-for-rome, from every programme at once.
PREPARES_FOR = f"""
PREFIX pk:   <{PK}>
PREFIX pkx:  <{DERIVED}>
PREFIX skos: <{SKOS}>
CONSTRUCT {{ ?prog pkx:preparesFor ?target }}
WHERE {{
  ?prog a pk:Programme .
  # The programme itself, or one of its parcours.
  ?holder pk:partOf? ?prog .
  {{
    {{ ?holder pk:certification ?cert }} UNION {{ ?holder pk:mention/pk:nationalCertification ?cert }}
    ?cert pk:rome ?reached .
  }} UNION {{
    ?holder pk:leadsTo ?job .
    ?job pk:romeCode ?reached .
  }} UNION {{
    ?holder pk:leadsTo ?job .
    {{ ?job skos:exactMatch | skos:closeMatch | skos:broadMatch ?romeJob }}
    UNION {{ ?romeJob skos:exactMatch | skos:closeMatch | skos:narrowMatch ?job }}
    ?romeJob pk:romeCode ?reached .
  }}
  # The code reached, and every code it is a sub-code of.
  ?reached pk:parentCode* ?target .
}}
"""


def prepares_quads(store: ox.Store) -> list[ox.Quad]:
    """``pkx:preparesFor`` for every programme of ``store`` (the build's in-memory graph), sorted."""
    graph = ox.NamedNode(PREPARES_GRAPH)
    triples = {
        (t.subject.value, t.object.value)
        for t in store.query(PREPARES_FOR, use_default_graph_as_union=True)
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)
    }
    predicate = ox.NamedNode(DERIVED + "preparesFor")
    return [ox.Quad(ox.NamedNode(s), predicate, ox.NamedNode(o), graph) for s, o in sorted(triples)]

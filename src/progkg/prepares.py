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

from progkg.graphwalk import MAPPING_PROPERTIES, Links
from progkg.iris import DERIVED, DERIVED_GRAPHS, PK, RDF

PREPARES_GRAPH = DERIVED_GRAPHS + "prepares"
#: The properties :func:`prepares_quads` reads (the build computes it on those quads only), and
#: the classes it reads rdf:type for.
READS = frozenset(
    {RDF + "type", *MAPPING_PROPERTIES}
    | {
        PK + p
        for p in ("parentCode", "romeCode", "partOf", "certification", "rome", "mention")
        + ("nationalCertification", "leadsTo")
    }
)
READS_TYPES = frozenset({PK + "Programme"})


def prepares_for(links: Links) -> dict[str, set[str]]:
    """``{programme: {ROME codes}}``: the routes of programmes-for-rome, from every programme,
    each code reached closed over its parent codes."""
    parents = links.out(PK + "parentCode")
    ancestors: dict[str, set[str]] = {}

    def up(code: str) -> set[str]:
        if code not in ancestors:
            ancestors[code] = {code}  # (a cycle in parent codes stops here)
            for parent in parents.get(code, ()):
                ancestors[code] = ancestors[code] | up(parent)
        return ancestors[code]

    rome_code = links.out(PK + "romeCode")
    has_parcours = links.inverse(PK + "partOf")
    out: dict[str, set[str]] = {}
    for prog in sorted(links.instances(PK + "Programme")):
        holders = {prog} | has_parcours.get(prog, set())
        reached = links.follow(holders, PK + "certification", PK + "rome") | links.follow(
            holders, PK + "mention", PK + "nationalCertification", PK + "rome"
        )
        for job in links.follow(holders, PK + "leadsTo"):
            reached |= rome_code.get(job, set())
            for rome_job in links.mapped_rome_jobs(job):
                reached |= rome_code.get(rome_job, set())
        codes = set().union(*(up(code) for code in reached)) if reached else set()
        if codes:
            out[prog] = codes
    return out


def prepares_quads(store: ox.Store, links: Links | None = None) -> list[ox.Quad]:
    """``pkx:preparesFor`` for every programme of ``store`` (the build's in-memory graph), sorted."""
    graph = ox.NamedNode(PREPARES_GRAPH)
    predicate = ox.NamedNode(DERIVED + "preparesFor")
    return [
        ox.Quad(ox.NamedNode(prog), predicate, ox.NamedNode(code), graph)
        for prog, codes in sorted(prepares_for(links or Links(store)).items())
        for code in sorted(codes)
    ]

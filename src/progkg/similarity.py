"""What parcours have in common: features and their weights, computed by the build.

``similar-parcours`` ranks the other parcours by an **IDF-weighted Jaccard index** of their
features — shared weight over the weight of all the features either has:

    score(a, b) = Σ w(f) for f in F(a) ∩ F(b)  /  Σ w(f) for f in F(a) ∪ F(b)
    w(f)        = k(f) · ln(N / df(f))   N parcours in the graph, df(f) of them having f,
                                         k(f) the weight of its kind (KIND_WEIGHT)

A feature every parcours has weighs nothing; one that two parcours share weighs most. So a
parcours sharing a job title ranks above one sharing only a widespread sector, which a plain
Jaccard index (every feature weighing 1) got the other way round.

Features of a parcours (its own and its programme's):

* ``job``: each job title it leads to, or the ROME job title(s) it is mapped to (an exact,
  close or broader match), so that two brochures' titles mapped to one ROME title meet;
* ``competency``: each competency statement of its blocks or certification, the same text
  (ignoring case, accents and final punctuation) being one feature;
* ``sector``: each sector it targets;
* ``rome``: each ROME code its certifications name.

Why at build time: the query used to compute every parcours' features four times over (SPARQL
has no named sub-queries) and took 17.8 s at a million triples. Stored as triples in the
derived graph ``graph/derived/similarity``, the question becomes one join on the features of
the parcours asked for::

    <parcours> pkx:feature <feature> .              # a job title, competency, sector, ROME code
    <parcours> pkx:featureWeight "12.345678"^^xsd:decimal .   # Σ w(f) over its features
    <feature>  pkx:featureKind "job" ; pkx:weight "1.704748"^^xsd:decimal .
"""

from __future__ import annotations

import math
from collections import defaultdict

import pyoxigraph as ox

from progkg import textkeys
from progkg.iris import DERIVED, DERIVED_GRAPHS, PK, RDFS, SKOS, XSD

SIMILARITY_GRAPH = DERIVED_GRAPHS + "similarity"

_FEATURES = f"""
PREFIX pk: <{PK}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
SELECT DISTINCT ?p ?kind ?f ?text WHERE {{
  ?p a pk:Parcours ;
     pk:partOf? ?holder .   # the parcours itself, and its programme
  {{
    ?holder pk:leadsTo ?job .
    OPTIONAL {{
      ?job skos:exactMatch|skos:closeMatch|skos:broadMatch|^skos:exactMatch|^skos:closeMatch|^skos:narrowMatch ?mapped .
      ?mapped pk:romeCode ?mappedCode .
    }}
    BIND(COALESCE(?mapped, ?job) AS ?f)
    BIND("job" AS ?kind)
  }} UNION {{
    {{ ?holder pk:hasCompetency ?f }} UNION {{ ?holder pk:hasBlock/pk:hasCompetency ?f }}
    UNION {{ ?holder pk:certification/pk:hasBlock/pk:hasCompetency ?f }}
    ?f rdfs:label ?text .
    BIND("competency" AS ?kind)
  }} UNION {{
    ?holder pk:targetsSector ?f .
    BIND("sector" AS ?kind)
  }} UNION {{
    {{ ?holder pk:certification/pk:rome ?f }} UNION {{ ?holder pk:mention/pk:nationalCertification/pk:rome ?f }}
    BIND("rome" AS ?kind)
  }}
}}
"""


#: How much a kind of feature counts, before rarity: what a parcours leads to (job titles)
#: says most about it, where it leads (sectors) least. With rarity alone, two parcours sharing
#: one sector named by two parcours outranked two sharing a job title named by three.
KIND_WEIGHT = {"job": 2.0, "competency": 1.0, "rome": 1.0, "sector": 0.5}


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.6f}", datatype=ox.NamedNode(XSD + "decimal"))


def feature_quads(store: ox.Store) -> list[ox.Quad]:
    """The similarity features of every parcours of ``store`` (the build's in-memory graph)."""
    graph = ox.NamedNode(SIMILARITY_GRAPH)
    features: dict[str, set[str]] = defaultdict(set)
    kind_of: dict[str, str] = {}
    competency_rep: dict[str, str] = {}
    rows = []
    for row in store.query(_FEATURES, use_default_graph_as_union=True):
        rows.append((row["p"].value, row["kind"].value, row["f"], row["text"]))
    # Competencies with the same statement are one feature, represented by their first IRI.
    for _, kind, f, text in rows:
        if kind == "competency" and isinstance(text, ox.Literal):
            key = textkeys.fold(text.value)
            if key not in competency_rep or f.value < competency_rep[key]:
                competency_rep[key] = f.value
    for p, kind, f, text in rows:
        if not isinstance(f, ox.NamedNode):
            continue
        node = f.value
        if kind == "competency":
            if not isinstance(text, ox.Literal):
                continue
            node = competency_rep[textkeys.fold(text.value)]
        features[p].add(node)
        kind_of.setdefault(node, kind)
    if not features:
        return []
    n = len(features)
    df: dict[str, int] = defaultdict(int)
    for fs in features.values():
        for f in fs:
            df[f] += 1
    weight = {f: KIND_WEIGHT[kind_of[f]] * math.log(n / count) for f, count in df.items()}
    out: list[ox.Quad] = []
    feature_p = ox.NamedNode(DERIVED + "feature")
    for p in sorted(features):
        subject = ox.NamedNode(p)
        for f in sorted(features[p]):
            out.append(ox.Quad(subject, feature_p, ox.NamedNode(f), graph))
        total = sum(weight[f] for f in features[p])
        out.append(ox.Quad(subject, ox.NamedNode(DERIVED + "featureWeight"), _decimal(total), graph))
    for f in sorted(df):
        subject = ox.NamedNode(f)
        out.append(ox.Quad(subject, ox.NamedNode(DERIVED + "featureKind"), ox.Literal(kind_of[f]), graph))
        out.append(ox.Quad(subject, ox.NamedNode(DERIVED + "weight"), _decimal(weight[f]), graph))
    return out

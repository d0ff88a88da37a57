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
from progkg.graphwalk import MAPPING_PROPERTIES, Links
from progkg.iris import DERIVED, DERIVED_GRAPHS, PK, RDF, RDFS, XSD

SIMILARITY_GRAPH = DERIVED_GRAPHS + "similarity"

#: How much a kind of feature counts, before rarity: what a parcours leads to (job titles)
#: says most about it, where it leads (sectors) least. With rarity alone, two parcours sharing
#: one sector named by two parcours outranked two sharing a job title named by three.
KIND_WEIGHT = {"job": 2.0, "competency": 1.0, "rome": 1.0, "sector": 0.5}


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.6f}", datatype=ox.NamedNode(XSD + "decimal"))


LABEL = ox.NamedNode(RDFS + "label")
#: The properties :func:`feature_quads` reads (the build computes it on those quads only), and
#: the classes it reads rdf:type for.
READS = frozenset(
    {RDF + "type", RDFS + "label", *MAPPING_PROPERTIES}
    | {
        PK + p
        for p in ("partOf", "leadsTo", "romeCode", "hasCompetency", "hasBlock", "certification")
        + ("targetsSector", "rome", "mention", "nationalCertification")
    }
)
READS_TYPES = frozenset({PK + "Parcours"})


def parcours_features(links: Links) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each parcours' features (IRIs of job titles, competencies, sectors, ROME codes) and the
    kind of each feature."""
    features: dict[str, set[str]] = defaultdict(set)
    kind_of: dict[str, str] = {}
    # Competencies with the same statement are one feature, represented by their first IRI.
    labels = links.store
    competency_rep: dict[str, str] = {}
    competency_key: dict[str, str] = {}

    def statement(competency: str) -> str | None:
        if competency not in competency_key:
            texts = sorted(
                q.object.value
                for q in labels.quads_for_pattern(
                    ox.NamedNode(competency), ox.NamedNode(RDFS + "label"), None
                )
                if isinstance(q.object, ox.Literal)
            )
            competency_key[competency] = textkeys.fold(texts[0]) if texts else ""
        return competency_key[competency] or None

    part_of = links.out(PK + "partOf")
    for p in sorted(links.instances(PK + "Parcours")):
        holders = {p} | part_of.get(p, set())
        for job in links.follow(holders, PK + "leadsTo"):
            for feature in links.mapped_rome_jobs(job) or {job}:
                features[p].add(feature)
                kind_of.setdefault(feature, "job")
        competencies = (
            links.follow(holders, PK + "hasCompetency")
            | links.follow(holders, PK + "hasBlock", PK + "hasCompetency")
            | links.follow(holders, PK + "certification", PK + "hasBlock", PK + "hasCompetency")
        )
        for c in competencies:
            key = statement(c)
            if key is None:
                continue
            if key not in competency_rep or c < competency_rep[key]:
                competency_rep[key] = c
            features[p].add("\0" + key)
        for sector in links.follow(holders, PK + "targetsSector"):
            features[p].add(sector)
            kind_of.setdefault(sector, "sector")
        codes = links.follow(holders, PK + "certification", PK + "rome") | links.follow(
            holders, PK + "mention", PK + "nationalCertification", PK + "rome"
        )
        for code in codes:
            features[p].add(code)
            kind_of.setdefault(code, "rome")
    # Competency keys become their representative IRI.
    for fs in features.values():
        keys = {f for f in fs if f.startswith("\0")}
        for key in keys:
            rep = competency_rep[key[1:]]
            fs.discard(key)
            fs.add(rep)
            kind_of.setdefault(rep, "competency")
    return features, kind_of


def feature_quads(store: ox.Store, links: Links | None = None) -> list[ox.Quad]:
    """The similarity features of every parcours of ``store`` (the build's in-memory graph)."""
    graph = ox.NamedNode(SIMILARITY_GRAPH)
    features, kind_of = parcours_features(links or Links(store))
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

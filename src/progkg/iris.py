"""IRIs as plain strings, for code that must start fast (``progkg query`` imports no rdflib).

:mod:`progkg.namespaces` builds rdflib namespaces from the same strings.
"""

from __future__ import annotations

PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"
GRAPH = "https://w3id.org/progkg/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"

#: Derived data the build computes (search keys, similarity features). It lives in graphs of
#: its own under ``graph/derived/``, is pushed with the rest so that a remote endpoint answers
#: like the embedded store, and is never part of the published export.
DERIVED = "https://w3id.org/progkg/derived#"
DERIVED_GRAPHS = GRAPH + "derived/"

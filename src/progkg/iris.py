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
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
EQF = "http://data.europa.eu/snb/eqf/"

#: Licences of the sources: the Licence Ouverte / Etalab 2.0 (ROME, RNCP, ONISEP's table and job
#: sheets, the kit) and the ODbL (ONISEP's formation sheets: share-alike, see progkg.dcat).
LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ODBL = "http://opendatacommons.org/licenses/odbl/1-0/"

#: Prefixes written in every serialisation progkg produces (:mod:`progkg.namespaces` has the
#: same as rdflib namespaces).
PREFIXES: dict[str, str] = {
    "pk": PK,
    "pkid": ID,
    "pkg": GRAPH,
    "elm": "http://data.europa.eu/snb/model/elm/",
    "esco": "http://data.europa.eu/esco/model#",
    "schema": SCHEMA,
    "skos": SKOS,
    "dct": DCT,
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": ORG,
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": "http://www.w3.org/ns/shacl#",
    "adms": "http://www.w3.org/ns/adms#",
}

#: Derived data the build computes (search keys, similarity features). It lives in graphs of
#: its own under ``graph/derived/``, is pushed with the rest so that a remote endpoint answers
#: like the embedded store, and is never part of the published export.
DERIVED = "https://w3id.org/progkg/derived#"
DERIVED_GRAPHS = GRAPH + "derived/"

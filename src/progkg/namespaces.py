"""Namespaces used across progkg (docs/design.md, "Vocabulary prefixes" and "Identifiers")."""

from __future__ import annotations

from rdflib import Namespace

from progkg import iris

PK = Namespace("https://w3id.org/progkg/ontology#")
ID = Namespace("https://w3id.org/progkg/id/")
GRAPH = Namespace("https://w3id.org/progkg/graph/")
ELM = Namespace("http://data.europa.eu/snb/model/elm/")
ESCO = Namespace("http://data.europa.eu/esco/model#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SSSOM = Namespace("https://w3id.org/sssom/")
EQF = Namespace("http://data.europa.eu/snb/eqf/")

#: Prefixes written in every serialisation progkg produces (Turtle export, reports).
PREFIXES: dict[str, str] = dict(iris.PREFIXES)

#: The SPARQL PREFIX block matching :data:`PREFIXES`, for queries built in code.
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

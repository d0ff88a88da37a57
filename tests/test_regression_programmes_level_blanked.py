"""Regression: `programmes` blanked a programme's EQF level when one of its certifications had
none (GROUP_CONCAT over an unbound value is unbound in Oxigraph): the Lille 2 master showed no
level once it also carried today's national fiche RNCP38175, known without a level."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from progkg import paths
from progkg.build import derive
from progkg.queries import load_query, run_query

REPO = Path(__file__).resolve().parents[1]

DATA = """
@prefix pk:   <https://w3id.org/progkg/ontology#> .
@prefix ex:   <https://w3id.org/progkg/id/test/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:prog a pk:Programme ; rdfs:label "Master"@fr ; pk:certification ex:old , ex:new .
ex:old a pk:Certification ; pk:rncpCode "RNCP1" ; pk:eqfLevel ex:eqf7 .
ex:new a pk:Certification ; pk:rncpCode "RNCP2" .
ex:eqf7 skos:notation "7" .
"""


def test_a_certification_without_level_keeps_the_others_level() -> None:
    store = ox.Store()
    store.bulk_load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    store.bulk_extend(derive(store))
    result = run_query(load_query(paths.resources(REPO), "programmes"), {}, store=store)
    assert [tuple(row) for row in result.values()] == [("Master", None, "RNCP1, RNCP2", "7")]

"""Regression: mobility-from-rome missed the programmes that reach a target code only through
the national fiche of their mention (pk:mention/pk:nationalCertification/pk:rome).

Its description promises the programmes "as in programmes-for-rome", which follows that
route; mobility-from-rome followed only the programme's own certification and its job titles,
so a programme known from ONISEP's table (mention → current national fiche) was listed by
programmes-for-rome for the target code and missing from the moves towards it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import derive
from progkg.queries import load_query, run_query

RES = paths.resources(Path(__file__).resolve().parents[1])

TRIG = """
@prefix pk: <https://w3id.org/progkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/> .
ex:rome {
  ex:K1802 a pk:RomeCode ; skos:notation "K1802" ; skos:prefLabel "Développement local"@fr ;
      pk:mobilityTo ex:K1404 , ex:M1402 .
  ex:move1 a pk:Mobility ; pk:mobilitySource ex:K1802 ; pk:mobilityTarget ex:K1404 ; pk:order 1 .
  ex:move2 a pk:Mobility ; pk:mobilitySource ex:K1802 ; pk:mobilityTarget ex:M1402 ; pk:order 2 .
  ex:K1404 a pk:RomeCode ; skos:notation "K1404" ; skos:prefLabel "Politiques publiques"@fr .
  ex:M1402 a pk:RomeCode ; skos:notation "M1402" ; skos:prefLabel "Conseil en organisation"@fr .
}
ex:brochures {
  # reaches K1404 only through its mention's national fiche
  ex:viaMention a pk:Programme ; rdfs:label "Master par la mention"@fr ; pk:mention ex:mention .
  ex:mention pk:nationalCertification ex:national .
  ex:national a pk:Certification ; pk:rome ex:K1404 .
  # reaches K1404 through its own certification
  ex:viaOwn a pk:Programme ; rdfs:label "Master par sa fiche"@fr ; pk:certification ex:own .
  ex:own a pk:Certification ; pk:rome ex:K1404 .
  # reaches M1402 through a parcours' job title
  ex:viaJob a pk:Programme ; rdfs:label "Master par un métier"@fr ; pk:hasParcours ex:parcours .
  ex:parcours a pk:Parcours ; rdfs:label "Parcours conseil"@fr ; pk:partOf ex:viaJob ; pk:leadsTo ex:job .
  ex:job a pk:JobTitle ; rdfs:label "Consultant"@fr ; pk:romeCode ex:M1402 .
}
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.extend(ox.parse(TRIG.encode(), format=ox.RdfFormat.TRIG))
    s.extend(derive(s))  # the search index the build derives
    return s


def moves(store: ox.Store) -> dict[str, set[str]]:
    rows = run_query(load_query(RES, "mobility-from-rome"), {"rome": "K1802"}, store=store).values()
    out: dict[str, set[str]] = {}
    for _code, target, _label, programme, *_new_columns in rows:
        out.setdefault(target, set())
        if programme:
            out[target].add(programme)
    return out


def test_a_programme_reached_through_its_mention_is_listed(store: ox.Store) -> None:
    assert moves(store)["K1404"] == {"Master par la mention", "Master par sa fiche"}


def test_the_programmes_of_each_move_are_those_of_programmes_for_rome(store: ox.Store) -> None:
    """The description's promise, checked for every target code."""
    got = moves(store)
    assert set(got) == {"K1404", "M1402"}
    for target, programmes in got.items():
        rows = run_query(load_query(RES, "programmes-for-rome"), {"rome": target}, store=store).values()
        assert programmes == {r[1] for r in rows}, target

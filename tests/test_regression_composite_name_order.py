"""Regression: an untitled national programme's search name depended on the store's order.

A national programme kept across successions carries several fiches (pk:certification to the
old one and the new one). The search index names it "<fiche title> — <institution>", and took
the first fiche the store happened to give: an on-disk and an in-memory store give them in
different orders, so the same graph gave two names (18,000 index lines differed on the
national graph), and the full index and the one an import recomputes in part could disagree.
The name now comes from the newest fiche with a title (the highest fiche number), then from the
newest named by its code only, whatever the order.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg.search import SEARCH_GRAPH, index_nquads, index_nquads_for

PROGRAMME = "https://w3id.org/progkg/id/programme/siret/1/RNCP200"
ORG = "https://w3id.org/progkg/id/org/siret/1"

TEMPLATE = """
@prefix pk: <https://w3id.org/progkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/progkg/graph/rncp> {{
  <{programme}> a pk:Programme ; pk:certification <{fiche}RNCP100> , <{fiche}RNCP200> ;
      pk:provider <{org}> .
  <{org}> a pk:Organisation ; rdfs:label "UNIVERSITE D'EXEMPLE" .
  <{fiche}RNCP100> a pk:Certification ; pk:rncpCode "RNCP100" {old} .
  <{fiche}RNCP200> a pk:Certification ; pk:rncpCode "RNCP200" {new} .
}}
"""
FICHE = "https://w3id.org/progkg/id/rncp/"


def _store(tmp_path: Path | None, old: str, new: str) -> ox.Store:
    store = ox.Store(str(tmp_path)) if tmp_path is not None else ox.Store()
    text = TEMPLATE.format(programme=PROGRAMME, fiche=FICHE, org=ORG, old=old, new=new)
    store.load(text.encode(), format=ox.RdfFormat.TRIG)
    return store


def _name(index: bytes) -> str:
    name = f"<{PROGRAMME}> <https://w3id.org/progkg/derived#name> ".encode()
    lines = [ln for ln in index.splitlines() if ln.startswith(name)]
    assert len(lines) == 1, index.decode()
    assert lines[0].endswith(f" <{SEARCH_GRAPH}> .".encode())
    return lines[0][len(name) :].rsplit(b" <", 1)[0].decode()


CASES = [
    # both titled: the newest fiche's title, whichever of the two IRIs a store gives first
    ('; skos:prefLabel "Ancien titre"@fr', '; skos:prefLabel "Nouveau titre"@fr', "Nouveau titre"),
    ('; skos:prefLabel "Nouveau titre"@fr', '; skos:prefLabel "Ancien titre"@fr', "Ancien titre"),
    # only the old fiche titled: its title, not the new one's code
    ('; skos:prefLabel "Ancien titre"@fr', "", "Ancien titre"),
    # none titled: the newest fiche's code
    ("", "", "RNCP200"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_the_name_does_not_depend_on_the_store(
    old: str, new: str, expected: str, on_disk: bool, tmp_path: Path
) -> None:
    store = _store(tmp_path / "store" if on_disk else None, old, new)
    full = _name(index_nquads(store))
    assert full == f'"{expected} \u2014 UNIVERSITE D\'EXEMPLE"'
    assert _name(index_nquads_for(store, {PROGRAMME})) == full

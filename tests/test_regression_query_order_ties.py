"""Regression: rows that tie on the ORDER BY keys came out in the engine's order.

`courses-of-parcours` ordered by parcours, semester, unit and course only, and
`teaching-volume` by parcours and semester only: two units with the same label and order in
one semester (or two parcours with the same label, each with a semester 1) gave rows whose
order depended on how Oxigraph happened to evaluate the query (it changed when the queries
were rewritten for speed, issue 6), so the same graph could print differently. Both now end
their ORDER BY with the remaining columns (ects, hoursCM, hoursTD).
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
@prefix ex: <https://example.org/> .
ex:g {{
  ex:prog a pk:Programme ; rdfs:label "Master Ordre"@fr ; pk:hasParcours ex:a , ex:b .
  ex:a a pk:Parcours ; rdfs:label "M2 Ordre des lignes"@fr ; pk:partOf ex:prog ; pk:hasSemester ex:sa .
  ex:b a pk:Parcours ; rdfs:label "M2 Ordre des lignes"@fr ; pk:partOf ex:prog ; pk:hasSemester ex:sb .
  ex:sa a pk:Semester ; pk:semesterNumber 1 ; pk:hasUnit ex:ua1 , ex:ua2 .
  ex:sb a pk:Semester ; pk:semesterNumber 1 ; pk:hasUnit ex:ub1 .
  ex:ua1 rdfs:label "UE 1"@fr ; pk:order 1 ; pk:ects {e1} ; pk:hasCourse ex:ca1 .
  ex:ua2 rdfs:label "UE 1"@fr ; pk:order 1 ; pk:ects {e2} ; pk:hasCourse ex:ca2 .
  ex:ub1 rdfs:label "UE 1"@fr ; pk:order 1 ; pk:ects {e3} ; pk:hasCourse ex:cb1 .
  ex:ca1 rdfs:label "Cours"@fr ; pk:hoursCM 10 .
  ex:ca2 rdfs:label "Cours"@fr .
  ex:cb1 rdfs:label "Cours"@fr ; pk:hoursCM 10 .
}}
"""


def store_with(ects: tuple[int, int, int]) -> ox.Store:
    store = ox.Store()
    text = TRIG.format(e1=ects[0], e2=ects[1], e3=ects[2])
    store.extend(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    store.extend(derive(store))  # the search index the build derives
    return store


# Each case: the ECTS of units ua1, ua2 (parcours a) and ub1 (parcours b), permuted so that
# the same values sit on different nodes, and the ects column expected.
CASES = {
    # three units tied on parcours, semester, unit and course (ua2's course has no hours,
    # so only ua1's and ub1's values are swapped)
    "courses-of-parcours": ([(3, 5, 7), (7, 5, 3), (3, 5, 7)], ["3", "5", "7"]),
    # two parcours with the same label, each with a semester 1 (a: ua1 + ua2, b: ub1)
    "teaching-volume": ([(1, 2, 7), (3, 4, 3), (4, 3, 3)], ["3", "7"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tied_rows_come_out_in_the_same_order_whatever_node_holds_which_value(name: str) -> None:
    query = load_query(RES, name)
    variants, expected = CASES[name]
    params = {"parcours": "ordre des lignes"}
    answers = [run_query(query, params, store=store_with(ects)).values() for ects in variants]
    assert answers[0] == answers[1] == answers[2]
    ects_column = query.columns.index("ects")
    assert [row[ects_column] for row in answers[0]] == expected

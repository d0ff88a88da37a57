"""Regression: data-gaps counted a course's hours once when its CM and TD hours were equal.

The "declared hours differ" check summed, for ``pk:declaredHours`` (CM + TD), the distinct
rows (subject, declared property, declared value, course, hours): a course with 10 h CM and
10 h TD gave two identical rows, collapsed into one, so its 20 h counted as 10 and a correct
declared total was reported as wrong (and a wrong one could pass). The hours property now
belongs to the distinct row. (The SHACL constraints in shapes.ttl keep CM and TD in one row
per course and were right.)
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
  ex:s a pk:Semester ; rdfs:label "Semestre 1"@fr ; pk:declaredHours {declared} ; pk:hasUnit ex:u .
  ex:u a pk:TeachingUnit ; rdfs:label "UE 1"@fr ; pk:ects 30 ; pk:hasCourse ex:c1 , ex:c2 .
  ex:c1 a pk:Course ; rdfs:label "Cours égal"@fr ; pk:hoursCM 10 ; pk:hoursTD 10 .
  ex:c2 a pk:Course ; rdfs:label "Cours inégal"@fr ; pk:hoursCM 6 ; pk:hoursTD 4 .
}}
"""


def declared_hours_gaps(declared: int) -> list[tuple]:
    store = ox.Store()
    store.extend(ox.parse(TRIG.format(declared=declared).encode(), format=ox.RdfFormat.TRIG))
    store.extend(derive(store))
    rows = run_query(load_query(RES, "data-gaps"), store=store).values()
    return [r for r in rows if r[0] == "declared hours differ from the sum of the courses"]


def test_a_correct_total_with_equal_cm_and_td_is_not_a_gap() -> None:
    assert declared_hours_gaps(30) == []  # 10 + 10 + 6 + 4


@pytest.mark.parametrize("declared", [20, 26])  # 20: c1 counted once; 26: c1's 10 h TD lost
def test_a_wrong_total_is_reported_with_the_true_sum(declared: int) -> None:
    gaps = declared_hours_gaps(declared)
    assert len(gaps) == 1
    assert gaps[0][1] == "https://example.org/s"
    assert gaps[0][2].endswith(f"declaredHours {declared} but the courses add up to 30")

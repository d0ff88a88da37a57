"""The vocabulary reference (issue 14, item 3): generated from the ontology, never stale.

Why: an analyst had to grep ontology/progkg.ttl to find pk:hasSemester, pk:hasUnit and
pk:hasCourse. docs/vocabulary.md and .html list every class and property; regenerating them
must give the committed bytes, so an edit of the ontology, the shapes or the seeds without
`progkg vocab --out docs/` fails here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from progkg.vocabdoc import FILES, render

REPO = Path(__file__).resolve().parents[1]
PK = "https://w3id.org/progkg/ontology#"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render(
        REPO / "ontology" / "progkg.ttl",
        REPO / "ontology" / "shapes.ttl",
        sorted((REPO / "data" / "seeds").glob("*.ttl")),
    )


@pytest.mark.parametrize("name", FILES)
def test_committed_pages_are_what_the_ontology_gives(pages: dict[str, str], name: str) -> None:
    committed = (REPO / "docs" / name).read_bytes()
    assert pages[name].encode("utf-8") == committed, f"docs/{name} is stale: run `progkg vocab --out docs/`"


def _section(markdown: str, heading: str) -> str:
    start = markdown.index(f"### {heading}\n")
    end = markdown.find("\n### ", start + 1)
    return markdown[start : end if end > 0 else None]


def test_every_class_and_property_has_its_section(pages: dict[str, str]) -> None:
    onto = Graph().parse(REPO / "ontology" / "progkg.ttl")
    kinds = {
        OWL.Class: "class",
        OWL.ObjectProperty: "object property",
        OWL.DatatypeProperty: "datatype property",
    }
    expected = {
        f"pk:{str(s)[len(PK) :]} ({kind})"
        for rdf_type, kind in kinds.items()
        for s in onto.subjects(RDF.type, rdf_type)
        if isinstance(s, URIRef) and str(s).startswith(PK)
    }
    found = set(re.findall(r"^### (.+)$", pages["vocabulary.md"], re.MULTILINE))
    assert found == expected
    assert len(found) > 100


def test_a_section_gives_labels_definition_domain_range_shapes_and_example(pages: dict[str, str]) -> None:
    has_course = _section(pages["vocabulary.md"], "pk:hasCourse (object property)")
    assert "| fr | **a pour élément pédagogique** — Relie une unité d'enseignement" in has_course
    assert "| en | **has course** — Links a teaching unit" in has_course
    assert "| domain | pk:TeachingUnit or pk:Semester |" in has_course
    assert "| range | pk:Course |" in has_course
    assert "pks:CourseInUnit (warning)" in has_course
    assert re.search(r"\| example \| pkid:\S+ « .+ » → pkid:\S+ « .+ » \|", has_course)
    ects = _section(pages["vocabulary.md"], "pk:ects (datatype property)")
    assert "pks:UnitEcts (warning)" in ects and "pks:EctsValue (violation)" in ects
    course = _section(pages["vocabulary.md"], "pk:Course (class)")
    assert (
        "pks:CourseHours (warning)" in course
        and "| subclass of | elm:LearningActivitySpecification" in course
    )
    certification = _section(pages["vocabulary.md"], "pk:Certification (class)")
    assert "rncp:RNCP24759" in certification or "pkid:rncp/RNCP24759" in certification


def test_the_html_page_has_the_same_sections_and_valid_links(pages: dict[str, str]) -> None:
    ids: list[str] = []
    links: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            attributes = dict(attrs)
            if attributes.get("id"):
                ids.append(attributes["id"] or "")
            if tag == "a" and (attributes.get("href") or "").startswith("#"):
                links.append((attributes["href"] or "")[1:])

    Collect().feed(pages["vocabulary.html"])
    assert len(ids) == len(set(ids)) == pages["vocabulary.md"].count("\n### ")
    assert set(links) == set(ids)
    markdown_anchors = set(re.findall(r"\]\(#([^)]+)\)", pages["vocabulary.md"]))
    assert markdown_anchors == set(ids)  # the Markdown table of contents points at the same anchors

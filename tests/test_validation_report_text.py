"""The text report a steward reads (issue 14, item 1).

Why: a graph that conforms printed 1,413 lines, and 43,668 after the imports, where the
releases' gaps drowned the curated data's. The report now opens with the summary (whole shape
titles), shows a few items per shape with how many more, keeps the curated data and the
imported releases apart, and says why the two engines count triples differently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from import_support import ONISEP_FIXTURE, mini_project
from rdflib import URIRef
from rdflib.namespace import SH

from progkg.cli import main
from progkg.importers.onisep import import_onisep
from progkg.store import open_store
from progkg.validate import validate
from progkg.validation.formats import to_text
from progkg.validation.labels import focus_graphs
from progkg.validation.report import CURATED, IMPORTED, ValidationReport, ValidationResult, section_of

PKS = "https://w3id.org/progkg/shapes#"
ID = "https://w3id.org/progkg/id/"
GRAPH = "https://w3id.org/progkg/graph/"
LONG_TITLE = "UE sans crédits ECTS (pk:ects) : le document ne les donne pas, ou ils n'ont pas été saisis."


def _report(curated: int, imported: int) -> tuple[ValidationReport, dict]:
    """``curated`` + ``imported`` warnings of one shape whose title holds "(" and ":"."""
    shape = URIRef(PKS + "UnitEcts")
    results, sections = [], {}
    for kind, n in (("c", curated), ("i", imported)):
        for k in range(n):
            focus = URIRef(f"{ID}test/{kind}{k:03d}")
            results.append(
                ValidationResult(
                    focus=focus,
                    severity="Warning",
                    source_shape=shape,
                    component=SH.MinCountConstraintComponent,
                    path=URIRef("https://w3id.org/progkg/ontology#ects"),
                    messages=(("fr", LONG_TITLE), ("en", "Unit without ECTS credits.")),
                    labels=(("fr", f"UE {kind}{k:03d}"),),
                )
            )
            sections[focus] = CURATED if kind == "c" else IMPORTED
    titles = {shape: (("fr", LONG_TITLE), ("en", "Unit without ECTS credits (pk:ects)"))}
    return ValidationReport(results, engine="sparql", triples=10, seconds=0.1, titles=titles), sections


def test_summary_first_with_whole_titles() -> None:
    report, _ = _report(5, 0)
    text = to_text(report, "fr")
    summary = text.split("\n\n")[1]
    assert summary.startswith("Par contrainte")
    assert f"pks:UnitEcts — {LONG_TITLE}" in summary
    assert text.index("Par contrainte") < text.index("UE c000")


def test_a_few_items_per_shape_then_how_many_more() -> None:
    report, _ = _report(10, 0)
    text = to_text(report, "fr")
    assert [f"UE c{k:03d}" in text for k in range(10)] == [True] * 3 + [False] * 7
    assert "… 7 de plus (--all)" in text
    assert "… 7 more (--all)" in to_text(report, "en")
    every = to_text(report, "fr", limit=None)
    assert all(f"UE c{k:03d}" in every for k in range(10)) and "(--all)" not in every


def test_curated_data_and_imported_releases_in_separate_sections() -> None:
    report, sections = _report(2, 40)
    text = to_text(report, "fr", sections=sections)
    curated = text.index("== Données du projet")
    imported = text.index("== Publications officielles importées")
    assert curated < text.index("UE c000") < text.index("UE c001") < imported < text.index("UE i000")
    assert "… 37 de plus (--all)" in text[imported:]
    assert "(projet 2, importées 40)" in text.split("\n\n")[1]
    assert "0 violations, 2 avertissements, 0 informations" in text[curated:imported]


def test_the_header_says_why_the_engines_count_differently() -> None:
    report, _ = _report(1, 0)
    assert re.search(
        r"10 quads = one statement per source graph: a triple two sources state counts twice",
        to_text(report, "en"),
    )
    report.engine = "pyshacl"
    assert "10 distinct triples, the source graphs merged" in to_text(report, "en")


@pytest.mark.parametrize(
    ("graphs", "section"),
    [
        ({GRAPH + "rome"}, IMPORTED),
        ({GRAPH + "rncp", GRAPH + "onisep"}, IMPORTED),
        ({GRAPH + "rome", GRAPH + "seeds/rncp24759"}, CURATED),
        ({GRAPH + "seeds/iae-lille-m2-mpt"}, CURATED),
        ({GRAPH + "onisep", GRAPH + "derived/search"}, IMPORTED),
        ({GRAPH + "onisep-formations", GRAPH + "kit", GRAPH + "onisep"}, IMPORTED),
        ({GRAPH + "onisep-formations", GRAPH + "seeds/rncp24759"}, CURATED),
        (set(), CURATED),
    ],
)
def test_section_of(graphs: set[str], section: str) -> None:
    assert section_of(graphs) == section


@pytest.mark.slow
def test_default_report_is_short_and_all_prints_everything(
    built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    outputs = {}
    for args in (["validate", "-q"], ["validate", "-q", "--all"]):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 0
        outputs[args[-1]] = capsys.readouterr().out
    short, full = outputs["-q"], outputs["--all"]
    assert len(short.splitlines()) < 150 < len(full.splitlines())
    assert "(--all)" in short and "(--all)" not in full
    assert short.index("Par contrainte") < short.index("== Données du projet")
    assert "Publications officielles importées" not in short  # the seed build imports nothing
    # Every item is printed once with --all: one bullet per result.
    totals = re.search(r"(\d+) violations?, (\d+) avertissements?, (\d+) informations?", full)
    assert totals and full.count("\n  • ") == sum(int(n) for n in totals.groups())


@pytest.mark.slow
def test_onisep_only_certifications_are_not_asked_for_a_certifier(tmp_path: Path) -> None:
    """ONISEP's code table names certifications by code and title only: it promises no certifier
    and no ROME codes, so neither is reported; the fiches (rdfs:label) still are."""
    out = tmp_path / "build"
    import_onisep(ONISEP_FIXTURE, out, lambda _m: None, mini_project(tmp_path / "project"))
    report = validate(out, shapes_file=tmp_path / "project" / "ontology" / "shapes.ttl")
    store = open_store(out)
    certs = {
        row["c"].value
        for row in store.query(
            "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/progkg/ontology#Certification> } }"
        )
    }
    labelled = {
        row["c"].value
        for row in store.query(
            "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
        )
    }
    bare = certs - labelled
    assert bare, "the fixture holds certifications known only from ONISEP"
    assert all(section_of(focus_graphs(store, [URIRef(c)])[URIRef(c)]) == IMPORTED for c in bare)
    asked = {
        str(r.focus)
        for r in report.results
        if str(r.source_shape) in (PKS + "CertificationCertifier", PKS + "CertificationRome")
    }
    assert not asked & bare

"""`progkg validate`: the report, its three formats, exit codes, labels, and the seeds' warnings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from progkg import paths
from progkg.build import build
from progkg.cli import main
from progkg.validate import ENGINES, validate, validate_files
from progkg.validation.formats import to_json, to_text, to_turtle
from progkg.validation.pyshacl_engine import read_report

#: Slow: each test validates the seeds (both engines, the CLI, store mode); `-m "not slow"` skips them.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO / "ontology" / "shapes.ttl"
ONTOLOGY = REPO / "ontology" / "progkg.ttl"
PKS = "https://w3id.org/progkg/shapes#"
ID = "https://w3id.org/progkg/id/"
RNCP_SEED = REPO / "data" / "seeds" / "rncp24759.ttl"
PARIS1 = "parcours/paris1/m2-communication-institutionnelle-politique-territoires"

PREFIXES = """\
@prefix pk: <https://w3id.org/progkg/ontology#> .
@prefix ex: <https://w3id.org/progkg/id/test/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return done.value.code, out, err


@pytest.fixture(scope="module")
def reports(built: Path) -> dict:
    return {engine: validate(built, engine=engine, shapes_file=SHAPES) for engine in ENGINES}


# --- the seeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_the_built_seed_graph_has_no_violation(reports: dict, engine: str) -> None:
    report = reports[engine]
    assert not report.has_violations, [r for r in report.results if r.severity == "Violation"]
    assert not report.conforms  # the seeds' inconsistencies are reported
    assert report.count("Warning") > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_rncp24759_semester_ects_totals_are_warnings(reports: dict, engine: str) -> None:
    if not RNCP_SEED.is_file():
        pytest.skip("data/seeds/rncp24759.ttl is not transcribed yet")
    found = {
        str(r.focus): r
        for r in reports[engine].results
        if r.source_shape == URIRef(PKS + "SemesterEctsTotal")
    }
    common = ID + "programme/lille2/master-science-politique/"
    research = ID + "parcours/lille2/metiers-de-la-recherche-en-science-politique/s3"
    assert set(found) == {common + "s1", common + "s2", research}
    assert all(r.severity == "Warning" for r in found.values())
    assert "28 ECTS au lieu de 30" in found[common + "s1"].message("fr")
    assert "28 ECTS au lieu de 30" in found[common + "s2"].message("fr")
    assert "32 ECTS au lieu de 30" in found[research].message("fr")
    assert "add up to 32 ECTS instead of 30" in found[research].message("en")


def test_paris1_declared_totals_add_up(reports: dict) -> None:
    """Paris 1 declares S3 205 + 15, S4 200 + 15, the year 405 + 30 = 435: all consistent."""
    shapes = {URIRef(PKS + "SemesterDeclaredHours"), URIRef(PKS + "ProgrammeDeclaredHours")}
    assert not [r for r in reports["sparql"].results if r.source_shape in shapes]


def test_a_changed_course_breaks_the_declared_totals(project: Path, tmp_path: Path) -> None:
    seed = project / "data" / "seeds" / "paris1-m2-cipt.ttl"
    text = seed.read_text(encoding="utf-8")
    needle = 'rdfs:label "Management et ressources humaines en communication"@fr ; pk:hoursCM 30 ;'
    assert needle in text
    seed.write_text(text.replace(needle, needle.replace("hoursCM 30", "hoursCM 31")), encoding="utf-8")
    out = tmp_path / "build"
    build(paths.resources(project), out)
    for engine in ENGINES:
        report = validate(out, engine=engine, shapes_file=project / "ontology" / "shapes.ttl")
        totals = {
            (str(r.focus).removeprefix(ID + PARIS1), str(r.path).rsplit("#")[-1], r.message("en"))
            for r in report.results
            if r.source_shape
            in (URIRef(PKS + "SemesterDeclaredHours"), URIRef(PKS + "ProgrammeDeclaredHours"))
        }
        assert totals == {
            (
                "/s4",
                "declaredHoursCM",
                "The CM hour total declared for this semester (200 h) differs from "
                "the sum of its courses (201 h).",
            ),
            (
                "/s4",
                "declaredHours",
                "The CM+TD hour total declared for this semester (215 h) differs from "
                "the sum of its courses (216 h).",
            ),
            (
                "",
                "declaredHoursCM",
                "The declared CM hour total (405 h) differs from the sum of the courses "
                "of its semesters (406 h).",
            ),
            (
                "",
                "declaredHours",
                "The declared CM+TD hour total (435 h) differs from the sum of the "
                "courses of its semesters (436 h).",
            ),
        }, engine
        assert not report.has_violations


# --- formats -------------------------------------------------------------------------------------


def test_text_report_shows_labels_summary_and_messages(reports: dict) -> None:
    text = to_text(reports["sparql"], "fr")
    head = text.split("\n\n")[0]
    assert re.search(r"0 violations, \d+ avertissements, \d+ informations", head)
    assert "Par contrainte" in text
    assert text.index("Par contrainte") < text.index("Semestre 1 — Master Science politique")
    assert "Les UE de ce semestre qui donnent des crédits totalisent 28 ECTS au lieu de 30." in text
    assert "_:" not in text
    english = to_text(reports["sparql"], "en")
    assert "The units of this semester that give credits add up to 28 ECTS instead of 30." in english
    assert "Per shape" in english
    both = to_text(reports["sparql"], "both")
    assert "[fr] Les UE de ce semestre" in both and "[en] The units of this semester" in both


def test_text_report_never_shows_a_bare_blank_node() -> None:
    report = validate_files(
        [ONTOLOGY],
        SHAPES,
        engine="pyshacl",
        texts=[PREFIXES + 'ex:u a pk:TeachingUnit ; rdfs:label "UE 7"@fr ; pk:hasCourse [ a pk:Course ] .'],
    )
    blank = [r for r in report.results if r.source_shape == URIRef(PKS + "LabelRequired")]
    assert blank and blank[0].label("fr") == "(Course sans libellé, dans « UE 7 »)"
    text = to_text(report, "fr")
    assert "(Course sans libellé, dans « UE 7 »)" in text
    assert not re.search(r"(^|\s)_:\w", text)


def test_turtle_report_is_the_standard_shacl_graph(reports: dict) -> None:
    report = reports["sparql"]
    text = to_turtle(report)
    assert text == to_turtle(report)  # deterministic
    graph = Graph().parse(data=text, format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is False
    assert len(list(graph.objects(node, SH.result))) == len(report.results)
    shapes = Graph().parse(SHAPES)
    assert {r.key() for r in read_report(graph, shapes)} == report.keys()
    messages = {(m.language, str(m)) for m in graph.objects(None, SH.resultMessage)}
    assert (
        "fr",
        "Les UE de ce semestre qui donnent des crédits totalisent 28 ECTS au lieu de 30.",
    ) in messages


def test_turtle_report_of_a_conforming_graph() -> None:
    report = validate_files([ONTOLOGY], SHAPES, engine="sparql")
    assert report.conforms
    graph = Graph().parse(data=to_turtle(report), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is True


def test_json_report_lists_documented_results(reports: dict) -> None:
    report = reports["pyshacl"]
    items = json.loads(to_json(report, "en"))
    assert isinstance(items, list) and len(items) == len(report.results)
    keys = {
        "focusNode",
        "focusLabel",
        "severity",
        "path",
        "message",
        "messages",
        "sourceShape",
        "sourceConstraintComponent",
        "sourceConstraint",
        "value",
    }
    assert all(set(item) == keys for item in items)
    ects = [i for i in items if i["sourceShape"] == PKS + "SemesterEctsTotal"]
    assert ects and ects[0]["focusNode"]["type"] == "uri"
    assert ects[0]["messages"]["fr"].startswith("Les UE de ce semestre")
    assert ects[0]["message"].startswith("The units of this semester")
    unit = next(i for i in items if i["sourceShape"] == PKS + "UnitEcts")
    assert unit["path"] == "<https://w3id.org/progkg/ontology#ects>"
    assert unit["severity"] == "Warning" and unit["value"] is None


# --- the command line -------------------------------------------------------------------------


def test_cli_exit_0_on_the_seeds(built: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    monkeypatch.setenv("PROGKG_HOME", str(REPO))
    for engine in ENGINES:
        code, out, err = run_cli(["validate", "--engine", engine], capsys)
        assert code == 0, err
        assert "0 violations" in out
        assert "Semestre 1 — Master Science politique" in out
    code, out, _ = run_cli(["validate", "--summary", "-q"], capsys)
    assert code == 0
    assert "pks:SemesterEctsTotal — Semestre dont les UE ne totalisent pas 30 ECTS" in out
    assert "<https://" not in out  # the summary only: no item listed
    code, out, _ = run_cli(["validate", "--format", "json", "-q"], capsys)
    assert code == 0 and isinstance(json.loads(out), list)
    code, out, _ = run_cli(["validate", "--format", "turtle", "-q"], capsys)
    assert code == 0 and "sh:ValidationReport" in out


def test_cli_exit_1_on_a_violation(project: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    (project / "data" / "seeds" / "broken-course.ttl").write_text(
        PREFIXES + 'ex:orphan a pk:Parcours ; rdfs:label "Parcours sans formation"@fr .\n', encoding="utf-8"
    )
    out_dir = tmp_path / "build"
    build(paths.resources(project), out_dir)
    monkeypatch.setenv("PROGKG_BUILD", str(out_dir))
    monkeypatch.setenv("PROGKG_HOME", str(project))
    for engine in ENGINES:
        code, out, err = run_cli(["validate", "--engine", engine, "--lang", "en"], capsys)
        assert code == 1, err
        assert "DOES NOT CONFORM: 1 violation," in out
        assert "Parcours sans formation" in out
        assert "Orphan track: it belongs to no programme" in out


def test_store_mode_and_fallback_give_the_same_report(built: Path, tmp_path: Path) -> None:
    import shutil

    memory = validate(built, shapes_file=SHAPES)
    in_place = validate(built, shapes_file=SHAPES, data="store")
    assert memory.keys() == in_place.keys() and memory.results
    copy = tmp_path / "build"
    shutil.copytree(built, copy, symlinks=True)
    (copy / "progkg.nq").unlink()  # no dump: the store is queried in place
    assert validate(copy, shapes_file=SHAPES).keys() == memory.keys()


def test_cli_exit_2_without_a_build(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(tmp_path / "nothing"))
    monkeypatch.setenv("PROGKG_HOME", str(REPO))
    for engine in ENGINES:
        code, out, err = run_cli(["validate", "--engine", engine], capsys)
        assert code == 2
        assert "run `progkg build` first" in err
        assert "Traceback" not in err and out == ""


def test_cli_exit_2_on_a_broken_shapes_file(built: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<urn:s> a sh:NodeShape ;\n", encoding="utf-8"
    )
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    code, _out, err = run_cli(["validate", "--shapes", str(bad)], capsys)
    assert code == 2
    assert f"{bad}:4" in err
    code, _out, err = run_cli(["validate", "--shapes", str(tmp_path / "missing.ttl")], capsys)
    assert code == 2 and "missing" in err


def test_cli_hands_a_shape_the_fast_engine_cannot_compile_to_pyshacl(
    built: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Issue 16: no more exit 2 for what the fast engine does not compile: the whole run goes to
    pyshacl, said in one line (here sh:property two levels under property shapes: course →
    its unit → the unit's semester)."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix pk: <https://w3id.org/progkg/ontology#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass pk:Course ;\n"
        "  sh:property [ sh:path [ sh:inversePath pk:hasCourse ] ;\n"
        "    sh:property [ sh:path [ sh:inversePath pk:hasUnit ] ;\n"
        "      sh:property [ sh:path <urn:nothing> ; sh:minCount 1 ] ] ] .\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    code, out, err = run_cli(["validate", "--quiet", "--format", "json", "--shapes", str(shapes)], capsys)
    assert code == 1
    notices = [line for line in err.splitlines() if "validating with pyshacl" in line]
    assert len(notices) == 1 and "two levels under property shapes" in notices[0]
    results = json.loads(out)
    assert results and {r["path"] for r in results} == {"<urn:nothing>"}
    assert {r["sourceConstraintComponent"] for r in results} == {str(SH.MinCountConstraintComponent)}


def test_cli_nested_property_shapes_run_on_the_fast_engine(
    built: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """sh:property under a property shape (issue 16): checked on the outer shape's value nodes —
    here the units holding courses — on the fast engine."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix pk: <https://w3id.org/progkg/ontology#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass pk:Course ; sh:property [\n"
        "  sh:path [ sh:inversePath pk:hasCourse ] ;\n"
        "  sh:property [ sh:path <urn:nothing> ; sh:minCount 1 ] ] .\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    code, out, err = run_cli(["validate", "--quiet", "--format", "json", "--shapes", str(shapes)], capsys)
    assert code == 1 and "pyshacl" not in err
    results = json.loads(out)
    assert results and {r["path"] for r in results} == {"<urn:nothing>"}
    # the nested shape's focus nodes are the outer shape's value nodes: the units holding courses
    units = {
        q.subject.value
        for q in ox.parse(path=str(built / "progkg.nq"), format=ox.RdfFormat.N_QUADS)
        if q.predicate.value == "https://w3id.org/progkg/ontology#hasCourse"
    }
    assert {r["focusNode"]["value"] for r in results} == units


def test_cli_closed_shapes_run_on_the_fast_engine(built: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """sh:closed is compiled (issue 16): a closed shape without properties refuses every property."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix pk: <https://w3id.org/progkg/ontology#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass pk:Course ; sh:closed true .\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    code, out, err = run_cli(["validate", "--quiet", "--format", "json", "--shapes", str(shapes)], capsys)
    assert code == 1 and "pyshacl" not in err
    results = json.loads(out)
    closed = str(SH.ClosedConstraintComponent)
    assert results and {r["sourceConstraintComponent"] for r in results} == {closed}
    assert all(r["path"] and r["value"] for r in results)


def test_cli_help_documents_exit_codes(capsys) -> None:
    code, out, _ = run_cli(["validate", "--help"], capsys)
    assert code == 0
    for line in ("0  no violation", "1  at least one violation", "2  error"):
        assert line in out
    code, _out, err = run_cli(["validate", "--engine", "fast"], capsys)
    assert code == 2 and "fast" in err

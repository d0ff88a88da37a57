"""`progkg validate --changed`: re-validating only what a rebuild changed gives exactly the
results of a full run.

The key test is differential: edit one or two source graphs (of the seeds, and of a graph
from bench/generate.py with planted errors), rebuild, and compare ``validate --changed``
with a full validation — same results (focus nodes, paths, values, severities, shapes,
components, messages, labels), same JSON and Turtle bytes. Several edits reach focus nodes
two or three links away from the changed triple (a course's hours change its programme's
declared total; a unit's ECTS its semester's total), and a test checks that those cases do
depend on the walk (with the walk cut off, the results differ). Each fallback to a full run
is tested, and the command line with its exit codes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from progkg import paths
from progkg.build import build
from progkg.cli import main
from progkg.validate import load_memory_store, validate, validate_store
from progkg.validation import incremental
from progkg.validation.formats import to_json, to_turtle
from progkg.validation.report import ValidationReport

#: Slow: each test validates generated graphs in full and incrementally (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PKS = "https://w3id.org/progkg/shapes#"


def _load_generator():
    spec = importlib.util.spec_from_file_location("progkg_bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _quiet(_: str) -> None:
    return None


def shapes_of(project: Path) -> Path:
    return project / "ontology" / "shapes.ttl"


def rebuild(project: Path) -> Path:
    build_dir = project / "build"
    build(paths.resources(project), build_dir)
    return build_dir


def full_without_record(project: Path) -> ValidationReport:
    """A full validation of the current build that records nothing (the reference)."""
    store = load_memory_store(project / "build" / "progkg.nq")
    return validate_store(store, shapes_of(project))


def changed_run(project: Path) -> tuple[ValidationReport, list[str]]:
    messages: list[str] = []
    report = validate(
        project / "build", shapes_file=shapes_of(project), changed=True, progress=messages.append
    )
    return report, messages


def assert_incremental_equals_full(project: Path) -> tuple[ValidationReport, list[str]]:
    """--changed ran incrementally (no fallback) and gave exactly a full run's report."""
    report, messages = changed_run(project)
    assert not any("validating everything" in m for m in messages), messages
    assert any("re-validating" in m for m in messages), messages
    reference = full_without_record(project)
    assert report.keys() == reference.keys()
    got = {r.key(): (r.messages, r.labels) for r in report.results}
    want = {r.key(): (r.messages, r.labels) for r in reference.results}
    assert got == want
    for lang in ("fr", "en"):
        assert to_json(report, lang) == to_json(reference, lang)
    assert to_turtle(report) == to_turtle(reference)
    assert report.triples == reference.triples
    return report, messages


def findings(report: ValidationReport) -> set[tuple]:
    return {(r.key(), r.messages) for r in report.results}


def revalidated(messages: list[str]) -> int:
    line = next(m for m in messages if "re-validating" in m)
    return int(re.search(r"re-validating ([\d,]+) focus", line).group(1).replace(",", ""))


# --- the seeds ---------------------------------------------------------------------------------


@pytest.fixture
def seeds(project: Path) -> Path:
    """The seeds built and validated once (so that a record exists)."""
    rebuild(project)
    validate(project / "build", shapes_file=shapes_of(project))
    return project


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


PARIS1 = "data/seeds/paris1-m2-cipt.ttl"
RNCP = "data/seeds/rncp24759.ttl"


def remove_course_hours(project: Path) -> None:
    # a course of a programme that declares its hour totals: the programme's sum changes
    edit(project / PARIS1, "pk:hoursCM 20 ; pk:hoursTD 0 .", "pk:hoursTD 0 .")


def change_unit_ects(project: Path) -> None:
    edit(project / RNCP, "    pk:ects 6 ;", "    pk:ects 7 ;")


def delete_a_label(project: Path) -> None:
    label = '    rdfs:label "Université Paris 1 Panthéon-Sorbonne"@fr ;\n'
    edit(project / "data/seeds/paris1-m2-cipt.ttl", label, "")


EXTRA = """@prefix pk: <https://w3id.org/progkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix x: <https://w3id.org/progkg/id/test/> .
"""


def add_malformed_rome_code(project: Path) -> None:
    (project / "data/seeds/extra-rome.ttl").write_text(
        EXTRA + 'x:rome-bad a pk:RomeCode ; skos:notation "Z12" ; skos:prefLabel "Code mal formé"@fr .\n',
        encoding="utf-8",
    )


def add_a_parcours(project: Path) -> None:
    programme = "<" + ID + "programme/paris1/master-communication-politique-et-publique>"
    text = (project / PARIS1).read_text(encoding="utf-8")
    match = re.search(r"pk:partOf (\S+) ;", text)
    assert match, "the Paris 1 parcours names its programme"
    programme = match.group(1)
    prefixes = "".join(line + "\n" for line in text.splitlines() if line.startswith("@prefix"))
    (project / "data/seeds/extra-parcours.ttl").write_text(
        prefixes
        + f"""<{ID}test/parcours-new> a pk:Parcours ; rdfs:label "Nouveau parcours"@fr ;
    pk:partOf {programme} ; pk:hasSemester <{ID}test/parcours-new-s1> .
<{ID}test/parcours-new-s1> a pk:Semester ; rdfs:label "S1"@fr ; pk:semesterNumber 1 ;
    pk:hasUnit <{ID}test/parcours-new-ue1> .
<{ID}test/parcours-new-ue1> a pk:TeachingUnit ; rdfs:label "UE 1"@fr ; pk:ects 12 .
""",
        encoding="utf-8",
    )


SEED_EDITS = [
    ("remove a course's hours", [remove_course_hours]),
    ("change a unit's ECTS", [change_unit_ects]),
    ("delete a label", [delete_a_label]),
    ("add a malformed ROME code", [add_malformed_rome_code]),
    ("add a new parcours", [add_a_parcours]),
    ("two graphs at once", [remove_course_hours, change_unit_ects]),
]


@pytest.mark.parametrize("name,edits", SEED_EDITS, ids=[e[0] for e in SEED_EDITS])
def test_seed_edits_give_the_full_results(seeds: Path, name: str, edits) -> None:
    before = findings(full_without_record(seeds))
    for apply in edits:
        apply(seeds)
    rebuild(seeds)
    report, messages = assert_incremental_equals_full(seeds)
    assert findings(report) != before, "the edit must change the results, or the test proves nothing"


def test_a_course_s_hours_change_its_programme_s_total_three_links_away(seeds: Path) -> None:
    remove_course_hours(seeds)
    rebuild(seeds)
    report, messages = assert_incremental_equals_full(seeds)
    totals = [r for r in report.results if str(r.source_shape) == PKS + "ProgrammeDeclaredHours"]
    assert totals, "the programme's declared total no longer matches its courses"
    # programme → semester → unit → course: three links from the changed triple
    assert all("/parcours/" in str(r.focus) or "/programme/" in str(r.focus) for r in totals)


def test_then_a_second_changed_run_on_the_incremental_record(seeds: Path) -> None:
    """A --changed run records its own results: the next one builds on them."""
    change_unit_ects(seeds)
    rebuild(seeds)
    assert_incremental_equals_full(seeds)
    delete_a_label(seeds)
    rebuild(seeds)
    assert_incremental_equals_full(seeds)
    _, messages = assert_incremental_equals_full(seeds)  # nothing changed since
    assert "0 graphs changed: 0 quads added, 0 removed; re-validating 0 focus nodes" in messages


def test_the_walk_matters_cut_off_it_gives_wrong_results(seeds: Path, monkeypatch) -> None:
    """With each check's reach cut to the changed nodes themselves, the programme and
    semester totals two and three links away would be missed: the walk is what finds them."""
    remove_course_hours(seeds)
    change_unit_ects(seeds)
    rebuild(seeds)
    real = incremental.check_reach

    def shallow(check, targets, cache=None):
        reach = real(check, targets, cache)
        if reach is None:
            return None
        return incremental.Reach(frozenset((p, 0) for p, _ in reach.uses), reach.walks, reach.literals)

    monkeypatch.setattr(incremental, "check_reach", shallow)
    report, messages = changed_run(seeds)
    reference = full_without_record(seeds)
    missed = findings(reference) - findings(report)
    assert missed, "the edits must reach focus nodes beyond the changed triples"
    shapes = {str(k[0][3]) for k in missed}
    # the programme's total (three links), the semester's ECTS and hours (one and two links)
    assert {PKS + "ProgrammeDeclaredHours", PKS + "SemesterEctsTotal"} <= shapes
    assert shapes <= {
        PKS + "ProgrammeDeclaredHours",
        PKS + "SemesterEctsTotal",
        PKS + "SemesterDeclaredHours",
    }


# --- a generated graph with planted errors ----------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "g.nq"
    gen.generate(20_000, 11, out, rome_dir=None, progress=_quiet, error_rate=10)
    return out


@pytest.fixture
def genproject(project: Path, generated: Path) -> Path:
    shutil.rmtree(project / "data" / "seeds")  # the seeds cite real ROME codes
    imports = project / "build" / "imports"
    imports.mkdir(parents=True)
    (imports / "bench.nq").write_bytes(generated.read_bytes())
    rebuild(project)
    validate(project / "build", shapes_file=shapes_of(project))
    return project


def bench_lines(project: Path) -> list[str]:
    return (project / "build" / "imports" / "bench.nq").read_text(encoding="utf-8").splitlines(keepends=True)


def write_bench(project: Path, lines: list[str]) -> None:
    (project / "build" / "imports" / "bench.nq").write_text("".join(lines), encoding="utf-8")


def brochure_graphs(lines: list[str]) -> list[str]:
    found = sorted({line.rsplit(" ", 2)[-2] for line in lines if "/graph/seeds/gen-" in line})
    assert len(found) >= 2
    return found


def gen_remove_hours(project: Path) -> None:
    """Both hours of one course: the course warns, and its semester's and programme's sums change."""
    lines = bench_lines(project)
    graph = brochure_graphs(lines)[0]
    in_graph = [line for line in lines if line.rstrip().endswith(graph + " .")]
    course = next(line.split(" ")[0] for line in in_graph if f"<{PK}hoursCM>" in line)
    hours = (f"{course} <{PK}hoursCM> ", f"{course} <{PK}hoursTD> ")
    kept = [line for line in lines if not line.startswith(hours)]
    assert len(kept) < len(lines)
    write_bench(project, kept)


def gen_change_ects(project: Path) -> None:
    lines = bench_lines(project)
    graph = brochure_graphs(lines)[1]
    for i, line in enumerate(lines):
        if line.rstrip().endswith(graph + " .") and f"<{PK}ects>" in line and "/s1-ue1>" in line:
            value = int(re.search(r'"(\d+)"', line).group(1))
            lines[i] = line.replace(f'"{value}"', f'"{value + 4}"')
            break
    else:
        raise AssertionError("no unit ECTS in the brochure graph")
    write_bench(project, lines)


def gen_fix_planted_errors(project: Path) -> None:
    """Remove the offending values of a few violations (malformed codes, ill-typed numbers…)."""
    report = full_without_record(project)
    fixed = 0
    lines = bench_lines(project)
    for result in report.results:
        if (
            result.severity != "Violation"
            or result.value is None
            or not isinstance(result.path, type(result.focus))
        ):
            continue
        value = result.value.n3() if hasattr(result.value, "n3") else str(result.value)
        prefix = f"<{result.focus}> <{result.path}> {value} "
        keep = [line for line in lines if not line.startswith(prefix)]
        if len(keep) < len(lines):
            lines = keep
            fixed += 1
        if fixed == 3:
            break
    assert fixed, "the generated graph has planted violations with a value"
    write_bench(project, lines)


def gen_delete_label(project: Path) -> None:
    lines = bench_lines(project)
    graph = brochure_graphs(lines)[0]
    for i, line in enumerate(lines):
        if (
            line.rstrip().endswith(graph + " .")
            and f"<{RDFS_LABEL}>" in line
            and re.search(r"/s\d+>$", line.split(" ")[0])
        ):
            del lines[i]
            break
    else:
        raise AssertionError("no semester label in the brochure graph")
    write_bench(project, lines)


def gen_add_malformed_rome(project: Path) -> None:
    lines = bench_lines(project)
    graph = brochure_graphs(lines)[0]
    lines.append(
        f"<{ID}test/bad-rome> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PK}RomeCode> {graph} .\n"
        f'<{ID}test/bad-rome> <http://www.w3.org/2004/02/skos/core#notation> "K12" {graph} .\n'
    )
    write_bench(project, lines)


GEN_EDITS = [
    ("remove hours", gen_remove_hours),
    ("change ECTS", gen_change_ects),
    ("fix planted errors", gen_fix_planted_errors),
    ("delete a label", gen_delete_label),
    ("add a malformed ROME code", gen_add_malformed_rome),
]


@pytest.mark.parametrize("name,apply", GEN_EDITS, ids=[e[0] for e in GEN_EDITS])
def test_generated_graph_edits_give_the_full_results(genproject: Path, name: str, apply) -> None:
    before = full_without_record(genproject)
    apply(genproject)
    rebuild(genproject)
    report, messages = assert_incremental_equals_full(genproject)
    assert findings(report) != findings(before), "the edit must change the results"
    assert revalidated(messages) < len(before.results), "only a part of the graph is re-validated"


# --- fallbacks -----------------------------------------------------------------------------------


def assert_falls_back(project: Path, reason: str) -> ValidationReport:
    report, messages = changed_run(project)
    assert any(reason in m and "validating everything" in m for m in messages), messages
    assert report.keys() == full_without_record(project).keys()
    return report


def test_falls_back_without_a_record(project: Path) -> None:
    rebuild(project)
    assert_falls_back(project, "no earlier validation is recorded")
    # that full run recorded its results: the next one is incremental
    assert_incremental_equals_full(project)


def test_falls_back_when_the_ontology_changes(seeds: Path) -> None:
    with open(seeds / "ontology" / "progkg.ttl", "a", encoding="utf-8") as fh:
        fh.write(f'\n<{PK}Course> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n')
    rebuild(seeds)
    assert_falls_back(seeds, "the ontology or the class hierarchy changed")


def test_falls_back_when_a_subclass_is_declared_in_the_data(seeds: Path) -> None:
    (seeds / "data/seeds/extra-class.ttl").write_text(
        EXTRA + "x:Special <http://www.w3.org/2000/01/rdf-schema#subClassOf> pk:Course .\n", encoding="utf-8"
    )
    rebuild(seeds)
    assert_falls_back(seeds, "the ontology or the class hierarchy changed")


def test_falls_back_when_the_shapes_change(seeds: Path) -> None:
    shapes = shapes_of(seeds)
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert_falls_back(seeds, "the shapes")


def test_falls_back_when_the_engine_differs(seeds: Path) -> None:
    messages: list[str] = []
    validate(
        seeds / "build",
        shapes_file=shapes_of(seeds),
        engine="pyshacl",
        changed=True,
        progress=messages.append,
    )
    assert any("pyshacl engine can only validate the whole graph" in m for m in messages)
    # the last run is now a pyshacl one: a sparql --changed run does not trust it
    assert_falls_back(seeds, "the last validation used the pyshacl engine")


def test_falls_back_when_too_much_changed(genproject: Path) -> None:
    lines = bench_lines(genproject)
    write_bench(genproject, lines[: len(lines) // 2])
    rebuild(genproject)
    assert_falls_back(genproject, "more than 30% of the quads changed")


def test_falls_back_on_an_incomplete_record(seeds: Path) -> None:
    folder = seeds / "build" / "validation"
    data = folder / "data.nq"
    data.unlink()
    data.write_bytes(b"")  # another file than the one the results were recorded with
    assert_falls_back(seeds, "the recorded validation is incomplete")
    (folder / "results.json").write_text("{not json", encoding="utf-8")
    assert_falls_back(seeds, "cannot be read")


def test_the_record_keeps_the_validated_dump_by_a_hard_link(seeds: Path) -> None:
    build_dir = seeds / "build"
    data = build_dir / "validation" / "data.nq"
    assert os.path.samefile(data, build_dir / "progkg.nq")
    old = data.read_bytes()
    remove_course_hours(seeds)
    rebuild(seeds)
    # the build replaced progkg.nq by a new file: the record still holds the old one
    assert not os.path.samefile(data, build_dir / "progkg.nq")
    assert data.read_bytes() == old
    payload = json.loads((build_dir / "validation" / "results.json").read_bytes())
    assert payload["engine"] == "sparql" and payload["quads"] == old.count(b"\n")


# --- the command line -----------------------------------------------------------------------------


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_cli_changed_exit_codes_and_output(seeds: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PROGKG_HOME", str(seeds))
    monkeypatch.setenv("PROGKG_BUILD", str(seeds / "build"))
    code, out, err = run_cli(["validate", "--changed", "--format", "json"], capsys)
    assert code == 0, err
    assert "0 graphs changed" in err
    delete_a_label(seeds)  # a violation: exit 1
    rebuild(seeds)
    code, out, err = run_cli(["validate", "--changed", "--format", "json"], capsys)
    assert code == 1, err
    assert re.search(
        r"1 graph changed: [\d,]+ quads added, [\d,]+ removed; re-validating [\d,]+ focus nodes", err
    )
    full_code, full_out, _ = run_cli(["validate", "--format", "json"], capsys)
    assert full_code == 1 and full_out == out
    assert any(r["severity"] == "Violation" for r in json.loads(out))
    code, out, err = run_cli(["validate", "--changed", "--format", "turtle", "--quiet"], capsys)
    assert code == 1 and err == ""


def test_cli_changed_without_a_build_is_an_error(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(tmp_path / "build"))
    code, out, err = run_cli(["validate", "--changed"], capsys)
    assert code == 2
    assert "run `progkg build` first" in err


def test_a_killed_validation_s_link_is_swept(seeds: Path) -> None:
    """A validation killed between linking the dump and recording leaves a link holding a
    whole old dump: the next validation removes it (but not a running one's)."""
    import subprocess

    folder = seeds / "build" / "validation"
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = folder / f".data.nq.{dead.pid}.tmp"
    alive = folder / f".data.nq.{os.getppid()}.tmp"
    os.link(folder / "data.nq", stale)
    os.link(folder / "data.nq", alive)  # a running process's: left alone
    try:
        validate(seeds / "build", shapes_file=shapes_of(seeds), changed=True)
        assert not stale.exists()
        assert alive.exists()
    finally:
        alive.unlink(missing_ok=True)

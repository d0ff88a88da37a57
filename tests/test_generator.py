"""bench/generate.py: the national-scale graph generator, at small sizes.

The generator feeds the benchmarks and the differential validation tests, so what matters is
that its output is deterministic, of the size asked, valid N-Quads in the project's ontology,
internally linked (no dangling ROME links except the planted ones), that the planted errors
are really in the data, and that `progkg build` accepts it.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO, shared_data_or_skip
from rdflib import Graph, URIRef
from rdflib import namespace as rns
from rdflib.namespace import PROV, RDF, SKOS

from progkg import paths
from progkg.build import build
from progkg.rdfio import check_literal
from progkg.store import open_store

PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"


def _load_generator():
    spec = importlib.util.spec_from_file_location("progkg_bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _quiet(_: str) -> None:
    return None


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """20,000 triples on the synthetic ROME, with planted errors ten times as frequent."""
    out = tmp_path_factory.mktemp("gen") / "g.nq"
    report = gen.generate(20_000, 7, out, rome_dir=None, progress=_quiet, error_rate=10)
    return out, report


@pytest.fixture(scope="module")
def quads(synthetic) -> list[ox.Quad]:
    return list(ox.parse(path=str(synthetic[0]), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def mem(quads) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def _select(store: ox.Store, query: str) -> list[tuple]:
    prefixes = f"PREFIX pk: <{PK}>\nPREFIX skos: <{SKOS}>\n"
    return [
        tuple(None if v is None else v.value for v in row)
        for row in store.query(prefixes + query, use_default_graph_as_union=True)
    ]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        gen.generate(10_000, seed, tmp_path / f"{name}.nq", rome_dir=None, progress=_quiet)
    a = (tmp_path / "a.nq").read_bytes()
    assert a == (tmp_path / "b.nq").read_bytes()
    assert a != (tmp_path / "c.nq").read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file was left behind"


@pytest.mark.parametrize("size", [10_000, 20_000, 40_000])
def test_size_is_within_two_percent(tmp_path: Path, size: int) -> None:
    out = tmp_path / "g.nq"
    report = gen.generate(size, 1, out, rome_dir=None, progress=_quiet)
    lines = out.read_bytes().count(b"\n")
    assert lines == report.triples
    assert abs(lines - size) <= 0.02 * size, (lines, size)


def test_too_small_a_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too small"):
        gen.generate(100, 1, tmp_path / "g.nq", rome_dir=None, progress=_quiet)


def test_output_parses_without_duplicates_or_ill_typed_literals(synthetic, quads) -> None:
    out, report = synthetic
    assert len(quads) == report.triples
    assert len(set(quads)) == len(quads)
    assert all(q.graph_name != ox.DefaultGraph() for q in quads), "every quad is in a named graph"
    bad = [str(q) for q in quads if isinstance(q.object, ox.Literal) and check_literal(q.object)]
    assert bad == []
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))


def test_one_named_graph_per_source(quads) -> None:
    graphs = {q.graph_name.value for q in quads}
    brochures = [g for g in graphs if g.startswith("https://w3id.org/progkg/graph/seeds/gen-")]
    assert len(brochures) >= 5
    assert {gen.GRAPH_RNCP, gen.GRAPH_ROME, gen.GRAPH_MAPPINGS, gen.GRAPH_VOCAB} <= graphs
    # every brochure graph says where it comes from
    derived = {q.subject.value for q in quads if q.predicate.value == str(PROV.wasDerivedFrom)}
    assert set(brochures) <= derived


def _ontology_terms() -> set[str]:
    g = Graph().parse(REPO / "ontology" / "progkg.ttl")
    return {str(s) for s in g.subjects(RDF.type, None) if str(s).startswith(PK)}


def _standard(term: str) -> bool:
    uri = URIRef(term)
    # rdflib's closed namespaces know every term of these vocabularies (SDO is schema.org)
    standard = (rns.RDF, rns.RDFS, rns.SKOS, rns.DCTERMS, rns.PROV, rns.ORG, rns.FOAF, rns.OWL, rns.SDO)
    return any(uri in ns for ns in standard)


def test_only_terms_of_the_ontology_or_standard_vocabularies(quads) -> None:
    defined = _ontology_terms()
    predicates = {q.predicate.value for q in quads}
    classes = {q.object.value for q in quads if q.predicate.value == str(RDF.type)}
    unknown = sorted(t for t in predicates | classes if t not in defined and not _standard(t))
    assert unknown == []
    # and the generated world really uses the core of the ontology
    for term in ("Programme", "Parcours", "Semester", "TeachingUnit", "Course", "Certification"):
        assert PK + term in classes
    for term in ("partOf", "hasSemester", "ects", "hoursCM", "hoursTD", "compulsory", "hasBlock", "rome"):
        assert PK + term in predicates
    assert str(SKOS.exactMatch) in predicates


def test_structure_follows_the_modelling_conventions(mem) -> None:
    # common semesters on the programme, later ones on the parcours
    rows = _select(
        mem,
        """SELECT ?n (COUNT(*) AS ?c) WHERE { ?prog a pk:Programme ; pk:hasSemester ?s .
           ?s pk:semesterNumber ?n } GROUP BY ?n""",
    )
    on_programmes = {int(n) for n, _ in rows}
    rows = _select(
        mem, "SELECT DISTINCT ?n WHERE { ?p a pk:Parcours ; pk:hasSemester ?s . ?s pk:semesterNumber ?n }"
    )
    on_parcours = {int(n) for (n,) in rows}
    assert on_programmes <= {1, 2, 3, 4} and on_parcours <= {3, 4, 5, 6}
    assert {1, 2} <= on_programmes and {3, 4} <= on_parcours
    # every parcours is part of a programme that lists it
    orphans = _select(
        mem,
        """SELECT ?p WHERE { ?p a pk:Parcours .
           FILTER NOT EXISTS { ?prog pk:hasParcours ?p ; a pk:Programme } }""",
    )
    assert orphans == []
    # certifications: official IRIs with blocks and competencies
    certs = _select(
        mem,
        """SELECT ?c ?code (COUNT(DISTINCT ?comp) AS ?n) WHERE {
           ?c a pk:Certification ; pk:rncpCode ?code ; pk:hasBlock ?b . ?b pk:hasCompetency ?comp }
           GROUP BY ?c ?code""",
    )
    assert certs
    for iri, code, n in certs:
        assert re.fullmatch(r"RNCP[0-9]+", code) and iri == f"{ID}rncp/{code}" and int(n) >= 2
    # no person's name: contacts are roles with functional mailboxes
    emails = [
        e for (e,) in _select(mem, "SELECT ?e WHERE { ?c a pk:ContactPoint ; <https://schema.org/email> ?e }")
    ]
    assert emails and all(
        re.fullmatch(r"(scolarite|fc|alternance)-[a-z0-9-]+@univ-[a-z0-9]+\.fr", e) for e in emails
    )


def test_rome_links_resolve_except_the_planted_bad_codes(mem, synthetic) -> None:
    _, report = synthetic
    declared = {
        iri
        for (iri,) in _select(mem, f"SELECT ?c WHERE {{ GRAPH <{gen.GRAPH_ROME}> {{ ?c a pk:RomeCode }} }}")
    }
    cited = {iri for (iri,) in _select(mem, "SELECT DISTINCT ?c WHERE { ?x pk:rome ?c }")}
    assert cited - declared == set(report.planted["bad-rome-code"])
    for prop in ("parentCode", "mobilityTo", "romeCode"):
        targets = {iri for (iri,) in _select(mem, f"SELECT DISTINCT ?c WHERE {{ ?x pk:{prop} ?c }}")}
        assert targets and targets <= declared, prop
    apps = {iri for (iri,) in _select(mem, "SELECT ?a WHERE { ?a a pk:RomeAppellation }")}
    mapped = _select(mem, "SELECT ?j ?a WHERE { ?j skos:exactMatch ?a }")
    assert mapped and all(a in apps for _, a in mapped)
    # mapped job titles are brochure job titles some parcours leads to
    leads = {j for (j,) in _select(mem, "SELECT DISTINCT ?j WHERE { ?p pk:leadsTo ?j }")}
    assert {j for j, _ in mapped} <= leads
    # and some job titles are left unmapped, for data-gaps to find
    assert leads - {j for j, _ in mapped}


def test_planted_errors_are_in_the_data(mem, synthetic) -> None:
    _, report = synthetic
    planted = report.planted
    assert set(planted) == {
        "semester-ects-not-30",
        "course-without-hours",
        "unit-without-ects",
        "declared-hours-mismatch",
        "bad-rome-code",
    }
    # semesters whose units do not add up to 30 ECTS
    units_without = set(planted["unit-without-ects"])
    sem_of_unit = dict(_select(mem, "SELECT ?u ?s WHERE { ?s pk:hasUnit ?u }"))
    rows = _select(
        mem,
        """SELECT ?s (SUM(?e) AS ?total) WHERE { ?s a pk:Semester ; pk:hasUnit ?u .
           OPTIONAL { ?u pk:ects ?e } } GROUP BY ?s""",
    )
    off = {s for s, total in rows if total is None or float(total) != 30}
    assert set(planted["semester-ects-not-30"]) <= off
    assert off <= set(planted["semester-ects-not-30"]) | {sem_of_unit[u] for u in units_without}
    # units without ECTS, courses without hours: exactly the planted ones
    no_ects = {
        u
        for (u,) in _select(
            mem, "SELECT ?u WHERE { ?u a pk:TeachingUnit FILTER NOT EXISTS { ?u pk:ects ?e } }"
        )
    }
    assert no_ects == units_without
    no_hours = {
        c
        for (c,) in _select(mem, "SELECT ?c WHERE { ?c a pk:Course FILTER NOT EXISTS { ?c pk:hoursCM ?h } }")
    }
    assert no_hours == set(planted["course-without-hours"])
    # malformed ROME codes: exactly the planted ones
    notations = _select(mem, "SELECT ?c ?n WHERE { ?c a pk:RomeCode ; skos:notation ?n }")
    malformed = {c for c, n in notations if not re.fullmatch(r"[A-N][0-9]{4}", n)}
    assert malformed == set(planted["bad-rome-code"])
    # declared CM totals that differ from the sum of the compulsory courses
    sums: dict[str, int] = defaultdict(int)
    for sem, cm in _select(
        mem,
        """SELECT ?s ?cm WHERE { ?s pk:declaredHoursCM ?d ; pk:hasUnit ?u . ?u pk:hasCourse ?c .
           ?c pk:compulsory true ; pk:hoursCM ?cm }""",
    ):
        sums[sem] += int(cm)
    declared = dict(_select(mem, "SELECT ?s ?d WHERE { ?s pk:declaredHoursCM ?d }"))
    differ = {s for s, d in declared.items() if int(d) != sums[s]}
    assert set(planted["declared-hours-mismatch"]) <= differ
    course_sem = {
        c: s for c, s in _select(mem, "SELECT ?c ?s WHERE { ?s pk:hasUnit ?u . ?u pk:hasCourse ?c }")
    }
    assert differ <= set(planted["declared-hours-mismatch"]) | {
        course_sem[c] for c in planted["course-without-hours"]
    }


def test_no_errors_planted_at_rate_zero(tmp_path: Path) -> None:
    report = gen.generate(10_000, 2, tmp_path / "g.nq", rome_dir=None, progress=_quiet, error_rate=0)
    assert report.planted == {}


def test_builds_into_the_store_with_progkg_build(project: Path, synthetic) -> None:
    out, report = synthetic
    # the seeds cite real ROME codes, which a synthetic ROME release lacks: build without them
    shutil.rmtree(project / "data" / "seeds")
    build_dir = project / "build"
    (build_dir / "imports").mkdir(parents=True)
    (build_dir / "imports" / "bench.nq").write_bytes(out.read_bytes())
    result = build(paths.resources(project), build_dir)
    assert gen.GRAPH_ROME in result.triples_per_graph
    ours = {gen.GRAPH_ROME, gen.GRAPH_RNCP, gen.GRAPH_MAPPINGS, gen.GRAPH_VOCAB}
    generated = sum(n for g, n in result.triples_per_graph.items() if g in ours or "/seeds/gen-" in g)
    assert generated == report.triples
    store = open_store(build_dir)
    # a 4-hop join across sources: parcours → programme → certification → ROME code label
    rows = store.query(
        f"""PREFIX pk: <{PK}> PREFIX skos: <{SKOS}>
        SELECT ?parcours ?label WHERE {{ ?parcours pk:partOf ?prog . ?prog pk:certification ?c .
        ?c pk:rome ?r . ?r skos:prefLabel ?label }} LIMIT 5""",
        use_default_graph_as_union=True,
    )
    assert len(list(rows)) == 5


def test_command_line_writes_the_graph_and_a_manifest(tmp_path: Path) -> None:
    out, manifest = tmp_path / "g.nq", tmp_path / "m.json"
    code = gen.main(
        ["--size", "1e4", "--seed", "5", "--out", str(out), "--synthetic-rome", "--manifest", str(manifest)]
    )
    assert code == 0
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["triples"] == out.read_bytes().count(b"\n")
    assert data["rome_version"] == "synthetic" and data["counts"]["programmes"] >= 1


def test_real_rome_codes_and_job_titles_when_the_release_is_present(tmp_path: Path) -> None:
    rome_dir = shared_data_or_skip() / "rome-v460"
    out = tmp_path / "g.nq"
    report = gen.generate(20_000, 1, out, rome_dir=rome_dir, progress=_quiet)
    assert report.rome_version == "v460"
    with open(rome_dir / "unix_referentiel_code_rome_v460_utf8.csv", encoding="utf-8", newline="") as fh:
        real_codes = {row["code_rome"]: row["libelle_rome"] for row in csv.DictReader(fh)}
    with open(rome_dir / "unix_referentiel_appellation_v460_utf8.csv", encoding="utf-8", newline="") as fh:
        real_apps = {
            row["code_ogr"]: (row["libelle_appellation_long"], row["code_rome"]) for row in csv.DictReader(fh)
        }
    store = ox.Store()
    store.extend(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    codes = _select(
        store,
        f"""SELECT ?n ?l WHERE {{ GRAPH <{gen.GRAPH_ROME}> {{
            ?c a pk:RomeCode ; skos:notation ?n ; skos:prefLabel ?l }} }}""",
    )
    assert codes and all(real_codes.get(n) == label for n, label in codes)
    apps = _select(
        store,
        """SELECT ?n ?l ?code WHERE { ?a a pk:RomeAppellation ; skos:notation ?n ; skos:prefLabel ?l ;
           pk:romeCode ?c . ?c skos:notation ?code }""",
    )
    assert apps and all(real_apps.get(n) == (label, code) for n, label, code in apps)


def test_brochure_titles_take_the_masculine_side_of_rome_doublets() -> None:
    assert gen.brochure_title("Chargé / Chargée de communication") == "Chargé de communication"
    assert gen.brochure_title("Directeur / Directrice de la communication") == "Directeur de la communication"
    assert gen.brochure_title("Webmaster") == "Webmaster"

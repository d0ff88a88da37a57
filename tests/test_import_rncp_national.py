"""`progkg import rncp` at national scale: any subset of the export's members, one programme per
institution awarding a national diploma, the curated programmes as the same nodes, successions.

The fixture (tests/fixtures/rncp-national) is four members of the 2026-02-01 export with a few
real rows each (BOM, CRLF, TAB before SIRET, doubled apostrophes, a ROME domain code and a
2-digit NSF group as the real export has them) and no Standard member, like the copy in
../shared/data. Integration tests import that copy when it is there.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from import_support import FIXTURES, ID, REPO, mini_project, query

from progkg import paths
from progkg.importers.rncp import curated_keys, import_rncp
from progkg.queries import load_query, run_query

pytestmark = pytest.mark.slow

NATIONAL = FIXTURES / "rncp-national"
PARIS1 = ID + "programme/paris1/master-science-politique"
LILLE = ID + "programme/lille2/master-science-politique"
BORDEAUX = ID + "programme/siret/13001835100010/RNCP38175"
POITIERS = ID + "programme/siret/19860856400375/RNCP31506"


def project(dest: Path, alignments: bool = True) -> paths.Resources:
    """A project with the seeds, and with the curated national keys unless told otherwise."""
    mini_project(dest)
    if alignments:
        shutil.copytree(REPO / "data" / "alignments", dest / "data" / "alignments")
    return paths.resources(dest)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, paths.Resources, object]:
    res = project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("build")
    messages: list[str] = []
    report = import_rncp(NATIONAL, out, messages.append, res)
    return out, res, (report, messages)


def ask(res: paths.Resources, out: Path, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(load_query(res, name), params, build_dir=out)
    return [{k: (v or "") for k, v in zip(result.columns, row, strict=True)} for row in result.values()]


def test_absent_members_are_named_with_what_they_leave_unknown(national) -> None:
    _, _, (report, messages) = national
    standard = next(w for w in report.warnings if w.startswith("no standard table"))
    assert "titles" in standard and "ONISEP" in standard
    assert any(w.startswith("no blocs_de_competences table") for w in report.warnings)
    assert any("no voixdacces table" in m for m in messages)
    assert not any("certificateurs" in w for w in report.warnings)


def test_a_fiche_known_from_one_member_only_is_described_by_its_code(national) -> None:
    out, _, _ = national
    rows = query(
        out,
        f"SELECT ?code ?page WHERE {{ <{ID}rncp/RNCP36001> a pk:Certification ; pk:rncpCode ?code ; "
        "rdfs:seeAlso ?page }",
    )
    assert rows == [("RNCP36001", "https://www.francecompetences.fr/recherche/rncp/36001/")]
    # the ROME domain the export names instead of a code, and a 2-digit NSF group
    assert query(out, f"SELECT ?d WHERE {{ <{ID}rncp/RNCP36001> dct:subject ?d }}") == [
        (ID + "rome/domain/M18",)
    ]
    assert query(out, f"SELECT ?n WHERE {{ <{ID}rncp/RNCP37986> pk:nsf ?n }}") == [(ID + "nsf/34",)]


def test_one_programme_per_awarding_institution_the_curated_ones_reused(national) -> None:
    out, _, (report, _) = national
    rows = query(
        out,
        "SELECT ?p ?cert ?inst WHERE { GRAPH <https://w3id.org/progkg/graph/rncp> { "
        "?p a pk:Programme ; pk:certification ?cert ; pk:provider ?inst } }",
    )
    assert rows == sorted(
        [
            (LILLE, ID + "rncp/RNCP38175", ID + "org/universite-de-lille"),
            (PARIS1, ID + "rncp/RNCP38175", ID + "org/universite-paris-1-pantheon-sorbonne"),
            # Paris 1 awarded the old fiche too: the same programme, under both fiches
            (PARIS1, ID + "rncp/RNCP31506", ID + "org/universite-paris-1-pantheon-sorbonne"),
            (BORDEAUX, ID + "rncp/RNCP38175", ID + "org/siret/13001835100010"),
            # Poitiers awards the old fiche only (in this fixture): a programme of its own
            (POITIERS, ID + "rncp/RNCP31506", ID + "org/siret/19860856400375"),
        ]
    )
    assert report.counts["national programmes"] == 4
    assert report.counts["national diploma fiches"] == 2  # RNCP183 (ministry of labour) is not one
    # a curated university keeps its label; the export's name is an alternative one
    names = query(out, f"SELECT ?p ?n WHERE {{ <{ID}org/universite-de-lille> ?p ?n }} ")
    assert (str(RDFS_LABEL), "Université de Lille") in names
    assert ("http://www.w3.org/2004/02/skos/core#altLabel", "UNIVERSITE DE LILLE") in names


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_programmes_for_rome_lists_every_awarding_university_once(national) -> None:
    out, res, _ = national
    rows = ask(res, out, "programmes-for-rome", rome="K1802")
    by_programme = {r["programme"]: r["institution"] for r in rows}
    assert by_programme["MASTER - Science politique (fiche nationale) — UNIVERSITE DE BORDEAUX"] == (
        "UNIVERSITE DE BORDEAUX"
    )
    assert by_programme["RNCP31506 — UNIVERSITE DE POITIERS"] == "UNIVERSITE DE POITIERS"  # untitled
    # Paris 1 and Lille are their curated programmes, each with its parcours, never a second node
    paris = {r["programme"] for r in rows if r["institution"] == "Université Paris 1 Panthéon-Sorbonne"}
    assert paris == {"Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)"}
    lille = {r["programme"] for r in rows if r["institution"] == "Université de Lille"}
    assert lille == {"Master Science politique (Université Lille 2)"}
    assert not any("Lille 2 droit" in r["institution"] for r in rows)


def test_institutions_for_programme(national) -> None:
    out, res, _ = national
    rows = ask(res, out, "institutions-for-programme", programme="RNCP38175")
    assert [(r["institution"], r["siret"]) for r in rows] == [
        ("UNIVERSITE DE BORDEAUX", "13001835100010"),
        ("Université Paris 1 Panthéon-Sorbonne", "19751717000019"),
        ("Université de Lille", "13002975400012"),
    ]
    # the fiche's title from data/alignments (no Standard member), then the institution
    assert rows[0]["programme"] == "MASTER - Science politique (fiche nationale) — UNIVERSITE DE BORDEAUX"


def test_successions_either_way(national) -> None:
    out, res, _ = national
    new = ask(res, out, "certification-history", rncp="RNCP38175")
    assert [(r["relation"], r["other"], r["steps"]) for r in new] == [("replaced", "RNCP31506", "1")]
    old = ask(res, out, "certification-history", rncp="31506")
    assert [(r["relation"], r["other"]) for r in old] == [("replaced by", "RNCP38175")]


def test_without_curated_keys_every_programme_gets_its_national_iri(tmp_path: Path) -> None:
    res = project(tmp_path / "project", alignments=False)
    assert curated_keys(res.data).programmes == {}
    import_rncp(NATIONAL, tmp_path / "build", lambda _m: None, res)
    rows = query(tmp_path / "build", "SELECT ?p WHERE { ?p a pk:Programme ; pk:certification ?c }")
    assert (ID + "programme/siret/19751717000019/RNCP38175",) in rows
    assert (PARIS1,) not in rows


def test_the_repository_keys(tmp_path: Path) -> None:
    keys = curated_keys(REPO / "data")
    assert keys.programmes[("RNCP38175", "19751717000019")] == PARIS1
    assert keys.programmes[("RNCP38175", "13002975400012")] == LILLE
    assert keys.programmes[("RNCP35910", "13002975400012")] == ID + (
        "programme/univ-lille/master-management-de-l-innovation"
    )


# --- The real 2026 export (six members) ------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))[1:]


@pytest.mark.shared_data
def test_real_2026_export(tmp_path: Path) -> None:
    export = shared_data_or_skip() / "rncp-export-2026-02-01-partial"
    if not export.is_dir():
        pytest.skip(f"{export} is absent")
    res = project(tmp_path / "project")
    out = tmp_path / "build"
    report = import_rncp(export, out, lambda _m: None, res)
    members = {p.name.split("_CSV_")[1].rsplit("_2026", 1)[0]: _rows(p) for p in export.glob("*.csv")}
    fiches = {r[0] for rows in members.values() for r in rows}
    assert report.counts["fiches"] == len(fiches)
    assert report.counts["certifier links"] == len(members["Certificateurs"]) == 39_298
    assert report.counts["ROME links"] + report.counts["ROME domain links"] == len(members["Rome"]) == 65_070
    certifiers = [r for r in members["Certificateurs"] if r[0] == "RNCP38175"]
    assert len(certifiers) == 25
    rows = ask(res, out, "institutions-for-programme", programme="RNCP38175")
    assert len(rows) == 24  # the 25 bodies but the ministry
    names = {r["institution"] for r in rows}
    assert {"Université Paris 1 Panthéon-Sorbonne", "Université de Lille", "UNIVERSITE DE BORDEAUX"} <= names
    k1802 = ask(res, out, "programmes-for-rome", rome="K1802")
    assert names <= {r["institution"] for r in k1802}
    history = ask(res, out, "certification-history", rncp="RNCP38175")
    assert ("replaced", "RNCP31506") in {(r["relation"], r["other"]) for r in history}


def test_a_national_programme_named_by_the_kit_title_keeps_the_diploma_not_its_first_institution() -> None:
    """The kit's DEPP title of a national fiche names the first institution it met: a programme
    at another institution is not named after that one."""
    import pyoxigraph as ox

    from progkg.search import SEARCH_GRAPH, index_nquads

    g = "https://w3id.org/progkg/graph/"
    data = f"""
    <{ID}programme/siret/1/RNCP1> a <https://w3id.org/progkg/ontology#Programme> ;
        <https://w3id.org/progkg/ontology#certification> <{ID}rncp/RNCP1> ;
        <https://w3id.org/progkg/ontology#provider> <{ID}org/siret/1> .
    <{ID}org/siret/1> <http://www.w3.org/2000/01/rdf-schema#label> "UNIVERSITE PARIS 1"@fr .
    """
    store = ox.Store()
    store.bulk_load(data.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(g + "rncp"))
    kit = (
        f"<{ID}rncp/RNCP1> <http://www.w3.org/2004/02/skos/core#prefLabel> "
        '"DROIT PUBLIC (MASTER CLERMONT AUVERGNE)"@fr .'
    )
    store.bulk_load(kit.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(g + "kit"))
    index = ox.Store()
    index.bulk_load(index_nquads(store), format=ox.RdfFormat.N_QUADS)
    names = {
        q.subject.value: q.object.value
        for q in index.quads_for_pattern(None, ox.NamedNode("https://w3id.org/progkg/derived#name"), None)
        if q.graph_name == ox.NamedNode(SEARCH_GRAPH)
    }
    assert names[f"{ID}programme/siret/1/RNCP1"] == "DROIT PUBLIC (MASTER) — UNIVERSITE PARIS 1"
    assert names[f"{ID}rncp/RNCP1"] == "DROIT PUBLIC (MASTER CLERMONT AUVERGNE)"  # the fiche keeps it

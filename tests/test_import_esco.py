"""`progkg import esco` (ESCO's CSV tables) and `progkg import esco-rome` (the ESCO-ROME crosswalk).

Fixtures (tests/fixtures/esco/): a handful of real rows of ESCO v1.1.1 (three occupations, their
ISCO groups, ten of their occupation-skill relations and those skills in English), the same
concepts' French labels from the v1.2.1 download, a synthetic ``occupations_en.csv`` (English
labels for two of the occupations: the real release copy has none), and the crosswalk's real
metadata block with six of its real rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import shared_data_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_support import (
    FIXTURES,
    ID,
    ROME_FIXTURE,
    check_row_outcome,
    mini_project,
    query,
    run_cli,
    snapshot,
)

from progkg.errors import ProgkgError
from progkg.importers.common import ImportReport, NQuads, Release
from progkg.importers.esco import GRAPH, EscoWriter, generate_all, import_esco
from progkg.importers.esco_rome import generate as generate_crosswalk
from progkg.importers.esco_rome import import_esco_rome

ESCO_FIXTURE = FIXTURES / "esco"
CUT = ESCO_FIXTURE / "v1.1.1-cut"
FR_LABELS = ESCO_FIXTURE / "v1.2.1-fr-labels"
EN_SYNTHETIC = ESCO_FIXTURE / "en-synthetic"
CROSSWALK = ESCO_FIXTURE / "crosswalk" / "FR_20230104_mapping_esco_rome.csv"
OCC = "http://data.europa.eu/esco/occupation/"
PR_OFFICER = OCC + "c0489e22-6a1b-4e52-974a-eb71bbb42134"
COM_DIRECTOR = OCC + "cd7b838c-51f6-41ec-9067-bb974c0f991b"
ESCO = "http://data.europa.eu/esco/model#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def generate(*paths: Path) -> tuple[ox.Store, ImportReport, str]:
    """What the import writes for ``paths``, loaded in a store (no build)."""
    buffer = io.StringIO()
    report = ImportReport("esco")
    releases = [Release(p) for p in paths]
    generate_all(releases, NQuads(buffer, GRAPH), report, lambda _m: None)
    text = buffer.getvalue()
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store, report, text


def values(store: ox.Store, sparql: str) -> list[tuple[str, ...]]:
    head = f"PREFIX skos: <{SKOS}> PREFIX esco: <{ESCO}> "
    rows = store.query(head + sparql, use_default_graph_as_union=True)
    return sorted(
        tuple("" if t is None else str(t) if isinstance(t, ox.Literal) else t.value for t in r) for r in rows
    )


def test_occupations_skills_relations_and_groups_with_their_languages() -> None:
    store, report, _ = generate(CUT, FR_LABELS, EN_SYNTHETIC)
    counts = report.counts
    assert counts["occupations"] == 3
    assert counts["skills"] == 7  # every skill the ten relations name
    assert counts["essential skills of occupations"] == 7
    assert counts["optional skills of occupations"] == 3
    assert counts["ISCO groups"] == 8
    assert counts["occupation labels (fr)"] == 3 and counts["occupation labels (en)"] == 2
    assert counts["skill labels (en)"] == 7 and counts["skill labels (fr)"] == 7
    # ESCO's own IRIs, types and relation properties.
    assert values(store, f"SELECT ?t WHERE {{ <{PR_OFFICER}> a ?t }}") == [
        (ESCO + "Occupation",),
        (SKOS + "Concept",),
    ]
    essential = values(store, f"SELECT ?s WHERE {{ ?s esco:isEssentialSkillFor <{PR_OFFICER}> }}")
    optional = values(store, f"SELECT ?s WHERE {{ ?s esco:isOptionalSkillFor <{PR_OFFICER}> }}")
    assert len(essential) == 3 and len(optional) == 2
    assert values(store, f"SELECT ?g WHERE {{ <{PR_OFFICER}> esco:memberOfISCOGroup ?g }}") == [
        ("http://data.europa.eu/esco/isco/C2432",)
    ]
    assert ("http://data.europa.eu/esco/isco/C243",) in values(
        store, "SELECT ?b WHERE { <http://data.europa.eu/esco/isco/C2432> skos:broader ?b }"
    )
    # One preferred label per language: French from v1.1.1 (given first), English from the other file.
    assert values(store, f"SELECT ?l WHERE {{ <{PR_OFFICER}> skos:prefLabel ?l }}") == [
        ('"chargé des relations publiques/chargée des relations publiques"@fr',),
        ('"public relations officer"@en',),
    ]
    alternatives = values(store, f"SELECT ?l WHERE {{ <{PR_OFFICER}> skos:altLabel ?l }}")
    assert ('"chargée de communication"@fr',) in alternatives and ('"PR officer"@en',) in alternatives
    # Skills: English and French labels, type.
    skill = essential[0][0]
    labels = values(store, f"SELECT (LANG(?l) AS ?lang) WHERE {{ <{skill}> skos:prefLabel ?l }}")
    assert labels == [('"en"',), ('"fr"',)]
    assert values(store, f"SELECT ?t WHERE {{ <{skill}> esco:skillType ?t }}") == [
        ("http://data.europa.eu/esco/skill-type/knowledge",)
    ]


def test_what_a_missing_table_leaves_unknown_is_said() -> None:
    _, report, _ = generate(CUT, FR_LABELS)
    assert "no occupations_en.csv: the occupations have no labels in 'en'" in report.warnings
    assert "no ISCOGroups_en.csv: the ISCO groups have no labels in 'en'" in report.warnings
    assert any("broaderRelationsSkillPillar.csv" in w for w in report.warnings)
    _, report, _ = generate(FR_LABELS)
    assert any(
        "occupationSkillRelations.csv: the essential and optional skills" in w for w in report.warnings
    )


def test_same_input_same_bytes_and_valid_nquads() -> None:
    _, _, first = generate(CUT, FR_LABELS, EN_SYNTHETIC)
    _, _, second = generate(CUT, FR_LABELS, EN_SYNTHETIC)
    assert first == second
    assert len(list(ox.parse(first.encode(), format=ox.RdfFormat.N_QUADS))) == first.count("\n")


def test_each_release_is_a_source_with_its_licence_and_files() -> None:
    store, _, _ = generate(CUT, FR_LABELS)
    sources = values(store, f"SELECT ?s WHERE {{ <{GRAPH}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }}")
    assert sources == [(ID + "source/esco-v1.1.1",), (ID + "source/esco-v1.2.1",)]
    licence = values(
        store, f"SELECT ?l WHERE {{ <{ID}source/esco-v1.1.1> <http://purl.org/dc/terms/license> ?l }}"
    )
    assert licence == [("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",)]


def test_zips_give_the_same_graph_and_two_packages_of_a_version_are_two_sources(tmp_path: Path) -> None:
    import zipfile

    archives = []
    for language in ("fr", "en"):
        archive = tmp_path / f"ESCO dataset - v1.1.1 - classification - {language} - csv.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted(CUT.rglob("*.csv")):
                if (
                    language == "fr"
                    and path.parent.name != "en"
                    or language == "en"
                    and path.parent.name == "en"
                ):
                    zf.write(path, f"ESCO dataset - v1.1.1 - classification - {language} - csv/{path.name}")
        archives.append(archive)
    store, report, _ = generate(*archives)
    folder_store, folder_report, _ = generate(CUT)
    assert report.counts == folder_report.counts
    sources = values(store, f"SELECT ?s WHERE {{ <{GRAPH}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }}")
    assert sources == [(ID + "source/esco-v1.1.1-en",), (ID + "source/esco-v1.1.1-fr",)]
    triples = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!STRSTARTS(STR(?s), 'https://w3id.org/progkg/')) }"
    assert values(store, triples) == values(folder_store, triples)


def _copy_with(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    import shutil

    folder = tmp_path / "release"
    shutil.copytree(CUT, folder)
    path = folder / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        ("relations/occupationSkillRelations.csv", ",essential,", ",indispensable,", 'column "relationType"'),
        (
            "relations/occupationSkillRelations.csv",
            "http://data.europa.eu/esco/skill/",
            "skill:",
            'column "skillUri"',
        ),
        ("en/skills_en.csv", ",knowledge,", ",savoir,", 'column "skillType"'),
        ("fr/occupations_fr.csv", ",2432,", ",24X2,", 'column "iscoGroup"'),
    ],
)
def test_a_bad_value_names_file_line_and_column(
    tmp_path: Path, relative: str, old: str, new: str, message: str
) -> None:
    folder = _copy_with(tmp_path, relative, old, new)
    with pytest.raises(ProgkgError, match=message) as info:
        generate(folder)
    assert str(info.value).startswith(str(folder / relative) + ":")


def test_a_folder_without_esco_tables_says_what_to_download(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ProgkgError, match="no ESCO table found"):
        generate(tmp_path)


ODD = st.one_of(
    st.sampled_from(
        [PR_OFFICER, "http://data.europa.eu/esco/skill/x1", "essential", "optional", "knowledge", "2432", ""]
    ),
    st.sampled_from(
        ["a\nb", "x|y", "http://data.europa.eu/esco/a b", "\u2028", "skill/competence", "sector-specific"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
ROW_METHODS = [
    (
        "occupations",
        ["conceptUri", "preferredLabel", "altLabels", "inScheme", "code", "iscoGroup", "description"],
    ),
    ("skills", ["conceptUri", "preferredLabel", "altLabels", "skillType", "reuseLevel", "inScheme"]),
    ("relation", ["occupationUri", "relationType", "skillUri"]),
    ("broader", ["conceptUri", "broaderUri"]),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(ROW_METHODS) - 1), cells=st.lists(ODD, min_size=7, max_size=7))
def test_any_row_gives_valid_nquads_or_one_located_error(which: int, cells: list[str]) -> None:
    table, columns = ROW_METHODS[which]
    if table in ("occupations", "skills"):

        def method(writer: EscoWriter, row: object) -> None:
            writer.labelled(table, "fr", row)  # type: ignore[arg-type]

    else:
        method = getattr(EscoWriter, table)
    check_row_outcome(
        method, EscoWriter(NQuads(io.StringIO(), GRAPH)), columns, dict(zip(columns, cells, strict=False)), 7
    )


# --- the crosswalk ---------------------------------------------------------------------------


def crosswalk(path: Path = CROSSWALK) -> tuple[ox.Store, ImportReport]:
    buffer = io.StringIO()
    report = ImportReport("esco-rome")
    generate_crosswalk(
        Release(path), NQuads(buffer, "https://w3id.org/progkg/graph/esco-rome"), report, lambda _m: None
    )
    store = ox.Store()
    store.load(buffer.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store, report


def test_crosswalk_states_each_relation_as_published_rome_title_first() -> None:
    store, report = crosswalk()
    assert report.counts["mappings exactMatch"] == 3
    assert report.counts["mappings closeMatch"] == 2
    assert report.counts["mappings narrowMatch"] == 1
    assert report.counts["mappings broadMatch"] == 0
    # "Chargé / Chargée de communication" is broader than ESCO's "chargé des relations publiques":
    # the ROME title skos:narrowMatch the occupation (the occupation is the narrower concept).
    assert values(store, f"SELECT ?p WHERE {{ <{ID}rome/appellation/11780> ?p <{PR_OFFICER}> }}") == [
        (SKOS + "narrowMatch",)
    ]
    axiom = values(
        store,
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT ?s ?p ?o ?j WHERE { ?m owl:annotatedSource ?s ; "
        "owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; "
        f"<https://w3id.org/sssom/mapping_justification> ?j FILTER(?o = <{COM_DIRECTOR}>) }}",
    )
    assert axiom == [
        (
            ID + "rome/appellation/14263",
            SKOS + "exactMatch",
            COM_DIRECTOR,
            "https://w3id.org/semapv/vocab/UnspecifiedMatching",
        )
    ]


def test_crosswalk_metadata_keeps_versions_and_organisations_only(tmp_path: Path) -> None:
    store, report = crosswalk()
    source = ID + "source/esco-rome-v1.4"
    facts = dict(values(store, f"SELECT ?p ?o WHERE {{ <{source}> ?p ?o FILTER(isLiteral(?o)) }}"))
    assert facts["http://www.w3.org/2002/07/owl#versionInfo"] == '"V1.4"'
    assert facts["http://purl.org/dc/terms/issued"] == '"2022-07-13"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert facts["https://w3id.org/sssom/subject_source_version"] == '"V3.0"'
    assert facts["https://w3id.org/sssom/object_source_version"] == '"1.1"'
    assert facts["http://purl.org/dc/terms/publisher"] == '"Pôle emploi - France"@fr'
    assert not report.warnings
    # An author that may be a person is left out, and said so.
    for author in ("Jeanne Martin", '"Jeanne Martin, Pôle emploi"'):
        text = CROSSWALK.read_bytes().decode("utf-8").replace("Pôle emploi - France", author)
        path = tmp_path / "FR_20230104_mapping_esco_rome.csv"
        path.write_text(text, encoding="utf-8", newline="")
        store, report = crosswalk(path)
        assert "Jeanne Martin" not in store.dump(format=ox.RdfFormat.N_QUADS).decode()
        assert any("not kept" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",skos:exactMatch", ",owl:sameAs", 'column "mapping relation": "owl:sameAs"'),
        (",14263,", ",14X63,", 'column "classification 2 ID"'),
        ("classification 1 ID,", "esco uri,", "no table header"),
    ],
)
def test_a_bad_crosswalk_row_names_file_and_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "FR_20230104_mapping_esco_rome.csv"
    path.write_text(CROSSWALK.read_bytes().decode("utf-8").replace(old, new, 1), encoding="utf-8", newline="")
    with pytest.raises(ProgkgError, match=message) as info:
        crosswalk(path)
    assert str(info.value).startswith(f"{path}:")


# --- through the command line, into a build ----------------------------------------------------


@pytest.mark.slow
def test_imports_then_the_esco_questions_answer_in_french_and_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, home = tmp_path / "build", tmp_path / "p"
    mini_project(home)
    assert run_cli(["import", "rome", str(ROME_FIXTURE)], out, capsys, home)[0] == 0
    code, stdout, err = run_cli(
        ["import", "esco", str(CUT), str(FR_LABELS), str(EN_SYNTHETIC)], out, capsys, home
    )
    assert code == 0, err
    assert "essential skills of occupations" in stdout
    code, stdout, err = run_cli(["import", "esco-rome", str(CROSSWALK)], out, capsys, home)
    assert code == 0, err
    assert "mappings narrowMatch" in stdout
    # Both graphs name their source and its licence.
    licences = query(
        out,
        "SELECT ?g ?l WHERE { GRAPH ?g { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?s . "
        "?s dct:license ?l } }",
    )
    assert (
        "https://w3id.org/progkg/graph/esco",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    ) in licences
    assert (
        "https://w3id.org/progkg/graph/esco-rome",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ) in licences

    code, stdout, err = run_cli(
        ["query", "esco-for-job", "-p", "job=chargé de communication", "--format", "csv"], out, capsys, home
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert {(r["jobTitle"], r["relation"].rsplit("#", 1)[-1], r["labelFr"], r["labelEn"]) for r in rows} == {
        (
            "Chargé / Chargée de communication",
            "narrowMatch",
            "chargé des relations publiques/chargée des relations publiques",
            "public relations officer",
        )
    }
    # By ROME code: every title under E1103 and its sub-code E1112.
    code, stdout, err = run_cli(
        ["query", "esco-for-job", "-p", "rome=E1103", "--format", "csv"], out, capsys, home
    )
    jobs = {r["jobTitle"] for r in csv.DictReader(io.StringIO(stdout))}
    assert jobs == {
        "Chargé / Chargée de communication",
        "Chargé / Chargée des relations publiques",
        "Lobbyiste",
    }, err

    code, stdout, err = run_cli(
        ["query", "skills-for-job", "-p", "job=Chargé des relations publiques", "--format", "csv"],
        out,
        capsys,
        home,
    )
    assert code == 0, err
    skills = list(csv.DictReader(io.StringIO(stdout)))
    assert [r["need"] for r in skills] == ["essential"] * 3 + ["optional"] * 2
    assert all(r["skillFr"] and r["skillEn"] for r in skills)

    # An ESCO occupation by its French name, its English name or its URI: the same programmes.
    answers = []
    for name in ("chargé des relations publiques", "public relations officer", PR_OFFICER):
        code, stdout, err = run_cli(
            ["query", "programmes-for-esco", "-p", f"occupation={name}", "--format", "csv"],
            out,
            capsys,
            home,
        )
        assert code == 0, err
        answers.append(sorted((r["romeCode"], r["programme"]) for r in csv.DictReader(io.StringIO(stdout))))
    assert answers[0] == answers[1] == answers[2]
    assert ("E1112", "Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)") in answers[0]


@pytest.mark.slow
def test_a_failed_import_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, home = tmp_path / "build", tmp_path / "p"
    mini_project(home)
    code, _, err = run_cli(["import", "esco", str(CUT)], out, capsys, home)
    assert code == 0, err
    # What the tables given leave unknown is said (the cut has no skill hierarchy).
    assert "warning: no broaderRelationsSkillPillar.csv: the skills hierarchy is unknown" in err
    before = snapshot(out)
    bad = _copy_with(tmp_path, "relations/occupationSkillRelations.csv", ",optional,", ",maybe,")
    code, _, err = run_cli(["import", "esco", str(bad)], out, capsys, home)
    assert code == 2 and "relations/occupationSkillRelations.csv:5:" in err, err
    assert snapshot(out) == before


# --- the real releases -------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
@pytest.mark.shared_data
def test_the_real_releases_count_as_their_files_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = shared_data_or_skip()
    esco, labels = shared / "esco-v1.1.1", shared / "esco-v1.2.1-fr-labels"
    table = shared / "rome-esco-mapping" / "FR_20230104_mapping_esco_rome.csv"
    occupations = _csv_rows(esco / "fr" / "occupations_fr.csv")
    skills = _csv_rows(esco / "en" / "skills_en.csv")
    relations = _csv_rows(esco / "relations" / "occupationSkillRelations.csv")
    assert (len(occupations), len(skills), len(relations)) == (3007, 13896, 123855)
    out, home = tmp_path / "build", tmp_path / "p"
    res = mini_project(home)
    assert run_cli(["import", "rome", str(shared / "rome-v460")], out, capsys, home)[0] == 0
    report = import_esco([esco, labels], out, lambda _m: None, res)
    assert report.counts["occupations"] == len(occupations)
    assert report.counts["skills"] == len(skills)
    assert report.counts["essential skills of occupations"] == sum(
        r["relationType"] == "essential" for r in relations
    )
    assert report.counts["optional skills of occupations"] == sum(
        r["relationType"] == "optional" for r in relations
    )
    assert report.counts["skill labels (fr)"] == len(_csv_rows(labels / "skills_fr.csv")) == 13095
    assert "no occupations_en.csv: the occupations have no labels in 'en'" in report.warnings
    report = import_esco_rome(table, out, lambda _m: None, res)
    assert {k: v for k, v in report.counts.items() if k.startswith("mappings")} == {
        "mappings exactMatch": 1144,
        "mappings closeMatch": 4597,
        "mappings broadMatch": 5086,
        "mappings narrowMatch": 291,
    }
    assert report.counts["ESCO occupations mapped"] == 1915
    # Every ROME title of the crosswalk is a v460 title.
    unknown = query(
        out,
        "SELECT (COUNT(DISTINCT ?app) AS ?n) WHERE { GRAPH <https://w3id.org/progkg/graph/esco-rome> "
        "{ ?app ?p ?o FILTER(STRSTARTS(STR(?app), 'https://w3id.org/progkg/id/rome/appellation/')) } "
        "FILTER NOT EXISTS { ?app a pk:RomeAppellation } }",
    )
    assert unknown == [("0",)]
    code, stdout, err = run_cli(
        ["query", "esco-for-job", "-p", "job=chargé de communication", "--format", "csv"], out, capsys, home
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert (
        "Chargé / Chargée de communication",
        "chargé des relations publiques/chargée des relations publiques",
    ) in {(r["jobTitle"], r["labelFr"]) for r in rows}
    assert all(r["labelFr"] for r in rows)
    # The release copy has no English occupation labels (said by the import); the skills have both.
    code, stdout, err = run_cli(
        ["query", "skills-for-job", "-p", "job=Chargé / Chargée de communication", "--format", "csv"],
        out,
        capsys,
        home,
    )
    skills_rows = list(csv.DictReader(io.StringIO(stdout)))
    assert skills_rows and skills_rows[0]["need"] == "essential" and skills_rows[-1]["need"] == "optional"
    assert sum(bool(r["skillFr"] and r["skillEn"]) for r in skills_rows) >= 0.9 * len(skills_rows)

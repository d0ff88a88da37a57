"""schema.org EducationalOccupationalProgram documents (``progkg export --profile schema``).

No maintained offline validator of schema.org's own shapes exists (schema.org publishes its
vocabulary, not SHACL shapes, and Google's and schema.org's validators are web services), so
these tests check the required properties, the types and ranges used against schema.org's
definitions (written down below from schema.org's pages), and that every document parses offline
into schema.org triples.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib

from progkg import export as ex
from progkg import paths, schema_org
from progkg.build import build
from progkg.cli import main
from progkg.store import open_store

ID = "https://w3id.org/progkg/id/"
SCHEMA = rdflib.Namespace("https://schema.org/")
PARIS1 = ID + "parcours/paris1/m2-communication-institutionnelle-politique-territoires"
LILLE2 = ID + "parcours/lille2/communication-publique-et-democratie-participative"
LILLE2_PROGRAMME = ID + "programme/lille2/master-science-politique"

#: Properties each type may carry, from schema.org's definitions (the type's own and inherited).
ALLOWED = {
    "EducationalOccupationalProgram": {
        "name", "description", "url", "provider", "hasCourse", "timeToComplete", "numberOfCredits",
        "educationalCredentialAwarded", "occupationalCategory", "programPrerequisites",
        "applicationStartDate", "applicationDeadline", "maximumEnrollment",
    },
    "Course": {"name", "courseCode", "numberOfCredits", "hasPart", "hasCourseInstance"},
    "CourseInstance": {"courseWorkload"},
    "CollegeOrUniversity": {"name", "url", "address"},
    "EducationalOrganization": {"name", "url", "address"},
    "PostalAddress": {"streetAddress", "postalCode", "addressLocality", "addressCountry"},
    "EducationalOccupationalCredential": {
        "name", "identifier", "credentialCategory", "educationalLevel", "recognizedBy",
    },
    "DefinedTerm": {"name"},
    "CategoryCode": {"codeValue", "name", "inCodeSet"},
    "CategoryCodeSet": {"name"},
}  # fmt: skip
DURATION = re.compile(r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def docs(built: Path) -> dict[str, dict]:
    return {d["@id"]: d for d in schema_org.documents(open_store(built))}


def _walk(node, path="doc"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key != "@context":
                yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def test_one_document_per_programme_and_parcours(docs: dict[str, dict], built: Path) -> None:
    store = open_store(built)
    expected = {
        r["p"].value
        for r in store.query(
            "PREFIX pk: <https://w3id.org/progkg/ontology#> SELECT DISTINCT ?p "
            "WHERE { GRAPH ?g { ?p a ?c } VALUES ?c { pk:Programme pk:Parcours } }"
        )
    }
    assert set(docs) == expected
    assert PARIS1 in docs and LILLE2 in docs


def test_required_properties(docs: dict[str, dict]) -> None:
    for iri, doc in docs.items():
        assert doc["@type"] == "EducationalOccupationalProgram"
        assert doc["@id"] == iri
        assert doc["name"].strip(), iri
        assert doc["provider"], iri
        for provider in doc["provider"]:
            assert provider["@type"] in ("CollegeOrUniversity", "EducationalOrganization")
            assert provider["name"].strip()


def test_every_type_and_property_is_schema_org_and_values_have_the_right_shape(docs: dict[str, dict]) -> None:
    for doc in docs.values():
        for path, node in _walk(doc):
            kind = node.get("@type")
            assert kind in ALLOWED, path
            assert set(node) - {"@type", "@id"} <= ALLOWED[kind], (path, set(node) - ALLOWED[kind])
            if "timeToComplete" in node:
                assert DURATION.match(node["timeToComplete"])
            if "courseWorkload" in node:
                assert DURATION.match(node["courseWorkload"])
            for key in ("applicationStartDate", "applicationDeadline"):
                if key in node:
                    assert DATE.match(node[key])
            for key in ("numberOfCredits", "maximumEnrollment"):
                if key in node:
                    assert isinstance(node[key], int | float) and node[key] > 0


def test_a_parcours_document_holds_what_its_brochure_says(docs: dict[str, dict]) -> None:
    doc = docs[PARIS1]
    assert doc["name"] == "Master 2 Communication institutionnelle et politique des territoires"
    assert doc["timeToComplete"] == "P1Y"  # semesters 3 and 4
    assert doc["applicationStartDate"] == "2026-02-23" and doc["applicationDeadline"] == "2026-03-30"
    assert len(doc["programPrerequisites"]) == 5
    assert doc["programPrerequisites"][0].startswith("Master 1 de science politique")
    assert [u["courseCode"] for u in doc["hasCourse"]] == ["UE 1", "UE 2", "UE 3", "UE 4"] * 2
    first = doc["hasCourse"][0]["hasPart"][0]
    assert first["name"] == "Communication publique"
    assert first["hasCourseInstance"]["courseWorkload"] == "PT20H"
    assert {p["name"] for p in doc["provider"]} == {
        "École de science politique de la Sorbonne",
        "Université Paris 1 Panthéon-Sorbonne",
    }


def test_certification_rome_codes_and_inherited_semesters(docs: dict[str, dict]) -> None:
    doc = docs[LILLE2]
    [credential] = doc["educationalCredentialAwarded"]
    assert credential["@id"] == ID + "rncp/RNCP24759"
    assert credential["identifier"] == "RNCP24759"
    assert credential["educationalLevel"]["@id"] == "http://data.europa.eu/snb/eqf/7"
    codes = {c["codeValue"] for c in doc["occupationalCategory"]}
    assert {"K1401", "K1404", "K1802", "M1403"} <= codes
    assert all(c["@type"] == "CategoryCode" for c in doc["occupationalCategory"])
    assert doc["timeToComplete"] == "P2Y"  # common semesters 1–2 and its own 3–4
    assert any(u["@id"].startswith(LILLE2_PROGRAMME) for u in doc["hasCourse"])
    assert "timeToComplete" not in docs[LILLE2_PROGRAMME]  # split into parcours: each gives its own


def test_rome_codes_through_job_title_mappings_and_declared_credits(project: Path, tmp_path: Path) -> None:
    (project / "data" / "extra.ttl").write_text(
        r"""@prefix pk: <https://w3id.org/progkg/ontology#> .
@prefix pkid: <https://w3id.org/progkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
pkid:parcours\/paris1\/m2-communication-institutionnelle-politique-territoires pk:ects 60 .
<https://w3id.org/progkg/id/job/charge-de-communication-interne-et-externe>
    skos:exactMatch <https://w3id.org/progkg/id/rome/appellation/11780> .
<https://w3id.org/progkg/id/rome/appellation/11780> a pk:RomeAppellation ;
    pk:romeCode <https://w3id.org/progkg/id/rome/E1103> .
<https://w3id.org/progkg/id/rome/E1103> a pk:RomeCode ; skos:notation "E1103" ;
    skos:prefLabel "Communication"@fr .
""",
        encoding="utf-8",
    )
    out = tmp_path / "build"
    build(paths.resources(project), out)
    doc = schema_org.program_document(open_store(out), PARIS1)
    assert doc["numberOfCredits"] == 60
    [code] = doc["occupationalCategory"]
    assert code == {
        "@type": "CategoryCode",
        "@id": ID + "rome/E1103",
        "codeValue": "E1103",
        "name": "Communication",
        "inCodeSet": {
            "@type": "CategoryCodeSet",
            "name": "ROME — Répertoire opérationnel des métiers et des emplois",
        },
    }


def test_documents_parse_offline_into_schema_org_triples(docs: dict[str, dict]) -> None:
    for iri, doc in docs.items():
        data = schema_org.dumps(schema_org.standalone(doc))
        assert json.loads(data)["@context"] == {"@vocab": "https://schema.org/"}
        graph = rdflib.Graph().parse(data=data, format="json-ld")
        subject = rdflib.URIRef(iri)
        assert (subject, rdflib.RDF.type, SCHEMA.EducationalOccupationalProgram) in graph
        assert graph.value(subject, SCHEMA.name) is not None
        assert all(
            str(p).startswith("https://schema.org/") or p == rdflib.RDF.type for p in graph.predicates()
        )


def _cli(args: list[str], monkeypatch: pytest.MonkeyPatch, home: Path, build_dir: Path) -> int:
    monkeypatch.setenv("PROGKG_HOME", str(home))
    monkeypatch.setenv("PROGKG_BUILD", str(build_dir))
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code


def test_out_names_one_file_or_a_folder(
    built: Path,
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary,
    docs: dict[str, dict],
) -> None:
    one = tmp_path / "programmes.jsonld"
    assert _cli(["export", "--profile", "schema", "--out", str(one)], monkeypatch, repo, built) == 0
    graph = json.loads(one.read_text(encoding="utf-8"))
    assert graph["@context"] == {"@vocab": "https://schema.org/"}
    assert [d["@id"] for d in graph["@graph"]] == sorted(docs)
    folder = tmp_path / "pages"
    assert (
        _cli(
            ["export", "--profile", "schema", "--format", "jsonld", "--out", f"{folder}/"],
            monkeypatch,
            repo,
            built,
        )
        == 0
    )
    files = sorted(folder.iterdir())
    assert len(files) == len(docs)
    page = folder / "parcours.paris1.m2-communication-institutionnelle-politique-territoires.jsonld"
    assert json.loads(page.read_text(encoding="utf-8"))["@id"] == PARIS1
    capsysbinary.readouterr()
    assert _cli(["export", "--profile", "schema"], monkeypatch, repo, built) == 0
    assert capsysbinary.readouterr().out == one.read_bytes()
    # the same build gives the same bytes
    assert _cli(["export", "--profile", "schema", "--out", f"{folder}/"], monkeypatch, repo, built) == 0
    assert sorted(folder.iterdir()) == files


def test_schema_documents_are_deterministic(built: Path) -> None:
    first = schema_org.dumps(schema_org.as_graph(schema_org.documents(open_store(built))))
    second = schema_org.dumps(schema_org.as_graph(schema_org.documents(open_store(built))))
    assert first == second


def test_file_names_are_readable_and_distinct(docs: dict[str, dict]) -> None:
    names = [schema_org.file_name(i) for i in docs]
    assert len(set(names)) == len(names)
    assert (
        schema_org.file_name(PARIS1)
        == "parcours.paris1.m2-communication-institutionnelle-politique-territoires.jsonld"
    )


def test_export_module_writes_folders_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = ex._write_temp

    def flaky(final: Path, data: bytes):
        calls.append(final)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(final))
        return real(final, data)

    monkeypatch.setattr(ex, "_write_temp", flaky)
    with pytest.raises(Exception, match="No space left"):
        ex.write_files({tmp_path / f"{i}.jsonld": b"{}" for i in range(5)})
    assert list(tmp_path.iterdir()) == []

"""The privacy gate: no person, no personal mailbox or phone number in any export."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import export as ex
from progkg import paths, privacy
from progkg.build import build
from progkg.cli import main
from progkg.errors import EXIT_NO, ProgkgError

PREFIXES = """
@prefix pk: <https://w3id.org/progkg/ontology#> .
@prefix pkid: <https://w3id.org/progkg/id/> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
ID = "https://w3id.org/progkg/id/"


def findings(turtle: str) -> list[privacy.Finding]:
    snap = ex.snapshot_of(ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE))
    return privacy.check(snap)


def nodes(turtle: str) -> set[str]:
    return {f.node for f in findings(turtle)}


# --- The rule, piece by piece ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "personal"),
    [
        ("jean.dupont", True),
        ("j.dupont", True),
        ("marie-claire.martin", True),
        ("jean_dupont", True),
        ("alternance.scpo", False),
        ("scolarite-master", False),
        ("contact", False),
        ("m2.cipt", False),
        ("jdupont", False),  # cannot be told from a service name: the curated data must not hold one
        ("secretariat.iae", False),
        ("formation.continue", False),
    ],
)
def test_which_mailboxes_read_like_a_person(local: str, personal: bool) -> None:
    assert privacy.looks_personal(local) is personal


@pytest.mark.parametrize(
    ("number", "mobile"),
    [
        ("06 12 34 56 78", True),
        ("+33 7 12 34 56 78", True),
        ("+33 (0)6 12 34 56 78", True),
        ("01 44 07 77 50", False),
    ],
)
def test_french_mobile_numbers_are_personal(number: str, mobile: bool) -> None:
    assert privacy.is_mobile(number) is mobile


def test_a_person_is_refused_and_named() -> None:
    assert nodes('pkid:staff-1 a foaf:Person ; foaf:name "Jean Dupont" .') == {ID + "staff-1"}
    assert nodes("pkid:staff-2 a schema:Person .") == {ID + "staff-2"}
    assert nodes("pkid:staff-3 a vcard:Individual .") == {ID + "staff-3"}


def test_a_subclass_of_person_declared_in_the_graph_is_a_person() -> None:
    found = findings("pk:Lecturer rdfs:subClassOf schema:Person . pkid:lecturer-1 a pk:Lecturer .")
    assert [f.node for f in found] == [ID + "lecturer-1"]
    assert "person" in found[0].reason


def test_a_person_name_property_is_refused_anywhere() -> None:
    assert nodes('pkid:contact-1 a pk:ContactPoint ; schema:familyName "Dupont" .') == {ID + "contact-1"}


def test_a_functional_contact_passes() -> None:
    assert (
        findings(
            """pkid:contact a pk:ContactPoint ; schema:contactType "Responsable administrative"@fr ;
                   schema:email "alternance.scpo@univ-paris1.fr" ; schema:telephone "+33 1 89 68 68 30" .
               pkid:org a pk:Organisation ; schema:email "scolarite@univ.example" .
               pkid:kind a vcard:Kind ; vcard:hasEmail <mailto:contact@progkg.example> ."""
        )
        == []
    )


def test_a_personal_looking_mailbox_on_a_contact_point_is_refused() -> None:
    found = findings('pkid:contact a pk:ContactPoint ; schema:email "jean.dupont@univ-paris1.fr" .')
    assert [f.node for f in found] == [ID + "contact"]
    assert "jean.dupont@univ-paris1.fr" in found[0].reason


def test_contact_details_on_a_node_that_is_not_a_functional_contact_are_refused() -> None:
    assert nodes('pkid:parcours a pk:Parcours ; schema:email "scolarite@univ.example" .') == {ID + "parcours"}
    assert nodes('pkid:parcours a pk:Parcours ; schema:telephone "01 44 07 77 50" .') == {ID + "parcours"}
    assert nodes("pkid:parcours a pk:Parcours ; schema:url <mailto:scolarite@univ.example> .") == {
        ID + "parcours"
    }
    # typed both as a contact and as a person: still a person
    assert nodes('pkid:both a pk:ContactPoint , foaf:Person ; schema:email "info@univ.example" .') == {
        ID + "both"
    }


def test_a_mobile_number_is_refused_even_on_a_contact_point() -> None:
    assert nodes('pkid:contact a pk:ContactPoint ; schema:telephone "06 12 34 56 78" .') == {ID + "contact"}


def test_free_text_is_searched_too() -> None:
    assert nodes('pkid:p a pk:Parcours ; skos:note "Écrire à jean.dupont@univ.example"@fr .') == {ID + "p"}
    assert nodes('pkid:p a pk:Parcours ; skos:note "Secrétariat : 01 44 07 77 50"@fr .') == {ID + "p"}
    assert nodes('pkid:c a pk:ContactPoint ; skos:note "Portable : 06 12 34 56 78"@fr .') == {ID + "c"}
    # a functional address in text, a number on a contact point, and things that only look alike
    assert (
        findings(
            """pkid:p a pk:Parcours ; skos:note "Écrire à scolarite@univ.example"@fr ;
                   pk:objective "11 + 6 + 11 ECTS, 2015-07-13, RNCP24759, SIRET 19593559800229"@fr .
               pkid:c a pk:ContactPoint ; skos:note "Standard : 01 44 07 77 50"@fr ."""
        )
        == []
    )


def test_the_refusal_names_the_nodes_and_exits_1() -> None:
    found = findings(
        'pkid:staff-1 a foaf:Person . pkid:c a pk:ContactPoint ; schema:email "j.dupont@u.example" .'
    )
    with pytest.raises(ProgkgError) as err:
        privacy.enforce(found)
    assert err.value.exit_code == EXIT_NO == 1
    assert ID + "staff-1" in err.value.message and ID + "c" in err.value.message
    assert "nothing was written" in err.value.message


# --- Through the export ----------------------------------------------------------------------------


def test_the_project_graph_passes_the_gate(built: Path) -> None:
    assert privacy.check(ex.read_dump(built / "progkg.nq")) == []


def _build_with(project: Path, tmp_path: Path, turtle: str) -> Path:
    (project / "data" / "seeds" / "leak.ttl").write_text(PREFIXES + turtle, encoding="utf-8")
    out = tmp_path / "build"
    build(paths.resources(project), out)
    return out


def _cli(args: list[str], monkeypatch: pytest.MonkeyPatch, home: Path, build_dir: Path) -> int:
    monkeypatch.setenv("PROGKG_HOME", str(home))
    monkeypatch.setenv("PROGKG_BUILD", str(build_dir))
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code


@pytest.mark.parametrize(
    ("turtle", "node"),
    [
        ('pkid:org\\/x\\/staff a foaf:Person ; foaf:name "Jeanne Martin" .', ID + "org/x/staff"),
        (
            'pkid:org\\/x\\/contact a pk:ContactPoint ; schema:email "jeanne.martin@univ.example" .',
            ID + "org/x/contact",
        ),
    ],
    ids=["person", "personal-mailbox"],
)
def test_export_refuses_to_write_and_exits_1(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, turtle: str, node: str
) -> None:
    out_dir = _build_with(project, tmp_path, turtle)
    target = tmp_path / "export"
    for args in (
        ["export", "--out", str(target / "progkg.ttl")],
        ["export", "--all-formats", "--out", str(target / "all")],
        ["export", "--catalog", "--out", str(target / "catalog.ttl")],
        ["export", "--profile", "schema", "--out", str(target / "schema") + "/"],
    ):
        assert _cli(args, monkeypatch, project, out_dir) == 1, args
        err = capsys.readouterr().err
        assert node in err and "personal data" in err
    assert not target.exists()


def test_the_description_is_checked_too(built: Path, repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "catalog.ttl"
    text = (repo / "ontology" / "catalog.ttl").read_text(encoding="utf-8")
    config.write_text(
        text.replace("mailto:contact@progkg.example", "mailto:jean.dupont@progkg.example"), "utf-8"
    )
    with pytest.raises(ProgkgError) as err:
        ex.prepare(built, res=paths.resources(repo), config=config)
    assert err.value.exit_code == 1 and str(config) in err.value.message

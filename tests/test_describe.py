"""`progkg describe THING` (issue 14, item 3): what the graph says about one thing, by source,
in words — THING resolved as query parameters are; the same embedded and remote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import pushed_server

from progkg.cli import main
from progkg.serve import OxigraphServer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with pushed_server(built, tmp_path_factory.mktemp("describe")) as srv:
        yield srv


def run(args: list[str], built: Path, capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit) as exc:
        main(["describe", *args])
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_a_thing_in_the_users_words_by_source(built: Path, capsys, monkeypatch) -> None:
    code, out, _ = run(["Lobbyistes"], built, capsys, monkeypatch)
    assert code == 0
    assert out.startswith("lobbyiste\n  pkid:job/lobbyiste\n")
    assert "According to pkg:seeds/rncp24759 — Le Répertoire National" in out
    assert "According to pkg:mappings/brochure-jobs-to-rome" in out
    assert "rdfs:label: lobbyiste @fr" in out
    pointing = out.split("Pointing at it:")[1]
    assert "European Policies and Project Management" in pointing


def test_a_code_or_curie_and_turtle_out(built: Path, capsys, monkeypatch) -> None:
    for thing in ("K1802", "k1802", "id:rome/K1802", "<https://w3id.org/progkg/id/rome/K1802>"):
        code, out, _ = run([thing, "--format", "turtle"], built, capsys, monkeypatch)
        assert code == 0
        triples = list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))
        assert triples and {t.subject.value for t in triples} == {"https://w3id.org/progkg/id/rome/K1802"}
        assert not any("derived" in t.predicate.value for t in triples)  # derived data restates


def test_nothing_found_is_one_line_exit_2(built: Path, capsys, monkeypatch) -> None:
    code, out, err = run(["zzz qqq"], built, capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith("progkg: error: no thing matches 'zzz qqq'") and err.count("\n") == 1


def test_the_same_on_an_endpoint(built: Path, server: OxigraphServer, capsys, monkeypatch) -> None:
    here = run(["lobbyiste"], built, capsys, monkeypatch)
    there = run(["lobbyiste", "--endpoint", server.query_url], built, capsys, monkeypatch)
    assert here == there

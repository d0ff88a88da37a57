"""Ad-hoc SPARQL (issue 14, item 4): `progkg query -e '…'` and `progkg query -` (standard
input); CONSTRUCT and DESCRIBE give Turtle; updates are still refused — embedded and remote."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import pushed_server

from progkg.serve import OxigraphServer

REPO = Path(__file__).resolve().parents[1]
K1802 = "https://w3id.org/progkg/id/rome/K1802"


def progkg(args: list[str], build: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PROGKG_BUILD=str(build))
    return subprocess.run(
        [sys.executable, "-m", "progkg", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with pushed_server(built, tmp_path_factory.mktemp("adhoc")) as srv:
        yield srv


def test_a_select_given_with_e_uses_the_project_prefixes(built: Path) -> None:
    done = progkg(
        ["query", "-e", "SELECT ?p WHERE { ?p a pk:Parcours } ORDER BY ?p", "--format", "csv"], built
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "p" and len(lines) == 12  # the 11 parcours of the seeds


def test_a_query_read_from_standard_input(built: Path) -> None:
    done = progkg(["query", "-"], built, stdin=b"ASK { ?p a pk:Parcours }")
    assert done.returncode == 0 and done.stdout == b"yes\n"


@pytest.mark.parametrize("where", ["embedded", "endpoint"])
def test_construct_and_describe_give_turtle(where: str, built: Path, request) -> None:
    extra = ["--endpoint", request.getfixturevalue("server").query_url] if where == "endpoint" else []
    construct = f"CONSTRUCT {{ ?cert pk:rome <{K1802}> }} WHERE {{ ?cert pk:rome <{K1802}> }}"
    done = progkg(["query", "-e", construct, *extra], built)
    assert done.returncode == 0, done.stderr
    graph = list(ox.parse(done.stdout, format=ox.RdfFormat.TURTLE))
    assert [t.subject.value for t in graph] == ["https://w3id.org/progkg/id/rncp/RNCP24759"]
    done = progkg(["query", "-e", f"DESCRIBE <{K1802}>", *extra], built)
    assert done.returncode == 0, done.stderr
    described = list(ox.parse(done.stdout, format=ox.RdfFormat.TURTLE))
    assert described and all(t.subject.value == K1802 for t in described)
    done = progkg(["query", "-e", f"DESCRIBE <{K1802}>", "--format", "tsv", *extra], built)
    assert len(done.stdout.splitlines()) == len(described)  # N-Triples, one a line


@pytest.mark.parametrize("how", ["-e", "stdin"])
def test_updates_are_refused(how: str, built: Path) -> None:
    update = "DELETE WHERE { ?s ?p ?o }"
    done = (
        progkg(["query", "-e", update], built)
        if how == "-e"
        else progkg(["query", "-"], built, stdin=update.encode())
    )
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "refused: this is a SPARQL update" in err and err.count("\n") == 1
    assert progkg(["query", "-e", "ASK { ?p a pk:Parcours }"], built).stdout == b"yes\n"  # unchanged


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["-e", "SELECT ?x WHERE { ?x ?y }"],
            None,
            "query given with -e: not a valid SPARQL 1.1 query: line 1",
        ),
        (["-e", "  "], None, "query given with -e: the query is empty"),
        (["-"], b"SELECT \xff", "standard input, line 1: not valid UTF-8"),
        (["programmes", "-e", "ASK {}"], None, "not two"),
        (["--list", "-e", "ASK {}"], None, "--list takes no query"),
    ],
)
def test_bad_ad_hoc_queries_are_one_line(
    args: list[str], stdin: bytes | None, message: str, built: Path
) -> None:
    done = progkg(["query", *args], built, stdin=stdin)
    err = done.stderr.decode()
    assert done.returncode == 2 and message in err and err.count("\n") == 1, err
    assert "Traceback" not in err

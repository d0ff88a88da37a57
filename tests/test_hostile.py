"""Hostile parameter values through every saved query, on the embedded store and on a real
Oxigraph server (read-write, so that an injected update *would* change it).

tests/test_query_params.py proves a value arrives whole as one literal and that the saved
queries answer nothing for it on a writable in-memory copy. This module adds what a user of
``--endpoint`` and of the command line meets:

* every saved query × every hostile value gives the same rows remotely as locally, and leaves
  the triple count of every remote graph unchanged;
* the values pass through the real command line (argv, ``-p KEY=VALUE``), locally and with
  ``--endpoint``, and give the same JSON answer;
* what cannot be bound is refused with exit 2 before anything is sent: an empty value, and
  text that is not valid Unicode (bytes that are not UTF-8 on the command line). Every other
  value is bound, NUL included: a SPARQL literal can hold any Unicode character (Oxigraph
  writes it ``\\u0000``), so refusing it would only break searches. A NUL cannot reach
  ``progkg`` through argv anyway: the operating system cuts arguments at NUL bytes;
* hostile endpoint URLs (``?update=DROP ALL`` in the query string, the update service's URL)
  change nothing on the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_query_params import HOSTILE

from progkg import paths
from progkg.build import build, derive
from progkg.cli import main
from progkg.errors import ProgkgError
from progkg.push import push, remote_counts
from progkg.queries import list_queries, load_query, run_query
from progkg.serve import OxigraphServer, free_port

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)
FIXTURES = REPO / "tests" / "fixtures" / "queries"
ECHO = FIXTURES / "echo.rq"
PARIS = "https://w3id.org/progkg/graph/seeds/paris1-m2-cipt"

VALUES = {
    **HOSTILE,
    "nul-alone": "\x00",
    "rtl-marks": "\u200f\u202bK1802\u202c\u200e",
    "zero-width": "K\u200b1802",
    "gt-iri": "https://w3id.org/progkg/id/rome/K1802>",
    "bidi-override-code": "RNCP\u202e95742",
    "lone-brace": "}",
    "quotes-and-braces": '"' * 1000 + "}" * 1000,
}
PARAMETRISED = [q for q in list_queries(RES) if q.params]
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture(scope="module")
def rome_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's graph plus a real cut of ROME v460, as `progkg import` leaves it."""
    out = tmp_path_factory.mktemp("hostile-build")
    (out / "imports").mkdir()
    quads = ox.parse(path=str(FIXTURES / "rome-mini.trig"), format=ox.RdfFormat.TRIG)
    (out / "imports" / "rome.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    build(RES, out)
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, rome_built: Path) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server on 127.0.0.1 holding the pushed graph."""
    srv = OxigraphServer(
        tmp_path_factory.mktemp("oxigraph") / "db", "127.0.0.1", free_port(), read_only=False
    )
    srv.start()
    try:
        push(rome_built, srv.query_url, timeout=120)
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def local(rome_built: Path) -> ox.Store:
    """A writable in-memory copy of the same graph."""
    store = ox.Store()
    store.bulk_load(path=str(rome_built / "progkg.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_extend(derive(store))  # the derived search index, as the build adds it
    return store


def _fingerprint(store: ox.Store) -> tuple[int, int]:
    return len(store), hash(frozenset(str(q) for q in store))


def test_the_corpus_is_what_the_issue_asks_for() -> None:
    joined = "".join(VALUES.values())
    for needle in ('"', "'", "{", "}", "} ; DROP ALL ; #", "\n", "\x00", "\u200f", ">"):
        assert needle in joined, needle
    assert max(len(v.encode()) for v in VALUES.values()) >= 100_000
    assert len(PARAMETRISED) >= 10


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_every_saved_query_gives_the_same_nothing_locally_and_remotely(
    value: str, local: ox.Store, server: OxigraphServer
) -> None:
    local_before = _fingerprint(local)
    remote_before = remote_counts(server.query_url, 60)
    for query in PARAMETRISED:
        params = {p.name: value for p in query.params if not p.optional}
        outcomes = []
        for where in ({"store": local}, {"endpoint": server.query_url, "timeout": 60}):
            try:
                result = run_query(query, params, **where)
            except ProgkgError as exc:
                outcomes.append(("refused", exc.message))
            else:
                assert result.columns == list(query.columns), query.name
                outcomes.append(("answered", result.rows))
        assert outcomes[0] == outcomes[1], query.name
    assert _fingerprint(local) == local_before
    assert remote_counts(server.query_url, 60) == remote_before


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_a_hostile_value_arrives_whole_remotely(value: str, server: OxigraphServer) -> None:
    rows = run_query(load_query(RES, str(ECHO)), {"text": value}, endpoint=server.query_url, timeout=60).rows
    assert rows == [(ox.Literal(value), ox.Literal(str(len(value)), datatype=ox.NamedNode(XSD_INTEGER)))]


# --- Through the command line ----------------------------------------------------------------------

CLI_VALUES = {k: v for k, v in VALUES.items() if "\x00" not in v}  # argv cannot hold NUL


@pytest.fixture
def cli_env(rome_built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROGKG_BUILD", str(rome_built))
    monkeypatch.chdir(REPO)
    return rome_built


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.mark.parametrize("value", list(CLI_VALUES.values()), ids=list(CLI_VALUES))
def test_the_command_line_binds_the_value_locally_and_remotely(
    value: str, cli_env: Path, server: OxigraphServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = remote_counts(server.query_url, 60)
    answers, outcomes = [], []
    for extra in ([], ["--endpoint", server.query_url]):
        code, out, err = _cli(["query", str(ECHO), "-p", f"text={value}", "--format", "json", *extra], capsys)
        assert code == 0, err
        answers.append(json.loads(out))
        code, out, err = _cli(
            ["query", "programmes-for-job", "-p", f"job={value}", "--format", "tsv", *extra], capsys
        )
        # Resolved before any query: an answer about what the words name, or one line and exit 2.
        if code == 2:
            assert err.startswith("progkg: error: parameter job: ") and err.count("\n") == 1, err
            assert out == ""
        else:
            assert code == 0, err
            assert out.startswith("\t".join("?" + c for c in load_query(RES, "programmes-for-job").columns))
        outcomes.append((code, out, err))
    assert outcomes[0] == outcomes[1]
    assert answers[0] == answers[1]
    assert answers[0]["results"]["bindings"][0]["echo"]["value"] == value
    assert remote_counts(server.query_url, 60) == before


def _process(args: list[str | bytes], build_dir: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}
    env["PROGKG_BUILD"] = str(build_dir)
    return subprocess.run(
        [sys.executable, "-m", "progkg", *args], cwd=REPO, env=env, capture_output=True, timeout=120
    )


def test_a_real_argv_carries_100_kb_newlines_and_bidi_marks(rome_built: Path, server: OxigraphServer) -> None:
    value = VALUES["long"][:99_000] + "\n} ; DROP ALL ; #\u202e'\""
    outputs = []
    for extra in ([], ["--endpoint", server.query_url]):
        result = _process(["query", str(ECHO), "-p", f"text={value}", "--format", "json", *extra], rome_built)
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0]["results"]["bindings"][0]["echo"]["value"] == value


@pytest.mark.parametrize("where", ["local", "endpoint"])
def test_bytes_that_are_not_utf8_cannot_be_bound(where: str, rome_built: Path) -> None:
    """Invalid UTF-8 in argv reaches Python as lone surrogates: refused before any request.

    The endpoint is a port nobody listens on: had progkg tried to send the query, the error
    would be "connection refused".
    """
    extra: list[str | bytes] = (
        ["--endpoint", f"http://127.0.0.1:{free_port()}/query"] if where == "endpoint" else []
    )
    result = _process(["query", "jobs-for-parcours", "-p", b"parcours=caf\xe9 \xff", *extra], rome_built)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("progkg: error: query jobs-for-parcours: parameter 'parcours' is not valid text"), (
        err
    )


@pytest.mark.parametrize("where", ["local", "endpoint"])
def test_an_empty_value_cannot_be_bound(where: str, cli_env: Path, capsys) -> None:
    extra = ["--endpoint", f"http://127.0.0.1:{free_port()}/query"] if where == "endpoint" else []
    code, _, err = _cli(["query", "jobs-for-parcours", "-p", "parcours=", *extra], capsys)
    assert code == 2 and err == "progkg: error: query jobs-for-parcours: parameter 'parcours' is empty\n"


def test_nul_is_bound_not_refused(local: ox.Store, server: OxigraphServer) -> None:
    for value in ("\x00", "a\x00b", "RNCP\x0024759"):
        assert run_query(load_query(RES, str(ECHO)), {"text": value}, store=local).rows[0][0] == ox.Literal(
            value
        )
        rome = load_query(RES, "rome-for-certification")
        with pytest.raises(ProgkgError, match="^parameter rncp: no certification"):
            run_query(rome, {"rncp": value}, endpoint=server.query_url)


# --- Hostile names and endpoints ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../ontology/progkg", "programmes; DROP ALL", "programmes\nSELECT", "-p", "jobs-for-parcours\x7f"],
)
def test_hostile_query_names_are_refused(name: str, cli_env: Path, capsys) -> None:
    code, out, err = _cli(["query", name, "-p", "parcours=x"], capsys)
    assert code == 2 and not out and "Traceback" not in err
    assert err.startswith("progkg: error:") and err.count("\n") == 1, err


@pytest.mark.parametrize(
    "path",
    [
        "query?update=DROP%20ALL",
        "query?update=DROP+ALL&using-graph-uri=x",
        "update",
        "update?query=x",
        "store?default",
    ],
)
def test_hostile_endpoint_urls_change_nothing(path: str, server: OxigraphServer) -> None:
    before = remote_counts(server.query_url, 60)
    query = load_query(RES, "jobs-for-parcours")
    try:
        run_query(query, {"parcours": 'x" } ; DROP ALL ; #'}, endpoint=server.url + path, timeout=30)
    except ProgkgError as exc:
        # The endpoint refused (its URL is named), or answered a read-only lookup that found nothing.
        assert exc.message.startswith((server.url + path, "parameter parcours: no parcours")), exc.message
    assert remote_counts(server.query_url, 60) == before


# --- Hostile requests to `progkg serve` ---------------------------------------------------------------


def test_progkg_serve_refuses_every_way_of_writing(rome_built: Path) -> None:
    """Whatever a client sends to the read-only server, nothing changes (403 or 400)."""
    from test_serve import start_serve, stop

    served = start_serve(rome_built)
    try:
        base = served.page
        before = remote_counts(served.endpoint, 60)
        graph = urllib.parse.quote(PARIS, safe="")
        attempts = [
            ("POST", "update", "application/sparql-update", b"DROP ALL"),
            ("POST", "update", "application/x-www-form-urlencoded", b"update=DROP%20ALL"),
            ("PUT", f"store?graph={graph}", "application/n-triples", b"<http://a> <http://b> <http://c> .\n"),
            ("DELETE", f"store?graph={graph}", "", b""),
            ("POST", "store?default", "text/turtle", b"<http://a> <http://b> <http://c> ."),
            ("POST", "query", "application/x-www-form-urlencoded", b"update=DROP%20ALL"),
            ("POST", "query", "application/sparql-query", b"DROP ALL"),
            ("GET", "query?update=DROP%20ALL", "", b""),
            ("GET", "query?query=CLEAR%20ALL", "", b""),
        ]
        for method, path, content_type, body in attempts:
            headers = {"Content-Type": content_type} if content_type else {}
            request = urllib.request.Request(base + path, data=body or None, method=method, headers=headers)
            with pytest.raises(urllib.error.HTTPError) as exc:
                urllib.request.urlopen(request, timeout=30)
            assert exc.value.code in (400, 403, 405), (method, path, exc.value.code)
        assert remote_counts(served.endpoint, 60) == before
    finally:
        assert stop(served) == 0

"""Remote endpoints: a real Oxigraph server on a free loopback port, and servers that misbehave.

The built graph (with the ROME fixture, so that the ROME queries have rows) is pushed to a
throw-away `oxigraph serve` with the Graph Store Protocol; every saved query must then give
the same rows through `--endpoint` as on the embedded store. Faults (refused connections,
silent servers, HTTP errors, answers that are not SPARQL results) must each give one clear
message naming the URL, within a bounded time.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import build
from progkg.cli import main
from progkg.errors import ProgkgError
from progkg.push import graph_ntriples, graph_store_url, push, remote_counts
from progkg.queries import list_queries, load_query, parse_query_text, run_query
from progkg.serve import OxigraphServer, free_port

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)
FIXTURES = REPO / "tests" / "fixtures" / "queries"
ECHO = FIXTURES / "echo.rq"
RNCP_GRAPH = "https://w3id.org/progkg/graph/seeds/rncp24759"


@pytest.fixture(scope="module")
def rome_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rome-build")
    imports = out / "imports"
    imports.mkdir()
    quads = ox.parse(path=str(FIXTURES / "rome-mini.trig"), format=ox.RdfFormat.TRIG)
    (imports / "rome.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    build(RES, out)
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, rome_built: Path) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server holding the pushed graph; stopped by the fixture."""
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    srv = OxigraphServer(location, "127.0.0.1", free_port(), read_only=False)
    srv.start()
    try:
        push(rome_built, srv.query_url)
        yield srv
    finally:
        srv.stop()
    assert srv.process is None


def example_params(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if not p.optional}


# --- the same answers remotely ---------------------------------------------------------------


@pytest.mark.parametrize("name", [q.name for q in list_queries(RES)])
def test_every_saved_query_gives_the_same_rows_remotely(
    name: str, server: OxigraphServer, rome_built: Path
) -> None:
    query = load_query(RES, name)
    params = example_params(query)
    local = run_query(query, params, build_dir=rome_built)
    remote = run_query(query, params, endpoint=server.query_url, timeout=30)
    assert remote.columns == local.columns
    assert remote.rows == local.rows


def test_the_contract_examples_give_rows_remotely(server: OxigraphServer) -> None:
    rows = run_query(
        load_query(RES, "rome-for-certification"), {"rncp": "RNCP24759"}, endpoint=server.query_url
    ).column("romeCode")
    assert rows == ["K1401", "K1404", "K1802", "M1403"]
    jobs = run_query(load_query(RES, "jobs-for-rome"), {"rome": "E1103"}, endpoint=server.query_url).column(
        "appellationCode"
    )
    assert "11780" in jobs


def test_cli_endpoint_output_equals_local_output(
    server: OxigraphServer,
    rome_built: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(rome_built))
    monkeypatch.chdir(REPO)
    outputs = []
    for extra in ([], ["--endpoint", server.query_url]):
        for fmt in ("json", "tsv", "csv", "table"):
            with pytest.raises(SystemExit) as exc:
                main(
                    [
                        "query",
                        "teaching-volume",
                        "-p",
                        "parcours=Communication institutionnelle",
                        "--format",
                        fmt,
                        *extra,
                    ]
                )
            assert exc.value.code == 0
            outputs.append(capsys.readouterr().out)
    assert outputs[:4] == outputs[4:]
    assert "205" in outputs[0]


# --- hostile values and updates remotely ------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        'x" } ; DROP ALL ; #',
        "\\u0022 } ; DROP ALL ; #",
        "a\nb\r\tc\x00d",
        "} INSERT DATA { <a:b> <a:c> <a:d> } #",
        "é" * 60_000,
    ],
)
def test_hostile_values_are_one_literal_remotely(value: str, server: OxigraphServer) -> None:
    before = remote_counts(server.query_url, 30)
    echo = run_query(load_query(RES, str(ECHO)), {"text": value}, endpoint=server.query_url).rows
    assert echo[0][0] == ox.Literal(value)
    # Resolved against the endpoint before any query: it names no parcours, in one line.
    with pytest.raises(ProgkgError, match=r"^parameter parcours: no parcours matches") as exc:
        run_query(load_query(RES, "jobs-for-parcours"), {"parcours": value}, endpoint=server.query_url)
    assert "\n" not in exc.value.message
    assert remote_counts(server.query_url, 30) == before


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "CLEAR GRAPH <" + RNCP_GRAPH + ">",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "LOAD <http://example.org/x>",
    ],
)
def test_updates_are_refused_before_reaching_the_endpoint(
    update: str, server: OxigraphServer, tmp_path: Path
) -> None:
    before = remote_counts(server.query_url, 30)
    with pytest.raises(ProgkgError, match="read-only"):
        parse_query_text(update, "u")
    path = tmp_path / "u.rq"
    path.write_text(update)
    with pytest.raises(ProgkgError, match="read-only"):
        run_query(load_query(RES, str(path)), {}, endpoint=server.query_url)
    assert remote_counts(server.query_url, 30) == before


# --- push ----------------------------------------------------------------------------------------


def test_push_replaces_each_graph_as_a_whole(
    server: OxigraphServer, rome_built: Path, project: Path, tmp_path: Path
) -> None:
    before = remote_counts(server.query_url, 30)
    report = push(rome_built, server.query_url)  # again: same counts, nothing appended
    assert remote_counts(server.query_url, 30) == before
    assert report.pushed[RNCP_GRAPH] == before[RNCP_GRAPH]
    # A smaller source replaces its graph: the remote graph shrinks to the new content.
    seed = project / "data" / "seeds" / "paris1-m2-cipt.ttl"
    text = seed.read_text(encoding="utf-8")
    start = text.index("# --- Teaching: semester 4")
    seed.write_text(text[:start], encoding="utf-8")
    small = tmp_path / "small"
    build(paths.resources(project), small)
    try:
        report = push(small, server.query_url)
        paris = "https://w3id.org/progkg/graph/seeds/paris1-m2-cipt"
        assert remote_counts(server.query_url, 30)[paris] == report.pushed[paris] < before[paris]
        assert "https://w3id.org/progkg/graph/rome" in report.stale  # the small build has no ROME import
    finally:
        push(rome_built, server.query_url)
    assert remote_counts(server.query_url, 30) == before


def test_a_failed_put_leaves_the_old_graph_whole(server: OxigraphServer, rome_built: Path) -> None:
    """What push relies on: Oxigraph loads a PUT body in one transaction."""
    before = remote_counts(server.query_url, 30)[RNCP_GRAPH]
    store = ox.Store.read_only(str((rome_built / "store").resolve()))
    body, count = graph_ntriples(store, ox.NamedNode(RNCP_GRAPH))
    half = body[: body.index(b"\n", len(body) // 2) + 1]
    target = server.store_url + "?graph=" + urllib.parse.quote(RNCP_GRAPH, safe="")
    # 1. The connection drops half-way through the body.
    path = target[len(server.url) - 1 :]
    with socket.create_connection((server.host, server.port)) as sock:
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/n-triples\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        sock.sendall(head.encode() + half)
    time.sleep(0.5)
    assert remote_counts(server.query_url, 30)[RNCP_GRAPH] == before
    # 2. The body breaks half-way (a malformed line).
    bad = half + b'<http://a> <http://b> "unterminated .\n' + body[len(half) :]
    request = urllib.request.Request(
        target, data=bad, method="PUT", headers={"Content-Type": "application/n-triples"}
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    assert remote_counts(server.query_url, 30)[RNCP_GRAPH] == before == count


def test_readers_never_see_part_of_a_graph_during_a_put(server: OxigraphServer) -> None:
    graph = "https://w3id.org/progkg/graph/test/atomicity"
    body = "".join(
        f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(20_000)
    ).encode()
    url = server.store_url + "?graph=" + urllib.parse.quote(graph, safe="")

    def put() -> None:
        request = urllib.request.Request(
            url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        urllib.request.urlopen(request, timeout=120).read()

    put()
    seen: list[int] = []
    writer = threading.Thread(target=put)
    writer.start()
    try:
        while writer.is_alive():
            seen.append(remote_counts(server.query_url, 60).get(graph, 0))
    finally:
        writer.join()
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=30).read()
    assert seen and set(seen) == {20_000}


def test_push_prunes_graphs_the_build_no_longer_has(server: OxigraphServer, rome_built: Path) -> None:
    extra = "https://w3id.org/progkg/graph/seeds/removed-source"
    request = urllib.request.Request(
        server.store_url + "?graph=" + urllib.parse.quote(extra, safe=""),
        data=b"<http://a> <http://b> <http://c> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=10).read()
    report = push(rome_built, server.query_url)
    assert report.stale == [extra] and not report.pruned
    report = push(rome_built, server.query_url, prune=True)
    assert report.pruned == [extra]
    assert extra not in remote_counts(server.query_url, 30)


def test_graph_store_url() -> None:
    assert graph_store_url("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert graph_store_url("http://h:3030/ds/sparql", None) == "http://h:3030/ds/store"
    assert graph_store_url("http://h/q", "http://h:3030/ds/data") == "http://h:3030/ds/data"
    with pytest.raises(ProgkgError, match="--graph-store"):
        graph_store_url("http://h:3030/ds")
    with pytest.raises(ProgkgError, match="not an http"):
        graph_store_url("ftp://h/query")


def test_push_cli_reports_graphs(server: OxigraphServer, rome_built: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(rome_built))
    with pytest.raises(SystemExit) as exc:
        main(["push", "--endpoint", server.query_url])
    out, err = capsys.readouterr()
    assert exc.value.code == 0
    assert RNCP_GRAPH in out and "total" in out and "counts checked" in err


def test_push_to_nothing_exits_2(rome_built: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(rome_built))
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(SystemExit) as exc:
        main(["push", "--endpoint", url])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "connection refused" in err and url.replace("/query", "/store") in err


# --- servers that misbehave ------------------------------------------------------------------


class FakeHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request as the server's ``behaviour`` says; records what it received."""

    def log_message(self, *args: object) -> None:
        return None

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.received.append((self.command, self.path, body))
        self.server.behaviour(self, body)

    do_PUT = do_POST
    do_GET = do_POST


@pytest.fixture
def fake():
    servers = []

    def start(behaviour) -> str:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHandler)
        httpd.behaviour = behaviour
        httpd.received = []
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/query"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def reply(status: int, body: bytes, content_type: str = "application/sparql-results+json"):
    def behaviour(handler: http.server.BaseHTTPRequestHandler, _: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return behaviour


def programmes():
    return load_query(RES, "programmes")


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(ProgkgError, match="connection refused") as exc:
        run_query(programmes(), {}, endpoint=url, timeout=5)
    assert url in exc.value.message


def test_a_silent_server_times_out_in_bounded_time() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts connections (the kernel does) and never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    try:
        started = time.monotonic()
        with pytest.raises(ProgkgError, match="timeout") as exc:
            run_query(programmes(), {}, endpoint=url, timeout=1)
        assert time.monotonic() - started < 6
        assert url in exc.value.message
    finally:
        listener.close()


def test_a_trickling_server_is_cut_off_by_the_overall_deadline(fake) -> None:
    def trickle(handler, _):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.3)
        except OSError:
            pass

    url = fake(trickle)
    started = time.monotonic()
    with pytest.raises(ProgkgError, match="timeout"):
        run_query(programmes(), {}, endpoint=url, timeout=1.5)
    assert time.monotonic() - started < 7


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (reply(500, b"boom: out of memory", "text/plain"), "HTTP 500.*boom: out of memory"),
        (reply(503, b"maintenance", "text/plain"), "HTTP 503"),
        (reply(404, b"nothing here", "text/plain"), "HTTP 404"),
        (reply(400, b"parse error", "text/plain"), "HTTP 400"),
        (
            reply(200, b"<html><body>Login</body></html>", "text/html"),
            r"answer \(text/html\) is not SPARQL 1.1 JSON",
        ),
        (
            reply(200, b'{"head": {"vars": ["programme"]}, "results": {"bindings": [{"programme": '),
            "not SPARQL 1.1 JSON",
        ),
        (reply(200, json.dumps({"head": {}, "boolean": True}).encode()), "got a boolean instead of rows"),
        (reply(200, b"\xff\xfe garbage"), "not SPARQL 1.1 JSON"),
    ],
)
def test_http_errors_and_malformed_answers(behaviour, message: str, fake) -> None:
    url = fake(behaviour)
    with pytest.raises(ProgkgError, match=message) as exc:
        run_query(programmes(), {}, endpoint=url, timeout=5)
    assert exc.value.message.startswith(url)


def test_requests_are_posted_as_form_encoded_queries(fake) -> None:
    seen = []

    def record(handler, body):
        seen.append((handler.path, handler.headers.get("Content-Type"), body))
        binding = {"echo": {"type": "literal", "value": "DROP ALL ; x"}}
        answer = {"head": {"vars": ["echo", "length"]}, "results": {"bindings": [binding]}}
        reply(200, json.dumps(answer).encode())(handler, body)

    url = fake(record)
    result = run_query(load_query(RES, str(ECHO)), {"text": "DROP ALL ; x"}, endpoint=url, timeout=5)
    assert result.values() == [("DROP ALL ; x", None)] and len(seen) == 1
    path, content_type, body = seen[0]
    form = urllib.parse.parse_qs(body.decode("ascii"))
    assert content_type == "application/x-www-form-urlencoded"
    assert "query" in form and "update" not in form  # only the query operation
    assert 'VALUES ?_text { "DROP ALL ; x" }' in form["query"][0]


def test_a_push_that_fails_half_way_names_the_graph(fake, rome_built: Path) -> None:
    calls = []

    def first_ok_then_fail(handler, body):
        calls.append(handler.path)
        if len(calls) == 1:
            handler.send_response(204)
            handler.end_headers()
        else:
            reply(500, b"disk full", "text/plain")(handler, body)

    url = fake(first_ok_then_fail)
    with pytest.raises(ProgkgError) as exc:
        push(rome_built, url, timeout=10)
    message = exc.value.message
    second = sorted(
        g.value for g in ox.Store.read_only(str((rome_built / "store").resolve())).named_graphs()
    )[1]
    assert f"pushing graph {second} failed" in message and "HTTP 500" in message and "disk full" in message
    assert "graphs already pushed: https://w3id.org/progkg/graph/" in message


def test_cli_endpoint_errors_exit_2(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(SystemExit) as exc:
        main(["query", "programmes", "--endpoint", url, "--timeout", "3"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and url in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        main(["query", "programmes", "--endpoint", "not a url"])
    assert exc.value.code == 2 and "not an http(s) URL" in capsys.readouterr().err


def test_a_server_without_the_union_default_graph_is_explained(tmp_path: Path, rome_built: Path) -> None:
    with OxigraphServer(
        tmp_path / "db", "127.0.0.1", free_port(), read_only=False, union_default_graph=False
    ) as srv:
        push(rome_built, srv.query_url)
        with pytest.raises(ProgkgError, match="union-default-graph"):
            run_query(programmes(), {}, endpoint=srv.query_url)

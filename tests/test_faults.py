"""Endpoint faults through the real CLI: each one line, exit 2, bounded in time, and nothing
half-loaded in the remote graph.

``progkg query --endpoint`` and ``progkg push`` meet: a refused connection, a server that
accepts and never answers, HTTP errors, answers that are not SPARQL results, a connection cut
in the middle of a push. The remote store is a real Oxigraph server on 127.0.0.1 (read-write,
so that a half-loaded graph would show); misbehaving servers are small local HTTP servers and a
TCP proxy in front of the real one that drops a PUT half-way through its body.
(tests/test_remote.py checks the same faults one level down, on ``run_query`` and ``push``.)
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import build
from progkg.cli import main
from progkg.push import push, remote_counts
from progkg.serve import OxigraphServer, free_port

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)
FIXTURES = REPO / "tests" / "fixtures" / "queries"
PARIS = "https://w3id.org/progkg/graph/seeds/paris1-m2-cipt"


def _build_with_rome(project: paths.Resources, out: Path) -> Path:
    (out / "imports").mkdir(parents=True)
    quads = ox.parse(path=str(FIXTURES / "rome-mini.trig"), format=ox.RdfFormat.TRIG)
    (out / "imports" / "rome.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    build(project, out)
    return out


@pytest.fixture(scope="module")
def old_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_with_rome(RES, tmp_path_factory.mktemp("old") / "build")


@pytest.fixture(scope="module")
def new_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A later build: the Paris 1 brochure lost its last semester, so its graph is smaller."""
    project = tmp_path_factory.mktemp("new") / "project"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    seed = project / "data" / "seeds" / "paris1-m2-cipt.ttl"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text[: text.index("# --- Teaching: semester 4")], encoding="utf-8")
    return _build_with_rome(paths.resources(project), project / "build")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, old_build: Path) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server on 127.0.0.1 holding the old build."""
    srv = OxigraphServer(
        tmp_path_factory.mktemp("oxigraph") / "db", "127.0.0.1", free_port(), read_only=False
    )
    srv.start()
    try:
        push(old_build, srv.query_url, timeout=120)
        yield srv
    finally:
        srv.stop()


def _counts(build_dir: Path) -> dict[str, int]:
    store = ox.Store.read_only(str((build_dir / "store").resolve()))
    return {g.value: len(list(store.quads_for_pattern(None, None, None, g))) for g in store.named_graphs()}


def _cli(args: list[str], build_dir: Path, monkeypatch, capsys) -> tuple[int, str, float]:  # noqa: ANN001
    monkeypatch.setenv("PROGKG_BUILD", str(build_dir))
    monkeypatch.chdir(REPO)
    started = time.monotonic()
    with pytest.raises(SystemExit) as exc:
        main(args)
    elapsed = time.monotonic() - started
    return exc.value.code, capsys.readouterr().err, elapsed


def _error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.rstrip("\n").splitlines()
    errors = [line for line in lines if line.startswith("progkg: error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], err
    return errors[0]


# --- Servers that misbehave ---------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None

    def _any(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.behaviour(self, body)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = do_DELETE = _any


@contextlib.contextmanager
def fake_server(behaviour: Callable[[http.server.BaseHTTPRequestHandler, bytes], None]) -> Iterator[str]:
    """A local HTTP server answering as ``behaviour`` says; yields its …/query URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.behaviour = behaviour  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/query"
    finally:
        httpd.shutdown()
        httpd.server_close()


def answer(status: int, body: bytes, content_type: str, put_status: int | None = None):  # noqa: ANN201
    """Answer every request with ``status`` (PUT and DELETE with ``put_status`` when given)."""

    def behaviour(handler: http.server.BaseHTTPRequestHandler, _body: bytes) -> None:
        code = put_status if put_status is not None and handler.command in ("PUT", "DELETE") else status
        handler.send_response(code)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return behaviour


def hang_up_half_way(handler: http.server.BaseHTTPRequestHandler, _body: bytes) -> None:
    """Start a SPARQL JSON answer, then drop the connection."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", "500")
    handler.end_headers()
    handler.wfile.write(b'{"head": {"vars": ["programme"]}, "results": {"bindings": [')
    handler.wfile.flush()
    handler.connection.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """Accepts connections (the kernel does) and never answers."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=16)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    finally:
        listener.close()


@contextlib.contextmanager
def nothing_listening() -> Iterator[str]:
    yield f"http://127.0.0.1:{free_port()}/query"


#: a count query's answer from a store holding something else than what was sent
COUNTS_OF_ANOTHER_STORE = {
    "head": {"vars": ["g", "n"]},
    "results": {
        "bindings": [
            {
                "g": {"type": "uri", "value": "https://example.org/graph"},
                "n": {
                    "type": "literal",
                    "value": "1",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                },
            }
        ]
    },
}
HTML = b"<html><body><h1>Please log in</h1></body></html>"


# --- progkg query --endpoint ---------------------------------------------------------------------------

QUERY_FAULTS = {
    "connection-refused": (nothing_listening, "connection refused (is the server running?)"),
    "never-answers": (silent_server, "(timeout)"),
    "http-500": (lambda: fake_server(answer(500, b"boom: out of memory", "text/plain")), "HTTP 500"),
    "html-page": (lambda: fake_server(answer(200, HTML, "text/html")), "is not SPARQL 1.1 JSON results"),
    "json-but-not-sparql": (
        lambda: fake_server(answer(200, b'{"error": "quota exceeded"}', "application/json")),
        "is not SPARQL 1.1 JSON results",
    ),
    "hangs-up-half-way": (lambda: fake_server(hang_up_half_way), "http://127.0.0.1:"),
}


@pytest.mark.parametrize("fault", list(QUERY_FAULTS))
def test_query_endpoint_faults(fault: str, old_build: Path, monkeypatch, capsys) -> None:
    make, expected = QUERY_FAULTS[fault]
    with make() as url:
        code, err, elapsed = _cli(
            ["query", "rome-for-certification", "-p", "rncp=RNCP24759", "--endpoint", url, "--timeout", "1"],
            old_build,
            monkeypatch,
            capsys,
        )
    assert code == 2
    line = _error_line(err)
    assert line.startswith(f"progkg: error: {url}"), line
    assert expected in line, line
    assert elapsed < 10


def test_query_on_a_real_server_at_a_wrong_path(
    server: OxigraphServer, old_build: Path, monkeypatch, capsys
) -> None:
    for path, expected in (("no/such/service", "HTTP 404"), ("update", "HTTP 400"), ("store", "HTTP 415")):
        code, err, _ = _cli(
            ["query", "programmes", "--endpoint", server.url + path], old_build, monkeypatch, capsys
        )
        assert code == 2 and expected in _error_line(err), err


# --- progkg push ---------------------------------------------------------------------------------------

PUSH_FAULTS = {
    "connection-refused": (
        nothing_listening,
        ["pushing graph ", "connection refused", "graphs already pushed: none"],
    ),
    "never-answers": (silent_server, ["pushing graph ", "(timeout)", "graphs already pushed: none"]),
    "http-500-on-put": (
        lambda: fake_server(answer(500, b"disk full", "text/plain")),
        ["pushing graph ", "HTTP 500", "disk full", "graphs already pushed: none"],
    ),
    "html-instead-of-counts": (
        lambda: fake_server(answer(200, HTML, "text/html", put_status=204)),
        ["graphs were sent to", "but reading their triple counts back failed", "is not SPARQL 1.1 JSON"],
    ),
    "counts-that-do-not-match": (
        lambda: fake_server(
            answer(
                200,
                json.dumps(COUNTS_OF_ANOTHER_STORE).encode(),
                "application/sparql-results+json",
                put_status=204,
            )
        ),
        ["holds 0 triples after the push", "were sent"],
    ),
}


@pytest.mark.parametrize("fault", list(PUSH_FAULTS))
def test_push_faults(fault: str, old_build: Path, monkeypatch, capsys) -> None:
    make, expected = PUSH_FAULTS[fault]
    with make() as url:
        code, err, elapsed = _cli(
            ["push", "--endpoint", url, "--timeout", "1"], old_build, monkeypatch, capsys
        )
    assert code == 2
    line = _error_line(err)
    for part in expected:
        assert part in line, line
    assert elapsed < 15


def test_push_rejected_by_a_real_server_changes_nothing(
    server: OxigraphServer, new_build: Path, monkeypatch, capsys
) -> None:
    before = remote_counts(server.query_url, 60)
    code, err, _ = _cli(
        ["push", "--endpoint", server.query_url, "--graph-store", server.url + "update"],
        new_build,
        monkeypatch,
        capsys,
    )
    assert code == 2
    assert "pushing graph https://w3id.org/progkg/graph/" in _error_line(err)
    assert remote_counts(server.query_url, 60) == before


class CuttingProxy:
    """Forwards TCP connections to ``upstream``; a request whose first line contains ``cut``
    is forwarded with half its body, then both connections are dropped."""

    def __init__(self, upstream: tuple[str, int], cut: bytes) -> None:
        self.upstream = upstream
        self.cut = cut
        self.cuts = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/query"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self.upstream)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                break
            head += chunk
        if self.cut in head.split(b"\r\n", 1)[0]:
            headers, _, body = head.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", headers).group(1))
            while len(body) < length // 2:
                body += client.recv(65536)
            upstream.sendall(headers + b"\r\n\r\n" + body[: length // 2])
            self.cuts += 1
            time.sleep(0.3)
            for sock in (upstream, client):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            return
        upstream.sendall(head)
        threads = [
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True),
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        client.close()
        upstream.close()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                target.sendall(chunk)
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()


def test_a_push_cut_in_the_middle_leaves_every_remote_graph_whole(
    server: OxigraphServer, old_build: Path, new_build: Path, monkeypatch, capsys
) -> None:
    old, new = _counts(old_build), _counts(new_build)
    assert new[PARIS] < old[PARIS]
    assert remote_counts(server.query_url, 60) == old
    proxy = CuttingProxy((server.host, server.port), b"paris1-m2-cipt")
    try:
        code, err, _ = _cli(
            ["push", "--endpoint", proxy.url, "--timeout", "30"], new_build, monkeypatch, capsys
        )
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert code == 2
    line = _error_line(err)
    assert f"pushing graph {PARIS} failed" in line and "graphs already pushed: https://" in line, line

    time.sleep(0.5)  # let the server notice the dropped connection
    remote = remote_counts(server.query_url, 60)
    assert remote[PARIS] == old[PARIS]  # the cut graph: the old one, whole
    for graph, count in remote.items():  # the others: old or new, never in between
        assert count in (old.get(graph), new.get(graph)), graph
    assert set(remote) == set(old)

    try:
        # running the push again completes it
        code, err, _ = _cli(["push", "--endpoint", server.query_url], new_build, monkeypatch, capsys)
        assert code == 0, err
        assert remote_counts(server.query_url, 60) == new
    finally:
        push(old_build, server.query_url, timeout=120)
    assert remote_counts(server.query_url, 60) == old

"""`progkg serve`: pages and Oxigraph's read-only server on one port, bound to 127.0.0.1,
stopped cleanly by Ctrl-C. (The pages themselves: tests/test_web*.py.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from progkg import paths
from progkg.build import build
from progkg.errors import ProgkgError
from progkg.queries import load_query, parse_query_text, run_query
from progkg.serve import free_port

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)


class Served:
    def __init__(
        self, process: subprocess.Popen[str], port: int, endpoint: str, page: str, pages: str
    ) -> None:
        self.process, self.port, self.endpoint, self.page = process, port, endpoint, page
        self.pages = pages


def start_serve(build_dir: Path, *args: str, port: int | None = None) -> Served:
    port = port or free_port()
    env = {**os.environ, "PROGKG_BUILD": str(build_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "progkg", "serve", "--port", str(port), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: dict[str, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "SPARQL endpoint" not in lines:
        line = process.stdout.readline()
        if not line:
            break
        key, _, value = line.partition(":")
        lines[key.strip()] = value.strip()
    if "SPARQL endpoint" not in lines:
        process.kill()
        raise AssertionError(f"progkg serve did not start: {process.stderr.read()}")
    return Served(process, port, lines["SPARQL endpoint"], lines["Query page"], lines["Pages"])


def stop(served: Served) -> int:
    served.process.send_signal(signal.SIGINT)
    try:
        return served.process.wait(15)
    finally:
        if served.process.poll() is None:
            served.process.kill()


@pytest.fixture
def served(built: Path) -> Iterator[Served]:
    s = start_serve(built)
    try:
        yield s
    finally:
        if s.process.poll() is None:
            stop(s)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (Linux /proc/net/tcp, tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as fh:
            next(fh)
            for line in fh:
                fields = line.split()
                address, hex_port = fields[1].split(":")
                if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
                    found.add(address)
    return found


def test_serve_binds_loopback_only_by_default(served: Served) -> None:
    assert served.endpoint == f"http://127.0.0.1:{served.port}/query"
    # Oxigraph's query page moved from / to /sparql/ (issue 15): / is the pages' search box.
    assert served.page == f"http://127.0.0.1:{served.port}/sparql/"
    assert served.pages == f"http://127.0.0.1:{served.port}/"
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    assert listening_addresses(served.port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_serve_answers_saved_queries_like_the_embedded_store(served: Served, built: Path) -> None:
    for name, params in (
        ("rome-for-certification", {"rncp": "RNCP24759"}),
        ("teaching-volume", {"parcours": "Communication institutionnelle"}),
        ("programmes", {}),
    ):
        query = load_query(RES, name)
        remote = run_query(query, params, endpoint=served.endpoint, timeout=30)
        assert remote.rows and remote.rows == run_query(query, params, build_dir=built).rows
    with urllib.request.urlopen(served.page, timeout=10) as page:
        assert page.status == 200 and "text/html" in page.headers["Content-Type"]


def test_serve_refuses_updates(served: Served) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = run_query(parse_query_text(count, "count"), {}, endpoint=served.endpoint).values()
    for url, content_type, body in (
        (served.page + "update", "application/sparql-update", b"DROP ALL"),
        (served.page + "store?default", "text/turtle", b"<http://a> <http://b> <http://c> ."),
    ):
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type}
        )
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(request, timeout=10)
        assert exc.value.code == 403
    with pytest.raises(ProgkgError, match="read-only"):
        run_query(parse_query_text("# title: x\nDROP ALL", "x"), {}, endpoint=served.endpoint)
    assert run_query(parse_query_text(count, "count"), {}, endpoint=served.endpoint).values() == before


def test_ctrl_c_stops_the_server_and_its_snapshot(built: Path) -> None:
    s = start_serve(built)
    assert list(built.glob(".serve-*"))
    assert stop(s) == 0
    assert "stopped" in s.process.stderr.read()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.port), timeout=2).close()
    assert not list(built.glob(".serve-*"))


def test_a_rebuild_while_serving_does_not_break_the_server(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(RES, out)
    s = start_serve(out)
    try:
        build(RES, out)  # publishes a new store and deletes the old folder
        query = load_query(RES, "rome-for-certification")
        assert len(run_query(query, {"rncp": "RNCP24759"}, endpoint=s.endpoint).rows) == 4
    finally:
        assert stop(s) == 0


def test_serve_errors_exit_2(built: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "progkg", "serve", "--port", str(port)],
            cwd=REPO,
            env={**os.environ, "PROGKG_BUILD": str(built)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2 and "already in use" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "progkg", "serve", "--port", str(free_port())],
        cwd=REPO,
        env={**os.environ, "PROGKG_BUILD": str(tmp_path / "no-build")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "run `progkg build` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_dereferences_iris_over_plain_http(served: Served) -> None:
    """The issue's check: `curl -H 'Accept: text/turtle' …/id/rome/K1802` prints Turtle about
    K1802; a browser is sent to the page; an unknown IRI is 404 (docs/pages.md)."""
    import http.client

    import rdflib

    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        conn.request("GET", "/id/rome/K1802", headers={"Accept": "text/turtle"})
        answer = conn.getresponse()
        body = answer.read()
        assert answer.status == 200 and answer.getheader("Content-Type").startswith("text/turtle")
        graph = rdflib.Graph().parse(data=body, format="turtle")
        k1802 = rdflib.URIRef("https://w3id.org/progkg/id/rome/K1802")
        assert (k1802, rdflib.SKOS.notation, rdflib.Literal("K1802")) in graph
        conn.request("GET", "/id/rome/K1802", headers={"Accept": "text/html"})
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 303 and answer.getheader("Location") == "/id/rome/K1802.html"
        conn.request("GET", "/id/rome/K1802.html")
        answer = conn.getresponse()
        assert answer.status == 200 and "Développement local" in answer.read().decode("utf-8")
        conn.request("GET", "/id/rome/Z0000", headers={"Accept": "text/turtle"})
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 404
    finally:
        conn.close()

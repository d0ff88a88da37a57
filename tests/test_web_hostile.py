"""Hostile input to the pages: path traversal, very long paths and parameters, HTML and script in
labels and parameters (escaped wherever they come out: HTML, SVG, JSON), and nothing that
reaches an update.

The labels come from a small graph of our own, held in a writable in-memory store, so that
"nothing was written" is a real check (the store `progkg serve` opens is read-only anyway).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from progkg import search
from progkg import store as st
from progkg.iris import DCT, GRAPH, ID, PK, RDF, RDFS
from progkg.web.app import create_app

EVIL = '<script>alert("x")</script> & <b>bold</b>'
UNIT = "<img src=x onerror=alert(1)>"
COURSE = "</text><script>alert(2)</script>"
PARCOURS = ID + "parcours/test/evil"


def _hostile_store() -> ox.Store:
    store = ox.Store()
    g = ox.NamedNode(GRAPH + "seeds/evil")

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g))

    add(PARCOURS, RDF + "type", ox.NamedNode(PK + "Parcours"))
    add(PARCOURS, RDFS + "label", ox.Literal(EVIL, language="fr"))
    add(PARCOURS, PK + "hasSemester", ox.NamedNode(PARCOURS + "/s1"))
    add(PARCOURS + "/s1", RDF + "type", ox.NamedNode(PK + "Semester"))
    add(
        PARCOURS + "/s1",
        PK + "semesterNumber",
        ox.Literal("1", datatype=ox.NamedNode(PK[:0] + "http://www.w3.org/2001/XMLSchema#integer")),
    )
    add(PARCOURS + "/s1", PK + "hasUnit", ox.NamedNode(PARCOURS + "/s1-ue1"))
    add(PARCOURS + "/s1-ue1", RDFS + "label", ox.Literal(UNIT))
    add(PARCOURS + "/s1-ue1", PK + "hasCourse", ox.NamedNode(PARCOURS + "/s1-ue1-c"))
    add(PARCOURS + "/s1-ue1-c", RDFS + "label", ox.Literal(COURSE))
    add(
        PARCOURS + "/s1-ue1-c",
        PK + "hoursCM",
        ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    )
    add(GRAPH + "seeds/evil", DCT + "title", ox.Literal("<i>doc</i><script>alert(3)</script>", language="fr"))
    store.bulk_load(search.index_nquads(store), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[TestClient, ox.Store]]:
    store = _hostile_store()
    with TestClient(create_app(store)) as c:
        yield c, store


@pytest.fixture(scope="module")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(st.open_store(built))) as c:
        yield c


def _no_raw_markup(text: str) -> None:
    for raw in ("<script>alert", "<img src=x", "<b>bold", "</text><script>", "<i>doc"):
        assert raw not in text


def test_labels_come_out_escaped_in_html_and_svg(hostile: tuple[TestClient, ox.Store]) -> None:
    client, _ = hostile
    page = client.get("/id/parcours/test/evil.html")
    assert page.status_code == 200
    _no_raw_markup(page.text)
    assert "&lt;script&gt;alert(" in page.text and "&amp; &lt;b&gt;bold" in page.text
    assert "<svg" in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text  # the picture too
    assert "12" in page.text
    for path in (
        "/search?q=bold",
        "/id/parcours/test/evil/s1-ue1.html",
        "/id/parcours/test/evil/s1-ue1-c.html",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        _no_raw_markup(r.text)


def test_labels_in_suggestions_are_data(hostile: tuple[TestClient, ox.Store]) -> None:
    client, _ = hostile
    r = client.get("/suggest", params={"q": "bold"})
    assert r.headers["content-type"] == "application/json"
    assert [s["name"] for s in r.json()] == [" ".join(EVIL.split())]  # the script inserts it as text


@pytest.mark.parametrize(
    "q",
    [
        '<script>alert("q")</script>',
        '"><svg onload=alert(1)>',
        '"} ; DROP ALL ; #',
        "x' OR '1'='1",
        "id:../../etc/passwd",
        "<http://a> <http://b>",
    ],
)
def test_parameters_come_out_escaped(client: TestClient, q: str) -> None:
    for path in ("/search", "/suggest"):
        r = client.get(path, params={"q": q})
        assert r.status_code == 200
        if r.headers["content-type"].startswith("text/html") and any(c in q for c in '<>"'):
            assert q not in r.text  # shown escaped, never as markup
        assert "<script>alert" not in r.text and "<svg onload" not in r.text


def test_traversal_and_long_input(client: TestClient) -> None:
    for path in (
        "/id/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/..%2f..%2fetc%2fpasswd.ttl",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/id/rome/K1802%00.ttl",
        "/id/rome/K1802>%20}%20;%20DROP%20ALL%20;%20%23",
    ):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 404, path
        assert "root:" not in r.text and "import " not in r.text
    long_path = "/id/" + "a/" * 20_000  # 40 kB (httpx refuses URLs over 64 kB)
    assert client.get(long_path).status_code == 404
    long_q = "chargé de communication " * 1_000
    r = client.get("/search", params={"q": long_q})
    assert r.status_code == 200 and "200 caractères au plus" in r.text
    assert client.get("/suggest", params={"q": long_q}).json() == []
    for page in ("-5", "0", "abc", "9" * 40, "1e9"):
        assert client.get("/id/rome/K1802.html", params={"page": page}).status_code == 200
    # A malformed, very long Accept header: an answer (its q values read as 0: 406), no error.
    r = client.get("/id/rome/K1802", headers={"Accept": "text/turtle;q=abc, " * 500}, follow_redirects=False)
    assert r.status_code == 406


def test_nothing_reaches_an_update(
    hostile: tuple[TestClient, ox.Store], client: TestClient, built: Path
) -> None:
    test_client, store = hostile
    before = len(store)
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert test_client.request(method, "/id/parcours/test/evil").status_code == 405
        assert test_client.request(method, "/search?q=x").status_code == 405
    for q in (
        '"} ; DROP ALL ; #',
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "INSERT DATA { <a:a> <a:b> <a:c> }",
    ):
        test_client.get("/search", params={"q": q})
        test_client.get("/suggest", params={"q": q})
        test_client.get("/id/parcours/test/evil.html", params={"q": q, "page": q, "lang": q})
    assert len(store) == before
    # The update endpoints are Oxigraph's read-only server's (tests/test_serve.py checks its 403);
    # without it the app answers 503 and runs nothing.
    assert (
        client.post(
            "/update", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
        ).status_code
        == 503
    )
    assert len(st.open_store(built)) > 1000

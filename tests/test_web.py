"""The pages of `progkg serve` (progkg.web), through Starlette's test client on the built graph.

Content negotiation is checked with plain HTTP requests and the RDF parsed with rdflib; the
pages by what they show (a course's hours, a job title's programmes, the links between them);
the browser walk is tests/test_web_browser.py. Hostile input: tests/test_web_hostile.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from progkg import store as st
from progkg.iris import ID, SKOS
from progkg.web.app import create_app
from progkg.web.negotiation import choose, split_suffix

K1802 = ID + "rome/K1802"
CIPT = "parcours/paris1/m2-communication-institutionnelle-politique-territoires"
JOB = "job/charge-de-communication-interne-et-externe"


@pytest.fixture(scope="module")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(st.open_store(built))) as c:
        yield c


# --- Content negotiation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("text/turtle", "turtle", "text/turtle"),
        ("application/ld+json", "json-ld", "application/ld+json"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("text/html;q=0.5, text/turtle", "turtle", "text/turtle"),
    ],
)
def test_an_iri_answers_rdf_to_machines(client: TestClient, accept: str, fmt: str, media: str) -> None:
    r = client.get("/id/rome/K1802", headers={"Accept": accept}, follow_redirects=False)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert r.headers["vary"] == "Accept"
    suffix = {"turtle": "ttl", "json-ld": "jsonld", "nt": "nt"}[fmt]
    assert r.headers["content-location"] == f"/id/rome/K1802.{suffix}"
    g = rdflib.Graph().parse(data=r.content, format=fmt)
    assert (rdflib.URIRef(K1802), rdflib.URIRef(SKOS + "notation"), rdflib.Literal("K1802")) in g
    # The document the header names is the same description.
    doc = client.get(r.headers["content-location"])
    assert doc.status_code == 200 and doc.content == r.content


def test_an_iri_sends_browsers_to_its_page(client: TestClient) -> None:
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "*/*", ""):
        r = client.get("/id/rome/K1802", headers={"Accept": accept}, follow_redirects=False)
        assert r.status_code == 303, accept
        assert r.headers["location"] == "/id/rome/K1802.html"
        assert r.headers["vary"] == "Accept"
    page = client.get("/id/rome/K1802.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Développement local" in page.text and "K1802" in page.text
    assert '<link rel="alternate" type="text/turtle" href="/id/rome/K1802.ttl">' in page.text


def test_unknown_iris_are_404_and_unacceptable_types_406(client: TestClient) -> None:
    assert client.get("/id/rome/Z9999", headers={"Accept": "text/turtle"}).status_code == 404
    r = client.get("/id/rome/Z9999.html")
    assert r.status_code == 404 and "Introuvable" in r.text
    assert client.get("/id/rome/Z9999.ttl").status_code == 404
    assert client.get("/id/").status_code == 404
    r = client.get("/id/rome/K1802", headers={"Accept": "image/png"}, follow_redirects=False)
    assert r.status_code == 406 and "text/turtle" in r.text


def test_the_rdf_of_one_iri_is_what_the_graph_says_about_it(client: TestClient, built: Path) -> None:
    turtle = client.get(f"/id/{CIPT}.ttl").content
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    subject = rdflib.URIRef(ID + CIPT)
    store = st.open_store(built)
    stated = {
        (q.predicate.value, q.object.value)
        for q in store.quads_for_pattern(ox.NamedNode(ID + CIPT), None, None)
        if "/graph/derived/" not in q.graph_name.value
    }
    assert {(str(p), str(o)) for p, o in g.predicate_objects(subject)} == stated
    # With the labels of what it points at, and never the derived search index.
    assert (rdflib.URIRef(ID + JOB), rdflib.RDFS.label, None) in g
    assert not any("derived#" in str(p) for p in g.predicates())
    # Same build, same bytes.
    assert client.get(f"/id/{CIPT}.ttl").content == turtle
    jsonld = client.get(f"/id/{CIPT}.jsonld").content
    assert jsonld == client.get(f"/id/{CIPT}.jsonld").content


def test_the_json_ld_is_compacted_with_the_exports_context(client: TestClient) -> None:
    """A page's JSON-LD carries the context the export ships, inline, and uses it (``skos:``,
    ``pk:`` keys, the described node first): the same statements as its Turtle."""
    from progkg.export import load_context

    doc = json.loads(client.get("/id/rome/K1802.jsonld").content)
    assert doc["@context"] == load_context()["@context"]
    first = doc["@graph"][0]
    assert first["@id"] == "pkid:rome/K1802" and first["skos:notation"] == [{"@value": "K1802"}]
    assert all(":" in key for node in doc["@graph"] for key in node if not key.startswith("@"))
    as_jsonld = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    as_turtle = rdflib.Graph().parse(data=client.get("/id/rome/K1802.ttl").content, format="turtle")
    assert len(as_turtle) >= 5 and isomorphic(as_jsonld, as_turtle)


def test_accept_parsing() -> None:
    assert choose(None).suffix == "html"
    assert choose("application/ld+json;q=0.9, text/turtle;q=0.95").suffix == "ttl"
    assert choose("text/turtle;q=0, application/n-triples").suffix == "nt"
    assert choose("image/png") is None
    assert split_suffix("rome/K1802.ttl")[1].suffix == "ttl"
    assert split_suffix("rome/K1802") == ("rome/K1802", None)
    assert split_suffix("a.b/c") == ("a.b/c", None)


# --- Pages ---------------------------------------------------------------------------------


def test_the_walk_job_title_programme_parcours_course_hours(client: TestClient) -> None:
    search = client.get("/search", params={"q": "charge de communication"})
    assert search.status_code == 200
    assert f'href="/id/{JOB}.html"' in search.text
    job = client.get(f"/id/{JOB}.html")
    assert f'href="/id/{CIPT}.html"' in job.text
    assert 'href="/id/programme/paris1/master-science-politique.html"' in job.text
    programme = client.get("/id/programme/paris1/master-science-politique.html")
    assert f'href="/id/{CIPT}.html"' in programme.text
    parcours = client.get(f"/id/{CIPT}.html").text
    # "Communication publique": 20 h of lectures, 0 of tutorials (the brochure's S3, UE 1).
    row = parcours.split(">Communication publique</a>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num hours-cm">20</td><td class="num hours-td">0</td>' in row
    assert "220 h" in parcours  # S3's courses add up to 220 h in the brochure's table
    assert "<svg" in parcours and 'role="img"' in parcours


def test_each_fact_shows_its_source(client: TestClient) -> None:
    page = client.get(f"/id/{CIPT}.html").text
    sources = page.split('id="h-sources"', 1)[1]
    assert "Brochure du M2 Communication institutionnelle" in sources
    assert "https://w3id.org/progkg/graph/seeds/paris1-m2-cipt" in sources
    assert page.count('href="#source-1"') > 20  # every course, unit, job title… points at it


def test_pages_of_each_kind(client: TestClient) -> None:
    cert = client.get("/id/rncp/RNCP24759.html").text
    assert 'href="/id/rome/K1802.html"' in cert  # its ROME codes
    assert "Formations qui y mènent" in cert and "lille2/european-policies-and-project-management" in cert
    rome = client.get("/id/rome/K1802.html").text
    assert 'class="picture neighbourhood"' in rome and "Master Science politique" in rome
    institution = client.get("/id/org/universite-paris-1-pantheon-sorbonne.html")
    assert institution.status_code == 200 and "master-science-politique" in institution.text
    assert client.get("/programmes").text.count('href="/id/programme/') == 3


def test_the_language_switch(client: TestClient) -> None:
    fr = client.get(
        f"/id/{CIPT}.html",
    )
    assert '<html lang="fr">' in fr.text and "Semestres, unités" in fr.text
    en = client.get(f"/id/{CIPT}.html", params={"lang": "en"})
    assert '<html lang="en">' in en.text and "Semesters, teaching units and courses" in en.text
    # The graph's English label where it has one; French labels marked as such.
    assert "M2 Institutional communication and territorial politics" in en.text
    assert '<span lang="fr">' in en.text
    assert en.cookies.get("lang") == "en"
    again = client.get("/id/rome/K1802.html")  # the cookie keeps the choice
    assert '<html lang="en">' in again.text
    client.get("/", params={"lang": "fr"})


def test_search_and_suggestions(client: TestClient) -> None:
    code = client.get("/search", params={"q": "k1802"}).text
    assert 'href="/id/rome/K1802.html"' in code and "kind-job" not in code  # a code names the code
    lille = client.get("/search", params={"q": "science politique Lille"}).text
    assert "Master Science politique (Université Lille 2)" in lille
    suggestions = client.get("/suggest", params={"q": "charge de comm"}).json()
    assert suggestions and suggestions[0]["url"].startswith("/id/job/charge-de-communication")
    assert all(set(s) == {"name", "kind", "url"} for s in suggestions)
    assert client.get("/suggest", params={"q": "c"}).json() == []
    nothing = client.get("/search", params={"q": "zzzqqq xyzzy"})
    assert nothing.status_code == 200 and "Rien ne correspond" in nothing.text
    assert client.get("/search", follow_redirects=False).status_code == 303


def test_sparql_without_its_server_is_503(client: TestClient) -> None:
    assert client.get("/query", params={"query": "ASK {}"}).status_code == 503


def test_the_search_box_resolves_as_search_does(built: Path) -> None:
    """The pages' select answers search's name lookups from the store's indexes: the same
    matches as through SPARQL, for every kind."""
    from progkg import search
    from progkg.queries import store_select
    from progkg.web.graph import Graph

    store = st.open_store(built)
    graph = Graph(store)
    plain = store_select(store)
    for text in (
        "charge de communication",
        "master",
        "science politique",
        "K1802",
        "communication publique",
        "lille",
    ):
        for kind in search.KINDS:
            assert search.find(kind, text, graph.search_select()) == search.find(kind, text, plain), (
                text,
                kind,
            )


def test_esco_occupations_once_imported() -> None:
    """A ROME code's page lists the ESCO occupations its job titles (and its sub-codes') are
    mapped to, and a job title's page its own (as the ESCO-ROME crosswalk relates them)."""
    from progkg import search
    from progkg.iris import GRAPH, PK, RDF

    store = ox.Store()
    g = ox.NamedNode(GRAPH + "esco-rome")
    occupation = "http://data.europa.eu/esco/occupation/0a1b2c3d"
    code, sub, title = ID + "rome/K1802", ID + "rome/K1803", ID + "rome/appellation/11111"
    for s, p, o in (
        (code, RDF + "type", ox.NamedNode(PK + "RomeCode")),
        (sub, PK + "parentCode", ox.NamedNode(code)),
        (title, RDF + "type", ox.NamedNode(PK + "RomeAppellation")),
        (title, PK + "romeCode", ox.NamedNode(sub)),
        (title, SKOS + "closeMatch", ox.NamedNode(occupation)),
        (occupation, SKOS + "prefLabel", ox.Literal("agent de développement local", language="fr")),
    ):
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g))
    store.bulk_load(search.index_nquads(store), format=ox.RdfFormat.N_QUADS)
    with TestClient(create_app(store)) as c:
        for page in ("/id/rome/K1802.html", "/id/rome/appellation/11111.html"):
            text = c.get(page).text
            assert f'<a href="{occupation}">agent de développement local</a>' in text, page


def test_a_page_asked_again_is_the_cached_one_in_its_language(built: Path, monkeypatch) -> None:
    """Rendered pages are kept (the served snapshot never changes): the second request of a URL
    in a language renders nothing and gives the same bytes; each language is its own page."""
    from progkg.web import app as web

    rendered: list[str] = []
    original = web.Pages._thing_page

    def counting(self, request, iri, stem):  # noqa: ANN001, ANN202
        rendered.append(iri)
        return original(self, request, iri, stem)

    monkeypatch.setattr(web.Pages, "_thing_page", counting)
    with TestClient(create_app(st.open_store(built))) as c:
        url = "/id/rome/K1802.html"
        first, second = c.get(url), c.get(url)
        assert first.status_code == second.status_code == 200 and first.content == second.content
        assert len(rendered) == 1
        english = c.get(url + "?lang=en")
        assert english.status_code == 200 and 'lang="en"' in english.text and len(rendered) == 2
        assert english.headers.get("set-cookie", "").startswith("lang=en")
        again = c.get(url + "?lang=en")
        assert again.content == english.content and len(rendered) == 2
        assert again.headers.get("set-cookie", "").startswith("lang=en")  # the choice still kept
    monkeypatch.setenv("PROGKG_PAGE_CACHE", "0")
    rendered.clear()
    with TestClient(create_app(st.open_store(built))) as c:
        c.get("/id/rome/K1802.html"), c.get("/id/rome/K1802.html")
        assert len(rendered) == 2

"""The Starlette application behind ``progkg serve``: pages, search, RDF of one IRI, SPARQL.

Routes (docs/pages.md):

* ``/`` the search box; ``/search?q=`` results by kind; ``/suggest?q=`` suggestions as JSON
  for the box's script; ``/programmes`` every programme, a page at a time.
* ``/id/…`` every IRI of the graph (:mod:`progkg.web.negotiation`): 303 to the HTML page for
  browsers, RDF for machines, 404 for what the graph does not know.
* ``/query``, ``/update``, ``/store``, ``/sparql/…``: forwarded as they are to Oxigraph's own
  read-only server (its SPARQL endpoint and query page, unchanged); it refuses updates.
* ``/static/…`` the style sheet and the search box's script (no CDN: everything offline).

Page handlers are plain functions: Starlette runs them in its thread pool, where pyoxigraph
reads the read-only store concurrently.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from progkg import search
from progkg.errors import ProgkgError
from progkg.export import load_context
from progkg.iris import DERIVED_GRAPHS, ID, ORG, PK, PREFIXES, SKOS
from progkg.web import negotiation as neg
from progkg.web import pictures
from progkg.web.graph import MATCH_PROPS, Graph, Link, local_path
from progkg.web.i18n import DEFAULT_LANG, LANGS, translator

HERE = Path(__file__).resolve().parent
#: The longest text a search box or a parameter takes; longer is refused, not truncated.
MAX_QUERY = 200
#: The longest ``/id/…`` path looked up (IRIs of the graph are far shorter).
MAX_PATH = 1000
#: The most sources whose statements a page lists in "everything the graph says".
MAX_SOURCES = 20
#: The most pages a listing pages through (50 items each).
MAX_PAGE = 10_000
#: Kinds of the search, in the order results are shown.
SEARCH_KINDS = ("job", "rome", "programme", "parcours", "certification", "institution", "sector")
#: How many answers of the search box are kept (see Pages._find).
SEARCH_CACHE = 4096
#: How many suggestions the search box shows.
SUGGESTIONS = 8
#: Prefixes written in the Turtle of one IRI (the vocabularies its statements use; IRIs of the
#: graph stay whole, as ``pkid:rome\/K1802`` would read badly).
RDF_PREFIXES = {
    k: PREFIXES[k]
    for k in ("pk", "rdf", "rdfs", "xsd", "skos", "schema", "dct", "org", "prov", "elm")
    if k in PREFIXES
}


def href(iri: str) -> str:
    """The URL a page links ``iri`` with: its page for an IRI of the graph, else the IRI."""
    path = local_path(iri)
    if path is None:
        return iri
    return "/id/" + quote(path, safe="/:@!$&'()*+,;=-._~") + ".html"


#: Bytes of rendered pages a page worker keeps (:meth:`Pages.thing_page`).
PAGE_CACHE_BYTES = 64 << 20


class Pages:
    """The pages of one store (state shared by the handlers)."""

    def __init__(self, store: ox.Store, sparql_url: str | None = None) -> None:
        self.graph = Graph(store)
        self.sparql_url = sparql_url.rstrip("/") if sparql_url else None
        self.context = load_context()  # the JSON-LD context the export ships
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the templates do not change while serving: no stat per page
        )
        self.env.globals["href"] = href
        self.http = None  # httpx.AsyncClient, made on first use (proxy only)
        self._search_cache: OrderedDict[tuple[str, tuple[str, ...]], list] = OrderedDict()
        self._cache_lock = threading.Lock()
        #: Rendered pages of things, by URL and language: the served snapshot never changes, so a
        #: page is the same until `progkg serve` restarts. Bounded by PAGE_CACHE_BYTES a worker;
        #: PROGKG_PAGE_CACHE=0 turns it off (bench/load.py measures both).
        self._pages: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
        self._pages_bytes = 0
        self._pages_limit = PAGE_CACHE_BYTES if os.environ.get("PROGKG_PAGE_CACHE", "1") != "0" else 0

    # --- Helpers ---------------------------------------------------------------------------

    def lang(self, request: Request) -> tuple[str, bool]:
        """The page's language, and whether the request chose it (then a cookie keeps it)."""
        asked = request.query_params.get("lang")
        if asked in LANGS:
            return asked, True
        cookie = request.cookies.get("lang")
        return (cookie if cookie in LANGS else DEFAULT_LANG), False

    def render(self, request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
        lang, chosen = self.lang(request)
        other = "en" if lang == "fr" else "fr"
        params = dict(request.query_params)
        params["lang"] = other
        context.setdefault("names", {})
        context.setdefault("source_numbers", {})
        context.setdefault("source_titles", {})
        t = translator(lang)
        name_of = self._namer(lang, context["names"])
        page = self.env.get_template(template).render(
            lang=lang,
            t=t,
            switch_url=request.url.path + "?" + urlencode(params),
            other_lang=other,
            request_path=request.url.path,
            name_of=name_of,
            link=_linker(name_of),
            src=_sourcer(context["source_numbers"], context["source_titles"], t),
            **context,
        )
        response = HTMLResponse(page, status_code=status)
        if chosen:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
        return response

    def _namer(self, lang: str, english: dict[str, str]):  # noqa: ANN202
        """``name_of(link)`` for templates: the English label on English pages where the graph
        has one, else the French name wrapped in ``<span lang="fr">``."""

        def name_of(link: Link | str, fallback: str = "") -> Markup:
            iri, name = (link.iri, link.name) if isinstance(link, Link) else (link, fallback)
            if lang == "en" and iri in english:
                return Markup.escape(english[iri])
            shown = name or fallback or iri
            if lang == "en":
                return Markup('<span lang="fr">') + Markup.escape(shown) + Markup("</span>")
            return Markup.escape(shown)

        return name_of

    def page_number(self, request: Request) -> int:
        try:
            n = int(request.query_params.get("page", "1"))
        except ValueError:
            return 1
        return min(max(n, 1), MAX_PAGE)

    # --- Home, search, suggestions -----------------------------------------------------------

    def home(self, request: Request) -> Response:
        return self.render(request, "home.html", q="")

    def programmes(self, request: Request) -> Response:
        listing = self.graph.programme_list(self.page_number(request))
        return self.render(
            request, "programmes.html", listing=listing, names=self._english(request, listing.items)
        )

    def _english(self, request: Request, links: list) -> dict[str, str]:
        if self.lang(request)[0] != "en":
            return {}
        return self.graph.english_names(_iris(links))

    def _query_text(self, request: Request) -> tuple[str, str | None]:
        q = " ".join(request.query_params.get("q", "").split())
        if len(q) > MAX_QUERY:
            return q[:MAX_QUERY], "too_long"
        return q, None

    def search_page(self, request: Request) -> Response:
        q, problem = self._query_text(request)
        if not q:
            return RedirectResponse("/", status_code=303)
        kind_filter = request.query_params.get("kind")
        kinds = (kind_filter,) if kind_filter in SEARCH_KINDS else SEARCH_KINDS
        page = self.page_number(request)
        size = 10 if len(kinds) > 1 else 50
        groups, error, close = [], None, []
        if problem is None:
            try:
                for kind, found in self._find(q, kinds):
                    if found:
                        start = (page - 1) * size if len(kinds) == 1 else 0
                        links = _with_hints(kind, [Link(m.iri, m.name) for m in found[start : start + size]])
                        groups.append(
                            {
                                "kind": kind,
                                "items": links,
                                "total": len(found),
                                "more": len(found) > start + size,
                            }
                        )
                groups.sort(key=lambda group: SEARCH_KINDS.index(group["kind"]))
                if not groups:
                    close = search.suggestions(search.KINDS["any"], q, self.graph.search_select())
            except ProgkgError as exc:
                error = exc.message
        all_links = [link for g in groups for link in g["items"]]
        return self.render(
            request,
            "search.html",
            q=q,
            groups=groups,
            problem=problem,
            error=error,
            close=close,
            page=page,
            single=len(kinds) == 1,
            names=self._english(request, all_links),
        )

    def _find(self, q: str, kinds: tuple[str, ...]) -> list[tuple[str, list[search.Match]]]:
        """``q`` resolved among each of ``kinds`` (progkg.search.find, as a query parameter of
        that kind would be). A text that names things by their code (K1802, RNCP24759) names
        those: the other kinds are not searched for its words.

        Answers are kept (:data:`SEARCH_CACHE` of them, least recently used dropped): the store
        is a snapshot that never changes while the server runs, and the letters typed in the
        box ask the same questions again and again."""
        key = (" ".join(q.casefold().split()), kinds)
        with self._cache_lock:
            if key in self._search_cache:
                self._search_cache.move_to_end(key)
                return self._search_cache[key]
        found = self._find_uncached(q, kinds)
        with self._cache_lock:
            self._search_cache[key] = found
            while len(self._search_cache) > SEARCH_CACHE:
                self._search_cache.popitem(last=False)
        return found

    def _find_uncached(self, q: str, kinds: tuple[str, ...]) -> list[tuple[str, list[search.Match]]]:
        """What ``q`` names, by kind: resolved as a parameter of type ``any`` (one pass over
        the index, as ``progkg describe`` resolves), its matches sorted by their kinds. When the
        best match is an exact label, which hides the lower ranks, job titles and sectors are
        then looked up as families (every title holding the words, as a ``job`` parameter
        resolves) and each kind still empty on its own. (One pass per kind always would cost 7
        times the lookups of a common word.)"""
        select = self.graph.search_select()
        found = search.find("any", q, select, related=False)
        by_kind: dict[str, dict[str, search.Match]] = {kind: {} for kind in kinds}
        for m in found:
            for kind in self.graph.search_kinds(m.iri):
                if kind in by_kind:
                    by_kind[kind].setdefault(m.iri, m)
        # Only an exact label hides the matches of lower ranks (words, prefix): then job titles
        # and sectors are looked up as families, and a kind without a match on its own. (A code
        # names what it names; at the word and prefix ranks, "any" already holds every kind's.)
        if found and min(m.rank for m in found) == search.RANK_EXACT:
            for kind in kinds:
                if search.KINDS[kind].family or not by_kind[kind]:
                    for m in search.find(kind, q, select, related=False):
                        by_kind[kind].setdefault(m.iri, m)
        out = []
        for kind in kinds:
            matches = sorted(by_kind[kind].values(), key=lambda m: (m.rank, m.name.casefold(), m.iri))
            out.append((kind, matches))
        return out

    def suggest(self, request: Request) -> Response:
        """Up to 8 suggestions for the box, as JSON: name, kind, URL (best ranks first)."""
        q, problem = self._query_text(request)
        if problem or len(q) < 3:  # two letters name too much to suggest anything useful
            return JSONResponse([])
        t = translator(self.lang(request)[0])
        found: list[tuple[int, int, str, search.Match]] = []
        try:
            for kind, matches in self._find(q, SEARCH_KINDS):
                order = SEARCH_KINDS.index(kind)
                for m in matches[:8]:
                    found.append((m.rank, order, m.name.casefold(), m))
        except ProgkgError:
            return JSONResponse([])
        found.sort(key=lambda item: item[:3])
        # At most 3 of a kind first (a job title's words are in many titles), then the rest.
        chosen: list[tuple[int, search.Match]] = []
        per_kind: dict[int, int] = {}
        for _, order, _, m in found:
            if per_kind.get(order, 0) < 3 and len(chosen) < SUGGESTIONS:
                chosen.append((order, m))
                per_kind[order] = per_kind.get(order, 0) + 1
        for _, order, _, m in found:
            if len(chosen) >= SUGGESTIONS:
                break
            if (order, m) not in chosen:
                chosen.append((order, m))
        seen: set[str] = set()
        out = []
        for order, m in sorted(chosen, key=lambda c: (c[1].rank, c[0], c[1].name.casefold())):
            if m.iri not in seen:
                seen.add(m.iri)
                out.append(
                    {"name": m.name or m.iri, "kind": t("one_" + SEARCH_KINDS[order]), "url": href(m.iri)}
                )
        return JSONResponse(out)

    # --- /id/… -----------------------------------------------------------------------------

    def dereference(self, request: Request) -> Response:
        path = request.path_params["path"]
        if len(path) > MAX_PATH:
            return self.not_found(request, "")
        stem, fmt = neg.split_suffix(path)
        if fmt is not None and self._known(ID + path):
            stem, fmt = path, None  # an IRI that itself ends like a suffix
        iri = ID + stem
        if not self._known(iri):
            return self.not_found(request, iri)
        doc = "/id/" + quote(stem, safe="/:@!$&'()*+,;=-._~")
        if fmt is None:
            wanted = neg.choose(request.headers.get("accept"))
            if wanted is None:
                listing = ", ".join(f.media_type for f in neg.FORMATS)
                return PlainTextResponse(
                    f"406 Not Acceptable: {listing}\n", status_code=406, headers={"Vary": "Accept"}
                )
            if wanted is neg.HTML:
                return RedirectResponse(f"{doc}.html", status_code=303, headers={"Vary": "Accept"})
            return self.rdf(iri, wanted, {"Content-Location": f"{doc}.{wanted.suffix}", "Vary": "Accept"})
        if fmt is neg.HTML:
            return self.thing_page(request, iri, stem)
        return self.rdf(iri, fmt, {})

    def _known(self, iri: str) -> bool:
        try:
            return self.graph.exists(iri)
        except ValueError:  # not an IRI (spaces, quotes, brackets…)
            return False

    def rdf(self, iri: str, fmt: neg.Format, headers: dict[str, str]) -> Response:
        body = neg.serialize(self.graph.triples(iri), fmt, RDF_PREFIXES, self.context)
        media = fmt.media_type + ("; charset=utf-8" if fmt is not neg.JSONLD else "")
        return Response(body, media_type=media, headers={**headers, "Link": f'<{iri}>; rel="describes"'})

    def not_found(self, request: Request, iri: str) -> Response:
        wanted = neg.choose(request.headers.get("accept"))
        if wanted is not neg.HTML and wanted is not None:
            return PlainTextResponse(
                "404 Not Found: the graph says nothing about this IRI\n", status_code=404
            )
        shown = iri if len(iri) <= 200 else iri[:199] + "…"
        return self.render(request, "not_found.html", status=404, iri=shown, q="")

    def thing_page(self, request: Request, iri: str, stem: str) -> Response:
        """The page of ``iri``, rendered once per URL and language while the server runs."""
        lang, chosen = self.lang(request)
        key = (request.url.path, request.url.query, lang)
        with self._cache_lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
        if body is None:
            response = self._thing_page(request, iri, stem)
            if response.status_code != 200 or not self._pages_limit:
                return response
            body = bytes(response.body)
            with self._cache_lock:
                if key not in self._pages and len(body) <= self._pages_limit // 16:
                    self._pages[key] = body
                    self._pages_bytes += len(body)
                    while self._pages_bytes > self._pages_limit:
                        _, dropped = self._pages.popitem(last=False)
                        self._pages_bytes -= len(dropped)
            return response
        response = HTMLResponse(body)
        if chosen:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
        return response

    def _thing_page(self, request: Request, iri: str, stem: str) -> Response:
        g = self.graph
        kind = g.kind(iri)
        page = self.page_number(request)
        ctx: dict = {"iri": iri, "kind": kind, "name": g.name(iri) or iri, "stem": stem, "page": page}
        ctx["doc"] = "/id/" + quote(stem, safe="/:@!$&'()*+,;=-._~")
        ctx["_t"] = translator(self.lang(request)[0])
        builder = getattr(self, "_page_" + kind, None)
        if builder is not None:
            builder(iri, ctx, page)
        if ctx.get("structure"):
            ctx["structure_svg"] = Markup(pictures.structure_svg(ctx["structure"], href, ctx["_t"]))
        del ctx["_t"]
        # What points at it is in the sections of a page of a known kind; listed for others.
        ctx["facts"] = g.facts(iri, pointing=kind == "thing")
        # A sector or a code list entry is restated by every document citing it: the first
        # sources are shown, and how many more there are.
        graphs = list(ctx["facts"].by_source)
        ctx["more_sources"] = max(0, len(graphs) - MAX_SOURCES)
        for graph in graphs[MAX_SOURCES:]:
            del ctx["facts"].by_source[graph]
        links = _collect(ctx)
        names = self._english(request, [*links, iri])
        sources = _sources(ctx)
        ctx["source_titles"] = g.source_titles(set(sources))
        ctx["source_numbers"] = {s: i + 1 for i, s in enumerate(sorted(sources))}
        return self.render(request, "thing.html", names=names, q="", **ctx)

    # One builder per kind: adds its sections to the page's context.

    def _page_programme(self, iri: str, ctx: dict, page: int) -> None:
        g = self.graph
        ctx["institutions"] = g.links(iri, (PK + "provider",)).items
        ctx["certifications"] = g.links(iri, (PK + "certification",)).items
        ctx["parcours"] = _merge(
            g.links(iri, (PK + "hasParcours",), page=page),
            g.links(iri, (PK + "partOf",), inverse=True, page=page),
        )
        ctx["structure"], ctx["structure_cut"] = g.structure(iri, "programme")
        ctx["jobs"] = g.jobs_of(iri, "programme")
        ctx["routes"] = g.access_routes(iri, "programme")
        ctx["windows"] = g.windows(iri)

    def _page_parcours(self, iri: str, ctx: dict, page: int) -> None:
        g = self.graph
        ctx["programmes"] = g.links(iri, (PK + "partOf",)).items
        ctx["institutions"] = g.links(iri, (PK + "provider",)).items
        for prog in ctx["programmes"]:
            known = {i.iri for i in ctx["institutions"]}
            ctx["institutions"] += [
                i for i in g.links(prog.iri, (PK + "provider",)).items if i.iri not in known
            ]
        ctx["certifications"] = g.links(iri, (PK + "certification",)).items
        ctx["structure"], ctx["structure_cut"] = g.structure(iri, "parcours")
        ctx["competencies"] = g.competencies(iri)
        ctx["jobs"] = g.jobs_of(iri, "parcours")
        ctx["similar"] = g.similar(iri)
        ctx["routes"] = g.access_routes(iri, "parcours")
        ctx["windows"] = g.windows(iri)
        ctx["sectors"] = g.links(iri, (PK + "targetsSector",)).items

    def _page_certification(self, iri: str, ctx: dict, page: int) -> None:
        g = self.graph
        ctx["blocks"] = g.links(iri, (PK + "hasBlock",), page=page)
        ctx["romes"] = g.links(iri, (PK + "rome",)).items
        ctx["certifiers"] = g.links(iri, (PK + "certifier",)).items
        ctx["carried_by"] = g.programmes_of_certification(iri, page=page)
        ctx["successions"] = g.related_certifications(iri)
        ctx["routes"] = g.access_routes(iri, "certification")

    def _page_rome(self, iri: str, ctx: dict, page: int) -> None:
        g = self.graph
        code = next((v for v, _, _ in g.literals(iri, SKOS + "notation")), iri.rsplit("/", 1)[-1])
        ctx["code"] = code
        ctx["parents"] = g.links(iri, (PK + "parentCode",)).items
        ctx["subcodes"] = g.links(iri, (PK + "parentCode",), inverse=True).items
        ctx["appellations"] = g.links(iri, (PK + "romeCode",), inverse=True, page=page)
        ctx["moves"] = g.mobility(iri)
        ctx["leading"] = g.programmes_for_rome(iri, page=page)
        ctx["esco"] = g.esco(iri, "rome", page=page)
        ctx["certifications"] = g.links(iri, (PK + "rome",), inverse=True, page=page)
        ctx["picture"] = Markup(
            pictures.neighbourhood_svg(
                Link(iri, ctx["name"], extra={"code": code}),
                ctx["leading"].items,
                ctx["leading"].more or len(ctx["leading"].items) > 8,
                ctx["moves"],
                href,
                ctx["_t"],
            )
        )

    def _page_job(self, iri: str, ctx: dict, page: int) -> None:
        g = self.graph
        ctx["romes"] = g.rome_of_job(iri)
        ctx["holders"] = g.holders_of_job(iri, page=page)
        ctx["mappings"] = _merge(
            g.links(iri, tuple(SKOS + m for m in MATCH_PROPS)),
            g.links(iri, tuple(SKOS + m for m in MATCH_PROPS), inverse=True),
        ).items
        ctx["esco"] = g.esco(iri, "job", page=page)

    def _page_institution(self, iri: str, ctx: dict, page: int) -> None:
        g = self.graph
        ctx["parent_orgs"] = g.links(iri, (ORG + "subOrganizationOf",)).items
        ctx["sub_orgs"] = g.links(iri, (ORG + "subOrganizationOf",), inverse=True, page=page)
        ctx["provides"] = g.links(iri, (PK + "provider",), inverse=True, page=page)
        ctx["certifies"] = g.links(iri, (PK + "certifier",), inverse=True, page=page)

    def _page_sector(self, iri: str, ctx: dict, page: int) -> None:
        ctx["targeted_by"] = self.graph.links(iri, (PK + "targetsSector",), inverse=True, page=page)

    # --- SPARQL: forwarded to Oxigraph's read-only server ---------------------------------------

    async def proxy(self, request: Request) -> Response:
        if self.sparql_url is None:
            return PlainTextResponse("503 the SPARQL endpoint is not running\n", status_code=503)
        import httpx

        if self.http is None:
            self.http = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5.0))
        path = request.url.path
        if path.startswith("/sparql/"):
            path = path[len("/sparql") :]
        elif path == "/sparql" and not request.url.query and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/sparql/", status_code=303)
        url = self.sparql_url + path + ("?" + request.url.query if request.url.query else "")
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("accept", "content-type", "accept-encoding", "accept-language")
        }
        body = await request.body()
        try:
            upstream = await self.http.send(
                self.http.build_request(request.method, url, headers=headers, content=body), stream=True
            )
        except httpx.HTTPError as exc:
            return PlainTextResponse(f"502 the SPARQL server did not answer: {exc}\n", status_code=502)
        keep = ("content-type", "content-encoding", "cache-control", "vary", "allow")
        return StreamingProxy(upstream, {k: v for k, v in upstream.headers.items() if k.lower() in keep})

    async def close(self) -> None:
        if self.http is not None:
            with contextlib.suppress(Exception):
                await self.http.aclose()


class StreamingProxy(Response):
    """An upstream httpx response passed through as it arrives."""

    def __init__(self, upstream, headers: dict[str, str]) -> None:  # noqa: ANN001
        super().__init__(status_code=upstream.status_code, headers=headers)
        self.upstream = upstream
        self.background = BackgroundTask(upstream.aclose)
        self.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in self.upstream.aiter_raw():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        await self.background()


def _linker(name_of):  # noqa: ANN001, ANN202
    """``link(thing)`` for templates: its name, linked to its page (a Python function: a Jinja
    macro called for each of hundreds of links cost a third of a page's time)."""

    def link(thing: Link) -> Markup:
        if not thing.iri:
            return name_of(thing)
        return Markup(f'<a href="{escape(href(thing.iri))}">{name_of(thing)}</a>')

    return link


def _sourcer(numbers: dict[str, int], titles: dict[str, str], t):  # noqa: ANN001, ANN202
    """``src(thing_or_graph)`` for templates: the numbered note pointing at the fact's source
    (written once per source and page: a parcours page has hundreds)."""
    notes: dict[str, Markup] = {
        graph: Markup(
            f'<sup class="src"><a href="#source-{n}" title="{escape(t("according_to"))} '
            f'{escape(titles.get(graph, graph))}">[{n}]</a></sup>'
        )
        for graph, n in numbers.items()
    }
    notes[DERIVED_GRAPHS] = Markup(f'<sup class="src" title="{escape(t("derived_source"))}">[*]</sup>')
    empty = Markup("")

    def src(value: object) -> Markup:
        graph = value.source if isinstance(value, Link) else value
        return notes.get(graph, empty) if isinstance(graph, str) else empty

    return src


def _with_hints(kind: str, links: list[Link]) -> list[Link]:
    """Search results a person can tell apart: a ROME code's code, and for names that occur
    more than once in a list (the same parcours title in several programmes) the IRI's path."""
    counts: dict[str, int] = {}
    for link in links:
        counts[link.name] = counts.get(link.name, 0) + 1
    for link in links:
        if kind == "rome":
            link.extra["hint"] = link.iri.rsplit("/", 1)[-1]
        elif counts[link.name] > 1:
            link.extra["hint"] = local_path(link.iri) or link.iri
    return links


def _merge(a, b):  # noqa: ANN001, ANN202 — two Listings of the same list, seen from both sides
    seen = {link.iri for link in a.items}
    a.items += [link for link in b.items if link.iri not in seen]
    a.more = a.more or b.more
    return a


def _collect(ctx: dict) -> list:
    """Every Link a page shows (for its English names)."""
    out: list = []

    def walk(value: object) -> None:
        if isinstance(value, Link):
            out.append(value)
            for v in value.extra.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif hasattr(value, "items") and isinstance(getattr(value, "items", None), list):
            walk(value.items)
        elif hasattr(value, "units"):
            out.append(Link(value.iri, value.name))
            for unit in value.units:
                out.append(Link(unit.iri, unit.name))
                out.extend(Link(c.iri, c.name) for c in unit.courses)

    for key, value in ctx.items():
        if key != "facts":
            walk(value)
    facts = ctx.get("facts")
    if facts is not None:
        for rows in facts.by_source.values():
            out.extend(Link(v.value, vname) for _, _, v, vname in rows if isinstance(v, ox.NamedNode))
        out.extend(Link(s, sname) for s, sname, _, _ in facts.pointing)
    return out


def _sources(ctx: dict) -> set[str]:
    """The named graphs the page's facts come from (numbered in its Sources list)."""
    out = set()
    for link in _collect(ctx):
        if link.source:
            out.add(link.source)
    for key in ("structure",):
        for sem in ctx.get(key) or ():
            out.add(sem.source)
            for unit in sem.units:
                out.add(unit.source)
                out.update(c.source for c in unit.courses)
    facts = ctx.get("facts")
    if facts is not None:
        out.update(facts.by_source)
    return {s for s in out if s and s != DERIVED_GRAPHS}


def _iris(links: list) -> set[str]:
    return {link.iri if isinstance(link, Link) else link for link in links if link}


def create_app(store: ox.Store, sparql_url: str | None = None, on_startup=None) -> Starlette:  # noqa: ANN001
    """The application over ``store`` (opened read-only by the caller); ``sparql_url`` is the
    Oxigraph server SPARQL requests are forwarded to (None: they answer 503); ``on_startup``
    is called once the application is ready (``progkg serve`` then prints its URLs)."""
    pages = Pages(store, sparql_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        # The search index's words and kinds, read once in the background (0.4 s at 1e6)
        # rather than by the first request that searches.
        def warm() -> None:
            pages.graph.words()
            pages.graph.kind_sets()
            pages.graph.programme_list()

        threading.Thread(target=warm, daemon=True).start()
        if on_startup is not None:
            on_startup()
        yield
        await pages.close()

    proxy_methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]
    routes = [
        Route("/", pages.home),
        Route("/search", pages.search_page),
        Route("/suggest", pages.suggest),
        Route("/programmes", pages.programmes),
        Route("/id/{path:path}", pages.dereference),
        Route("/query", pages.proxy, methods=proxy_methods),
        Route("/update", pages.proxy, methods=proxy_methods),
        Route("/store", pages.proxy, methods=proxy_methods),
        Route("/sparql", pages.proxy, methods=proxy_methods),
        Route("/sparql/{rest:path}", pages.proxy, methods=proxy_methods),
        Route("/logo.svg", pages.proxy),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.pages = pages
    return app

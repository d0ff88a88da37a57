"""What the pages read from the graph: one method per section, each a bounded SPARQL query.

Why not the saved queries as they are: they answer people at a terminal with display names,
while a page must link every thing it names (its IRI) and show where each fact comes from
(the named graph stating it). The sections below walk the same patterns as the saved
queries they mirror (named in each docstring), project IRIs, names and the source graph,
and are bounded: every list that can grow with the national imports is read a page at a time
(``LIMIT n+1 OFFSET m``: one row more than shown tells whether there is a next page).

The IRI a page is about comes from the URL (``/id/…``) and enters queries only as
``ox.NamedNode(...)`` text, which refuses anything that is not an IRI; nothing else from a
request reaches a query, and the store is read-only.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from progkg import describe as describe_mod
from progkg.iris import DCT, DERIVED, DERIVED_GRAPHS, ID, ORG, PK, RDF, RDFS, SCHEMA, SKOS
from progkg.queries import store_select

PREFIXES = f"""PREFIX pk: <{PK}>
PREFIX pkx: <{DERIVED}>
PREFIX skos: <{SKOS}>
PREFIX rdfs: <{RDFS}>
PREFIX schema: <{SCHEMA}>
PREFIX org: <{ORG}>
PREFIX dct: <{DCT}>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

#: Page kinds, by the classes that make a thing one; the first kind found wins.
PAGE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("programme", (PK + "Programme",)),
    ("parcours", (PK + "Parcours",)),
    ("certification", (PK + "Certification",)),
    ("rome", (PK + "RomeCode",)),
    ("job", (PK + "JobTitle", PK + "RomeAppellation", PK + "OnisepJob")),
    ("institution", (PK + "Organisation", SCHEMA + "CollegeOrUniversity")),
    ("sector", (PK + "Sector",)),
)

#: How many items one page of a list shows.
PAGE_SIZE = 50
#: The most rows a programme's structure shows (a parcours has tens of courses, not thousands).
STRUCTURE_CAP = 600

MATCH_PROPS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")
ESCO = "http://data.europa.eu/esco/"


@dataclass
class Link:
    """A thing a page names: its IRI, its display name, the graph stating the link, and more."""

    iri: str
    name: str
    source: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Listing:
    """One page of a list: its items and whether more follow."""

    items: list[Link]
    page: int = 1
    more: bool = False


@dataclass
class Course:
    iri: str
    name: str
    cm: int | None
    td: int | None
    ects: float | None
    source: str

    @property
    def hours(self) -> int | None:
        if self.cm is None and self.td is None:
            return None
        return (self.cm or 0) + (self.td or 0)


@dataclass
class Unit:
    iri: str
    name: str
    ects: float | None
    source: str
    courses: list[Course] = field(default_factory=list)

    @property
    def hours(self) -> int:
        return sum(c.hours or 0 for c in self.courses)


@dataclass
class Semester:
    iri: str
    name: str
    number: int | None
    source: str
    units: list[Unit] = field(default_factory=list)

    @property
    def hours(self) -> int:
        return sum(u.hours for u in self.units)

    @property
    def ects(self) -> float:
        return sum(u.ects or 0 for u in self.units)


def _v(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _int(term: object) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _num(term: object) -> float | None:
    try:
        value = float(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None
    return int(value) if value is not None and value.is_integer() else value


def _iri(iri: str) -> str:
    return str(ox.NamedNode(iri))


class Graph:
    """The read-only store, seen as pages see it."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.select = store_select(store)
        self._words: list[str] | None = None
        self._kinds: dict[str, frozenset[str]] | None = None
        self._programmes: list[Link] | None = None
        self._titles: dict[str, str | None] = {}
        self._words_lock = threading.Lock()

    def search_select(self):  # noqa: ANN201 — a search.Select
        """A :data:`progkg.search.Select` for one request that looks through several kinds: the
        index lookups the kinds share (a word's things, read straight from the store) are
        read once instead of once per kind (7 times for the search box)."""
        memo_store = _MemoStore(self.store)
        memo: dict[str, list] = {}

        def select(text: str) -> list[dict]:
            if text not in memo:
                if named := _NAMED.fullmatch(text):
                    memo[text] = self._named(named)
                elif (prefixed := _PREFIXED.fullmatch(text)) and prefixed["kind"] in (None, "job"):
                    # (For a rarer kind, the store's own plan, kind first, is quicker.)
                    memo[text] = self._prefixed(prefixed)
                elif _VOCABULARY.fullmatch(text):
                    memo[text] = [{"w": ox.Literal(w)} for w in self.words()]
                else:
                    memo[text] = self.select(text)
            return memo[text]

        select.store = memo_store  # type: ignore[attr-defined] — what search reads its index with
        return select

    def words(self) -> list[str]:
        """Every word of the search index, sorted (read once: 5,000 words at 1e6, 0.4 s)."""
        with self._words_lock:
            if self._words is None:
                rows = self.rows(
                    f"SELECT DISTINCT ?w WHERE {{ GRAPH <{DERIVED_GRAPHS}search> {{ ?n pkx:word ?w }} }}"
                )
                self._words = sorted({_v(r.get("w")) for r in rows})
            return self._words

    def _prefixed(self, match: re.Match) -> list[dict]:
        """The answer to search's one-word prefix query (things of a kind holding a word that
        starts so, with their names), from the sorted words: the query compared the prefix with
        every word of the index (0.45 s at 1e6), the box asks it at every letter."""
        prefix = match["prefix"]
        words = self.words()
        word_p = ox.NamedNode(DERIVED + "word")
        things: set[str] = set()
        for word in words[bisect.bisect_left(words, prefix) :]:
            if not word.startswith(prefix):
                break
            things.update(
                q.subject.value
                for q in self.store.quads_for_pattern(None, word_p, ox.Literal(word))
                if isinstance(q.subject, ox.NamedNode)
            )
        return self._rows_of(sorted(things), match["kind"])

    def _rows_of(self, iris: list[str], kind_name: str | None) -> list[dict]:
        """Rows {n, name} of ``iris`` that are of ``kind_name`` (any when None), one per name."""
        members = self.kind_sets().get(kind_name, frozenset()) if kind_name else None
        name_p = ox.NamedNode(DERIVED + "name")
        rows: list[dict] = []
        seen: set[str] = set()
        for iri in iris:
            if iri in seen:
                continue
            seen.add(iri)
            if members is not None and iri not in members:
                continue
            node = ox.NamedNode(iri)
            names = {q.object for q in self.store.quads_for_pattern(node, name_p, None)}
            if names:
                rows.extend({"n": node, "name": name} for name in names)
            else:
                rows.append({"n": node, "name": None})
        return rows

    def _named(self, match: re.Match) -> list[dict]:
        """The answer to search's "these IRIs, of this kind, with their names" query, read from
        the store's indexes: the query's VALUES join took 10 ms per 500 IRIs at 1e6, and a
        common word ("master") has thousands of things. The same rows as the query gives."""
        return self._rows_of(_IRI_IN_VALUES.findall(match["iris"]), match["kind"])

    # --- Basic lookups ---------------------------------------------------------------------

    def rows(self, text: str) -> list[dict]:
        return self.select(PREFIXES + text)

    def exists(self, iri: str) -> bool:
        """Whether the graph says anything about ``iri`` (as subject) or points at it."""
        node = ox.NamedNode(iri)
        for _ in self.store.quads_for_pattern(node, None, None):
            return True
        for _ in self.store.quads_for_pattern(None, None, node):
            return True
        return False

    def kind(self, iri: str) -> str:
        """The page kind of ``iri`` (see :data:`PAGE_KINDS`), or "thing"."""
        types = {
            q.object.value
            for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF + "type"), None)
            if isinstance(q.object, ox.NamedNode)
        }
        for kind, classes in PAGE_KINDS:
            if types.intersection(classes):
                return kind
        return "thing"

    def search_kinds(self, iri: str) -> set[str]:
        """The kinds the search index gives ``iri`` (``pkx:kind``: job, rome, programme…)."""
        return {kind for kind, members in self.kind_sets().items() if iri in members}

    def kind_sets(self) -> dict[str, frozenset[str]]:
        """Every thing of each kind of the search index (read once: a set lookup instead of
        one index lookup per match when a common word matches thousands of things)."""
        with self._words_lock:
            if self._kinds is None:
                kinds: dict[str, set[str]] = defaultdict(set)
                for q in self.store.quads_for_pattern(None, ox.NamedNode(DERIVED + "kind"), None):
                    if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                        kinds[q.object.value].add(q.subject.value)
                self._kinds = {kind: frozenset(members) for kind, members in kinds.items()}
            return self._kinds

    def name(self, iri: str) -> str:
        for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(DERIVED + "name"), None):
            return q.object.value
        return ""

    def literals(self, iri: str, prop: str) -> list[tuple[str, str, str]]:
        """(value, language, source graph) of ``prop`` on ``iri``, sorted."""
        return sorted(
            {
                (q.object.value, q.object.language or "", _v(q.graph_name))
                for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(prop), None)
                if isinstance(q.object, ox.Literal) and not _v(q.graph_name).startswith(DERIVED_GRAPHS)
            }
        )

    def count(self, iri: str, prop: str, *, inverse: bool = False) -> int:
        node, p = ox.NamedNode(iri), ox.NamedNode(prop)
        quads = (
            self.store.quads_for_pattern(None, p, node)
            if inverse
            else self.store.quads_for_pattern(node, p, None)
        )
        return len({(q.subject.value, q.object.value) for q in quads})

    def links(
        self, iri: str, props: tuple[str, ...], *, inverse: bool = False, page: int = 1, size: int = PAGE_SIZE
    ) -> Listing:
        """Things ``iri`` points at through ``props`` (or that point at it), by name, one page."""
        values = " ".join(_iri(p) for p in props)
        pattern = f"?x ?p {_iri(iri)}" if inverse else f"{_iri(iri)} ?p ?x"
        offset = (max(page, 1) - 1) * size
        rows = self.rows(
            f"SELECT ?x (SAMPLE(?n) AS ?name) (MIN(STR(?g)) AS ?src) WHERE {{ VALUES ?p {{ {values} }} "
            f"GRAPH ?g {{ {pattern} }} FILTER(isIRI(?x)) "
            f'FILTER(!STRSTARTS(STR(?g), "{DERIVED_GRAPHS}")) OPTIONAL {{ ?x pkx:name ?n }} }} '
            f"GROUP BY ?x ORDER BY LCASE(STR(SAMPLE(?n))) ?x LIMIT {size + 1} OFFSET {offset}"
        )
        items = [Link(_v(r.get("x")), _v(r.get("name")), _v(r.get("src"))) for r in rows]
        return Listing(items[:size], max(page, 1), len(items) > size)

    # --- Structure: semesters → units → courses (mirrors courses-of-parcours) -------------

    def structure(self, iri: str, kind: str) -> tuple[list[Semester], bool]:
        """The semesters of a parcours (its own and its programme's common ones) or of a
        programme (its common ones), their units and courses with ECTS and hours.

        Returns the semesters and whether the cap cut the list short.
        """
        thing = _iri(iri)
        owner = (
            f"{{ {thing} pk:hasSemester ?s }} UNION {{ {thing} pk:partOf/pk:hasSemester ?s }}"
            if kind == "parcours"
            else f"{thing} pk:hasSemester ?s ."
        )
        rows = self.rows(
            f"""SELECT ?s ?sNum ?sName ?sg ?u ?uName ?uOrder ?ects ?ug ?c ?cName ?cOrder ?cm ?td ?cEcts ?cg
            WHERE {{
              {owner}
              OPTIONAL {{ ?s pk:semesterNumber ?sNum }}
              OPTIONAL {{ ?s pkx:name ?sName }}
              OPTIONAL {{ GRAPH ?sg {{ ?s a pk:Semester }} }}
              {{
                GRAPH ?ug {{ ?s pk:hasUnit ?u }}
                OPTIONAL {{ ?u pk:ects ?ects }} OPTIONAL {{ ?u pk:order ?uOrder }}
                OPTIONAL {{ ?u pkx:name ?uName }}
                OPTIONAL {{
                  GRAPH ?cg {{ ?u pk:hasCourse ?c }}
                  OPTIONAL {{ ?c pk:hoursCM ?cm }} OPTIONAL {{ ?c pk:hoursTD ?td }}
                  OPTIONAL {{ ?c pk:order ?cOrder }} OPTIONAL {{ ?c pkx:name ?cName }}
                  OPTIONAL {{ ?c pk:ects ?cEcts }}
                }}
              }} UNION {{
                GRAPH ?cg {{ ?s pk:hasCourse ?c }}
                OPTIONAL {{ ?c pk:block ?u . OPTIONAL {{ ?u pkx:name ?uName }} }}
                OPTIONAL {{ ?c pk:hoursCM ?cm }} OPTIONAL {{ ?c pk:hoursTD ?td }}
                OPTIONAL {{ ?c pk:order ?cOrder }} OPTIONAL {{ ?c pkx:name ?cName }}
                OPTIONAL {{ ?c pk:ects ?cEcts }}
                BIND(?cg AS ?ug)
              }}
            }} LIMIT {STRUCTURE_CAP + 1}"""
        )
        cut = len(rows) > STRUCTURE_CAP
        semesters: dict[str, Semester] = {}
        units: dict[tuple[str, str], Unit] = {}
        seen: set[tuple[str, str, str]] = set()
        order: dict[tuple[str, str], tuple] = {}
        for r in rows[:STRUCTURE_CAP]:
            s = _v(r.get("s"))
            if s not in semesters:
                semesters[s] = Semester(
                    s, _v(r.get("sName")), _int(r.get("sNum")), _v(r.get("sg")) or _v(r.get("ug"))
                )
            u = _v(r.get("u")) or s + "#no-unit"
            key = (s, u)
            if key not in units:
                units[key] = Unit(u, _v(r.get("uName")), _num(r.get("ects")), _v(r.get("ug")))
                semesters[s].units.append(units[key])
                order[key] = (_int(r.get("uOrder")) or 10**6, _v(r.get("uName")))
            c = _v(r.get("c"))
            if c and (s, u, c) not in seen:
                seen.add((s, u, c))
                units[key].courses.append(
                    Course(
                        c,
                        _v(r.get("cName")),
                        _int(r.get("cm")),
                        _int(r.get("td")),
                        _num(r.get("cEcts")),
                        _v(r.get("cg")),
                    )
                )
                units[key].courses[-1].order = (_int(r.get("cOrder")) or 10**6, _v(r.get("cName")))  # type: ignore[attr-defined]
        for s in semesters.values():
            s.units.sort(key=lambda unit: order[(s.iri, unit.iri)])
            for unit in s.units:
                unit.courses.sort(key=lambda c: c.order)  # type: ignore[attr-defined]
        ordered = sorted(semesters.values(), key=lambda s: (s.number if s.number is not None else 99, s.name))
        return ordered, cut

    # --- Parcours --------------------------------------------------------------------------

    def jobs_of(self, iri: str, kind: str) -> list[Link]:
        """Job titles a parcours (or its programme) names, with their ROME codes: their own or
        their mapped ROME job title's (mirrors jobs-for-parcours)."""
        thing = _iri(iri)
        holder = (
            f"{{ BIND({thing} AS ?h) }} UNION {{ {thing} pk:partOf ?h }}"
            if kind == "parcours"
            else f"{{ BIND({thing} AS ?h) }} UNION {{ {thing} pk:hasParcours ?h }}"
        )
        match = "|".join(f"skos:{m}" for m in ("exactMatch", "closeMatch", "broadMatch"))
        rows = self.rows(
            f"""SELECT ?job (SAMPLE(?jn) AS ?name) (MIN(STR(?g)) AS ?src) ?rome (SAMPLE(?rc) AS ?code)
            (SAMPLE(?rn) AS ?romeName) WHERE {{
              {holder}
              GRAPH ?g {{ ?h pk:leadsTo ?job }}
              OPTIONAL {{ ?job pkx:name ?jn }}
              OPTIONAL {{
                {{ ?job pk:romeCode ?rome }} UNION {{ ?job {match} ?rj . ?rj pk:romeCode ?rome }}
                OPTIONAL {{ ?rome skos:notation ?rc }} OPTIONAL {{ ?rome pkx:name ?rn }}
              }}
            }} GROUP BY ?job ?rome ORDER BY LCASE(STR(SAMPLE(?jn))) ?code LIMIT 500"""
        )
        out: dict[str, Link] = {}
        for r in rows:
            job = _v(r.get("job"))
            link = out.setdefault(job, Link(job, _v(r.get("name")), _v(r.get("src")), {"rome": []}))
            rome = _v(r.get("rome"))
            if rome:
                code = _v(r.get("code")) or rome.rsplit("/", 1)[-1]
                link.extra["rome"].append(Link(rome, _v(r.get("romeName")), extra={"code": code}))
        return list(out.values())

    def similar(self, iri: str, limit: int = 8) -> list[Link]:
        """The closest parcours (mirrors similar-parcours: IDF-weighted Jaccard of features)."""
        rows = self.rows(
            f"""SELECT ?o ?name ?score WHERE {{
              {{ SELECT ?o (SUM(?w) AS ?common) WHERE {{
                  {_iri(iri)} pkx:feature ?f . ?o pkx:feature ?f . FILTER(?o != {_iri(iri)})
                  ?f pkx:weight ?w }} GROUP BY ?o }}
              {_iri(iri)} pkx:featureWeight ?pw . ?o pkx:featureWeight ?ow .
              BIND(ROUND(1000 * ?common / (?pw + ?ow - ?common)) / 1000 AS ?score)
              FILTER(?score > 0)
              OPTIONAL {{ ?o pkx:name ?name }}
            }} ORDER BY DESC(?score) ?name LIMIT {limit}"""
        )
        return [Link(_v(r.get("o")), _v(r.get("name")), extra={"score": _v(r.get("score"))}) for r in rows]

    def access_routes(self, iri: str, kind: str) -> list[Link]:
        """Ways in: the access conditions of its certifications (own, programme's, mention's
        national fiche) and the study modes announced (mirrors access-routes)."""
        thing = _iri(iri)
        holders = (
            f"{{ BIND({thing} AS ?h) }} UNION {{ {thing} pk:partOf ?h }} "
            f"UNION {{ ?h pk:hasParcours {thing} }}"
        )
        if kind == "certification":
            certs = f"BIND({thing} AS ?cert)"
        else:
            certs = (
                f"{holders} {{ ?h pk:certification ?cert }} "
                "UNION { ?h pk:mention/pk:nationalCertification ?cert }"
            )
        rows = self.rows(
            f"""SELECT DISTINCT ?route ?name ?open ?src ?cert ?certName WHERE {{
              {{
                {certs}
                GRAPH ?g {{ ?cert pk:accessCondition ?ac }} ?ac pk:route ?route .
                OPTIONAL {{ ?ac pk:open ?open }}
                OPTIONAL {{ ?cert pkx:name ?certName }}
              }} UNION {{
                {holders if kind != "certification" else "FILTER(false)"}
                GRAPH ?g {{ ?h pk:studyMode ?route }}
              }}
              FILTER(!BOUND(?open) || ?open != false)
              OPTIONAL {{ ?route pkx:name ?name }}
              BIND(STR(?g) AS ?src)
            }} ORDER BY ?name ?certName LIMIT 200"""
        )
        return [
            Link(
                _v(r.get("route")),
                _v(r.get("name")),
                _v(r.get("src")),
                {"open": _v(r.get("open")), "cert": Link(_v(r.get("cert")), _v(r.get("certName")))},
            )
            for r in rows
        ]

    def windows(self, iri: str) -> list[Link]:
        """When and where to apply (mirrors application-windows)."""
        thing = _iri(iri)
        rows = self.rows(
            f"""SELECT DISTINCT ?w ?name ?start ?end ?url ?src WHERE {{
              {{ BIND({thing} AS ?h) }} UNION {{ {thing} pk:partOf ?h }} UNION {{ {thing} pk:hasParcours ?h }}
              GRAPH ?g {{ ?h pk:applicationWindow ?w }}
              OPTIONAL {{ ?w pkx:name ?name }} OPTIONAL {{ ?w schema:startDate ?start }}
              OPTIONAL {{ ?w schema:endDate ?end }} OPTIONAL {{ ?w schema:url ?url }}
              BIND(STR(?g) AS ?src)
            }} ORDER BY ?start ?name LIMIT 50"""
        )
        return [
            Link(
                _v(r.get("w")),
                _v(r.get("name")),
                _v(r.get("src")),
                {"start": _v(r.get("start")), "end": _v(r.get("end")), "url": _v(r.get("url"))},
            )
            for r in rows
        ]

    def competencies(self, iri: str) -> list[Link]:
        """Blocks and competencies a parcours certifies: its own, its certification's, its
        programme's (mirrors competencies-of-parcours); blocks carry their competencies."""
        thing = _iri(iri)
        holders = [iri] + [
            _v(r.get("h"))
            for r in self.rows(
                f"SELECT DISTINCT ?h WHERE {{ {{ {thing} pk:certification ?h }} "
                f"UNION {{ {thing} pk:partOf/pk:certification ?h }} }}"
            )
        ]
        values = " ".join(_iri(h) for h in holders)
        # Blocks and their competencies, then competencies outside any block: two plain
        # queries (one with FILTER NOT EXISTS over every block of the graph took seconds).
        rows = self.rows(
            f"""SELECT DISTINCT ?b ?bName ?bOrder ?c ?cName ?cOrder ?src WHERE {{
              VALUES ?h {{ {values} }}
              GRAPH ?g {{ ?h pk:hasBlock ?b }}
              OPTIONAL {{ ?b pk:hasCompetency ?c . OPTIONAL {{ ?c pkx:name ?cName }}
                         OPTIONAL {{ ?c pk:order ?cOrder }} }}
              OPTIONAL {{ ?b pkx:name ?bName }} OPTIONAL {{ ?b pk:order ?bOrder }}
              BIND(STR(?g) AS ?src)
            }} ORDER BY ?bOrder ?bName ?cOrder ?cName LIMIT 400"""
        )
        in_blocks = {_v(r.get("c")) for r in rows}
        rows += [
            r
            for r in self.rows(
                f"""SELECT DISTINCT ?c ?cName ?cOrder ?src WHERE {{
                  VALUES ?h {{ {values} }}
                  GRAPH ?g {{ ?h pk:hasCompetency ?c }}
                  OPTIONAL {{ ?c pkx:name ?cName }} OPTIONAL {{ ?c pk:order ?cOrder }}
                  BIND(STR(?g) AS ?src)
                }} ORDER BY ?cOrder ?cName LIMIT 400"""
            )
            if _v(r.get("c")) not in in_blocks
        ]
        blocks: dict[str, Link] = {}
        for r in rows:
            b = _v(r.get("b"))
            block = blocks.setdefault(b, Link(b, _v(r.get("bName")), _v(r.get("src")), {"items": []}))
            if _v(r.get("c")):
                block.extra["items"].append(Link(_v(r.get("c")), _v(r.get("cName"))))
        return list(blocks.values())

    # --- Job titles ------------------------------------------------------------------------

    def holders_of_job(self, iri: str, page: int = 1, size: int = PAGE_SIZE) -> Listing:
        """Programmes and parcours naming the job title, or a title mapped to it (mirrors
        programmes-for-job)."""
        job = _iri(iri)
        match = "|".join(f"skos:{m}" for m in MATCH_PROPS)
        offset = (max(page, 1) - 1) * size
        rows = self.rows(
            f"""SELECT ?h (SAMPLE(?hn) AS ?name) (MIN(STR(?g)) AS ?src) (SAMPLE(?p) AS ?prog)
            (SAMPLE(?pn) AS ?progName) (SAMPLE(?jn) AS ?via) WHERE {{
              {{ BIND({job} AS ?j) }} UNION {{ {job} {match} ?j }} UNION {{ ?j {match} {job} }}
              GRAPH ?g {{ ?h pk:leadsTo ?j }}
              OPTIONAL {{ ?h pkx:name ?hn }}
              OPTIONAL {{ ?h pk:partOf ?p . OPTIONAL {{ ?p pkx:name ?pn }} }}
              OPTIONAL {{ FILTER(?j != {job}) ?j pkx:name ?jn }}
            }} GROUP BY ?h ORDER BY LCASE(STR(SAMPLE(?pn))) LCASE(STR(SAMPLE(?hn))) ?h
            LIMIT {size + 1} OFFSET {offset}"""
        )
        items = [
            Link(
                _v(r.get("h")),
                _v(r.get("name")),
                _v(r.get("src")),
                {"programme": Link(_v(r.get("prog")), _v(r.get("progName"))), "via": _v(r.get("via"))},
            )
            for r in rows
        ]
        return Listing(items[:size], max(page, 1), len(items) > size)

    def rome_of_job(self, iri: str) -> list[Link]:
        job = _iri(iri)
        match = "|".join(f"skos:{m}" for m in ("exactMatch", "closeMatch", "broadMatch"))
        rows = self.rows(
            f"""SELECT DISTINCT ?r ?name ?code ?src WHERE {{
              {{ GRAPH ?g {{ {job} pk:romeCode ?r }} }}
              UNION {{ GRAPH ?g {{ {job} {match} ?rj }} ?rj pk:romeCode ?r }}
              OPTIONAL {{ ?r pkx:name ?name }} OPTIONAL {{ ?r skos:notation ?code }}
              BIND(STR(?g) AS ?src)
            }} ORDER BY ?code LIMIT 50"""
        )
        return [
            Link(
                _v(r.get("r")),
                _v(r.get("name")),
                _v(r.get("src")),
                {"code": _v(r.get("code")) or _v(r.get("r")).rsplit("/", 1)[-1]},
            )
            for r in rows
        ]

    # --- ROME codes ------------------------------------------------------------------------

    def mobility(self, iri: str, limit: int = 60) -> list[Link]:
        """Moves ROME proposes from the code, in ROME's order, each with how many programmes
        prepare for the target (mirrors mobility-from-rome)."""
        code = _iri(iri)
        rows = self.rows(
            f"""SELECT ?t (MIN(?rank) AS ?r) (SAMPLE(?tn) AS ?name) (SAMPLE(?tc) AS ?code)
            (MIN(STR(?g)) AS ?src) (COUNT(DISTINCT ?prog) AS ?progs) WHERE {{
              {{ ?m pk:mobilitySource {code} . GRAPH ?g {{ ?m pk:mobilityTarget ?t }}
                 OPTIONAL {{ ?m pk:order ?rank }} }}
              UNION {{ GRAPH ?g {{ {code} pk:mobilityTo ?t }} }}
              FILTER(?t != {code})
              OPTIONAL {{ ?t pkx:name ?tn }} OPTIONAL {{ ?t skos:notation ?tc }}
              OPTIONAL {{ ?prog pkx:preparesFor ?t }}
            }} GROUP BY ?t ORDER BY ?r ?code LIMIT {limit}"""
        )
        return [
            Link(
                _v(r.get("t")),
                _v(r.get("name")),
                _v(r.get("src")),
                {
                    "code": _v(r.get("code")) or _v(r.get("t")).rsplit("/", 1)[-1],
                    "programmes": _int(r.get("progs")) or 0,
                },
            )
            for r in rows
        ]

    def programmes_for_rome(self, iri: str, page: int = 1, size: int = PAGE_SIZE) -> Listing:
        """Programmes preparing for the code or a sub-code (the build's pkx:preparesFor, which
        follows the routes of programmes-for-rome)."""
        offset = (max(page, 1) - 1) * size
        rows = self.rows(
            f"""SELECT ?p ?name WHERE {{
              ?p pkx:preparesFor {_iri(iri)} .
              OPTIONAL {{ ?p pkx:name ?name }}
            }} ORDER BY LCASE(STR(?name)) ?p LIMIT {size + 1} OFFSET {offset}"""
        )
        items = [Link(_v(r.get("p")), _v(r.get("name")), DERIVED_GRAPHS) for r in rows]
        return Listing(items[:size], max(page, 1), len(items) > size)

    def programme_list(self, page: int = 1, size: int = PAGE_SIZE) -> Listing:
        """Every programme by name, one page (sorted once: 20,000 programmes nationally, whose
        sort took 0.8 s a request)."""
        with self._words_lock:
            if self._programmes is None:
                rows = self.rows(
                    f"SELECT ?p ?name WHERE {{ ?p a <{PK}Programme> . OPTIONAL {{ ?p pkx:name ?name }} }}"
                )
                found = {(_v(r.get("name")).casefold(), _v(r.get("p")), _v(r.get("name"))) for r in rows}
                self._programmes = [Link(iri, name) for _, iri, name in sorted(found)]
        start = (max(page, 1) - 1) * size
        return Listing(
            self._programmes[start : start + size], max(page, 1), len(self._programmes) > start + size
        )

    def esco(self, iri: str, kind: str, page: int = 1, size: int = PAGE_SIZE) -> Listing:
        """ESCO occupations of a ROME code (through its job titles and its sub-codes') or of a
        job title (its own, or those of the ROME titles it is mapped to), as the ESCO-ROME
        crosswalk relates them (skos:exactMatch, closeMatch, broadMatch, narrowMatch: mirrors
        esco-for-job: the ROME title is the subject). Empty until an ESCO import states them."""
        thing = _iri(iri)
        if kind == "rome":
            titles = (
                f"{{ BIND({thing} AS ?t) }} UNION {{ ?code pk:parentCode* {thing} . ?t pk:romeCode ?code }}"
            )
        else:
            match = "|".join(f"skos:{m}" for m in ("exactMatch", "closeMatch", "broadMatch"))
            back = "|".join(f"skos:{m}" for m in ("exactMatch", "closeMatch", "narrowMatch"))
            titles = f"{{ BIND({thing} AS ?t) }} UNION {{ {thing} {match} ?t }} UNION {{ ?t {back} {thing} }}"
        offset = (max(page, 1) - 1) * size
        rows = self.rows(
            f"""SELECT ?x (SAMPLE(?n) AS ?name) (MIN(STR(?g)) AS ?src) (SAMPLE(?rn) AS ?relation) WHERE {{
              {titles}
              GRAPH ?g {{ ?t skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?x }}
              FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{ESCO}occupation/"))
              ?t ?rel ?x .
              OPTIONAL {{ ?x pkx:name ?pn }}
              OPTIONAL {{ ?x skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "fr")) }}
              BIND(COALESCE(?pn, ?label) AS ?n)
              BIND(STRAFTER(STR(?rel), "#") AS ?rn)
            }} GROUP BY ?x ORDER BY LCASE(STR(SAMPLE(?n))) ?x LIMIT {size + 1} OFFSET {offset}"""
        )
        items = [
            Link(_v(r.get("x")), _v(r.get("name")), _v(r.get("src")), {"relation": _v(r.get("relation"))})
            for r in rows
        ]
        return Listing(items[:size], max(page, 1), len(items) > size)

    # --- Certifications --------------------------------------------------------------------

    def programmes_of_certification(self, iri: str, page: int = 1, size: int = PAGE_SIZE) -> Listing:
        """Programmes and parcours leading to the fiche: directly, or through their mention's
        national fiche."""
        cert = _iri(iri)
        offset = (max(page, 1) - 1) * size
        rows = self.rows(
            f"""SELECT ?h (SAMPLE(?n) AS ?name) (MIN(STR(?g)) AS ?src) WHERE {{
              {{ GRAPH ?g {{ ?h pk:certification {cert} }} }}
              UNION {{ ?m pk:nationalCertification {cert} . GRAPH ?g {{ ?h pk:mention ?m }} }}
              OPTIONAL {{ ?h pkx:name ?n }}
            }} GROUP BY ?h ORDER BY LCASE(STR(SAMPLE(?n))) ?h LIMIT {size + 1} OFFSET {offset}"""
        )
        items = [Link(_v(r.get("h")), _v(r.get("name")), _v(r.get("src"))) for r in rows]
        return Listing(items[:size], max(page, 1), len(items) > size)

    def related_certifications(self, iri: str) -> list[Link]:
        """Successions and other links between fiches, in either direction, by any property
        (the RNCP export's "nouvelle/ancienne certification", however an import states it).

        Read from the store's indexes: the fiche's own statements and those pointing at it,
        kept when the other end is a certification."""
        node = ox.NamedNode(iri)
        cert_type = (ox.NamedNode(RDF + "type"), ox.NamedNode(PK + "Certification"))
        found: set[tuple[str, str, str, str]] = set()
        quads = [(q, q.object, "out") for q in self.store.quads_for_pattern(node, None, None)]
        quads += [(q, q.subject, "in") for q in self.store.quads_for_pattern(None, None, node)]
        for q, other, direction in quads[:20_000]:
            graph = _v(q.graph_name)
            if not isinstance(other, ox.NamedNode) or other == node or graph.startswith(DERIVED_GRAPHS):
                continue
            if next(iter(self.store.quads_for_pattern(other, *cert_type)), None) is not None:
                found.add((other.value, q.predicate.value, direction, graph))
        out = [
            Link(other, self.name(other), graph, {"property": self.name(prop) or prop, "dir": direction})
            for other, prop, direction, graph in found
        ]
        return sorted(out, key=lambda link: (link.extra["property"], link.name, link.iri))[:100]

    # --- Every fact, by source ---------------------------------------------------------------

    def facts(self, iri: str, *, pointing: bool = True) -> describe_mod.Description:
        """What the graph says about ``iri``, by source, and what points at it (progkg describe;
        ``pointing=False`` for pages whose sections already list what points at it)."""
        found, _ = describe_mod.describe(iri, self.select, cap=1, pointing=pointing)
        return found[0]

    def triples(self, iri: str) -> list[ox.Triple]:
        """The RDF description of one IRI: every statement about it (the derived graphs left
        out), and the labels and codes of the things it points at, sorted."""
        node = ox.NamedNode(iri)
        out: set[ox.Triple] = set()
        objects: set[ox.NamedNode] = set()
        for q in self.store.quads_for_pattern(node, None, None):
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(DERIVED_GRAPHS):
                continue
            out.add(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.object, ox.NamedNode):
                objects.add(q.object)
        label_props = [ox.NamedNode(p) for p in (RDFS + "label", SKOS + "prefLabel", SKOS + "notation")]
        for obj in sorted(objects, key=str)[:2000]:
            for prop in label_props:
                for q in self.store.quads_for_pattern(obj, prop, None):
                    if not (
                        isinstance(q.graph_name, ox.NamedNode)
                        and q.graph_name.value.startswith(DERIVED_GRAPHS)
                    ):
                        out.add(ox.Triple(q.subject, q.predicate, q.object))
        return sorted(out, key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)))

    # --- Names and sources ------------------------------------------------------------------

    def english_names(self, iris: set[str]) -> dict[str, str]:
        """English labels of ``iris`` where the graph has one (rdfs:label, skos:prefLabel, schema:name)."""
        out: dict[str, str] = {}
        props = [ox.NamedNode(p) for p in (SKOS + "prefLabel", RDFS + "label", SCHEMA + "name")]
        for iri in sorted(iris)[:3000]:
            try:
                node = ox.NamedNode(iri)
            except ValueError:
                continue
            for prop in props:
                found = sorted(
                    q.object.value
                    for q in self.store.quads_for_pattern(node, prop, None)
                    if isinstance(q.object, ox.Literal) and (q.object.language or "").startswith("en")
                )
                if found:
                    out[iri] = " ".join(found[0].split())
                    break
        return out

    def source_titles(self, graphs: set[str]) -> dict[str, str]:
        """The title of the document each named graph was read from (or the graph's own title);
        kept once read (every page asks for its sources' titles; the snapshot never changes)."""
        wanted = {g for g in graphs if g and not g.startswith(DERIVED_GRAPHS)}
        with self._words_lock:
            missing = wanted - self._titles.keys()
        found = self._read_source_titles(missing) if missing else {}
        with self._words_lock:
            if len(self._titles) > 100_000:  # bounded (there are a few hundred graphs, not more)
                self._titles.clear()
            self._titles.update({g: found.get(g) for g in missing})
            known = {g: self._titles.get(g) for g in wanted}
        return {g: title for g, title in known.items() if title} | {g: t for g, t in found.items() if t}

    def _read_source_titles(self, graphs: set[str]) -> dict[str, str]:
        out: dict[str, dict[str, str]] = defaultdict(dict)
        wanted = sorted(graphs)
        for start in range(0, len(wanted), 200):
            values = " ".join(_iri(g) for g in wanted[start : start + 200])
            for r in self.rows(
                f"""SELECT ?g ?t ?lang WHERE {{ VALUES ?g {{ {values} }}
                {{ ?g prov:wasDerivedFrom/dct:title ?t }} UNION {{ ?g dct:title ?t }}
                BIND(LANG(?t) AS ?lang) }}"""
            ):
                g, t, lang = _v(r.get("g")), _v(r.get("t")), _v(r.get("lang"))
                if t and (lang not in out[g] or t < out[g][lang]):
                    out[g][lang] = t
        return {
            g: titles.get("fr") or titles.get("") or next(iter(titles.values())) for g, titles in out.items()
        }


#: The query :func:`progkg.search._named` sends (things of a kind among given IRIs, with their
#: names), recognised to answer it from the store's indexes; any other text runs as SPARQL.
_NAMED = re.compile(
    r"PREFIX pkx: <" + re.escape(DERIVED) + r">\nSELECT \?n \?name WHERE \{ VALUES \?n \{ "
    r"(?P<iris>(?:<[^<>\s]*> ?)+)\} +(?:\?n pkx:kind \"(?P<kind>[a-z]+)\" \. )?"
    r"OPTIONAL \{ \?n pkx:name \?name \} \}"
)
_IRI_IN_VALUES = re.compile(r"<([^<>\s]*)>")
#: Search's prefix query for a one-word text (:func:`progkg.search._lookup_prefix`).
_PREFIXED = re.compile(
    r"PREFIX pkx: <" + re.escape(DERIVED) + r">\nSELECT DISTINCT \?n \?name WHERE \{ +"
    r"(?:\?n pkx:kind \"(?P<kind>[a-z]+)\" \. )?\?n pkx:word \?w \. "
    r"FILTER\(STRSTARTS\(\?w, \"(?P<prefix>[a-z0-9]+)\"\)\) OPTIONAL \{ \?n pkx:name \?name \} \}"
)
#: Search's vocabulary of every kind (:func:`progkg.search.suggestions`, typos).
_VOCABULARY = re.compile(
    r"PREFIX pkx: <" + re.escape(DERIVED) + r">\nSELECT DISTINCT \?w WHERE \{ +\?n pkx:word \?w \}"
)


class _MemoStore:
    """``quads_for_pattern`` of a store, each pattern read once (for one request only)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.memo: dict[tuple[str, str, str, str], list[ox.Quad]] = {}

    def quads_for_pattern(self, s: object, p: object, o: object, g: object = None) -> list[ox.Quad]:
        key = (str(s), str(p), str(o), str(g))
        if key not in self.memo:
            self.memo[key] = list(self.store.quads_for_pattern(s, p, o, g))
        return self.memo[key]


def local_path(iri: str) -> str | None:
    """The path under ``/id/`` of an IRI of the graph's namespace, or None for any other IRI."""
    return iri[len(ID) :] if iri.startswith(ID) else None

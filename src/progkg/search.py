"""Finding what a parameter names: the search index the build derives, and resolution.

Why an index of triples: a saved query used to compare the user's text with every label of
the graph (``CONTAINS(LCASE(?label), …)``), a scan that took 50–300 ms at a million triples,
missed "charge" for "Chargé" and could not tell "nothing matched" from "matched, nothing
known". The build now reduces every label and code of the graph to search keys
(:mod:`progkg.textkeys`) and stores them as triples in a derived named graph
(``graph/derived/search``)::

    <parcours/…>  pkx:kind "parcours" ;          # what the node is, for typed parameters
                  pkx:name "M2 Communication …" ;  # how messages name it
                  pkx:key  "communication institutionnel politiqu territoir" ;  # a whole label
                  pkx:word "communication" , "institutionnel" , … ;              # its words
                  pkx:code "rncp38175" .           # codes it is known by

Resolving a parameter is then a handful of exact lookups of literals, which Oxigraph (and
any SPARQL store) answers from its indexes in about a millisecond; and because the index is
triples, ``progkg push`` sends it with the rest and a remote endpoint resolves exactly as the
embedded store does. Candidates measured for this (docs/queries.md, "Resolution"): SQLite
FTS5 beside the store would answer embedded lookups as fast but not remote ones.

Ranks, best first: an IRI or CURIE given as is; a code; a label equal to the text (ignoring
case, accents, gender and number, small words and word order); a label holding every word of
the text; a label holding the last word as a prefix. A parcours parameter naming a programme
gets the programme's parcours, and a programme parameter naming a parcours gets its
programme. Job titles and sectors name families: every title holding all the words
("chargé de communication" finds "chargés de communication dans les ONG" too); other kinds
name one thing, so only the best rank is kept.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from progkg import textkeys
from progkg.errors import ProgkgError
from progkg.iris import DERIVED, DERIVED_GRAPHS, GRAPH, ID, PK, RDF, RDFS, SCHEMA, SKOS

SEARCH_GRAPH = DERIVED_GRAPHS + "search"
ESCO_MODEL = "http://data.europa.eu/esco/model#"
ALT_LABEL = SKOS + "altLabel"
#: Whose alternative labels the index leaves out: ESCO's skills have 88,000 synonyms (half the
#: labels of a graph with ESCO, and half the index's build time) and no parameter names a
#: skill; they stay findable by their preferred labels, in every language.
UNINDEXED_ALTERNATIVES = ("http://data.europa.eu/esco/skill/",)

LABEL_PROPERTIES = (
    RDFS + "label",
    SKOS + "prefLabel",
    SCHEMA + "name",
    SKOS + "altLabel",
    SCHEMA + "alternateName",
)
CODE_PROPERTIES = (SKOS + "notation", PK + "rncpCode", PK + "siret")
#: The properties :func:`index_nquads` reads (the build computes it on those quads only), the
#: classes it reads rdf:type for (READS_TYPES, set below KINDS).
READS = frozenset(
    {*LABEL_PROPERTIES, *CODE_PROPERTIES, RDF + "type"}
    | {
        PK + p
        for p in ("rome", "romeCode", "parentCode", "certification", "mention", "nationalCertification")
        + ("provider", "partOf", "hasParcours")
    }
)

#: The most matches bound to one parameter; the message says when there were more.
DEFAULT_CAP = 50


@dataclass(frozen=True)
class Kind:
    """What a typed parameter names."""

    name: str
    classes: tuple[str, ...]
    noun: str
    #: Job titles and sectors: every title holding all the words, not only the best rank.
    family: bool = False


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("parcours", (PK + "Parcours",), "parcours"),
        Kind("programme", (PK + "Programme",), "programme"),
        Kind("institution", (PK + "Organisation", SCHEMA + "CollegeOrUniversity"), "institution"),
        Kind("certification", (PK + "Certification",), "certification (RNCP/RS fiche)"),
        Kind("rome", (PK + "RomeCode",), "ROME code"),
        Kind("job", (PK + "JobTitle", PK + "RomeAppellation", PK + "OnisepJob"), "job title", family=True),
        Kind("sector", (PK + "Sector",), "sector", family=True),
        # An ESCO occupation (``progkg import esco``), by its label in any language or its URI.
        Kind("esco", (ESCO_MODEL + "Occupation",), "ESCO occupation"),
        Kind("any", (), "thing"),
    )
}

READS_TYPES = frozenset(cls for kind in KINDS.values() for cls in kind.classes)

# Ranks of a match, best first.
RANK_IRI, RANK_CODE, RANK_EXACT, RANK_WORDS, RANK_PREFIX, RANK_RELATED = range(6)
RANK_NAMES = {
    RANK_IRI: "IRI",
    RANK_CODE: "code",
    RANK_EXACT: "label",
    RANK_WORDS: "all words",
    RANK_PREFIX: "prefix",
    RANK_RELATED: "through",
}

###########################################################################################
# The index, built from the graph
###########################################################################################

_NAME_ORDER = {p: i for i, p in enumerate(LABEL_PROPERTIES)}


def _name_rank(predicate: str, literal: ox.Literal) -> tuple[int, int, str]:
    lang = literal.language or ""
    lang_rank = 0 if lang.startswith("fr") else (1 if not lang else 2)
    return (lang_rank, _NAME_ORDER.get(predicate, 9), literal.value)


#: Graphs whose preferred labels name a thing in their own wording, after the copies of its
#: official title: the kit's DEPP title of a national fiche names one institution ("SCIENCE
#: POLITIQUE (MASTER VERSAILLES)"), where ONISEP's copy of France Compétences' title ("MASTER -
#: Science politique (fiche nationale)") names none. Still the name when it is the only one.
_SECOND_HAND_TITLES = frozenset({GRAPH + "kit"})
#: How such a preferred label ranks: after every other source's, before any alternative label.
_SECOND_HAND_PREF = "second-hand " + SKOS + "prefLabel"
_NAME_ORDER[_SECOND_HAND_PREF] = _NAME_ORDER[SCHEMA + "name"]


def _ranked_as(predicate: str, graph: object) -> str:
    """The label property a label ranks as when the index picks a name (:func:`_name_rank`)."""
    if (
        predicate == SKOS + "prefLabel"
        and isinstance(graph, ox.NamedNode)
        and graph.value in _SECOND_HAND_TITLES
    ):
        return _SECOND_HAND_PREF
    return predicate


def _nq_literal(text: str) -> str:
    """``text`` as an N-Quads string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def index_nquads(store: ox.Store) -> bytes:
    """The search index of every labelled or coded node of ``store``, as N-Quads.

    Written as text and bulk-loaded (about 0.5 µs a quad, where building pyoxigraph quads one
    by one cost 5 µs: 2.4 s for the 450,000 quads of the graph with the national releases).
    """
    labels: dict[str, set[tuple[str, ox.Literal]]] = defaultdict(set)
    for prop in LABEL_PROPERTIES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                if prop == ALT_LABEL and quad.subject.value.startswith(UNINDEXED_ALTERNATIVES):
                    continue
                labels[quad.subject.value].add((_ranked_as(prop, quad.graph_name), quad.object))
    codes: dict[str, set[str]] = defaultdict(set)
    for prop in CODE_PROPERTIES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                key = textkeys.code_key(quad.object.value)
                if key:
                    codes[quad.subject.value].add(key)
    kinds: dict[str, set[str]] = defaultdict(set)
    for kind in KINDS.values():
        for cls in kind.classes:
            for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(cls)):
                if isinstance(quad.subject, ox.NamedNode):
                    kinds[quad.subject.value].add(kind.name)
    # A ROME code cited by a certification or a job title before the ROME release is imported
    # has no notation yet: its IRI holds its code (docs/modelling.md, "Identifiers").
    for prop in (PK + "rome", PK + "romeCode", PK + "parentCode"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None):
            code = _rome_code_of(quad.object)
            if code:
                codes[quad.object.value].add(code)
                kinds[quad.object.value].add("rome")
    # A programme or parcours is also known by the codes of the certifications it carries:
    # its own, its mention's national fiche, its programme's.
    for holder, cert in _certifications_carried(store, kinds):
        codes[holder] |= codes.get(cert, set())
    _name_unlabelled(store, labels, kinds)
    return _emit(sorted(set(labels) | set(codes) | set(kinds)), labels, codes, kinds)


def _emit(
    nodes: list[str],
    labels: dict[str, set[tuple[str, ox.Literal]]],
    codes: dict[str, set[str]],
    kinds: dict[str, set[str]],
) -> bytes:
    """The index lines of ``nodes`` (in that order) from what was gathered about them."""
    graph = f"<{SEARCH_GRAPH}>"
    p_kind, p_name, p_key, p_word, p_code = (
        f"<{DERIVED}{p}>" for p in ("kind", "name", "key", "word", "code")
    )
    lines: list[str] = []
    add = lines.append
    # Written node by node: all the lines kept and joined at the end took 4 GB at 5e6 triples.
    out = io.BytesIO()
    for node in nodes:
        subject = f"<{node}>"
        for kind in sorted(kinds.get(node, ())):
            add(f'{subject} {p_kind} "{kind}" {graph} .\n')
        node_labels = labels.get(node)
        if node_labels:
            best = min(node_labels, key=lambda pl: _name_rank(pl[0], pl[1]))
            add(f"{subject} {p_name} {_nq_literal(' '.join(best[1].value.split()))} {graph} .\n")
            keys: set[str] = set()
            words: set[str] = set()
            for _, literal in node_labels:
                label_words = textkeys.word_keys(literal.value)
                if label_words:
                    keys.add(" ".join(sorted(set(label_words))))
                    words.update(label_words)
            for key in sorted(keys):
                add(f'{subject} {p_key} "{key}" {graph} .\n')
            for word in sorted(words):
                add(f'{subject} {p_word} "{word}" {graph} .\n')
        for code in sorted(codes.get(node, ())):
            add(f"{subject} {p_code} {_nq_literal(code)} {graph} .\n")
        out.write("".join(lines).encode("utf-8"))
        lines.clear()
    return out.getvalue()


def index_nquads_for(store: ox.Store, nodes: set[str]) -> bytes:
    """The lines :func:`index_nquads` gives for ``nodes``, and only them, read node by node.

    Why: an import that changes a few thousand things (the kit's titles, ONISEP's table) need
    not read every label of the graph again (16 of the 22 s of a kit import at national scale):
    the build keeps the other nodes' lines (:func:`affected_nodes` says whose may change). The
    same rules as :func:`index_nquads`, applied to what each node and its neighbours say.
    """
    kind_of: dict[str, list[str]] = defaultdict(list)
    for kind in KINDS.values():
        for cls in kind.classes:
            kind_of[cls].append(kind.name)
    label_props, code_props = set(LABEL_PROPERTIES), set(CODE_PROPERTIES)
    labels: dict[str, set[tuple[str, ox.Literal]]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    gathered: set[str] = set()

    def gather(x: str) -> None:
        if x in gathered:
            return
        gathered.add(x)
        for q in store.quads_for_pattern(ox.NamedNode(x), None, None):
            prop, obj = q.predicate.value, q.object
            if prop in label_props and isinstance(obj, ox.Literal):
                if not (prop == ALT_LABEL and x.startswith(UNINDEXED_ALTERNATIVES)):
                    labels[x].add((_ranked_as(prop, q.graph_name), obj))
            if prop in code_props and isinstance(obj, ox.Literal):
                key = textkeys.code_key(obj.value)
                if key:
                    codes[x].add(key)
            if prop == RDF + "type" and isinstance(obj, ox.NamedNode):
                kinds[x].update(kind_of.get(obj.value, ()))

    def named_by_code(x: str) -> None:
        """_name_unlabelled's first rule: a certification without a label is named by its code."""
        if not labels.get(x):
            for q in store.quads_for_pattern(ox.NamedNode(x), ox.NamedNode(PK + "rncpCode"), None):
                labels[x] = {(SKOS + "notation", q.object)}
                break

    rome_props = [ox.NamedNode(PK + p) for p in ("rome", "romeCode", "parentCode")]
    for x in nodes:
        gather(x)
        code = _rome_code_of(ox.NamedNode(x))
        if code and any(next(store.quads_for_pattern(None, p, ox.NamedNode(x)), None) for p in rome_props):
            codes[x].add(code)
            kinds[x].add("rome")

    def own(holder: str) -> set[str]:
        """The certifications a holder carries itself: its own, its mention's national fiche."""
        certs = set(_linked(store, holder, "certification"))
        for mention in _linked(store, holder, "mention"):
            certs.update(_linked(store, mention, "nationalCertification"))
        return certs

    for holder in sorted(nodes):
        carried = own(holder)
        if "parcours" in kinds.get(holder, ()):
            programmes = set(_linked(store, holder, "partOf")) | set(_linking(store, "hasParcours", holder))
            for programme in programmes:
                carried |= own(programme)
        for cert in sorted(carried):
            gather(cert)
            codes[holder] |= codes.get(cert, set())
    # _name_unlabelled's rules, for these nodes and the certifications and providers they name.
    for x in sorted(gathered):
        named_by_code(x)
    for node in sorted(nodes):
        if labels.get(node) or "programme" not in kinds.get(node, ()):
            continue
        certs = _linked(store, node, "certification")
        for cert in certs:
            gather(cert)
            named_by_code(cert)
        providers = _linked(store, node, "provider")
        for org in providers:
            gather(org)
        name = _composite_name(labels, certs, providers)
        if name:
            labels[node] = {(SKOS + "notation", ox.Literal(name, language="fr"))}
    return _emit(sorted(nodes), labels, codes, kinds)


def affected_nodes(store: ox.Store, changed: set[str]) -> set[str]:
    """The nodes whose index lines may differ when the quads about ``changed`` (subjects and
    objects of the quads added or removed) changed: those, the programmes and parcours that
    carry or are named after them (pk:certification, pk:provider, pk:mention and its national
    fiche), and the parcours of those programmes."""
    out = set(changed)
    for x in changed:
        for prop in ("certification", "provider", "mention"):
            out.update(_linking(store, prop, x))
        for mention in _linking(store, "nationalCertification", x):
            out.add(mention)
            out.update(_linking(store, "mention", mention))
    for x in list(out):
        out.update(_linking(store, "partOf", x))
        out.update(_linked(store, x, "hasParcours"))
    return out


def _linked(store: ox.Store, x: str, prop: str) -> list[str]:
    """The IRIs ``x`` links to by ``pk:<prop>``."""
    return [
        q.object.value
        for q in store.quads_for_pattern(ox.NamedNode(x), ox.NamedNode(PK + prop), None)
        if isinstance(q.object, ox.NamedNode)
    ]


def _linking(store: ox.Store, prop: str, x: str) -> list[str]:
    """The IRIs that link to ``x`` by ``pk:<prop>``."""
    return [
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(PK + prop), ox.NamedNode(x))
        if isinstance(q.subject, ox.NamedNode)
    ]


def _name_unlabelled(
    store: ox.Store, labels: dict[str, set[tuple[str, ox.Literal]]], kinds: dict[str, set[str]]
) -> None:
    """Names for what the graph knows without a label, so that messages and queries show them
    and users find them by their words.

    A certification known from an RNCP export without its Standard member (nor a title from
    ONISEP or the kit) is named by its code; a national programme an import made without a
    title (one per institution awarding a national diploma) is named "<certification> —
    <institution>", e.g. "MASTER - Science politique (fiche nationale) — UNIVERSITE DE LILLE".
    The names are the index's only: the graph itself says nothing it was not told.
    """

    for quad in store.quads_for_pattern(None, ox.NamedNode(PK + "rncpCode"), None):
        node = quad.subject.value
        if isinstance(quad.subject, ox.NamedNode) and node not in labels:
            labels[node] = {(SKOS + "notation", quad.object)}
    provider = ox.NamedNode(PK + "provider")
    certifications: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, ox.NamedNode(PK + "certification"), None):
        node = quad.subject.value
        if node not in labels and isinstance(quad.object, ox.NamedNode):
            if "programme" in kinds.get(node, ()):
                certifications[node].append(quad.object.value)
    for node, certs in certifications.items():
        providers = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(node), provider, None)]
        name = _composite_name(labels, certs, providers)
        if name:
            labels[node] = {(SKOS + "notation", ox.Literal(name, language="fr"))}


def _best_name(labels: dict[str, set[tuple[str, ox.Literal]]], node: str) -> str | None:
    """The name a certification or institution gives a national programme's composite name."""
    node_labels = labels.get(node)
    if not node_labels:
        return None
    predicate, literal = min(node_labels, key=lambda pl: _name_rank(pl[0], pl[1]))
    text = " ".join(literal.value.split())
    if predicate == _SECOND_HAND_PREF:
        # The kit's DEPP title names the first institution it met ("DROIT PUBLIC (MASTER
        # CLERMONT AUVERGNE)"): in a programme's name at another one, keep the diploma only.
        text = _DEPP_INSTITUTION.sub(r" (\1)", text)
    return text


def _composite_name(
    labels: dict[str, set[tuple[str, ox.Literal]]], certs: list[str], providers: list[str]
) -> str | None:
    """ "<certification> — <institutions>" for an untitled national programme, or None.

    A programme kept across successions carries several fiches: its name comes from the newest
    one with a title (the highest fiche number), then from the newest named by its code only, so
    that the name never depends on the order a store gives the fiches in (an on-disk and an
    in-memory store give them in different orders)."""
    institutions = sorted(filter(None, (_best_name(labels, org) for org in providers)))
    if not institutions:
        return None
    for cert in sorted(certs, key=lambda c: (_named_by_code(labels, c), -_fiche_number(c), c)):
        certification = _best_name(labels, cert)
        if certification:
            return f"{certification} — {', '.join(institutions)}"
    return None


def _named_by_code(labels: dict[str, set[tuple[str, ox.Literal]]], node: str) -> bool:
    """Whether ``node`` has no name but the code :func:`_name_unlabelled` gave it."""
    return all(predicate == SKOS + "notation" for predicate, _ in labels.get(node, ()))


def _fiche_number(iri: str) -> int:
    match = _FICHE_NUMBER.search(iri)
    return int(match.group(1)) if match else 0


_FICHE_NUMBER = re.compile(r"(?:RNCP|RS)(\d+)$")
_ROME_IRI = re.compile(re.escape(ID) + r"rome/([A-N][0-9]{4})")
#: "… (MASTER CLERMONT AUVERGNE)": the diploma kind and the institution a DEPP title ends with.
_DEPP_INSTITUTION = re.compile(r"\s*\((MASTER|LP|LICENCE|BUT|DUT|DEUST|DIPLOME|DNMADE)\s+[^()]+\)$")


def _rome_code_of(term: object) -> str | None:
    match = _ROME_IRI.fullmatch(term.value) if isinstance(term, ox.NamedNode) else None
    return match.group(1).lower() if match else None


def _certifications_carried(store: ox.Store, kinds: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(programme or parcours, certification) pairs: directly, through the mention, the programme."""

    def pairs(predicate: str) -> list[tuple[str, str]]:
        return [
            (q.subject.value, q.object.value)
            for q in store.quads_for_pattern(None, ox.NamedNode(PK + predicate), None)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        ]

    direct = pairs("certification")
    national = defaultdict(set)
    for mention, cert in pairs("nationalCertification"):
        national[mention].add(cert)
    carried: set[tuple[str, str]] = set(direct)
    for holder, mention in pairs("mention"):
        carried |= {(holder, cert) for cert in national.get(mention, ())}
    programme_of: dict[str, set[str]] = defaultdict(set)
    for parcours, programme in pairs("partOf"):
        programme_of[parcours].add(programme)
    for programme, parcours in pairs("hasParcours"):
        programme_of[parcours].add(programme)
    by_holder: dict[str, set[str]] = defaultdict(set)
    for holder, cert in carried:
        by_holder[holder].add(cert)
    for parcours, programmes in programme_of.items():
        if "parcours" not in kinds.get(parcours, ()):
            continue
        for programme in programmes:
            carried |= {(parcours, cert) for cert in by_holder.get(programme, ())}
    return sorted(carried)


###########################################################################################
# Resolution
###########################################################################################

#: Runs a SELECT query and gives its solutions as dicts of terms (embedded store or endpoint).
Select = Callable[[str], list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]]]


@dataclass(frozen=True)
class Match:
    iri: str
    name: str
    rank: int
    via: str = ""


@dataclass
class Resolution:
    """What one parameter's text was resolved to."""

    param: str
    kind: str
    text: str
    matches: list[Match] = field(default_factory=list)
    total: int = 0

    @property
    def capped(self) -> bool:
        return self.total > len(self.matches)

    def describe(self, shown: int = 5) -> str:
        """One line for stderr: "parcours: 2 matches — A; B"."""
        count = len(self.matches)
        names = "; ".join(m.name or m.iri for m in self.matches[:shown])
        more = f"; … {count - shown} more" if count > shown else ""
        head = f"{self.param}: {count} match{'es' if count != 1 else ''}"
        if self.capped:
            head = (
                f"{self.param}: {self.total} matches, the first {count} kept (by rank, then name); "
                "give more words to narrow it"
            )
        how = {m.rank for m in self.matches}
        if how == {RANK_RELATED} and self.matches:
            head += f" ({self.matches[0].via})"
        elif how == {RANK_CODE}:
            head += " (by code)"
        elif how == {RANK_PREFIX}:
            head += " (by word prefix)"
        return f"{head} — {names}{more}"


_PREFIXES = {
    "id": ID,
    "pkid": ID,
    "pk": PK,
    "pkg": GRAPH,
    "rdfs": RDFS,
    "skos": SKOS,
    "schema": SCHEMA,
    "esco": "http://data.europa.eu/esco/",
}


def as_iri(text: str) -> str | None:
    """The IRI ``text`` spells out (``<…>``, ``http(s)://…``, ``urn:…`` or a CURIE such as
    ``id:rome/K1802``), or None when it is a name to look up."""
    value = text.strip()
    iri = None
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1].strip()
    elif value.startswith(("http://", "https://", "urn:")) and not any(c.isspace() for c in value):
        iri = value
    else:
        prefix, sep, local = value.partition(":")
        if sep and prefix in _PREFIXES and local and not any(c.isspace() for c in local):
            iri = _PREFIXES[prefix] + local
    if iri is None:
        return None
    try:
        return ox.NamedNode(iri).value  # refuses what is not an IRI (spaces, <, >, quotes…)
    except ValueError:
        shown = iri if len(iri) <= 80 else iri[:79] + "…"
        raise ProgkgError(f"{shown!r} is not a valid IRI") from None


NO_INDEX = (
    "the graph queried holds no search index (graph/derived/search), so no parameter can be resolved: "
    "run `progkg build` again (an older build), or load the endpoint with `progkg push` (not from the export)"
)


def has_index(select: Select) -> bool:
    """Whether the store or endpoint behind ``select`` holds the derived search index."""
    return bool(select(_HEAD + "SELECT ?n WHERE { ?n pkx:name ?name } LIMIT 1"))


def _lit(text: str) -> str:
    return str(ox.Literal(text))


def _kind_pattern(kind: Kind, var: str = "?n") -> str:
    return f'{var} pkx:kind "{kind.name}" .' if kind.classes else ""


_HEAD = f"PREFIX pkx: <{DERIVED}>\n"


def _matches(rows: list[dict], rank: int | None = None, via: str = "") -> list[Match]:
    out = []
    for row in rows:
        node = row.get("n")
        if not isinstance(node, ox.NamedNode):
            continue
        name = row.get("name")
        r = row.get("rank")
        out.append(
            Match(
                node.value,
                name.value if isinstance(name, ox.Literal) else "",
                int(r.value) if isinstance(r, ox.Literal) else (rank if rank is not None else RANK_EXACT),
                via,
            )
        )
    return out


def _lookup_codes(kind: Kind, keys: list[str], select: Select) -> list[Match]:
    values = " ".join(_lit(k) for k in keys)
    text = (
        _HEAD + f"SELECT DISTINCT ?n ?name WHERE {{ VALUES ?k {{ {values} }} ?n pkx:code ?k . "
        f"{_kind_pattern(kind)} OPTIONAL {{ ?n pkx:name ?name }} }}"
    )
    return _matches(select(text), RANK_CODE)


def _lookup_exact(kind: Kind, keys: list[str], select: Select) -> list[Match]:
    """Things with a label whose key is the text's: one lookup of one literal."""
    key = _lit(" ".join(sorted(set(keys))))
    text = (
        _HEAD + f"SELECT DISTINCT ?n ?name WHERE {{ ?n pkx:key {key} . {_kind_pattern(kind)} "
        "OPTIONAL { ?n pkx:name ?name } }"
    )
    return _matches(select(text), RANK_EXACT)


_WORD = ox.NamedNode(DERIVED + "word")


def _lookup_words(kind: Kind, keys: list[str], select: Select) -> list[Match]:
    """Things whose labels hold every word of the text.

    Each word's things are read with one single-pattern lookup and intersected here, the
    longest (rarest) word first, stopping as soon as nothing is left: one multi-pattern query
    let the store start from the commonest word ("m2", "master": thousands of things) and
    took 5–200 ms at a million triples.
    """
    candidates: set[str] | None = None
    store = getattr(select, "store", None)  # embedded: read the index directly, same answer
    for word in sorted(set(keys), key=lambda k: (-len(k), k)):
        if store is not None:
            quads = store.quads_for_pattern(None, _WORD, ox.Literal(word))
            things = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
        else:
            rows = select(_HEAD + f"SELECT ?n WHERE {{ ?n pkx:word {_lit(word)} }}")
            things = {row["n"].value for row in rows if isinstance(row.get("n"), ox.NamedNode)}
        candidates = things if candidates is None else candidates & things
        if not candidates:
            return []
    return _named(kind, sorted(candidates or ()), select, RANK_WORDS)


def _named(kind: Kind, iris: list[str], select: Select, rank: int) -> list[Match]:
    """Those of ``iris`` that are of ``kind``, with their names, in batches."""
    out: list[Match] = []
    for start in range(0, len(iris), 500):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + 500])
        rows = select(
            _HEAD + f"SELECT ?n ?name WHERE {{ VALUES ?n {{ {values} }} {_kind_pattern(kind)} "
            "OPTIONAL { ?n pkx:name ?name } }"
        )
        out.extend(_matches(rows, rank))
    return out


def _lookup_prefix(kind: Kind, keys: list[str], select: Select) -> list[Match]:
    *whole, last = keys
    if len(last) < 2:
        return []
    every = " ".join(f"?n pkx:word {_lit(k)} ." for k in whole)
    text = (
        _HEAD + f"SELECT DISTINCT ?n ?name WHERE {{ {every} {_kind_pattern(kind)} ?n pkx:word ?w . "
        f"FILTER(STRSTARTS(?w, {_lit(last)})) OPTIONAL {{ ?n pkx:name ?name }} }}"
    )
    return _matches(select(text), RANK_PREFIX)


def _related(kind: Kind, found: list[Match], select: Select) -> list[Match]:
    """The parcours of the programmes found."""
    values = " ".join(str(ox.NamedNode(m.iri)) for m in found)
    text = (
        _HEAD + f"PREFIX pk: <{PK}>\nSELECT DISTINCT ?n ?name WHERE {{ VALUES ?x {{ {values} }} "
        f"{{ ?n pk:partOf ?x }} UNION {{ ?x pk:hasParcours ?n }} {_kind_pattern(kind)} "
        "OPTIONAL { ?n pkx:name ?name } }"
    )
    plural = "s" if len(found) > 1 else ""
    names = "; ".join(m.name for m in found[:3])
    via = f"no parcours is named so: the parcours of the programme{plural} {names}"
    return _matches(select(text), RANK_RELATED, via)


def _best(kind: Kind, matches: list[Match]) -> list[Match]:
    by_node: dict[str, Match] = {}
    for m in matches:
        if m.iri not in by_node or m.rank < by_node[m.iri].rank:
            by_node[m.iri] = m
    found = sorted(by_node.values(), key=lambda m: (m.rank, m.name.casefold(), m.iri))
    if not found:
        return []
    best = found[0].rank
    if kind.family and best in (RANK_EXACT, RANK_WORDS):
        return [m for m in found if m.rank in (RANK_EXACT, RANK_WORDS)]
    return [m for m in found if m.rank == best]


def find(kind_name: str, text: str, select: Select, *, related: bool = True) -> list[Match]:
    """Every match of ``text`` among things of ``kind_name``, best rank only (see module doc).

    ``related``: a parcours parameter may name a programme (and the reverse).
    """
    kind = KINDS[kind_name]
    iri = as_iri(text)
    if iri is not None:
        rows = select(_HEAD + f"SELECT ?name WHERE {{ OPTIONAL {{ {ox.NamedNode(iri)} pkx:name ?name }} }}")
        name = rows[0].get("name") if rows else None
        return [Match(iri, name.value if isinstance(name, ox.Literal) else "", RANK_IRI)]
    codes = textkeys.code_keys(text)
    if codes:
        found = _best(kind, _lookup_codes(kind, codes, select))
        if found:
            return found
    keys = textkeys.word_keys(text)
    if not keys:
        return []
    exact = _lookup_exact(kind, keys, select)
    if exact and not kind.family:
        return _best(kind, exact)
    found = _best(kind, exact + _lookup_words(kind, keys, select))
    if not found:
        found = _best(kind, _lookup_prefix(kind, keys, select))
    if not found and related and kind.name == "parcours":
        # A programme named: its parcours.
        around = find("programme", text, select, related=False)
        if around:
            found = _best(kind, _related(kind, around, select))
    elif not found and related and kind.name == "programme":
        # A parcours named: the queries taking a programme take one of its parcours as well
        # (its admission, contacts, routes), so the parcours itself is what is meant.
        found = [
            Match(m.iri, m.name, RANK_RELATED, "no programme is named so: the parcours")
            for m in find("parcours", text, select, related=False)
        ]
    return found


def resolve(param: str, kind_name: str, text: str, select: Select, *, cap: int = DEFAULT_CAP) -> Resolution:
    """``text`` resolved to the things of ``kind_name`` it names, or a :class:`ProgkgError`
    naming the parameter with up to five close suggestions when nothing matches."""
    kind = KINDS[kind_name]
    try:
        found = find(kind_name, text, select)
    except ProgkgError as exc:
        raise ProgkgError(f"parameter {param}: {exc.message}") from None
    if not found:
        raise ProgkgError(no_match_message(param, kind, text, select))
    return Resolution(param, kind_name, text, found[:cap], len(found))


def no_match_message(param: str, kind: Kind, text: str, select: Select) -> str:
    shown = text if len(text) <= 80 else text[:79] + "…"
    head = (
        f"parameter {param}: no {kind.noun} matches {shown!r}"
        if param
        else f"no {kind.noun} matches {shown!r}"
    )
    keys = textkeys.word_keys(text)
    if not keys and not textkeys.code_keys(text):
        return f"{head} (it holds no word to look for)"
    if kind.name == "rome" and textkeys.code_keys(text):
        head += " (ROME codes come from the ROME release: progkg import rome)"
    elif kind.name == "certification" and textkeys.code_keys(text):
        head += " (RNCP fiches come from the RNCP export: progkg import rncp)"
    close = suggestions(kind, text, select)
    if close:
        return f"{head}; close: " + " · ".join(close)
    return f"{head}, and nothing close either: try a word of its name, or its code"


def suggestions(kind: Kind, text: str, select: Select, limit: int = 5) -> list[str]:
    """Up to ``limit`` names of things of ``kind`` close to ``text``: sharing most of its words,
    or words spelt close to them (typos), ranked by similarity of the whole name."""
    keys = textkeys.word_keys(text) or [textkeys.code_key(text)]
    if not keys:
        return []
    candidates = _sharing(kind, keys, select)
    if len(candidates) < limit:
        vocabulary = [
            row["w"].value
            for row in select(_HEAD + f"SELECT DISTINCT ?w WHERE {{ {_kind_pattern(kind)} ?n pkx:word ?w }}")
            if isinstance(row.get("w"), ox.Literal)
        ]
        respelt = _close_words(keys, vocabulary)
        if respelt:
            for name, shared in _sharing(kind, respelt, select).items():
                candidates.setdefault(name, shared)
    if not candidates:
        return []
    from rapidfuzz import fuzz

    folded = textkeys.fold(text)
    ranked = sorted(
        candidates.items(),
        key=lambda item: (-item[1], -fuzz.token_set_ratio(folded, textkeys.fold(item[0])), item[0]),
    )
    return [name for name, _ in ranked[:limit]]


def _sharing(kind: Kind, keys: list[str], select: Select) -> dict[str, int]:
    values = " ".join(_lit(k) for k in dict.fromkeys(keys))
    rows = select(
        _HEAD + f"SELECT ?name (COUNT(DISTINCT ?w) AS ?shared) WHERE {{ VALUES ?w {{ {values} }} "
        f"?n pkx:word ?w . {_kind_pattern(kind)} ?n pkx:name ?name }} GROUP BY ?name "
        "ORDER BY DESC(?shared) ?name LIMIT 200"
    )
    return {
        row["name"].value: int(row["shared"].value)
        for row in rows
        if isinstance(row.get("name"), ox.Literal) and isinstance(row.get("shared"), ox.Literal)
    }


def _close_words(keys: list[str], vocabulary: list[str]) -> list[str]:
    from rapidfuzz import fuzz, process

    out: list[str] = []
    for key in keys:
        for word, score, _ in process.extract(key, vocabulary, scorer=fuzz.ratio, limit=3):
            if score >= 75 and word not in out:
                out.append(word)
    return out

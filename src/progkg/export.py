"""`progkg export`: the built graph as open data, in five RDF formats; same graph, same bytes.

Why it works on the lines of ``build/progkg.nq`` rather than asking the store to serialise
itself: the dump is already sorted N-Quads written by the build, and cutting its lines is
several times faster than ``Store.dump`` (measured on 1e6 triples: 10–12 s for the store's own
dump, about 2 s to read and split the file). That keeps the Turtle export of a national-scale
graph within 10 s. Turtle and TriG are written by pyoxigraph's streaming serialiser (rdflib's
pretty Turtle writer takes minutes at that size), fed with triples in code-point order of their
N-Triples lines, so that the output is deterministic and each subject is one block (``;`` and
``,`` grouping); the prefix header is written here, in alphabetical order. N-Triples and N-Quads
are sorted lines. JSON-LD is written here, compacted with the context shipped in
``ontology/progkg.context.jsonld``.

Formats that cannot hold named graphs (Turtle, N-Triples, JSON-LD) carry the union of the
graphs; N-Quads and TriG keep one named graph per source. Every export carries the dataset's
DCAT-AP description (:mod:`progkg.dcat`) in the graph ``…/graph/catalog`` (merged into the union
where graphs are not kept), and is refused by the privacy gate (:mod:`progkg.privacy`) before
anything is written when the graph holds personal data.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import heapq
import itertools
import json
import operator
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from progkg import paths
from progkg import store as st
from progkg.errors import ProgkgError
from progkg.namespaces import GRAPH, ID

Progress = Callable[[str], None]

CATALOG_GRAPH = str(GRAPH) + "catalog"
DEFAULT_BASE_URL = "https://w3id.org/progkg/dump/"
FILE_STEM = "progkg"
CATALOG_FILE = "catalog.ttl"
CONTEXT_FILE = "progkg.context.jsonld"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TYPE_TOKEN = b" <" + RDF_TYPE.encode() + b"> "
_IANA = "http://www.iana.org/assignments/media-types/"
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Format:
    """One export format and what a DCAT-AP distribution says of it."""

    name: str
    suffix: str
    title: str
    media_type: str  # IANA media type, e.g. "text/turtle"
    file_type: str  # code in the EU file-type vocabulary, e.g. "RDF_TURTLE"
    spec: str  # the W3C recommendation defining the syntax
    spec_title: str
    w3c_format: str  # http://www.w3.org/ns/formats/… (void:feature)
    named_graphs: bool

    @property
    def file_name(self) -> str:
        return f"{FILE_STEM}.{self.suffix}"

    @property
    def media_type_iri(self) -> str:
        return _IANA + self.media_type

    @property
    def file_type_iri(self) -> str:
        return _FILE_TYPE + self.file_type


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "turtle", "ttl", "Turtle", "text/turtle", "RDF_TURTLE",
            "http://www.w3.org/TR/turtle/", "RDF 1.1 Turtle", "http://www.w3.org/ns/formats/Turtle", False,
        ),
        Format(
            "ntriples", "nt", "N-Triples", "application/n-triples", "RDF_N_TRIPLES",
            "http://www.w3.org/TR/n-triples/", "RDF 1.1 N-Triples", "http://www.w3.org/ns/formats/N-Triples",
            False,
        ),
        Format(
            "nquads", "nq", "N-Quads", "application/n-quads", "RDF_N_QUADS",
            "http://www.w3.org/TR/n-quads/", "RDF 1.1 N-Quads", "http://www.w3.org/ns/formats/N-Quads", True,
        ),
        Format(
            "trig", "trig", "TriG", "application/trig", "RDF_TRIG",
            "http://www.w3.org/TR/trig/", "RDF 1.1 TriG", "http://www.w3.org/ns/formats/TriG", True,
        ),
        Format(
            "jsonld", "jsonld", "JSON-LD", "application/ld+json", "JSON_LD",
            "http://www.w3.org/TR/json-ld11/", "JSON-LD 1.1", "http://www.w3.org/ns/formats/JSON-LD", False,
        ),
    )
}  # fmt: skip


# --- The graph as sorted lines -------------------------------------------------------------------


def split_quad_line(line: bytes) -> tuple[bytes, bytes]:
    """``(triple line, graph token)`` of one N-Quads line as Oxigraph writes it.

    The graph token is ``b"<iri>"`` (or ``b"_:id"``), or ``b""`` for the default graph. Subject
    and predicate never hold a space; a literal object ends with ``"``, a language tag or a
    ``^^<datatype>`` (which holds a ``"``), so a last token opening with ``<`` or ``_:``, free of
    ``"`` and preceded by at least a subject, a predicate and an object, is the graph name.
    """
    body = line.rstrip(b"\r\n")
    if not body.endswith(b" ."):
        raise ProgkgError(f"malformed N-Quads line in the dump: {body[:200]!r}")
    head, _, last = body[:-2].rpartition(b" ")
    if last[:1] in (b"<", b"_") and b'"' not in last and head.find(b" ", head.find(b" ") + 1) > 0:
        return head + b" .\n", last
    return body + b"\n", b""


def _sorted_unique(lines: Iterable[bytes]) -> list[bytes]:
    ordered = sorted(lines)
    out: list[bytes] = []
    previous = None
    for line in ordered:
        if line != previous:
            out.append(line)
            previous = line
    return out


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a million small objects are made.

    The passes below build lists and dicts the collector would otherwise scan again and again
    (measured: 0.3–0.4 s of a 1e6-triple export); nothing they make forms cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _is_sorted(lines: list[bytes]) -> bool:
    return all(map(operator.le, lines, itertools.islice(lines, 1, None)))


@dataclass
class LineIndex:
    """What one pass over the sorted lines tells: counts for VoID, types and chosen predicates.

    Token values are N-Triples terms as bytes (``b"<iri>"``).
    """

    predicates: dict[bytes, int]
    classes: dict[bytes, int]  # class → distinct instances
    types: dict[bytes, list[bytes]]  # subject → its classes
    subjects: int
    entities: int  # distinct subjects in the URI space https://w3id.org/progkg/id/
    first_of_class: dict[bytes, bytes]  # class → its first instance in IRI order
    selected: dict[bytes, list[bytes]]  # chosen predicate → its lines


def index_lines(lines: list[bytes], selected: frozenset[bytes], uri_space: bytes) -> LineIndex:
    """One pass over sorted N-Triples lines (subject and predicate never hold a space)."""
    with _no_gc():
        return _index_lines(lines, selected, uri_space)


def _index_lines(lines: list[bytes], selected: frozenset[bytes], uri_space: bytes) -> LineIndex:
    type_token = _TYPE_TOKEN.strip()
    predicates: dict[bytes, int] = {}
    classes: dict[bytes, int] = {}
    types: dict[bytes, list[bytes]] = {}
    first: dict[bytes, bytes] = {}
    chosen: dict[bytes, list[bytes]] = {p: [] for p in selected}
    subjects = entities = 0
    previous = None
    get = predicates.get
    for line in lines:
        s, p, rest = line.split(b" ", 2)
        predicates[p] = get(p, 0) + 1
        if s != previous:
            subjects += 1
            if s.startswith(uri_space):
                entities += 1
            previous = s
        if p == type_token:
            o = rest[:-3]
            classes[o] = classes.get(o, 0) + 1
            bucket = types.get(s)
            if bucket is None:
                types[s] = [o]
            else:
                bucket.append(o)
            if o not in first:
                first[o] = s
        elif p in chosen:
            chosen[p].append(line)
    return LineIndex(predicates, classes, types, subjects, entities, first, chosen)


@dataclass
class Snapshot:
    """A graph as sorted, de-duplicated N-Triples lines, per named graph and as their union.

    ``graphs`` maps a graph token (``b"<iri>"``, ``b""`` for the default graph) to its lines;
    ``union`` holds the distinct triples of all graphs, sorted.
    """

    graphs: dict[bytes, list[bytes]] = field(default_factory=dict)
    union: list[bytes] = field(default_factory=list)
    _base: Snapshot | None = None  # the snapshot this one adds a few lines to (see with_graph)
    _added: list[bytes] = field(default_factory=list)  # the lines added to _base, sorted
    _indexes: dict = field(default_factory=dict)

    @cached_property
    def union_bytes(self) -> bytes:
        base = self._base
        if base is None:
            return b"".join(self.union)
        # Splice the added lines into the base's bytes instead of joining a million lines again.
        data = base.union_bytes
        parts: list[bytes] = []
        done = offset = 0
        for line in self._added:
            i = bisect.bisect_left(base.union, line)
            if i < len(base.union) and base.union[i] == line:
                continue
            end = offset + sum(map(len, base.union[done:i]))
            parts.append(data[offset:end])
            parts.append(line)
            done, offset = i, end
        parts.append(data[offset:])
        return b"".join(parts)

    def index(self, selected: frozenset[bytes] = frozenset()) -> LineIndex:
        """The :class:`LineIndex` of the union (computed once per choice of predicates)."""
        hit = self._indexes.get(selected)
        if hit is None:
            hit = self._indexes[selected] = index_lines(self.union, selected, b"<" + str(ID).encode())
        return hit

    def graph_names(self) -> list[str]:
        return sorted(g[1:-1].decode("utf-8") for g in self.graphs if g.startswith(b"<"))

    def count(self, graph: str) -> int:
        return len(self.graphs.get(b"<" + graph.encode("utf-8") + b">", ()))

    def without_graphs(self, graphs: Iterable[str]) -> Snapshot:
        """This snapshot without the named graphs ``graphs`` (their lines stay in the union when
        another graph also holds them)."""
        dropped = {b"<" + g.encode("utf-8") + b">" for g in graphs}
        kept = {token: lines for token, lines in self.graphs.items() if token not in dropped}
        union = [line for line, _ in itertools.groupby(heapq.merge(*kept.values()))]
        return Snapshot(kept, union)

    def with_graph(self, graph: str, other: Snapshot) -> Snapshot:
        """This snapshot plus ``other``'s triples placed in the named graph ``graph``."""
        token = b"<" + graph.encode("utf-8") + b">"
        if token in self.graphs:
            raise ProgkgError(
                f"the built graph already has a named graph {graph}, which the export keeps for the "
                "dataset description; rename the source that produces it"
            )
        graphs = dict(self.graphs)
        graphs[token] = other.union
        union: list[bytes] = []
        done = 0
        for line in other.union:
            i = bisect.bisect_left(self.union, line)
            union.extend(self.union[done:i])
            done = i
            if not (i < len(self.union) and self.union[i] == line):
                union.append(line)
        union.extend(self.union[done:])
        return Snapshot(graphs, union, _base=self, _added=other.union)


def read_dump(path: Path) -> Snapshot:
    """Read ``build/progkg.nq`` (sorted N-Quads written by the build) into a :class:`Snapshot`.

    The dump is sorted, so the triple lines come out sorted too (a quad line is its triple line
    with the graph inserted before the final `` .``, which does not change their order); the
    union is then the lines without consecutive repeats. An unsorted dump is sorted here.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProgkgError(f"no built graph: {path} is missing; run `progkg build` first") from None
    except OSError as exc:
        raise ProgkgError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with _no_gc():
        return _split_dump(raw, path)


def _split_dump(raw: bytes, path: Path) -> Snapshot:
    graphs: dict[bytes, list[bytes]] = {}
    union: list[bytes] = []
    previous = None
    append = union.append
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line:
            continue
        if line[-2:] != b" .":
            line = line.rstrip(b"\r \t")
            if line[-2:] != b" .":
                if not line:
                    continue
                raise ProgkgError(f"{path}:{number}: malformed N-Quads line: {line[:200]!r}")
        head, _, last = line[:-2].rpartition(b" ")
        # as split_quad_line (inlined: this loop runs once per quad): two spaces in head
        if last[:1] in (b"<", b"_") and b'"' not in last and head.find(b" ", head.find(b" ") + 1) > 0:
            triple = head + b" .\n"
            graph = last
        else:
            triple = line + b"\n"
            graph = b""
        bucket = graphs.get(graph)
        if bucket is None:
            bucket = graphs[graph] = []
        bucket.append(triple)
        if triple != previous:
            append(triple)
            previous = triple
    if not _is_sorted(union):
        union = _sorted_unique(union)
        graphs = {g: _sorted_unique(lines) for g, lines in graphs.items()}
    return Snapshot(graphs, union)


def snapshot_of(triples: Iterable[ox.Triple | ox.Quad]) -> Snapshot:
    """A one-graph snapshot (default graph) of a few triples, e.g. the dataset description."""
    lines = _sorted_unique(f"{ox.Triple(t.subject, t.predicate, t.object)} .\n".encode() for t in triples)
    return Snapshot({b"": lines}, lines)


# --- Prefixes and the JSON-LD context ------------------------------------------------------------


def context_path(res: paths.Resources | None = None) -> Path:
    return (res or paths.resources()).ontology / CONTEXT_FILE


def load_context(res: paths.Resources | None = None) -> dict:
    """The JSON-LD context document shipped in ``ontology/`` (its prefixes are the export's)."""
    path = context_path(res)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProgkgError(f"{path}: the JSON-LD context is missing") from None
    except json.JSONDecodeError as exc:
        raise ProgkgError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    ctx = doc.get("@context") if isinstance(doc, dict) else None
    if not isinstance(ctx, dict) or not all(isinstance(v, str) for v in ctx.values()):
        raise ProgkgError(f'{path}: expected {{"@context": {{prefix: namespace IRI, …}}}}')
    return doc


def prefixes_of(context: dict) -> dict[str, str]:
    """The prefix → namespace pairs of a context document, in a fixed order."""
    return {k: v for k, v in sorted(context["@context"].items()) if not k.startswith("@")}


# --- Renderers -----------------------------------------------------------------------------------


def _prefix_header(prefixes: dict[str, str]) -> bytes:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in prefixes.items()).encode()


def _strip_prefixes(text: bytes) -> bytes:
    """pyoxigraph's output without its own ``@prefix`` lines (their order is not ours)."""
    pos = 0
    while text.startswith(b"@prefix ", pos):
        pos = text.index(b"\n", pos) + 1
    return text[pos:]


def render_turtle(snap: Snapshot, prefixes: dict[str, str]) -> bytes:
    triples = ox.parse(snap.union_bytes, format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    # A blank line after each subject's block: " .\n" ends a statement (literals hold no raw newline).
    body = _strip_prefixes(body).replace(b" .\n", b" .\n\n").rstrip(b"\n")
    return _prefix_header(prefixes) + b"\n" + body + b"\n"


def _quad_lines(snap: Snapshot) -> list[bytes]:
    """N-Quads lines grouped by graph (graphs in order, then triples in order)."""
    out: list[bytes] = []
    for graph in sorted(snap.graphs):
        lines = snap.graphs[graph]
        if graph:
            suffix = b" " + graph + b" .\n"
            out.extend(line[:-3] + suffix for line in lines)
        else:
            out.extend(lines)
    return out


def render_trig(snap: Snapshot, prefixes: dict[str, str]) -> bytes:
    quads = b"".join(_quad_lines(snap))
    body = ox.serialize(
        ox.parse(quads, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG, prefixes=prefixes
    )
    # Blank lines between the subjects of a graph and after each graph block.
    body = _strip_prefixes(body).replace(b" .\n\t", b" .\n\n\t").replace(b"}\n", b"}\n\n").rstrip(b"\n")
    return _prefix_header(prefixes) + b"\n" + body + b"\n"


def render_ntriples(snap: Snapshot) -> bytes:
    return snap.union_bytes


def render_nquads(snap: Snapshot) -> bytes:
    return b"".join(sorted(_quad_lines(snap)))


class _Compactor:
    """IRI → compact IRI with the context's prefixes (longest namespace wins)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self._pairs = sorted(((iri, p) for p, iri in prefixes.items()), key=lambda x: (-len(x[0]), x[1]))
        self._cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        hit = self._cache.get(iri)
        if hit is not None:
            return hit
        out = iri
        for namespace, prefix in self._pairs:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if local and not local.startswith("//"):
                    out = f"{prefix}:{local}"
                break
        if len(self._cache) < 100_000:
            self._cache[iri] = out
        return out


def _node_value(term: ox.NamedNode | ox.BlankNode | ox.Literal, compact: _Compactor) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def render_jsonld(snap: Snapshot, context: dict) -> bytes:
    """The union as one JSON-LD document: the shipped context inline, one node object a subject."""
    return jsonld_document(snap.union_bytes, context)


def jsonld_document(ntriples: bytes, context: dict) -> bytes:
    """N-Triples (grouped by subject) as one compacted JSON-LD document with ``context`` inline:
    the export's, and each linked-data page's (:mod:`progkg.web`)."""
    compact = _Compactor(prefixes_of(context))
    nodes: list[str] = []
    node: dict | None = None
    subject = None
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        if triple.subject != subject:
            if node is not None:
                nodes.append(json.dumps(node, ensure_ascii=False))
            subject = triple.subject
            sid = compact(subject.value) if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
            node = {"@id": sid}
        assert node is not None
        obj = triple.object
        if triple.predicate.value == RDF_TYPE and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(compact(obj.value))
        else:
            node.setdefault(compact(triple.predicate.value), []).append(_node_value(obj, compact))
    if node is not None:
        nodes.append(json.dumps(node, ensure_ascii=False))
    head = (
        '{\n"@context": ' + json.dumps(context["@context"], ensure_ascii=False, indent=1) + ',\n"@graph": [\n'
    )
    return (head + ",\n".join(nodes) + "\n]\n}\n").encode("utf-8")


def render(fmt: Format, snap: Snapshot, context: dict) -> bytes:
    """``snap`` in ``fmt``; formats without named graphs get the union."""
    if fmt.name == "turtle":
        return render_turtle(snap, prefixes_of(context))
    if fmt.name == "trig":
        return render_trig(snap, prefixes_of(context))
    if fmt.name == "ntriples":
        return render_ntriples(snap)
    if fmt.name == "nquads":
        return render_nquads(snap)
    if fmt.name == "jsonld":
        return render_jsonld(snap, context)
    raise ProgkgError(f"unknown export format {fmt.name!r}")


# --- Writing -------------------------------------------------------------------------------------


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half-written)."""
    try:
        with st.atomic_output(path) as tmp:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except OSError as exc:
        raise ProgkgError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def emit(data: bytes, out: Path | None) -> None:
    """Write to ``out`` atomically, or to standard output when ``out`` is None."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomically(out, data)


def checksum(data: bytes) -> tuple[int, str]:
    """``(byte size, SHA-256 hex digest)`` of a distribution's bytes."""
    return len(data), hashlib.sha256(data).hexdigest()


def normalise_base_url(url: str) -> str:
    """An absolute http(s) URL ending with ``/``, under which the files are published."""
    if not re.match(r"^https?://[^/\s]+", url) or any(c.isspace() for c in url):
        raise ProgkgError(f"--base-url {url!r}: expected an absolute http:// or https:// URL")
    return url if url.endswith("/") else url + "/"


# --- The export as a whole -----------------------------------------------------------------------


@dataclass
class Export:
    """Everything an export needs, read and checked once: the data, its description, the context."""

    data: Snapshot
    context: dict
    description: Snapshot  # without sizes and checksums (what every data file carries)
    describe: Callable[[dict[str, tuple[int, str]] | None], Snapshot]

    @cached_property
    def full(self) -> Snapshot:
        return self.data.with_graph(CATALOG_GRAPH, self.description)

    def render(self, fmt: Format) -> bytes:
        return render(fmt, self.full, self.context)

    def catalog(self, sizes: dict[str, tuple[int, str]] | None) -> Snapshot:
        """The description alone, with the byte sizes and checksums of ``sizes`` when given."""
        return self.describe(sizes)


def read_checked(build_dir: Path, progress: Progress = _quiet) -> Snapshot:
    """The built graph's lines, once the privacy gate has let them through (else exit 1)."""
    from progkg import privacy
    from progkg.build import ensure_dump

    st.open_store(build_dir)  # a clear "run progkg build first" when there is no build
    ensure_dump(build_dir, progress)  # the dump the published store was built with
    progress(f"export: reading {build_dir / st.DUMP_FILE}")
    data = read_dump(build_dir / st.DUMP_FILE)
    progress(f"export: {len(data.union)} triples in {len(data.graphs)} graphs; checking privacy")
    privacy.enforce(privacy.check(data))
    return data


def prepare(
    build_dir: Path,
    *,
    base_url: str = DEFAULT_BASE_URL,
    config: Path | None = None,
    res: paths.Resources | None = None,
    progress: Progress = _quiet,
    without_odbl: bool = False,
) -> Export:
    """Read the built graph, describe it, and pass it through the privacy gate.

    ``without_odbl`` leaves out the named graphs whose sources are under the ODbL (ONISEP's
    formation sheets): share-alike would otherwise put the whole file under the ODbL.

    Raises :class:`ProgkgError` (exit 1) when the gate refuses, before anything is written.
    """
    from progkg import dcat, privacy

    res = res or paths.resources()
    base_url = normalise_base_url(base_url)
    context = load_context(res)
    data = read_checked(build_dir, progress)
    store = st.open_store(build_dir)
    odbl = dcat.odbl_graphs(store, data.graph_names())
    if odbl and without_odbl:
        data = data.without_graphs(odbl)
        progress(f"export: left out, under the ODbL: {', '.join(odbl)}")
    elif odbl:
        progress(
            f"export: warning: {', '.join(odbl)} {'is' if len(odbl) == 1 else 'are'} under the ODbL "
            "(share-alike): the files are published under the ODbL; --without-odbl leaves "
            f"{'it' if len(odbl) == 1 else 'them'} out"
        )
    config_path = config or dcat.config_path(res)
    settings = dcat.load_config(config_path)
    progress("export: describing the dataset (DCAT-AP, VoID)")
    facts = dcat.gather(store, data)

    def describe(sizes: dict[str, tuple[int, str]] | None) -> Snapshot:
        return snapshot_of(dcat.describe(settings, facts, base_url=base_url, sizes=sizes))

    description = describe(None)
    privacy.enforce(privacy.check(description), where=str(config_path))
    for warning in dcat.config_warnings(settings):
        progress(f"export: warning: {warning}")
    return Export(data=data, context=context, description=description, describe=describe)


def export_all(
    export: Export,
    out_dir: Path,
    progress: Progress = _quiet,
    extra: dict[str, str] | None = None,
) -> dict[str, tuple[int, str]]:
    """Write every format and ``catalog.ttl`` (with their sizes and checksums) into ``out_dir``,
    and the ``extra`` files given by name (the vocabulary reference, beside the data it
    describes).

    Files are first written under temporary names and renamed only once all are ready, so a
    failure leaves no new file behind.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise ProgkgError(f"{out_dir}: is a file; --all-formats writes several files into a folder")
    sizes: dict[str, tuple[int, str]] = {}
    pending: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in FORMATS.values():
            progress(f"export: writing {fmt.file_name}")
            data = export.render(fmt)
            sizes[fmt.name] = checksum(data)
            pending.append(_write_temp(out_dir / fmt.file_name, data))
        catalog = render(FORMATS["turtle"], export.catalog(sizes), export.context)
        pending.append(_write_temp(out_dir / CATALOG_FILE, catalog))
        for name, text in sorted((extra or {}).items()):
            pending.append(_write_temp(out_dir / name, text.encode("utf-8")))
        for tmp, final in pending:
            os.replace(tmp, final)
        pending = []
    except OSError as exc:
        raise ProgkgError(f"{out_dir}: cannot write: {exc.strerror or exc}") from exc
    finally:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
    return sizes


def _write_temp(final: Path, data: bytes) -> tuple[Path, Path]:
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp, final


def distribution_sizes(export: Export, progress: Progress = _quiet) -> dict[str, tuple[int, str]]:
    """Sizes and checksums of the files ``export_all`` writes, computed without writing them.

    Exports are deterministic, so the files ``progkg export --format F`` (or ``--all-formats``)
    writes from the same build have exactly these sizes and SHA-256 digests.
    """
    sizes = {}
    for fmt in FORMATS.values():
        progress(f"export: measuring {fmt.file_name}")
        sizes[fmt.name] = checksum(export.render(fmt))
    return sizes


def write_files(files: dict[Path, bytes]) -> None:
    """Write several files all or nothing: temporary names first, renamed once all are written."""
    pending: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            pending.append(_write_temp(path, data))
        for tmp, final in pending:
            os.replace(tmp, final)
        pending = []
    except OSError as exc:
        raise ProgkgError(f"{exc.filename or ''}: cannot write: {exc.strerror or exc}") from exc
    finally:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)


def export_schema(
    build_dir: Path, out: Path | None, folder: bool = False, progress: Progress = _quiet
) -> list[Path]:
    """schema.org documents of every programme: one ``@graph`` file (or stdout), or a folder.

    ``out`` is a folder when ``folder`` is true or when it already is one.
    """
    from progkg import schema_org

    read_checked(build_dir, progress)
    store = st.open_store(build_dir)
    progress("export: writing schema.org EducationalOccupationalProgram documents")
    docs = schema_org.documents(store)
    if out is not None and (folder or out.is_dir()):
        files = {
            out / schema_org.file_name(doc["@id"]): schema_org.dumps(schema_org.standalone(doc))
            for doc in docs
        }
        write_files(files)
        return sorted(files)
    emit(schema_org.dumps(schema_org.as_graph(docs)), out)
    return [out] if out else []


def run(
    build_dir: Path,
    *,
    fmt: str | None = None,
    out: Path | None = None,
    base_url: str = DEFAULT_BASE_URL,
    catalog: bool = False,
    all_formats: bool = False,
    profile: str | None = None,
    folder: bool = False,
    config: Path | None = None,
    res: paths.Resources | None = None,
    progress: Progress = _quiet,
    without_odbl: bool = False,
) -> None:
    """What ``progkg export`` does, option by option (the CLI checks their combinations).

    ``folder`` says that ``out`` names a folder (the user wrote it with a trailing ``/``).
    """
    if profile == "schema":
        export_schema(build_dir, out, folder, progress)
        return
    if profile is not None:
        raise ProgkgError(f"unknown profile {profile!r} (expected: schema)")
    export = prepare(
        build_dir, base_url=base_url, config=config, res=res, progress=progress, without_odbl=without_odbl
    )
    if all_formats:
        if out is None:
            raise ProgkgError("--all-formats needs --out DIR")
        res = res or paths.resources()
        from progkg.vocabdoc import render as vocabulary

        pages = vocabulary(res.ontology_file, res.shapes_file, sorted((res.data / "seeds").glob("*.ttl")))
        export_all(export, out, progress, extra=pages)
        progress(
            f"export: wrote {len(FORMATS)} files, {CATALOG_FILE} and the vocabulary reference "
            f"({', '.join(sorted(pages))}) into {out}"
        )
        return
    chosen = FORMATS[fmt or "turtle"]
    if catalog:
        sizes = distribution_sizes(export, progress)
        emit(render(chosen, export.catalog(sizes), export.context), out)
        return
    progress(f"export: writing {chosen.title}" + (f" to {out}" if out else ""))
    emit(export.render(chosen), out)

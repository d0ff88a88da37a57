"""`progkg build`: ontology + curated data + imported releases → the embedded store.

Every source goes into its own named graph (DESIGN.md, "Every fact knows where it came
from"):

* ``ontology/progkg.ttl`` → ``https://w3id.org/progkg/graph/ontology``
* ``data/<path>.ttl`` → ``https://w3id.org/progkg/graph/<path>`` (e.g. ``graph/seeds/rncp24759``)
* ``data/mappings/<name>.sssom.tsv`` → ``https://w3id.org/progkg/graph/mappings/<name>``
* ``build/imports/<kind>.nq`` (written by ``progkg import``) → the graphs named inside it

The new store is written beside the old one and published atomically
(:mod:`progkg.store`), and ``build/progkg.nq`` is a sorted N-Quads dump of it (every line in
bytewise order, whatever graph it is in), so that building twice gives the same bytes.

Why no in-memory copy of the graph: the build used to load every source twice, into an
in-memory twin (checks, counts, the dump) and into the on-disk store: 5.2 GB at 5e6 triples.
Now the on-disk store is the only store. Each source is also written as sorted parts, one file
per named graph (:mod:`progkg.parts`, ``build/parts/<store>/``), from which the dump is merged
and the counts read, in memory bounded by a chunk, not by the graph.

Why an import does not rebuild everything: an import of a kind changes only the graphs named
in its file (and the derived graphs). When every other source is as the published build saw
it (``manifest.json`` beside the parts records each source's fingerprint), the import copies
the published store (a RocksDB checkpoint: hard links), compares its graphs' old sorted parts
with the new ones and removes/adds only the quads that differ, recomputes the derived graphs
the same way, merges the dump from the parts (the other sources' parts are hard links) and
publishes. It never reads the other imports. When many quads go (removing is ~6× slower per
quad than bulk-loading), the new store is bulk-loaded from the parts instead. When anything
else changed (a curated file edited, another import's file replaced), it falls back to a full
build, which gives the same store and dump.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import shutil
import threading
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from progkg import consistency
from progkg import parts as pt
from progkg import store as st
from progkg.errors import ProgkgError
from progkg.iris import DERIVED_GRAPHS
from progkg.namespaces import GRAPH
from progkg.paths import Resources
from progkg.rdfio import read_rdf

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Source:
    """One input of the build: a file and the named graph it goes into."""

    kind: str  # "ontology" | "curated" | "mapping" | "import"
    path: Path
    graph: str | None  # None: the file names its own graphs (N-Quads imports)
    display: str
    #: What identifies the source from one build to the next (:func:`source_key`) when its
    #: path does not say it: an import's temporary file standing for ``imports/<kind>.nq``.
    key: str | None = None


@dataclass
class BuildReport:
    """What a build produced: triples per named graph, and where."""

    triples_per_graph: dict[str, int] = field(default_factory=dict)
    #: Triples of the derived graphs (``graph/derived/…``), in the store but not in the dump.
    derived_triples: int = 0
    store: Path | None = None
    dump: Path | None = None

    @property
    def total(self) -> int:
        return sum(self.triples_per_graph.values())


def graph_for_data_file(data_dir: Path, path: Path) -> str:
    """The named graph IRI of a curated file: its path under ``data/`` without suffix."""
    rel = path.relative_to(data_dir).as_posix()
    for suffix in (".sssom.tsv", ".ttl"):
        if rel.endswith(suffix):
            rel = rel[: -len(suffix)]
            break
    return str(GRAPH) + rel


def discover_sources(res: Resources, build: Path) -> list[Source]:
    """Every input of a build, in a fixed order."""
    if not res.ontology_file.is_file():
        raise ProgkgError(f"{res.ontology_file}: the ontology file is missing")
    sources = [Source("ontology", res.ontology_file, str(GRAPH) + "ontology", _show(res, res.ontology_file))]
    if res.data.is_dir():
        for path in sorted(res.data.rglob("*")):
            if not path.is_file() or any(part.startswith(".") for part in path.relative_to(res.data).parts):
                continue
            if path.name.endswith(".ttl"):
                kind = "curated"
            elif path.name.endswith(".sssom.tsv"):
                kind = "mapping"
            else:
                continue
            sources.append(Source(kind, path, graph_for_data_file(res.data, path), _show(res, path)))
    imports = build / st.IMPORTS_DIR
    if imports.is_dir():
        for path in sorted(imports.glob("*.nq")):
            sources.append(Source("import", path, None, str(path)))
    return sources


def _show(res: Resources, path: Path) -> str:
    try:
        return path.relative_to(res.root).as_posix() if res.in_checkout else path.as_posix()
    except ValueError:
        return str(path)


def read_source(source: Source) -> list[ox.Quad]:
    """The quads of one source (raises :class:`ProgkgError` naming file and line)."""
    if source.kind == "mapping":
        from progkg.linking.sssom import read_sssom_quads

        return read_sssom_quads(source.path, source.graph, display=source.display)
    return read_rdf(source.path, source.graph, display=source.display)


# --- Sources and their parts -----------------------------------------------------------------

#: Changes when parts written by older code must not be reused.
PARTS_VERSION = 1
MANIFEST = "manifest.json"
DERIVED_KEY = "derived"
ROME_GRAPH = str(GRAPH) + "rome"


def source_key(source: Source) -> str:
    """What identifies a source from one build to the next: an import by its kind, a file by
    its graph."""
    if source.key is not None:
        return source.key
    if source.kind == "import":
        return f"import:{source.path.name.removesuffix('.nq')}"
    return f"{source.kind}:{source.graph}"


def fingerprint(source: Source) -> str:
    """Whether a source is as a previous build saw it: an import file by size and modification
    time (hundreds of MB, rewritten only by its import; the import's temporary file keeps them
    when it is renamed into place), any other file by its content's hash."""
    try:
        if source.kind == "import":
            info = source.path.stat()
            return f"v{PARTS_VERSION}:{info.st_size}:{info.st_mtime_ns}"
        return f"v{PARTS_VERSION}:sha256:{hashlib.sha256(source.path.read_bytes()).hexdigest()}"
    except OSError as exc:
        raise ProgkgError(f"{source.display}: cannot read: {exc.strerror or exc}") from None


def _stem(key: str) -> str:
    return key.split(":", 1)[0] + "-" + hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass
class SourceParts:
    """A source's sorted parts in a parts folder, and the fingerprint they were made from."""

    key: str
    fingerprint: str
    parts: list[pt.GraphPart]


@dataclass
class Manifest:
    """``parts/<store>/manifest.json``: the sources a published store was built from."""

    sources: list[SourceParts]
    derived: list[pt.GraphPart]
    #: The dump made with these parts: its inode and size (:func:`ensure_dump`).
    dump: tuple[int, int] | None = None

    def to_json(self) -> str:
        def graph_parts(items: list[pt.GraphPart]) -> list[list[object]]:
            return [[p.graph, p.file, p.count] for p in items]

        return json.dumps(
            {
                "version": PARTS_VERSION,
                "sources": [
                    {"key": s.key, "fingerprint": s.fingerprint, "parts": graph_parts(s.parts)}
                    for s in self.sources
                ],
                "derived": graph_parts(self.derived),
                "dump": list(self.dump) if self.dump else None,
            },
            indent=1,
            ensure_ascii=False,
        )

    @staticmethod
    def read(folder: Path | None) -> Manifest | None:
        """The manifest in ``folder``, or None when there is none usable (then: a full build)."""
        if folder is None:
            return None
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if data.get("version") != PARTS_VERSION:
                return None

            def graph_parts(items: list[list[object]]) -> list[pt.GraphPart]:
                return [pt.GraphPart(str(g), str(f), int(c)) for g, f, c in items]  # type: ignore[call-overload]

            dump = data.get("dump")
            return Manifest(
                [SourceParts(s["key"], s["fingerprint"], graph_parts(s["parts"])) for s in data["sources"]],
                graph_parts(data["derived"]),
                (int(dump[0]), int(dump[1])) if dump else None,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def total(self) -> int:
        """Quads of the store: every part's, the derived graphs' too."""
        return sum(p.count for s in self.sources for p in s.parts) + sum(p.count for p in self.derived)

    def entry(self, key: str) -> SourceParts | None:
        return next((s for s in self.sources if s.key == key), None)


def _counts(folder: Path, sources: list[SourceParts]) -> dict[str, int]:
    """Triples per named graph (the default graph is not counted), in graph order."""
    by_graph: dict[str, list[pt.GraphPart]] = {}
    for source in sources:
        for part in source.parts:
            if part.graph:
                by_graph.setdefault(part.graph, []).append(part)
    counts = {}
    for graph, items in sorted(by_graph.items()):
        if len(items) == 1:
            counts[graph] = items[0].count
        else:  # two sources in one graph: a quad both hold counts once
            counts[graph] = pt.merge([folder / p.file for p in items], Path(os.devnull))
    return counts


def _dump(folder: Path, sources: list[SourceParts], path: Path) -> None:
    pt.merge_to([folder / p.file for s in sources for p in s.parts], path)


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_ino, info.st_size


def ensure_dump(build_dir: Path, progress: Progress = _quiet) -> None:
    """Write ``build/progkg.nq`` again from the published store's parts when it is not the dump
    that store was published with (a build killed between publishing the store and renaming
    its dump, a dump deleted, a build folder copied file by file). Validation and the export
    read the dump: this keeps them reading the graph the store answers with.

    Left as it is while another process writes the build (it publishes a dump of its own), and
    for a build older than this check (its manifest records no dump)."""
    folder = st.published_parts(build_dir)
    manifest = Manifest.read(folder)
    if folder is None or manifest is None or manifest.dump is None:
        return
    dump = build_dir / st.DUMP_FILE

    def in_step() -> bool:
        try:
            return _identity(dump) == manifest.dump
        except FileNotFoundError:
            return False

    if in_step() or not all(_has_parts(s, folder) for s in manifest.sources):
        return
    try:
        with st.write_lock(build_dir, "dump"):
            if st.published_parts(build_dir) != folder or in_step():
                return
            progress(f"{dump} is not the dump of the published store: writing it again from its parts")
            with st.atomic_output(dump) as tmp:
                _dump(folder, manifest.sources, tmp)
                manifest.dump = _identity(tmp)
                st.atomic_write(folder / MANIFEST, manifest.to_json().encode("utf-8"))
    except st.BuildBusy:  # another process is writing the build: it publishes a dump of its own
        return


def _link_parts(source: SourceParts, old: Path, new: Path) -> None:
    for part in source.parts:
        os.link(old / part.file, new / part.file)


def _has_parts(source: SourceParts | None, folder: Path) -> bool:
    return source is not None and all((folder / p.file).is_file() for p in source.parts)


# --- Building ----------------------------------------------------------------------------


def build(
    res: Resources,
    build_dir: Path,
    progress: Progress = _quiet,
    replace_import: tuple[str, Path] | None = None,
) -> BuildReport:
    """Build the store and publish it atomically.

    ``replace_import=(kind, path)`` builds with ``path`` standing for
    ``build/imports/<kind>.nq`` and, once the new store is published, moves it there: this
    is how an import replaces the previous import of the same kind as a whole, leaving
    everything untouched when anything fails. Such a build changes only the kind's graphs and
    the derived graphs of the published store when it can (module docstring), else it builds
    everything.
    """
    with st.write_lock(build_dir, "import" if replace_import else "build"):
        sources = discover_sources(res, build_dir)
        new_source: Source | None = None
        if replace_import:
            kind, new_path = replace_import
            target = build_dir / st.IMPORTS_DIR / f"{kind}.nq"
            sources = [s for s in sources if s.path != target]
            new_source = Source("import", new_path, None, f"{kind} import", key=f"import:{kind}")
            sources.append(new_source)
        previous_folder = st.published_parts(build_dir)
        previous = Manifest.read(previous_folder)
        report = None
        if new_source is not None and previous is not None and previous_folder is not None:
            report = _import_in_place(build_dir, sources, new_source, previous_folder, previous, progress)
        if report is None:
            report = _build_all(build_dir, sources, previous_folder, previous, progress)
        if replace_import:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new_path, target)
        return report


def _build_all(
    build_dir: Path,
    sources: list[Source],
    previous_folder: Path | None,
    previous: Manifest | None,
    progress: Progress,
) -> BuildReport:
    """Every source into a new store, with its parts; an import file whose parts the published
    build already made (same fingerprint) is not sorted again."""
    report = BuildReport()
    folder = st.new_store_dir(build_dir)
    parts_folder = st.parts_dir(build_dir, folder)
    parts_folder.mkdir(parents=True)
    loader: _DiskLoader | None = None
    try:
        loader = _DiskLoader(ox.Store(str(folder)))
        loader.start()
        # The imports are the big part: the on-disk store starts on them at once, while the
        # main thread parses the curated files.
        for source in sources:
            if source.kind == "import":
                loader.load_file(source.path)
        entries: dict[str, SourceParts] = {}
        functional: set[str] = set()
        functional_quads: list[tuple[str, Path, list[ox.Quad]]] = []
        rome_quads: list[tuple[str, Path, list[ox.Quad]]] = []
        for source in sources:
            if source.kind == "import":
                continue
            key = source_key(source)
            quads = read_source(source)
            if source.kind == "ontology":
                functional |= consistency.functional_properties(quads)
            else:
                # Only what the checks need is kept: quads of functional properties, quads
                # naming a ROME code (the curated files may be large).
                functional_quads.append(
                    (source.display, source.path, [q for q in quads if q.predicate.value in functional])
                )
                rome_quads.append((source.display, source.path, [q for q in quads if _names_rome(q)]))
            loader.extend(quads)
            writer = pt.PartWriter(parts_folder, _stem(key))
            writer.add_quads(quads)
            entries[key] = SourceParts(key, fingerprint(source), writer.finish())
            progress(f"  {source.display}: {len(quads)} triples")
            del quads
        consistency.check_functional(functional_quads, functional)
        for source in sources:
            if source.kind != "import":
                continue
            key = source_key(source)
            mark = fingerprint(source)
            old = previous.entry(key) if previous is not None else None
            if (
                old is not None
                and previous_folder is not None
                and old.fingerprint == mark
                and _has_parts(old, previous_folder)
            ):
                _link_parts(old, previous_folder, parts_folder)
                entries[key] = old
            else:
                writer = pt.PartWriter(parts_folder, _stem(key))
                try:
                    writer.add_file(source.path, source.display)
                    made = writer.finish()
                finally:
                    writer.abandon()
                entries[key] = SourceParts(key, mark, made)
            progress(f"  {source.display}: {sum(p.count for p in entries[key].parts)} quads")
        ordered = [entries[source_key(s)] for s in sources]

        def loaded_store() -> ox.Store:
            loader.sync()  # type: ignore[union-attr]
            _release_free_memory()  # before the derived graphs read it: the build's peak
            return loader.store  # type: ignore[union-attr,return-value]

        # Derived data (search keys, similarity features) go into the published store only:
        # not into the dump, which is what the export publishes and validation reads. Computed
        # from the parts while the on-disk store is still loading, when they fit in memory.
        derived_parts = _derived_parts(loaded_store, parts_folder, ordered)
        consistency.check_rome_references(
            rome_quads, consistency.rome_codes_in_store(loaded_store(), ROME_GRAPH)
        )
        del functional_quads, rome_quads
        loader.load_file(parts_folder / derived_parts[0].file)
        report.derived_triples = sum(p.count for p in derived_parts)
        progress(f"  derived (search index, similarity, ROME preparation): {report.derived_triples} quads")
        report.triples_per_graph.update(_counts(parts_folder, ordered))
        _publish(build_dir, folder, parts_folder, Manifest(ordered, derived_parts), loader.finish, report)
        loader = None
    except BaseException:
        if loader is not None:
            loader.abandon()
        _discard(build_dir, folder, parts_folder)
        raise
    return report


def _discard(build_dir: Path, folder: Path, parts_folder: Path) -> None:
    """Remove a new store and its parts after a failure, unless it was published already (an
    interruption between publishing the store and renaming the dump: the store stands, and
    :func:`ensure_dump` writes the dump that goes with it)."""
    link = st.store_path(build_dir)
    if link.exists() and link.resolve() == folder.resolve():
        return
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(parts_folder, ignore_errors=True)


def _release_free_memory() -> None:
    """Hand the memory freed by the sorting back to the system (glibc keeps freed heap pages
    otherwise, and the derived graphs are computed on top of them); nothing elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _names_rome(quad: ox.Quad) -> bool:
    return any(
        isinstance(t, ox.NamedNode) and t.value.startswith(consistency.ROME_PREFIX)
        for t in (quad.subject, quad.object)
    )


#: An import recomputes the search index of the nodes it touches only (their lines, and the
#: others' from the previous build) when it adds and removes at most this many lines and the
#: nodes whose lines may change are at most INCREMENTAL_INDEX_MAX_NODES (node by node costs
#: more than a whole pass beyond that).
INCREMENTAL_INDEX_MAX_LINES = 2_000_000
INCREMENTAL_INDEX_MAX_NODES = 250_000
#: An import compacts the store (``optimize``) when what it adds and removes is more than
#: 1/COMPACT_SHARE of the store's quads.
COMPACT_SHARE = 10


def _changed_nodes(files: list[Path]) -> set[str]:
    """The IRIs that are subjects or objects of the quads in ``files`` (N-Quads)."""
    nodes: set[str] = set()
    for path in files:
        if path.exists() and path.stat().st_size:
            with open(path, "rb") as fh:
                for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
                    for term in (quad.subject, quad.object):
                        if isinstance(term, ox.NamedNode):
                            nodes.add(term.value)
    return nodes


#: The derived graphs are computed on an in-memory store holding only the quads they read
#: (:func:`_projection`) when those are at most this many lines: ~440,000 lines and ~250 MB for
#: the national graph (~550 bytes a line). Beyond, on the on-disk store itself, which bounds
#: the memory (the generated 5e6 graph has 1.46M such lines: in memory, its build peaked at
#: 2.6 GB): reading a quad there costs ~10 µs (its strings are looked up on disk), 2–3× more.
PROJECTION_MAX_LINES = 1_000_000


@dataclass(frozen=True)
class Reads:
    """What the derived graphs are computed from (each module says what it reads)."""

    properties: frozenset[str]
    types: frozenset[str]  # the classes whose rdf:type quads are read
    unread_alternatives: tuple[str, ...]  # the IRI prefixes whose skos:altLabel is not read


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"


def derive_reads() -> Reads:
    """What :func:`derive_nquads` reads: the union of what its three modules say they read."""
    from progkg import prepares, search, similarity

    return Reads(
        search.READS | similarity.READS | prepares.READS,
        search.READS_TYPES | similarity.READS_TYPES | prepares.READS_TYPES,
        search.UNINDEXED_ALTERNATIVES,
    )


def _projection(files: list[Path], folder: Path) -> ox.Store | None:
    """An in-memory store of the lines of ``files`` (sorted parts) that the derived graphs read
    (:func:`derive_reads`), or None when there are more than :data:`PROJECTION_MAX_LINES`.

    Why: the search index reads every label, code and type of the graph, and the on-disk store
    gives them at ~10 µs a quad (10.6 s for the national graph's index, against 4.8 s in
    memory); the parts hold the same quads as text, and picking the lines by their property
    (and class, and subject for ESCO's skill synonyms) is a few string comparisons. The lines
    are picked into a file first and loaded only when they fit, so that a graph too large for
    the projection costs one read of its parts, no memory."""
    reads = derive_reads()
    wanted = {f"<{p}>".encode() for p in reads.properties}
    types = {f"<{c}>".encode() for c in reads.types}
    type_, alt = f"<{RDF_TYPE}>".encode(), f"<{SKOS_ALT_LABEL}>".encode()
    unread = tuple(f"<{prefix}".encode() for prefix in reads.unread_alternatives)
    picked = folder / ".projection.tmp"
    try:
        count = 0
        with open(picked, "wb", buffering=1 << 20) as out:
            for path in files:
                with open(path, "rb") as fh:
                    for line in fh:
                        subject, predicate, obj, _ = line.split(b" ", 3)
                        if predicate not in wanted:
                            continue
                        if predicate == type_ and obj not in types:
                            continue
                        if predicate == alt and subject.startswith(unread):
                            continue
                        out.write(line)
                        count += 1
                if count > PROJECTION_MAX_LINES:
                    return None
        store = ox.Store()
        bulk_load_file(store, picked)
        return store
    finally:
        picked.unlink(missing_ok=True)


def _derived_parts(
    read_store: Callable[[], ox.Store],
    folder: Path,
    sources: list[SourceParts],
    previous: Path | None = None,
    changed: set[str] | None = None,
) -> list[pt.GraphPart]:
    """Compute the derived graphs (:func:`derive_nquads`) into one sorted part.

    Computed on the projection of the sources' parts (:func:`_projection`) when it fits, else
    on the store ``read_store`` gives (once it is loaded): the same quads, the same lines.
    Written to a file as each piece is computed, never held whole: the search index alone is
    1 GB of N-Quads at 5e6 triples. The lines are not brought to Oxigraph's canonical form like
    the sources' parts (that cost seconds): they are not dumped, and compared only with lines
    the same code wrote; a line gone is parsed back into its quad to remove it from the store."""
    files = [folder / part.file for source in sources for part in source.parts]
    view = _projection(files, folder) or read_store()
    raw = folder / ".derived.tmp"
    name = DERIVED_KEY + ".nq"
    try:
        with open(raw, "wb") as fh:
            _write_derived(view, fh, previous, changed)
        del view
        return [pt.GraphPart(DERIVED_GRAPHS, name, pt.sort_file(raw, folder / name))]
    finally:
        raw.unlink(missing_ok=True)


def _write_derived(
    store: ox.Store, out: BinaryIO, previous: Path | None = None, changed: set[str] | None = None
) -> None:
    """The derived graphs' lines (unsorted) into ``out``, piece by piece: the similarity features
    and the ROME preparation, then the search index, in whole or, given the previous build's
    part and the nodes an import changed, in part (:func:`_write_index_incrementally`)."""
    from progkg.graphwalk import Links
    from progkg.prepares import prepares_quads
    from progkg.search import index_nquads
    from progkg.similarity import feature_quads

    links = Links(store)
    small = feature_quads(store, links) + prepares_quads(store, links)
    del links
    out.write(ox.serialize(small, format=ox.RdfFormat.N_QUADS))
    del small
    if previous is not None and changed is not None:
        _write_index_incrementally(store, out, previous, changed)
    else:
        out.write(index_nquads(store))


def _write_index_incrementally(store: ox.Store, out: BinaryIO, previous: Path, changed: set[str]) -> None:
    """The search index as :func:`progkg.search.index_nquads` gives it, from the previous
    build's lines of the nodes untouched and the lines of the others computed again."""
    from progkg.search import SEARCH_GRAPH, affected_nodes, index_nquads, index_nquads_for

    affected = affected_nodes(store, changed)
    if len(affected) > INCREMENTAL_INDEX_MAX_NODES:
        out.write(index_nquads(store))
        return
    tail = f" <{SEARCH_GRAPH}> .\n".encode()
    with open(previous, "rb") as fh:
        for line in fh:
            if line.endswith(tail) and line[1 : line.index(b">")].decode("utf-8") not in affected:
                out.write(line)
    out.write(index_nquads_for(store, affected))


def _publish(
    build_dir: Path,
    folder: Path,
    parts_folder: Path,
    manifest: Manifest,
    close_store: Callable[[Path], None],
    report: BuildReport,
) -> None:
    """Write the dump and the manifest, close the store, publish the store, then the dump.

    The store and the dump are published by two renames: the manifest records the new dump's
    inode and size (a rename keeps them), so that a process killed between the two leaves a
    dump that :func:`ensure_dump` knows to be out of step, and writes again."""
    dump = build_dir / st.DUMP_FILE
    with st.atomic_output(dump) as tmp:
        _dump(parts_folder, manifest.sources, tmp)
        manifest.dump = _identity(tmp)
        (parts_folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        close_store(folder)
        st.publish_store(build_dir, folder)
    report.store = st.store_path(build_dir)
    report.dump = dump


def _import_in_place(
    build_dir: Path,
    sources: list[Source],
    new_source: Source,
    previous_folder: Path,
    previous: Manifest,
    progress: Progress,
) -> BuildReport | None:
    """Replace one import's graphs in a copy of the published store (module docstring); None
    when that cannot be done (then the caller builds everything)."""
    key = source_key(new_source)
    current = {source_key(s): s for s in sources}
    others = {k: fingerprint(s) for k, s in current.items() if k != key}
    if others != {s.key: s.fingerprint for s in previous.sources if s.key != key} or not all(
        _has_parts(s, previous_folder) for s in previous.sources
    ):
        progress("  sources changed since the last build: rebuilding everything")
        return None
    old = previous.entry(key)
    report = BuildReport()
    folder = st.new_store_dir(build_dir)
    parts_folder = st.parts_dir(build_dir, folder)
    parts_folder.mkdir(parents=True)
    store: ox.Store | None = None
    background = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="progkg-store")
    worker: futures.Future[ox.Store] | None = None
    try:
        writer = pt.PartWriter(parts_folder, _stem(key))
        try:
            writer.add_file(new_source.path, new_source.display)
            new = SourceParts(key, fingerprint(new_source), writer.finish())
        finally:
            writer.abandon()
        graphs = {p.graph for p in new.parts} | {p.graph for p in (old.parts if old else [])}
        shared = graphs & {p.graph for s in previous.sources if s.key != key for p in s.parts}
        if shared:
            progress(f"  {', '.join(sorted(shared))} also written by another source: rebuilding everything")
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(parts_folder, ignore_errors=True)
            return None
        ordered = []
        for source in sources:
            k = source_key(source)
            if k == key:
                ordered.append(new)
            else:
                entry = previous.entry(k)
                assert entry is not None
                _link_parts(entry, previous_folder, parts_folder)
                ordered.append(entry)
        changes = _changes(previous_folder, old.parts if old else [], parts_folder, new.parts, "import")
        quads = sum(p.count for p in new.parts)
        progress(f"  {new_source.display}: {quads} quads, {changes.came} new, {changes.gone} gone")
        total = previous.total()
        fresh = changes.gone > FRESH_MIN_REMOVED and changes.gone * REMOVE_COST > total
        if fresh:
            progress("  many quads gone: loading the new store from the sorted parts")

        def new_store() -> ox.Store:
            if fresh:  # removing is slow (a transaction per quad): the new store from the parts
                loaded = ox.Store(str(folder))
                for entry in ordered:
                    for part in entry.parts:
                        bulk_load_file(loaded, parts_folder / part.file)
                return loaded
            copied = st.copy_store(build_dir, folder)
            changes.apply(copied)
            return copied

        # The store is changed on one core while the derived graphs are computed on the other
        # (from the parts: they need the store only when they do not fit in memory; Oxigraph's
        # loads release the GIL).
        worker = background.submit(new_store)
        incremental = not fresh and 0 < changes.came + changes.gone <= INCREMENTAL_INDEX_MAX_LINES
        changed = _changed_nodes([changes.removed, changes.added]) if incremental else None
        unchanged = changes.came == 0 and changes.gone == 0
        if unchanged:  # the same graph: the same derived graphs, not computed again
            derived_parts = previous.derived
            _link_parts(SourceParts(DERIVED_KEY, "", derived_parts), previous_folder, parts_folder)
        elif changed is not None and len(previous.derived) == 1:
            previous_part = previous_folder / previous.derived[0].file
            derived_parts = _derived_parts(worker.result, parts_folder, ordered, previous_part, changed)
        else:
            derived_parts = _derived_parts(worker.result, parts_folder, ordered)
        store = worker.result()
        changes.discard()
        if ROME_GRAPH in graphs and not unchanged:  # curated references to ROME, against the new release
            curated = [
                (s.display, s.path, read_source(s)) for s in sources if s.kind in ("curated", "mapping")
            ]
            consistency.check_rome_references(curated, consistency.rome_codes_in_store(store, ROME_GRAPH))
            del curated
        if unchanged:
            pass
        elif fresh:
            bulk_load_file(store, parts_folder / derived_parts[0].file)
        else:
            derived_changes = _changes(
                previous_folder, previous.derived, parts_folder, derived_parts, "derived"
            )
            derived_changes.apply(store)
            derived_changes.discard()
        report.derived_triples = sum(p.count for p in derived_parts)
        progress(f"  derived (search index, similarity, ROME preparation): {report.derived_triples} quads")
        report.triples_per_graph.update(_counts(parts_folder, ordered))

        # Compacting costs time in proportion to the whole store (5.6 of the 12 s of a kit import
        # at national scale) and pays back in proportion to what changed: done when the store was
        # loaded anew or the change is a sizeable share of it; `progkg build` always compacts.
        compact = fresh or (changes.came + changes.gone) * COMPACT_SHARE > total

        def close(where: Path) -> None:
            nonlocal store
            try:
                store.flush()  # type: ignore[union-attr]
                if compact:
                    store.optimize()  # type: ignore[union-attr]
            except OSError as exc:
                raise ProgkgError(f"cannot write the store in {where}: {exc}") from exc
            store = None

        _publish(build_dir, folder, parts_folder, Manifest(ordered, derived_parts), close, report)
    except BaseException:
        store = None
        if worker is not None:
            futures.wait([worker])  # the store it opened is closed before the removal
            worker = None
        _discard(build_dir, folder, parts_folder)
        raise
    finally:
        background.shutdown()
    return report


#: An import loads its new store from the parts rather than removing the quads gone from a
#: copy when more than this many go and they are more than 1/REMOVE_COST of the store.
FRESH_MIN_REMOVED = 20_000
REMOVE_COST = 6


@dataclass
class _Changes:
    """Lines gone and lines new between two sets of parts, in two files of the parts folder."""

    removed: Path
    added: Path
    gone: int = 0
    came: int = 0

    def apply(self, store: ox.Store) -> None:
        """Remove the quads gone from ``store`` (one by one: slow, hence the threshold), then
        bulk-load the new ones."""
        if self.gone:
            with open(self.removed, "rb") as fh:
                for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
                    store.remove(quad)
        if self.came:
            bulk_load_file(store, self.added)

    def discard(self) -> None:
        self.removed.unlink(missing_ok=True)
        self.added.unlink(missing_ok=True)


def _changes(
    old_folder: Path, old: list[pt.GraphPart], new_folder: Path, new: list[pt.GraphPart], name: str
) -> _Changes:
    """Lines gone and lines new, graph by graph, between two sets of parts."""
    before = {p.graph: old_folder / p.file for p in old}
    after = {p.graph: new_folder / p.file for p in new}
    changes = _Changes(new_folder / f".{name}.removed.tmp", new_folder / f".{name}.added.tmp")
    with open(changes.removed, "wb") as removed, open(changes.added, "wb") as added:
        for graph in sorted(set(before) | set(after)):
            gone, came = pt.diff(before.get(graph), after.get(graph), removed, added)
            changes.gone += gone
            changes.came += came
    return changes


def derive(store: ox.Store) -> list[ox.Quad]:
    """:func:`derive_nquads` as pyoxigraph quads (tests add them to in-memory stores)."""
    return list(ox.parse(derive_nquads(store), format=ox.RdfFormat.N_QUADS))


def derive_nquads(store: ox.Store) -> bytes:
    """What the build computes from the graph for fast answers: the search index that
    parameters are resolved against (:mod:`progkg.search`), the features ``similar-parcours``
    compares (:mod:`progkg.similarity`) and the ROME codes each programme prepares for
    (:mod:`progkg.prepares`). (The build writes the same lines to a file: :func:`_derived_parts`.)"""
    out = io.BytesIO()
    _write_derived(store, out)
    return out.getvalue()


#: Bytes of N-Quads given to Oxigraph's bulk loader at once. Its memory grows with what it is
#: given: 1.8 GB for a 5e6-triple file in one call, 0.4 GB in calls of 64 MB (about 1.4× slower).
LOAD_CHUNK_BYTES = 128 << 20


def bulk_load_file(store: ox.Store, path: Path) -> None:
    """Bulk-load an N-Quads file in chunks of whole lines (memory bounded by the chunk)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(LOAD_CHUNK_BYTES):
            if not chunk.endswith(b"\n"):
                chunk += fh.readline()
            store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
            del chunk


class _DiskLoader(threading.Thread):
    """Loads sources into the on-disk store in the background, in the order given.

    The build's main thread parses and sorts the sources meanwhile; nothing is published unless
    :meth:`finish` returns, and :meth:`abandon` waits for the current load to end before the
    caller removes the half-written folder.
    """

    def __init__(self, store: ox.Store) -> None:
        super().__init__(name="progkg-store-loader", daemon=True)
        self.store: ox.Store | None = store
        self._tasks: queue.Queue[Callable[[ox.Store], None] | None] = queue.Queue()
        self._error: BaseException | None = None

    def load_file(self, path: Path) -> None:
        self._tasks.put(lambda store: bulk_load_file(store, path))

    def load_bytes(self, data: bytes) -> None:
        self._tasks.put(lambda store: store.bulk_load(data, format=ox.RdfFormat.N_QUADS))

    def extend(self, quads: list[ox.Quad]) -> None:
        self._tasks.put(lambda store: store.bulk_extend(quads))

    def run(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                if task is None:
                    return
                if self._error is None and self.store is not None:
                    try:
                        task(self.store)
                    except BaseException as exc:  # noqa: BLE001 — handed to the main thread
                        self._error = exc
            finally:
                self._tasks.task_done()

    def _raise(self, folder: object) -> None:
        if self._error is not None:
            raise ProgkgError(f"cannot write the store in {folder}: {self._error}") from self._error

    def sync(self) -> None:
        """Wait until every load given so far is done (the main thread then reads the store)."""
        self._tasks.join()
        self._raise("the build folder")

    def finish(self, folder: Path) -> None:
        """Wait for every load, flush, compact and close the store; raise what went wrong.

        Compacting (``optimize``) before publishing makes the published store's queries
        1.1–1.9× faster at 1e6 triples for ~4.5 s of build time (bench/RESULTS.md).
        """
        self._tasks.put(None)
        self.join()
        if self._error is None and self.store is not None:
            try:
                self.store.flush()
                self.store.optimize()
            except OSError as exc:
                self._error = exc
        self.store = None  # closes the on-disk store before it is published
        self._raise(folder)

    def abandon(self) -> None:
        self._tasks.put(None)
        self.join()
        self.store = None

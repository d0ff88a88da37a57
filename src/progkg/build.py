"""`progkg build`: ontology + curated data + imported releases → the embedded store.

Every source goes into its own named graph (DESIGN.md, "Every fact knows where it came
from"):

* ``ontology/progkg.ttl`` → ``https://w3id.org/progkg/graph/ontology``
* ``data/<path>.ttl`` → ``https://w3id.org/progkg/graph/<path>`` (e.g. ``graph/seeds/rncp24759``)
* ``data/mappings/<name>.sssom.tsv`` → ``https://w3id.org/progkg/graph/mappings/<name>``
* ``build/imports/<kind>.nq`` (written by ``progkg import``) → the graphs named inside it

The new store is written beside the old one and published atomically
(:mod:`progkg.store`), and ``build/progkg.nq`` is a sorted N-Quads dump of it, so that
building twice gives the same bytes.

Why two stores: with a national release imported (ROME alone is ~620k triples), reading the
on-disk store back for counts and the dump took longer than loading it. So every source is
loaded into an in-memory twin, which the checks, the counts and the dump read (fast), while a
worker thread loads the same sources into the on-disk store that gets published (Oxigraph
releases the GIL while loading, so both run at once on two cores).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from progkg import consistency
from progkg import store as st
from progkg.errors import ProgkgError
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


def build(
    res: Resources,
    build_dir: Path,
    progress: Progress = _quiet,
    replace_import: tuple[str, Path] | None = None,
) -> BuildReport:
    """Build the store from every source and publish it atomically.

    ``replace_import=(kind, path)`` builds with ``path`` standing for
    ``build/imports/<kind>.nq`` and, once the new store is published, moves it there: this
    is how an import replaces the previous import of the same kind as a whole, leaving
    everything untouched when anything fails.
    """
    with st.write_lock(build_dir, "import" if replace_import else "build"):
        sources = discover_sources(res, build_dir)
        if replace_import:
            kind, new_path = replace_import
            target = build_dir / st.IMPORTS_DIR / f"{kind}.nq"
            sources = [s for s in sources if s.path != target]
            sources.append(Source("import", new_path, None, f"{kind} import"))
        report = BuildReport()
        folder = st.new_store_dir(build_dir)
        loader: _DiskLoader | None = None
        try:
            store = ox.Store()  # the in-memory twin: checks, counts and the dump read it
            loader = _DiskLoader(ox.Store(str(folder)))
            loader.start()
            # The imports are the big part: the on-disk store starts on them at once, while the
            # main thread parses the curated files.
            for source in sources:
                if source.kind == "import":
                    loader.load_file(source.path)
            curated: list[tuple[str, Path, list[ox.Quad]]] = []
            functional: set[str] = set()
            for source in sources:
                if source.kind == "import":
                    before = len(store)
                    try:
                        store.bulk_load(path=str(source.path), format=ox.RdfFormat.N_QUADS)
                    except SyntaxError as exc:
                        raise ProgkgError(f"{source.display}: line {exc.lineno}: {exc}") from None
                    progress(f"  {source.display}: {len(store) - before} quads")
                    continue
                quads = read_source(source)
                if source.kind == "ontology":
                    functional |= consistency.functional_properties(quads)
                else:
                    curated.append((source.display, source.path, quads))
                store.bulk_extend(quads)
                loader.extend(quads)
                progress(f"  {source.display}: {len(quads)} triples")
            consistency.check_functional(curated, functional)
            consistency.check_rome_references(
                curated, consistency.rome_codes_in_store(store, str(GRAPH) + "rome")
            )
            report.triples_per_graph.update(_count_per_graph(store))
            # Derived data (search keys, similarity features) go into the published store only:
            # not into the dump, which is what the export publishes and validation reads.
            derived = derive_nquads(store)
            loader.load_bytes(derived)
            report.derived_triples = derived.count(b"\n")
            progress(
                f"  derived (search index, similarity, ROME preparation): {report.derived_triples} quads"
            )
            dump = build_dir / st.DUMP_FILE
            with st.atomic_output(dump) as tmp:
                _write_sorted_dump(store, tmp)
                del store
                loader.finish(folder)
                loader = None
                st.publish_store(build_dir, folder)
            if replace_import:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(new_path, target)
        except BaseException:
            import shutil

            if loader is not None:
                loader.abandon()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        report.store = st.store_path(build_dir)
        report.dump = dump
        return report


def derive(store: ox.Store) -> list[ox.Quad]:
    """:func:`derive_nquads` as pyoxigraph quads (tests add them to in-memory stores)."""
    return list(ox.parse(derive_nquads(store), format=ox.RdfFormat.N_QUADS))


def derive_nquads(store: ox.Store) -> bytes:
    """What the build computes from the graph for fast answers: the search index that
    parameters are resolved against (:mod:`progkg.search`), the features ``similar-parcours``
    compares (:mod:`progkg.similarity`) and the ROME codes each programme prepares for
    (:mod:`progkg.prepares`)."""
    from progkg.graphwalk import Links
    from progkg.prepares import prepares_quads
    from progkg.search import index_nquads
    from progkg.similarity import feature_quads

    links = Links(store)
    small = feature_quads(store, links) + prepares_quads(store, links)
    return index_nquads(store) + ox.serialize(small, format=ox.RdfFormat.N_QUADS)


class _DiskLoader(threading.Thread):
    """Loads sources into the on-disk store in the background, in the order given.

    The build's main thread checks everything on the in-memory twin meanwhile; nothing is
    published unless :meth:`finish` returns, and :meth:`abandon` waits for the current load
    to end before the caller removes the half-written folder.
    """

    def __init__(self, store: ox.Store) -> None:
        super().__init__(name="progkg-store-loader", daemon=True)
        self.store: ox.Store | None = store
        self._tasks: queue.Queue[Callable[[ox.Store], None] | None] = queue.Queue()
        self._error: BaseException | None = None

    def load_file(self, path: Path) -> None:
        self._tasks.put(lambda store: store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS))

    def load_bytes(self, data: bytes) -> None:
        self._tasks.put(lambda store: store.bulk_load(data, format=ox.RdfFormat.N_QUADS))

    def extend(self, quads: list[ox.Quad]) -> None:
        self._tasks.put(lambda store: store.bulk_extend(quads))

    def run(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            if self._error is None and self.store is not None:
                try:
                    task(self.store)
                except BaseException as exc:  # noqa: BLE001 — handed to the main thread
                    self._error = exc

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
        if self._error is not None:
            raise ProgkgError(f"cannot write the store in {folder}: {self._error}") from self._error

    def abandon(self) -> None:
        self._tasks.put(None)
        self.join()
        self.store = None


def _count_per_graph(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, in graph order (one SPARQL aggregate, not a Python loop)."""
    counts = {}
    for solution in store.query("SELECT ?g (COUNT(*) AS ?c) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        counts[solution["g"].value] = int(solution["c"].value)
    return dict(sorted(counts.items()))


def _write_sorted_dump(store: ox.Store, path: Path) -> None:
    """Dump ``store`` as N-Quads with lines in bytewise order (same graph, same bytes)."""
    raw = store.dump(format=ox.RdfFormat.N_QUADS)
    lines = raw.splitlines(keepends=True)
    del raw  # a national graph's dump is ~100 MB: keep one copy of it in memory, not two
    lines.sort()
    with open(path, "wb") as fh:
        fh.writelines(lines)
        fh.flush()
        os.fsync(fh.fileno())

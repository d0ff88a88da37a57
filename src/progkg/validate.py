"""`progkg validate`: SHACL validation of the built graph against ``ontology/shapes.ttl``.

Two engines give the same results (``tests/test_validate_differential.py`` holds them to
it):

* ``sparql`` (default) — the shapes compiled to SPARQL and run on the Oxigraph store in
  ``build/store``; seconds at a million triples.
* ``pyshacl`` — the reference SHACL implementation over an rdflib graph read from
  ``build/progkg.nq``; minutes at a million triples.

The validated data is the union of every named graph of the build, ontology included, so
that ``sh:targetClass`` follows ``rdfs:subClassOf``. Severity decides the exit code: a
violation means "no" (1); warnings and infos are reported and still exit 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from progkg import store as st
from progkg.errors import ProgkgError
from progkg.rdfio import read_rdf
from progkg.validation import DEFAULT_ENGINE, ENGINES, data_files, engine_choice, incremental, pyshacl_engine
from progkg.validation.labels import GraphLabels, StoreLabels
from progkg.validation.report import ValidationReport, ValidationResult
from progkg.validation.shapes import load_shapes_graph, read_model, shape_titles
from progkg.validation.terms import add_quads, graph_from_dump

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def _with_labels(results: list[ValidationResult], labels: dict) -> list[ValidationResult]:
    return [replace(r, labels=labels.get(r.focus, ())) for r in results]


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ProgkgError(f"unknown validation engine {engine!r}: choose one of {', '.join(ENGINES)}")


def validate_store(
    store: ox.Store,
    shapes_file: Path,
    *,
    progress: Progress = _quiet,
    data: str = "",
    notice: Progress | None = None,
    quads: list[ox.Quad] | None = None,
) -> ValidationReport:
    """Validate the union of ``store``'s graphs with the SPARQL engine — or, when it cannot
    check these shapes exactly, with pyshacl, saying so through ``notice``
    (:mod:`progkg.validation.engine_choice`). ``quads``: the data as parsed, when the store
    was filled from files (their literals are checked, and pyshacl gets them as written, not
    as the store rewrote them); None for the build, whose dump the store wrote itself."""
    start = time.perf_counter()
    model = read_model(load_shapes_graph(shapes_file), display=str(shapes_file))
    last = [0.0]

    def step(done: int, total: int, name: str) -> None:
        now = time.perf_counter()
        if done == total or now - last[0] >= 2.0:
            last[0] = now
            progress(f"  validated {done}/{total} constraints ({name})")

    results, engine = engine_choice.run(
        store,
        model,
        lambda: engine_choice.graph_of(store if quads is None else quads),
        literals=engine_choice.data_literals(quads) if quads is not None else (),
        notice=notice or progress,
        progress=step,
        pyshacl_progress=progress,
    )
    labels = StoreLabels(store).many(r.focus for r in results)
    return ValidationReport(
        results=_with_labels(results, labels),
        titles=shape_titles(model),
        engine=engine,
        shapes_file=shapes_file,
        data=data,
        triples=len(store),
        seconds=time.perf_counter() - start,
    )


def validate_graph(
    graph: Graph,
    shapes_file: Path,
    *,
    progress: Progress = _quiet,
    data: str = "",
) -> ValidationReport:
    """Validate an rdflib graph (which must include the ontology) with pyshacl."""
    start = time.perf_counter()
    shapes = load_shapes_graph(shapes_file)
    results = pyshacl_engine.run(graph, shapes, progress)
    labels = GraphLabels(graph).many(r.focus for r in results)
    return ValidationReport(
        results=_with_labels(results, labels),
        titles=shape_titles(read_model(shapes, display=str(shapes_file))),
        engine="pyshacl",
        shapes_file=shapes_file,
        data=data,
        triples=len(graph),
        seconds=time.perf_counter() - start,
    )


def validate_files(
    files: Iterable[Path],
    shapes_file: Path,
    *,
    engine: str = DEFAULT_ENGINE,
    texts: Iterable[str] = (),
) -> ValidationReport:
    """Validate RDF files (and Turtle texts) read each into its own named graph, as a build does.

    Used by tests and for checking a curated file before building.
    """
    _check_engine(engine)
    quads: list[ox.Quad] = []
    for index, path in enumerate(files):
        quads.extend(read_rdf(Path(path), f"urn:x-progkg:file:{index}"))
    for index, text in enumerate(texts):
        graph = ox.NamedNode(f"urn:x-progkg:text:{index}")
        try:
            for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
                quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
        except SyntaxError as exc:
            raise ProgkgError(f"Turtle text {index}: line {exc.lineno}: {exc}") from None
    if engine == "sparql":
        store = ox.Store()
        store.extend(quads)
        return validate_store(store, shapes_file, quads=quads)
    graph = Graph()
    add_quads(graph, quads)
    return validate_graph(graph, shapes_file)


def validate_data(
    files: Iterable[Path],
    shapes_file: Path,
    *,
    engine: str = DEFAULT_ENGINE,
    progress: Progress = _quiet,
    notice: Progress | None = None,
) -> ValidationReport:
    """Validate RDF data files of any syntax (``progkg validate DATA…``), read as written:
    ill-typed literals are reported, not refused, and no literal is rewritten on the way
    (the union of the files' graphs is validated, as pyshacl's command line does)."""
    _check_engine(engine)
    files = [Path(f) for f in files]
    if not shapes_file.is_file():
        raise ProgkgError(f"{shapes_file}: the shapes file is missing")
    start = time.perf_counter()
    quads = data_files.read_files(files)
    shown = ", ".join(str(f) for f in files)
    progress(f"  {len(quads)} quads read from {shown} in {time.perf_counter() - start:.1f} s")
    if engine == "sparql":
        store = ox.Store()
        store.extend(quads)
        report = validate_store(
            store,
            shapes_file,
            progress=progress,
            data=shown,
            notice=notice,
            quads=quads,
        )
    else:
        report = validate_graph(engine_choice.graph_of(quads), shapes_file, progress=progress, data=shown)
    report.seconds = time.perf_counter() - start
    return report


DATA_MODES = ("memory", "store")


def load_memory_store(dump: Path, progress: Progress = _quiet) -> ox.Store:
    """``build/progkg.nq`` loaded into an in-memory Oxigraph store.

    Why: Oxigraph answers the compiled constraints several times faster from memory than
    from the on-disk store (measured at 1e6 triples: ~15 s of queries from disk against ~5 s
    from memory, loading taking ~6 s), for about 0.5 GB per million triples.
    """
    if not dump.is_file():
        raise ProgkgError(f"no built graph in {dump.parent}: run `progkg build` first")
    start = time.perf_counter()
    progress(f"Loading {dump} into memory")
    store = ox.Store()
    try:
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise ProgkgError(f"{dump}: line {exc.lineno}: {exc}") from None
    progress(f"  {len(store)} quads loaded in {time.perf_counter() - start:.1f} s")
    return store


def validate(
    build_dir: Path,
    *,
    engine: str = DEFAULT_ENGINE,
    shapes_file: Path | None = None,
    progress: Progress = _quiet,
    data: str = "memory",
    changed: bool = False,
    notice: Progress | None = None,
) -> ValidationReport:
    """Validate the graph built in ``build_dir`` (``progkg build``) against the shapes.

    ``data`` (sparql engine only): ``"memory"`` loads ``build/progkg.nq`` into memory first
    (fastest); ``"store"`` queries ``build/store`` in place (for graphs larger than memory).
    ``changed``: re-validate only what changed since the last recorded run
    (:mod:`progkg.validation.incremental`), falling back to a full run — saying why — when
    that cannot be done soundly. Every run records its results in ``build/validation/``.
    Raises :class:`ProgkgError` (exit 2) when there is no build yet or the shapes file is
    broken; the report itself says whether there are violations (exit 1).
    """
    _check_engine(engine)
    if data not in DATA_MODES:
        raise ProgkgError(f"unknown data mode {data!r}: choose one of {', '.join(DATA_MODES)}")
    if shapes_file is None:
        from progkg.paths import resources

        shapes_file = resources().shapes_file
    if not shapes_file.is_file():
        raise ProgkgError(f"{shapes_file}: the shapes file is missing")
    from progkg.build import ensure_dump

    ensure_dump(build_dir, progress)  # the dump the published store was built with
    dump = build_dir / st.DUMP_FILE
    start = time.perf_counter()
    fp = incremental.fingerprint(shapes_file, engine)
    if changed:
        report = _validate_changed(build_dir, shapes_file, engine, fp, progress)
        if report is not None:
            report.seconds = time.perf_counter() - start
            return report
    linked = incremental.link_dump(build_dir)
    validated = dump
    if engine == "sparql":
        if data == "memory" and not dump.is_file() and st.has_store(build_dir):
            progress(f"{dump} is missing: querying {build_dir / st.STORE_LINK} in place")
            data = "store"
        if data == "store":
            store = st.open_store(build_dir)
            where = str(build_dir / st.STORE_LINK)
        else:
            store = load_memory_store(dump, progress)
            where = str(dump)
        progress(f"Validating {where} against {shapes_file} (sparql engine)")
        report = validate_store(store, shapes_file, progress=progress, data=where, notice=notice)
    else:
        if not dump.is_file():
            raise ProgkgError(f"no built graph in {build_dir}: run `progkg build` first")
        progress(f"Loading {dump}")
        graph = graph_from_dump(dump)
        progress(f"  {len(graph)} triples loaded in {time.perf_counter() - start:.1f} s")
        progress(f"Validating against {shapes_file} (pyshacl engine)")
        report = validate_graph(graph, shapes_file, progress=progress, data=str(dump))
    if engine == "sparql" and data == "store":
        validated = linked  # the store is not the dump: trust the dump linked at the start
    quads = report.triples if engine == "sparql" else None  # the sparql engine counts quads
    incremental.record(build_dir, linked, report, fp, validated if validated is not None else dump, quads)
    report.seconds = time.perf_counter() - start
    return report


def _validate_changed(
    build_dir: Path, shapes_file: Path, engine: str, fp: str, progress: Progress
) -> ValidationReport | None:
    """A ``--changed`` run, or None (after saying why) when only a full run is sound."""
    dump = build_dir / st.DUMP_FILE

    def full(reason: str) -> None:
        progress(f"--changed: {reason}; validating everything")
        return None

    if engine != "sparql":
        return full("the pyshacl engine can only validate the whole graph")
    if not dump.is_file():
        return full(f"{dump} is missing")
    found, reason = incremental.read_record(build_dir)
    if found is None:
        return full(reason)
    if found.engine != engine:
        return full(f"the last validation used the {found.engine} engine")
    if found.fingerprint != fp:
        return full("the shapes (or progkg's validation code) changed since the last validation")
    linked = incremental.link_dump(build_dir)
    if linked is None:
        return full(f"{dump} cannot be linked into {incremental.record_dir(build_dir)}")
    progress(f"Comparing {dump} with the last validated build")
    diff = incremental.diff_dumps(found.data, linked, old_count=found.quads)
    reason = ""
    if diff is None:
        reason = f"more than {incremental.MAX_CHANGED_SHARE:.0%} of the quads changed"
    elif incremental.changes_class_hierarchy(diff):
        reason = "the ontology or the class hierarchy changed (it decides the targets)"
    else:
        store = st.open_store(build_dir)
        if not incremental.store_matches(store, diff):
            reason = f"{build_dir / st.STORE_LINK} and {dump} are not of the same build"
    model = read_model(load_shapes_graph(shapes_file), display=str(shapes_file))
    if not reason and engine_choice.pyshacl_reason(model):
        reason = "the sparql engine does not compile these shapes"
    if not reason and model.uses_shapes_graph:
        reason = "a SPARQL constraint queries $shapesGraph"
    if reason:
        linked.unlink()
        return full(reason)
    results = incremental.run_changed(store, model, found, diff, progress)
    report = ValidationReport(
        results=results,
        titles=shape_titles(model),
        engine="sparql",
        shapes_file=shapes_file,
        data=str(dump),
        triples=diff.new_count,
    )
    incremental.record(build_dir, linked, report, fp, linked, diff.new_count)
    return report

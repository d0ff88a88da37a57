"""progkg's benchmark: build, every saved query, validate and export on a generated national-scale graph,
side by side with the naive baseline (rdflib's SPARQL engine, plain pyshacl).

Usage::

    python bench/run.py [--size N] [--seed S] [--repeat K] [--json] [--ops build,queries,...]

What it does, and why this way:

* The graph comes from ``bench/generate.py`` (cached under ``build/bench/``: the same size and seed
  give the same bytes, so a cached file is reused until the generator changes).
* A throw-away project folder holds the checkout's ontology, shapes, code lists and saved queries,
  and the generated graph as ``build/imports/bench.nq``: ``progkg build`` then loads it exactly
  as it loads a real import.
* Every operation runs in its own child process, so that its peak memory (``ru_maxrss`` of that
  child, from ``os.wait4``) is its own and a baseline that runs away can be killed at its time cap
  ("> T s") instead of hanging the run. Times are measured inside the child around the operation
  itself (not Python's start-up), as the median and the 95th percentile (nearest rank) of the runs.
* Saved queries are timed on the embedded store through ``progkg.queries.run_query`` with
  realistic parameters picked from the generated data (several values, cycled over the runs).
  The baseline runs the very same bound query text on an rdflib ``Dataset`` (union default graph)
  loaded once from the build's N-Quads dump, each query capped by ``--baseline-timeout``.
* ``validate`` is ``progkg.validate.validate`` with its default engine; the baseline is the
  reference pyshacl engine of the same module (or plain pyshacl when there is none), capped by
  ``--validate-baseline-timeout``.
* Operations whose module does not exist yet are reported as skipped, not crashed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve()

PK = "https://w3id.org/progkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

#: Targets of issue 6, at 1e6 triples (seconds), and the memory cap at 5e6 (MB).
#: Issue 12: every parameterised query ≤ 10 ms in-process, resolution included (similar-parcours
#: ≤ 50 ms); whole-catalogue reports ≤ 300 ms; a whole `progkg query` process ≤ 0.4 s and
#: `progkg query --list` ≤ 0.3 s.
TARGET_PARAM_QUERY_S = 0.010
TARGET_PARAM_QUERY_OVERRIDES_S = {"similar-parcours": 0.050}
TARGET_CATALOGUE_S = {"programmes": 0.3, "data-gaps": 0.3, "application-windows": 0.3}
TARGET_PROCESS_QUERY_S = 0.4
TARGET_PROCESS_LIST_S = 0.3
TARGET_VALIDATE_S = 20.0
TARGET_EXPORT_S = 10.0
TARGET_PEAK_MB_5E6 = 8192

ALL_OPS = ("build", "import-rome", "queries", "process", "validate", "export")

#: How many parameter values each parameterised query is timed with (cycled over the runs).
PARAM_VALUES = 5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Statistics --------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    """The 95th percentile by the nearest-rank method (with 5 runs: the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Measurement:
    """One line of the report (and one object of ``--json``)."""

    operation: str
    size: int
    median_s: float | None = None
    p95_s: float | None = None
    peak_mb: float | None = None
    baseline_median_s: float | None = None
    runs: int = 0
    baseline_runs: int = 0
    timeout_s: float | None = None  # set when the operation itself hit its cap: "> T s"
    baseline_timeout_s: float | None = None  # set when the baseline hit its cap: "> T s"
    baseline_peak_mb: float | None = None
    target_s: float | None = None
    target_met: bool | None = None
    rows: int | None = None
    skipped: str | None = None
    note: str | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        if not out["extra"]:
            del out["extra"]
        return {k: v for k, v in out.items() if v is not None or k in _CORE}


_CORE = ("operation", "size", "median_s", "p95_s", "peak_mb", "baseline_median_s")


# --- Child processes ---------------------------------------------------------------------------


@dataclass
class ChildResult:
    ok: bool
    payload: dict
    peak_mb: float
    wall_s: float
    timed_out: bool
    stderr_tail: str


def run_child(task: dict, timeout: float | None = None) -> ChildResult:
    """Run ``task`` in a fresh ``python bench/run.py --worker`` and return its JSON answer.

    Peak memory is the child's own ``ru_maxrss`` (``os.wait4``); after ``timeout`` seconds the
    child is killed and the result says so.
    """
    with tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, str(HERE), "--worker", json.dumps(task)],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=task.get("cwd") or None,
            start_new_session=True,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        wall = time.monotonic() - started
        err.seek(0)
        tail = err.read()[-3000:].decode("utf-8", "replace")
    peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    payload: dict = {}
    for line in reversed(out.decode("utf-8", "replace").splitlines()):
        if line.startswith("{"):
            try:
                payload = json.loads(line)
            except json.JSONDecodeError:
                continue
            break
    ok = proc.returncode == 0 and bool(payload) and not killed.is_set()
    return ChildResult(ok, payload, peak_mb, wall, killed.is_set(), tail)


def _die_with_parent() -> None:
    """Ask Linux to kill this child when the benchmark that started it dies (prctl PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker(task: dict) -> None:
    """Child side: perform one task and print one JSON line."""
    _die_with_parent()
    op = task["op"]
    result = WORKERS[op](task)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def _resources(project: str):
    from progkg import paths

    return paths.resources(Path(project))


def w_build(task: dict) -> dict:
    from progkg.build import build

    started = time.perf_counter()
    report = build(_resources(task["project"]), Path(task["build_dir"]))
    return {"times": [time.perf_counter() - started], "triples": report.total}


def w_import_rome(task: dict) -> dict:
    from progkg.importers.rome import import_rome

    started = time.perf_counter()
    report = import_rome(
        Path(task["rome_dir"]), Path(task["build_dir"]), lambda _: None, _resources(task["project"])
    )
    counts = dict(getattr(report, "counts", {}) or {})
    return {"times": [time.perf_counter() - started], "counts": {k: int(v) for k, v in counts.items()}}


def _open_store(build_dir: str):
    from progkg.store import open_store

    return open_store(Path(build_dir))


def w_params(task: dict) -> dict:
    """Realistic parameter values, picked from the generated data (several per parameter)."""
    store = _open_store(task["build_dir"])
    q = f"PREFIX pk: <{PK}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}>\n"
    picks = {
        "parcours": "SELECT DISTINCT ?v WHERE { ?p a pk:Parcours ; rdfs:label ?v FILTER(lang(?v) = 'fr') }",
        "programme": "SELECT DISTINCT ?v WHERE { ?p a pk:Programme ; rdfs:label ?v FILTER(lang(?v) = 'fr') }",
        "job": """SELECT DISTINCT ?v WHERE { ?p pk:leadsTo ?j . ?j skos:exactMatch ?a ; rdfs:label ?v }""",
        "rome": """SELECT DISTINCT ?v WHERE { ?p pk:certification ?c . ?c pk:rome ?r . ?r skos:notation ?v
                   FILTER(REGEX(STR(?v), '^[A-N][0-9]{4}$')) }""",
        "rncp": "SELECT DISTINCT ?v WHERE { ?p pk:certification ?c . ?c pk:rncpCode ?v }",
        "about": "SELECT DISTINCT ?v WHERE { ?p pk:leadsTo ?j . ?j rdfs:label ?v }",
    }
    out: dict[str, list[str]] = {}
    for name, query in picks.items():
        values = sorted({row["v"].value for row in store.query(q + query, use_default_graph_as_union=True)})
        if values:
            step = max(1, len(values) // PARAM_VALUES)
            out[name] = values[step // 2 :: step][:PARAM_VALUES]
    return {"params": out}


def w_query(task: dict) -> dict:
    from progkg.queries import load_query, run_query

    res = _resources(task["project"])
    query = load_query(res, task["name"])
    store = _open_store(task["build_dir"])
    param_sets = task["param_sets"] or [{}]
    started = time.perf_counter()
    first = run_query(query, param_sets[0], store=store)  # warm-up: caches, lazy imports
    warm_up = time.perf_counter() - started
    # What each parameter set resolved to, so that the rdflib baseline runs the same bound text.
    resolved = [{r.param: [m.iri for m in r.matches] for r in first.resolutions}]
    if warm_up > task.get("slow_s", 5.0):
        # far off any target already: one sample is enough, and keeps the run short
        return {"times": [warm_up], "rows": [len(first.rows)], "single": True, "resolved": resolved}
    times, rows, resolved = [], [], []
    for i in range(task["repeat"]):
        params = param_sets[i % len(param_sets)]
        started = time.perf_counter()
        result = run_query(query, params, store=store)  # resolution included
        times.append(time.perf_counter() - started)
        rows.append(len(result.rows))
        resolved.append({r.param: [m.iri for m in r.matches] for r in result.resolutions})
    return {"times": times, "rows": rows, "resolved": resolved}


def w_derived_dump(task: dict) -> dict:
    """The derived graphs of the store (search index, features) as N-Quads, for the baseline:
    the saved queries read display names from them, and the dump leaves them out."""
    import pyoxigraph as ox

    store = _open_store(task["build_dir"])
    quads = [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode) and "/graph/derived/" in q.graph_name.value
    ]
    Path(task["out"]).write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return {"quads": len(quads)}


class _Timeout(Exception):
    pass


def _alarm(_signum, _frame) -> None:
    raise _Timeout()


def w_baseline_queries(task: dict) -> dict:
    """rdflib's own SPARQL engine on the same data and the same bound query texts."""
    from rdflib import Dataset

    from progkg.queries import bind, load_query

    res = _resources(task["project"])
    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(task["dump"], format="nquads")
    if task.get("derived"):
        ds.parse(task["derived"], format="nquads")
    load_s = time.perf_counter() - started
    signal.signal(signal.SIGALRM, _alarm)
    out: dict[str, dict] = {}
    for item in task["queries"]:
        query = load_query(res, item["name"])
        param_sets = item["param_sets"] or [{}]
        times: list[float] = []
        counts: list[int] = []
        timed_out = False
        resolved = item.get("resolved") or [{}]
        for i in range(task["repeat"]):
            text = bind(query, param_sets[i % len(param_sets)], resolved[i % len(resolved)])
            signal.setitimer(signal.ITIMER_REAL, task["timeout"])
            started = time.perf_counter()
            try:
                rows = list(ds.query(text))
                times.append(time.perf_counter() - started)
                counts.append(len(rows))
                del rows
            except _Timeout:
                timed_out = True
                break
            except Exception as exc:  # noqa: BLE001 — rdflib fails on some valid queries: say so
                out[item["name"]] = {"times": [], "rows": [], "timed_out": False, "error": repr(exc)[:200]}
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        out.setdefault(item["name"], {"times": times, "rows": counts, "timed_out": timed_out})
    return {"load_s": load_s, "queries": out, "triples": len(ds)}


def _validate_call(build_dir: Path, engine: str | None, shapes: Path):
    import inspect

    from progkg import validate as v

    params = inspect.signature(v.validate).parameters
    kwargs: dict = {} if engine is None else {"engine": engine}
    if "shapes_file" in params:
        kwargs["shapes_file"] = shapes
    return v.validate(build_dir, **kwargs)


def fast_engine() -> str | None:
    """The validation engine to time: the one that is not pyshacl (pyshacl is the baseline)."""
    from progkg import validate as v

    engines = getattr(v, "ENGINES", ())
    return next((e for e in engines if e != "pyshacl"), None)


def _count_results(report) -> int | None:
    for attr in ("results", "violations"):
        value = getattr(report, attr, None)
        if value is not None:
            try:
                return len(value)
            except TypeError:
                return None
    return None


def w_validate(task: dict) -> dict:
    started = time.perf_counter()
    shapes = Path(task["project"]) / "ontology" / "shapes.ttl"
    report = _validate_call(Path(task["build_dir"]), task.get("engine"), shapes)
    return {"times": [time.perf_counter() - started], "results": _count_results(report)}


def w_plain_pyshacl(task: dict) -> dict:
    """Plain pyshacl on the whole dump (what a naive user would run)."""
    import pyshacl
    from rdflib import Graph

    started = time.perf_counter()
    data = Graph()
    data.parse(task["dump"], format="nquads")
    shapes = Graph().parse(task["shapes"])
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return {"times": [time.perf_counter() - started], "results": len(list(report.subjects()))}


def w_export(task: dict) -> dict:
    out = Path(task["out"])
    started = time.perf_counter()
    _export_call(Path(task["build_dir"]), out, _resources(task["project"]))
    elapsed = time.perf_counter() - started
    size = out.stat().st_size if out.exists() else None
    return {"times": [elapsed], "bytes": size}


def _export_call(build_dir: Path, out: Path, res) -> None:
    """A Turtle export as `progkg export --format turtle` makes it: read the dump, describe it,
    pass the privacy gate, render Turtle, write the file atomically."""
    from progkg import export as ex

    prepared = ex.prepare(build_dir, res=res)
    data = prepared.render(ex.FORMATS["turtle"])
    ex.write_atomically(out, data)


WORKERS = {
    "build": w_build,
    "import-rome": w_import_rome,
    "params": w_params,
    "query": w_query,
    "baseline-queries": w_baseline_queries,
    "derived-dump": w_derived_dump,
    "validate": w_validate,
    "plain-pyshacl": w_plain_pyshacl,
    "export": w_export,
}


# --- Setup: graph, project ---------------------------------------------------------------------


def _load_generator():
    spec = importlib.util.spec_from_file_location("progkg_bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def ensure_graph(size: int, seed: int, cache: Path) -> tuple[Path, dict]:
    """The generated graph for ``size``/``seed``, regenerated only when the generator changed."""
    gen_source = (REPO / "bench" / "generate.py").read_bytes()
    version = hashlib.sha256(gen_source).hexdigest()[:12]
    path = cache / f"graph-{size}-s{seed}-{version}.nq"
    manifest = path.with_suffix(".json")
    if path.is_file() and manifest.is_file():
        log(f"reusing {path}")
        return path, json.loads(manifest.read_text(encoding="utf-8"))
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"graph-{size}-s{seed}-*"):
        old.unlink()
    gen = _load_generator()
    report = gen.generate(size, seed, path, progress=log)
    data = report.to_json()
    manifest.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, data


def make_project(graph: Path, folder: Path) -> tuple[Path, Path]:
    """A project folder with the checkout's ontology, shapes, code lists and queries + the graph.

    The seeds are left out on purpose: they cite real ROME codes, which a synthetic ROME (used
    when ../shared is absent) lacks, and they would change nothing at this scale.
    """
    project = folder / "project"
    for name in ("ontology", "queries"):
        shutil.rmtree(project / name, ignore_errors=True)
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project / name)
    shutil.rmtree(project / "data", ignore_errors=True)
    (project / "data").mkdir(parents=True)
    if (REPO / "data" / "vocab").is_dir():
        shutil.copytree(REPO / "data" / "vocab", project / "data" / "vocab")
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    build_dir = project / "build"
    imports = build_dir / "imports"
    imports.mkdir(parents=True, exist_ok=True)
    target = imports / "bench.nq"
    if target.exists():
        target.unlink()
    try:
        os.link(graph, target)
    except OSError:
        shutil.copy(graph, target)
    return project, build_dir


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for dist in ("pyoxigraph", "rdflib", "pyshacl"):
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:  # noqa: BLE001
            versions[dist] = None
    return {
        "nproc": os.cpu_count(),
        "memory_gb": mem_gb,
        "cpu": cpu,
        "python": platform.python_version(),
        **versions,
    }


# --- The benchmark -----------------------------------------------------------------------------


def _summary(m: Measurement, times: list[float]) -> None:
    if times:
        m.median_s = statistics.median(times)
        m.p95_s = p95(times)
        m.runs = len(times)


def measure_build(size: int, project: Path, build_dir: Path, repeat: int, args) -> Measurement:
    m = Measurement("build", size)
    times, peak = [], 0.0
    for i in range(repeat):
        log(f"build {i + 1}/{repeat} …")
        # Every run builds from scratch: without the sorted parts a previous build left, it would
        # link the import's parts instead of sorting them again (what a second `progkg build` does).
        shutil.rmtree(build_dir / "parts", ignore_errors=True)
        child = run_child({"op": "build", "project": str(project), "build_dir": str(build_dir)})
        if not child.ok:
            m.skipped = f"build failed: {child.stderr_tail.strip().splitlines()[-1:]}"
            return m
        times.append(child.payload["times"][0])
        peak = max(peak, child.peak_mb)
        m.extra["triples"] = child.payload["triples"]
    _summary(m, times)
    m.peak_mb = round(peak, 1)
    if size >= 5_000_000:
        m.target_met = peak <= TARGET_PEAK_MB_5E6
        m.note = f"peak ≤ {TARGET_PEAK_MB_5E6} MB at 5e6"
    return m


def measure_import_rome(size: int, cache: Path, repeat: int) -> Measurement:
    m = Measurement("import-rome", size)
    if not has_module("progkg.importers.rome"):
        m.skipped = "progkg.importers.rome does not exist yet"
        return m
    gen = _load_generator()
    rome_dir = gen.default_rome_dir()
    if rome_dir is None:
        m.skipped = "../shared/data/rome-v460 is absent"
        return m
    folder = cache / "import-rome"
    shutil.rmtree(folder, ignore_errors=True)
    project = folder / "project"
    shutil.copytree(REPO / "ontology", project / "ontology")
    (project / "data").mkdir(parents=True)
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    times, peak = [], 0.0
    for i in range(repeat):
        log(f"import-rome {i + 1}/{repeat} …")
        build_dir = folder / f"build-{i}"
        child = run_child(
            {
                "op": "import-rome",
                "project": str(project),
                "build_dir": str(build_dir),
                "rome_dir": str(rome_dir),
            }
        )
        shutil.rmtree(build_dir, ignore_errors=True)
        if not child.ok:
            m.skipped = f"import failed: {child.stderr_tail.strip().splitlines()[-1:]}"
            return m
        times.append(child.payload["times"][0])
        peak = max(peak, child.peak_mb)
        m.extra["counts"] = child.payload.get("counts")
    _summary(m, times)
    m.peak_mb = round(peak, 1)
    m.note = "the real ROME v460 release into an empty project (independent of --size)"
    return m


def measure_queries(size: int, project: Path, build_dir: Path, args) -> list[Measurement]:
    if not has_module("progkg.queries"):
        return [Measurement("query:*", size, skipped="progkg.queries does not exist yet")]
    from progkg import paths
    from progkg.queries import list_queries

    queries = list_queries(paths.resources(project))
    if not queries:
        return [Measurement("query:*", size, skipped="no saved query in queries/ yet")]
    picked = run_child({"op": "params", "build_dir": str(build_dir)})
    values = picked.payload.get("params", {}) if picked.ok else {}
    plan = []
    out: list[Measurement] = []
    for query in queries:
        m = Measurement(f"query:{query.name}", size)
        required = [p for p in query.params if not p.optional]
        sets: list[dict[str, str]] = []
        missing = [p.name for p in required if not values.get(p.name) and not p.example]
        if missing:
            m.skipped = f"no realistic value for parameter(s) {', '.join(missing)}"
            out.append(m)
            continue
        for i in range(PARAM_VALUES if required else 1):
            sets.append(
                {
                    p.name: (values[p.name][i % len(values[p.name])] if values.get(p.name) else p.example)
                    for p in required
                }
            )
        if required:
            m.target_s = TARGET_PARAM_QUERY_OVERRIDES_S.get(query.name, TARGET_PARAM_QUERY_S)
        elif query.name in TARGET_CATALOGUE_S:
            m.target_s = TARGET_CATALOGUE_S[query.name]
        m.extra["params"] = sets[0] if required else {}
        plan.append((m, query, sets))
        out.append(m)
    for m, query, sets in plan:
        log(f"{m.operation} …")
        child = run_child(
            {
                "op": "query",
                "project": str(project),
                "build_dir": str(build_dir),
                "name": query.name,
                "param_sets": sets,
                "repeat": args.repeat,
            },
            timeout=args.query_timeout,
        )
        if child.timed_out:
            m.timeout_s = args.query_timeout
            m.peak_mb = round(child.peak_mb, 1)
            m.note = f"the first run did not finish within {args.query_timeout:g} s"
            if m.target_s is not None and size == 1_000_000:
                m.target_met = False
            continue
        if not child.ok:
            m.skipped = "failed: " + " ".join(child.stderr_tail.strip().splitlines()[-1:])
            continue
        _summary(m, child.payload["times"])
        m.peak_mb = round(child.peak_mb, 1)
        m.rows = int(statistics.median(child.payload["rows"]))
        m.extra["rows_per_run"] = child.payload["rows"]
        m.extra["resolved"] = child.payload.get("resolved") or []
        if child.payload.get("single"):
            m.note = "one run only: the first run already took over 5 s"
        if m.target_s is not None and size == 1_000_000:
            m.target_met = m.median_s <= m.target_s
    if args.baseline and plan:
        dump = build_dir / "progkg.nq"
        log(f"baseline: rdflib loads {dump} and runs every query (cap {args.baseline_timeout:g} s each) …")
        derived = build_dir / "derived.nq"
        run_child({"op": "derived-dump", "build_dir": str(build_dir), "out": str(derived)})
        items = [
            {"name": q.name, "param_sets": sets, "resolved": m.extra.get("resolved") or []}
            for m, q, sets in plan
        ]
        cap = 1800 + len(items) * args.baseline_timeout * args.baseline_repeat
        child = run_child(
            {
                "op": "baseline-queries",
                "project": str(project),
                "dump": str(dump),
                "derived": str(derived) if derived.exists() else None,
                "queries": items,
                "timeout": args.baseline_timeout,
                "repeat": args.baseline_repeat,
            },
            timeout=cap,
        )
        if child.ok:
            for m, query, _ in plan:
                got = child.payload["queries"].get(query.name, {})
                times = got.get("times") or []
                m.baseline_runs = len(times)
                m.baseline_peak_mb = round(child.peak_mb, 1)
                if got.get("error"):
                    m.note = f"rdflib failed: {got['error']}"
                if got.get("timed_out"):
                    m.baseline_timeout_s = args.baseline_timeout
                elif times:
                    m.baseline_median_s = statistics.median(times)
                # same parameters in the same order on both engines: the row counts must agree
                ours = m.extra.get("rows_per_run") or []
                theirs = got.get("rows") or []
                n = min(len(ours), len(theirs))
                if n:
                    m.extra["same_row_counts_as_baseline"] = ours[:n] == theirs[:n]
            out.append(
                Measurement(
                    "baseline:rdflib-load",
                    size,
                    median_s=child.payload["load_s"],
                    p95_s=child.payload["load_s"],
                    peak_mb=round(child.peak_mb, 1),
                    runs=1,
                    note="rdflib Dataset parsing the N-Quads dump, once, before the baseline queries",
                )
            )
        else:
            why = "timed out" if child.timed_out else child.stderr_tail.strip().splitlines()[-1:]
            out.append(Measurement("baseline:rdflib-load", size, skipped=f"baseline failed: {why}"))
    return out


#: The whole-process measurements: what a user waits for at the prompt.
PROCESS_QUERIES = ("jobs-for-parcours", "programmes-for-rome", "programmes-for-job", "similar-parcours")


def measure_process(size: int, project: Path, build_dir: Path, args) -> list[Measurement]:
    """`progkg query --list` and `progkg query NAME -p …` as whole processes (wall time, from
    the exec to the exit: interpreter start, imports, store opening, resolution, query, output)."""
    import subprocess

    picked = run_child({"op": "params", "build_dir": str(build_dir)})
    values = picked.payload.get("params", {}) if picked.ok else {}
    env = dict(os.environ, PROGKG_BUILD=str(build_dir), PROGKG_HOME=str(project))
    exe = [sys.executable, "-m", "progkg"]
    from progkg import paths
    from progkg.queries import load_query

    commands = [("process:query --list", ["query", "--list"], TARGET_PROCESS_LIST_S)]
    for name in PROCESS_QUERIES:
        query = load_query(paths.resources(project), name)
        params = []
        for p in query.params:
            if p.optional:
                continue
            value = (values.get(p.name) or [p.example])[0]
            params += ["-p", f"{p.name}={value}"]
        commands.append(
            (f"process:query {name}", ["query", name, *params, "--quiet"], TARGET_PROCESS_QUERY_S)
        )
    out = []
    for label, cmd, target in commands:
        log(f"{label} …")
        m = Measurement(label, size, target_s=target)
        times = []
        for _ in range(max(3, args.repeat)):
            started = time.perf_counter()
            done = subprocess.run([*exe, *cmd], env=env, cwd=project, capture_output=True, timeout=120)
            times.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                m.skipped = "failed: " + done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:][0]
                break
        if not m.skipped:
            _summary(m, times)
            if size == 1_000_000:
                m.target_met = m.median_s <= target
        out.append(m)
    return out


def measure_validate(size: int, project: Path, build_dir: Path, args) -> Measurement:
    m = Measurement("validate", size, target_s=TARGET_VALIDATE_S)
    if not has_module("progkg.validate"):
        m.skipped = "progkg.validate does not exist yet"
        return m
    engine = fast_engine()
    m.extra["engine"] = engine or "default"
    times, peak = [], 0.0
    repeat = args.repeat_slow
    for i in range(repeat):
        log(f"validate ({engine or 'default'} engine) {i + 1}/{repeat} …")
        task = {"op": "validate", "project": str(project), "build_dir": str(build_dir), "engine": engine}
        child = run_child(task, timeout=3600)
        if not child.ok:
            m.skipped = "failed: " + " ".join(child.stderr_tail.strip().splitlines()[-1:])
            return m
        times.append(child.payload["times"][0])
        peak = max(peak, child.peak_mb)
        m.rows = child.payload.get("results")
    _summary(m, times)
    m.peak_mb = round(peak, 1)
    if size == 1_000_000:
        m.target_met = m.median_s <= TARGET_VALIDATE_S
    if size >= 5_000_000:
        m.target_met = peak <= TARGET_PEAK_MB_5E6
        m.note = f"peak ≤ {TARGET_PEAK_MB_5E6} MB at 5e6"
    if args.baseline:
        log(f"baseline: pyshacl (cap {args.validate_baseline_timeout:g} s) …")
        task = {"op": "validate", "project": str(project), "build_dir": str(build_dir), "engine": "pyshacl"}
        child = run_child(task, timeout=args.validate_baseline_timeout)
        if not child.ok and not child.timed_out and "engine" in child.stderr_tail:
            # no reference engine in progkg.validate: plain pyshacl on the dump
            task = {
                "op": "plain-pyshacl",
                "dump": str(build_dir / "progkg.nq"),
                "shapes": str(project / "ontology" / "shapes.ttl"),
            }
            child = run_child(task, timeout=args.validate_baseline_timeout)
        m.baseline_peak_mb = round(child.peak_mb, 1)
        if child.ok:
            m.baseline_median_s = child.payload["times"][0]
            m.baseline_runs = 1
            m.extra["baseline_results"] = child.payload.get("results")
        elif child.timed_out:
            m.baseline_timeout_s = args.validate_baseline_timeout
        else:
            m.extra["baseline_error"] = " ".join(child.stderr_tail.strip().splitlines()[-1:])
    return m


def measure_export(size: int, project: Path, build_dir: Path, cache: Path, args) -> Measurement:
    m = Measurement("export", size, target_s=TARGET_EXPORT_S)
    if not has_module("progkg.export"):
        m.skipped = "progkg.export does not exist yet"
        return m
    times, peak = [], 0.0
    out = cache / "export" / "progkg.ttl"
    for i in range(args.repeat_slow):
        log(f"export {i + 1}/{args.repeat_slow} …")
        shutil.rmtree(out.parent, ignore_errors=True)
        out.parent.mkdir(parents=True)
        child = run_child(
            {"op": "export", "project": str(project), "build_dir": str(build_dir), "out": str(out)},
            timeout=3600,
        )
        if not child.ok:
            m.skipped = "failed: " + " ".join(child.stderr_tail.strip().splitlines()[-1:])
            return m
        times.append(child.payload["times"][0])
        peak = max(peak, child.peak_mb)
        m.extra["bytes"] = child.payload.get("bytes")
    shutil.rmtree(out.parent, ignore_errors=True)
    _summary(m, times)
    m.peak_mb = round(peak, 1)
    if size == 1_000_000:
        m.target_met = m.median_s <= TARGET_EXPORT_S
    return m


# --- Output ------------------------------------------------------------------------------------


def _median(m: Measurement) -> str:
    if m.timeout_s is not None:
        return f"> {m.timeout_s:g} s"
    return _fmt_s(m.median_s)


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _baseline(m: Measurement) -> str:
    if m.baseline_timeout_s is not None:
        return f"> {m.baseline_timeout_s:g} s"
    return _fmt_s(m.baseline_median_s)


def _ratio(m: Measurement) -> str:
    if not m.median_s:
        return ""
    if m.baseline_timeout_s is not None:
        return f"> {m.baseline_timeout_s / m.median_s:,.0f}×"
    if m.baseline_median_s is not None:
        return f"{m.baseline_median_s / m.median_s:,.0f}×"
    return ""


def _target(m: Measurement) -> str:
    if m.skipped:
        return ""
    if m.target_met is None:
        return f"≤ {_fmt_s(m.target_s)}" if m.target_s else ""
    if m.operation in ("build", "validate") and m.size >= 5_000_000:
        return ("met" if m.target_met else "MISSED") + f" (≤ {TARGET_PEAK_MB_5E6} MB)"
    return ("met" if m.target_met else "MISSED") + f" (≤ {_fmt_s(m.target_s)})"


def print_table(results: list[Measurement], header: str) -> None:
    print(header)
    cols = ("operation", "median", "p95", "peak MB", "baseline", "ratio", "rows", "target")
    lines = [cols]
    for m in results:
        if m.skipped:
            lines.append((m.operation, "skipped", "", "", "", "", "", m.skipped))
            continue
        lines.append(
            (
                m.operation,
                _median(m),
                _fmt_s(m.p95_s),
                f"{m.peak_mb:,.0f}" if m.peak_mb is not None else "—",
                _baseline(m),
                _ratio(m),
                ("" if m.rows is None else str(m.rows))
                + (" ≠ baseline" if m.extra.get("same_row_counts_as_baseline") is False else ""),
                _target(m),
            )
        )
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(cols) - 1)]
    for row in lines:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        print("  ".join(cells) + "  " + str(row[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=1e5, help="triples to generate (default 1e5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query (default 7)")
    parser.add_argument(
        "--repeat-slow", type=int, default=3, help="runs of build, validate, export (default 3)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of measurements")
    parser.add_argument(
        "--ops", default=",".join(ALL_OPS), help=f"comma-separated subset of {','.join(ALL_OPS)}"
    )
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip rdflib/pyshacl")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="cap per saved query (s)")
    parser.add_argument("--baseline-timeout", type=float, default=60.0, help="cap per baseline query (s)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs per baseline query (default 3)")
    parser.add_argument("--validate-baseline-timeout", type=float, default=900.0, help="cap of pyshacl (s)")
    parser.add_argument("--cache", type=Path, default=REPO / "build" / "bench", help="where graphs are kept")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(json.loads(args.worker))
        return 0
    size = int(args.size)
    ops = [o.strip() for o in args.ops.split(",") if o.strip()]
    unknown = [o for o in ops if o not in ALL_OPS]
    if unknown:
        parser.error(f"unknown operation(s) {', '.join(unknown)}; choose among {', '.join(ALL_OPS)}")
    started = time.monotonic()
    load_before = os.getloadavg()
    cache = args.cache.resolve()
    graph, manifest = ensure_graph(size, args.seed, cache)
    project, build_dir = make_project(graph, cache / f"run-{size}-s{args.seed}")
    results: list[Measurement] = []
    if "build" in ops:
        results.append(measure_build(size, project, build_dir, args.repeat_slow, args))
    elif not (build_dir / "store").exists() and any(
        o in ops for o in ("queries", "process", "validate", "export")
    ):
        log("building once (not timed) …")
        child = run_child({"op": "build", "project": str(project), "build_dir": str(build_dir)})
        if not child.ok:
            log(child.stderr_tail)
            return 2
    if "import-rome" in ops:
        results.append(measure_import_rome(size, cache, args.repeat_slow))
    if "queries" in ops:
        results.extend(measure_queries(size, project, build_dir, args))
    if "process" in ops:
        results.extend(measure_process(size, project, build_dir, args))
    if "validate" in ops:
        results.append(measure_validate(size, project, build_dir, args))
    if "export" in ops:
        results.append(measure_export(size, project, build_dir, cache, args))
    info = machine()
    if args.json:
        print(json.dumps([m.to_json() for m in results], ensure_ascii=False, indent=1))
        log(
            json.dumps(
                {"machine": info, "generated_triples": manifest["triples"], "load_average": load_before}
            )
        )
    else:
        header = (
            f"progkg benchmark — {manifest['triples']:,} generated triples (size {size:,}, seed {args.seed}, "
            f"ROME {manifest['rome_version']}); {args.repeat} runs per query, "
            f"{args.repeat_slow} per slow operation\n"
            f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB; "
            f"load average {load_before[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end (shared machine); "
            f"Python {info['python']}, "
            f"pyoxigraph {info['pyoxigraph']}, rdflib {info['rdflib']}, pyshacl {info['pyshacl']}\n"
        )
        print_table(results, header)
    log(f"benchmark done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

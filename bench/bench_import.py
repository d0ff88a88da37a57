"""Benchmark of `progkg import`: the real ROME v460 release (the 20 s / 1.5 GB budget of issue 4),
and the RNCP export cut and ONISEP files, from ../shared/data.

Usage::

    python bench/bench_import.py [--repeat K] [--kinds rome,rncp,onisep] [--over-rome] [--check] [--markdown]

How, and why this way:

* Each run is a fresh child process importing into a fresh build folder of a throw-away copy of
  the checkout (ontology, code lists, seeds, reviewed mappings), so that it pays what a user pays:
  reading the release, writing the quads and putting them in the store (a whole build when the
  project has none yet; with ``--over-rome``, the kind's graphs replaced in a build holding ROME).
* The wall time is measured inside the child around ``import_<kind>(...)`` (not Python's start-up)
  and reported as the median of the runs (min and max beside it).
* Peak memory is the child's own ``ru_maxrss``, read with ``os.wait4`` (the kernel's resource
  usage of that one child, the same figure ``resource.getrusage(RUSAGE_CHILDREN)`` accumulates),
  so that each run's peak is its own and includes the store-loading thread.
* "re-import" runs import the same release again over a build that already holds it: the common
  case of a monthly update.
* CPU seconds (user + system, all threads) are reported beside the wall time: on a machine shared
  with other work the wall time grows, the CPU time much less.
* ``--check`` exits 1 when ROME's median time exceeds 20 s or its peak memory 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20.0
TARGET_PEAK_MB = 1536.0

#: kind → (path under ../shared/data, importer module)
INPUTS = {
    "rome": ("rome-v460", "progkg.importers.rome"),
    "rncp": (
        "rncp-export-sample/sample_2024_02_22/export-fiches-csv-2024-02-22.original.zip",
        "progkg.importers.rncp",
    ),
    "onisep": ("onisep", "progkg.importers.onisep"),
}

CHILD = """
import json, sys, time
from pathlib import Path
from progkg import paths
import importlib
kind, release, build_dir, project = sys.argv[1:5]
module = importlib.import_module(f"progkg.importers.{kind}")
started = time.perf_counter()
run = getattr(module, f"import_{kind}")
report = run(Path(release), Path(build_dir), lambda _m: None, paths.resources(Path(project)))
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "triples": report.quads, "total": report.build.total}))
"""


def shared_data() -> Path | None:
    env = os.environ.get("PROGKG_SHARED_DATA")
    folder = Path(env) if env else REPO.parent / "shared" / "data"
    return folder if folder.is_dir() else None


def make_project(dest: Path) -> Path:
    """A copy of the checkout's schema and curated data (what a build loads besides imports)."""
    for name in ("ontology", "data", "queries"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    return dest


def run_once(kind: str, release: Path, build_dir: Path, project: Path) -> tuple[dict, float, float]:
    """One import in a child process: its own timing, its peak RSS in MB and its CPU seconds."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, str(release), str(build_dir), str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = child.stdout.read() if child.stdout else ""
    err = child.stderr.read() if child.stderr else ""
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{kind} import failed:\n{err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024.0, cpu  # ru_maxrss: kB on Linux


def bench(kind: str, release: Path, repeat: int, work: Path, over_rome: Path | None = None) -> list[dict]:
    """``over_rome``: every run imports into a build already holding that ROME release (imported
    first, not timed), as a user's project does."""
    project = make_project(work / f"project-{kind}")
    results = []
    for scenario in ("fresh build", "re-import"):
        times, peaks, cpus, triples = [], [], [], 0
        for i in range(repeat):
            build_dir = work / f"build-{kind}-{i}"
            if over_rome is not None:
                run_once("rome", over_rome, build_dir, project)  # ROME first, not timed
            if scenario == "re-import":
                run_once(kind, release, build_dir, project)  # the previous import, not timed
            print(f"{kind} ({scenario}) {i + 1}/{repeat} …", file=sys.stderr, flush=True)
            payload, peak, cpu = run_once(kind, release, build_dir, project)
            times.append(payload["seconds"])
            peaks.append(peak)
            cpus.append(cpu)
            triples = payload["triples"]
            shutil.rmtree(build_dir, ignore_errors=True)
        results.append(
            {
                "kind": kind,
                "scenario": scenario + (" over ROME" if over_rome is not None and kind != "rome" else ""),
                "runs": repeat,
                "median_s": round(statistics.median(times), 2),
                "min_s": round(min(times), 2),
                "max_s": round(max(times), 2),
                "peak_mb": round(max(peaks), 1),
                "cpu_s": round(statistics.median(cpus), 2),
                "triples": triples,
            }
        )
    return results


def markdown(results: list[dict]) -> str:
    lines = [
        "| import | scenario | triples | median (s) | min–max (s) | CPU (s) | peak RSS (MB) | target |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        target = ""
        if r["kind"] == "rome":
            ok = r["median_s"] <= TARGET_SECONDS and r["peak_mb"] <= TARGET_PEAK_MB
            target = (
                f"≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_PEAK_MB / 1024:.1f} GB: {'met' if ok else 'NOT met'}"
            )
        lines.append(
            f"| {r['kind']} | {r['scenario']} | {r['triples']:,} | {r['median_s']:.2f} | "
            f"{r['min_s']:.2f}–{r['max_s']:.2f} | {r['cpu_s']:.1f} | {r['peak_mb']:.0f} | {target} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--kinds", default="rome,rncp,onisep", help="importers to time (default all)")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when ROME misses its time or memory target"
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (else JSON)")
    parser.add_argument(
        "--over-rome",
        action="store_true",
        help="import the other kinds into a build already holding ROME v460 (issue 13: an import "
        "replaces its own graphs only, so re-importing RNCP must not cost a ROME reload)",
    )
    args = parser.parse_args()
    data = shared_data()
    if data is None:
        print("../shared/data is absent: nothing to measure", file=sys.stderr)
        return 0
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="progkg-bench-import-") as tmp:
        for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:
            relative, _module = INPUTS[kind]
            rome = data / INPUTS["rome"][0] if args.over_rome and kind != "rome" else None
            results.extend(bench(kind, data / relative, args.repeat, Path(tmp), rome))
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    machine += f"; load average before the runs {load_before}"
    if args.markdown:
        print(f"Measured {time.strftime('%Y-%m-%d')} on {machine}.\n")
        print(markdown(results))
    else:
        print(json.dumps({"machine": machine, "results": results}, indent=2))
    rome = [r for r in results if r["kind"] == "rome"]
    if args.check and any(r["median_s"] > TARGET_SECONDS or r["peak_mb"] > TARGET_PEAK_MB for r in rome):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the national graph (issue 13, item 7): every real release imported into one
project, one import after the other, then a re-import, `progkg build` and `progkg validate`.

Usage::

    python bench/bench_national.py [--work DIR] [--steps rome,rncp,onisep,kit,esco,esco-rome]

How, and why this way:

* A throw-away project holds the checkout's ontology, curated data and queries; each step is one
  `progkg` command run as a user runs it (`python -m progkg import KIND PATH…`, a new process,
  Python's start-up included) under ``/usr/bin/time -v``, whose "Maximum resident set size" is
  the step's peak memory (all threads) and "Elapsed" its wall time.
* Imports come in the order a user would take them (ROME first: the other releases cite its
  codes). Each import changes only its own graphs and the derived ones (progkg.build), so the
  sum of the import times is the cost of the whole national graph.
* Then RNCP is imported again (the monthly update: the same export into a project holding
  everything), the kit with one row less (a small change: the derived graphs' cost), the graph is
  rebuilt from scratch by `progkg build` (no published store: everything sorted and loaded again)
  and validated (exit 1: the graph has violations, which is an answer, not a failure).
* The machine's load average (``os.getloadavg``) is printed before each step: the machine is
  shared, and a time measured at load 3 on 2 cores is inflated.

The releases come from ``../shared/data`` (or ``$PROGKG_SHARED_DATA``); a step whose release is
absent is skipped, said so.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_import import make_project, shared_data  # the same project copy and data folder

REPO = Path(__file__).resolve().parents[1]

#: step → the release's paths under ../shared/data (several for importers taking several)
RELEASES: dict[str, list[str]] = {
    "rome": ["rome-v460"],
    "rncp": ["rncp-export-2026-02-01-partial"],
    "onisep": [
        "onisep/table_de_passage_codes_certifications_et_formations.xml",
        "onisep/ideo-metiers_onisep.xml",
        "onisep-formations-2024/5fe07a9ecc960.zip",
    ],
    "kit": ["kit-apprentissage/Kit_apprentissage_20231218.csv"],
    "esco": ["esco-v1.1.1", "esco-v1.2.1-fr-labels"],
    "esco-rome": ["rome-esco-mapping/FR_20230104_mapping_esco_rome.csv"],
}
#: The 9-fiche RNCP sample, for the re-import (and when the 2026 export is refused).
RNCP_SAMPLE = "rncp-export-sample/sample_2024_02_22"


def _seconds(elapsed: str) -> float:
    parts = [float(p) for p in elapsed.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def timed(args: list[str], project: Path, build: Path) -> dict:
    """One `progkg` command under /usr/bin/time -v: wall seconds, peak RSS (MB), exit code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}
    env["PROGKG_BUILD"] = str(build)
    load = os.getloadavg()[0]
    proc = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "progkg", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    err = proc.stderr
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err)
    cpu = [float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err)]
    status = re.search(r"Exit status: (\d+)", err)
    return {
        "command": "progkg " + " ".join(a if "/" not in a else Path(a).name for a in args),
        "seconds": _seconds(wall.group(1)) if wall else None,
        "peak_mb": int(rss.group(1)) / 1024 if rss else None,
        "cpu": sum(cpu),
        "exit": int(status.group(1)) if status else proc.returncode,
        "load": load,
        "stderr": err,
        "stdout": proc.stdout,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="folder for the project (default: a temporary one)")
    parser.add_argument("--steps", default=",".join(RELEASES), help="imports, in order")
    parser.add_argument("--no-validate", action="store_true")
    args = parser.parse_args()
    data = shared_data()
    if data is None:
        print("../shared/data is absent: nothing to measure", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="progkg-national-") as tmp:
        work = args.work or Path(tmp)
        shutil.rmtree(work / "project", ignore_errors=True)
        project = make_project(work / "project")
        build = project / "build"
        rows = []

        def step(label: str, command: list[str], target: Path = build) -> dict:
            print(f"{label} (load {os.getloadavg()[0]:.1f}) …", file=sys.stderr, flush=True)
            result = timed(command, project, target)
            result["label"] = label
            result["args"] = command
            rows.append(result)
            if result["exit"] != 0:
                tail = [line for line in result["stderr"].splitlines() if line.startswith("progkg")][-2:]
                print(f"  exit {result['exit']}: {' / '.join(tail)}", file=sys.stderr)
            return result

        for kind in [k.strip() for k in args.steps.split(",") if k.strip()]:
            paths = [data / p for p in RELEASES[kind]]
            if not all(p.exists() for p in paths):
                print(f"{kind}: release absent, skipped", file=sys.stderr)
                continue
            result = step(f"import {kind}", ["import", kind, *map(str, paths)])
            if result["exit"] != 0 and kind == "rncp":
                step("import rncp (the 9-fiche sample instead)", ["import", "rncp", str(data / RNCP_SAMPLE)])
        imports = [r for r in rows if r["exit"] == 0]
        rncp = next((r for r in imports if r["command"].startswith("progkg import rncp")), None)
        if rncp is not None:  # the monthly update: the same export again (a release changing little)
            step(f"re-import rncp ({Path(rncp['args'][-1]).name}) into the national graph", rncp["args"])
        kit = data / RELEASES["kit"][0]
        if kit.exists():  # a small import into the national graph: what the derived graphs cost
            edited = work / "kit-one-row-less.csv"
            edited.write_bytes(b"".join(kit.read_bytes().splitlines(keepends=True)[:-1]))
            step("import kit with one row less (national graph)", ["import", "kit", str(edited)])
        fresh = work / "fresh-build"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(build / "imports", fresh / "imports")
        step("progkg build from scratch (same imports, no published store)", ["build"], fresh)
        same = (fresh / "progkg.nq").read_bytes() == (build / "progkg.nq").read_bytes()
        if not args.no_validate:
            step("progkg validate (national graph)", ["validate"])
        total = sum(r["seconds"] for r in imports)
        print(f"\nMeasured {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs.\n")
        print("| step | wall (s) | CPU (s) | peak RSS (MB) | load before | exit |")
        print("|---|---:|---:|---:|---:|---|")
        for r in rows:
            print(
                f"| {r['label']} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak_mb']:.0f} "
                f"| {r['load']:.1f} | {r['exit']} |"
            )
        cpu = sum(r["cpu"] for r in imports)
        peak = max(r["peak_mb"] for r in imports)
        print(f"\nImports in all: {total:.1f} s ({cpu:.1f} s CPU); peak {peak:.0f} MB.")
        counts = [
            line for line in rows[-1 if args.no_validate else -2]["stdout"].splitlines() if "total" in line
        ]
        print(f"Dump after the imports == dump of the fresh build: {same}. {' '.join(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A bounded load test of `progkg serve`'s pages: N concurrent clients for T seconds on 127.0.0.1.

Usage::

    python bench/load.py --build /tmp/x/build [--clients 20] [--duration 30] [--json]
    python bench/load.py --size 1000000 [--workdir build/bench]   # generate and build first

What it does, and why this way:

* It starts a real ``progkg serve`` (a child process, as a user runs it) on a free port of
  127.0.0.1 over the build, and waits for it to print its URLs.
* The URLs are drawn (seeded) from the build itself: pages of programmes, parcours,
  certifications, ROME codes, job titles (brochure and ROME), institutions and sectors; the
  RDF of one IRI (Turtle by Accept header: 200 with Content-Location); the search page for
  job titles' names and codes; suggestions for the first letters of names. The mix is 70 %
  pages, 10 % RDF, 10 % searches, 10 % suggestions.
* Each client is a thread with one keep-alive HTTP/1.1 connection, sending its next request as
  soon as the previous answer is read (a closed loop, no think time: the hardest case for
  latency). A request's time runs from sending it to the last byte of the answer.
* An error is an exception, a status other than 200 (303 for an IRI's HTML is not drawn), or
  an empty body. The report gives, per category and overall, the count, p50, p95 (nearest
  rank) and max in milliseconds, the errors, and the requests per second.
* Targets (issue 15): p95 of page requests ≤ 200 ms and no error, at 1e6 triples with 20
  clients for 30 s. Exit 1 when missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"
PKX = "https://w3id.org/progkg/derived#"
TARGET_P95_MS = 200.0

KIND_CLASSES = {
    "programme": ("Programme",),
    "parcours": ("Parcours",),
    "certification": ("Certification",),
    "rome": ("RomeCode",),
    "job": ("JobTitle", "RomeAppellation"),
    "institution": ("Organisation",),
    "sector": ("Sector",),
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


# --- The URLs -----------------------------------------------------------------------------------


def draw_urls(build: Path, per_kind: int, seed: int) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """(path, headers) lists per category, drawn from the build's store (read-only)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str((build / "store").resolve()))
    rng = random.Random(seed)

    def select(text: str) -> list[dict]:
        answer = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in answer.variables]
        return [{n: s[n] for n in names} for s in answer]

    pages: list[tuple[str, dict[str, str]]] = []
    rdf: list[tuple[str, dict[str, str]]] = []
    names: list[str] = []
    for kind, classes in KIND_CLASSES.items():
        values = " ".join(f"<{PK}{c}>" for c in classes)
        rows = select(
            f"SELECT DISTINCT ?x ?name WHERE {{ VALUES ?c {{ {values} }} ?x a ?c . "
            f"FILTER(STRSTARTS(STR(?x), '{ID}')) OPTIONAL {{ ?x <{PKX}name> ?name }} }} LIMIT 20000"
        )
        rng.shuffle(rows)
        chosen = rows[:per_kind]
        if not chosen:
            log(f"no {kind} in the build")
        for row in chosen:
            local = urllib.parse.quote(row["x"].value[len(ID) :], safe="/:@!$&'()*+,;=-._~")
            pages.append((f"/id/{local}.html", {"Accept": "text/html"}))
            rdf.append((f"/id/{local}", {"Accept": "text/turtle"}))
            if kind in ("job", "rome", "programme") and row.get("name") is not None:
                names.append(row["name"].value)
    codes = [
        r["c"].value
        for r in select(
            f"SELECT ?c WHERE {{ ?x a <{PK}RomeCode> ; "
            "<http://www.w3.org/2004/02/skos/core#notation> ?c } LIMIT 2000"
        )
    ]
    rng.shuffle(codes)
    searches = [
        (f"/search?{urllib.parse.urlencode({'q': q})}", {}) for q in names[: per_kind * 2] + codes[:per_kind]
    ]
    suggests = []
    for name in names[: per_kind * 3]:
        words = name.split()
        text = " ".join(words[:2])[: rng.randint(4, 14)]
        if len(text.strip()) >= 3:
            suggests.append(
                (f"/suggest?{urllib.parse.urlencode({'q': text})}", {"Accept": "application/json"})
            )
    return {"page": pages, "rdf": rdf, "search": searches, "suggest": suggests}


MIX = (("page", 0.70), ("rdf", 0.10), ("search", 0.10), ("suggest", 0.10))


def parse_mix(text: str) -> tuple[tuple[str, float], ...]:
    """``page=70,rdf=10,search=10,suggest=10`` → shares summing to 1."""
    parts = dict(part.split("=") for part in text.split(","))
    total = sum(float(v) for v in parts.values())
    return tuple((k, float(parts.get(k, 0)) / total) for k, _ in MIX)


# --- The clients ----------------------------------------------------------------------------------


class Client(threading.Thread):
    def __init__(self, n: int, port: int, urls: dict, deadline: float, seed: int, mix=MIX) -> None:  # noqa: ANN001
        super().__init__(daemon=True)
        self.port, self.urls, self.deadline, self.mix = port, urls, deadline, mix
        self.rng = random.Random(seed * 1000 + n)
        self.times: dict[str, list[float]] = {k: [] for k, _ in MIX}
        self.errors: list[str] = []

    def pick(self) -> tuple[str, str, dict[str, str]]:
        r = self.rng.random()
        for category, share in self.mix:
            if r < share and self.urls[category]:
                path, headers = self.rng.choice(self.urls[category])
                return category, path, headers
            r -= share
        path, headers = self.rng.choice(self.urls["page"])
        return "page", path, headers

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.deadline:
            category, path, headers = self.pick()
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - start) * 1000
                if response.status != 200 or not body:
                    self.errors.append(f"{response.status} {path[:120]}")
                self.times[category].append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(f"{type(exc).__name__}: {exc} {path[:120]}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.close()


# --- The server -----------------------------------------------------------------------------------


def start_server(build: Path) -> tuple[subprocess.Popen, int]:
    sys.path.insert(0, str(REPO / "src"))
    from progkg.serve import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "progkg", "serve", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "PROGKG_BUILD": str(build)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("SPARQL endpoint"):
            return process, port
    process.kill()
    raise SystemExit(f"progkg serve did not start: {process.stderr.read()}")


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            total += (int(stats[p][11]) + int(stats[p][12])) / tick
        todo.extend(children.get(p, []))
    return total


def build_for_size(size: int, seed: int, workdir: Path) -> Path:
    """Generate a graph of ``size`` triples and build it (bench/run.py's own steps)."""
    sys.path.insert(0, str(REPO / "bench"))
    import run as bench_run

    graph, _ = bench_run.ensure_graph(size, seed, workdir)
    project, build_dir = bench_run.make_project(graph, workdir / f"load-{size}-s{seed}")
    if not (build_dir / "store").exists():
        log(f"building {build_dir} …")
        subprocess.run(
            [sys.executable, "-m", "progkg", "build"],
            cwd=project,
            env={**os.environ, "PROGKG_BUILD": str(build_dir)},
            check=True,
        )
    return build_dir


def summarise(name: str, times: list[float]) -> dict:
    return {
        "what": name,
        "requests": len(times),
        "p50_ms": round(percentile(times, 0.50), 1) if times else None,
        "p95_ms": round(p95(times), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, help="a built graph (PROGKG_BUILD folder)")
    parser.add_argument("--size", type=int, help="generate and build a graph of this size instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--per-kind", type=int, default=60, help="IRIs drawn per kind of page")
    parser.add_argument("--mix", default="page=70,rdf=10,search=10,suggest=10", help="shares of each kind")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.build is None and args.size is None:
        parser.error("give --build DIR or --size N")
    build = args.build if args.build is not None else build_for_size(args.size, args.seed, args.workdir)
    urls = draw_urls(build, args.per_kind, args.seed)
    log(", ".join(f"{k}: {len(v)} URLs" for k, v in urls.items()))
    process, port = start_server(build)
    try:
        # Warm-up (not counted): each category once, so that lazy imports and caches are not timed.
        warm = Client(0, port, urls, time.monotonic() + 3, args.seed)
        warm.run()
        if warm.errors:
            log(f"warm-up errors: {warm.errors[:5]}")
        deadline = time.monotonic() + args.duration
        mix = parse_mix(args.mix)
        clients = [Client(n + 1, port, urls, deadline, args.seed, mix) for n in range(args.clients)]
        started = time.monotonic()
        cpu_before = tree_cpu_seconds(process.pid)
        load_before = os.getloadavg()[0]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        wall = time.monotonic() - started
        server_cpu = tree_cpu_seconds(process.pid) - cpu_before
    finally:
        stop_server(process)
    by_category = {k: [t for c in clients for t in c.times[k]] for k, _ in MIX}
    errors = [e for c in clients for e in c.errors]
    every = [t for times in by_category.values() for t in times]
    rows = [summarise(k, v) for k, v in by_category.items()] + [summarise("all", every)]
    report = {
        "clients": args.clients,
        "mix": args.mix,
        "duration_s": round(wall, 1),
        "requests_per_s": round(len(every) / wall, 1),
        "errors": len(errors),
        "error_samples": errors[:10],
        "results": rows,
        "target_page_p95_ms": TARGET_P95_MS,
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(len(every), 1), 1),
        "machine": {"nproc": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg()[0]},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"mix {args.mix}; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
            f"server CPU {server_cpu:.1f} s ({report['server_cpu_ms_per_request']} ms a request)"
        )
        print(
            f"{args.clients} clients, {wall:.1f} s, {report['requests_per_s']} requests/s, "
            f"{len(errors)} errors"
        )
        print(f"{'what':<10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for r in rows:
            if not r["requests"]:
                continue
            print(f"{r['what']:<10} {r['requests']:>9} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}")
        for e in errors[:10]:
            print("error:", e)
    page = next(r for r in rows if r["what"] == "page")
    return 0 if not errors and page["p95_ms"] <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())

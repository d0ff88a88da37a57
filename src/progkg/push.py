"""`progkg push`: load the built graph into a remote store, one named graph per source.

Why this way: the graph outgrows one machine by moving to a shared SPARQL store (Oxigraph
server, Fuseki, GraphDB…). Every source is one named graph locally (docs/design.md), so it is
one named graph remotely, sent with the SPARQL 1.1 Graph Store HTTP Protocol as **one PUT
request per graph** (N-Triples body, sent with the standard library's ``urllib``; no extra
dependency). A PUT replaces the graph as a whole.

What a reader of the remote store can see (docs/queries.md, "push"):

* Oxigraph's server (0.5.13, checked by tests/test_remote.py) loads a PUT in one
  transaction: readers polling during a replacing PUT see the old graph, then the whole new
  one, never part of it; a PUT cut off half-way or holding a malformed line is refused and
  leaves the old graph whole. ``push`` then exits 2 naming the graph; running it again
  completes the push. (With another server, check that a PUT is one transaction.)
* Graphs are independent: if graph 3 of 6 fails, graphs 1–2 are already the new ones and
  4–6 still the old ones. The error says which graphs were pushed.
* The price of atomicity is speed: Oxigraph's transactional load is much slower than its
  bulk loader (the whole ROME release, 620k triples, took minutes), hence a generous
  default timeout per request.

After the upload, the number of triples of every pushed graph is read back through the
query endpoint and compared with the local one, so a server that silently dropped data is
caught. Graphs of the progkg namespace present remotely but not locally (a source that
was removed) are listed, and deleted with ``--prune``.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from progkg import store as st
from progkg.errors import ProgkgError
from progkg.iris import GRAPH
from progkg.remote import USER_AGENT, check_url, describe_network_error, run_remote, with_deadline

Progress = Callable[[str], None]
#: Seconds allowed for one request: Oxigraph loads a PUT in one transaction, which for the
#: whole ROME release (620k triples) took minutes on a busy 2-core machine (docs/queries.md).
DEFAULT_PUSH_TIMEOUT = 900.0
COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _quiet(_: str) -> None:
    return None


@dataclass
class PushReport:
    """What a push did: triples per graph sent, and remote graphs the build no longer has."""

    endpoint: str
    graph_store: str
    pushed: dict[str, int] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)


def graph_store_url(endpoint: str, graph_store: str | None = None) -> str:
    """The Graph Store Protocol URL: ``graph_store``, or guessed from an Oxigraph endpoint.

    Oxigraph serves queries at ``…/query`` and the Graph Store Protocol at ``…/store``;
    other servers differ (Fuseki: ``/ds/query`` and ``/ds/data``), so anything else must
    be given explicitly.
    """
    if graph_store:
        return check_url(graph_store)
    check_url(endpoint)
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    for suffix in ("/query", "/sparql"):
        if path.endswith(suffix):
            new_path = path[: -len(suffix)] + "/store"
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))
    raise ProgkgError(
        f"{endpoint}: cannot tell where its Graph Store Protocol endpoint is; give it with --graph-store "
        "(Oxigraph: http://HOST:PORT/store, Fuseki: http://HOST:3030/DATASET/data)"
    )


def _graph_url(graph_store: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{separator}graph={urllib.parse.quote(graph, safe='')}"


def _http(url: str, method: str, timeout: float, data: bytes | None = None, content_type: str = "") -> int:
    headers = {"User-Agent": USER_AGENT}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, method=method, headers=headers)

    def call() -> int:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — http(s) checked
            response.read()
            return response.status

    try:
        return with_deadline(url, timeout, call)
    except ProgkgError:
        raise
    except BaseException as exc:  # noqa: BLE001 — every network failure becomes one message
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise describe_network_error(url, exc, timeout) from None


def graph_ntriples(store: ox.Store, graph: ox.NamedNode) -> tuple[bytes, int]:
    """The triples of one named graph as N-Triples (one per line), and their count."""
    body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return body, body.count(b"\n")


def remote_counts(endpoint: str, timeout: float) -> dict[str, int]:
    """Triples per named graph in the remote store, read through its query endpoint."""
    result = run_remote(endpoint, COUNT_QUERY, "SELECT", timeout=timeout)
    counts: dict[str, int] = {}
    for graph, count in result.rows:
        if isinstance(graph, ox.NamedNode) and isinstance(count, ox.Literal):
            counts[graph.value] = int(count.value)
    return counts


def push(
    build_dir: Path,
    endpoint: str,
    graph_store: str | None = None,
    *,
    timeout: float = DEFAULT_PUSH_TIMEOUT,
    prune: bool = False,
    progress: Progress = _quiet,
) -> PushReport:
    """PUT every named graph of the built store to ``graph_store`` and check the counts.

    Raises :class:`ProgkgError` naming the graph and URL when a request fails, and when a
    graph read back does not hold the number of triples sent.
    """
    check_url(endpoint)
    gsp = graph_store_url(endpoint, graph_store)
    store = st.open_store(build_dir)
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    if not graphs:
        raise ProgkgError(f"{build_dir}: the built graph has no named graphs to push; run `progkg build`")
    report = PushReport(endpoint=endpoint, graph_store=gsp)
    for index, graph in enumerate(graphs, start=1):
        if not isinstance(graph, ox.NamedNode):
            continue
        body, count = graph_ntriples(store, graph)
        progress(f"  [{index}/{len(graphs)}] {graph.value}: {count} triples")
        try:
            status = _http(_graph_url(gsp, graph.value), "PUT", timeout, body, "application/n-triples")
        except ProgkgError as exc:
            done = ", ".join(report.pushed) or "none"
            raise ProgkgError(
                f"pushing graph {graph.value} failed: {exc.message} (graphs already pushed: {done})"
            ) from None
        if status not in (200, 201, 204):
            raise ProgkgError(f"{gsp}: PUT of graph {graph.value} answered HTTP {status}")
        report.pushed[graph.value] = count
    try:
        counts = remote_counts(endpoint, timeout)
    except ProgkgError as exc:
        raise ProgkgError(
            f"all {len(report.pushed)} graphs were sent to {gsp}, but reading their triple counts back "
            f"failed: {exc.message}"
        ) from None
    for graph_iri, count in report.pushed.items():
        remote = counts.get(graph_iri, 0)
        if remote != count:
            raise ProgkgError(
                f"{endpoint}: graph {graph_iri} holds {remote} triples after the push, {count} were sent"
            )
    report.stale = sorted(g for g in counts if g.startswith(str(GRAPH)) and g not in report.pushed)
    if prune:
        for graph_iri in report.stale:
            progress(f"  deleting {graph_iri} (no longer in the build)")
            _http(_graph_url(gsp, graph_iri), "DELETE", timeout)
            report.pruned.append(graph_iri)
    return report

"""`progkg stats`: how much of what the built graph holds, per class and per source."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from progkg.store import open_store


@dataclass
class Stats:
    per_graph: list[tuple[str, int]]
    per_class: list[tuple[str, int]]


def stats(build_dir: Path) -> Stats:
    store = open_store(build_dir)
    per_graph = [
        (row["g"].value, int(row["n"].value))
        for row in store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
    ]
    per_class = [
        (row["c"].value, int(row["n"].value))
        for row in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c",
            use_default_graph_as_union=True,
        )
    ]
    return Stats(per_graph=per_graph, per_class=per_class)

"""What a validation found, independent of the engine that found it.

Both engines (pyshacl and the SPARQL engine) produce :class:`ValidationResult` objects, so
that the formats, the exit code and the differential test do not care which one ran. A
result is identified by :meth:`ValidationResult.key` — focus node, path, severity, source
shape, constraint component and value — and results with the same key are merged (a
triple stated by two sources, or a shape reached twice, is still one finding).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from progkg.errors import ProgkgError

SEVERITIES = ("Violation", "Warning", "Info")
_SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

#: A SHACL property path: an IRI, or ("inverse", p), ("alternative", (p, …)),
#: ("sequence", (p, …)), ("zeroOrMore", p), ("oneOrMore", p), ("zeroOrOne", p).
PathExpr = URIRef | tuple

_PATH_KINDS = {
    SH.inversePath: "inverse",
    SH.alternativePath: "alternative",
    SH.zeroOrMorePath: "zeroOrMore",
    SH.oneOrMorePath: "oneOrMore",
    SH.zeroOrOnePath: "zeroOrOne",
}
_PATH_SUFFIX = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}


def read_path(graph: Graph, node: Node) -> PathExpr:
    """The :data:`PathExpr` of the SHACL path ``node`` in ``graph``."""
    if isinstance(node, URIRef):
        return node
    if (node, RDF.first, None) in graph:
        return ("sequence", tuple(read_path(graph, item) for item in graph.items(node)))
    for predicate, kind in _PATH_KINDS.items():
        inner = graph.value(node, predicate)
        if inner is None:
            continue
        if kind == "alternative":
            return ("alternative", tuple(read_path(graph, item) for item in graph.items(inner)))
        return (kind, read_path(graph, inner))
    raise ProgkgError(f"unsupported SHACL path {node!r}")


def path_to_sparql(path: PathExpr, name=lambda iri: f"<{iri}>") -> str:
    """The SPARQL property path for ``path`` (``name`` writes each IRI)."""
    if isinstance(path, URIRef):
        return name(path)
    kind, inner = path
    if kind == "inverse":
        return "^" + _wrap(path_to_sparql(inner, name))
    if kind == "alternative":
        return "(" + "|".join(path_to_sparql(p, name) for p in inner) + ")"
    if kind == "sequence":
        return "(" + "/".join(path_to_sparql(p, name) for p in inner) + ")"
    return _wrap(path_to_sparql(inner, name)) + _PATH_SUFFIX[kind]


def _wrap(text: str) -> str:
    """Parenthesise a path that already carries an operator (``^p``, ``p*``)."""
    return f"({text})" if text.startswith("^") or text.endswith(("*", "+", "?")) else text


def path_to_turtle(path: PathExpr, name) -> str:
    """The SHACL path node for ``path`` as inline Turtle (``name`` writes each IRI)."""
    if isinstance(path, URIRef):
        return name(path)
    kind, inner = path
    if kind == "sequence":
        return "( " + " ".join(path_to_turtle(p, name) for p in inner) + " )"
    if kind == "alternative":
        return "[ sh:alternativePath ( " + " ".join(path_to_turtle(p, name) for p in inner) + " ) ]"
    return f"[ sh:{kind}Path {path_to_turtle(inner, name)} ]"


@dataclass(frozen=True)
class ValidationResult:
    """One finding: a focus node that fails one constraint of one shape."""

    focus: Node
    severity: str  # "Violation" | "Warning" | "Info"
    source_shape: Node
    component: URIRef
    path: PathExpr | None = None
    value: Node | None = None
    messages: tuple[tuple[str, str], ...] = ()  # (language, text); "" for no language
    source_constraint: Node | None = None
    labels: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # focus labels

    def key(self) -> tuple:
        """What makes two results the same finding (the differential test compares these)."""
        return (
            self.focus,
            _path_key(self.path),
            self.severity,
            self.source_shape,
            self.component,
            self.value,
        )

    def message(self, lang: str = "fr") -> str:
        """The message in ``lang``, else an untagged one, else any."""
        by_lang = dict(self.messages)
        for candidate in (lang, "", "en", "fr"):
            if candidate in by_lang:
                return by_lang[candidate]
        return self.messages[0][1] if self.messages else ""

    def label(self, lang: str = "fr") -> str | None:
        by_lang = dict(self.labels)
        for candidate in (lang, "", "fr", "en"):
            if candidate in by_lang:
                return by_lang[candidate]
        return self.labels[0][1] if self.labels else None


def _path_key(path: PathExpr | None) -> str:
    return "" if path is None else path_to_sparql(path)


def _term_key(term: Node | None) -> tuple:
    if term is None:
        return (0, "")
    if isinstance(term, Literal):
        return (3, str(term), str(term.datatype or ""), term.language or "")
    return (1 if isinstance(term, URIRef) else 2, str(term))


@dataclass
class ValidationReport:
    """The results of validating one graph against one shapes file with one engine."""

    results: list[ValidationResult]
    engine: str
    shapes_file: Path | None = None
    data: str = ""
    triples: int | None = None
    seconds: float | None = None
    #: What each shape checks, by language, for summaries (its rdfs:label, else its message).
    titles: dict[Node, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.results = merge_results(self.results)

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms: true only when there is no result at all, of any severity."""
        return not self.results

    @property
    def has_violations(self) -> bool:
        """True when a mandatory constraint failed: `progkg validate` then exits 1."""
        return any(r.severity == "Violation" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def per_shape(self) -> list[tuple[str, Node, int]]:
        """(severity, shape, number of results), worst severity and most results first."""
        counts = Counter((r.severity, r.source_shape) for r in self.results)
        return sorted(
            ((sev, shape, n) for (sev, shape), n in counts.items()),
            key=lambda item: (_SEVERITY_RANK.get(item[0], len(SEVERITIES)), -item[2], str(item[1])),
        )

    def title(self, shape: Node, lang: str = "fr") -> str:
        """A short description of ``shape`` in ``lang`` (placeholders of templates as "…")."""
        by_lang = dict(self.titles.get(shape, ()))
        text = next((by_lang[c] for c in (lang, "", "fr", "en") if c in by_lang), "")
        return re.sub(r"\{[?$]\w+\}", "…", text)

    def keys(self) -> set[tuple]:
        return {r.key() for r in self.results}


def sort_key(result: ValidationResult) -> tuple:
    return (
        _SEVERITY_RANK.get(result.severity, 9),
        _term_key(result.focus),
        str(result.source_shape),
        _path_key(result.path),
        str(result.component),
        _term_key(result.value),
    )


def merge_results(results: list[ValidationResult]) -> list[ValidationResult]:
    """Results in a fixed order, one per key (messages of merged duplicates are kept once)."""
    merged: dict[tuple, ValidationResult] = {}
    for result in results:
        key = result.key()
        previous = merged.get(key)
        if previous is None:
            merged[key] = result
            continue
        messages = tuple(dict.fromkeys(previous.messages + result.messages))
        labels = previous.labels or result.labels
        merged[key] = ValidationResult(
            focus=previous.focus,
            severity=previous.severity,
            source_shape=previous.source_shape,
            component=previous.component,
            path=previous.path,
            value=previous.value,
            messages=messages,
            source_constraint=previous.source_constraint or result.source_constraint,
            labels=labels,
        )
    return sorted(merged.values(), key=sort_key)


def severity_name(term: Node) -> str:
    """``sh:Warning`` → ``"Warning"``."""
    text = str(term)
    name = text.rsplit("#", 1)[-1]
    if name not in _SEVERITY_RANK:
        raise ProgkgError(f"unknown SHACL severity {text}")
    return name


# --- sections: what the project curates, and what it imports ------------------------------------

#: A steward fixes the curated data and reports the releases' gaps upstream: the text report
#: shows them apart. Sections in the order the report prints them.
CURATED, IMPORTED = "curated", "imported"
SECTIONS = (CURATED, IMPORTED)
_GRAPH_NS = "https://w3id.org/progkg/graph/"
#: The graphs the imports write (progkg.importers.KINDS, kept here: no import cycle); an ONISEP
#: import writes two, the formation sheets (ODbL) apart.
_IMPORT_KINDS = ("rome", "rncp", "onisep", "onisep-formations", "kit")
#: What the build computes for fast answers (search keys, similarity features): it describes
#: nodes of every source, so it says nothing of where a node comes from.
_DERIVED = "derived/"


def section_of(graphs: Iterable[str]) -> str:
    """:data:`IMPORTED` when every graph describing a node is an imported release's, else
    :data:`CURATED` (a node the curated data also states — a ROME code a fiche cites — is the
    project's business first; a node found nowhere is too)."""
    names = {g[len(_GRAPH_NS) :] if g.startswith(_GRAPH_NS) else g for g in graphs}
    names = {name for name in names if not name.startswith(_DERIVED)}
    if names and all(name.split("/", 1)[0] in _IMPORT_KINDS for name in names):
        return IMPORTED
    return CURATED

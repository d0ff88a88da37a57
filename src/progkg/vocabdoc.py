"""The vocabulary reference (docs/vocabulary.md and .html), generated from the project's own files.

Why generated: an analyst writing a query needs every class and property — its French and
English labels, definition, domain, range, the shapes that check it and an example from the
curated data — and a hand-written page would drift from ``ontology/progkg.ttl`` at the first
edit. ``progkg vocab --out docs/`` rewrites both pages; a test regenerates them and compares
the bytes with what is committed, so the reference cannot go stale.

Why not pyLODE: measured on this project, pyLODE 3.4.1 (the release pip resolves) pulls 12
packages (an HTTP client among them) and fails at import (its version module reads a
``pyproject.toml`` the wheel does not ship); it writes HTML only and knows neither SHACL shapes
nor examples. This module needs rdflib alone and gives the same bytes for the same inputs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from progkg.namespaces import PK, PREFIXES, SCHEMA

SHAPES_NS = "https://w3id.org/progkg/shapes#"
_ALL_PREFIXES = {**PREFIXES, "pks": SHAPES_NS}
KINDS = (  # (rdf:type, heading, kind), in the order of the pages
    (OWL.Class, "Classes", "class"),
    (OWL.ObjectProperty, "Object properties", "object property"),
    (OWL.DatatypeProperty, "Datatype properties", "datatype property"),
)
_CHARACTERISTICS = (OWL.FunctionalProperty, OWL.SymmetricProperty, OWL.TransitiveProperty)
_ALIGNMENTS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, OWL.equivalentClass)
_EXAMPLE_LABELS = (RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title)
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
FILES = ("vocabulary.md", "vocabulary.html")


@dataclass
class Term:
    """Everything the reference says about one class or property."""

    iri: URIRef
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (row title, compact value)
    shapes: list[str] = field(default_factory=list)
    example: str = ""

    @property
    def name(self) -> str:
        return compact(self.iri)

    @property
    def heading(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def anchor(self) -> str:
        """The heading's anchor as GitHub writes it (pk:Certification and pk:certification differ
        only by case, which anchors ignore: the kind keeps them apart)."""
        return re.sub(r"[^\w\- ]", "", self.heading.lower()).replace(" ", "-")


def compact(term: Node) -> str:
    """``pk:Course`` for a term of a known namespace, else ``<iri>``."""
    text = str(term)
    best = max(
        (p for p, ns in _ALL_PREFIXES.items() if text.startswith(ns) and len(text) > len(ns)),
        key=lambda p: len(_ALL_PREFIXES[p]),
        default=None,
    )
    return f"{best}:{text[len(_ALL_PREFIXES[best]) :]}" if best else f"<{text}>"


def _by_lang(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in sorted(graph.objects(node, prop), key=str):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


def _class_expression(graph: Graph, node: Node) -> str:
    """A class IRI, or an ``owl:unionOf`` list as "A or B"."""
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(compact(m) for m in graph.items(members))
        return "(an anonymous class)"
    return compact(node)


def _values(graph: Graph, node: Node, prop: URIRef) -> str:
    return ", ".join(sorted(_class_expression(graph, o) for o in graph.objects(node, prop)))


def _path_properties(shapes: Graph, path: Node) -> Iterator[Node]:
    """Every property a SHACL path mentions (inverse, alternative and sequence paths included)."""
    if isinstance(path, URIRef):
        yield path
        return
    if (path, RDF.first, None) in shapes:
        for item in shapes.items(path):
            yield from _path_properties(shapes, item)
        return
    for _p, inner in shapes.predicate_objects(path):
        if (inner, RDF.first, None) in shapes:
            for item in shapes.items(inner):
                yield from _path_properties(shapes, item)
        else:
            yield from _path_properties(shapes, inner)


class _Shapes:
    """Which shapes check which class or property."""

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self.graph = shapes
        self.ontology = ontology

    def severity(self, shape: Node) -> str:
        own = self.graph.value(shape, SH.severity)
        if own is None:  # a property shape reports with its node shape's severity when it has none
            parent = next(iter(sorted(self.graph.subjects(SH.property, shape), key=str)), None)
            own = self.graph.value(parent, SH.severity) if parent is not None else None
        return _SEVERITY.get(own, "violation")

    def _reports(self, shape: Node) -> bool:
        return (shape, SH.severity, None) in self.graph or (None, SH.property, shape) in self.graph

    def _named(self, shapes: Iterable[Node]) -> list[str]:
        """Shapes that report, with their severity (a node shape that only groups property shapes
        and has no severity of its own reports nothing itself: its property shapes are listed)."""
        return sorted(
            {
                f"{compact(s)} ({self.severity(s)})"
                for s in shapes
                if isinstance(s, URIRef) and self._reports(s)
            }
        )

    def for_class(self, cls: URIRef) -> list[str]:
        ancestors = set(self.ontology.transitive_objects(cls, RDFS.subClassOf))
        found = set()
        for shape in self.graph.subjects(SH.targetClass, None):
            if set(self.graph.objects(shape, SH.targetClass)) & ancestors:
                found.add(shape)
                found.update(self.graph.objects(shape, SH.property))
        return self._named(found)

    def for_property(self, prop: URIRef) -> list[str]:
        found = set(self.graph.subjects(SH.targetSubjectsOf, prop)) | set(
            self.graph.subjects(SH.targetObjectsOf, prop)
        )
        for shape, path in self.graph.subject_objects(SH.path):
            if prop in set(_path_properties(self.graph, path)):
                found.add(shape)
        token = re.compile(rf"\bpk:{re.escape(str(prop).rsplit('#', 1)[-1])}\b")
        for constraint, query in self.graph.subject_objects(SH.select):
            if token.search(str(query)):
                found.update(self.graph.subjects(SH.sparql, constraint))
        return self._named(found)


def _label(graph: Graph, node: Node) -> str:
    for prop in _EXAMPLE_LABELS:
        labels = _by_lang(graph, node, prop)
        for lang in ("fr", "", "en"):
            if lang in labels:
                return labels[lang]
    return ""


def _shown(graph: Graph, node: Node) -> str:
    if isinstance(node, Literal):
        text = str(node)
        text = text if len(text) <= 90 else text[:87] + "…"
        suffix = f"@{node.language}" if node.language else ""
        if node.datatype is not None and not node.language:
            suffix = f"^^{compact(node.datatype)}"
        return f'"{text}"{suffix}'
    label = _label(graph, node)
    return f"{compact(node)} « {label} »" if label else compact(node)


def _example(seeds: Graph, term: URIRef, is_class: bool) -> str:
    """The first instance (a class) or statement (a property) of the curated documents, by IRI."""
    if is_class:
        instances = sorted((s for s in seeds.subjects(RDF.type, term) if isinstance(s, URIRef)), key=str)
        return _shown(seeds, instances[0]) if instances else ""
    pairs = sorted(((s, o) for s, o in seeds.subject_objects(term) if isinstance(s, URIRef)), key=str)
    if not pairs:
        return ""
    subject, value = pairs[0]
    return f"{_shown(seeds, subject)} → {_shown(seeds, value)}"


def collect(ontology_file: Path, shapes_file: Path, seed_files: Iterable[Path]) -> list[Term]:
    """Every ``pk:`` class and property, in page order."""
    onto = Graph().parse(ontology_file)
    shapes = _Shapes(Graph().parse(shapes_file), onto)
    seeds = Graph()
    for path in sorted(seed_files):
        seeds.parse(path)
    terms = []
    for rdf_type, _heading, kind in KINDS:
        members = sorted(
            (s for s in onto.subjects(RDF.type, rdf_type) if isinstance(s, URIRef) and s.startswith(str(PK))),
            key=lambda s: str(s).casefold(),
        )
        for iri in members:
            term = Term(iri, kind)
            term.labels = _by_lang(onto, iri, RDFS.label)
            term.comments = _by_lang(onto, iri, RDFS.comment)
            is_class = rdf_type == OWL.Class
            if is_class:
                term.facts.append(("subclass of", _values(onto, iri, RDFS.subClassOf)))
            else:
                term.facts.append(("domain", _values(onto, iri, RDFS.domain)))
                term.facts.append(("range", _values(onto, iri, RDFS.range)))
                term.facts.append(("subproperty of", _values(onto, iri, RDFS.subPropertyOf)))
                kinds = [compact(k) for k in _CHARACTERISTICS if (iri, RDF.type, k) in onto]
                term.facts.append(("characteristics", ", ".join(kinds)))
                term.facts.append(("inverse of", _values(onto, iri, OWL.inverseOf)))
            term.facts.append(
                (
                    "aligned with",
                    ", ".join(
                        f"{compact(p)} {_values(onto, iri, p)}" for p in _ALIGNMENTS if (iri, p, None) in onto
                    ),
                )
            )
            if (iri, OWL.deprecated, Literal(True)) in onto:
                term.facts.append(("deprecated", f"replaced by {_values(onto, iri, DCTERMS.isReplacedBy)}"))
            term.facts = [(k, v) for k, v in term.facts if v]
            term.shapes = shapes.for_class(iri) if is_class else shapes.for_property(iri)
            term.example = _example(seeds, iri, is_class)
            terms.append(term)
    return terms


# --- Markdown ---------------------------------------------------------------------------------

INTRO = (
    "Every class and property of the progkg ontology (`ontology/progkg.ttl`, prefix `pk:` = "
    "`https://w3id.org/progkg/ontology#`): its French and English labels and definitions, domain "
    "and range, the SHACL shapes of `ontology/shapes.ttl` that check it (with their severity), and "
    "an example from the curated documents (`data/seeds/`). Generated by `progkg vocab --out docs/` "
    "— do not edit by hand; a test fails when it is out of date. Conventions: `docs/modelling.md`."
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(term: Term) -> list[tuple[str, str]]:
    rows = []
    for lang in ("fr", "en"):
        label, comment = term.labels.get(lang, ""), term.comments.get(lang, "")
        if label or comment:
            rows.append((lang, f"**{label}** — {comment}" if comment else f"**{label}**"))
    rows.extend(term.facts)
    rows.append(("shapes", ", ".join(term.shapes) or "—"))
    rows.append(("example", term.example or "— (not in the curated documents)"))
    return rows


def to_markdown(terms: list[Term]) -> str:
    lines = ["# Vocabulary reference", "", INTRO, ""]
    for _type, heading, kind in KINDS:
        members = [t for t in terms if t.kind == kind]
        lines.append(
            f"- {heading} ({len(members)}): " + ", ".join(f"[{t.name}](#{t.anchor})" for t in members)
        )
    for _type, heading, kind in KINDS:
        lines += ["", f"## {heading}"]
        for term in (t for t in terms if t.kind == kind):
            lines += ["", f"### {term.heading}", "", f"<{term.iri}>", ""]
            lines += ["| | |", "|---|---|"]
            lines += [f"| {title} | {_cell(value)} |" for title, value in _rows(term)]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.25rem .5rem;"
    "vertical-align:top}td:first-child{width:9rem;color:#555}code{background:#f4f4f4;padding:0 .2rem}"
    "h3{margin-top:2rem}"
)


def _inline(text: str) -> str:
    """Markdown's inline ``code`` and **bold** as HTML, the rest escaped."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def to_html(terms: list[Term]) -> str:
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        "<title>progkg — vocabulary reference</title>",
        f"<style>{_STYLE}</style>\n</head>\n<body>",
        "<h1>Vocabulary reference</h1>",
        f"<p>{_inline(INTRO)}</p>",
        "<ul>",
    ]
    for _type, heading, kind in KINDS:
        links = ", ".join(f'<a href="#{t.anchor}">{html.escape(t.name)}</a>' for t in terms if t.kind == kind)
        parts.append(f"<li>{heading}: {links}</li>")
    parts.append("</ul>")
    for _type, heading, kind in KINDS:
        parts.append(f"<h2>{heading}</h2>")
        for term in (t for t in terms if t.kind == kind):
            parts.append(f'<section id="{term.anchor}">')
            parts.append(f"<h3>{html.escape(term.heading)}</h3>")
            parts.append(f"<p>{html.escape(str(term.iri))}</p>")
            parts.append("<table>")
            for title, value in _rows(term):
                parts.append(f"<tr><td>{html.escape(title)}</td><td>{_inline(value)}</td></tr>")
            parts.append("</table>\n</section>")
    parts.append("</body>\n</html>")
    return "\n".join(parts) + "\n"


def render(ontology_file: Path, shapes_file: Path, seed_files: Iterable[Path]) -> dict[str, str]:
    """The two pages, by file name."""
    terms = collect(ontology_file, shapes_file, seed_files)
    return {"vocabulary.md": to_markdown(terms), "vocabulary.html": to_html(terms)}

"""The three ways to print a validation report: text for people, Turtle and JSON for tools.

* text — a summary (counts per severity and per shape, whole titles) first, then per section
  (curated data, imported releases) and per shape a few items and how many more (``--all``:
  every one), each item shown by its label, never as a bare blank node;
* turtle — the standard SHACL validation report graph (``sh:ValidationReport``), written
  by hand in a fixed order so that the same results always give the same bytes;
* json — a list of result objects, documented in docs/validation.md; RDF terms use the
  SPARQL 1.1 JSON results encoding (``{"type": "uri", "value": …}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from progkg.namespaces import PREFIXES
from progkg.validation.report import (
    CURATED,
    IMPORTED,
    SECTIONS,
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    path_to_sparql,
    path_to_turtle,
    sort_key,
)

SHAPES_NS = "https://w3id.org/progkg/shapes#"
ALL_PREFIXES = {**PREFIXES, "pks": SHAPES_NS}
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
LANGS = ("fr", "en", "both")

_SEVERITY_WORDS = {
    "fr": {"Violation": "violation", "Warning": "avertissement", "Info": "information"},
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
}


def compact(term: Node) -> str:
    """``pk:Course`` for a term of a known namespace, else ``<iri>``; literals in Turtle form."""
    if isinstance(term, URIRef):
        text = str(term)
        best = None
        for prefix, namespace in ALL_PREFIXES.items():
            if text.startswith(namespace) and _LOCAL.fullmatch(text[len(namespace) :]):
                if best is None or len(namespace) > len(ALL_PREFIXES[best]):
                    best = prefix
        return f"{best}:{text[len(ALL_PREFIXES[best]) :]}" if best else f"<{text}>"
    if isinstance(term, Literal):
        if term.datatype is not None and not term.language:
            return f"{_literal_text(term)}^^{compact(term.datatype)}"
        return term.n3()
    return term.n3()


def _literal_text(term: Literal) -> str:
    return Literal(str(term)).n3()


# --- text -------------------------------------------------------------------------------------


def _shown_value(term: Node) -> str:
    if isinstance(term, Literal):
        return str(term) if term.datatype is None or not term.language else term.n3()
    return compact(term)


def _display_label(result: ValidationResult, lang: str) -> str:
    label = result.label("fr" if lang == "both" else lang)
    if label:
        return label
    if isinstance(result.focus, BNode):
        return "(unnamed node)"
    return compact(result.focus)


#: Items shown per shape and section by default (``progkg validate --all`` shows every one).
DEFAULT_LIMIT = 3

_SECTION_TITLES = {
    "fr": {
        CURATED: "Données du projet (ontologie, données curées, correspondances)",
        IMPORTED: "Publications officielles importées (ROME, RNCP, ONISEP)",
    },
    "en": {
        CURATED: "Project data (ontology, curated data, mappings)",
        IMPORTED: "Imported official releases (ROME, RNCP, ONISEP)",
    },
}

#: What each engine counts: Oxigraph holds one statement per source graph, rdflib's merged
#: graph one per distinct triple. Both are right; the header says which is which.
_COUNTED = {
    "fr": {
        "sparql": "quads = un énoncé par graphe source : un triplet que deux sources citent compte deux "
        "fois ; pyshacl, qui fusionne les graphes, compte les triplets distincts",
        "pyshacl": "triplets distincts, les graphes sources fusionnés ; le moteur sparql compte les "
        "quads, un énoncé par graphe source, où un triplet que deux sources citent compte deux fois",
    },
    "en": {
        "sparql": "quads = one statement per source graph: a triple two sources state counts twice; "
        "pyshacl, which merges the graphs, counts distinct triples",
        "pyshacl": "distinct triples, the source graphs merged; the sparql engine counts quads, one "
        "statement per source graph, where a triple two sources state counts twice",
    },
}


def _counts(report_results: list[ValidationResult], words: dict[str, str]) -> str:
    tally = {s: sum(1 for r in report_results if r.severity == s) for s in SEVERITIES}
    # A shapes graph may define severities of its own (SHACL 2.1.5): counted under their IRI.
    for other in sorted({r.severity for r in report_results} - set(SEVERITIES)):
        tally[other] = sum(1 for r in report_results if r.severity == other)
    return ", ".join(f"{n} {words.get(s, s)}{'s' if n != 1 and s in words else ''}" for s, n in tally.items())


def _header(report: ValidationReport, lang: str) -> list[str]:
    """The run, and what its count counts (the engines count differently, and say why)."""
    pick = "en" if lang == "en" else "fr"
    unit = "quads" if report.engine == "sparql" else "triples"
    head = f"Validation ({report.engine} engine"
    if report.triples is not None:
        head += f", {report.triples} {unit}"
    if report.seconds is not None:
        head += f", {report.seconds:.1f} s"
    head += ")"
    if report.data:
        head += f": {report.data}"
    if report.triples is None or report.engine not in _COUNTED[pick]:
        return [head]
    return [head, f"  ({report.triples} {_COUNTED[pick][report.engine]})"]


def _item_lines(result: ValidationResult, lang: str, title: str) -> list[str]:
    """One finding: the item by its label (and IRI), its message when it says more than the
    shape's title above it, the path and value at fault."""
    label = _display_label(result, lang)
    lines = [f"  • {label}" + ("" if isinstance(result.focus, BNode) else f"  <{result.focus}>")]
    if lang == "both":
        lines += [f"      [{code}] {result.message(code)}" for code in ("fr", "en")]
    elif result.message(lang) != title:
        lines.append(f"      {result.message(lang)}")
    detail = []
    if result.path is not None:
        path = path_to_sparql(result.path, compact)
        if path.startswith("(") and path.endswith(")"):
            path = path[1:-1]
        detail.append(("chemin " if lang != "en" else "path ") + path)
    if result.value is not None and result.value != result.focus:
        detail.append(("valeur " if lang != "en" else "value ") + _shown_value(result.value))
    if detail:
        lines.append(f"      ({' · '.join(detail)})")
    return lines


def to_text(
    report: ValidationReport,
    lang: str = "fr",
    summary_only: bool = False,
    limit: int | None = DEFAULT_LIMIT,
    sections: Mapping[Node, str] | None = None,
) -> str:
    """The report for a steward: the summary first (per severity, per shape, whole titles), then
    per section (curated data, imported releases) and per shape, ``limit`` items and how many
    more (``None``: every item). ``sections`` maps focus nodes to :data:`CURATED` or
    :data:`IMPORTED` (:func:`progkg.validation.report.section_of`); without it, one list."""
    words = _SEVERITY_WORDS["en" if lang == "en" else "fr"]
    pick = "fr" if lang == "both" else lang
    lines = _header(report, lang)
    if report.has_violations:
        verdict = "NON CONFORME" if lang != "en" else "DOES NOT CONFORM"
    elif report.results:
        verdict = "conforme, avec remarques" if lang != "en" else "conforms, with remarks"
    else:
        verdict = "conforme" if lang != "en" else "conforms"
    lines.append(f"{verdict}: {_counts(report.results, words)}")
    if not report.results:
        return "\n".join(lines) + "\n"
    first_message: dict[Node, ValidationResult] = {}
    for result in report.results:
        first_message.setdefault(result.source_shape, result)

    def title(shape: Node) -> str:
        return report.title(shape, pick) or first_message[shape].message(pick)

    section_of = (lambda r: sections.get(r.focus, CURATED)) if sections is not None else (lambda r: "")
    present = [s for s in SECTIONS if any(section_of(r) == s for r in report.results)] if sections else [""]
    short = {
        "fr": {CURATED: "projet", IMPORTED: "importées"},
        "en": {CURATED: "project", IMPORTED: "imported"},
    }
    lines.append("")
    lines.append("Par contrainte :" if lang != "en" else "Per shape:")
    for severity, shape, count in report.per_shape():
        line = f"  {words.get(severity, severity):<14} {count:>6}  {compact(shape)} — {title(shape)}"
        if len(present) > 1:
            per = {
                s: sum(1 for r in report.results if r.source_shape == shape and section_of(r) == s)
                for s in present
            }
            split = [f"{short['en' if lang == 'en' else 'fr'][s]} {n}" for s, n in per.items() if n]
            line += f" ({', '.join(split)})"
        lines.append(line)
    lines.append("")
    if summary_only:
        return "\n".join(lines)
    for section in present:
        chosen = [r for r in report.results if section_of(r) == section]
        if section:
            heading = _SECTION_TITLES["en" if lang == "en" else "fr"][section]
            lines.append(
                f"== {heading} : {_counts(chosen, words)}"
                if lang != "en"
                else f"== {heading}: {_counts(chosen, words)}"
            )
            lines.append("")
        by_shape: dict[Node, list[ValidationResult]] = {}
        for result in chosen:
            by_shape.setdefault(result.source_shape, []).append(result)
        for severity, shape, _count in report.per_shape():
            items = [r for r in by_shape.get(shape, []) if r.severity == severity]
            if not items:
                continue
            items.sort(key=lambda r: (_display_label(r, lang).casefold(), str(r.focus), sort_key(r)))
            lines.append(
                f"{words.get(severity, severity)} · {compact(shape)} — {title(shape)} ({len(items)})"
            )
            shown = items if limit is None else items[:limit]
            for result in shown:
                lines.extend(_item_lines(result, lang, title(shape)))
            if len(items) > len(shown):
                more = len(items) - len(shown)
                lines.append(f"  … {more} de plus (--all)" if lang != "en" else f"  … {more} more (--all)")
            lines.append("")
    return "\n".join(lines)


# --- turtle -----------------------------------------------------------------------------------


def _turtle_term(term: Node) -> str:
    if isinstance(term, BNode):
        # Blank focus nodes cannot be named across documents; keep a stable label.
        return f"_:{re.sub(r'[^A-Za-z0-9_]', '_', str(term))}"
    return compact(term)


def to_turtle(report: ValidationReport) -> str:
    """The standard SHACL validation report graph, in a fixed order (same results, same bytes)."""
    used = {"sh", "xsd"}
    body = []
    for result in report.results:
        props = [
            ("a", "sh:ValidationResult"),
            ("sh:focusNode", _turtle_term(result.focus)),
        ]
        if result.path is not None:
            props.append(("sh:resultPath", path_to_turtle(result.path, _turtle_term)))
        props.append(("sh:resultSeverity", f"sh:{result.severity}"))
        props.append(("sh:sourceConstraintComponent", _turtle_term(result.component)))
        props.append(("sh:sourceShape", _turtle_term(result.source_shape)))
        if result.source_constraint is not None:
            props.append(("sh:sourceConstraint", _turtle_term(result.source_constraint)))
        if result.value is not None:
            props.append(("sh:value", _turtle_term(result.value)))
        for lang, text in result.messages:
            props.append(("sh:resultMessage", Literal(text, lang=lang or None).n3()))
        body.append("        [ " + " ;\n            ".join(f"{p} {o}" for p, o in props) + " ]")
    text = "\n".join(body)
    for prefix in ALL_PREFIXES:
        if re.search(rf"(?<![\w:<\"]){re.escape(prefix)}:", text):
            used.add(prefix)
    lines = [f"@prefix {p}: <{ALL_PREFIXES[p]}> ." for p in sorted(used)]
    lines.append("")
    lines.append("[] a sh:ValidationReport ;")
    if report.results:
        lines.append(f"    sh:conforms {'true' if report.conforms else 'false'} ;")
        lines.append("    sh:result\n" + " ,\n".join(body) + " .")
    else:
        lines.append("    sh:conforms true .")
    return "\n".join(lines) + "\n"


# --- json -------------------------------------------------------------------------------------


def json_term(term: Node | None) -> dict | None:
    """An RDF term in the SPARQL 1.1 Query Results JSON encoding."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def result_to_json(result: ValidationResult, lang: str = "fr") -> dict:
    pick = "fr" if lang == "both" else lang
    return {
        "focusNode": json_term(result.focus),
        "focusLabel": _display_label(result, pick),
        "severity": result.severity,
        "path": path_to_sparql(result.path) if result.path is not None else None,
        "message": result.message(pick),
        "messages": {code or "und": text for code, text in result.messages},
        "sourceShape": str(result.source_shape),
        "sourceConstraintComponent": str(result.component),
        "sourceConstraint": str(result.source_constraint) if result.source_constraint is not None else None,
        "value": json_term(result.value),
    }


def to_json(report: ValidationReport, lang: str = "fr") -> str:
    """A JSON list with one object per result (docs/validation.md documents the keys)."""
    return json.dumps([result_to_json(r, lang) for r in report.results], ensure_ascii=False, indent=2) + "\n"


def render(
    report: ValidationReport,
    fmt: str,
    lang: str = "fr",
    summary_only: bool = False,
    limit: int | None = DEFAULT_LIMIT,
    sections: Mapping[Node, str] | None = None,
) -> str:
    if fmt == "text":
        return to_text(report, lang, summary_only, limit, sections)
    if fmt == "turtle":
        return to_turtle(report)
    if fmt == "json":
        return to_json(report, lang)
    raise ValueError(f"unknown format {fmt!r}")

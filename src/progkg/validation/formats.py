"""The three ways to print a validation report: text for people, Turtle and JSON for tools.

* text — a summary (counts per severity and per shape) first, then the results grouped by
  focus node, each node shown by its label, never as a bare blank node;
* turtle — the standard SHACL validation report graph (``sh:ValidationReport``), written
  by hand in a fixed order so that the same results always give the same bytes;
* json — a list of result objects, documented in docs/validation.md; RDF terms use the
  SPARQL 1.1 JSON results encoding (``{"type": "uri", "value": …}``).
"""

from __future__ import annotations

import json
import re
from itertools import groupby

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from progkg.namespaces import PREFIXES
from progkg.validation.report import (
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    path_to_sparql,
    path_to_turtle,
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


def to_text(report: ValidationReport, lang: str = "fr", summary_only: bool = False) -> str:
    """The report for a person: summary first, then results grouped by focus node."""
    words = _SEVERITY_WORDS["en" if lang == "en" else "fr"]
    lines = []
    head = f"Validation ({report.engine} engine"
    if report.triples is not None:
        head += f", {report.triples} triples"
    if report.seconds is not None:
        head += f", {report.seconds:.1f} s"
    head += ")"
    if report.data:
        head += f": {report.data}"
    lines.append(head)
    counts = ", ".join(
        f"{report.count(s)} {words[s]}{'s' if report.count(s) != 1 else ''}" for s in SEVERITIES
    )
    if report.has_violations:
        verdict = "NON CONFORME" if lang != "en" else "DOES NOT CONFORM"
    elif report.results:
        verdict = "conforme, avec remarques" if lang != "en" else "conforms, with remarks"
    else:
        verdict = "conforme" if lang != "en" else "conforms"
    lines.append(f"{verdict}: {counts}")
    if not report.results:
        return "\n".join(lines) + "\n"
    lines.append("")
    lines.append("Par contrainte :" if lang != "en" else "Per shape:")
    pick = "fr" if lang == "both" else lang
    first_message = {}
    for result in report.results:
        first_message.setdefault(result.source_shape, result)
    for severity, shape, count in report.per_shape():
        sample = report.title(shape, pick) or first_message[shape].message(pick)
        sample = re.sub(r"\s*[:(].*$", "", sample) if len(sample) > 70 else sample
        lines.append(f"  {words[severity]:<14} {count:>6}  {compact(shape)} — {sample}")
    lines.append("")
    if summary_only:
        return "\n".join(lines)
    by_focus = sorted(
        report.results,
        key=lambda r: (_display_label(r, lang).casefold(), str(r.focus)),
    )
    groups = []
    for _focus, items in groupby(by_focus, key=lambda r: r.focus):
        items = list(items)
        worst = min(SEVERITIES.index(r.severity) for r in items)
        groups.append((worst, _display_label(items[0], lang).casefold(), str(items[0].focus), items))
    groups.sort(key=lambda g: g[:3])
    for _worst, _label, _focus, items in groups:
        first = items[0]
        lines.append(_display_label(first, lang))
        if not isinstance(first.focus, BNode):
            lines.append(f"  <{first.focus}>")
        for result in sorted(items, key=lambda r: (SEVERITIES.index(r.severity), compact(r.source_shape))):
            where = path_to_sparql(result.path, compact) if result.path is not None else "—"
            lines.append(f"  {words[result.severity]:<14} {where}")
            if lang == "both":
                for code in ("fr", "en"):
                    lines.append(f"      [{code}] {result.message(code)}")
            else:
                lines.append(f"      {result.message(lang)}")
            detail = f"shape {compact(result.source_shape)}"
            if result.value is not None and result.value != result.focus:
                detail = f"value {_shown_value(result.value)} · " + detail
            lines.append(f"      ({detail})")
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


def render(report: ValidationReport, fmt: str, lang: str = "fr", summary_only: bool = False) -> str:
    if fmt == "text":
        return to_text(report, lang, summary_only)
    if fmt == "turtle":
        return to_turtle(report)
    if fmt == "json":
        return to_json(report, lang)
    raise ValueError(f"unknown format {fmt!r}")

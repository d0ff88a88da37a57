"""The reference engine: pyshacl over an rdflib graph.

Slow on large graphs (measured at 1e6 triples: ~160 s plus ~50 s to load) but it is a
complete, independent SHACL implementation, so it stays available
(``progkg validate --engine pyshacl``) and is what the fast engine is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from progkg.errors import ProgkgError
from progkg.validation.report import ValidationResult, read_path, severity_name

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def run(data: Graph, shapes: Graph, progress: Progress = _quiet) -> list[ValidationResult]:
    """Validate ``data`` (which must include the ontology) against ``shapes``."""
    import pyshacl  # noqa: PLC0415 — slow to import; only this engine needs it

    progress(f"pyshacl: validating {len(data)} triples")
    try:
        _conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=_strict_booleans(shapes),
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
        )
    except Exception as exc:  # pyshacl raises its own error types for broken shapes
        raise ProgkgError(f"pyshacl could not validate: {type(exc).__name__}: {exc}") from exc
    return read_report(report, shapes)


#: Boolean parameters that SHACL turns on only for the literal ``true``.
_BOOLEAN_PARAMETERS = (SH.uniqueLang, SH.deactivated, SH.closed, SH.qualifiedValueShapesDisjoint)


def _strict_booleans(shapes: Graph) -> Graph:
    """``shapes`` with ``"1"^^xsd:boolean`` and the like read as false where SHACL says only
    ``true`` counts (pyshacl reads the literal's value, so "1" would switch them on)."""
    odd = [
        (s, p, o)
        for p in _BOOLEAN_PARAMETERS
        for s, o in shapes.subject_objects(p)
        if isinstance(o, Literal) and str(o) not in ("true", "false")
    ]
    if not odd:
        return shapes
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy += shapes
    for s, p, o in odd:
        copy.remove((s, p, o))
        copy.add((s, p, Literal(False)))
    return copy


def _severity(term: Node) -> str:
    return severity_name(term) if str(term).startswith(str(SH)) else str(term)


def read_report(report: Graph, shapes: Graph) -> list[ValidationResult]:
    """The results of a standard SHACL validation report graph: those of the report itself,
    not the ``sh:detail`` results nested under them (pyshacl gives those for sh:node…)."""
    results = []
    tops = [
        node
        for root in report.subjects(RDF.type, SH.ValidationReport)
        for node in report.objects(root, SH.result)
    ]
    for node in tops:
        path_node = report.value(node, SH.resultPath)
        constraint = report.value(node, SH.sourceConstraint)
        raw = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
        results.append(
            ValidationResult(
                focus=report.value(node, SH.focusNode),
                severity=_severity(report.value(node, SH.resultSeverity)),
                source_shape=report.value(node, SH.sourceShape),
                component=report.value(node, SH.sourceConstraintComponent),
                path=read_path(report, path_node) if path_node is not None else None,
                value=report.value(node, SH.value),
                messages=_tag_languages(raw, shapes, constraint),
                source_constraint=constraint if isinstance(constraint, URIRef) else None,
            )
        )
    return results


def _tag_languages(
    messages: list[Literal], shapes: Graph, constraint: Node | None
) -> tuple[tuple[str, str], ...]:
    """(language, text) pairs; gives back the language pyshacl drops when it fills in
    ``{?var}`` placeholders, by matching each text against the constraint's templates."""
    templates = []
    if constraint is not None:
        for template in shapes.objects(constraint, SH.message):
            if isinstance(template, Literal) and template.language:
                parts = re.split(r"\{[?$]\w+\}", str(template))
                pattern = ".*".join(re.escape(part) for part in parts)
                templates.append((re.compile(f"^{pattern}$", re.S), template.language))
    tagged = []
    for message in messages:
        lang = message.language or ""
        if not lang:
            lang = next((tl for regex, tl in templates if regex.match(str(message))), "")
        tagged.append((lang, str(message)))
    return tuple(sorted(set(tagged)))

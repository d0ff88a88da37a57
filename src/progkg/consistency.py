"""Build-time checks of curated data that SHACL cannot locate in a file.

Why here and not in the shapes: a course given two different hour counts in two files, or a
ROME code that does not exist, is a *mistake in an input file*; the user needs the file and
line to fix it, and the build must stop before publishing anything. SHACL reports on the
merged graph, where the file is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import ProgkgError, located
from progkg.namespaces import ID

OWL_FUNCTIONAL = "http://www.w3.org/2002/07/owl#FunctionalProperty"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ROME_PREFIX = str(ID) + "rome/"
ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")
PK_ROME_CODE = "https://w3id.org/progkg/ontology#RomeCode"


def line_of(path: Path, iri: str) -> int | None:
    """The first line of ``path`` that mentions ``iri`` (in full, or by its local name)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    local = re.split(r"[/#]", iri)[-1]
    for needle in (f"<{iri}>", iri, local):
        if not needle:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line and not line.lstrip().startswith("#"):
                return number
    return None


def _show(term: ox.Term) -> str:
    return term.value if isinstance(term, ox.Literal) else str(term)


def functional_properties(ontology_quads: Iterable[ox.Quad]) -> set[str]:
    return {
        q.subject.value
        for q in ontology_quads
        if q.predicate.value == RDF_TYPE and q.object.value == OWL_FUNCTIONAL
    }


def check_functional(curated: Sequence[tuple[str, Path, list[ox.Quad]]], functional: set[str]) -> None:
    """Refuse two different values of a functional property (e.g. a course's CM hours)."""
    seen: dict[tuple[str, str], tuple[ox.Term, str, Path]] = {}
    for display, path, quads in curated:
        for q in quads:
            if q.predicate.value not in functional:
                continue
            key = (q.subject.value, q.predicate.value)
            previous = seen.get(key)
            if previous is None:
                seen[key] = (q.object, display, path)
                continue
            if previous[0] != q.object:
                other_value, other_display, other_path = previous
                prop = q.predicate.value.rsplit("#", 1)[-1]
                shown_new, shown_old = _show(q.object), _show(other_value)
                where_before = other_display
                line_before = line_of(other_path, q.subject.value)
                if line_before:
                    where_before += f":{line_before}"
                raise ProgkgError(
                    located(
                        display,
                        f"<{q.subject.value}> has {prop} {shown_new} here but {shown_old} in "
                        f"{where_before}: one value only (is an IRI used twice for two things?)",
                        line_of(path, q.subject.value),
                    )
                )


def check_rome_references(
    curated: Sequence[tuple[str, Path, list[ox.Quad]]], known_codes: set[str] | None
) -> None:
    """Refuse curated references to ROME codes that are malformed or, once ROME has been
    imported, that the release does not contain."""
    for display, path, quads in curated:
        for q in quads:
            for term in (q.subject, q.object):
                if not isinstance(term, ox.NamedNode) or not term.value.startswith(ROME_PREFIX):
                    continue
                rest = term.value[len(ROME_PREFIX) :]
                if "/" in rest:  # appellations and other ROME sub-schemes
                    continue
                if not ROME_CODE.match(rest):
                    raise ProgkgError(
                        located(
                            display,
                            f'"{rest}" is not a ROME code (expected a letter A–N and 4 digits, e.g. K1802)',
                            line_of(path, term.value),
                        )
                    )
                if known_codes is not None and rest not in known_codes:
                    raise ProgkgError(
                        located(
                            display,
                            f"unknown ROME code {rest}: it is not in the imported ROME release",
                            line_of(path, term.value),
                        )
                    )


def rome_codes_in_store(store: ox.Store, graph: str) -> set[str] | None:
    """The ROME codes of an imported release, or None when no ROME release is imported."""
    g = ox.NamedNode(graph)
    if not store.contains_named_graph(g):
        return None
    codes = set()
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(PK_ROME_CODE), g):
        value = q.subject.value
        if value.startswith(ROME_PREFIX):
            codes.add(value[len(ROME_PREFIX) :])
    return codes or None

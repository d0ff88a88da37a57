"""Which engine checks a run: the fast sparql engine when it can check everything exactly,
else pyshacl for the whole run — said in one line on stderr, never silently.

Why a whole-run hand-over rather than mixing engines: results of the two engines then never
meet in one report, and "conforms" always comes from one engine that checked every shape.
The sparql engine compiles all of SHACL Core and SHACL-SPARQL; it steps aside when

* the shapes use what it does not compile (recursive shapes, a blank node named as a
  constant, sh:property two levels under property shapes…): :attr:`ShapesModel.unsupported`,
  or, found while compiling or running, a conformance test too large
  (:class:`~progkg.validation.conformance.TooLarge`) or a blank focus node for a query run
  node by node (:class:`~progkg.validation.sparql_engine.BlankFocus`);
* the data files hold a literal the Oxigraph store would rewrite (``"1"^^xsd:boolean`` is
  stored as ``"true"``, ``"4.0"`` decimal as ``"4"``, ``"5"^^xsd:int`` as
  ``"5"^^xsd:integer``: Oxigraph issues #526 and #1413) *and* it matters: a check reads
  literals' forms (sh:pattern, lengths, sh:in, sh:hasValue, SPARQL), two written literals
  would become one, or an out-of-range integer could meet a comparison (:func:`plan`).
  Otherwise the results give such literals back as written, and integers written with a
  subtype are told to sh:datatype as written. Measured on the parsed terms, not predicted.

The project's own ``ontology/shapes.ttl`` uses none of these, and the build's dump is
written by the store (its literals are already in the store's form), so ``progkg validate``
of the build stays on the fast engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from progkg.validation import pyshacl_engine, sparql_engine
from progkg.validation.conformance import TooLarge
from progkg.validation.report import ValidationResult
from progkg.validation.shapes import ShapesModel
from progkg.validation.terms import RDF_LANG_STRING, XSD_STRING, add_quads, to_oxigraph, to_rdflib

Notice = Callable[[str], None]

_SCRATCH_S = ox.NamedNode("urn:x-progkg:literal-check")
_SCRATCH_P = ox.NamedNode("urn:x-progkg:value")


def store_forms(literals: Iterable[ox.Literal]) -> tuple[dict[ox.Literal, ox.Literal], set[ox.Literal]]:
    """(written → stored for each typed literal the Oxigraph store does not keep as written,
    every distinct typed literal).

    Measured rather than predicted: the distinct typed literals go through a scratch store
    and come back; those that do not come back unchanged go through a second one, each under
    a subject of its own, to see what each becomes.
    """
    distinct = {
        lit
        for lit in literals
        if isinstance(lit, ox.Literal)
        and not lit.language
        and lit.datatype.value not in (XSD_STRING, RDF_LANG_STRING)
    }
    if not distinct:
        return {}, distinct
    scratch = ox.Store()
    scratch.extend(ox.Quad(_SCRATCH_S, _SCRATCH_P, lit) for lit in distinct)
    back = {quad.object for quad in scratch}
    if back == distinct:
        return {}, distinct
    missing = sorted((lit for lit in distinct if lit not in back), key=str)
    probe = ox.Store()
    probe.extend(
        ox.Quad(ox.NamedNode(f"urn:x-progkg:literal:{i}"), _SCRATCH_P, lit) for i, lit in enumerate(missing)
    )
    changed = {missing[int(q.subject.value.rsplit(":", 1)[1])]: q.object for q in probe}
    return changed, distinct


def rewritten_literal(literals: Iterable[ox.Literal]) -> ox.Literal | None:
    """A literal among ``literals`` that the Oxigraph store does not keep as written, or None."""
    changed, _ = store_forms(literals)
    return min(changed, key=str, default=None)


def data_literals(quads: Iterable[ox.Quad]) -> Iterable[ox.Literal]:
    """The literals of ``quads`` (objects; RDF 1.1 has no literal subjects)."""
    return (quad.object for quad in quads if isinstance(quad.object, ox.Literal))


def shape_constants(model: ShapesModel) -> Iterable[ox.Literal]:
    """The literals the compiled queries compare data terms with (sh:in members, sh:hasValue,
    literal sh:targetNode): other literals of the shapes (counts, bounds, patterns) are read
    by progkg itself, not through the store."""
    graph = model.graph
    for shape in model.shapes.values():
        found = [v for k, v in shape.targets if k == SH.targetNode]
        found += [v for k, v in shape.parameters if k == SH.hasValue]
        found += [m for k, v in shape.parameters if k == SH["in"] for m in graph.items(v)]
        yield from (to_oxigraph(v) for v in found if isinstance(v, Literal))


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
#: The integer datatypes Oxigraph stores as xsd:integer, and their value ranges (XSD 1.1).
INTEGER_RANGES = {
    f"http://www.w3.org/2001/XMLSchema#{name}": bounds
    for name, bounds in {
        "long": (-(2**63), 2**63 - 1),
        "int": (-(2**31), 2**31 - 1),
        "short": (-(2**15), 2**15 - 1),
        "byte": (-(2**7), 2**7 - 1),
        "unsignedLong": (0, 2**64 - 1),
        "unsignedInt": (0, 2**32 - 1),
        "unsignedShort": (0, 2**16 - 1),
        "unsignedByte": (0, 2**8 - 1),
        "nonNegativeInteger": (0, None),
        "positiveInteger": (1, None),
        "nonPositiveInteger": (None, 0),
        "negativeInteger": (None, -1),
    }.items()
}
#: Past this many retyped literals, sh:datatype would carry too long a list: pyshacl instead.
MAX_RETYPED = 500


def _in_range(literal: ox.Literal) -> bool:
    """True when an integer literal written with a subtype (xsd:byte…) is within its range."""
    low, high = INTEGER_RANGES[literal.datatype.value]
    try:
        value = int(literal.value.strip())
    except ValueError:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


#: Checks whose outcome depends on a literal's lexical form or exact term, not only its value.
FORM_SENSITIVE = {SH.pattern, SH.minLength, SH.maxLength, SH["in"], SH.hasValue}


def _form_check(model: ShapesModel, datatype_changed: bool) -> str | None:
    """The first check of ``model`` that a rewritten literal could fool, or None."""
    for shape in model.shapes.values():
        if shape.sparql:
            return f"the SPARQL constraint of {shape.node}"
        if shape.components:
            return f"the SPARQL-based constraint component {shape.components[0].component} of {shape.node}"
        for parameter, _value in shape.parameters:
            if parameter in FORM_SENSITIVE or (datatype_changed and parameter in (SH.datatype, SH["or"])):
                return f"{parameter.n3(model.graph.namespace_manager)} of {shape.node}"
    return None


def _comparison(model: ShapesModel) -> str | None:
    """The first value comparison of ``model`` (sh:minInclusive…, sh:lessThan…), or None."""
    for shape in model.shapes.values():
        for parameter, _value in shape.parameters:
            if parameter in COMPARING:
                return f"{parameter.n3(model.graph.namespace_manager)} of {shape.node}"
    return None


COMPARING = {
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.lessThan,
    SH.lessThanOrEquals,
}


@dataclass
class Plan:
    """How a run goes: ``reason`` to hand it to pyshacl (None: the fast engine), and the
    literals to give back as written in the fast engine's results (store form → written)."""

    reason: str | None
    written: dict[Node, Node] = field(default_factory=dict)
    #: integers stored as xsd:integer but written with a subtype: stored term → (the written
    #: datatype, whether the value is in that datatype's range)
    retyped: dict[Node, tuple[URIRef, bool]] = field(default_factory=dict)


def plan(model: ShapesModel, literals: Iterable[ox.Literal] = ()) -> Plan:
    """Whether the sparql engine can check this run exactly.

    A literal the store rewrites is harmless when no check looks at its form (only value
    comparisons, counts, classes, node kinds…) and no two written literals become one: the
    fast engine then runs, and its results are given the literals back as written.
    """
    if model.unsupported:
        more = len(model.unsupported) - 1
        return Plan(model.unsupported[0] + (f" (and {more} more)" if more else ""))
    # the queries' constants are rewritten the same way as the data (sh:targetNode "4.0" gives
    # the focus node "4"): they are mapped back, or refused, with the data's literals
    changed, distinct = store_forms([*shape_constants(model), *literals])
    if not changed:
        return Plan(None)
    found = min(changed, key=str)
    stored = list(changed.values())
    if len(set(stored)) < len(stored) or any(form in distinct for form in stored):
        return Plan(f"two literals of the data, {found} among them, would become one in the Oxigraph store")
    retyped = {s: w for w, s in changed.items() if w.datatype != s.datatype}
    # integers written as xsd:int, xsd:byte… are stored as xsd:integer: sh:datatype is then
    # told, literal by literal, what they were written as (a short list, or pyshacl)
    known = all(
        s.datatype.value == XSD_INTEGER and w.datatype.value in INTEGER_RANGES for s, w in retyped.items()
    )
    check = _form_check(model, datatype_changed=bool(retyped) and not (known and len(retyped) <= MAX_RETYPED))
    if check is None and not all(_in_range(w) for w in retyped.values()):
        # "300"^^xsd:byte is ill-typed as written (a comparison with it is an error: a
        # result) but a fine xsd:integer in the store
        check = _comparison(model)
    if check is not None:
        return Plan(f"the literal {found} would not be kept as written by the Oxigraph store ({check})")
    return Plan(
        None,
        {to_rdflib(s): to_rdflib(w) for w, s in changed.items()},
        {to_rdflib(s): (URIRef(w.datatype.value), _in_range(w)) for s, w in retyped.items()},
    )


def pyshacl_reason(model: ShapesModel, literals: Iterable[ox.Literal] = ()) -> str | None:
    """Why the sparql engine cannot check this run exactly, or None when it can."""
    return plan(model, literals).reason


def _as_written(result: ValidationResult, written: dict[Node, Node]) -> ValidationResult:
    return replace(
        result,
        focus=written.get(result.focus, result.focus),
        value=written.get(result.value, result.value) if result.value is not None else None,
    )


def notice_line(reason: str) -> str:
    """The one line that says the run went to pyshacl, and why."""
    return f"progkg: validating with pyshacl instead of the sparql engine: {reason}"


def run(
    store: ox.Store,
    model: ShapesModel,
    data_graph: Callable[[], Graph],
    *,
    literals: Iterable[ox.Literal] = (),
    notice: Notice,
    progress: sparql_engine.Progress = sparql_engine._quiet,
    pyshacl_progress: Callable[[str], None] = lambda _m: None,
) -> tuple[list[ValidationResult], str]:
    """(results, engine that produced them) for the union of ``store``'s graphs.

    ``data_graph`` builds the rdflib graph pyshacl needs, only when it is needed;
    ``literals`` are the data's literals as parsed (empty for the build's dump, which the
    store wrote).
    """
    chosen = plan(model, literals)
    reason = chosen.reason
    if reason is None:
        try:
            results = sparql_engine.run(store, model, progress, retyped=chosen.retyped)
        except (TooLarge, sparql_engine.BlankFocus) as exc:  # what the queries found so far is dropped
            reason = str(exc)
        else:
            if chosen.written:
                results = [_as_written(r, chosen.written) for r in results]
            return results, "sparql"
    notice(notice_line(reason))
    return pyshacl_engine.run(data_graph(), model.graph, pyshacl_progress), "pyshacl"


def graph_of(quads: Iterable[ox.Quad]) -> Graph:
    """The union of ``quads``' graphs as one rdflib graph (for pyshacl)."""
    graph = Graph()
    add_quads(graph, quads)
    return graph

"""Which engine checks a run: the fast sparql engine when it can check everything exactly,
else pyshacl for the whole run — said in one line on stderr, never silently.

Why a whole-run hand-over rather than mixing engines: results of the two engines then never
meet in one report, and "conforms" always comes from one engine that checked every shape.
The sparql engine steps aside when

* the shapes use something it does not compile (``sh:node``, ``sh:and``/``or``/``not``/
  ``xone`` of shapes, qualified shapes, ``sh:closed``, ``sh:hasValue``, ``sh:equals``,
  ``sh:disjoint``, SPARQL-based constraint components, ``sh:property`` under a property
  shape, a SPARQL constraint that cannot be joined to all focus nodes at once or uses
  ``$shapesGraph``): :attr:`ShapesModel.unsupported`;
* the data or the shapes hold a literal the Oxigraph store would rewrite (``"5"^^xsd:int``
  is stored as ``"5"^^xsd:integer``, ``"1"^^xsd:boolean`` as ``"true"``, ``"4.0"`` decimal
  as ``"4"``: Oxigraph issues #526 and #1413), since the datatype, the lexical form and the
  term itself are then not what the file says. Checked on the parsed terms, not the store.

The project's own ``ontology/shapes.ttl`` uses none of these, and the build's dump is
written by the store (its literals are already in the store's form), so ``progkg validate``
of the build stays on the fast engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal

from progkg.validation import pyshacl_engine, sparql_engine
from progkg.validation.conformance import TooLarge
from progkg.validation.report import ValidationResult
from progkg.validation.shapes import ShapesModel
from progkg.validation.terms import RDF_LANG_STRING, XSD_STRING, add_quads, to_oxigraph

Notice = Callable[[str], None]

_SCRATCH_S = ox.NamedNode("urn:x-progkg:literal-check")


def rewritten_literal(literals: Iterable[ox.Literal]) -> ox.Literal | None:
    """A literal among ``literals`` that the Oxigraph store does not keep as written, or None.

    Measured rather than predicted: the distinct typed literals go through a scratch store
    and come back; any that does not come back unchanged (or merged with another) is one.
    """
    distinct = {
        lit
        for lit in literals
        if isinstance(lit, ox.Literal)
        and not lit.language
        and lit.datatype.value not in (XSD_STRING, RDF_LANG_STRING)
    }
    if not distinct:
        return None
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:x-progkg:value")
    scratch.extend(ox.Quad(_SCRATCH_S, predicate, lit) for lit in distinct)
    back = {quad.object for quad in scratch}
    if back == distinct:
        return None
    return min((lit for lit in distinct if lit not in back), key=str, default=None)


def data_literals(quads: Iterable[ox.Quad]) -> Iterable[ox.Literal]:
    """The literals of ``quads`` (objects; RDF 1.1 has no literal subjects)."""
    return (quad.object for quad in quads if isinstance(quad.object, ox.Literal))


def shapes_literals(shapes: Graph) -> Iterable[ox.Literal]:
    """The literals of the shapes graph (sh:in members, sh:hasValue, literal sh:targetNode…)."""
    return (to_oxigraph(o) for o in shapes.objects() if isinstance(o, Literal))


def pyshacl_reason(model: ShapesModel, literals: Iterable[ox.Literal] = ()) -> str | None:
    """Why the sparql engine cannot check this run exactly, or None when it can."""
    if model.unsupported:
        more = len(model.unsupported) - 1
        return model.unsupported[0] + (f" (and {more} more)" if more else "")
    found = rewritten_literal([*shapes_literals(model.graph), *literals])
    if found is not None:
        return f"the literal {found} would not be kept as written by the Oxigraph store"
    return None


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
    reason = pyshacl_reason(model, literals)
    if reason is None:
        try:
            return sparql_engine.run(store, model, progress), "sparql"
        except TooLarge as exc:  # raised while compiling, before any query ran
            reason = str(exc)
    notice(notice_line(reason))
    return pyshacl_engine.run(data_graph(), model.graph, pyshacl_progress), "pyshacl"


def graph_of(quads: Iterable[ox.Quad]) -> Graph:
    """The union of ``quads``' graphs as one rdflib graph (for pyshacl)."""
    graph = Graph()
    add_quads(graph, quads)
    return graph

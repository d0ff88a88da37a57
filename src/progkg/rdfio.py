"""Reading RDF files strictly and deterministically.

Why not just ``Store.load``: a user's hand-edited Turtle must fail with the file, line
and column of the mistake; ill-typed literals (``"vingt"^^xsd:integer``) that parsers
accept silently must be caught; and blank nodes, which parsers name at random, must get
stable names so that the same input always gives the same bytes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import ProgkgError, located

XSD = "http://www.w3.org/2001/XMLSchema#"
GENID = "https://w3id.org/progkg/.well-known/genid/"

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
_DURATION = re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")
_GYEAR = re.compile(r"-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?")


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _valid_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _valid_decimal(value: str) -> bool:
    if not _DECIMAL.fullmatch(value):
        return False
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


_CHECKS = {
    XSD + "integer": lambda v: bool(_INTEGER.fullmatch(v)),
    XSD + "nonNegativeInteger": lambda v: bool(_INTEGER.fullmatch(v)) and not v.startswith("-"),
    XSD + "positiveInteger": lambda v: bool(_INTEGER.fullmatch(v)) and int(v) > 0,
    XSD + "int": lambda v: bool(_INTEGER.fullmatch(v)),
    XSD + "decimal": _valid_decimal,
    XSD + "double": lambda v: bool(_DOUBLE.fullmatch(v)),
    XSD + "float": lambda v: bool(_DOUBLE.fullmatch(v)),
    XSD + "boolean": lambda v: v in ("true", "false", "1", "0"),
    XSD + "date": _valid_date,
    XSD + "dateTime": _valid_datetime,
    XSD + "duration": lambda v: bool(_DURATION.fullmatch(v)),
    XSD + "gYear": lambda v: bool(_GYEAR.fullmatch(v)),
}


def check_literal(literal: ox.Literal) -> str | None:
    """Why ``literal`` is ill-typed, or None when its lexical form fits its datatype."""
    check = _CHECKS.get(literal.datatype.value)
    if check is None or check(literal.value):
        return None
    return f'"{literal.value}" is not a valid {literal.datatype.value.replace(XSD, "xsd:")}'


def _line_of(text: str, needle: str) -> int | None:
    """The first line holding ``needle`` outside a comment line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line and not line.lstrip().startswith("#"):
            return number
    return None


def _format_of(path: Path) -> ox.RdfFormat:
    name = path.name.lower()
    for suffix, fmt in (
        (".ttl", ox.RdfFormat.TURTLE),
        (".nq", ox.RdfFormat.N_QUADS),
        (".nt", ox.RdfFormat.N_TRIPLES),
        (".trig", ox.RdfFormat.TRIG),
    ):
        if name.endswith(suffix):
            return fmt
    raise ProgkgError(f"{path}: unknown RDF file type (expected .ttl, .nt, .nq or .trig)")


def read_rdf(path: Path, graph: str | None = None, display: str | None = None) -> list[ox.Quad]:
    """Parse ``path`` into quads placed in ``graph`` (or the file's own graphs).

    Raises :class:`ProgkgError` naming file, line and column on a syntax error, an
    undefined prefix, a wrong encoding or an ill-typed literal. Blank nodes are renamed
    ``genid/<graph-or-file>/bN`` in order of first appearance, which is stable for a
    given file.
    """
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgkgError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ProgkgError(
            located(shown, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", line)
        ) from None
    if text.startswith("\ufeff"):  # a byte-order mark, as Windows editors write: harmless
        text = text[1:]
        raw = raw[3:]
    fmt = _format_of(path)
    target = ox.NamedNode(graph) if graph else None
    prefix = GENID + (graph.rsplit("/graph/", 1)[-1] if graph else path.stem) + "/b"
    bnodes: dict[str, ox.NamedNode] = {}

    def skolem(term):
        if isinstance(term, ox.BlankNode):
            named = bnodes.get(term.value)
            if named is None:
                named = bnodes[term.value] = ox.NamedNode(f"{prefix}{len(bnodes)}")
            return named
        return term

    quads: list[ox.Quad] = []
    try:
        for quad in ox.parse(raw, format=fmt, base_iri=None):
            obj = quad.object
            if isinstance(obj, ox.Literal):
                problem = check_literal(obj)
                if problem:
                    line = _line_of(text, f'"{obj.value}"')
                    raise ProgkgError(located(shown, problem, line))
            g = target if target is not None else quad.graph_name
            quads.append(ox.Quad(skolem(quad.subject), quad.predicate, skolem(obj), g))
    except SyntaxError as exc:
        message = str(exc)
        message = re.sub(r"^Parser error at line \d+ (column \d+|between columns \d+ and \d+): ", "", message)
        message = re.sub(r" \(line \d+\)$", "", message)
        raise ProgkgError(located(shown, message, exc.lineno, exc.offset)) from None
    return quads


def sorted_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """Canonically ordered N-Quads: same quads, same bytes."""
    lines = sorted({f"{q} .\n" for q in quads})
    return "".join(lines).encode("utf-8")


def iter_lines_sorted(data: bytes) -> Iterator[bytes]:
    """The lines of an N-Quads dump, sorted and deduplicated (bytewise order)."""
    previous = None
    for line in sorted(data.splitlines(keepends=True)):
        if line != previous and line.strip():
            yield line
        previous = line

"""Reading RDF data files to validate (``progkg validate DATA…``), exactly as written.

Why not :func:`progkg.rdfio.read_rdf`: that reader is for curated data and refuses
ill-typed literals (``"vingt"^^xsd:integer``); validation must accept them and report them
(``sh:datatype``). Blank nodes keep the parser's names, literals their lexical forms. Each
file's default graph becomes a named graph of its own, so that the union of all graphs
(what the engines validate) is every triple of every file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import ProgkgError, located

#: File name endings and the RDF syntax they mean.
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The syntax of ``path``, from its name (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``…)."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        raise ProgkgError(f"{path}: compressed files are not read; decompress it first")
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ProgkgError(f"{path}: unknown RDF file type {suffix or '(none)'!r}: use one of {known}")
    return FORMATS[suffix]


def read_file(path: Path, index: int = 0) -> list[ox.Quad]:
    """The quads of one data file; its default graph named ``urn:x-progkg:file:INDEX``."""
    fmt = rdf_format(path)
    if not path.is_file():
        raise ProgkgError(f"{path}: no such file")
    graph = ox.NamedNode(f"urn:x-progkg:file:{index}")
    quads = []
    try:
        for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
            quads.append(quad)
    except SyntaxError as exc:
        message = re.sub(
            r"^Parser error at line \d+ (column \d+|between columns \d+ and \d+): ", "", exc.msg or str(exc)
        )
        raise ProgkgError(located(str(path), message.splitlines()[0], exc.lineno, exc.offset)) from None
    except (OSError, ValueError) as exc:
        raise ProgkgError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    return quads


def read_files(paths: Iterable[Path]) -> list[ox.Quad]:
    """The quads of every data file, each file's default graph in a named graph of its own."""
    quads: list[ox.Quad] = []
    for index, path in enumerate(paths):
        quads.extend(read_file(Path(path), index))
    return quads

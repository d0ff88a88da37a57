"""Content negotiation for ``/id/…``: which representation a request asks for.

The rules (docs/pages.md, after the W3C's "Cool URIs for the Semantic Web", section 4.2,
and its 2012 httpRange-14 update):

* ``/id/X`` names the thing itself, not a document. A browser (``text/html``, or no
  preference) gets **303 See Other** to its page ``/id/X.html``. A client asking for RDF
  (``text/turtle``, ``application/ld+json``, ``application/n-triples``) gets the description
  at once (**200**, one round trip), with ``Content-Location: /id/X.ttl`` naming the
  document it received, as the httpRange-14 update allows. ``Vary: Accept`` on both.
* ``/id/X.html``, ``.ttl``, ``.jsonld``, ``.nt`` are the documents: 200.
* A thing the graph knows nothing of: 404. A request accepting none of the formats: 406.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    suffix: str
    media_type: str
    rdf: ox.RdfFormat | None


HTML = Format("html", "text/html", None)
TURTLE = Format("ttl", "text/turtle", ox.RdfFormat.TURTLE)
JSONLD = Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD)
NTRIPLES = Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES)
FORMATS = (HTML, TURTLE, JSONLD, NTRIPLES)
BY_SUFFIX = {f.suffix: f for f in FORMATS}
#: Media types accepted for each format (aliases included).
MEDIA_TYPES: dict[str, Format] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "application/ld+json": JSONLD,
    "application/json": JSONLD,
    "application/n-triples": NTRIPLES,
    "text/plain": NTRIPLES,
}


def split_suffix(path: str) -> tuple[str, Format | None]:
    """``rome/K1802.ttl`` → (``rome/K1802``, Turtle); a path without a known suffix → (path, None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and stem and "/" not in suffix and suffix in BY_SUFFIX:
        return stem, BY_SUFFIX[suffix]
    return path, None


def choose(accept: str | None) -> Format | None:
    """The format an ``Accept`` header prefers: HTML when it states no preference (or ``*/*``
    wins), None when it accepts none of ours (406)."""
    if not accept or not accept.strip():
        return HTML
    best: tuple[float, int, Format] | None = None
    for part in accept.split(",")[:50]:
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in MEDIA_TYPES:
            fmt = MEDIA_TYPES[media]
            specificity = 2
        elif media in ("*/*", "text/*"):
            fmt, specificity = HTML, 0
        elif media == "application/*":
            fmt, specificity = JSONLD, 0
        else:
            continue
        # Highest q first, then the more specific type, then the first listed.
        if best is None or (q, specificity) > (best[0], best[1]):
            best = (q, specificity, fmt)
    return best[2] if best else None


def serialize(triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str], context: dict) -> bytes:
    """The triples in ``fmt``: Turtle with the vocabularies' prefixes; JSON-LD compacted with
    the context the export ships (``ontology/progkg.context.jsonld``, inline), as the export
    writes it, so that a page's JSON-LD reads as the dump's (``pk:rome``, ``skos:prefLabel``)."""
    assert fmt.rdf is not None
    if fmt is TURTLE:
        return ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)
    if fmt is JSONLD:
        from progkg.export import jsonld_document

        return jsonld_document(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), context)
    return ox.serialize(triples, format=fmt.rdf)

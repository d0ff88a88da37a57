"""schema.org ``EducationalOccupationalProgram`` documents, one per programme or parcours.

Why: a university can paste such a document into its programme's web page (a ``<script
type="application/ld+json">`` block), and search engines and aggregators read schema.org. The
document is built from the graph, never invented: a property appears only when the graph holds
what it needs.

Each document carries its context inline (``{"@vocab": "https://schema.org/"}``) rather than the
URL ``https://schema.org``, so that it parses offline into the same triples.

How the graph maps (docs/design.md, alignment table):

* ``name`` (``schema:name``, else ``rdfs:label``; French first), ``description`` (``pk:objective``,
  ``schema:description``), ``url`` (``rdfs:seeAlso`` / ``schema:url``, the official page);
* ``provider`` (``pk:provider``): the institutions, with their postal address when known;
* ``hasCourse``: the teaching units of the programme's semesters (for a parcours, the common
  semesters of its programme too) as ``Course`` with ``courseCode`` and ``numberOfCredits``
  (ECTS), their courses as ``hasPart``, with the hours (CM + TD) as ``courseWorkload``;
* ``educationalCredentialAwarded`` (``pk:certification``, of the parcours or its programme):
  the RNCP certification with its code, category, EQF level and certifying bodies;
* ``occupationalCategory``: the ROME codes as ``CategoryCode`` — those the certification names,
  and those of the ROME job titles the programme's job titles are mapped to;
* ``timeToComplete``: from the number of semesters the graph holds (a semester is half an
  academic year; a parcours counts its programme's common semesters), only when there are some,
  and not for a programme split into parcours (each parcours gives its own);
* ``numberOfCredits``: only the ECTS the document declares for the programme itself
  (``pk:ects``), never a sum of units (documents do not always add up);
* ``programPrerequisites`` (the admission requirements, in document order),
  ``applicationStartDate`` / ``applicationDeadline`` (the application window),
  ``maximumEnrollment`` (``pk:cohortSize``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from progkg.errors import ProgkgError
from progkg.namespaces import ID

PK = "https://w3id.org/progkg/ontology#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: The inline context of every document.
CONTEXT = {"@vocab": SCHEMA}
PROGRAM_CLASSES = (PK + "Programme", PK + "Parcours", SCHEMA + "EducationalOccupationalProgram")
_MATCHES = (SKOS + "exactMatch", SKOS + "closeMatch")
_LANGS = {"fr": 0, "": 1, "en": 2}
#: What every unit and course is asked: read in bulk when documenting the whole catalogue.
_BULK = (
    PK + "hasSemester", PK + "hasUnit", PK + "hasCourse", PK + "semesterNumber", PK + "order",
    PK + "unitCode", PK + "ects", PK + "hoursCM", PK + "hoursTD", SCHEMA + "name", RDFS + "label",
)  # fmt: skip


class _Graph:
    """Index lookups on the store (all named graphs together), with deterministic ordering."""

    def __init__(self, store: ox.Store, prefetch: Iterable[str] = ()) -> None:
        self.store = store
        self._cache: dict[tuple[str, str], list] = {}
        self._prefetched = set(prefetch)
        # Predicates asked of thousands of units and courses are read in one sweep each: one index
        # scan per predicate costs far less than one lookup per node (measured at 1e6 triples).
        found: dict[tuple[str, str], dict[str, object]] = {}
        for p in sorted(self._prefetched):
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None, None):
                if isinstance(q.subject, ox.NamedNode):
                    found.setdefault((q.subject.value, p), {})[str(q.object)] = q.object
        self._prefilled = {key: [objs[k] for k in sorted(objs)] for key, objs in found.items()}

    def objects(self, s: str, p: str) -> list:
        """The distinct objects of ``s p ?o`` in any graph, sorted (one index lookup, cached)."""
        if p in self._prefetched:
            return self._prefilled.get((s, p), [])
        key = (s, p)
        hit = self._cache.get(key)
        if hit is None:
            found = {
                str(q.object): q.object
                for q in self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)
            }
            hit = [found[k] for k in sorted(found)]
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def iris(self, s: str, *predicates: str) -> list[str]:
        out = set()
        for p in predicates:
            out.update(o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode))
        return sorted(out)

    def subjects(self, p: str, o: str) -> list[str]:
        out = {
            q.subject.value
            for q in self.store.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(o), None)
            if isinstance(q.subject, ox.NamedNode)
        }
        return sorted(out)

    def text(self, s: str, *predicates: str) -> str | None:
        """The first value of the first predicate that has one, French preferred."""
        for p in predicates:
            values = [o for o in self.objects(s, p) if isinstance(o, ox.Literal)]
            if values:
                values.sort(key=lambda o: (_LANGS.get(o.language or "", 3), o.language or "", o.value))
                return values[0].value
        return None

    def number(self, s: str, p: str) -> int | float | None:
        for o in self.objects(s, p):
            if isinstance(o, ox.Literal):
                try:
                    value = Decimal(o.value)
                except InvalidOperation:
                    continue
                return int(value) if value == value.to_integral_value() else float(value)
        return None

    def types(self, s: str) -> set[str]:
        return set(self.iris(s, RDF_TYPE))


def program_iris(store: ox.Store) -> list[str]:
    """Every programme and parcours (and subclasses the ontology declares), in IRI order."""
    g = _Graph(store)
    classes = set(PROGRAM_CLASSES)
    todo = list(classes)
    while todo:
        for sub in g.subjects(RDFS + "subClassOf", todo.pop()):
            if sub not in classes:
                classes.add(sub)
                todo.append(sub)
    out: set[str] = set()
    for cls in classes:
        out.update(g.subjects(RDF_TYPE, cls))
    return sorted(out)


def _order(g: _Graph, iri: str) -> tuple:
    n = g.number(iri, PK + "order")
    return (n is None, n or 0, iri)


def _organisation(g: _Graph, iri: str) -> dict:
    types = g.types(iri)
    kind = "CollegeOrUniversity" if SCHEMA + "CollegeOrUniversity" in types else "EducationalOrganization"
    doc: dict = {"@type": kind, "@id": iri}
    name = g.text(iri, SCHEMA + "name", RDFS + "label")
    if name:
        doc["name"] = name
    url = g.iris(iri, SCHEMA + "url", RDFS + "seeAlso")
    if url:
        doc["url"] = url[0]
    for address in g.iris(iri, SCHEMA + "address")[:1]:
        postal = {"@type": "PostalAddress"}
        for key in ("streetAddress", "postalCode", "addressLocality", "addressCountry"):
            value = g.text(address, SCHEMA + key)
            if value:
                postal[key] = value
        if len(postal) > 1:
            doc["address"] = postal
    return doc


def _hours(g: _Graph, course: str) -> int | float | None:
    parts = [g.number(course, PK + "hoursCM"), g.number(course, PK + "hoursTD")]
    known = [p for p in parts if p is not None]
    return sum(known) if known else None


def _duration(hours: float) -> str:
    return f"PT{int(hours)}H" if float(hours).is_integer() else f"PT{hours}H"


def _unit(g: _Graph, unit: str) -> dict:
    doc: dict = {"@type": "Course", "@id": unit}
    name = g.text(unit, SCHEMA + "name", RDFS + "label")
    if name:
        doc["name"] = name
    code = g.text(unit, PK + "unitCode", SCHEMA + "courseCode")
    if code:
        doc["courseCode"] = code
    credits = g.number(unit, PK + "ects")
    if credits is not None:
        doc["numberOfCredits"] = credits
    parts = []
    for course in sorted(g.iris(unit, PK + "hasCourse"), key=lambda c: _order(g, c)):
        part: dict = {"@type": "Course", "@id": course}
        cname = g.text(course, SCHEMA + "name", RDFS + "label")
        if cname:
            part["name"] = cname
        hours = _hours(g, course)
        if hours is not None:
            part["hasCourseInstance"] = {"@type": "CourseInstance", "courseWorkload": _duration(hours)}
        parts.append(part)
    if parts:
        doc["hasPart"] = parts
    return doc


def _rome_codes(g: _Graph, program: str, parent: str | None, certifications: list[str]) -> list[str]:
    codes = set()
    for holder in [program, *([parent] if parent else []), *certifications]:
        codes.update(g.iris(holder, PK + "rome"))
    jobs = set(g.iris(program, PK + "leadsTo"))
    if parent:
        jobs.update(g.iris(parent, PK + "leadsTo"))
    for job in sorted(jobs):
        targets = [job, *g.iris(job, *_MATCHES)]
        for target in targets:
            types = g.types(target)
            if PK + "RomeCode" in types:
                codes.add(target)
            codes.update(g.iris(target, PK + "romeCode"))
    return sorted(codes)


def _category_code(g: _Graph, code: str) -> dict:
    doc: dict = {"@type": "CategoryCode", "@id": code}
    value = g.text(code, SKOS + "notation")
    if value is None and code.startswith(str(ID) + "rome/"):
        value = code.rsplit("/", 1)[-1]
    if value:
        doc["codeValue"] = value
    name = g.text(code, SKOS + "prefLabel", RDFS + "label")
    if name:
        doc["name"] = name
    code_set: dict = {
        "@type": "CategoryCodeSet",
        "name": "ROME — Répertoire opérationnel des métiers et des emplois",
    }
    schemes = g.iris(code, SKOS + "inScheme")
    if schemes:
        code_set["@id"] = schemes[0]
    doc["inCodeSet"] = code_set
    return doc


def _credential(g: _Graph, cert: str) -> dict:
    doc: dict = {"@type": "EducationalOccupationalCredential", "@id": cert}
    name = g.text(cert, SCHEMA + "name", RDFS + "label")
    if name:
        doc["name"] = name
    code = g.text(cert, PK + "rncpCode", SKOS + "notation")
    if code:
        doc["identifier"] = code
    category = g.text(cert, SCHEMA + "credentialCategory")
    if category:
        doc["credentialCategory"] = category
    for level in g.iris(cert, PK + "eqfLevel")[:1]:
        term: dict = {"@type": "DefinedTerm", "@id": level}
        label = g.text(level, SKOS + "prefLabel", RDFS + "label")
        if label:
            term["name"] = label
        doc["educationalLevel"] = term
    certifiers = [_organisation(g, o) for o in g.iris(cert, PK + "certifier")]
    if certifiers:
        doc["recognizedBy"] = certifiers
    return doc


def program_document(store: ox.Store, iri: str, graph: _Graph | None = None) -> dict:
    """The schema.org document of one programme or parcours (without ``@context``)."""
    g = graph or _Graph(store)
    parents = g.iris(iri, PK + "partOf") or g.subjects(PK + "hasParcours", iri)
    parent = parents[0] if parents else None
    inherited = [iri, parent] if parent else [iri]

    def own_or_parent(*predicates: str) -> list[str]:
        for holder in inherited:
            found = g.iris(holder, *predicates)
            if found:
                return found
        return []

    doc: dict = {"@type": "EducationalOccupationalProgram", "@id": iri}
    name = g.text(iri, SCHEMA + "name", RDFS + "label")
    if name:
        doc["name"] = name
    description = g.text(iri, PK + "objective", SCHEMA + "description")
    if description:
        doc["description"] = description
    urls = g.iris(iri, SCHEMA + "url", RDFS + "seeAlso")
    if urls:
        doc["url"] = urls[0]
    providers = own_or_parent(PK + "provider", SCHEMA + "provider")
    if providers:
        doc["provider"] = [_organisation(g, p) for p in providers]

    semesters = g.iris(iri, PK + "hasSemester")
    if parent:
        semesters = g.iris(parent, PK + "hasSemester") + semesters
    semesters.sort(key=lambda s: (g.number(s, PK + "semesterNumber") or 0, s))
    units = []
    for semester in semesters:
        units.extend(sorted(g.iris(semester, PK + "hasUnit"), key=lambda u: _order(g, u)))
    if units:
        doc["hasCourse"] = [_unit(g, u) for u in units]
    # A programme split into parcours has no single duration: its parcours documents give theirs.
    count = 0 if g.iris(iri, PK + "hasParcours") else len(set(semesters))
    if count:
        months = 6 * count
        doc["timeToComplete"] = f"P{months // 12}Y" if months % 12 == 0 else f"P{months}M"
    credits = g.number(iri, PK + "ects")
    if credits is None:
        credits = g.number(iri, SCHEMA + "numberOfCredits")
    if credits is not None:
        doc["numberOfCredits"] = credits

    certifications = own_or_parent(PK + "certification", SCHEMA + "educationalCredentialAwarded")
    if certifications:
        doc["educationalCredentialAwarded"] = [_credential(g, c) for c in certifications]
    codes = _rome_codes(g, iri, parent, certifications)
    if codes:
        doc["occupationalCategory"] = [_category_code(g, c) for c in codes]

    requirements = own_or_parent(PK + "admissionRequirement")
    if requirements:
        texts = [
            g.text(r, RDFS + "label", SCHEMA + "description")
            for r in sorted(requirements, key=lambda r: _order(g, r))
        ]
        doc["programPrerequisites"] = [t for t in texts if t]
    windows = own_or_parent(PK + "applicationWindow")
    starts = [d for w in windows if (d := g.text(w, SCHEMA + "startDate"))]
    ends = [d for w in windows if (d := g.text(w, SCHEMA + "endDate"))]
    if starts:
        doc["applicationStartDate"] = min(starts)
    if ends:
        doc["applicationDeadline"] = max(ends)
    size = g.number(iri, PK + "cohortSize")
    if size is not None:
        doc["maximumEnrollment"] = size
    return doc


def documents(store: ox.Store, iris: Iterable[str] | None = None) -> list[dict]:
    """The documents of every programme and parcours (or of ``iris``), in IRI order."""
    g = _Graph(store, prefetch=_BULK)
    return [program_document(store, iri, g) for iri in (iris if iris is not None else program_iris(store))]


def standalone(doc: dict) -> dict:
    """One document ready to embed: the inline context first."""
    return {"@context": CONTEXT, **doc}


def as_graph(docs: list[dict]) -> dict:
    """All documents in one JSON-LD file (``@graph``)."""
    return {"@context": CONTEXT, "@graph": docs}


def dumps(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def file_name(iri: str) -> str:
    """A readable, stable file name for a programme: its IRI path with ``/`` as ``.``."""
    local = iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", local.replace("/", ".")).strip(".-")
    if not name:
        raise ProgkgError(f"cannot name a file after {iri}")
    return name + ".jsonld"

"""The dataset description every export carries: DCAT-AP 3.0.1, VoID statistics, provenance.

Why generated rather than written by hand: portals (data.gouv.fr, data.europa.eu) harvest and
score this description, and most of it must follow the data — triple counts, classes, the
sources of each named graph and their licences, the dates those sources give, the files and
their checksums. What a publisher states (titles, keywords, publisher, contact point, licence,
date of first publication) lives in ``ontology/catalog.ttl``; the rest is computed here.

Dates never come from the clock, so that two exports of the same build are byte-identical:
``dct:issued`` is the configured date of first publication; ``dct:modified`` is the latest date
the sources state (``dct:issued``, ``dct:modified``, ``dct:date``, ``dct:created``,
``prov:generatedAtTime`` on a source document or a named graph), never earlier than
``dct:issued``, or ``$SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention). The
temporal coverage runs from the earliest to the latest ``xsd:date`` the data states.

Byte sizes and checksums: a file cannot hold its own checksum, so the description inside each
data file has none; the catalogue written beside the files (``progkg export --all-formats --out
DIR`` writes ``DIR/catalog.ttl``, and ``progkg export --catalog`` prints the same) gives the size
and SHA-256 of each file exactly as written. See docs/export.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pyoxigraph as ox

from progkg import paths
from progkg.errors import ProgkgError
from progkg.iris import ODBL
from progkg.namespaces import GRAPH, ID, PREFIXES

if TYPE_CHECKING:
    from progkg.export import Snapshot

CONFIG_FILE = "catalog.ttl"

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DCATAP = "http://data.europa.eu/r5r/"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
PK = "https://w3id.org/progkg/ontology#"

ONTOLOGY_IRI = "https://w3id.org/progkg/ontology"
#: Prefixes naming partitions and vocabularies (the project's, and the few the description adds).
PREFIX_MAP = {
    **PREFIXES,
    "vann": "http://purl.org/vocab/vann/",
    "spdx": SPDX,
    "dcatap": DCATAP,
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
}
URI_SPACE = str(ID)
STABLE = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
FILE_TYPE_SCHEME = "http://publications.europa.eu/resource/authority/file-type"
SHA256 = SPDX + "checksumAlgorithm_sha256"

#: What a source document's description keeps in the catalogue (enough to credit it).
DOCUMENT_PREDICATES = [
    RDF + "type", DCT + "title", DCT + "type", DCT + "publisher", DCT + "creator", DCT + "rightsHolder",
    DCT + "license", DCT + "rights", DCT + "bibliographicCitation", DCT + "issued", DCT + "modified",
    DCT + "created", DCT + "date", DCT + "isVersionOf", DCT + "hasVersion", OWL + "versionInfo",
    PK + "sourceFile", PROV + "generatedAtTime", RDFS + "seeAlso", DCAT + "landingPage", FOAF + "page",
]  # fmt: skip
_AGENT_PREDICATES = (DCT + "publisher", DCT + "creator", DCT + "rightsHolder")
_NAME_PREDICATES = (RDFS + "label", SCHEMA + "name", FOAF + "name")
_DATE_PREDICATES = (DCT + "issued", DCT + "modified", DCT + "date", DCT + "created", PROV + "generatedAtTime")
#: Classes whose first instance (in IRI order) is given as a void:exampleResource.
EXAMPLE_CLASSES = [
    PK + "Programme", PK + "Parcours", PK + "Certification", PK + "Course", PK + "RomeCode",
    PK + "RomeAppellation", PK + "JobTitle",
]  # fmt: skip
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_DATE_NEEDLE = b'"^^<' + XSD.encode() + b"date>"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _int(value: int, datatype: str = XSD + "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(datatype))


# --- Configuration ---------------------------------------------------------------------------------


def config_path(res: paths.Resources | None = None) -> Path:
    return (res or paths.resources()).ontology / CONFIG_FILE


@dataclass
class Settings:
    """What ``ontology/catalog.ttl`` states, and the few values the description reuses."""

    path: Path
    triples: list[ox.Triple]
    catalog: str
    dataset: str
    issued: str
    licence: str
    languages: list[str]
    works: dict[str, str]  # release kind ("rome") → the work it is a version of (…/id/source/rome)
    emails: list[str] = field(default_factory=list)


def load_config(path: Path) -> Settings:
    """Read and check the catalogue configuration (clear errors naming the file)."""
    from progkg.rdfio import read_rdf

    if not path.is_file():
        raise ProgkgError(f"{path}: the catalogue configuration is missing")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in read_rdf(path)]

    def values(s: str | None, p: str, o: str | None = None) -> list:
        return [
            t
            for t in triples
            if (s is None or t.subject.value == s)
            and t.predicate.value == p
            and (o is None or t.object.value == o)
        ]

    catalogs = sorted({t.subject.value for t in values(None, RDF + "type", DCAT + "Catalog")})
    datasets = sorted({t.subject.value for t in values(None, RDF + "type", DCAT + "Dataset")})
    if len(catalogs) != 1 or len(datasets) != 1:
        raise ProgkgError(
            f"{path}: expected exactly one dcat:Catalog and one dcat:Dataset, "
            f"found {len(catalogs)} and {len(datasets)}"
        )
    catalog, dataset = catalogs[0], datasets[0]
    issued = [t.object.value for t in values(catalog, DCT + "issued") if _DATE.match(t.object.value)]
    if not issued:
        raise ProgkgError(
            f"{path}: the dcat:Catalog needs dct:issued (the date of first publication, xsd:date)"
        )
    licences = [
        t.object.value for t in values(catalog, DCT + "license") if isinstance(t.object, ox.NamedNode)
    ]
    if len(licences) != 1:
        raise ProgkgError(f"{path}: the dcat:Catalog needs exactly one dct:license IRI")
    languages = sorted(t.object.value for t in values(dataset, DCT + "language"))
    works = {}
    prefix = URI_SPACE + "source/"
    for t in values(None, RDF + "type", PROV + "Entity"):
        iri = t.subject.value
        if iri.startswith(prefix) and "/" not in iri[len(prefix) :]:
            works[iri[len(prefix) :]] = iri
    emails = sorted(t.object.value for t in values(None, VCARD + "hasEmail"))
    return Settings(path, triples, catalog, dataset, _DATE.match(issued[0]).group(1), licences[0], languages,
                    works, emails)  # fmt: skip


def config_warnings(settings: Settings) -> list[str]:
    """Things a publisher must fix before publishing (the export still runs)."""
    out = []
    for email in settings.emails:
        if email.endswith(".example") or ".example>" in email:
            out.append(
                f"the catalogue's contact point is a placeholder ({email}); state the real publisher and "
                f"contact in {settings.path} or pass --catalog-config FILE"
            )
    return out


# --- Facts gathered from the built graph -----------------------------------------------------------


@dataclass
class Stats:
    """VoID statistics of the data (the description itself is not counted)."""

    triples: int
    subjects: int
    entities: int
    properties: dict[str, int]
    classes: dict[str, int]
    examples: list[str]
    first_date: str | None
    last_date: str | None


def void_stats(snap: Snapshot) -> Stats:
    """VoID counts from the export's single pass over the sorted lines (see progkg.export)."""
    from progkg.privacy import SELECTED

    index = snap.index(SELECTED)
    nt = snap.union_bytes
    dates = []
    pos = nt.find(_DATE_NEEDLE)
    while pos >= 0:
        value = nt[pos - 10 : pos]
        if nt[pos - 11 : pos - 10] == b'"' and re.fullmatch(rb"\d{4}-\d{2}-\d{2}", value):
            dates.append(value.decode())
        pos = nt.find(_DATE_NEEDLE, pos + 1)

    def iri(token: bytes) -> str:
        return token[1:-1].decode("utf-8")

    examples = []
    for cls in EXAMPLE_CLASSES:
        first = index.first_of_class.get(b"<" + cls.encode() + b">")
        if first is not None and first.startswith(b"<"):
            examples.append(iri(first))
    return Stats(
        triples=len(snap.union),
        subjects=index.subjects,
        entities=index.entities,
        properties={iri(p): n for p, n in sorted(index.predicates.items()) if p.startswith(b"<")},
        classes={iri(c): n for c, n in sorted(index.classes.items()) if c.startswith(b"<")},
        examples=examples,
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
    )


@dataclass
class Facts:
    """What the description says about the data: statistics, named graphs and their sources."""

    stats: Stats
    graphs: dict[str, int]  # named graph → triples
    derived: dict[str, list[str]]  # named graph → source documents (prov:wasDerivedFrom / dct:source)
    copied: list[ox.Triple]  # facts about graphs, source documents and their agents, kept as they are
    dates: list[str]  # dates the sources state


def _objects(store: ox.Store, subject: str, predicates: Iterable[str]) -> list[ox.Triple]:
    """The distinct triples ``subject p ?o`` over all graphs, for each predicate (index lookups)."""
    wanted = set(predicates)
    out: dict[str, ox.Triple] = {}
    for quad in store.quads_for_pattern(_n(subject), None, None, None):
        if quad.predicate.value in wanted:
            t = ox.Triple(quad.subject, quad.predicate, quad.object)
            out[str(t)] = t
    return [out[k] for k in sorted(out)]


def gather(store: ox.Store, data: Snapshot) -> Facts:
    """Statistics from the data's lines; graph and source descriptions from the store."""
    from progkg.export import CATALOG_GRAPH

    stats = void_stats(data)
    graphs = {g: data.count(g) for g in data.graph_names() if g != CATALOG_GRAPH}
    derived: dict[str, list[str]] = {}
    for graph in graphs:
        found = _objects(store, graph, (PROV + "wasDerivedFrom", DCT + "source"))
        derived[graph] = sorted({t.object.value for t in found if isinstance(t.object, ox.NamedNode)})
    described = set(graphs) | {d for docs in derived.values() for d in docs}
    if str(GRAPH) + "ontology" in graphs:
        described.add(ONTOLOGY_IRI)
    copied: list[ox.Triple] = []
    for node in sorted(described):
        copied.extend(_objects(store, node, DOCUMENT_PREDICATES + [DCT + "description", OWL + "versionIRI"]))
    agents = sorted(
        {
            t.object.value
            for t in copied
            if t.predicate.value in _AGENT_PREDICATES and isinstance(t.object, ox.NamedNode)
        }
    )
    for agent in agents:
        copied.extend(_objects(store, agent, _NAME_PREDICATES))
    dates = sorted(
        {
            m.group(1)
            for t in copied
            if t.predicate.value in _DATE_PREDICATES and isinstance(t.object, ox.Literal)
            for m in [_DATE.match(t.object.value)]
            if m
        }
    )
    return Facts(stats=stats, graphs=graphs, derived=derived, copied=copied, dates=dates)


# --- Licences ---------------------------------------------------------------------------------------


def is_odbl(licence: str) -> bool:
    return "opendatacommons.org/licenses/odbl" in licence.lower()


def graph_licences(facts: Facts) -> dict[str, list[str]]:
    """Each named graph's licences: those of the source documents it was derived from."""
    by_document: dict[str, set[str]] = {}
    for t in facts.copied:
        if t.predicate.value == DCT + "license" and isinstance(t.object, ox.NamedNode):
            by_document.setdefault(t.subject.value, set()).add(t.object.value)
    return {
        graph: sorted({lic for doc in facts.derived.get(graph, []) for lic in by_document.get(doc, ())})
        for graph in facts.graphs
    }


def odbl_graphs(store: ox.Store, graphs: Iterable[str]) -> list[str]:
    """The named graphs among ``graphs`` whose source documents are under the ODbL."""
    found = []
    for graph in graphs:
        docs = _objects(store, graph, (PROV + "wasDerivedFrom", DCT + "source"))
        licences = [
            t.object.value
            for d in docs
            if isinstance(d.object, ox.NamedNode)
            for t in _objects(store, d.object.value, (DCT + "license",))
        ]
        if any(is_odbl(lic) for lic in licences):
            found.append(graph)
    return sorted(found)


# --- The description -------------------------------------------------------------------------------


def modified_date(settings: Settings, facts: Facts) -> str:
    """The date of the last change: ``$SOURCE_DATE_EPOCH``, else the sources' latest date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise ProgkgError(
                f"SOURCE_DATE_EPOCH={epoch!r}: expected a number of seconds since 1970"
            ) from None
    return max([settings.issued, *facts.dates])


def _curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIX_MAP.items(), key=lambda x: (-len(x[1]), x[0])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return quote(f"{prefix}:{iri[len(ns) :]}", safe=":")
    return quote(iri, safe="")


def _work_of(settings: Settings, iri: str) -> str | None:
    """The configured work a release (``…/source/rome-v460``) or an import graph (``…/graph/rome``)
    is a version of."""
    for base in (URI_SPACE + "source/", str(GRAPH)):
        if iri.startswith(base):
            local = iri[len(base) :]
            # The longest kind first: source/esco-rome-v1.4 is a version of esco-rome, not of esco.
            for kind, work in sorted(settings.works.items(), key=lambda kv: (-len(kv[0]), kv[0])):
                if local == kind or (base != str(GRAPH) and local.startswith(kind + "-")):
                    return work
    return None


def describe(
    settings: Settings,
    facts: Facts,
    *,
    base_url: str,
    sizes: dict[str, tuple[int, str]] | None = None,
) -> list[ox.Triple]:
    """The catalogue, dataset and distributions of the export, as triples.

    ``sizes`` (format name → byte size, SHA-256 hex) adds ``dcat:byteSize`` and ``spdx:checksum``
    to each distribution; the description carried inside the data files has none.
    """
    from progkg.export import FORMATS

    out: list[ox.Triple] = list(settings.triples)

    def add(s: str, p: str, o) -> None:
        out.append(ox.Triple(_n(s), _n(p), o if not isinstance(o, str) else _n(o)))

    dataset, catalog = settings.dataset, settings.catalog
    issued = _lit(settings.issued, datatype=XSD + "date")
    modified = _lit(modified_date(settings, facts), datatype=XSD + "date")
    add(catalog, DCT + "modified", modified)
    if not any(t.subject.value == dataset and t.predicate.value == DCT + "issued" for t in settings.triples):
        add(dataset, DCT + "issued", issued)
    add(dataset, DCT + "modified", modified)

    # Provenance: every named graph is a subset, derived from its source documents.
    out.extend(facts.copied)
    documents: set[str] = set()
    for graph, count in facts.graphs.items():
        add(dataset, VOID + "subset", graph)
        add(graph, RDF + "type", VOID + "Dataset")
        add(graph, VOID + "triples", _int(count))
        sources = list(facts.derived.get(graph, []))
        if not sources:
            fallback = ONTOLOGY_IRI if graph == str(GRAPH) + "ontology" else _work_of(settings, graph)
            if fallback:
                sources = [fallback]
        for doc in sources:
            add(graph, PROV + "wasDerivedFrom", doc)
            documents.add(doc)
    # Each graph's licence, its sources' (Licence Ouverte, ODbL, ESCO's terms…).
    licences = graph_licences(facts)
    for graph, graph_licence in sorted(licences.items()):
        for lic in graph_licence:
            add(graph, DCT + "license", lic)
    odbl = sorted(g for g, lics in licences.items() if any(is_odbl(lic) for lic in lics))
    known = {(t.subject.value, t.predicate.value) for t in facts.copied}
    for doc in sorted(documents):
        add(dataset, PROV + "wasDerivedFrom", doc)
        work = _work_of(settings, doc)
        if work and work != doc:
            add(doc, DCT + "isVersionOf", work)
            for t in settings.triples:
                if t.subject.value == work and t.predicate.value in (DCT + "license", DCT + "publisher"):
                    if (doc, t.predicate.value) not in known:
                        add(doc, t.predicate.value, t.object)

    # VoID statistics.
    stats = facts.stats
    add(dataset, RDF + "type", VOID + "Dataset")
    add(dataset, VOID + "triples", _int(stats.triples))
    add(dataset, VOID + "entities", _int(stats.entities))
    add(dataset, VOID + "distinctSubjects", _int(stats.subjects))
    add(dataset, VOID + "properties", _int(len(stats.properties)))
    add(dataset, VOID + "classes", _int(len(stats.classes)))
    add(dataset, VOID + "uriSpace", _lit(URI_SPACE))
    for example in stats.examples:
        add(dataset, VOID + "exampleResource", example)
    used = set(stats.properties) | set(stats.classes)
    for prefix, ns in sorted(PREFIX_MAP.items()):
        if prefix not in ("pkid", "pkg") and any(i.startswith(ns) for i in used):
            add(dataset, VOID + "vocabulary", ns)
    for cls, count in stats.classes.items():
        part = f"{dataset}/class/{_curie(cls)}"
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", cls)
        add(part, VOID + "entities", _int(count))
    for prop, count in stats.properties.items():
        part = f"{dataset}/property/{_curie(prop)}"
        add(dataset, VOID + "propertyPartition", part)
        add(part, VOID + "property", prop)
        add(part, VOID + "triples", _int(count))
    if stats.first_date and stats.last_date:
        period = f"{dataset}/temporal"
        add(dataset, DCT + "temporal", period)
        add(period, RDF + "type", DCT + "PeriodOfTime")
        add(period, DCAT + "startDate", _lit(stats.first_date, datatype=XSD + "date"))
        add(period, DCAT + "endDate", _lit(stats.last_date, datatype=XSD + "date"))

    # One distribution per format.
    add(SHA256, RDF + "type", SPDX + "ChecksumAlgorithm")
    for fmt in FORMATS.values():
        dist = f"{dataset}/distribution/{fmt.name}"
        url = base_url + fmt.file_name
        add(dataset, DCAT + "distribution", dist)
        add(dataset, VOID + "dataDump", url)
        add(dataset, VOID + "feature", fmt.w3c_format)
        add(dist, RDF + "type", DCAT + "Distribution")
        add(dist, DCT + "title", _lit(f"progkg — graphe complet en {fmt.title}", "fr"))
        add(dist, DCT + "title", _lit(f"progkg — full graph in {fmt.title}", "en"))
        for lang, text in _distribution_text(fmt.title, fmt.named_graphs).items():
            add(dist, DCT + "description", _lit(text, lang))
        add(dist, DCAT + "accessURL", base_url)
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", fmt.media_type_iri)
        add(fmt.media_type_iri, RDF + "type", DCT + "MediaType")
        add(fmt.media_type_iri, RDFS + "label", _lit(fmt.media_type))
        add(dist, DCT + "format", fmt.file_type_iri)
        add(fmt.file_type_iri, RDF + "type", DCT + "MediaTypeOrExtent")
        add(fmt.file_type_iri, RDF + "type", SKOS + "Concept")
        add(fmt.file_type_iri, SKOS + "prefLabel", _lit(fmt.title, "en"))
        add(fmt.file_type_iri, SKOS + "inScheme", FILE_TYPE_SCHEME)
        add(dist, DCT + "conformsTo", fmt.spec)
        add(fmt.spec, RDF + "type", DCT + "Standard")
        add(fmt.spec, DCT + "title", _lit(fmt.spec_title, "en"))
        if odbl:
            # Share-alike: a file holding an ODbL graph is published under the ODbL as a whole.
            add(dist, DCT + "license", ODBL)
            rights = f"{dist}/rights"
            add(dist, DCT + "rights", rights)
            add(rights, RDF + "type", DCT + "RightsStatement")
            names = ", ".join(odbl)
            add(
                rights,
                RDFS + "label",
                _lit(
                    f"Ce fichier contient des données sous licence ODbL ({names}) : il est publié sous "
                    "la même licence (partage à l'identique). `progkg export --without-odbl` les omet.",
                    "fr",
                ),
            )
            add(
                rights,
                RDFS + "label",
                _lit(
                    f"This file holds data under the ODbL ({names}): it is published under the same "
                    "licence (share-alike). `progkg export --without-odbl` leaves them out.",
                    "en",
                ),
            )
        else:
            add(dist, DCT + "license", settings.licence)
        add(dist, DCATAP + "availability", STABLE)
        add(dist, DCT + "issued", issued)
        add(dist, DCT + "modified", modified)
        for language in settings.languages:
            add(dist, DCT + "language", language)
        if sizes and fmt.name in sizes:
            size, digest = sizes[fmt.name]
            add(dist, DCAT + "byteSize", _int(size, XSD + "nonNegativeInteger"))
            check = f"{dist}/checksum"
            add(dist, SPDX + "checksum", check)
            add(check, RDF + "type", SPDX + "Checksum")
            add(check, SPDX + "algorithm", SHA256)
            add(check, SPDX + "checksumValue", _lit(digest, datatype=XSD + "hexBinary"))
    return _reachable(out, catalog)


def _distribution_text(title: str, named_graphs: bool) -> dict[str, str]:
    if named_graphs:
        fr = (
            f"Toutes les données de progkg en {title}, un graphe nommé par source (chacun décrit par "
            "prov:wasDerivedFrom), et la description DCAT-AP et VoID du jeu de données dans le graphe "
            "https://w3id.org/progkg/graph/catalog."
        )
        en = (
            f"All of progkg's data in {title}, one named graph per source (each described with "
            "prov:wasDerivedFrom), and the dataset's DCAT-AP and VoID description in the graph "
            "https://w3id.org/progkg/graph/catalog."
        )
    else:
        fr = (
            f"Toutes les données de progkg en {title} : l'union des graphes nommés (ce format n'en garde "
            "pas), avec la description DCAT-AP et VoID du jeu de données."
        )
        en = (
            f"All of progkg's data in {title}: the union of its named graphs (this format keeps none), "
            "with the dataset's DCAT-AP and VoID description."
        )
    fr += " Sa taille et sa somme de contrôle SHA-256, données par le catalogue publié à côté des fichiers (catalog.ttl), sont celles de ce fichier."  # noqa: E501
    en += " Its size and SHA-256 checksum, given by the catalogue published beside the files (catalog.ttl), are those of this file."  # noqa: E501
    return {"fr": fr, "en": en}


def _reachable(triples: list[ox.Triple], root: str) -> list[ox.Triple]:
    """The triples about nodes reachable from ``root``, de-duplicated and sorted.

    The configuration describes every official release progkg can import; only those the data
    really derives from end up in the description.
    """
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    seen = {root}
    todo = [root]
    while todo:
        for t in by_subject.get(todo.pop(), ()):
            if isinstance(t.object, ox.NamedNode) and t.object.value not in seen:
                seen.add(t.object.value)
                todo.append(t.object.value)
    kept = {str(t): t for s in seen for t in by_subject.get(s, ())}
    return [kept[k] for k in sorted(kept)]

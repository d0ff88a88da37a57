"""SSSOM/TSV mapping sets: reading them into SKOS mapping triples, and writing them.

Why SSSOM: reviewed mappings are curated data (docs/design.md); SSSOM is the standard table for
them, readable in a spreadsheet and by the SSSOM tools, with a justification per mapping
(``semapv:LexicalMatching`` for a machine proposal, ``semapv:ManualMappingCuration`` once a
person has checked it) and a confidence.

What ``build`` gets from a file (https://mapping-commons.github.io/sssom/spec-formats-tsv/ and
spec-formats-rdf/):

* the mapping triple itself, ``subject skos:exactMatch object`` (or closeMatch, broadMatch,
  narrowMatch, relatedMatch), unless the mapping is negated (``predicate_modifier: Not``) or
  points at ``sssom:NoTermFound``;
* the mapping as an ``owl:Axiom`` (annotatedSource / Property / Target) carrying its
  justification, confidence, labels, date and comment — named by its ``record_id``, or by a
  stable IRI derived from its content (no blank nodes: docs/design.md);
* the mapping set (``sssom:MappingSet`` named by ``mapping_set_id``) with its title,
  description, licence, version and provider.

The file's own metadata block must give ``curie_map``, ``mapping_set_id`` and ``license``;
identifiers are CURIEs whose prefixes it declares (or SSSOM's built-in ones). Every mistake
is reported with the file and line (and column for a cell).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import ProgkgError, located

SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
PAV = "http://purl.org/pav/"
PROV = "http://www.w3.org/ns/prov#"
SSSOM = "https://w3id.org/sssom/"
XSD = "http://www.w3.org/2001/XMLSchema#"
MAPPING_IDS = "https://w3id.org/progkg/id/mapping/"

#: Prefixes SSSOM declares built in (spec-intro, "IRI prefixes").
BUILT_IN = {
    "owl": OWL,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": SKOS,
    "sssom": SSSOM,
    "xsd": XSD,
    "linkml": "https://w3id.org/linkml/",
}

#: Mapping predicates build turns into triples (docs/design.md: SKOS mapping relations, never owl:sameAs).
PREDICATES = {SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")}
NO_TERM = SSSOM + "NoTermFound"
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")

#: Mapping slots and the RDF property SSSOM/RDF gives them; the kind says how values are typed.
MAPPING_SLOTS: dict[str, tuple[str, str]] = {
    "subject_label": (SSSOM + "subject_label", "text"),
    "object_label": (SSSOM + "object_label", "text"),
    "confidence": (SSSOM + "confidence", "double"),
    "similarity_score": (SSSOM + "similarity_score", "double"),
    "mapping_date": (PAV + "authoredOn", "date"),
    "mapping_tool": (SSSOM + "mapping_tool", "text"),
    "comment": (RDFS + "comment", "text"),
    "subject_source": (SSSOM + "subject_source", "id"),
    "object_source": (SSSOM + "object_source", "id"),
    "subject_source_version": (SSSOM + "subject_source_version", "text"),
    "object_source_version": (SSSOM + "object_source_version", "text"),
    "subject_match_field": (SSSOM + "subject_match_field", "ids"),
    "object_match_field": (SSSOM + "object_match_field", "ids"),
    "subject_preprocessing": (SSSOM + "subject_preprocessing", "ids"),
    "object_preprocessing": (SSSOM + "object_preprocessing", "ids"),
    "match_string": (SSSOM + "match_string", "texts"),
    "see_also": (RDFS + "seeAlso", "texts"),
    "issue_tracker_item": (SSSOM + "issue_tracker_item", "id"),
}
#: Slots that name people: the graph holds no person's name (docs/design.md, Privacy).
PERSONAL = {"author_id", "author_label", "creator_id", "creator_label", "reviewer_id", "reviewer_label"}

SET_SLOTS: dict[str, tuple[str, str]] = {
    "mapping_set_title": (DCT + "title", "text"),
    "mapping_set_description": (DCT + "description", "text"),
    "mapping_set_version": (OWL + "versionInfo", "text"),
    "license": (DCT + "license", "uri"),
    "mapping_provider": (SSSOM + "mapping_provider", "uri"),
    "publication_date": (DCT + "created", "date"),
    "mapping_date": (PAV + "authoredOn", "date"),
    "subject_source": (SSSOM + "subject_source", "id"),
    "object_source": (SSSOM + "object_source", "id"),
    "subject_source_version": (SSSOM + "subject_source_version", "text"),
    "object_source_version": (SSSOM + "object_source_version", "text"),
    "mapping_tool": (SSSOM + "mapping_tool", "text"),
    "comment": (RDFS + "comment", "text"),
    "issue_tracker": (SSSOM + "issue_tracker", "uri"),
    "see_also": (RDFS + "seeAlso", "uris"),
}

_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(\S*)$")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass
class Mapping:
    """One row of the mappings block, as written (CURIEs), with the line it is on."""

    line: int
    values: dict[str, str]


@dataclass
class MappingSet:
    """A parsed SSSOM/TSV file."""

    path: Path
    display: str
    metadata: dict[str, object]
    curie_map: dict[str, str]
    columns: list[str]
    mappings: list[Mapping] = field(default_factory=list)
    header_line: int = 1

    def expand(self, value: str, line: int, column: str | None = None) -> str:
        """The IRI of a CURIE, refusing undeclared prefixes and full IRIs (SSSOM/TSV wants CURIEs)."""
        col = self.columns.index(column) + 1 if column in self.columns else None
        where = f'column "{column}": ' if column else ""
        value = value.strip()
        if value.startswith(("http://", "https://", "<")):
            raise ProgkgError(
                located(
                    self.display,
                    f'{where}"{value}" is a full IRI; SSSOM/TSV wants a CURIE (prefix:id)',
                    line,
                    col,
                )
            )
        m = _CURIE.match(value)
        if not m:
            raise ProgkgError(
                located(self.display, f'{where}"{value}" is not a CURIE (prefix:id)', line, col)
            )
        prefix, local = m.groups()
        base = self.curie_map.get(prefix) or BUILT_IN.get(prefix)
        if base is None:
            raise ProgkgError(
                located(self.display, f'{where}prefix "{prefix}" is not declared in the curie_map', line, col)
            )
        iri = base + local
        if _IRI_UNSAFE.search(iri):
            raise ProgkgError(located(self.display, f'{where}"{value}" expands to an invalid IRI', line, col))
        return iri


def _metadata_error(display: str, message: str, line: int | None = None) -> ProgkgError:
    return ProgkgError(located(display, f"SSSOM metadata block: {message}", line))


def read_sssom(path: Path, display: str | None = None) -> MappingSet:
    """Parse an SSSOM/TSV file with its embedded metadata block (or a ``.sssom.yml`` beside it)."""
    import yaml

    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgkgError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ProgkgError(located(shown, "starts with a byte-order mark; SSSOM/TSV files must not", 1))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ProgkgError(located(shown, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line)) from None
    lines = text.splitlines(keepends=True)
    header: list[str] = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line[1:])
    start = len(header)
    yaml_text = "".join(header)
    if not header:
        external = path.with_name(path.name.removesuffix(".tsv").removesuffix(".sssom") + ".sssom.yml")
        if not external.is_file():
            raise _metadata_error(
                shown,
                "missing: the file must begin with '#'-prefixed YAML (curie_map, mapping_set_id, license)",
                1,
            )
        yaml_text = external.read_text(encoding="utf-8")
    else:
        indents = {len(h) - len(h.lstrip(" ")) for h in header if h.strip()}
        if len(indents) == 1:
            cut = indents.pop()
            yaml_text = "".join(h[cut:] if h.strip() else "\n" for h in header)
    try:
        metadata = yaml.safe_load(yaml_text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None or mark.line >= len(header):  # at the end: say where the structure began
            mark = getattr(exc, "context_mark", None) or mark
        line = mark.line + 1 if mark is not None and header else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise _metadata_error(shown, f"not valid YAML ({problem})", line) from None
    if not isinstance(metadata, dict):
        raise _metadata_error(shown, "must be a YAML mapping of slot: value", 1)
    curie_map = metadata.get("curie_map")
    if not isinstance(curie_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in curie_map.items()
    ):
        raise _metadata_error(shown, "curie_map is missing or not a map of prefix: IRI", 1)
    for prefix, base in curie_map.items():
        if prefix in BUILT_IN and BUILT_IN[prefix] != base:
            raise _metadata_error(shown, f'curie_map redefines the built-in prefix "{prefix}" as {base}', 1)
    for slot in ("mapping_set_id", "license"):
        if not isinstance(metadata.get(slot), str) or not metadata[slot].strip():
            raise _metadata_error(shown, f"{slot} is missing (SSSOM requires it)", 1)
    body = "".join(lines[start:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter="\t", quotechar='"', strict=True)
    header_line = start + 1
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        raise ProgkgError(
            located(shown, "no mappings block (the header row of the table is missing)", header_line)
        ) from None
    except csv.Error as exc:
        raise ProgkgError(located(shown, f"malformed header row: {exc}", header_line)) from None
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise ProgkgError(
                located(shown, f'missing column "{name}"; the header has: {", ".join(columns)}', header_line)
            )
    result = MappingSet(path, shown, metadata, dict(curie_map), columns, header_line=header_line)
    while True:
        row_line = start + reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ProgkgError(located(shown, f"malformed row: {exc}", row_line)) from None
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(columns):
            raise ProgkgError(
                located(
                    shown,
                    f"{len(values)} cells where the header has {len(columns)} (a missing tab?)",
                    row_line,
                )
            )
        result.mappings.append(Mapping(row_line, dict(zip(columns, values, strict=True))))
    return result


# --- SSSOM → RDF -------------------------------------------------------------------------------


def _literal(
    ms: MappingSet, value: str, kind: str, line: int, column: str
) -> list[ox.Literal | ox.NamedNode]:
    values = [v.strip() for v in value.split("|")] if kind in ("ids", "texts", "uris") else [value.strip()]
    terms: list[ox.Literal | ox.NamedNode] = []
    for v in values:
        if not v:
            continue
        if kind in ("text", "texts"):
            terms.append(ox.Literal(v))
        elif kind in ("id", "ids"):
            terms.append(ox.NamedNode(ms.expand(v, line, column)))
        elif kind in ("uri", "uris"):
            if not re.match(r"^https?://", v) or _IRI_UNSAFE.search(v):
                raise ProgkgError(located(ms.display, f'"{column}": "{v}" is not a URL', line))
            terms.append(ox.NamedNode(v))
        elif kind == "double":
            try:
                number = float(v)
            except ValueError:
                number = -1.0
            if not 0.0 <= number <= 1.0:
                col = ms.columns.index(column) + 1 if column in ms.columns else None
                raise ProgkgError(
                    located(
                        ms.display, f'column "{column}": "{v}" is not a number between 0 and 1', line, col
                    )
                )
            terms.append(ox.Literal(repr(number), datatype=ox.NamedNode(XSD + "double")))
        elif kind == "date":
            try:
                day = date.fromisoformat(v)
            except ValueError:
                col = ms.columns.index(column) + 1 if column in ms.columns else None
                raise ProgkgError(
                    located(ms.display, f'"{column}": "{v}" is not a date (yyyy-mm-dd)', line, col)
                ) from None
            terms.append(ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date")))
    return terms


def mapping_iri(set_name: str, subject: str, predicate: str, obj: str, justification: str) -> str:
    """A stable IRI for a mapping without ``record_id``: same mapping, same IRI."""
    digest = hashlib.sha1(f"{subject} {predicate} {obj} {justification}".encode()).hexdigest()[:16]
    return f"{MAPPING_IDS}{set_name}/{digest}"


def read_sssom_quads(path: Path, graph: str | None, display: str | None = None) -> list[ox.Quad]:
    """The quads ``build`` loads for one SSSOM/TSV file, in ``graph``."""
    ms = read_sssom(path, display)
    g = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    quads: list[ox.Quad] = []

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g))

    set_id = str(ms.metadata["mapping_set_id"]).strip()
    if not re.match(r"^https?://", set_id) or _IRI_UNSAFE.search(set_id):
        raise _metadata_error(ms.display, f'mapping_set_id "{set_id}" is not an IRI (http… or https…)', 1)
    set_name = path.name.removesuffix(".tsv").removesuffix(".sssom")
    add(set_id, RDF_TYPE, ox.NamedNode(SSSOM + "MappingSet"))
    if graph:
        add(graph, PROV + "wasDerivedFrom", ox.NamedNode(set_id))
    for slot, (prop, kind) in SET_SLOTS.items():
        value = ms.metadata.get(slot)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            for term in _literal(ms, str(v), kind, 1, slot):
                add(set_id, prop, term)
    for mapping in ms.mappings:
        v, line = mapping.values, mapping.line
        subject = ms.expand(v["subject_id"], line, "subject_id")
        predicate = ms.expand(v["predicate_id"], line, "predicate_id")
        obj = ms.expand(v["object_id"], line, "object_id")
        justification = ms.expand(v["mapping_justification"], line, "mapping_justification")
        if not justification.startswith(BUILT_IN["semapv"]):
            col = ms.columns.index("mapping_justification") + 1
            raise ProgkgError(
                located(
                    ms.display,
                    f'column "mapping_justification": "{v["mapping_justification"]}" is not a semapv: term',
                    line,
                    col,
                )
            )
        if predicate not in PREDICATES:
            col = ms.columns.index("predicate_id") + 1
            raise ProgkgError(
                located(
                    ms.display,
                    f'column "predicate_id": "{v["predicate_id"]}" is not a SKOS mapping relation '
                    "(skos:exactMatch, closeMatch, broadMatch, narrowMatch or relatedMatch)",
                    line,
                    col,
                )
            )
        negated = v.get("predicate_modifier", "").strip()
        if negated not in ("", "Not"):
            col = ms.columns.index("predicate_modifier") + 1
            raise ProgkgError(
                located(ms.display, f'column "predicate_modifier": "{negated}" is not "Not"', line, col)
            )
        record = v.get("record_id", "").strip()
        node = (
            ms.expand(record, line, "record_id")
            if record
            else mapping_iri(set_name, subject, predicate, obj, justification)
        )
        if not negated and NO_TERM not in (subject, obj):
            add(subject, predicate, ox.NamedNode(obj))
        add(set_id, SSSOM + "mappings", ox.NamedNode(node))
        add(node, RDF_TYPE, ox.NamedNode(OWL + "Axiom"))
        add(node, OWL + "annotatedSource", ox.NamedNode(subject))
        add(node, OWL + "annotatedProperty", ox.NamedNode(predicate))
        add(node, OWL + "annotatedTarget", ox.NamedNode(obj))
        add(node, SSSOM + "mapping_justification", ox.NamedNode(justification))
        if negated:
            add(node, SSSOM + "predicate_modifier", ox.NamedNode(SSSOM + "NegatedPredicate"))
        for slot, (prop, kind) in MAPPING_SLOTS.items():
            if v.get(slot, "").strip():
                for term in _literal(ms, v[slot], kind, line, slot):
                    add(node, prop, term)
    return quads


# --- Writing -------------------------------------------------------------------------------------


def _yaml_scalar(value: str) -> str:
    """A YAML scalar in plain style when safe, double-quoted otherwise (SSSOM's canonical rule)."""
    if (
        re.fullmatch(r"[A-Za-z0-9_./:#-][A-Za-z0-9 _./:#,()'-]*", value)
        and not value.endswith(":")
        and ": " not in value
        and " #" not in value
    ):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cell(value: str) -> str:
    if any(c in value for c in '\t\n\r"'):
        return '"' + value.replace('"', '""') + '"'
    return value


def format_sssom(
    metadata: dict[str, object], curie_map: dict[str, str], columns: list[str], rows: list[dict[str, str]]
) -> str:
    """An SSSOM/TSV file: the ``#`` metadata block (curie_map first, prefixes sorted), then the table."""
    out = ["#curie_map:\n"]
    for prefix in sorted(curie_map):
        out.append(f"#  {prefix}: {_yaml_scalar(curie_map[prefix])}\n")
    for key, value in metadata.items():
        if isinstance(value, list):
            out.append(f"#{key}:\n")
            out.extend(f"#  - {_yaml_scalar(str(v))}\n" for v in value)
        else:
            out.append(f"#{key}: {_yaml_scalar(str(value))}\n")
    out.append("\t".join(columns) + "\n")
    for row in rows:
        out.append("\t".join(_cell(row.get(c, "")) for c in columns) + "\n")
    return "".join(out)

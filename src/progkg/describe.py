"""`progkg describe THING`: what the graph says about one thing, by source, in words.

THING is resolved like a query parameter of type ``any`` (:mod:`progkg.search`): a name in the
user's words, a code, an IRI or a CURIE. Every statement about it is then listed under the
source that states it (the named graph, shown by its document's title), with the property's
label and the value's name, followed by what points at it. The derived graphs (search index,
features) are left out: they restate, they do not state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from progkg import search
from progkg.errors import ProgkgError
from progkg.iris import DCT, DERIVED, DERIVED_GRAPHS

_ABOUT = f"""
PREFIX pkx: <{DERIVED}>
PREFIX dct: <{DCT}>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?p ?o ?pname ?oname ?gtitle ?dtitle WHERE {{
  GRAPH ?g {{ ?thing ?p ?o }}
  FILTER(!STRSTARTS(STR(?g), "{DERIVED_GRAPHS}"))
  OPTIONAL {{ ?p pkx:name ?pname }}
  OPTIONAL {{ ?o pkx:name ?oname }}
  OPTIONAL {{ ?g dct:title ?gtitle }}
  OPTIONAL {{ ?g prov:wasDerivedFrom ?doc . ?doc dct:title ?dtitle }}
}}
"""

_POINTING = f"""
PREFIX pkx: <{DERIVED}>
SELECT DISTINCT ?s ?p ?sname ?pname WHERE {{
  GRAPH ?g {{ ?s ?p ?thing }}
  FILTER(!STRSTARTS(STR(?g), "{DERIVED_GRAPHS}"))
  OPTIONAL {{ ?p pkx:name ?pname }}
  OPTIONAL {{ ?s pkx:name ?sname }}
}}
LIMIT 200
"""


@dataclass
class Description:
    """What the graph says about one thing."""

    iri: str
    name: str
    #: source graph → (property, property label, value, value label)
    by_source: dict[str, list[tuple[str, str, ox.NamedNode | ox.Literal | ox.BlankNode, str]]] = field(
        default_factory=dict
    )
    source_titles: dict[str, str] = field(default_factory=dict)
    #: (subject, subject label, property, property label) of what points at it
    pointing: list[tuple[str, str, str, str]] = field(default_factory=list)

    def triples(self) -> list[ox.Triple]:
        subject = ox.NamedNode(self.iri)
        return sorted(
            {
                ox.Triple(subject, ox.NamedNode(p), o)
                for rows in self.by_source.values()
                for p, _, o, _ in rows
            },
            key=str,
        )


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else ""


def describe(
    text: str, select: search.Select, *, cap: int = 3, pointing: bool = True
) -> tuple[list[Description], int]:
    """The descriptions of what ``text`` names (at most ``cap``), and how many it names.

    ``pointing=False`` leaves out what points at it (the pages show that in their own sections).
    """
    found = search.find("any", text, select)
    if not found:
        raise ProgkgError(search.no_match_message("", search.KINDS["any"], text, select))
    out = []
    for match in found[:cap]:
        thing = str(ox.NamedNode(match.iri))
        desc = Description(match.iri, match.name)
        rows = select(_ABOUT.replace("?thing", thing))
        grouped: dict[str, set] = defaultdict(set)
        for row in rows:
            graph = _text(row.get("g"))
            value = row.get("o")
            grouped[graph].add((_text(row.get("p")), _text(row.get("pname")), value, _text(row.get("oname"))))
            title = _text(row.get("dtitle")) or _text(row.get("gtitle"))
            if title and (graph not in desc.source_titles or title < desc.source_titles[graph]):
                desc.source_titles[graph] = title
        for graph in sorted(grouped):
            desc.by_source[graph] = sorted(grouped[graph], key=lambda r: (r[1] or r[0], str(r[2])))
        for row in select(_POINTING.replace("?thing", thing)) if pointing else ():
            desc.pointing.append(
                (_text(row.get("s")), _text(row.get("sname")), _text(row.get("p")), _text(row.get("pname")))
            )
        desc.pointing.sort(key=lambda r: (r[3] or r[2], r[1] or r[0]))
        out.append(desc)
    return out, len(found)


def _short(iri: str) -> str:
    from progkg.queries import _short as short_term

    return short_term(ox.NamedNode(iri))


def as_text(desc: Description) -> str:
    """The description for people: by source, property label: value (name)."""
    lines = [f"{desc.name or desc.iri}", f"  {_short(desc.iri)}"]
    for graph, rows in desc.by_source.items():
        title = desc.source_titles.get(graph)
        lines.append("")
        lines.append(f"According to {_short(graph)}" + (f" — {title}" if title else "") + ":")
        for prop, plabel, value, vname in rows:
            shown = (
                _short(value.value)
                if isinstance(value, ox.NamedNode)
                else str(getattr(value, "value", value))
            )
            if isinstance(value, ox.Literal) and value.language:
                shown += f" @{value.language}"
            if vname and isinstance(value, ox.NamedNode):
                shown = f"{vname} ({shown})"
            lines.append(f"  {plabel or _short(prop)}: {' '.join(shown.split())}")
    if desc.pointing:
        lines.append("")
        lines.append("Pointing at it:")
        for subject, sname, prop, plabel in desc.pointing:
            lines.append(f"  {sname or _short(subject)} — {plabel or _short(prop)}")
    return "\n".join(lines) + "\n"

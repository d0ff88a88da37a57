"""When a SHACL-SPARQL query may be run for every focus node at once, and when SHACL refuses it.

Why: SHACL defines a ``sh:sparql`` constraint as its SELECT run once per focus node with
``$this`` *pre-bound* — as if the value were written wherever ``$this`` occurs, inner
groups and sub-selects included. The fast engine instead joins the query to all focus
nodes at once (one query instead of thousands). The two agree only when every group that
uses ``$this`` gets it from a triple pattern of its own, or from the enclosing pattern
(``FILTER``, ``BIND``, ``OPTIONAL``, ``EXISTS``), and every sub-select that uses it projects
it and groups by it. :func:`bulk_problem` says when that is not so (the run then goes to
pyshacl, which pre-binds); :func:`syntax_problem` applies the rules by which SHACL refuses
a query outright (``MINUS``, ``SERVICE``, ``VALUES``, ``AS $this``, a sub-select that drops
``$this``): an error with either engine.

The analysis is textual (strings, IRIs and comments masked first): it recognises the
shapes of query this project writes and is conservative about the rest — an unknown form
is "not bulk-safe", which costs speed, never correctness.
"""

from __future__ import annotations

import re

THIS = re.compile(r"[?$]this\b")
_MASKS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_PARENS = re.compile(r"\([^()]*\)")
_SUBSELECT = re.compile(r"\s*SELECT\b(?P<projection>.*?)(?:\bWHERE\s*)?\{", re.IGNORECASE | re.DOTALL)
#: A SELECT and its projection, anywhere in a (masked) query.
SELECT_HEAD = re.compile(r"\bSELECT\b(?P<projection>.*?)(?:\bWHERE\s*)?\{", re.IGNORECASE | re.DOTALL)


def mask(query: str, keep_length: bool = False) -> str:
    """``query`` with string literals, IRIs and comments blanked, so that keywords and
    braces inside them are not read as syntax (``keep_length``: blanked with spaces, so that
    positions in the result are positions in ``query``)."""
    if keep_length:
        return _MASKS.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 1), query)
    return _MASKS.sub(
        lambda m: "<>" if m.group(0).startswith("<") else ('""' if m.group(0)[0] in "\"'" else ""), query
    )


def _closing(text: str, start: int) -> int:
    """Index of the brace closing the one at ``start`` (in masked text), or len(text)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def _children(text: str) -> list[tuple[int, int]]:
    """The (open, close) brace positions of the groups directly inside ``text``."""
    found = []
    index = text.find("{")
    while index != -1:
        end = _closing(text, index)
        found.append((index, end))
        index = text.find("{", end + 1)
    return found


def _level(text: str) -> str:
    """``text`` without its nested groups and parenthesised expressions: its own triple patterns."""
    pieces, last = [], 0
    for start, end in _children(text):
        pieces.append(text[last:start])
        last = end + 1
    flat = "".join(pieces) + text[last:]
    while True:
        reduced = _PARENS.sub(" ", flat)
        if reduced == flat:
            return flat
        flat = reduced


def _strip_parens(text: str) -> str:
    while True:
        reduced = _PARENS.sub(" ", text)
        if reduced == text:
            return text
        text = reduced


def _split_subselect(inner: str) -> tuple[str, str, str] | None:
    """(projection, body, modifiers) when the group ``inner`` is a sub-select."""
    match = _SUBSELECT.match(inner)
    if match is None:
        return None
    open_brace = match.end() - 1
    close = _closing(inner, open_brace)
    return match.group("projection"), inner[open_brace + 1 : close], inner[close + 1 :]


def _binds(content: str) -> bool:
    """True when ``content`` gives ``$this`` a value itself: a triple pattern at its own level,
    or a sub-select at its own level that projects it."""
    if THIS.search(_level(content)):
        return True
    for start, end in _children(content):
        parts = _split_subselect(content[start + 1 : end])
        if parts is not None and _projects(parts[0], parts[1]):
            return True
    return False


def _projects(projection: str, body: str) -> bool:
    if re.sub(r"^\s*(DISTINCT|REDUCED)\b", "", projection, flags=re.IGNORECASE).strip() == "*":
        return _binds(body)
    return bool(THIS.search(_strip_parens(projection)))


def _group_problem(content: str, exempt: bool) -> str | None:
    """Why joining ``content`` to the focus nodes differs from pre-binding, or None."""
    if not THIS.search(content):
        return None
    for start, end in _children(content):
        inner = content[start + 1 : end]
        before = content[:start].rstrip()
        parts = _split_subselect(inner)
        if parts is not None:
            problem = _subselect_problem(*parts)
        elif re.search(r"\b(EXISTS|OPTIONAL)$", before, re.IGNORECASE):
            problem = _group_problem(inner, exempt=True)
        else:
            problem = _group_problem(inner, exempt=False)
        if problem:
            return problem
    if not exempt and not _binds(content):
        return "a group uses $this without binding it by a triple pattern of its own"
    return None


def _subselect_problem(projection: str, body: str, modifiers: str) -> str | None:
    if not THIS.search(projection + body + modifiers):
        return None
    if not _projects(projection, body):
        return "a sub-select uses $this without projecting it"
    grouped = re.search(r"\bGROUP\s+BY\b(.*)", modifiers, re.IGNORECASE | re.DOTALL)
    if grouped is not None:
        group_by = re.split(r"\b(HAVING|ORDER|LIMIT|OFFSET)\b", grouped.group(1), flags=re.IGNORECASE)[0]
        if not THIS.search(group_by):
            return "a sub-select aggregates over several focus nodes (not grouped by $this)"
    elif "(" in projection:
        return "a sub-select aggregates over several focus nodes (not grouped by $this)"
    if re.search(r"\b(LIMIT|OFFSET)\b", modifiers, re.IGNORECASE):
        return "a sub-select with LIMIT/OFFSET"
    return _group_problem(body, exempt=False)


def syntax_problem(
    query: str, prebound: tuple[str, ...] = ("this", "shapesGraph", "currentShape")
) -> str | None:
    """Why SHACL refuses ``query`` as a pre-bound SELECT or ASK (SHACL 5.3.1), or None;
    ``prebound``: the variables given values before it runs (a validator's ``$value`` and
    parameters too)."""
    masked = mask(query)
    for keyword in ("MINUS", "SERVICE", "VALUES"):
        if re.search(rf"\b{keyword}\b", masked, re.IGNORECASE):
            return f"SHACL does not allow {keyword} in a SPARQL constraint"
    names = "|".join(re.escape(name) for name in prebound)
    if re.search(rf"\bAS\s*[?$]({names})\b", masked, re.IGNORECASE):
        return "SHACL does not allow `AS $this` (a pre-bound variable) in a SPARQL constraint"
    top = _SUBSELECT.search(masked)
    if top is None:
        return None
    body_start = top.end() - 1
    body = masked[body_start + 1 : _closing(masked, body_start)]
    stack = [body]
    while stack:
        content = stack.pop()
        for start, end in _children(content):
            inner = content[start + 1 : end]
            parts = _split_subselect(inner)
            if parts is not None and not _projects(parts[0], parts[1]):
                return "a sub-select of a SPARQL constraint must project $this (SHACL 5.3.1)"
            stack.append(parts[1] if parts is not None else inner)
    return None


def bulk_problem(query: str) -> str | None:
    """Why ``query`` cannot be joined to all focus nodes at once instead of pre-binding
    ``$this`` node by node, or None when both mean the same."""
    masked = mask(query)
    top = _SUBSELECT.search(masked)
    if top is None:
        return "not a SELECT query"
    body_start = top.end() - 1
    close = _closing(masked, body_start)
    projection, body, modifiers = top.group("projection"), masked[body_start + 1 : close], masked[close + 1 :]
    if re.search(r"\b(GROUP\s+BY|LIMIT|OFFSET|HAVING)\b", modifiers, re.IGNORECASE) or "(" in _aggregates(
        projection
    ):
        grouped = re.search(r"\bGROUP\s+BY\b(.*)", modifiers, re.IGNORECASE | re.DOTALL)
        if (
            grouped is None
            or not THIS.search(grouped.group(1))
            or re.search(r"\b(LIMIT|OFFSET)\b", modifiers)
        ):
            return "the query aggregates or limits over several focus nodes"
    return _group_problem(body, exempt=True)


def _aggregates(projection: str) -> str:
    return "(" if re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", projection, re.I) else ""


def projects_this(query: str) -> bool:
    """True when the top-level SELECT projects ``$this`` (or is ``SELECT *``)."""
    top = _SUBSELECT.search(mask(query))
    if top is None:
        return False
    projection = top.group("projection").strip()
    return projection.endswith("*") or bool(THIS.search(_strip_parens(projection)))

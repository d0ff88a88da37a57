"""Saved SPARQL queries: loading, parameters bound as RDF terms, running, result formats.

A saved query is ``queries/NAME.rq``: one question, opening with a comment header
(DESIGN.md, "Saved queries")::

    # title: Jobs a parcours leads to
    # description: …
    # param: parcours — text matched case-insensitively against labels (example: European Policies)
    # columns: programme, parcours, jobTitle, romeCode

Why the design is what it is:

* **Parameters are data, never query text.** A parameter ``NAME`` is the variable
  ``?_NAME`` in the query (grlc's convention). Its value becomes one RDF literal, written by
  Oxigraph's own N-Triples serialiser, in a ``VALUES ?_NAME { "…" }`` block placed at the
  start of every group pattern that mentions the variable. Whatever the value holds
  (quotes, braces, ``} ; DROP ALL ; #``, newlines, 100 kB), it stays inside one string
  literal. The same bound text runs on the embedded store and on a remote endpoint, so the
  results are identical; pyoxigraph's ``substitutions=`` could not be used because
  Oxigraph only substitutes projected variables, which would add columns to the contract.
* **Read-only, by parsing.** Before anything runs, the query is parsed with rdflib's SPARQL
  1.1 grammar: only SELECT and ASK queries pass; an update (INSERT, DELETE, LOAD, CLEAR,
  DROP, CREATE, ADD, MOVE, COPY) is recognised by the update grammar and refused with a
  message. The embedded store is moreover opened read-only, and remote endpoints are only
  sent the SPARQL protocol's *query* operation.
* **Union of the named graphs.** Every source lives in its own named graph; queries are
  written against the default graph, which is the union of all named graphs: on the
  embedded store with ``use_default_graph_as_union=True``, on Oxigraph's server with
  ``--union-default-graph`` (what ``progkg serve`` and ``progkg push`` users run), on other
  servers with their equivalent setting (docs/queries.md).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import EXIT_ERROR, ProgkgError, located
from progkg.paths import Resources

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]

FORMATS = ("table", "csv", "tsv", "json")
KINDS = ("report", "check")
DEFAULT_TIMEOUT = 60.0
#: Widest cell of the ``table`` format; csv, tsv and json always give whole values.
TABLE_CELL_WIDTH = 80

XSD = "http://www.w3.org/2001/XMLSchema#"

###########################################################################################
# Saved queries and their header
###########################################################################################


@dataclass(frozen=True)
class QueryParam:
    """One parameter of a saved query, bound to the variable ``?_<name>``."""

    name: str
    description: str = ""
    example: str | None = None
    optional: bool = False
    #: A code parameter (``# param: rome (code)``): matched without regard to case, and bound as
    #: the constants it can be written as (see :func:`code_variants`), so that the store looks
    #: it up in an index instead of comparing every code of the graph with it.
    code: bool = False
    #: For a code parameter, the prefix a bare number gets (``(code RNCP)``: "24759" → "RNCP24759").
    code_prefix: str | None = None
    #: What the parameter names (``# param: parcours (parcours) — …``): one of
    #: :data:`progkg.search.KINDS`. The runner resolves the text to the IRIs of the things it
    #: names and binds those; the query never compares strings.
    kind: str | None = None
    #: A yes/no switch (``(optional, boolean)``), bound as ``xsd:boolean``.
    boolean: bool = False

    @property
    def type_name(self) -> str:
        """What ``--list`` and ``--help`` show of the parameter's type."""
        if self.kind:
            return self.kind
        if self.boolean:
            return "yes/no"
        return "code" if self.code else "text"

    @property
    def variable(self) -> str:
        return "_" + self.name


@dataclass(frozen=True)
class SavedQuery:
    """A SPARQL query with its header: what it asks, what it needs, what it answers."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[QueryParam, ...] = ()
    columns: tuple[str, ...] = ()
    kind: str = "report"
    path: Path | None = None
    #: True for a query loaded by name from the saved queries (messages then name it so).
    saved: bool = False

    @property
    def display(self) -> str:
        if self.saved or self.path is None:
            return f"query {self.name}"
        return str(self.path)

    def param(self, name: str) -> QueryParam | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class QueryResult:
    """The answer of a query: column names and rows of RDF terms (None where unbound).

    ``boolean`` is set instead of rows for an ASK query.
    """

    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    #: What each typed parameter was resolved to (:class:`progkg.search.Resolution`).
    resolutions: list = field(default_factory=list)
    #: The graph a CONSTRUCT or DESCRIBE query built (then ``columns`` and ``rows`` are empty).
    triples: list | None = None

    def values(self) -> list[tuple[str | None, ...]]:
        """The rows as plain strings (IRIs and lexical forms), handy for tests and scripts."""
        return [tuple(None if t is None else _plain(t) for t in row) for row in self.rows]

    def column(self, name: str) -> list[str | None]:
        index = self.columns.index(name)
        return [row[index] for row in self.values()]


_HEADER_LINE = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s?(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*(?:\((?P<flags>[^()]*)\))?\s*(?:(?:—|–|-{1,2}|:)\s*(?P<rest>.*))?$"
)
_KIND_NAMES = (
    "parcours",
    "programme",
    "institution",
    "certification",
    "rome",
    "job",
    "sector",
    "esco",
    "any",
)
_FLAG = re.compile(r"^(?:optional|boolean|code(?:\s+[A-Z]+)?|" + "|".join(_KIND_NAMES) + r")$")
_EXAMPLE = re.compile(r"\(example:\s*(?P<example>.*)\)\s*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def parse_query_text(text: str, name: str, path: Path | None = None, *, check: bool = True) -> SavedQuery:
    """Read the header of a saved query and check it against the query body.

    Raises :class:`ProgkgError` naming the file and line of a malformed header, a parameter
    declared but never used as ``?_name`` (or used but not declared), or a query that is
    not a read-only SELECT/ASK query.
    """
    shown = str(path) if path else name
    title = description = ""
    kind = "report"
    params: list[QueryParam] = []
    columns: tuple[str, ...] = ()
    last_key = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            last_key = None
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER_LINE.match(stripped)
        if not match:
            continue_text = stripped.lstrip("#").strip()
            if last_key == "description" and continue_text:
                description = f"{description} {continue_text}".strip()
            elif last_key == "param" and continue_text and params:
                p = params[-1]
                params[-1] = _with_more_text(p, continue_text)
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        last_key = key
        if key == "title":
            title = value
        elif key == "description":
            description = value
        elif key == "kind":
            if value not in KINDS:
                raise ProgkgError(
                    located(shown, f"kind must be one of {', '.join(KINDS)}, not {value!r}", number)
                )
            kind = value
        elif key == "param":
            params.append(_parse_param(value, shown, number))
        elif key == "columns":
            columns = tuple(c.strip().lstrip("?$") for c in value.split(",") if c.strip())
        else:
            last_key = None  # an unknown key (e.g. "# author:") is a plain comment
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ProgkgError(f"{shown}: parameter {duplicates[0]!r} is declared twice")
    query = SavedQuery(
        name=name,
        text=text,
        title=title,
        description=description,
        params=tuple(params),
        columns=columns,
        kind=kind,
        path=path,
    )
    if check:
        _check_params_used(query)
        query_form(text, shown)  # refuses updates and syntax errors now, not at run time
    return query


def _with_more_text(p: QueryParam, more: str) -> QueryParam:
    text = f"{p.description} {more}".strip()
    example = p.example
    found = _EXAMPLE.search(text)
    if found:
        example = found.group("example").strip().strip('"“”«» ')
        text = text[: found.start()].strip()
    return replace(p, description=text, example=example)


def _parse_param(value: str, shown: str, line: int) -> QueryParam:
    match = _PARAM.match(value)
    if not match:
        raise ProgkgError(
            located(
                shown, f"malformed parameter {value!r}: write '# param: name — what it is (example: …)'", line
            )
        )
    flags = [f.strip() for f in (match.group("flags") or "").split(",") if f.strip()]
    for flag in flags:
        if not _FLAG.match(flag):
            raise ProgkgError(
                located(
                    shown,
                    f"unknown parameter flag {flag!r}: write what the parameter names "
                    f"({', '.join(_KIND_NAMES)}), (optional), (boolean), (code) or (code PREFIX), "
                    "e.g. '# param: parcours (parcours) — …'",
                    line,
                )
            )
    code = next((f for f in flags if f.startswith("code")), None)
    kinds = [f for f in flags if f in _KIND_NAMES]
    if len(kinds) + (code is not None) + ("boolean" in flags) > 1:
        raise ProgkgError(located(shown, f"parameter {value!r} is given more than one type", line))
    param = QueryParam(
        match.group("name"),
        optional="optional" in flags,
        code=code is not None,
        code_prefix=(code.split()[1] if code and len(code.split()) > 1 else None),
        kind=kinds[0] if kinds else None,
        boolean="boolean" in flags,
    )
    return _with_more_text(param, match.group("rest") or "")


def _check_params_used(query: SavedQuery) -> None:
    used = {v[1:] for v in variables_of(query.text) if v.startswith("_")}
    declared = {p.name for p in query.params}
    for name in sorted(declared - used):
        raise ProgkgError(
            f"{query.display}: parameter {name!r} is declared but the query never uses ?_{name}"
        )
    for name in sorted(used - declared):
        raise ProgkgError(
            f"{query.display}: the query uses ?_{name} but its header declares no '# param: {name} — …'"
        )


def load_query(res: Resources, name_or_path: str | Path) -> SavedQuery:
    """A saved query by name (``queries/NAME.rq``) or by the path of a ``.rq`` file."""
    text_name = str(name_or_path)
    candidate = Path(text_name)
    looks_like_path = text_name.endswith(".rq") or "/" in text_name or candidate.is_file()
    if looks_like_path:
        if not candidate.is_file():
            raise ProgkgError(f"{candidate}: no such query file")
        return _read_query_file(candidate, candidate.stem)
    if not _NAME.match(text_name):
        raise ProgkgError(f"{text_name!r} is not a saved query name (names are like 'jobs-for-parcours')")
    path = res.queries / f"{text_name}.rq"
    if not path.is_file():
        known = [p.stem for p in sorted(res.queries.glob("*.rq"))] if res.queries.is_dir() else []
        close = difflib.get_close_matches(text_name, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `progkg query --list` shows them"
        raise ProgkgError(f"no saved query named {text_name!r} in {res.queries}{hint}")
    return dataclasses.replace(_read_query_file(path, text_name), saved=True)


def _read_query_file(path: Path, name: str, *, check: bool = True) -> SavedQuery:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgkgError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ProgkgError(located(path, "not valid UTF-8; save the file as UTF-8", line)) from None
    return parse_query_text(text, name, path, check=check)


def adhoc_query(text: str, shown: str) -> SavedQuery:
    """A query typed by the user (``-e`` or standard input), with the project's prefixes
    declared for it when it does not declare them itself; checked like a saved query."""
    if not text.strip():
        raise ProgkgError(f"{shown}: the query is empty")
    from progkg.iris import PREFIXES

    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+([\w-]*):", text, re.IGNORECASE)}
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
    added = head.count("\n")
    try:
        return parse_query_text(head + text, "query", None)
    except ProgkgError as exc:
        # Line numbers as the user wrote the query, without the prefixes declared for it.
        message = re.sub(r"\bline (\d+)", lambda m: f"line {max(1, int(m.group(1)) - added)}", exc.message)
        raise ProgkgError(message.replace("query:", f"{shown}:", 1)) from None


def list_queries(res: Resources, *, check: bool = False) -> list[SavedQuery]:
    """Every saved query of ``res.queries``, by name.

    Only the headers are read unless ``check``: listing must be instant, and each query is
    checked anyway when it is run (tests check them all).
    """
    if not res.queries.is_dir():
        return []
    paths = sorted(res.queries.glob("*.rq"), key=lambda p: p.stem)
    return [dataclasses.replace(_read_query_file(path, path.stem, check=check), saved=True) for path in paths]


###########################################################################################
# Reading SPARQL text: a lexer that knows strings, IRIs, comments and group patterns
###########################################################################################

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'
      |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7]+)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """SPARQL tokens, enough to tell variables from strings, IRIs and comments."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        out.append(_Token(kind, match.group(), match.start(), match.end()))
    return out


def variables_of(text: str) -> set[str]:
    """The names of the variables a query mentions (without ``?``/``$``), outside strings/IRIs."""
    return {t.text[1:] for t in _tokens(text) if t.kind == "var"}


@dataclass
class _Group:
    kind: str  # "group" | "subselect" | "values" | "template"
    insert_at: int  # offset just after the opening brace
    mentions: set[str] = field(default_factory=set)


def _groups_mentioning(text: str, names: set[str], shown: str) -> list[_Group]:
    """The group patterns of ``text`` with the parameter variables each one mentions directly.

    A mention outside any group pattern (a SELECT clause, GROUP BY, ORDER BY, a VALUES
    block, a CONSTRUCT template) cannot be bound by VALUES and is refused.
    """
    tokens = _tokens(text)
    stack: list[_Group] = []
    done: list[_Group] = []
    expect_values = False
    previous: _Token | None = None
    for index, token in enumerate(tokens):
        upper = token.text.upper() if token.kind == "word" else ""
        if upper == "VALUES":
            expect_values = True
        if token.kind == "punct" and token.text == "{":
            if expect_values:
                kind, expect_values = "values", False
            elif (
                previous is not None
                and previous.kind == "word"
                and previous.text.upper()
                in (
                    "CONSTRUCT",
                    "DATA",
                    "INSERT",
                    "DELETE",
                )
            ):
                kind = "template"
            else:
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                is_select = (
                    following is not None and following.kind == "word" and following.text.upper() == "SELECT"
                )
                kind = "subselect" if is_select else "group"
            stack.append(_Group(kind, token.end))
        elif token.kind == "punct" and token.text == "}":
            if stack:
                done.append(stack.pop())
        elif token.kind == "var" and token.text[1:] in names:
            where = stack[-1] if stack else None
            if where is None or where.kind != "group":
                raise ProgkgError(
                    f"{shown}: parameter variable {token.text} may only be used inside WHERE patterns "
                    "(FILTER, BIND, triple patterns), not in a SELECT, GROUP BY, ORDER BY or VALUES clause"
                )
            where.mentions.add(token.text[1:])
        previous = token
    return [g for g in done if g.mentions]


###########################################################################################
# Read-only check
###########################################################################################


@lru_cache(maxsize=256)
def _parse_form(text: str) -> tuple[str | None, str | None, bool]:
    """(query form, syntax error, is an update) for ``text``, by rdflib's SPARQL 1.1 grammar."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            return None, f"line {exc.lineno}, column {exc.col}: {exc.msg}", False
        return None, None, True
    except Exception as exc:  # noqa: BLE001 — rdflib raises assorted errors on odd input
        return None, str(exc), False
    name = parsed[1].name  # SelectQuery, AskQuery, ConstructQuery, DescribeQuery
    return name.removesuffix("Query").upper(), None, False


@lru_cache(maxsize=256)
def _oxigraph_form(text: str) -> str | None:
    """The form of ``text`` as Oxigraph's parser reads it, or None when it does not parse as a
    query. Fast (no rdflib import): parsing is done by an empty in-memory store, and nothing is
    evaluated since solutions are only computed when iterated."""
    try:
        answer = ox.Store().query(text)
    except SyntaxError:
        return None
    except Exception:  # noqa: BLE001 — let the full check say what is wrong
        return None
    if isinstance(answer, ox.QueryBoolean):
        return "ASK"
    if isinstance(answer, ox.QueryTriples):
        return "DESCRIBE" if re.search(r"\bDESCRIBE\b", text, re.IGNORECASE) else "CONSTRUCT"
    return "SELECT"


GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


def query_form(text: str, shown: str = "query") -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``; refuses updates and invalid SPARQL."""
    quick = _oxigraph_form(text)
    if quick is not None:
        return quick
    form, error, is_update = _parse_form(text)
    if is_update:
        raise ProgkgError(
            f"{shown}: refused: this is a SPARQL update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, "
            "MOVE or COPY); progkg query is read-only"
        )
    if error is not None:
        raise ProgkgError(f"{shown}: not a valid SPARQL 1.1 query: {error}")
    if form not in ("SELECT", "ASK", *GRAPH_FORMS):
        raise ProgkgError(f"{shown}: a {form} query cannot be run by progkg query")
    return form


###########################################################################################
# Binding parameters
###########################################################################################


def check_params(query: SavedQuery, params: dict[str, str]) -> dict[str, str]:
    """The parameters to bind, or a clear error for an unknown, missing or empty one."""
    declared = [p.name for p in query.params]
    for key in params:
        if key not in declared:
            wanted = ", ".join(declared) if declared else "none"
            raise ProgkgError(f"{query.display}: unknown parameter {key!r} (this query takes: {wanted})")
    checked: dict[str, str] = {}
    for p in query.params:
        if p.name not in params or params[p.name] is None:
            if p.optional:
                continue
            example = f' (for example --param {p.name}="{p.example}")' if p.example else ""
            raise ProgkgError(f"{query.display}: missing parameter {p.name!r}: {p.description}{example}")
        value = params[p.name]
        if not isinstance(value, str):
            raise ProgkgError(
                f"{query.display}: parameter {p.name!r} must be text, not {type(value).__name__}"
            )
        if value == "":
            raise ProgkgError(f"{query.display}: parameter {p.name!r} is empty")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ProgkgError(
                f"{query.display}: parameter {p.name!r} is not valid text (it holds bytes that are not UTF-8)"
            ) from None
        checked[p.name] = value
    return checked


def literal_text(value: str) -> str:
    """``value`` as one SPARQL string literal, escaped by Oxigraph's N-Triples serialiser."""
    return str(ox.Literal(value))


def code_variants(value: str, prefix: str | None = None) -> list[str]:
    """The ways a code parameter can be written in the graph, as given first.

    Codes are stored upper-case (ROME ``E1103``, RNCP ``RNCP24759``: the shapes require it), so
    the upper-case form of the value finds them; with a ``prefix``, a bare number is also tried
    with it ("24759" → "RNCP24759"). Binding these constants, rather than comparing
    ``UCASE(?code)`` with the parameter, lets the store use its indexes: at a million triples a
    certification is found in under a millisecond instead of ~200 ms (bench/RESULTS.md).
    """
    variants = [value, value.upper()]
    if prefix and value.isdigit():
        variants.append(prefix + value)
    return list(dict.fromkeys(variants))


_YES = {"yes", "y", "true", "1", "oui", "o", "on"}
_NO = {"no", "n", "false", "0", "non", "off"}


def boolean_value(query: SavedQuery, name: str, value: str) -> bool:
    """A yes/no parameter's value, or a clear error."""
    folded = value.strip().lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ProgkgError(f"{query.display}: parameter {name!r} is yes or no, not {value!r}")


def _values_block(
    query: SavedQuery, p: QueryParam | None, var: str, value: str, iris: list[str] | None
) -> str:
    if iris is not None:
        terms = [str(ox.NamedNode(iri)) for iri in iris]
    elif p is not None and p.boolean:
        terms = ["true" if boolean_value(query, p.name, value) else "false"]
    else:
        texts = code_variants(value, p.code_prefix) if p is not None and p.code else [value]
        terms = [literal_text(t) for t in texts]
    return f" VALUES ?{var} {{ {' '.join(terms)} }}"


def bind(query: SavedQuery, params: dict[str, str], resolved: dict[str, list[str]] | None = None) -> str:
    """The query text with each parameter bound by a VALUES block in the groups that use it.

    A typed parameter is bound to the IRIs ``resolved`` gives for it (see
    :func:`resolve_params`); a code parameter (``(code)`` in the header) to each of its
    :func:`code_variants`; a yes/no one to ``true`` or ``false``; any other to its text as one
    literal. Raises :class:`ProgkgError` for an unknown, missing or empty parameter.
    """
    values = check_params(query, params)
    if not values:
        return query.text
    resolved = resolved or {}
    groups = _groups_mentioning(query.text, {"_" + name for name in values}, query.display)
    inserts: list[tuple[int, str]] = []
    for group in groups:
        blocks = "".join(
            _values_block(query, query.param(var[1:]), var, values[var[1:]], resolved.get(var[1:]))
            for var in sorted(group.mentions)
        )
        if blocks:
            inserts.append((group.insert_at, blocks + "\n"))
    text = query.text
    for offset, block in sorted(inserts, reverse=True):
        text = text[:offset] + block + text[offset:]
    return text


###########################################################################################
# Running
###########################################################################################


def run_query(
    query: SavedQuery,
    params: dict[str, str] | None = None,
    *,
    build_dir: Path | None = None,
    store: ox.Store | None = None,
    endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cap: int | None = None,
) -> QueryResult:
    """Run ``query`` with ``params`` on the embedded store (default) or a remote ``endpoint``.

    ``store`` is an open pyoxigraph store to use instead of ``build_dir``'s; ``timeout``
    bounds a remote call (seconds). Typed parameters are first resolved to the things they
    name (:func:`resolve_params`), against the same store or endpoint; ``cap`` bounds how many
    matches one parameter binds. Raises :class:`ProgkgError` (exit 2) for bad parameters, a
    parameter that names nothing, a refused update, a missing build, or an endpoint that fails.
    """
    values = check_params(query, dict(params or {}))
    form = query_form(query.text, query.display)
    if not endpoint and store is None:
        from progkg import paths
        from progkg import store as st

        store = st.open_store(build_dir or paths.build_dir())
    select = remote_select(endpoint, timeout) if endpoint else store_select(store)
    resolutions = resolve_params(query, values, select, cap=cap)
    text = bind(query, values, {r.param: [m.iri for m in r.matches] for r in resolutions})
    if endpoint:
        from progkg.remote import run_remote

        result = run_remote(endpoint, text, form, timeout=timeout, columns=query.columns)
    else:
        result = _run_local(store, text, query.display)
    result.resolutions = resolutions
    return result


def _run_local(store: ox.Store, text: str, shown: str) -> QueryResult:
    try:
        answer = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise ProgkgError(f"{shown}: {exc}") from None
    except OSError as exc:
        raise ProgkgError(f"{shown}: the store failed: {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(columns=[], boolean=bool(answer))
    try:
        if isinstance(answer, ox.QueryTriples):
            return QueryResult(columns=[], triples=list(answer))
        columns = [v.value for v in answer.variables]
        rows = [tuple(solution[name] for name in columns) for solution in answer]
    except (OSError, RuntimeError) as exc:
        raise ProgkgError(f"{shown}: the query failed: {exc}") from None
    return QueryResult(columns=columns, rows=rows)


def store_select(store: ox.Store):  # noqa: ANN201 — a search.Select
    """A :data:`progkg.search.Select` on the embedded store (union of the named graphs)."""

    def select(text: str) -> list[dict]:
        answer = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in answer.variables]
        return [{name: solution[name] for name in names} for solution in answer]

    select.store = store  # type: ignore[attr-defined] — lets the search read its index directly
    return select


def remote_select(endpoint: str, timeout: float):  # noqa: ANN201 — a search.Select
    """A :data:`progkg.search.Select` on a remote SPARQL endpoint."""
    from progkg.remote import ask_endpoint, check_url

    check_url(endpoint)

    def select(text: str) -> list[dict]:
        result = ask_endpoint(endpoint, text, "SELECT", timeout)
        return [dict(zip(result.columns, row, strict=True)) for row in result.rows]

    return select


def resolve_params(query: SavedQuery, values: dict[str, str], select, *, cap: int | None = None) -> list:
    """Each typed parameter of ``query`` given in ``values``, resolved to what it names.

    A parameter that names nothing raises :class:`ProgkgError` with close suggestions; when
    nothing at all can be found because the store or endpoint holds no search index (built by
    an older progkg, or loaded from the export), the message says so.
    """
    from progkg import search

    out = []
    for p in query.params:
        if not p.kind or p.name not in values:
            continue
        try:
            out.append(search.resolve(p.name, p.kind, values[p.name], select, cap=cap or search.DEFAULT_CAP))
        except ProgkgError as exc:
            if not search.has_index(select):
                raise ProgkgError(search.NO_INDEX) from None
            hint = _other_parameter_hint(query, p, values[p.name], select)
            if hint:
                raise ProgkgError(f"{exc.message}. {hint}") from None
            raise
    return out


def _other_parameter_hint(query: SavedQuery, given: QueryParam, text: str, select) -> str | None:
    """When a value names nothing of its parameter's kind but is the code or exact name of
    another parameter's kind ("K1802" given as a job title to a query that also takes a ROME
    code), the parameter to give it to."""
    from progkg import search

    for other in query.params:
        if not other.kind or other.name == given.name or other.kind in (given.kind, "any"):
            continue
        found = search.find(other.kind, text, select, related=False)
        if found and found[0].rank <= search.RANK_EXACT:
            noun = search.KINDS[other.kind].noun
            name = f" ({found[0].name})" if found[0].name and len(found) == 1 else ""
            return f"{text!r} names a {noun}{name}: give it as -p {other.name}={text}"
    return None


def result_from_solutions(answer: ox.QuerySolutions | ox.QueryBoolean) -> QueryResult:
    """A :class:`QueryResult` from pyoxigraph solutions (local or parsed from a remote answer)."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(columns=[], boolean=bool(answer))
    columns = [v.value for v in answer.variables]
    return QueryResult(columns=columns, rows=[tuple(s[name] for name in columns) for s in answer])


###########################################################################################
# Result formats: W3C SPARQL 1.1 JSON, CSV and TSV, and a table for people
###########################################################################################


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``result`` as text in ``fmt``: table, csv, tsv (W3C SPARQL 1.1 CSV/TSV) or json.

    The graph of a CONSTRUCT or DESCRIBE query is Turtle (``table``), N-Triples (``csv`` or
    ``tsv``: one triple a line, for line tools) or JSON-LD (``json``).
    """
    if result.triples is not None:
        return _graph_text(result.triples, fmt)
    if fmt == "json":
        return _to_json(result)
    if fmt == "csv":
        return _to_csv(result)
    if fmt == "tsv":
        return _to_tsv(result)
    if fmt == "table":
        return _to_table(result)
    raise ProgkgError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}", EXIT_ERROR)


def _graph_text(triples: list, fmt: str) -> str:
    from progkg.iris import PREFIXES

    if fmt in ("csv", "tsv"):
        lines = sorted(str(t) + " .\n" for t in triples)
        return "".join(lines)
    rdf_format = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
    known = {**PREFIXES, "pkx": "https://w3id.org/progkg/derived#"}
    used = {p: iri for p, iri in known.items() if any(iri in str(t) for t in triples)}
    data = ox.serialize(sorted(triples, key=str), format=rdf_format, prefixes=used)
    return data.decode("utf-8")


def _plain(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _to_json(result: QueryResult) -> str:
    if result.boolean is not None:
        doc: dict = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {
                name: _json_term(term)
                for name, term in zip(result.columns, row, strict=True)
                if term is not None
            }
            for row in result.rows
        ]
        doc = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if t is None else _plain(t) for t in row])
    return buffer.getvalue()


_TSV_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}


def _tsv_term(term: Term) -> str:
    if isinstance(term, ox.Literal):
        shape = _TSV_NUMBER.get(term.datatype.value)
        if shape is not None and shape.fullmatch(term.value):
            return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term).replace("\t", "\\t")


def _to_tsv(result: QueryResult) -> str:
    if result.boolean is not None:
        return f"?boolean\n{'true' if result.boolean else 'false'}\n"
    lines = ["\t".join(f"?{c}" for c in result.columns)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return "\n".join(lines) + "\n"


def _short(term: Term) -> str:
    from progkg.iris import PREFIXES

    if isinstance(term, ox.NamedNode):
        best = ""
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and len(iri) > len(best):
                best, chosen = iri, prefix
        if best:
            return f"{chosen}:{term.value[len(best) :]}"
        return term.value
    return _plain(term)


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    text = " ".join(_short(term).split())
    if len(text) > TABLE_CELL_WIDTH:
        text = text[: TABLE_CELL_WIDTH - 1] + "…"
    return text


def _is_number(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in (
        XSD + "integer",
        XSD + "decimal",
        XSD + "double",
        XSD + "float",
    )


def _to_table(result: QueryResult) -> str:
    if result.boolean is not None:
        return ("yes" if result.boolean else "no") + "\n"
    cells = [[_cell(t) for t in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        bool(result.rows) and all(row[i] is None or _is_number(row[i]) for row in result.rows)
        for i in range(len(result.columns))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return " │ ".join(parts).rstrip()

    out = [line(result.columns), "─┼─".join("─" * w for w in widths)]
    out.extend(line(row) for row in cells)
    count = len(result.rows)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def rows_equal(a: Iterable[Row], b: Iterable[Row]) -> bool:
    """Whether two row lists hold the same terms in the same order (used to compare engines)."""
    return [tuple(a_row) for a_row in a] == [tuple(b_row) for b_row in b]

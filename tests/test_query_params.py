"""Hostile parameters: a value is one RDF literal, whatever it holds, and changes nothing.

Each value goes through the same binding as every saved query (a VALUES block holding a
literal written by Oxigraph's N-Triples serialiser). The echo query gives the value back, to
prove it arrived whole as one string; the saved queries must answer nothing for it and leave
a *writable* copy of the graph exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from progkg import paths
from progkg.build import derive
from progkg.errors import ProgkgError
from progkg.queries import bind, code_variants, list_queries, load_query, parse_query_text, run_query

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)
ECHO = REPO / "tests" / "fixtures" / "queries" / "echo.rq"
NESTED = REPO / "tests" / "fixtures" / "queries" / "nested.rq"

HOSTILE = {
    "drop-all": 'x" } ; DROP ALL ; #',
    "insert": '"} INSERT DATA { <http://evil/s> <http://evil/p> <http://evil/o> } #',
    "single-quote": "l'administration",
    "double-quote": 'say "hello"',
    "triple-quotes": "\"\"\" ''' \"\" ''",
    "backslashes": '\\ \\\\ \\" \\n \\u0022 \\U00000022',
    "unicode-escape-quote": "\\u0022 } ; DROP ALL ; #",
    "braces": "{ } {{ }} ( ) [ ]",
    "newlines": "line one\nline two\r\nline three\r",
    "tab-nul-controls": "a\tb\x00c\x01d\x7fe",
    "iri-with-gt": "<http://example.org/a> > <b>",
    "iri-like": "https://w3id.org/progkg/id/job/lobbyiste",
    "comment": "# nothing after this\n} SELECT * WHERE { ?s ?p ?o }",
    "variables": "?_parcours $_parcours ?s",
    "values-block": "VALUES ?x { 1 } } UNION { ?s ?p ?o",
    "sparql-keywords": "SERVICE <http://evil/sparql> { ?s ?p ?o }",
    "emoji-and-rtl": "🎓 \u202e مرحبا",
    "long": "ab" * 50_000,  # 100 kB
}


@pytest.fixture(scope="module")
def writable(built: Path) -> ox.Store:
    """A writable in-memory copy of the built graph: an injected update would change it."""
    store = ox.Store()
    store.bulk_load(path=str(built / "progkg.nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_extend(derive(store))  # the search index and features, as the build adds them
    return store


def fingerprint(store: ox.Store) -> tuple[int, int]:
    return len(store), hash(frozenset(str(q) for q in store))


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_value_arrives_whole_as_one_string(value: str, writable: ox.Store) -> None:
    result = run_query(load_query(RES, str(ECHO)), {"text": value}, store=writable)
    assert len(result.rows) == 1
    echo, length = result.rows[0]
    assert isinstance(echo, ox.Literal)
    assert echo.value == value
    assert echo.datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
    assert int(length.value) == len(value)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_saved_queries_answer_or_refuse_in_one_line_and_change_nothing(
    value: str, writable: ox.Store
) -> None:
    """Typed parameters are resolved to IRIs before the query runs: a hostile value either
    names something by its words (then the query answers about it) or names nothing (one
    line, exit 2); it never reaches the query text and never changes the store."""
    before = fingerprint(writable)
    for query in list_queries(RES):
        if not query.params:
            continue
        params = {p.name: value for p in query.params if not p.optional}
        try:
            result = run_query(query, params, store=writable)
        except ProgkgError as exc:
            assert "\n" not in exc.message and len(exc.message) < 1000, query.name
            continue
        assert result.columns == list(query.columns)
        bound = bind(query, params, {r.param: [m.iri for m in r.matches] for r in result.resolutions})
        if not value.startswith(("http", "<")):  # an IRI is taken as it is (and so appears as one)
            assert value not in bound or len(value) < 3, f"{query.name}: the value reached the query text"
    assert fingerprint(writable) == before


def test_bound_text_holds_exactly_one_literal_per_group() -> None:
    query = load_query(RES, str(ECHO))
    text = bind(query, {"text": HOSTILE["drop-all"]})
    assert 'VALUES ?_text { "x\\" } ; DROP ALL ; #" }' in text
    assert text.count("VALUES") == 1


def test_newlines_and_quotes_are_escaped_not_pasted() -> None:
    text = bind(load_query(RES, str(ECHO)), {"text": 'a"\nb\\'})
    assert '"a\\"\\nb\\\\"' in text


def test_parameters_reach_nested_groups(writable: ox.Store) -> None:
    """A parameter used in a sub-select, FILTER EXISTS, MINUS, OPTIONAL and UNION branches."""
    query = load_query(RES, str(NESTED))
    text = bind(query, {"text": "lobbyiste"})
    assert text.count('VALUES ?_text { "lobbyiste" }') == 4  # sub-select, EXISTS, MINUS, OPTIONAL
    rows = run_query(query, {"text": "lobbyiste"}, store=writable).values()
    where = {r[1] for r in rows}
    # "lobbyiste" starts the label, so MINUS removes the EXISTS branch's match: proof that the
    # value reached the MINUS group too.
    assert where == {"subselect", "optional"}
    assert ("https://w3id.org/progkg/id/job/lobbyiste", "subselect") in rows


def test_a_parameter_outside_the_where_patterns_is_refused(writable: ox.Store) -> None:
    query = parse_query_text(
        "# param: x — anything (example: 1)\nSELECT ?_x WHERE { BIND(1 AS ?y) FILTER(?_x) }", "bad"
    )
    with pytest.raises(ProgkgError, match="may only be used inside WHERE patterns"):
        run_query(query, {"x": "1"}, store=writable)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "missing parameter 'text'"),
        ({"text": ""}, "parameter 'text' is empty"),
        ({"text": "a", "other": "b"}, "unknown parameter 'other'"),
        ({"text": "bad \udcff bytes"}, "not valid text"),
        ({"text": 42}, "must be text"),
    ],
)
def test_bad_parameters_are_clear_errors(params: dict, message: str, writable: ox.Store) -> None:
    with pytest.raises(ProgkgError, match=message):
        run_query(load_query(RES, str(ECHO)), params, store=writable)


def test_codes_match_in_any_spelling_but_never_as_a_prefix(writable: ox.Store) -> None:
    rome = load_query(RES, "rome-for-certification")
    for spelling in ("rncp24759", "RNCP24759 ", "24759", "RNCP 24759"):
        assert len(run_query(rome, {"rncp": spelling}, store=writable).rows) == 4, spelling
    for wrong in ("RNCP247", "%"):
        with pytest.raises(ProgkgError, match="parameter rncp: no certification"):
            run_query(rome, {"rncp": wrong}, store=writable)
    programmes = load_query(RES, "programmes-for-rome")
    for wrong in ("K18", ".*"):
        with pytest.raises(ProgkgError, match="parameter rome: no ROME code"):
            run_query(programmes, {"rome": wrong}, store=writable)


def test_a_typed_parameter_is_bound_to_the_iris_it_resolves_to(writable: ox.Store) -> None:
    """The query receives IRIs, never the text: the store then starts from them."""
    query = load_query(RES, "rome-for-certification")
    assert query.param("rncp").kind == "certification"
    result = run_query(query, {"rncp": "24759"}, store=writable)
    [resolution] = result.resolutions
    assert [m.iri for m in resolution.matches] == ["https://w3id.org/progkg/id/rncp/RNCP24759"]
    text = bind(query, {"rncp": "24759"}, {"rncp": [resolution.matches[0].iri]})
    assert "VALUES ?_rncp { <https://w3id.org/progkg/id/rncp/RNCP24759> }" in text
    assert 'VALUES ?_rncp { "' not in text


def test_a_code_flag_binds_each_way_the_code_can_be_written() -> None:
    """``(code PREFIX)`` on a query of one's own: as given, upper case, a bare number with its
    prefix — as literal constants."""
    query = parse_query_text(
        "# param: rncp (code RNCP) — a code (example: 1)\nSELECT ?c WHERE { ?c ?p ?_rncp }", "mine"
    )
    assert 'VALUES ?_rncp { "24759" "RNCP24759" }' in bind(query, {"rncp": "24759"})
    assert 'VALUES ?_rncp { "rncp24759" "RNCP24759" }' in bind(query, {"rncp": "rncp24759"})
    assert code_variants("rs5000", "RNCP") == ["rs5000", "RS5000"]  # only a bare number gets the prefix
    text = bind(query, {"rncp": HOSTILE["drop-all"]})
    assert text.count("VALUES") == 1
    assert 'VALUES ?_rncp { "x\\" } ; DROP ALL ; #" "X\\" } ; DROP ALL ; #" }' in text


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# param: x (cod) — a code (example: 1)", "unknown parameter flag 'cod'"),
        ("# param: x (code rncp) — a code (example: 1)", "unknown parameter flag 'code rncp'"),
    ],
)
def test_an_unknown_parameter_flag_is_a_located_error(header: str, message: str) -> None:
    with pytest.raises(ProgkgError, match=rf"bad:1:.*{message}"):
        parse_query_text(f"{header}\nSELECT ?y WHERE {{ ?y ?p ?_x }}", "bad")


def test_optional_and_code_flags_combine() -> None:
    query = parse_query_text("# param: x (optional, code) — a code\nSELECT ?y WHERE { ?y ?p ?_x }", "q")
    assert query.param("x").optional and query.param("x").code

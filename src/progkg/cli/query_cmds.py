"""`progkg query`: run a saved SPARQL query (or a .rq file) on the built graph or an endpoint."""

from __future__ import annotations

import click

from progkg import paths
from progkg.errors import EXIT_NO
from progkg.queries import DEFAULT_TIMEOUT, FORMATS


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        if key in params:
            raise click.BadParameter(f"{key!r} is given twice", param_hint="--param")
        params[key] = value
    return params


def _read_stdin() -> str:
    data = click.get_binary_stream("stdin").read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise click.UsageError(f"standard input, line {line}: not valid UTF-8") from None


def _list_queries() -> None:
    from progkg.queries import list_queries

    res = paths.resources()
    rows = []
    for q in list_queries(res):
        params = ", ".join(f"{p.name}{'?' if p.optional else ''} ({p.type_name})" for p in q.params) or "—"
        rows.append((q.name, q.kind, params, q.title))
    if not rows:
        click.echo(f"no saved queries in {res.queries}", err=True)
        return
    header = ("name", "kind", "parameters", "title")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row[:3], widths, strict=True)) + "  " + row[3])


@click.command()
@click.argument("query", required=False, metavar="NAME|FILE.rq|-")
@click.option(
    "--expression",
    "-e",
    metavar="SPARQL",
    help="Run this SPARQL query text (SELECT, ASK, CONSTRUCT or DESCRIBE) instead of a saved one.",
)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the query.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
)
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the built store.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for a remote endpoint.",
)
@click.option(
    "--list", "list_only", is_flag=True, help="List the saved queries (name, kind, parameters, title)."
)
@click.option("--quiet", "-q", is_flag=True, help="Do not say on stderr what each parameter matched.")
@click.option(
    "--max-matches",
    type=click.IntRange(min=1),
    default=None,
    help="Most things one parameter may name (default 50).",
)
@click.pass_context
def query(
    ctx: click.Context,
    query: str | None,
    expression: str | None,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    timeout: float,
    list_only: bool,
    quiet: bool,
    max_matches: int | None,
) -> None:
    """Answer a question with a saved SPARQL query (queries/NAME.rq), a .rq file, a query given
    with -e, or a query read from standard input (NAME "-").

    \b
    Examples:
      progkg query --list
      progkg query jobs-for-parcours -p parcours="politiques européennes"
      progkg query programmes-for-job -p job="charge de communication"
      progkg query rome-for-certification -p rncp=24759 --format json
      progkg query programmes --endpoint http://127.0.0.1:7878/query
      progkg query -e 'SELECT ?c WHERE { ?c a pk:RomeCode } LIMIT 5'
      progkg query -e 'DESCRIBE <https://w3id.org/progkg/id/rome/K1802>'   # Turtle out
      echo 'ASK { ?p a pk:Parcours }' | progkg query -

    \b
    Each parameter names something (--list shows what):
      parcours, programme, institution, sector, job   by name, in any case, with or
                                                      without accents, in any gender and
                                                      number, words in any order
      certification, rome                             by code (RNCP24759, 24759, k1802)
                                                      or name
      any                                             anything (sources-of)
    An IRI or CURIE (id:rome/K1802) is taken as it is; a programme or parcours also by its
    RNCP code. What each parameter matched is said on stderr (--quiet silences it). No match:
    exit 2 with close suggestions. Job titles and sectors match every title holding all the
    words; the others the best-ranked names only (exact name, then all words, then prefix).

    The matches are bound as IRIs, never pasted into the query. Updates are refused.
    A query of kind "check" (e.g. data-gaps) exits 1 when it finds problems. A query given
    with -e or on stdin may use the project's prefixes (pk:, pkid:, skos:, schema:, rdfs:…)
    without declaring them; CONSTRUCT and DESCRIBE give Turtle (json: JSON-LD; csv/tsv:
    N-Triples).
    """
    if list_only:
        if query or expression:
            raise click.UsageError("--list takes no query")
        _list_queries()
        return
    if expression is not None and query:
        raise click.UsageError("give either a query name, a file, - or -e SPARQL, not two")
    if expression is None and not query:
        raise click.UsageError(
            "give a saved query name, a .rq file, - (standard input) or -e SPARQL (progkg query --list)"
        )
    from progkg.queries import adhoc_query, format_result, load_query, run_query

    if expression is not None:
        saved = adhoc_query(expression, "query given with -e")
    elif query == "-":
        saved = adhoc_query(_read_stdin(), "query read from standard input")
    else:
        saved = load_query(paths.resources(), query)
    result = run_query(saved, _parse_params(params), endpoint=endpoint, timeout=timeout, cap=max_matches)
    if not quiet:
        for resolution in result.resolutions:
            click.echo(resolution.describe(), err=True)
    click.echo(format_result(result, fmt), nl=False)
    if result.resolutions and not result.rows and result.boolean is None:
        found = "; ".join(f"{r.param} = {r.matches[0].name or r.matches[0].iri}" for r in result.resolutions)
        about = "it" if len(result.resolutions) == 1 else "them"
        click.echo(
            f"found {found}, but the graph holds no such facts about {about} ({saved.name} has no rows)",
            err=True,
        )
    if saved.kind == "check" and result.rows:
        click.echo(f"{saved.name} is a check: {len(result.rows)} problem(s) found", err=True)
        ctx.exit(EXIT_NO)


@click.command()
@click.argument("thing", metavar="THING")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "turtle")),
    default="text",
    show_default=True,
    help="text for people; turtle: the statements about it.",
)
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 endpoint instead of the built store.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True, help="Seconds."
)
def describe(thing: str, fmt: str, endpoint: str | None, timeout: float) -> None:
    """What the graph says about THING, by source: each statement with the property's label and
    the value's name, then what points at it.

    THING is an IRI, a CURIE (id:rome/K1802), a code (K1802, RNCP24759) or a name in your own
    words ("lobbyiste", "politiques européennes"), resolved as query parameters are. When it
    names several things, the first three are described and the others counted.

    \b
    Examples:
      progkg describe K1802
      progkg describe "charge de communication"
      progkg describe id:parcours/lille2/european-policies-and-project-management --format turtle
    """
    import pyoxigraph as ox

    from progkg import describe as dsc
    from progkg.queries import remote_select, store_select

    if endpoint:
        select = remote_select(endpoint, timeout)
    else:
        from progkg import store as st

        select = store_select(st.open_store(paths.build_dir()))
    found, total = dsc.describe(thing, select)
    if total > len(found):
        click.echo(f"{thing!r} names {total} things; the first {len(found)} are described", err=True)
    if fmt == "turtle":
        from progkg.iris import PREFIXES

        triples = [t for d in found for t in d.triples()]
        click.echo(
            ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8"), nl=False
        )
        return
    click.echo("\n".join(dsc.as_text(d) for d in found), nl=False)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(query)
    cli.add_command(describe)

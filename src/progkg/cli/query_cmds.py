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


def _list_queries() -> None:
    from progkg.queries import list_queries

    res = paths.resources()
    rows = []
    for q in list_queries(res):
        params = ", ".join(f"{p.name}{'?' if p.optional else ''}" for p in q.params) or "—"
        rows.append((q.name, q.kind, params, q.title))
    if not rows:
        click.echo(f"no saved queries in {res.queries}", err=True)
        return
    header = ("name", "kind", "parameters", "title")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row[:3], widths, strict=True)) + "  " + row[3])


@click.command()
@click.argument("query", required=False, metavar="NAME|FILE.rq")
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
@click.pass_context
def query(
    ctx: click.Context,
    query: str | None,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    timeout: float,
    list_only: bool,
) -> None:
    """Answer a question with a saved SPARQL query (queries/NAME.rq) or a .rq file.

    \b
    Examples:
      progkg query --list
      progkg query jobs-for-parcours --param parcours="European Policies"
      progkg query rome-for-certification -p rncp=RNCP24759 --format json
      progkg query programmes --endpoint http://127.0.0.1:7878/query

    Parameters are bound as RDF literals, never pasted into the query. Updates are refused.
    A query of kind "check" (e.g. data-gaps) exits 1 when it finds problems.
    """
    if list_only:
        if query:
            raise click.UsageError("--list takes no query name")
        _list_queries()
        return
    if not query:
        raise click.UsageError("give a saved query name or a .rq file (progkg query --list shows them)")
    from progkg.queries import format_result, load_query, run_query

    saved = load_query(paths.resources(), query)
    result = run_query(saved, _parse_params(params), endpoint=endpoint, timeout=timeout)
    click.echo(format_result(result, fmt), nl=False)
    if saved.kind == "check" and result.rows:
        click.echo(f"{saved.name} is a check: {len(result.rows)} problem(s) found", err=True)
        ctx.exit(EXIT_NO)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(query)

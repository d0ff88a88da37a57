"""`progkg push` and `progkg serve`: the graph beyond one machine."""

from __future__ import annotations

import click

from progkg import paths
from progkg.push import DEFAULT_PUSH_TIMEOUT
from progkg.serve import DEFAULT_HOST, DEFAULT_PORT


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.option("--endpoint", required=True, metavar="URL", help="The remote SPARQL query endpoint.")
@click.option(
    "--graph-store",
    metavar="URL",
    help="Its Graph Store Protocol endpoint (default: …/store beside an Oxigraph …/query).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_PUSH_TIMEOUT,
    show_default=True,
    help="Seconds allowed for each request.",
)
@click.option("--prune", is_flag=True, help="Delete remote progkg graphs that the build no longer has.")
def push(endpoint: str, graph_store: str | None, timeout: float, prune: bool) -> None:
    """Load the built graph into a remote store, one named graph per source.

    Each graph is sent as one Graph Store Protocol PUT, which replaces it as a whole; the
    triple counts are then read back and checked. See docs/queries.md for what readers of
    the remote store can see during a push.
    """
    from progkg.push import push as do_push

    report = do_push(
        paths.build_dir(), endpoint, graph_store, timeout=timeout, prune=prune, progress=_progress
    )
    click.echo(f"{'graph':<70} {'triples':>9}")
    for graph, count in report.pushed.items():
        click.echo(f"{graph:<70} {count:>9}")
    click.echo(f"{'total':<70} {sum(report.pushed.values()):>9}")
    for graph in report.stale:
        if graph not in report.pruned:
            click.echo(
                f"note: {graph} is on the endpoint but not in the build (--prune deletes it)", err=True
            )
    click.echo(f"pushed to {report.graph_store}; counts checked through {report.endpoint}", err=True)


@click.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="0: any free port."
)
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, help="Address to bind; 0.0.0.0 exposes the server."
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds a query may run.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=32),
    default=None,
    help="Processes serving the pages (default: one per core, at most 4).",
)
@click.pass_context
def serve(ctx: click.Context, port: int, host: str, query_timeout: float, workers: int | None) -> None:
    """Serve the built graph read-only: pages for every IRI, search, and Oxigraph's SPARQL
    endpoint and query page, on one port.

    Stop it with Ctrl-C. Queries see the union of the named graphs as their default graph,
    as with `progkg query`; updates are refused.
    """
    from progkg.serve import free_port
    from progkg.serve import serve as do_serve

    if port == 0:
        port = free_port(host)

    def ready(server) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: listening on {host}: other machines can query this graph", err=True)
        click.echo(f"Pages:           {server.pages_url}")
        click.echo(f"Query page:      {server.url}")
        click.echo(f"SPARQL endpoint: {server.query_url}", nl=True)
        click.echo("Press Ctrl-C to stop.", err=True)

    code = do_serve(
        paths.build_dir(), host, port, query_timeout=query_timeout, workers=workers, on_ready=ready
    )
    click.echo("stopped", err=True)
    ctx.exit(code)


def register(cli: click.Group) -> None:
    """Add this module's commands to ``cli``."""
    cli.add_command(push)
    cli.add_command(serve)

"""Running saved queries on a remote SPARQL 1.1 endpoint, through SPARQLWrapper.

Why a separate module: a remote endpoint fails in ways a local store does not (refused
connections, silent servers, HTTP errors, proxies answering HTML). Every such failure
becomes one :class:`ProgkgError` naming the URL, and every call is bounded in time: the
socket timeout bounds each network wait, and an overall deadline (the same number of
seconds, plus a little) bounds a server that trickles its answer byte by byte.

Only the SPARQL protocol's *query* operation is ever sent (never ``update=``), with
POST and a form-encoded body so that long parameter values fit.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.error
import urllib.parse
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox

from progkg.errors import ProgkgError
from progkg.queries import QueryResult, result_from_solutions

T = TypeVar("T")

USER_AGENT = "progkg (https://w3id.org/progkg)"
#: Extra seconds the overall deadline allows beyond the socket timeout.
GRACE = 2.0
UNION_HINT = (
    "progkg's queries read the union of the named graphs as the default graph: start Oxigraph with "
    "--union-default-graph (progkg serve does), or set the equivalent option of your server "
    "(Fuseki: unionDefaultGraph true on its TDB dataset)"
)


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL; a clear error otherwise."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ProgkgError(
            f"{url!r} is not an http(s) URL of a SPARQL endpoint (e.g. http://127.0.0.1:7878/query)"
        )
    return url


def with_deadline(url: str, seconds: float, call: Callable[[], T]) -> T:
    """Run ``call`` in a helper thread and give up after ``seconds`` (+ grace) with a clear error.

    The helper thread is a daemon: if the server never finishes, it is abandoned, not
    waited for, and the process can still exit.
    """
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 — handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="progkg-remote", daemon=True)
    worker.start()
    worker.join(seconds + GRACE)
    if worker.is_alive():
        raise ProgkgError(
            f"{url}: no complete answer within {seconds:g} s (timeout); is the endpoint overloaded?"
        )
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def describe_network_error(url: str, exc: BaseException, seconds: float) -> ProgkgError:
    """One message for any way an HTTP exchange can fail."""
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if isinstance(exc, SPARQLWrapperException):
        body = _excerpt(_wrapped_response(exc))
        kind = {
            "QueryBadFormed": "HTTP 400 (the endpoint rejected the query)",
            "EndPointNotFound": "HTTP 404 (no SPARQL endpoint at this URL)",
            "Unauthorized": "HTTP 401 (the endpoint wants credentials)",
            "URITooLong": "HTTP 414 (request too long)",
            "EndPointInternalError": "HTTP 500 (the endpoint failed)",
        }.get(type(exc).__name__, type(exc).__name__)
        return ProgkgError(f"{url}: {kind}{': ' + body if body else ''}")
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = _excerpt(exc.read())
        except Exception:  # noqa: BLE001
            body = ""
        return ProgkgError(f"{url}: HTTP {exc.code} {exc.reason}{': ' + body if body else ''}")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return ProgkgError(f"{url}: no answer within {seconds:g} s (timeout)")
        if isinstance(reason, ConnectionRefusedError):
            return ProgkgError(f"{url}: connection refused (is the server running?)")
        if isinstance(reason, socket.gaierror):
            return ProgkgError(f"{url}: unknown host ({reason.strerror or reason})")
        return ProgkgError(f"{url}: cannot connect: {reason}")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return ProgkgError(f"{url}: no answer within {seconds:g} s (timeout)")
    if isinstance(exc, ConnectionRefusedError):
        return ProgkgError(f"{url}: connection refused (is the server running?)")
    if isinstance(exc, (http.client.HTTPException, ConnectionError, OSError)):
        return ProgkgError(
            f"{url}: the server broke the exchange ({type(exc).__name__}: {exc}); is it an HTTP server?"
        )
    return ProgkgError(f"{url}: {type(exc).__name__}: {exc}")


def _wrapped_response(exc: BaseException) -> bytes:
    """The server's answer that SPARQLWrapper folds into its exception message (as a repr)."""
    import ast

    text = str(exc)
    marker = "Response:\n"
    if marker not in text:
        return b""
    try:
        value = ast.literal_eval(text.split(marker, 1)[1].strip())
    except (ValueError, SyntaxError):
        return b""
    return value if isinstance(value, bytes) else str(value).encode()


def _excerpt(data: object, limit: int = 300) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    text = " ".join(str(data or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fetch(url: str, text: str, form: str, timeout: float) -> tuple[bytes, str]:
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

    wrapper = SPARQLWrapper(url, agent=USER_AGENT)
    wrapper.setQuery(text)
    wrapper.queryType = form  # never let a guess turn this into an update request
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    wrapper.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
    wrapper.setTimeout(max(1, round(timeout)))
    response = wrapper.query().response
    content_type = response.headers.get("Content-Type", "") if response.headers else ""
    return response.read(), content_type


def run_remote(
    url: str,
    text: str,
    form: str,
    *,
    timeout: float,
    columns: tuple[str, ...] = (),
) -> QueryResult:
    """Run a bound, read-only query on ``url`` and parse its SPARQL JSON answer."""
    check_url(url)
    result = ask_endpoint(url, text, form, timeout)
    if result.boolean is None and not result.rows and not result.triples:
        _check_union_default_graph(url, timeout)
    return result


def ask_endpoint(url: str, text: str, form: str, timeout: float) -> QueryResult:
    """One query sent to ``url``, its answer parsed (no empty-answer check: see run_remote)."""
    try:
        raw, content_type = with_deadline(url, timeout, lambda: _fetch(url, text, form, timeout))
    except ProgkgError:
        raise
    except BaseException as exc:  # noqa: BLE001 — every network failure becomes one message
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise describe_network_error(url, exc, timeout) from None
    try:
        if form in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(columns=[], triples=list(ox.parse(raw, format=ox.RdfFormat.TURTLE)))
        answer = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
        result = result_from_solutions(answer)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        shown = f" ({content_type})" if content_type else ""
        raise ProgkgError(
            f"{url}: the answer{shown} is not SPARQL 1.1 JSON results: {_excerpt(str(exc), 200)}; "
            f"it begins {_excerpt(raw, 80)!r}"
        ) from None
    if form == "ASK" and result.boolean is None:
        raise ProgkgError(f"{url}: an ASK query got rows instead of a boolean")
    if form == "SELECT" and result.boolean is not None:
        raise ProgkgError(f"{url}: a SELECT query got a boolean instead of rows")
    return result


def _check_union_default_graph(url: str, timeout: float) -> None:
    """An empty answer from a store whose data sit only in named graphs is a setup error.

    Without this check, a server that does not expose the union of its named graphs as the
    default graph would answer every saved query with no rows, silently.
    """
    in_default = ask_endpoint(url, "ASK { ?s ?p ?o }", "ASK", timeout).boolean
    if in_default:
        return
    in_named = ask_endpoint(url, "ASK { GRAPH ?g { ?s ?p ?o } }", "ASK", timeout).boolean
    if in_named:
        raise ProgkgError(f"{url}: the data are in named graphs but the default graph is empty; {UNION_HINT}")

"""`progkg serve`: the graph's pages and Oxigraph's own SPARQL server, read-only, on one port.

What answers on ``http://127.0.0.1:7878/`` (docs/pages.md):

* the pages (:mod:`progkg.web`): a search box, one page per thing, and every IRI of the graph
  dereferenceable under ``/id/…`` (HTML for people, Turtle, JSON-LD, N-Triples for machines);
* the SPARQL endpoint ``/query`` and Oxigraph's query page (YASGUI, at ``/sparql/``),
  forwarded unchanged to Oxigraph's own server (PyPI ``oxigraph``, its ``oxigraph``
  executable), which runs on an internal port of 127.0.0.1. Why Oxigraph's server and not one
  of our own for SPARQL: it is a complete SPARQL 1.1 Protocol implementation with a query
  page, and docs/design.md rules out home-made servers. The pages are a Starlette
  application under uvicorn (maintained, small), reading the same snapshot through
  pyoxigraph's read-only store.

How it is run:

* ``oxigraph serve-read-only --union-default-graph``: no update, no Graph Store write, and
  queries see the union of the named graphs as their default graph, like ``progkg query``.
  The pages open the store with ``Store.read_only``: nothing they do can write.
* Bound to 127.0.0.1 unless ``--host`` says otherwise (Oxigraph always on 127.0.0.1).
* On a **snapshot** of the store (``Store.backup``: hard links, so it is quick and small),
  not on ``build/store`` itself: a ``progkg build`` while the server runs publishes a new
  store and deletes the old folder; the server keeps answering from its snapshot until
  it is restarted. The snapshot is removed when the server stops.

:class:`OxigraphServer` is also what the tests use to start a throw-away read-write server.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from progkg import store as st
from progkg.errors import ProgkgError

DEFAULT_PORT = 7878
DEFAULT_HOST = "127.0.0.1"
SNAPSHOT_PREFIX = ".serve-"


def find_oxigraph() -> str:
    """The ``oxigraph`` executable installed with the PyPI package ``oxigraph``."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ProgkgError(
        "the Oxigraph server is not installed: `pip install oxigraph` provides the `oxigraph` command"
    )


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port free on ``host`` right now (for tests and ``--port 0``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, 0))
        except OSError as exc:
            raise _bind_error(host, 0, exc) from None
        return sock.getsockname()[1]


def _bind_error(host: str, port: int, exc: OSError) -> ProgkgError:
    """What a failed bind means for the user: a port in use is not an unknown host."""
    if exc.errno == errno.EADDRINUSE:
        return ProgkgError(f"{host}:{port} is already in use; choose another port with --port")
    if isinstance(exc, socket.gaierror):
        return ProgkgError(f"--host {host}: not a known host name or IP address ({exc.strerror or exc})")
    if exc.errno == errno.EADDRNOTAVAIL:
        return ProgkgError(
            f"--host {host}: not an address of this machine (use 127.0.0.1, or 0.0.0.0 for every address)"
        )
    return ProgkgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _check_bindable(host: str, port: int) -> None:
    """Raise a clear :class:`ProgkgError` unless the server could listen on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise _bind_error(host, port, exc) from None


class OxigraphServer:
    """One ``oxigraph serve`` / ``serve-read-only`` process, started and stopped by us."""

    def __init__(
        self,
        location: Path,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        read_only: bool = True,
        union_default_graph: bool = True,
        query_timeout: float | None = None,
    ) -> None:
        self.location = Path(location)
        self.host = host
        self.port = port
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.query_timeout = query_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: tempfile.SpooledTemporaryFile | None = None

    @property
    def url(self) -> str:
        return f"http://{_host_in_url(self.host)}:{self.port}/"

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def update_url(self) -> str:
        return self.url + "update"

    @property
    def store_url(self) -> str:
        return self.url + "store"

    def command(self) -> list[str]:
        cmd = [
            find_oxigraph(),
            "serve-read-only" if self.read_only else "serve",
            "--location",
            str(self.location),
            "--bind",
            f"{_host_in_url(self.host)}:{self.port}",
        ]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        if self.query_timeout:
            cmd += ["--timeout-s", str(max(1, round(self.query_timeout)))]
        return cmd

    def start(self, wait: float = 30.0) -> OxigraphServer:
        """Start the server and return once it accepts connections (or raise, with its message)."""
        _check_bindable(self.host, self.port)
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 — our own fixed command line
            self.command(), stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ProgkgError(f"the Oxigraph server stopped at once: {self._output() or 'no message'}")
            with contextlib.suppress(OSError), socket.create_connection((self.host, self.port), timeout=0.5):
                return self
            time.sleep(0.1)
        self.stop()
        raise ProgkgError(f"the Oxigraph server did not answer on {self.host}:{self.port} within {wait:g} s")

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return " ".join(self._log.read().decode("utf-8", "replace").split())[-500:]

    def wait(self) -> int:
        assert self.process is not None
        return self.process.wait()

    def stop(self, grace: float = 5.0) -> None:
        """Stop the server: SIGINT (its clean shutdown), then SIGTERM, then SIGKILL if it lingers.

        (SIGINT alone is not enough: a process started in the background inherits SIGINT
        ignored.)
        """
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
                process.send_signal(sig)
                try:
                    process.wait(grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _clean_old_snapshots(build: Path) -> None:
    """Remove snapshots left by a ``progkg serve`` that was killed (its pid is gone)."""
    for folder in build.glob(f"{SNAPSHOT_PREFIX}*"):
        pid = folder.name.removeprefix(SNAPSHOT_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def snapshot_store(build: Path) -> Path:
    """A private, read-only-served copy of the published store (hard links: quick and small)."""
    store = st.open_store(build)
    _clean_old_snapshots(build)
    target = build / f"{SNAPSHOT_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
    try:
        store.backup(str(target))
    except OSError as exc:
        raise ProgkgError(f"cannot snapshot the store {st.store_path(build)} for serving: {exc}") from None
    finally:
        del store
    return target


@dataclass(frozen=True)
class Served:
    """The URLs ``progkg serve`` answers on (what it prints when ready)."""

    pages_url: str

    @property
    def url(self) -> str:
        """Oxigraph's query page."""
        return self.pages_url + "sparql/"

    @property
    def query_url(self) -> str:
        return self.pages_url + "query"


def _listening_socket(host: str, port: int) -> socket.socket:
    """The pages' socket, bound and listening (a clear :class:`ProgkgError` when it cannot be)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise _bind_error(host, port, exc) from None
    sock.set_inheritable(True)
    return sock


def default_workers() -> int:
    """One page worker per core, at most 4 (pyoxigraph reads in parallel; Python renders one
    page at a time per process)."""
    return max(1, min(4, os.cpu_count() or 1))


def _worker(snapshot: str, sparql_url: str, sock: socket.socket, ready: object) -> None:  # pragma: no cover
    """One process serving the pages on the shared socket until SIGINT or SIGTERM.

    Started with multiprocessing's "spawn" (a fresh interpreter: nothing of the parent's
    RocksDB or threads is inherited), it opens the snapshot read-only itself.
    """
    import uvicorn

    from progkg.web.app import create_app

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        store = ox.Store.read_only(snapshot)
        app = create_app(store, sparql_url, on_startup=ready.set)
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5
        )
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass


def serve(
    build: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    query_timeout: float = 60.0,
    workers: int | None = None,
    on_ready: Callable[[Served], None] | None = None,
) -> int:
    """Serve the built store read-only until Ctrl-C (or SIGTERM); return the exit code.

    The pages run in ``workers`` processes sharing the listening socket (default: one per
    core, at most 4), beside the Oxigraph server. Either stopping by itself is an error
    (exit 2, with its message).
    """
    import multiprocessing

    sock = _listening_socket(host, port)
    snapshot = None
    server = None
    processes: list = []
    previous = signal.getsignal(signal.SIGTERM)
    previous_int = signal.getsignal(signal.SIGINT)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C stops the server even when this process was started with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        snapshot = snapshot_store(build)
        server = OxigraphServer(
            snapshot, DEFAULT_HOST, free_port(DEFAULT_HOST), read_only=True, query_timeout=query_timeout
        )
        server.start()
        context = multiprocessing.get_context("spawn")
        for _ in range(workers or default_workers()):
            ready = context.Event()
            process = context.Process(
                target=_worker, args=(str(snapshot), server.url, sock, ready), daemon=True
            )
            process.start()
            processes.append((process, ready))
        deadline = time.monotonic() + 120
        for process, ready in processes:
            while not ready.wait(0.2):
                if not process.is_alive() or time.monotonic() > deadline:
                    raise ProgkgError(f"a page worker did not start (exit code {process.exitcode})")
        if on_ready:
            on_ready(Served(f"http://{_host_in_url(host)}:{port}/"))
        while True:
            code = server.process.poll() if server.process else None
            if code is not None:
                raise ProgkgError(
                    f"the Oxigraph server stopped (exit code {code}): {server._output() or 'no message'}"
                )
            for process, _ in processes:
                if not process.is_alive():
                    raise ProgkgError(f"a page worker stopped (exit code {process.exitcode})")
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        for process, _ in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn's clean shutdown
        for process, _ in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
        sock.close()
        if server is not None:
            server.stop()
        if snapshot is not None:
            shutil.rmtree(snapshot, ignore_errors=True)

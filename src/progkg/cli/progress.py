"""Progress of builds, imports and exports: a live status line on a terminal, plain lines otherwise.

Why: with the national releases an import runs 8–14 s and printed nothing a person could
follow; in a log or a pipe, a redrawn line is noise. The work reports steps through the
``progress(message)`` callbacks it already has (:mod:`progkg.build`, the importers,
:mod:`progkg.export`); this module decides how to show them:

* stderr is a terminal: a tqdm status line — the current step, how many steps so far and the
  time elapsed, redrawn twice a second even while one step is long — shown only once the work
  has run for a second (quick commands stay silent). Steps that are not details (not
  indented), and warnings, are kept as lines above it, so the history stays on screen;
* otherwise (a file, a pipe, CI): every message as one plain line, as before.

tqdm rather than rich: one small pure-Python package with no dependencies of its own, where
rich brings a renderer, Markdown and Pygments that progkg has no other use for.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click

Progress = Callable[[str], None]

#: Seconds before the status line appears: work that ends sooner shows nothing.
DELAY = 1.0
#: Seconds between redraws while a step runs (the elapsed time keeps moving).
REFRESH = 0.5


def on_terminal(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (default: stderr) is an interactive terminal."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _plain(message: str) -> None:
    click.echo(message, err=True)


def _kept(message: str) -> bool:
    """A step worth keeping on screen: a top-level step or a warning, not an indented detail."""
    return not message.startswith(" ") or "warning" in message.lower()


@contextmanager
def reporter(what: str, stream: TextIO | None = None) -> Iterator[Progress]:
    """A progress callback for the duration of ``what`` (``"import rome"``, ``"build"``…)."""
    if not on_terminal(stream):
        yield _plain
        return
    from tqdm import tqdm  # noqa: PLC0415 — only on a terminal

    size = shutil.get_terminal_size((100, 24))
    bar = tqdm(
        desc=what,
        total=None,
        unit=" steps",
        file=stream or sys.stderr,
        delay=DELAY,
        leave=False,
        # A terminal that reports no size (a bare pseudo-terminal) would get no line at all.
        ncols=size.columns,
        nrows=size.lines,
        bar_format="{desc}  [{n_fmt} steps, {elapsed}]",
    )
    stop = threading.Event()
    start = time.monotonic()

    def redraw() -> None:  # tqdm redraws only on updates: keep the clock moving in a long step
        while not stop.wait(REFRESH):
            if time.monotonic() - start >= DELAY:
                bar.refresh()

    ticker = threading.Thread(target=redraw, name="progkg-progress", daemon=True)
    ticker.start()

    def progress(message: str) -> None:
        if _kept(message):
            if time.monotonic() - start >= DELAY:  # above the status line, which stays last
                bar.write(message, file=stream or sys.stderr)
            else:  # no status line yet: nothing to clear and redraw
                click.echo(message, file=stream or sys.stderr)
        bar.set_description_str(f"{what}: {message.strip()}", refresh=False)
        bar.update(1)

    try:
        yield progress
    finally:
        stop.set()
        ticker.join()
        bar.close()

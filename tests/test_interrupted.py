"""A build killed half-way, or two builds at once, never corrupt the published store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from progkg import paths
from progkg.build import build
from progkg.store import open_store, write_lock

#: Slow: every test builds in a subprocess and kills it (20 s each); `pytest -m "not slow"` leaves them out.
pytestmark = pytest.mark.slow


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(project: Path, *args: str, **kwargs) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}
    return subprocess.Popen(
        [sys.executable, "-m", "progkg", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test run started in the background inherits an ignored SIGINT, which Python would
        # keep ignoring: give the child the default so that Ctrl-C reaches it as for a user.
        preexec_fn=_default_sigint,
        **kwargs,
    )


def _big_file(path: Path, n: int = 150_000) -> None:
    """A large, valid curated file so that a build takes long enough to be interrupted."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
        for i in range(n):
            fh.write(f'<https://w3id.org/progkg/id/bulk/{i}> rdfs:label "élément {i}"@fr .\n')


def test_second_writer_is_refused_with_a_clear_message(project: Path) -> None:
    out = project / "build"
    build(paths.resources(project), out)
    before = (out / "progkg.nq").read_bytes()
    with write_lock(out, "build"):
        proc = _cli(project, "build")
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "busy" in err and f"pid {os.getpid()}" in err
    assert "Traceback" not in err
    assert (out / "progkg.nq").read_bytes() == before


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_killed_build_leaves_the_previous_store_usable(project: Path, sig: signal.Signals) -> None:
    out = project / "build"
    build(paths.resources(project), out)
    before_dump = (out / "progkg.nq").read_bytes()
    before_count = len(open_store(out))
    published = (out / "store").resolve()

    _big_file(project / "data" / "bulk.ttl")
    proc = _cli(project, "build")
    deadline = time.monotonic() + 60
    # Wait until the new store folder exists: the build is under way.
    while time.monotonic() < deadline:
        if any(p.resolve() != published for p in (out / "stores").iterdir()):
            break
        time.sleep(0.02)
    else:
        proc.kill()
        pytest.fail("the build never started")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)

    assert proc.returncode != 0
    assert "Traceback" not in err
    assert (out / "progkg.nq").read_bytes() == before_dump
    assert (out / "store").resolve() == published
    assert len(open_store(out)) == before_count

    # The next build works and sweeps away what the killed one left.
    report = build(paths.resources(project), out)
    assert report.triples_per_graph["https://w3id.org/progkg/graph/bulk"] == 150_000
    assert [p.resolve() for p in (out / "stores").iterdir()] == [(out / "store").resolve()]

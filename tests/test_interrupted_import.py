"""An import killed half-way, or started while a build runs, leaves the previous graph usable.

``progkg import`` first writes the release's triples to a temporary file in ``build/imports/``,
then rebuilds the store with it (``progkg.build.build(replace_import=…)``). Each phase is
interrupted here with SIGINT (Ctrl-C), SIGTERM (a supervisor stopping it) and SIGKILL (the OOM
killer): the published store, ``progkg.nq`` and ``build/imports/`` stay as they were, and the
next import works and sweeps away what the killed one left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from import_support import ROME_FIXTURE, mini_project

from progkg.store import open_store, write_lock

#: Slow: every test imports in a subprocess and kills it; `pytest -m "not slow"` leaves them out.
pytestmark = pytest.mark.slow

ROME = "https://w3id.org/progkg/graph/rome"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(project: Path, *args: str) -> subprocess.Popen[str]:
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
    )


def _run(project: Path, *args: str) -> tuple[int, str]:
    proc = _cli(project, *args)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def _big_release(dest: Path, n: int) -> Path:
    """The fixture release with ``n`` extra job titles, so that an import takes a few seconds."""
    release = shutil.copytree(ROME_FIXTURE, dest)
    path = release / "unix_referentiel_appellation_v460_utf8.csv"
    with open(path, "a", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(
                f'"{2_000_000 + i}","Métier de test numéro {i}","Métier {i}","E1112","Emploi Blanc",'
                f'"O","","","","SYNONYME","","E1103","N"\n'
            )
    return release


def _published(build: Path) -> dict[str, object]:
    """What readers of the graph see: the dump, the imports, the store and its size."""
    imports = build / "imports"
    return {
        "dump": (build / "progkg.nq").read_bytes(),
        "imports": {p.name: p.read_bytes() for p in sorted(imports.iterdir()) if not p.name.startswith(".")},
        "store": (build / "store").resolve(),
        "triples": len(open_store(build)),
    }


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _big_release(tmp_path_factory.mktemp("big") / "v460", 30_000)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = mini_project(tmp_path_factory.mktemp("template") / "project").root
    code, err = _run(project, "import", "rome", str(ROME_FIXTURE))
    assert code == 0, err
    return project


@pytest.fixture
def imported(template: Path, tmp_path: Path) -> Path:
    """A project whose build holds the small fixture ROME release (a copy of one made once; the
    store link is relative, so the copy is a project of its own)."""
    return shutil.copytree(template, tmp_path / "project", symlinks=True)


def _wait_for(condition, what: str, proc: subprocess.Popen[str], seconds: float = 120) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            pytest.fail(f"the import ended before {what}: {proc.stderr.read()}")
        time.sleep(0.01)
    proc.kill()
    pytest.fail(f"{what} never happened")


def _generating(build: Path):  # noqa: ANN202
    """True once the import is writing its temporary N-Quads file."""
    return lambda: any(p.stat().st_size > 0 for p in (build / "imports").glob(".rome.*.nq.tmp"))


def _rebuilding(build: Path, published: Path):  # noqa: ANN202
    """True once the import has begun writing the new store."""
    return lambda: any(p.resolve() != published for p in (build / "stores").iterdir())


SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]


@pytest.mark.parametrize("phase", ["generating", "rebuilding"])
@pytest.mark.parametrize("sig", SIGNALS, ids=[s.name for s in SIGNALS])
def test_killed_import_leaves_the_previous_graph_usable(
    imported: Path, big: Path, sig: signal.Signals, phase: str
) -> None:
    build = imported / "build"
    before = _published(build)
    proc = _cli(imported, "import", "rome", str(big))
    if phase == "generating":
        _wait_for(_generating(build), "the triples file was started", proc)
    else:
        _wait_for(_rebuilding(build, before["store"]), "the new store was started", proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)

    assert proc.returncode != 0
    assert "Traceback" not in err
    if sig == signal.SIGINT:
        assert proc.returncode == 2 and "progkg: interrupted; the build, the imports" in err
    assert _published(build) == before

    # The next import works and sweeps away what the killed one left behind.
    code, err = _run(imported, "import", "rome", str(ROME_FIXTURE))
    assert code == 0, err
    assert _published(build)["imports"] == before["imports"]
    assert [p.name for p in (build / "imports").iterdir() if p.name.startswith(".")] == []
    assert [p.resolve() for p in (build / "stores").iterdir()] == [(build / "store").resolve()]
    assert [p.name for p in build.iterdir() if p.name.endswith(".tmp")] == []


def test_an_import_while_a_build_runs_is_refused_at_once(imported: Path, big: Path) -> None:
    build = imported / "build"
    before = _published(build)
    with write_lock(build, "build"):
        started = time.monotonic()
        code, err = _run(imported, "import", "rome", str(big))
        elapsed = time.monotonic() - started
    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("progkg: error:")]
    assert len(lines) == 1 and f"{build} is busy: progkg build (pid {os.getpid()})" in lines[0], err
    assert "wait for it to finish and retry" in lines[0]
    # refused before reading the release: no triples were generated for nothing
    assert "triples generated" not in err and "rows →" not in err, err
    assert elapsed < 30
    assert _published(build) == before


def test_a_build_while_an_import_runs_is_refused(imported: Path, big: Path) -> None:
    build = imported / "build"
    before = _published(build)
    proc = _cli(imported, "import", "rome", str(big))
    try:
        _wait_for(_generating(build), "the triples file was started", proc)
        code, err = _run(imported, "build")
        assert code == 2 and "busy: progkg import" in err and "Traceback" not in err, err
    finally:
        _, import_err = proc.communicate(timeout=300)
    assert proc.returncode == 0, import_err
    after = _published(build)
    assert after["triples"] > before["triples"] and after["imports"] != before["imports"]

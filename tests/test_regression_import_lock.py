"""Regression: an import took the build folder's lock only once it had read the whole release,
and a killed import left its temporary triples file behind for ever.

``progkg import rome`` while a build ran spent minutes generating ~600k triples before
being told the folder was busy, a build could start in the middle of an import, and
``build/imports/.rome.<pid>.nq.tmp`` (hundreds of MB for ROME) stayed after SIGTERM or
SIGKILL. Fixed: :func:`progkg.store.write_lock` is re-entrant within a process and
:func:`progkg.importers.common.run_import` holds it from the start, sweeping stale temporary
files first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from progkg.errors import ProgkgError
from progkg.importers.common import run_import
from progkg.store import write_lock


def test_write_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    with write_lock(tmp_path, "import"):
        with write_lock(tmp_path, "build"):
            assert (tmp_path / ".lock").read_text() == f"progkg import (pid {os.getpid()})"
        assert (tmp_path / ".lock").read_text().startswith("progkg import")
    with write_lock(tmp_path, "build"):  # released: can be taken again
        pass


def test_an_import_is_refused_before_reading_anything_when_the_folder_is_busy(tmp_path: Path) -> None:
    calls = []
    build = tmp_path / "build"
    hold = (
        "import time; from pathlib import Path; from progkg.store import write_lock\n"
        f"with write_lock(Path({str(build)!r}), 'build'):\n"
        "    print('locked', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True
    )  # another process
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ProgkgError, match=r"is busy: progkg build \(pid \d+\)"):
            run_import("rome", lambda out, report: calls.append(1), "https://g", build, lambda _m: None)
    finally:
        holder.kill()
        holder.wait()
    assert calls == []


def test_stale_temporary_files_of_killed_imports_are_swept(tmp_path: Path) -> None:
    build = tmp_path / "build"
    imports = build / "imports"
    imports.mkdir(parents=True)
    stale = imports / ".rome.99999999.nq.tmp"
    stale.write_text("<a> <b> <c> <g> .\n")

    def boom(out, report) -> None:  # noqa: ANN001
        raise ProgkgError("stop here")

    with pytest.raises(ProgkgError, match="stop here"):
        run_import("rome", boom, "https://g", build, lambda _m: None)
    assert list(imports.iterdir()) == []


def test_another_thread_is_refused_like_another_process(tmp_path: Path) -> None:
    import threading

    errors: list[str] = []

    def second_writer() -> None:
        try:
            with write_lock(tmp_path, "build"):
                errors.append("entered")
        except ProgkgError as exc:
            errors.append(exc.message)

    with write_lock(tmp_path, "import"):
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(10)
    assert len(errors) == 1 and "is busy: progkg import" in errors[0]

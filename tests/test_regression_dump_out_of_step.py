"""Regression: the store and the dump are published by two renames, and could part ways.

A build (or import) publishes its new store (the ``build/store`` link) and then renames its dump
onto ``build/progkg.nq``. Interrupted between the two, it left the new store with the previous
dump, which `progkg validate` and `progkg export` went on reading; worse, an exception there
(Ctrl-C) made the failure handler remove the store folder it had just published, leaving
``build/store`` pointing at nothing. Now the published store stays, the manifest beside its
parts records the inode and size of its dump, and `validate` and `export` write the dump again
from the store's parts when ``build/progkg.nq`` is not that file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from import_support import RNCP_FIXTURE, ROME_FIXTURE, mini_project

from progkg import build as build_module
from progkg import store as st
from progkg.build import ensure_dump
from progkg.importers.rncp import import_rncp
from progkg.importers.rome import import_rome
from progkg.store import open_store


def _quiet(_: str) -> None:
    return None


@pytest.fixture(scope="module")
def with_rome(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rome") / "project"
    import_rome(ROME_FIXTURE, root / "build", _quiet, mini_project(root))
    return root


@pytest.fixture
def project(with_rome: Path, tmp_path: Path) -> Path:
    return shutil.copytree(with_rome, tmp_path / "project", symlinks=True)


def _interrupted_import(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Import RNCP, interrupted (Ctrl-C) just after its store is published."""
    original = st.publish_store

    def publish_then_interrupt(build: Path, folder: Path) -> None:
        original(build, folder)
        raise KeyboardInterrupt

    monkeypatch.setattr(st, "publish_store", publish_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        import_rncp(RNCP_FIXTURE, project / "build", _quiet, mini_project(project))
    monkeypatch.setattr(st, "publish_store", original)


def _fresh_dump(project: Path, tmp_path: Path) -> bytes:
    """The dump a build from scratch makes of the same sources (imports as they are now)."""
    fresh = tmp_path / "fresh"
    shutil.copytree(project / "build" / "imports", fresh / "imports")
    build_module.build(mini_project(project), fresh)
    return (fresh / st.DUMP_FILE).read_bytes()


def test_an_interruption_after_publishing_keeps_the_store_and_the_dump_follows(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "build"
    old_dump = (out / st.DUMP_FILE).read_bytes()
    _interrupted_import(project, monkeypatch)

    store = open_store(out)  # the published store is still there, with the import in it
    assert any("graph/rncp" in str(q.graph_name) for q in store)
    assert (out / st.DUMP_FILE).read_bytes() == old_dump  # the dump was left behind

    messages: list[str] = []
    ensure_dump(out, messages.append)
    assert any("is not the dump of the published store" in m for m in messages)
    dump = (out / st.DUMP_FILE).read_bytes()
    assert b"graph/rncp" in dump and dump != old_dump
    # The dump is the published store's graph (its derived graphs aside), sorted. (The import's
    # file never reached build/imports: the next import or build, seeing the sources changed,
    # builds everything again from build/imports.)
    assert sorted(dump.splitlines()) == dump.splitlines()
    in_store = {line for line in _store_lines(out) if b"/graph/derived/" not in line}
    assert set(dump.splitlines()) == in_store

    again: list[str] = []
    ensure_dump(out, again.append)  # in step now: nothing to do
    assert again == []


def _store_lines(build_dir: Path) -> list[bytes]:
    import pyoxigraph as ox

    return ox.serialize(open_store(build_dir), format=ox.RdfFormat.N_QUADS).splitlines()


def test_validate_and_export_write_a_deleted_dump_again(project: Path, tmp_path: Path) -> None:
    from progkg.export import read_checked

    out = project / "build"
    before = (out / st.DUMP_FILE).read_bytes()
    (out / st.DUMP_FILE).unlink()
    read_checked(out)
    assert (out / st.DUMP_FILE).read_bytes() == before
    assert _fresh_dump(project, tmp_path) == before


def test_the_dump_is_left_alone_while_another_process_writes(project: Path) -> None:
    """Another writer holds the lock: it publishes a dump of its own; no error, nothing done."""
    import fcntl
    import os

    out = project / "build"
    (out / st.DUMP_FILE).write_bytes(b"")  # out of step
    fd = os.open(out / st.LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        messages: list[str] = []
        ensure_dump(out, messages.append)  # (the lock is per open file: this one is "another")
        assert messages == [] and (out / st.DUMP_FILE).read_bytes() == b""
    finally:
        os.close(fd)
    ensure_dump(out)  # the lock free again: written
    assert (out / st.DUMP_FILE).stat().st_size > 0

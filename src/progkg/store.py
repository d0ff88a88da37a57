"""The embedded store: an on-disk Oxigraph store under ``build/``.

Why this layout: a build or an import must never leave a half-written store behind,
even when it is killed. Every new store is therefore written into a fresh folder under
``build/stores/`` and published by atomically replacing the symbolic link
``build/store``; readers always see either the old store or the new one. A lock file
(``build/.lock``) keeps two writers from racing; stale temporary folders left by a killed
writer are removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import ProgkgError

STORE_LINK = "store"
STORES_DIR = "stores"
LOCK_FILE = ".lock"
DUMP_FILE = "progkg.nq"
IMPORTS_DIR = "imports"
PARTS_DIR = "parts"


def store_path(build: Path) -> Path:
    """The published store (a link to the current folder under ``stores/``)."""
    return build / STORE_LINK


def has_store(build: Path) -> bool:
    return store_path(build).exists()


def open_store(build: Path) -> ox.Store:
    """Open the published store read-only, with a clear error when there is none yet."""
    path = store_path(build)
    if not path.exists():
        raise ProgkgError(f"no built graph in {build}: run `progkg build` first")
    try:
        return ox.Store.read_only(str(path.resolve()))
    except OSError as exc:
        raise ProgkgError(f"cannot open the store {path}: {exc}") from exc


#: (build folder, thread) pairs holding the lock, and how many times: the lock is re-entrant in
#: one thread (an import holds it from its first byte, and the build it ends with takes it
#: again); another thread, like another process, is refused.
_HELD: dict[tuple[Path, int], int] = {}


class BuildBusy(ProgkgError):
    """Another process holds the build's write lock."""


@contextlib.contextmanager
def write_lock(build: Path, what: str = "build") -> Iterator[None]:
    """Hold ``build/.lock`` for the duration of a write (build or import).

    A second writer fails at once with a message naming the holder, rather than waiting
    or corrupting the store. Taking the lock again inside the same process is allowed.
    """
    key = (build.resolve(), threading.get_ident())
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    build.mkdir(parents=True, exist_ok=True)
    lock_path = build / LOCK_FILE
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise BuildBusy(
                f"{build} is busy: {holder} is writing to it; wait for it to finish and retry"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"progkg {what} (pid {os.getpid()})".encode(), 0)
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def parts_dir(build: Path, folder: Path) -> Path:
    """The sorted parts (:mod:`progkg.parts`) that go with the store in ``folder``: a store and
    its parts are written together and published together (the parts of the published store
    are the folder of ``parts/`` named like the store's folder)."""
    return build / PARTS_DIR / folder.name


def published_parts(build: Path) -> Path | None:
    """The parts of the published store, when there is one (None: no store yet)."""
    link = store_path(build)
    if not link.is_symlink() or not link.exists():
        return None
    return parts_dir(build, link.resolve())


def _clean_stale(build: Path) -> None:
    """Remove folders of ``stores/`` that the published link does not point to, and their parts."""
    current = store_path(build).resolve() if store_path(build).exists() else None
    stores = build / STORES_DIR
    if stores.is_dir():
        for child in stores.iterdir():
            if current is None or child.resolve() != current:
                shutil.rmtree(child, ignore_errors=True)
    parts = build / PARTS_DIR
    if parts.is_dir():
        for child in parts.iterdir():
            if current is None or child.name != current.name:
                shutil.rmtree(child, ignore_errors=True)


def copy_store(build: Path, folder: Path) -> ox.Store:
    """A writable copy of the published store in ``folder`` (a fresh folder from
    :func:`new_store_dir`), opened.

    The copy is a RocksDB checkpoint (``Store.backup``): the published store's files are
    immutable, so on the same file system they are hard-linked, not copied (0.05 s for a
    million triples). The published store is opened read-only and never written to.
    """
    published = store_path(build).resolve()
    try:
        source = ox.Store.read_only(str(published))
        folder.rmdir()  # backup() refuses an existing folder
        source.backup(str(folder))
        del source
        return ox.Store(str(folder))
    except OSError as exc:
        raise ProgkgError(f"cannot copy the store {published} to {folder}: {exc}") from exc


def new_store_dir(build: Path) -> Path:
    """A fresh, empty folder for a store being written (call under :func:`write_lock`)."""
    _clean_stale(build)
    stores = build / STORES_DIR
    stores.mkdir(parents=True, exist_ok=True)
    path = stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    path.mkdir()
    return path


def publish_store(build: Path, folder: Path) -> None:
    """Make ``folder`` the published store, atomically, and drop the previous one."""
    link = store_path(build)
    if link.exists() and not link.is_symlink():
        # A store folder from an older layout: move it aside so the link can take its place.
        shutil.rmtree(link)
    tmp_link = build / f".{STORE_LINK}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(os.path.relpath(folder, build), tmp_link)
    os.replace(tmp_link, link)
    _clean_stale(build)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()

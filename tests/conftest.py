"""Shared fixtures: a checkout-shaped project folder, a built graph, the real data folder."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from progkg import paths
from progkg.build import build
from progkg.push import push
from progkg.serve import OxigraphServer, free_port

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


#: Tests that start a real Oxigraph server or read the real releases take seconds each: they
#: are slow by nature, and `python -m pytest -m "not slow"` (the inner loop) leaves them out
#: with the tests marked ``@pytest.mark.slow`` themselves. The full run (CI) runs everything.
_SLOW_BY_NATURE = ("server", "shared_data")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in _SLOW_BY_NATURE):
            item.add_marker(pytest.mark.slow)


@contextlib.contextmanager
def pushed_server(build_dir: Path, folder: Path) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server on 127.0.0.1 holding ``build_dir`` as `progkg push` leaves
    it (the derived search graphs included), stopped on exit."""
    srv = OxigraphServer(folder / "db", "127.0.0.1", free_port(), read_only=False)
    srv.start()
    try:
        push(build_dir, srv.query_url, timeout=120)
        yield srv
    finally:
        srv.stop()


def shared_data_or_skip() -> Path:
    """``../shared/data`` when present; skip the test when it is absent."""
    env = os.environ.get("PROGKG_SHARED_DATA")
    folder = Path(env) if env else SHARED_DATA
    if not folder.is_dir():
        pytest.skip("../shared/data is absent")
    return folder


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's graph built once per session into a temporary build folder."""
    out = tmp_path_factory.mktemp("build")
    build(paths.resources(REPO), out)
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away copy of the checkout's ontology, data and queries, to break at will."""
    dest = tmp_path / "project"
    dest.mkdir()
    for name in ("ontology", "data", "queries"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")
    return dest

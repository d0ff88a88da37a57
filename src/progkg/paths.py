"""Where progkg finds its ontology, shapes, queries and curated data, and where it writes.

Inside a checkout (a folder, or one of its parents, holding ``ontology/progkg.ttl``,
``data/`` and ``pyproject.toml``) the checkout's own files are used, so that an edit takes
effect at the next build. Elsewhere the copies installed with the package are used
(``progkg/_resources``). Outputs go to ``$PROGKG_BUILD`` when set, else to the checkout's
``build/`` from anywhere inside it (as git finds its ``.git``), else to ``build/`` in the
current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Resources:
    """The folders progkg reads its own project files from."""

    root: Path
    ontology: Path
    data: Path
    queries: Path
    in_checkout: bool

    @property
    def ontology_file(self) -> Path:
        return self.ontology / "progkg.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology / "shapes.ttl"


def _is_checkout(folder: Path) -> bool:
    return (
        (folder / "ontology" / "progkg.ttl").is_file()
        and (folder / "data").is_dir()
        and (folder / "pyproject.toml").is_file()
    )


def find_checkout(start: Path | None = None) -> Path | None:
    """The progkg checkout holding ``start`` (default: the current directory), if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_checkout(folder):
            return folder
    return None


@cache
def _installed_root() -> Path:
    packaged = Path(__file__).resolve().parent / "_resources"
    if (packaged / "ontology" / "progkg.ttl").is_file():
        return packaged
    # An editable install run from outside the checkout: the source tree is two levels up.
    source = Path(__file__).resolve().parents[2]
    if _is_checkout(source):
        return source
    raise FileNotFoundError(
        f"progkg's ontology is missing: neither {packaged} nor {source} holds ontology/progkg.ttl"
    )


def resources(start: Path | None = None) -> Resources:
    """The project files to use: the enclosing checkout's, else the installed copies.

    ``$PROGKG_HOME`` names a checkout explicitly (tests use it to point at fixtures).
    """
    env = os.environ.get("PROGKG_HOME")
    if env:
        root, in_checkout = Path(env).resolve(), True
    else:
        checkout = find_checkout(start)
        root, in_checkout = (checkout, True) if checkout else (_installed_root(), False)
    return Resources(
        root=root,
        ontology=root / "ontology",
        data=root / "data",
        queries=root / "queries",
        in_checkout=in_checkout,
    )


def build_dir(start: Path | None = None) -> Path:
    """Where outputs go: ``$PROGKG_BUILD``, else the enclosing checkout's ``build/``, else ``./build``.

    A command run from ``docs/`` or ``tests/`` of a checkout must find the graph built at its
    top, not complain that ``docs/build`` holds none.
    """
    env = os.environ.get("PROGKG_BUILD")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    return (find_checkout(here) or here) / "build"


def shared_data() -> Path | None:
    """``../shared/data`` beside the checkout (or ``$PROGKG_SHARED_DATA``), when present."""
    env = os.environ.get("PROGKG_SHARED_DATA")
    candidates = [Path(env)] if env else []
    checkout = find_checkout()
    if checkout:
        candidates.append(checkout.parent / "shared" / "data")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None

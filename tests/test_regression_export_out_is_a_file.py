"""Regression: `progkg export --all-formats --out FILE` ended in "internal error: FileExistsError".

``export_all`` created the output folder outside its error handling. Fixed in
``progkg.export.export_all``: an ``--out`` that is a file is refused with a message saying so,
and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from progkg.errors import ProgkgError
from progkg.export import export_all


def test_all_formats_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "progkg.ttl"
    target.write_bytes(b"previous")
    with pytest.raises(ProgkgError, match="is a file; --all-formats writes several files into a folder"):
        export_all(None, target)  # type: ignore[arg-type]  # refused before the export is read
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progkg.ttl"]

"""Broken curated inputs: one clear located message, exit 2, the previous build untouched."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from progkg import paths
from progkg.build import build
from progkg.errors import ProgkgError
from progkg.rdfio import read_rdf
from progkg.store import open_store

#: Slow: each broken input of the corpus is built (`pytest -m "not slow"` skips them).
pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "bad_inputs" / "turtle"
CASES = sorted(CORPUS.glob("*.ttl"))


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: '"
    return first[len("# expect: ") :]


def _snapshot(build_dir: Path) -> tuple[bytes, int]:
    return (build_dir / "progkg.nq").read_bytes(), len(open_store(build_dir))


def _run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}
    return subprocess.run(
        [sys.executable, "-m", "progkg", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_turtle_is_reported_with_its_location(project: Path, case: Path) -> None:
    assert _run_cli(project, "build").returncode == 0
    before = _snapshot(project / "build")
    shutil.copy(case, project / "data" / "seeds" / case.name)

    result = _run_cli(project, "build")

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    message = [line for line in result.stderr.splitlines() if line.startswith("progkg: error:")]
    assert len(message) == 1, result.stderr
    expected = _expected(case)
    assert f"data/seeds/{expected}" in message[0] or expected in message[0], message[0]
    assert _snapshot(project / "build") == before


def test_debug_shows_the_traceback(project: Path) -> None:
    shutil.copy(CORPUS / "syntax-error.ttl", project / "data" / "seeds" / "syntax-error.ttl")
    result = _run_cli(project, "--debug", "build")
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_a_byte_order_mark_is_accepted(project: Path, tmp_path: Path) -> None:
    (project / "data" / "bom.ttl").write_bytes(
        b"\xef\xbb\xbf@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\r\n"
        b'<https://w3id.org/progkg/id/x> rdfs:label "CRLF et BOM"@fr .\r\n'
    )
    report = build(paths.resources(project), tmp_path / "b")
    assert report.triples_per_graph["https://w3id.org/progkg/graph/bom"] == 1


def test_unknown_rome_code_once_rome_is_imported(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    imports = out / "imports"
    imports.mkdir(parents=True)
    rome = "https://w3id.org/progkg/id/rome/"
    # A stand-in ROME release holding every code the curated data names, and no K9999.
    named = {"K1802"}
    for ttl in (project / "data").rglob("*.ttl"):
        for quad in read_rdf(ttl):
            for term in (quad.subject, quad.object):
                named |= set(re.findall(r"/id/rome/([A-N][0-9]{4})$", getattr(term, "value", "")))
    (imports / "rome.nq").write_text(
        "".join(
            f"<{rome}{code}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/progkg/ontology#RomeCode> <https://w3id.org/progkg/graph/rome> .\n"
            for code in sorted(named)
        ),
        encoding="utf-8",
    )
    res = paths.resources(project)
    build(res, out)
    (project / "data" / "seeds" / "cert.ttl").write_text(
        "@prefix pk: <https://w3id.org/progkg/ontology#> .\n\n"
        "<https://w3id.org/progkg/id/rncp/RNCP1> pk:rome\n"
        f"    <{rome}K1802> ,\n    <{rome}K9999> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ProgkgError) as err:
        build(res, out)
    assert str(err.value).startswith("data/seeds/cert.ttl:5: unknown ROME code K9999")

"""A fast selection for the inner loop (issue 14, item 8): `pytest -m "not slow"`.

Why: the whole suite takes about 6 minutes on this project's 2-core machine. Tests that need
seconds each (real releases, servers, killed processes, whole corpora through both engines)
are marked slow; CI still runs everything, through README's second command.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_marker_is_registered_and_readme_names_both_commands() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    markers = config["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("slow:") for m in markers)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert blocks[1].strip() == "pip install '.[test]' && python -m pytest -q"  # what .ci/run runs
    assert 'python -m pytest -q -m "not slow"' in blocks[2]
    assert "pip install '.[test]' && python -m pytest -q" in (REPO / ".ci" / "run").read_text(
        encoding="utf-8"
    )


def _collected(*args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {line for line in proc.stdout.splitlines() if "::" in line}


@pytest.mark.slow
def test_not_slow_leaves_out_servers_real_releases_and_marked_tests() -> None:
    files = [
        "tests/test_serve.py",
        "tests/test_build.py",
        "tests/test_interrupted.py",
        "tests/test_seed_facts.py",
    ]
    everything = _collected(*files)
    fast = _collected("-m", "not slow", *files)
    assert fast < everything
    assert not any(t.startswith(("tests/test_serve.py", "tests/test_interrupted.py")) for t in fast)
    assert "tests/test_build.py::test_building_twice_gives_identical_bytes" not in fast
    assert any(t.startswith("tests/test_build.py::") for t in fast)  # its quick tests stay
    assert any(t.startswith("tests/test_seed_facts.py") for t in fast)

"""A closed stdout (``progkg stats | head -3``) ends the command quietly with exit 0 (issue 14, item 6).

Exit 1 means "the answer is no": a reader that has seen enough must not turn into one. These
tests run real processes on real pipes, since the failure happens between the process and the
operating system (EPIPE on a write, or on the interpreter's last flush).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROGKG = [sys.executable, "-m", "progkg"]


def _env(built: Path) -> dict[str, str]:
    env = {**os.environ, "PROGKG_BUILD": str(built)}
    env.pop("PROGKG_DEBUG", None)
    return env


@pytest.mark.parametrize("args", [["query", "--list"], ["stats"], ["--help"]])
def test_reader_gone_before_the_first_write(args: list[str], built: Path) -> None:
    """The pipe's read end is closed before the command starts: every write fails with EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [*PROGKG, *args], stdout=write_end, stderr=subprocess.PIPE, cwd=REPO, env=_env(built), timeout=120
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr.decode() == ""


@pytest.mark.parametrize("command", ["query --list | head -1", "stats | head -3"])
def test_head_in_a_shell_pipeline(command: str, built: Path, tmp_path: Path) -> None:
    """What the user types: the command's own status (not head's) is 0 and nothing is on stderr."""
    left, right = command.split(" | ")
    progkg = " ".join(shlex.quote(part) for part in PROGKG)
    script = f'{progkg} {left} 2>err.txt | {right}; echo "status=${{PIPESTATUS[0]}}"'
    proc = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, env=_env(built), timeout=120
    )
    assert proc.stdout.rstrip().splitlines()[-1] == "status=0"
    assert (tmp_path / "err.txt").read_text() == ""
    assert len(proc.stdout.splitlines()) == int(right.split("-")[-1]) + 1

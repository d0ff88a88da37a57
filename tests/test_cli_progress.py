"""Progress of imports, builds and exports (issue 14, item 7): a status line on a terminal once the
work has run for a second, plain lines otherwise (a log, a pipe, CI)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from import_support import ONISEP_FIXTURE

from progkg.cli.progress import DELAY, on_terminal, reporter

REPO = Path(__file__).resolve().parents[1]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_stderr_is_not_a_terminal(capsys) -> None:  # noqa: ANN001
    with reporter("import rome") as progress:
        progress("rome: release v460, 28 files in …")
        progress("  unix_referentiel_code_rome_v460_utf8.csv: 1584 rows → 9000 triples")
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "rome: release v460, 28 files in …",
        "  unix_referentiel_code_rome_v460_utf8.csv: 1584 rows → 9000 triples",
    ]


@pytest.mark.slow
def test_a_status_line_on_a_terminal_for_work_longer_than_a_second() -> None:
    screen = FakeTerminal()
    assert on_terminal(screen)
    with reporter("import rome", stream=screen) as progress:
        progress("rome: release v460, 28 files in …")  # a step: kept on screen
        progress("  liens_rome_referentiels: 118923 rows → 600000 triples")  # a detail: status only
        time.sleep(DELAY + 0.8)  # a long step: the status line appears and its clock moves
        progress("  warning: unix_arborescence_competences is missing")  # warnings are kept
    text = screen.getvalue()
    assert "rome: release v460, 28 files in …\n" in text
    assert "import rome:" in text and "steps," in text  # the redrawn status line
    assert "\r" in text  # redrawn in place, not a new line per step
    assert "  warning: unix_arborescence_competences is missing\n" in text
    assert "\n  liens_rome_referentiels" not in text  # details are not kept as lines


def test_quick_work_shows_no_status_line() -> None:
    screen = FakeTerminal()
    with reporter("build", stream=screen) as progress:
        progress("  data/seeds/rncp24759.ttl: 1695 triples")
    assert "steps," not in screen.getvalue()


@pytest.mark.slow
def test_import_on_a_real_terminal_and_in_a_pipe(tmp_path: Path) -> None:
    """The real command: on a pseudo-terminal, steps as lines and no traceback; in a pipe, every
    progress message as a plain line, as before."""
    env = {**os.environ, "PROGKG_BUILD": str(tmp_path / "build")}
    args = [sys.executable, "-m", "progkg", "import", "onisep", str(ONISEP_FIXTURE)]
    piped = subprocess.run(args, capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert "onisep: " in piped.stderr and "items →" in piped.stderr and "\r" not in piped.stderr

    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, cwd=REPO, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=300)
    os.close(leader)
    assert proc.returncode == 0
    text = seen.decode("utf-8", "replace")
    assert "onisep: " in text and "Traceback" not in text
    assert "items →" not in text  # details went to the status line (shown only after a second)

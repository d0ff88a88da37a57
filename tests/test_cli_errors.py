"""Every command, given malformed arguments, exits 2 with one line on stderr and no traceback.

Usage errors (an unknown option, a missing argument, a path that does not exist, a value out
of its choices) are caught by click before the command runs; errors found by the command
(a shapes file that is missing, an --out that is a file, a host that does not exist) are
:class:`ProgkgError`s. Both end as one ``progkg: error: …`` line. ``--debug`` (or
``PROGKG_DEBUG=1``) shows the traceback, including for an internal error.

Most cases run ``progkg.cli.main`` in-process (fast); a few run ``python -m progkg`` to check what
a real process prints.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from progkg.cli import cli, main

REPO = Path(__file__).resolve().parents[1]


def _commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path


COMMANDS = list(_commands())


@pytest.fixture
def env(built: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("PROGKG_BUILD", str(built))
    monkeypatch.delenv("PROGKG_DEBUG", raising=False)
    monkeypatch.chdir(REPO)
    return tmp_path


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _one_error_line(err: str) -> str:
    """The stderr of a failed command: progress lines perhaps, then exactly one error line, last."""
    assert "Traceback" not in err
    lines = err.rstrip("\n").splitlines()
    errors = [line for line in lines if line.startswith("progkg: error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], err
    return errors[0]


def test_the_command_list_is_complete() -> None:
    assert {c[0] for c in COMMANDS} >= {"build", "validate", "query", "import", "export", "push", "serve"}
    assert ("import", "rome") in COMMANDS and ("link", "jobs") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run([*command, "--help"], capsys)
    assert code == 0 and out.startswith(f"Usage: progkg {' '.join(command)}") and not err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_one_line(command: tuple[str, ...], env: Path, capsys) -> None:
    code, out, err = _run([*command, "--no-such-option"], capsys)
    assert code == 2 and not out
    assert err == (
        f"progkg: error: No such option '--no-such-option' (see 'progkg {' '.join(command)} --help')\n"
    )


USAGE = [
    (["--bogus"], "No such option '--bogus'"),
    (["nosuch"], "No such command 'nosuch'"),
    (["import", "nosuch"], "No such command 'nosuch'"),
    (["build", "extra"], "unexpected extra argument (extra)"),
    (["stats", "extra"], "unexpected extra argument (extra)"),
    (["validate", "--format", "html"], "Invalid value for '--format': 'html' is not one of"),
    (["validate", "--engine", "rdflib"], "Invalid value for '--engine'"),
    (["validate", "--lang", "de"], "Invalid value for '--lang'"),
    (["validate", "--shapes"], "Option '--shapes' requires an argument"),
    (["query", "programmes", "--format", "xml"], "Invalid value for '--format': 'xml' is not one of"),
    (["query", "programmes", "--formt", "csv"], "Did you mean '--format'?"),
    (["query", "programmes", "-p"], "Option '-p' requires an argument"),
    (["query", "programmes", "-p", "novalue"], "'novalue' is not KEY=VALUE"),
    (["query", "programmes", "--timeout", "-1"], "Invalid value for '--timeout'"),
    (["query", "programmes", "--timeout", "soon"], "'soon' is not a valid float"),
    (["query", "--list", "programmes"], "--list takes no query"),
    (["query"], "give a saved query name, a .rq file, - (standard input) or -e SPARQL"),
    (["import", "rome"], "Missing argument 'PATH'"),
    (["import", "rncp"], "Missing argument 'PATH'"),
    (["import", "onisep"], "Missing argument 'PATH...'"),
    (["import", "rome", "/nonexistent/rome.zip"], "Path '/nonexistent/rome.zip' does not exist"),
    (["import", "rncp", "/nonexistent/export.zip"], "Path '/nonexistent/export.zip' does not exist"),
    (["import", "onisep", "/nonexistent/onisep"], "Path '/nonexistent/onisep' does not exist"),
    (["link", "jobs", "--output", "/"], "is a directory"),
    (["export", "--format", "rdfxml"], "Invalid value for '--format': 'rdfxml' is not one of"),
    (["export", "--profile", "dublincore"], "Invalid value for '--profile'"),
    (["export", "--all-formats"], "--all-formats needs --out DIR"),
    (["push"], "Missing option '--endpoint'"),
    (["push", "--endpoint", "http://127.0.0.1:9/query", "--timeout", "0"], "0.0 is not in the range x>=0.1"),
    (["serve", "--port", "http"], "'http' is not a valid integer range"),
    (["serve", "--port", "70000"], "70000 is not in the range 0<=x<=65535"),
    (["serve", "--query-timeout", "0"], "0.0 is not in the range x>=1"),
]


@pytest.mark.parametrize(("args", "message"), USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_malformed_arguments_exit_2_with_one_line(
    args: list[str], message: str, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(args, capsys)
    assert code == 2, err
    assert not out
    assert err.count("\n") == 1, err  # click's own errors: nothing but the one line
    line = _one_error_line(err)
    assert message in line, line
    assert line.endswith("--help')") or "progkg: error:" in line


FOUND_BY_THE_COMMAND = [
    (["query", "/nonexistent/q.rq"], "/nonexistent/q.rq: no such query file"),
    (["query", "no-such-query"], "no saved query named 'no-such-query'"),
    (["query", "jobs-for-parcours"], "missing parameter 'parcours'"),
    (["query", "programmes", "--endpoint", "ftp://example.org/sparql"], "is not an http(s) URL"),
    (
        ["validate", "--shapes", "/nonexistent/shapes.ttl"],
        "/nonexistent/shapes.ttl: the shapes file is missing",
    ),
    (["export", "--out", "/etc/hostname/progkg.ttl"], "/etc/hostname/progkg.ttl: cannot write"),
    (["export", "--all-formats", "--out", "/etc/hostname"], "/etc/hostname: is a file"),
    (
        ["export", "--catalog-config", "/nonexistent/c.ttl"],
        "/nonexistent/c.ttl: the catalogue configuration is missing",
    ),
    (["push", "--endpoint", "not a url"], "is not an http(s) URL"),
    (["push", "--endpoint", "http://127.0.0.1:9/sparql", "--graph-store", "mailto:x"], "is not an http(s)"),
    (["serve", "--host", "999.1.1.1", "--port", "0"], "--host 999.1.1.1: not a known host name"),
]


@pytest.mark.parametrize(
    ("args", "message"), FOUND_BY_THE_COMMAND, ids=[" ".join(a) for a, _ in FOUND_BY_THE_COMMAND]
)
def test_errors_found_by_the_command_exit_2_with_one_line(
    args: list[str], message: str, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(args, capsys)
    assert code == 2, err
    assert message in _one_error_line(err)


def test_a_command_without_a_build_says_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(tmp_path / "no-build"))
    monkeypatch.chdir(REPO)
    for args in (
        ["stats"],
        ["validate"],
        ["export"],
        ["query", "programmes"],
        ["push", "--endpoint", "http://h/query"],
    ):
        code, _, err = _run(args, capsys)
        assert code == 2 and "run `progkg build` first" in _one_error_line(err), args


# --- Internal errors and --debug ------------------------------------------------------------------


def _break_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    import progkg.stats

    def boom(_build: Path) -> None:
        raise ZeroDivisionError("a bug in progkg")

    monkeypatch.setattr(progkg.stats, "stats", boom)


def test_an_internal_error_is_one_line_without_debug(env: Path, monkeypatch, capsys) -> None:
    _break_stats(monkeypatch)
    code, _, err = _run(["stats"], capsys)
    assert code == 2
    assert err == (
        "progkg: internal error: ZeroDivisionError: a bug in progkg (run again with --debug for details)\n"
    )


@pytest.mark.parametrize("how", ["--debug", "PROGKG_DEBUG=1"])
def test_debug_shows_the_traceback_of_an_internal_error(how: str, env: Path, monkeypatch, capsys) -> None:
    _break_stats(monkeypatch)
    args = ["stats"]
    if how == "--debug":
        args.insert(0, "--debug")
    else:
        monkeypatch.setenv("PROGKG_DEBUG", "1")
    code, _, err = _run(args, capsys)
    assert code == 2
    assert err.startswith("Traceback (most recent call last):")
    assert 'raise ZeroDivisionError("a bug in progkg")' in err
    assert err.rstrip("\n").splitlines()[-1].startswith("progkg: internal error: ZeroDivisionError")


def test_debug_shows_the_traceback_of_a_user_error(env: Path, capsys) -> None:
    code, _, err = _run(["--debug", "query", "/nonexistent/q.rq"], capsys)
    assert code == 2
    assert "Traceback (most recent call last):" in err and "ProgkgError" in err
    assert err.rstrip("\n").splitlines()[-1] == "progkg: error: /nonexistent/q.rq: no such query file"


# --- The same through a real process ----------------------------------------------------------------


def _process(*args: str, build: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}
    if build is not None:
        env["PROGKG_BUILD"] = str(build)
    return subprocess.run(
        [sys.executable, "-m", "progkg", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--format", "rdfxml"], "Invalid value for '--format'"),
        (["import", "rome", "/nonexistent/rome.zip"], "does not exist"),
        (["query", "/nonexistent/q.rq"], "no such query file"),
    ],
)
def test_a_real_process_prints_one_line(args: list[str], message: str, built: Path) -> None:
    result = _process(*args, build=built)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("progkg: error:")
    assert message in result.stderr


def test_a_real_process_shows_the_traceback_with_debug(built: Path) -> None:
    script = (
        "import progkg.stats, sys\n"
        "def boom(_):\n    raise ZeroDivisionError('a bug in progkg')\n"
        "progkg.stats.stats = boom\n"
        "from progkg.cli import main\nmain(sys.argv[1:])\n"
    )
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PROGKG_")}, "PROGKG_BUILD": str(built)}
    for args, traceback in ((["stats"], False), (["--debug", "stats"], True)):
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2
        assert ("Traceback (most recent call last)" in result.stderr) is traceback, result.stderr
        assert "progkg: internal error: ZeroDivisionError: a bug in progkg" in result.stderr

"""Like git: from any subfolder of a checkout, commands use that checkout's build/ (issue 14, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from progkg import paths
from progkg.cli import cli, main


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROGKG_BUILD", raising=False)
    monkeypatch.delenv("PROGKG_HOME", raising=False)


def test_subfolder_of_a_checkout_uses_its_top_build(project: Path, no_env: None) -> None:
    deep = project / "data" / "seeds"
    assert paths.build_dir(deep) == project.resolve() / "build"
    assert paths.build_dir(project) == project.resolve() / "build"


def test_outside_a_checkout_build_is_in_the_current_folder(tmp_path: Path, no_env: None) -> None:
    assert paths.build_dir(tmp_path) == tmp_path.resolve() / "build"


def test_progkg_build_wins(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROGKG_BUILD", str(tmp_path / "elsewhere"))
    assert paths.build_dir(project / "data") == (tmp_path / "elsewhere").resolve()


def test_stats_from_a_subfolder_reads_the_checkout_build(
    project: Path,
    built: Path,
    no_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "build").symlink_to(built, target_is_directory=True)
    monkeypatch.chdir(project / "queries")
    with pytest.raises(SystemExit) as exc:
        main(["stats"])
    out, err = capsys.readouterr()
    assert exc.value.code == 0, err
    assert "graph/seeds/rncp24759" in out


def test_top_level_help_explains_progkg_build() -> None:
    text = cli.get_help(cli.make_context("progkg", ["--help"], resilient_parsing=True))
    assert "PROGKG_BUILD" in text
    assert "checkout" in text

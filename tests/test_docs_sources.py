"""A user with only the project and the official downloads can find the releases (issue 14, item 2).

Why: the import examples pointed to ../shared/data and the docs to ../shared/DESIGN.md, which a
user does not have. Each importer's --help, docs/importers.md and the README must name the
publisher's download page, the files expected and the version tested — the same page in all
three — and the project's own docs/ must hold the design decisions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from progkg.cli import cli

REPO = Path(__file__).resolve().parents[1]
KINDS = ("rome", "rncp", "onisep", "kit", "esco", "esco-rome")


def _help(kind: str) -> str:
    result = CliRunner().invoke(cli, ["import", kind, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("kind", KINDS)
def test_import_help_names_the_download_page_files_and_version(kind: str) -> None:
    text = _help(kind)
    urls = re.findall(r"https://\S+", text)
    assert urls, text
    assert "Files:" in text and "Tested:" in text
    importers = (REPO / "docs" / "importers.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for url in urls:  # the same official page in the three places
        assert url in importers, url
        assert url in readme, url
    assert f"| `{kind}` |" in importers


def test_readme_user_path_has_no_shared_folder() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # Only the note for developers (where tests find their copy of the downloads) may name it.
    mentions = [line for line in readme.splitlines() if "../shared" in line]
    assert all("PROGKG_SHARED_DATA" in line for line in mentions), mentions
    assert "progkg import rome   ~/Downloads/" in readme


@pytest.mark.parametrize("page", ["README.md", "docs/queries.md", "docs/importers.md", "docs/validation.md"])
def test_docs_refer_to_the_project_s_own_design_page(page: str) -> None:
    text = (REPO / page).read_text(encoding="utf-8")
    assert "DESIGN.md" not in text and "SOURCES.md" not in text
    for link in re.findall(r"\(([\w./-]+\.md)\)", text):
        assert (REPO / page).parent.joinpath(link).is_file(), link


def test_design_page_holds_the_decisions() -> None:
    design = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    for heading in ("Identifiers", "Curated data", "Shapes", "Saved queries", "Privacy", "Command-line"):
        assert f"## {heading}" in design, heading

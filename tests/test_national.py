"""The national picture, end to end: README's import block, run as it is written, brings in every
release of ../shared/data; then the questions of the issue answer (issue 13, "Done when").

* `programmes-for-rome -p rome=K1802` lists the universities awarding the master's in science
  politique (RNCP38175), Paris 1 and the Université de Lille as their curated programmes;
* `programmes-for-job` goes from a job title through its ROME code to fiches and universities;
* the ESCO questions answer in French and English;
* the export's catalogue states each graph's licence, and the ODbL is carried through.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from import_support import REPO, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

README = REPO / "README.md"
MARKER = "<!-- national-imports:"


def readme_commands() -> list[list[str]]:
    """The commands of README's national block, as argument lists (without ``progkg``)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(MARKER)
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block, "README's national block has no ```sh fence after its marker"
    commands = []
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    assert lines[0] == 'DATA="${PROGKG_SHARED_DATA:-../shared/data}"', lines[0]
    for line in filter(None, lines[1:]):
        words = shlex.split(line)
        assert words[0] == "progkg", line
        commands.append(words[1:])
    return commands


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """README's block run as a user runs it: each command a process, from the checkout."""
    shared = shared_data_or_skip()
    build = tmp_path_factory.mktemp("national") / "build"
    env = {**os.environ, "PROGKG_BUILD": str(build)}
    for args in readme_commands():
        args = [a.replace("$DATA", str(shared)) for a in args]
        done = subprocess.run(
            [sys.executable, "-m", "progkg", *args], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (
            f"progkg {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}"
        )
    return build


def _csv(build: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    code, out, err = run_cli(["query", *args, "--format", "csv"], build, capsys)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def test_the_readme_block_imports_every_release() -> None:
    kinds = [args[1] for args in readme_commands() if args[0] == "import"]
    assert kinds == ["rome", "rncp", "onisep", "kit", "esco", "esco-rome"]


def test_k1802_lists_the_universities_awarding_the_master_in_science_politique(
    national, capsys: pytest.CaptureFixture[str]
) -> None:
    build = national
    rows = _csv(build, capsys, "programmes-for-rome", "-p", "rome=K1802")
    institutions = {r["institution"] for r in rows}
    assert {"Université Paris 1 Panthéon-Sorbonne", "Université de Lille"} <= institutions
    awarding = _csv(build, capsys, "institutions-for-programme", "-p", "programme=RNCP38175")
    assert len(awarding) == 24
    assert {r["institution"] for r in awarding} <= institutions
    # the brochure's programme is the national one: never a second row for Paris 1's master
    paris = {
        r["programme"]
        for r in rows
        if r["institution"] == "Université Paris 1 Panthéon-Sorbonne"
        and "science politique" in r["programme"].lower()
    }
    assert paris == {"Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)"}
    # titles come from ONISEP's table or the kit when the export has no Standard member
    assert any(r["programme"].startswith("MASTER - Science politique") for r in rows)


def test_programmes_for_job_reaches_the_universities_through_rome(
    national, capsys: pytest.CaptureFixture[str]
) -> None:
    build = national
    rows = _csv(build, capsys, "programmes-for-job", "-p", "job=chargé de communication")
    through_rome = [r for r in rows if r["romeCode"]]
    assert len({r["institution"] for r in through_rome}) > 20
    assert any(not r["romeCode"] for r in rows)  # the brochures' own careers too


def test_esco_answers_in_french_and_english(national, capsys: pytest.CaptureFixture[str]) -> None:
    build = national
    code, out, err = run_cli(
        ["query", "esco-for-job", "-p", "job=chargé de communication", "--format", "json"], build, capsys
    )
    assert code == 0, err
    assert "communication" in out.lower()
    code, out, err = run_cli(
        # By its French name: the release copies have no English occupation labels (ESCO v1.1.1's
        # occupations_en.csv is absent, and `import esco` says so); skills have both languages.
        ["query", "programmes-for-esco", "-p", "occupation=chargée des relations publiques", "--format=csv"],
        build,
        capsys,
    )
    assert code == 0, err
    assert len(out.splitlines()) > 1


def test_the_catalogue_states_each_licence(national, capsys: pytest.CaptureFixture[str]) -> None:
    build = national
    code, out, err = run_cli(["export", "--catalog", "--format", "nquads"], build, capsys)
    assert code == 0, err
    lines = out.splitlines()

    def licence_of(graph: str) -> set[str]:
        head = f"<https://w3id.org/progkg/graph/{graph}> <http://purl.org/dc/terms/license> <"
        return {line[len(head) :].split(">", 1)[0] for line in lines if line.startswith(head)}

    assert licence_of("rncp") == {"https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
    assert any("odbl" in lic for lic in licence_of("onisep-formations"))
    assert licence_of("esco")
    assert "ODbL" in err

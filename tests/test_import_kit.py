"""`progkg import kit`: the Kit apprentissage table (diploma codes ↔ RNCP fiches) → graph/kit.

The fixture is written here, in the real layout (";", UTF-8 with a byte-order mark, the real
header), with synthetic rows: a master whose DEPP title names the institution, a fiche closed
to apprenticeship, an inactive one, a row without fiche ("NR") and a second diploma code for
the same fiche.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from conftest import shared_data_or_skip
from import_support import ID, mini_project, query, run_cli, snapshot

from progkg.errors import ProgkgError
from progkg.importers.kit import import_kit

pytestmark = pytest.mark.slow

HEADER = (
    "Code_Diplome;Intitulé diplôme (DEPP);Code_RNCP;Niveau fiche RNCP;Abrégé de diplôme (RNCP);"
    "Dernière MaJ;Accès à l'apprentissage de la fiche RNCP (oui/non);Date d'échéance de la fiche RNCP;"
    "Fiche ACTIVE/INACTIVE"
)
ROWS = [
    "1351282A;SCIENCE POLITIQUE (MASTER LILLE);RNCP90001;Niveau 7;MASTER;CI-18122023;oui;31/12/2028;ACTIVE",
    "1351282B;SCIENCE POLITIQUE (MASTER PARIS);RNCP90001;Niveau 7;MASTER;CI-18122023;oui;31/12/2028;ACTIVE",
    "32031313;BANQUE (BTS) ;RNCP90002;Niveau 5;BTS;CI-18122023;non;31/12/2026;ACTIVE",
    "40025214;ANCIEN DIPLOME (CAP);RNCP90003;Niveau 3;CAP;CI-18122023;oui;;INACTIVE",
    "50022137;DIPLOME SANS FICHE (BP);NR;NR;BP;CI-18122023;NR;;ACTIVE",
]


def write_kit(folder: Path, rows: list[str] = ROWS, header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Kit_apprentissage_20231218.csv"
    path.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode("utf-8"))
    return path


def test_each_row_gives_its_fiche_codes_title_level_apprenticeship(tmp_path: Path) -> None:
    out = tmp_path / "build"
    report = import_kit(write_kit(tmp_path / "kit"), out, lambda _m: None, mini_project(tmp_path / "p"))
    assert report.counts["rows"] == 5
    assert report.counts["certifications"] == 3
    assert report.counts["rows without RNCP fiche (NR)"] == 1
    assert report.counts["open to apprenticeship"] == 2
    cert = ID + "rncp/RNCP90001"
    assert query(out, f"SELECT ?c WHERE {{ <{cert}> pk:scolariteCode ?c }}") == [("1351282A",), ("1351282B",)]
    # One preferred title per fiche, the other institutions' titles as alternatives.
    assert query(out, f"SELECT ?t WHERE {{ <{cert}> skos:prefLabel ?t }}") == [
        ("SCIENCE POLITIQUE (MASTER LILLE)",)
    ]
    assert query(out, f"SELECT ?t WHERE {{ <{cert}> skos:altLabel ?t }}") == [
        ("SCIENCE POLITIQUE (MASTER PARIS)",)
    ]
    assert query(out, f"SELECT ?l WHERE {{ <{cert}> pk:eqfLevel ?l }}") == [
        ("http://data.europa.eu/snb/eqf/7",)
    ]
    assert query(out, f"SELECT ?d WHERE {{ <{cert}> pk:registrationEnd ?d }}") == [("2028-12-31",)]
    routes = query(
        out,
        "SELECT ?c ?open WHERE { ?c pk:accessCondition ?a . ?a pk:route ?r ; pk:open ?open "
        "FILTER(STRENDS(STR(?r), 'apprentissage')) }",
    )
    assert routes == [
        (ID + "rncp/RNCP90001", "true"),
        (ID + "rncp/RNCP90002", "false"),
        (ID + "rncp/RNCP90003", "true"),
    ]
    assert query(out, f"SELECT ?a WHERE {{ <{ID}rncp/RNCP90003> pk:active ?a }}") == [("false",)]
    # A programme parameter finds the fiche's title, and the source is named by its title.
    titles = query(out, "SELECT ?t WHERE { <https://w3id.org/progkg/graph/kit> dct:title ?t }")
    assert ("Kit apprentissage : diplômes et fiches RNCP",) in titles


def test_a_zip_a_folder_and_the_file_give_the_same_graph(tmp_path: Path) -> None:
    res = mini_project(tmp_path / "p")
    path = write_kit(tmp_path / "kit")
    archive = tmp_path / "kit.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(path, "tables/Kit_apprentissage_20231218.csv")
    dumps = []
    for i, given in enumerate((path, tmp_path / "kit", archive)):
        out = tmp_path / f"build{i}"
        import_kit(given, out, lambda _m: None, res)
        graph = [line for line in (out / "progkg.nq").read_text().splitlines() if "graph/kit>" in line]
        dumps.append([line for line in graph if "sourceFile" not in line])
    assert dumps[0] == dumps[1] == dumps[2]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1351282A;X;RNCP9X;Niveau 7;M;C;oui;31/12/2028;ACTIVE", 'column "Code_RNCP": "RNCP9X"'),
        ("1351282A;X;RNCP90001;Niveau 9;M;C;oui;31/12/2028;ACTIVE", 'column "Niveau fiche RNCP": "Niveau 9"'),
        ("1351282A;X;RNCP90001;Niveau 7;M;C;peut-être;31/12/2028;ACTIVE", '"peut-être" is not a yes/no'),
        ("1351282A;X;RNCP90001;Niveau 7;M;C;oui;31/02/2028;ACTIVE", "Date d'échéance"),
        ("13-512;X;RNCP90001;Niveau 7;M;C;oui;31/12/2028;ACTIVE", 'column "Code_Diplome"'),
    ],
)
def test_a_bad_value_names_file_line_column_and_changes_nothing(
    row: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "build"
    home = tmp_path / "p"
    mini_project(home)
    assert run_cli(["import", "kit", str(write_kit(tmp_path / "ok"))], out, capsys, home)[0] == 0
    before = snapshot(out)
    bad = write_kit(tmp_path / "bad", rows=[ROWS[0], row])
    code, _, err = run_cli(["import", "kit", str(bad)], out, capsys, home)
    assert code == 2, err
    error = [line for line in err.splitlines() if line.startswith("progkg: error:")]
    assert len(error) == 1 and f"{bad}:3:" in error[0] and message in error[0], err
    assert snapshot(out) == before


def test_a_file_without_its_columns_is_refused(tmp_path: Path) -> None:
    path = write_kit(tmp_path / "kit", header=HEADER.replace("Code_RNCP", "RNCP"))
    with pytest.raises(ProgkgError, match="Code_RNCP"):
        import_kit(path, tmp_path / "build", lambda _m: None, mini_project(tmp_path / "p"))


def test_a_folder_without_the_table_says_what_to_download(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("nothing")
    with pytest.raises(ProgkgError, match="Kit_apprentissage_<date>.csv"):
        import_kit(tmp_path / "empty", tmp_path / "build", lambda _m: None, mini_project(tmp_path / "p"))


@pytest.mark.shared_data
def test_the_real_table_counts_as_the_file_does(tmp_path: Path) -> None:
    path = shared_data_or_skip() / "kit-apprentissage" / "Kit_apprentissage_20231218.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    fiches = {r["Code_RNCP"] for r in rows if r["Code_RNCP"] != "NR"}
    out = tmp_path / "build"
    report = import_kit(path, out, lambda _m: None, mini_project(tmp_path / "p"))
    assert report.counts["rows"] == len(rows) == 5707
    assert report.counts["certifications"] == len(fiches)
    assert report.counts["rows without RNCP fiche (NR)"] == sum(r["Code_RNCP"] == "NR" for r in rows)
    # The master's degree in science politique, as the kit names it, by its code scolarité.
    assert query(out, f"SELECT ?c WHERE {{ <{ID}rncp/RNCP38175> pk:scolariteCode ?c }}")

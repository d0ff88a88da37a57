"""Regression: once ONISEP's table is imported, the saved queries must show a seed programme's
current national fiche (pk:mention/pk:nationalCertification), not an empty certification.

Found by running `progkg query programmes` after `progkg import onisep`: Paris 1's master and
IAE Lille's were listed with no certification although the import links their mentions to
RNCP38175 and RNCP35910.
"""

from __future__ import annotations

from pathlib import Path

from progkg import paths
from progkg.importers.onisep import import_onisep
from progkg.queries import load_query, run_query

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "onisep"


def test_programmes_follow_the_national_fiche(tmp_path: Path) -> None:
    res = paths.resources(REPO)
    out = tmp_path / "build"
    import_onisep(FIXTURE, out, lambda _m: None, res)

    rows = run_query(load_query(res, "programmes"), {}, build_dir=out).rows
    # One row per programme, its certifications together in one cell, in code order.
    certs = {(r[0].value, c) for r in rows for c in r[2].value.split(", ")}
    assert len({r[0].value for r in rows}) == len(rows)
    lille_cell = [
        r[2].value for r in rows if r[0].value.startswith("Master Science politique (Université Lille 2)")
    ]
    assert lille_cell == ["RNCP24759, RNCP38175"]
    paris1 = "Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)"
    assert (paris1, "RNCP38175") in certs
    lille2 = [c for p, c in certs if p.startswith("Master Science politique (Université Lille 2)")]
    assert sorted(lille2) == ["RNCP24759", "RNCP38175"]  # the 2015 fiche stays distinct
    assert any(c == "RNCP35910" for p, c in certs if "Management de l'innovation" in p)

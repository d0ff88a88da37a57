"""Regression: a CSV release saved with CRLF line endings gave other triples than the original.

A value spanning several lines (ROME's multi-paragraph definitions) kept its CR inside the
literal ("…échanger.\\r\\n\\r\\nDécouvrez…"), so the same release re-saved on Windows (or
passed through unix2dos) changed the graph. Fixed in ``importers.common.read_csv``: CRLF
becomes LF before the CSV is parsed, inside quoted values too.
"""

from __future__ import annotations

from progkg.importers.common import read_csv

CLEAN = '"code","texte"\n"E1112","Vous aimez échanger.\n\nDécouvrez les métiers."\n"E1103","Une ligne."\n'


def test_crlf_file_gives_the_same_values_as_the_lf_file() -> None:
    crlf = CLEAN.replace("\n", "\r\n")
    clean_rows = [(r.line, list(r.values)) for r in read_csv(CLEAN, "f.csv", ["code", "texte"]).rows]
    crlf_rows = [(r.line, list(r.values)) for r in read_csv(crlf, "f.csv", ["code", "texte"]).rows]
    assert crlf_rows == clean_rows
    assert clean_rows[0] == (2, ["E1112", "Vous aimez échanger.\n\nDécouvrez les métiers."])
    assert clean_rows[1][0] == 5  # line numbers still count the lines of the file

"""Regression: a line break inside a header name or a bad value split the importer's error
message over several lines.

``progkg import`` promises one message naming file, line and column; a header cell holding a
line break (``"Code\\nROME"``, as spreadsheets allow) was echoed raw in "the header has: …",
and so was a bad value in ``Row.fail``. Fixed in ``importers.common``: such characters are
shown escaped (``\\n``).
"""

from __future__ import annotations

import io
import re

import pytest

from progkg.errors import ProgkgError
from progkg.importers import onisep
from progkg.importers.common import NQuads, Row, read_csv


def test_a_header_with_a_line_break_gives_a_one_line_message() -> None:
    with pytest.raises(ProgkgError) as err:
        read_csv('"Code\nROME","libelle"\n"E1112","x"\n', "f.csv", ["code_rome", "libelle"])
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith('f.csv:1: missing column "code_rome"') and "Code\\nROME" in message


def test_a_bad_value_with_a_line_break_gives_a_one_line_message() -> None:
    row = Row("f.csv", 7, {"code": 0}, ["E11\n12"])
    with pytest.raises(ProgkgError) as err:
        row.code("code", re.compile(r"[A-N][0-9]{4}"), "a ROME code")
    assert str(err.value) == 'f.csv:7:1: column "code": "E11\\n12" is not a ROME code'


def test_messages_built_by_the_importers_from_raw_values_stay_on_one_line() -> None:
    columns = list(onisep.JOB_COLUMNS)
    row = Row("jobs.xml", 1, {c: i for i, c in enumerate(columns)}, ["x", "https://evil/\nMET.1", ""], 40)
    writer = onisep.OnisepWriter(NQuads(io.StringIO(), onisep.GRAPH))
    with pytest.raises(ProgkgError) as err:
        writer.job_row(row)
    assert str(err.value).startswith('jobs.xml:1:40: column "lien_site_onisepfr": "https://evil/\\nMET.1"')
    assert "\n" not in str(err.value)

"""Regression: errors in ONISEP's XML named line 1 only.

ONISEP publishes each file as one line of several megabytes, so "table.xml:1:" (or line 1 and
the *field number* as column) did not say where the bad item was. Fixed in
``importers.onisep.read_items`` and ``importers.common.Row``: an item's errors name the
line and column where its ``<item>`` starts.
"""

from __future__ import annotations

import io

import pytest

from progkg.errors import ProgkgError
from progkg.importers import onisep
from progkg.importers.common import NQuads

ITEM = (
    "<item><libelle_metier>{label}</libelle_metier>"
    "<lien_site_onisepfr>https://www.onisep.fr/http/redirection/metier/slug/MET.{n}</lien_site_onisepfr>"
    "<code_rome>{rome}</code_rome></item>"
)


def _jobs(*items: str) -> bytes:
    return ("<root>" + "".join(items) + "</root>").encode()


def test_a_bad_value_names_the_column_of_its_item() -> None:
    first = ITEM.format(label="a", n=1, rome="E1103")
    data = _jobs(first, ITEM.format(label="b", n=2, rome="E1"))
    writer = onisep.OnisepWriter(NQuads(io.StringIO(), onisep.GRAPH))
    with pytest.raises(ProgkgError) as err:
        for row in onisep.read_items(data, "jobs.xml", onisep.JOB_COLUMNS).rows:
            writer.job_row(row)
    column = len("<root>") + len(first) + 1
    assert str(err.value).startswith(f'jobs.xml:1:{column}: column "code_rome": "E1" is not a ROME code')


def test_a_missing_element_names_the_column_of_its_item() -> None:
    first = ITEM.format(label="a", n=1, rome="E1103")
    second = ITEM.format(label="b", n=2, rome="E1103").replace("<code_rome>E1103</code_rome>", "")
    with pytest.raises(ProgkgError) as err:
        list(onisep.read_items(_jobs(first, second), "jobs.xml", onisep.JOB_COLUMNS).rows)
    column = len("<root>") + len(first) + 1
    assert str(err.value).startswith(f"jobs.xml:1:{column}: <item> has no <code_rome> element")

"""Regression: `progkg serve --host` with a wrong address said the port was in use, or crashed.

``--host example.invalid`` answered "example.invalid:7878 is already in use" (every bind
failure was taken for a busy port) and ``--host 999.1.1.1 --port 0`` ended in "internal
error: gaierror". Fixed in ``progkg.serve``: a failed bind is reported for what it is.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from progkg.errors import ProgkgError
from progkg.serve import OxigraphServer, free_port


@pytest.mark.parametrize("host", ["999.1.1.1", "example.invalid"])
def test_an_unknown_host_is_named_as_such(host: str, tmp_path: Path) -> None:
    with pytest.raises(ProgkgError, match=f"--host {host}: not a known host name or IP address"):
        OxigraphServer(tmp_path / "db", host, 7878).start()
    with pytest.raises(ProgkgError, match="not a known host name"):
        free_port(host)


def test_an_address_of_another_machine_is_named_as_such(tmp_path: Path) -> None:
    with pytest.raises(ProgkgError, match="not an address of this machine"):
        OxigraphServer(tmp_path / "db", "192.0.2.1", 7878).start()  # TEST-NET-1, never local


def test_a_busy_port_is_still_reported_as_busy(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ProgkgError, match=f"127.0.0.1:{port} is already in use"):
            OxigraphServer(tmp_path / "db", "127.0.0.1", port).start()

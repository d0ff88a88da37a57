"""The pages in a real browser: Playwright driving Debian's Chromium (headless) against a real
`progkg serve` on the built graph.

The walk of issue 15: search "charge de communication" → a job title → a programme → its
parcours → a course's hours; the language switch; the two pictures drawn; the pages without
JavaScript; nothing fetched from anywhere but the server (no CDN). The browser is
/usr/bin/chromium (Debian's `chromium` package, which `.ci/run` installs); these tests skip,
saying so, when it is absent. Never `playwright install`: its CDN is not reachable.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from progkg.serve import free_port

pytestmark = [pytest.mark.slow, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[1]
CIPT = "/id/parcours/paris1/m2-communication-institutionnelle-politique-territoires.html"

if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is absent: install Debian's chromium package (apt-get install chromium) to run the "
        "browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Python playwright is not installed (pip install '.[test]')"
)


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    """`progkg serve` on the built graph, on a free port; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "progkg", "serve", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "PROGKG_BUILD": str(built)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    base = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("Pages:"):
            base = line.split(":", 1)[1].strip().rstrip("/")
        if line.startswith("SPARQL endpoint"):
            break
    if not base:
        process.kill()
        raise AssertionError(f"progkg serve did not start: {process.stderr.read()}")
    try:
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    context = browser.new_context(base_url=server, locale="fr-FR")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.requested = []
    pg.errors = []
    pg.on("request", lambda r: pg.requested.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


def test_search_to_a_course_s_hours(page: object, server: str) -> None:
    page.goto("/")
    box = page.get_by_role("combobox")
    box.click()
    box.type("charge de communication", delay=20)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert "Chargé de communication" in options.first.inner_text()
    # Keyboard: the first suggestion, chosen with the arrow and Enter.
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/id/job/charge-de-communication*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Chargé de communication")
    # A programme naming it, then its parcours.
    page.get_by_role(
        "link", name="Master mention Science politique (Université Paris 1 Panthéon-Sorbonne)"
    ).first.click()
    page.wait_for_url("**/id/programme/paris1/master-science-politique.html")
    page.get_by_role(
        "link", name="M2 Communication institutionnelle et politique des territoires (alternance)"
    ).first.click()
    page.wait_for_url("**" + CIPT)
    # The course's hours, in its row of the semester table.
    row = page.locator("tr", has=page.get_by_role("link", name="Communication publique", exact=True))
    assert row.locator("td.hours-cm").inner_text() == "20"
    assert row.locator("td.hours-td").inner_text() == "0"
    assert not page.errors
    assert all(url.startswith(server) for url in page.requested), "something was fetched from outside"


def test_the_language_switch(page: object) -> None:
    page.goto(CIPT)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Semestres, unités d'enseignement et cours").is_visible()
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "M2 Institutional communication and territorial politics (work-study)"
    )
    assert page.get_by_role("heading", name="Semesters, teaching units and courses").is_visible()
    page.goto("/id/rome/K1802.html")  # the choice is kept
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_the_two_pictures_render(page: object) -> None:
    page.goto(CIPT)
    structure = page.locator("svg.structure")
    box = structure.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 80
    assert structure.locator("rect").count() == 8  # S3 and S4, four units each
    first = structure.locator("g.unit rect").first.bounding_box()
    assert first and first["width"] > 20
    page.goto("/id/rome/K1802.html")
    picture = page.locator("svg.neighbourhood")
    assert picture.bounding_box()["width"] > 400
    assert "K1802" in picture.locator("g.centre").text_content()
    link = picture.locator("a", has_text="Master Science politique")
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/id/programme/lille2/master-science-politique.html")


def test_pages_work_without_javascript(browser: object, server: str) -> None:
    context = browser.new_context(base_url=server, java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto("/")
        pg.fill("#q", "K1802")
        pg.get_by_role("button", name="Rechercher").click()
        pg.wait_for_url("**/search?q=K1802")
        pg.get_by_role("link", name="Développement local").click()
        pg.wait_for_url("**/id/rome/K1802.html")
        assert pg.locator("svg.neighbourhood").is_visible()
    finally:
        context.close()


def test_the_sparql_query_page_is_still_there(page: object, server: str) -> None:
    page.goto("/sparql/")
    assert page.title() == "Oxigraph server"
    page.locator(".yasqe").first.wait_for()  # Oxigraph's own YASGUI, served by the server itself
    # Its assets come from the server; YASGUI itself also asks prefix.cc for prefixes to
    # complete (Oxigraph's page as it is: it works without them, offline).
    own = [url for url in page.requested if "prefix.cc/" not in url]
    assert all(url.startswith(server) for url in own)
    assert server + "/sparql/yasgui.min.js" in own


def test_a_very_long_request_line_is_refused(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /id/" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = sock.recv(200)
    assert answer == b"" or answer.split()[1] in (b"400", b"404", b"414", b"431")

"""The library page in a real browser: headless Chromium, driven by Selenium, reads the page Hearth serves on
loopback, searches with the search box, follows a tag, opens an item, finds the feed, leaves for a linked page
without telling it the address, and runs nothing a hostile title holds.

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: `apt-get install -y chromium chromium-driver`); without
them the test skips, or fails when HEARTH_REQUIRE_BROWSER=1 (as in CI)."""

from __future__ import annotations

import asyncio
import os
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.library_page import LibraryPageHandler
from adapters.web import build_web_app
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.library.requests import GetLibraryPage, SaveIdea, SaveLink
from bot.library.service import LibraryService
from storage.database import create_engine_for
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.worlds import two_communities

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
HOSTILE = """<img src=x onerror="document.title='pwned'"><script>document.title='pwned';alert(1)</script> {{ 7*7 }}"""
ATOM = "{http://www.w3.org/2005/Atom}"
T = TypeVar("T")


def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        return f"{' and '.join(missing)} missing: apt-get install -y chromium chromium-driver"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through its driver; skips (or fails, with HEARTH_REQUIRE_BROWSER=1) without them."""
    reason = _browser_missing()
    if reason is not None:
        if os.environ.get("HEARTH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (HEARTH_REQUIRE_BROWSER=1 requires the browser)", pytrace=False)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-GB", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class Elsewhere:
    """A page somewhere else that the library links to; it keeps the Referer of every visit."""

    def __init__(self) -> None:
        self.referers: list[str | None] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.referers.append(request.headers.get("Referer"))
        return web.Response(text="<!DOCTYPE html><html lang=en><title>Elsewhere</title><h1>Elsewhere</h1></html>",
                            content_type="text/html")


@pytest.fixture
async def served(sqlite_url: str) -> AsyncIterator[tuple[str, Elsewhere, TestServer]]:
    """The library of Data with a few items, served on loopback: its page's address, and the site it links to."""
    elsewhere = Elsewhere()
    other = web.Application()
    other.router.add_get("/article", elsewhere.handle)
    away = TestServer(other, host="127.0.0.1")
    await away.start_server()
    engine = create_engine_for(sqlite_url)
    units = SqlUnitOfWorkFactory(engine)
    acme = await two_communities(units, members=2, at=NOW)
    clock = SimulatedClock(NOW)
    library = LibraryService(units, clock)
    ben, cy = acme.members
    saves: list[Callable[[], Any]] = [
        lambda: library.save_link(SaveLink(ben, "https://example.com/contracts", title="Data contracts in practice",
                                           tags=("dbt",), note="How teams agree on schemas")),
        lambda: library.save_link(SaveLink(cy, "https://example.com/lineage", title="Column lineage for analysts",
                                           tags=("dbt", "lineage"))),
        lambda: library.save_idea(SaveIdea(ben, "Running retrospectives that people enjoy", tags=("rituals",))),
        lambda: library.save_link(SaveLink(cy, str(away.make_url("/article")), title=HOSTILE, note=HOSTILE)),
    ]
    for save in saves:
        clock.advance(timedelta(minutes=1))
        await save()
    token = (await library.page_address(GetLibraryPage(ben))).token
    server = TestServer(build_web_app(health=_healthy, library=LibraryPageHandler(library, Catalogs.load(),
                                                                                  "https://hearth.example.org")),
                        host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url(f"/library/{token}/")), elsewhere, server
    finally:
        await server.close()
        await away.close()
        await engine.dispose()


async def _healthy() -> bool:
    return True


async def act(call: Callable[..., T], *args: Any) -> T:
    """Run one browser command in a thread, so that the event loop serves the page the browser asks for."""
    return await asyncio.to_thread(call, *args)


def _headings(driver: Any, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def _no_alert(driver: Any) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert  # noqa: B018 - reading it asks the browser
    except NoAlertPresentException:
        return True
    return False


async def test_a_member_reads_searches_and_follows_the_library_in_a_browser(
        browser: Any, served: tuple[str, Elsewhere, TestServer]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    address, elsewhere, _server = served

    def heading_becomes(text: str) -> None:
        WebDriverWait(browser, 10).until(
            expected_conditions.text_to_be_present_in_element((By.ID, "results-heading"), text))

    # The page as it opens: the heading, the newest items, the stylesheet applied, nothing run.
    await act(browser.get, address)
    assert browser.title == "Library of Data"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Library of Data"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert _headings(browser, "#results-heading ~ ol.items h3") == [
        HOSTILE, "Running retrospectives that people enjoy", "Column lineage for analysts",
        "Data contracts in practice"]
    assert _no_alert(browser) and browser.title == "Library of Data"
    assert browser.execute_script("return document.scripts.length") == 0
    assert browser.execute_script("return getComputedStyle(document.body).display") == "grid"

    # The keyboard reaches the skip link first, and its focus shows.
    await act(browser.find_element(By.TAG_NAME, "body").send_keys, Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "Skip to the items"
    assert browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle") == "solid"

    # A search typed in the box, with the chat's syntax.
    box = browser.find_element(By.ID, "q")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Search the library"
    await act(box.send_keys, '"data contracts" -draft')
    await act(browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click)
    await act(heading_becomes, "Found in the library:")
    assert browser.find_element(By.ID, "results-heading").text == 'Found in the library: "data contracts" -draft'
    assert _headings(browser, "#results-heading ~ ol.items h3") == ["Data contracts in practice"]
    assert browser.find_element(By.ID, "q").get_attribute("value") == '"data contracts" -draft'

    # A tag, followed from the list of tags.
    await act(browser.find_element(By.CSS_SELECTOR, "nav.tags").find_element(By.PARTIAL_LINK_TEXT, "#dbt").click)
    await act(heading_becomes, "Tagged #dbt")
    assert _headings(browser, "#results-heading ~ ol.items h3") == [
        "Column lineage for analysts", "Data contracts in practice"]

    # One item, with who saved it.
    await act(browser.find_element(By.LINK_TEXT, "Data contracts in practice").click)
    WebDriverWait(browser, 10).until(expected_conditions.title_contains("Data contracts in practice"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Data contracts in practice"
    assert "M1" in browser.find_element(By.CSS_SELECTOR, "ul.savers").text
    away = browser.find_element(By.LINK_TEXT, "https://example.com/contracts")
    assert away.get_attribute("rel") == "noopener noreferrer"

    # The feed, found where feed readers look for it.
    feed = browser.find_element(By.CSS_SELECTOR, 'link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == address + "feed.atom"
    async with aiohttp.ClientSession() as session, session.get(feed.get_attribute("href")) as response:
        assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        entries = ET.fromstring(await response.read()).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries][:2] == [
        HOSTILE, "Running retrospectives that people enjoy"]

    # The hostile item: shown as written, nothing of it runs; leaving for its page tells that page nothing.
    await act(browser.get, address)
    await act(browser.find_element(By.CSS_SELECTOR, "ol.items h3 a").click)
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "ul.savers")))
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE
    assert browser.title == f"{HOSTILE} · Library of Data"
    assert _no_alert(browser)
    assert browser.execute_script("return document.scripts.length + document.images.length") == 0
    await act(browser.find_element(By.CSS_SELECTOR, "p.site a, dd a[rel]").click)
    WebDriverWait(browser, 10).until(expected_conditions.title_is("Elsewhere"))
    assert elsewhere.referers == [None]

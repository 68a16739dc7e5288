"""The library page over real HTTP (aiohttp's test server on loopback) on SQLite and PostgreSQL: `/library page` in
English and Dutch, revoking, the same empty 404 for everything but a live page, the headers, escaping of hostile
text, search with the chat's query syntax, tags, pages, the most saved, one item's provenance, a Dutch page without
an English word of Hearth's, and the Atom feed read back by two independent parsers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict

from adapters.library_page import HEADERS, PLURAL_WORDS, WORDS, LibraryPageHandler
from adapters.log_redaction import Redactor, fingerprint
from adapters.web import build_web_app
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.dates import format_date
from bot.i18n import Msg
from bot.library.model import PageMeta
from bot.library.requests import BrowseLibrary, GetLibraryPage, PageToFetch, RecordPage, SaveIdea, SaveLink
from bot.library.service import PAGE, LibraryService
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef
from bot.tenancy import Role, Scope
from tests.console_harness import Transcript, community_script, transcript
from tests.counting_units import CountingUnits
from tests.worlds import ACME, TwoCommunities, two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PUBLIC = "https://hearth.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = """<script>alert("x")</script> "quoted" 'single' {{ 7*7 }} {% if 1 %}if{% endif %} & <b>bold</b>"""
HOSTILE_URL = 'https://example.com/x?a="1"&b=<2>&c=3'
HOSTILE_NOTE = """<img src=x onerror="document.title='pwned'"> </textarea><!-- ]]> \u202e"""
CATALOGS = Catalogs.load()


# --- reading a page back -------------------------------------------------------------------------------------------


@dataclass
class Page:
    """What a browser would make of an HTML page, read with the standard library's parser."""

    lang: str = ""
    title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)  # attributes, and "text"
    heads: list[dict[str, str]] = field(default_factory=list)  # the <link> elements of <head>
    landmarks: list[str] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # for → text
    words: list[str] = field(default_factory=list)  # every text a reader sees or hears, attributes too
    scripts: int = 0
    handlers: list[str] = field(default_factory=list)  # on…= attributes

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def link(self, text: str) -> dict[str, str]:
        """The first link that reads `text`."""
        return next(link for link in self.links if link["text"] == text)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.page.handlers += [name for name in attributes if name.startswith("on")]
        for name in ("title", "aria-label", "placeholder", "alt", "value"):
            if attributes.get(name):
                self.page.words.append(attributes[name])
        if tag == "html":
            self.page.lang = attributes.get("lang", "")
        elif tag == "script":
            self.page.scripts += 1
        elif tag == "link":
            self.page.heads.append(attributes)
        elif tag in ("header", "main", "nav", "footer"):
            self.page.landmarks.append(tag)
        elif tag == "input":
            self.page.inputs.append(attributes)
        if tag in ("a", "title", "label", "h1", "h2", "h3", "h4"):
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            return
        _tag, attributes, parts = self._open.pop()
        text = " ".join("".join(parts).split())
        if tag == "a":
            self.page.links.append({**attributes, "text": text})
        elif tag == "title":
            self.page.title = text
        elif tag == "label":
            self.page.labels[attributes.get("for", "")] = text
        else:
            self.page.headings.append((int(tag[1]), text))

    def handle_data(self, data: str) -> None:
        for _tag, _attributes, parts in self._open:
            parts.append(data)
        if data.strip():
            self.page.words.append(" ".join(data.split()))


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


# --- the site ------------------------------------------------------------------------------------------------------


@dataclass
class Site:
    client: TestClient  # type: ignore[type-arg]
    server: TestServer
    library: LibraryService
    units: CountingUnits
    clock: SimulatedClock
    acme: TwoCommunities
    token: str
    uow_factory: UnitOfWorkFactory

    async def get(self, path: str) -> tuple[int, CIMultiDict[str], bytes]:
        async with self.client.get(path, allow_redirects=False) as response:
            return response.status, response.headers.copy(), await response.read()

    async def page(self, path: str = "") -> Page:
        """The page at `path`: under this site's address, or absolute."""
        status, headers, body = await self.get(path if path.startswith("/") else self.path(path))
        assert status == 200, (path, status)
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        return read_page(body.decode("utf-8"))

    def path(self, rest: str = "") -> str:
        return f"/library/{self.token}/{rest}"

    async def save(self, scope: Scope, url: str, title: str, *tags: str, note: str = "", source: str = "") -> int:
        self.clock.advance(timedelta(minutes=1))
        saved = await self.library.save_link(SaveLink(scope, url, title=title, tags=tags, note=note, source=source))
        return saved.item.id


async def healthy() -> bool:
    return True


def page_app(library: LibraryService) -> TestServer:
    handler = LibraryPageHandler(library, CATALOGS, PUBLIC)
    return TestServer(build_web_app(health=healthy, library=handler), host="127.0.0.1")


@pytest.fixture
async def site(uow_factory: UnitOfWorkFactory) -> AsyncIterator[Site]:
    acme = await two_communities(uow_factory, members=3, at=NOW)
    clock = SimulatedClock(NOW)
    units = CountingUnits(uow_factory)
    library = LibraryService(units, clock)
    token = (await library.page_address(GetLibraryPage(acme.members[0]))).token
    server = page_app(library)
    async with TestClient(server) as client:
        yield Site(client, server, library, units, clock, acme, token, uow_factory)


def item_ids(page: Page) -> list[int]:
    """The items a page lists, in order, by their links to item pages (the first list only: no "Most saved")."""
    found = []
    for link in page.links:
        matched = re.fullmatch(r"(?:\.\./)?items/(\d+)", link["href"])
        if matched and int(matched.group(1)) not in found:
            found.append(int(matched.group(1)))
    return found


# --- /library page, in chat ----------------------------------------------------------------------------------------


def _token(text: str) -> str:
    found = re.search(re.escape(PUBLIC) + r"/library/([A-Za-z0-9_-]+)/", text)
    assert found, text
    return found.group(1)


@pytest.fixture
async def chat(sqlite_url: str) -> AsyncIterator[tuple[Transcript, TestClient]]:  # type: ignore[type-arg]
    async with transcript(sqlite_url, public_url=PUBLIC) as running:
        server = TestServer(build_web_app(health=healthy, library=LibraryPageHandler(
            running.hearth.services.library, running.hearth.translator, PUBLIC)), host="127.0.0.1")
        async with TestClient(server) as client:
            yield running, client


async def status_of(client: TestClient, path: str) -> int:  # type: ignore[type-arg]
    async with client.get(path) as response:
        await response.read()
        return response.status


async def test_any_member_gets_the_address_privately_and_it_stays_the_same(
        chat: tuple[Transcript, TestClient]) -> None:  # type: ignore[type-arg]
    t, client = chat
    await t.run(community_script("en", at="2026-12-03T09:00"))
    await t.run("as ben\n/library add https://example.com/contracts Data contracts #dbt")
    shown = await t.one("/library page")
    assert shown.kind == "ephemeral" and shown.to == "ben"
    assert shown.text.startswith("The library page of Data CoP:")
    assert shown.text.count(f"{PUBLIC}/library/") == 1
    assert "anyone with it can read the library" in shown.text and "/library page --revoke" in shown.text
    token = _token(shown.text)
    assert len(token) >= 43
    assert _token((await t.one("as cy\n/library page")).text) == token  # one address per community
    async with client.get(f"/library/{token}/") as response:
        assert response.status == 200
        page = read_page(await response.text())
    assert page.headings[0] == (1, "Library of Data CoP")
    assert "Data contracts" in page.text


async def test_a_facilitator_revokes_the_address_and_a_member_cannot(chat: tuple[Transcript, TestClient]) -> None:  # type: ignore[type-arg]
    t, client = chat
    await t.run(community_script("en", at="2026-12-03T09:00"))
    token = _token((await t.one("/library page")).text)

    refused = await t.one("as ben\n/library page --revoke")
    assert refused.kind == "ephemeral" and refused.text.startswith("Only facilitators can use /library page --revoke.")
    assert await status_of(client, f"/library/{token}/") == 200  # a refusal changes nothing

    renewed = await t.one("as ana\n/library page --revoke")
    assert renewed.kind == "ephemeral" and renewed.text.startswith("The old address no longer works.")
    new = _token(renewed.text)
    assert new != token
    for path in ("", "feed.atom"):
        assert await status_of(client, f"/library/{token}/{path}") == 404
        assert await status_of(client, f"/library/{new}/{path}") == 200
    assert _token((await t.one("as ben\n/library page")).text) == new


async def test_the_command_and_the_page_in_dutch(chat: tuple[Transcript, TestClient]) -> None:  # type: ignore[type-arg]
    t, client = chat
    await t.run(community_script("nl", at="2026-12-03T09:00"))
    await t.run("as ben\n/library add https://voorbeeld.nl/artikel Datacontracten #dbt")
    shown = await t.one("/library page")
    assert shown.text.startswith("De bibliotheekpagina van Data CoP:")
    assert "iedereen die het heeft, kan de bibliotheek lezen" in shown.text
    refused = await t.one("/library page --revoke")
    assert refused.text.startswith("Alleen facilitators kunnen /library page --revoke gebruiken.")
    async with client.get(f"/library/{_token(shown.text)}/") as response:
        page = read_page(await response.text())
    assert page.lang == "nl" and page.headings[0] == (1, "Bibliotheek van Data CoP")
    assert page.labels["q"] == "Doorzoek de bibliotheek"


# --- what is not a page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rest", [
    "",  # /library/{token} with no slash after it
    "/x", "/items", "/items/", "/items/0", "/items/01", "/items/-1", "/items/abc", "/items/1/", "/items/1.0",
    "/items/99999", "/items/99999999999999999999999", "/feed.atom/", "/feed.xml", "/style.css", "/index.html",
    "/items/1/feed.atom", "/%2e%2e/", "/../",
])
async def test_anything_but_a_page_of_a_live_address_is_the_same_empty_404(site: Site, rest: str) -> None:
    await site.save(site.acme.members[0], "https://example.com/a", "Alpha")
    status, headers, body = await site.get(f"/library/{site.token}{rest}")
    assert (status, body) == (404, b"")
    assert headers["Cache-Control"] == "no-store"


async def test_unknown_revoked_and_other_communities_addresses_get_the_same_answer(site: Site) -> None:
    theirs = await site.save(site.acme.elsewhere, "https://example.com/design", "Design systems")
    other = (await site.library.page_address(GetLibraryPage(site.acme.elsewhere))).token
    old = site.token
    site.token = (await site.library.page_address(GetLibraryPage(site.acme.ana, revoke=True))).token
    answers = [await site.get(path) for path in (
        f"/library/{old}/", f"/library/{old}/feed.atom", "/library/never-issued/", "/library/x/items/1",
        f"/library/{site.token}/items/{theirs}", f"/library/{'x' * 65}/", "/library/", "/library/static/",
        "/library/static/other.css", "/library/to%20ken/",
    )]
    keep = ("Cache-Control", "Content-Length", "Content-Type")
    (answer,) = {(status, tuple(headers.get(k) for k in keep), body) for status, headers, body in answers}
    assert answer[0] == 404 and answer[1][:2] == ("no-store", "0") and answer[2] == b""
    assert (await site.get(f"/library/{other}/items/{theirs}"))[0] == 200  # the other community's own page


async def test_a_workspace_that_removed_hearth_serves_no_page(site: Site) -> None:
    async with site.uow_factory() as uow:
        await uow.workspaces.set_removed(site.acme.ana.workspace.id, NOW)
        await uow.commit()
    for rest in ("", "feed.atom"):
        assert (await site.get(site.path(rest)))[::2] == (404, b"")


async def test_a_page_that_cannot_be_read_is_an_empty_500_logged_by_fingerprint(
        site: Site, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*, read_only: bool = False) -> object:
        raise RuntimeError("the database is gone")

    server = page_app(LibraryService(broken, site.clock))  # type: ignore[arg-type]
    async with TestClient(server) as client:
        for rest in ("", "items/1", "feed.atom"):
            async with client.get(f"/library/{site.token}/{rest}") as response:
                assert (response.status, await response.read()) == (500, b"")
                assert response.headers["Cache-Control"] == "no-store"
    assert f"the library page {fingerprint(site.token)} could not be served" in caplog.text
    assert site.token not in caplog.text


async def test_without_a_handler_there_is_no_library_route(site: Site) -> None:
    async with TestClient(TestServer(build_web_app(health=healthy))) as client:
        assert await status_of(client, site.path()) == 404


# --- headers, escaping ---------------------------------------------------------------------------------------------


async def test_every_page_and_the_feed_carry_the_headers_that_keep_the_address_private(site: Site) -> None:
    item = await site.save(site.acme.members[0], "https://example.com/a", "Alpha")
    for rest, kind in (("", "text/html"), (f"items/{item}", "text/html"), ("?q=alpha", "text/html"),
                       ("feed.atom", "application/atom+xml")):
        status, headers, _body = await site.get(site.path(rest))
        assert status == 200 and headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "private, max-age=60"
        assert "noindex" in headers["X-Robots-Tag"]
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert {name: headers[name] for name in HEADERS} == HEADERS
    status, headers, css = await site.get("/library/static/style.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert b":focus-visible" in css and b"@media" in css


async def test_a_head_request_answers_the_headers_alone(site: Site) -> None:
    async with site.client.head(site.path()) as response:
        assert response.status == 200 and response.headers["Referrer-Policy"] == "no-referrer"
        assert await response.read() == b""


async def test_hostile_text_is_shown_as_written_and_never_runs(site: Site) -> None:
    ben = site.acme.members[0]
    item = await site.save(ben, HOSTILE_URL, HOSTILE, "dbt", note=HOSTILE_NOTE,
                           source="javascript:alert(1)")
    await site.library.save_idea(SaveIdea(ben, "Idea " + HOSTILE, note=HOSTILE_NOTE))
    async with site.uow_factory() as uow:  # a member the platform named with markup
        member = await uow.members.get(ben.workspace.id, ben.member.ref)
        assert member is not None
        from dataclasses import replace

        await uow.members.update(replace(member, display_name='<i>Ben</i> "the" {{ name }}'))
        await uow.commit()
    for rest in ("", f"items/{item}", "?q=" + "script", "?tag=dbt"):
        status, _headers, body = await site.get(site.path(rest))
        html = body.decode()
        assert status == 200
        assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
        assert "javascript:" not in html
        assert "{{ 7*7 }}" in html and "{% if 1 %}if{% endif %}" in html  # no template read the values
        page = read_page(html)
        assert page.scripts == 0 and page.handlers == []
        assert HOSTILE in page.text
        assert '<i>Ben</i> "the" {{ name }}' in page.text
    shown = await site.page(f"items/{item}")
    assert shown.headings[0] == (1, HOSTILE)
    assert HOSTILE_NOTE.strip() in shown.text
    assert all(urlsplit(link["href"]).scheme in ("", "http", "https") for link in shown.links)
    assert "javascript" not in json.dumps(shown.links)  # the source is no web address: no link to it
    address = shown.link(HOSTILE_URL)
    assert address["href"] == HOSTILE_URL and address["rel"] == "noopener noreferrer"


async def test_a_search_typed_with_markup_is_echoed_escaped(site: Site) -> None:
    status, _headers, body = await site.get(site.path('?q=%3Cscript%3Ealert(1)%3C/script%3E+%22%3E%3Cx%22'))
    assert status == 200 and b"<script>" not in body and b'"><x"' not in body
    page = read_page(body.decode())
    (search,) = [field for field in page.inputs if field.get("name") == "q"]
    assert search["value"] == '<script>alert(1)</script> "><x"'


# --- search, tags, pages, the most saved ---------------------------------------------------------------------------


@pytest.fixture
async def shelf(site: Site) -> dict[str, int]:
    ana, ben, cy, di = site.acme.ana, *site.acme.members
    ids = {
        "contracts": await site.save(ben, "https://example.com/contracts", "Data contracts in practice", "dbt",
                                     note="How teams agree on schemas"),
        "lineage": await site.save(cy, "https://example.com/lineage", "Column lineage for analysts", "dbt",
                                   "lineage"),
        "old": await site.save(cy, "https://example.com/old", "Contracts, the old way", note="A draft from 2019"),
    }
    site.clock.advance(timedelta(minutes=1))
    idea = await site.library.save_idea(SaveIdea(ben, "Running retrospectives that people enjoy", tags=("rituals",)))
    ids["idea"] = idea.item.id
    for scope in (ana, cy, di):  # the lineage article, saved by three members (cy's second save is no +1)
        await site.library.save_link(SaveLink(scope, "https://example.com/lineage"))
    await site.library.save_link(SaveLink(di, "https://example.com/old"))
    return ids


async def test_the_page_lists_the_newest_first_with_the_most_saved_beside(site: Site, shelf: dict[str, int]) -> None:
    page = await site.page()
    assert page.lang == "en" and page.title == "Library of Data"
    assert [level for level, _text in page.headings] == [1, 2, 2, 3, 3, 3, 3, 2, 3, 3]  # in order, none skipped
    assert page.headings[:3] == [(1, "Library of Data"), (2, "Tags"), (2, "Newest first")]
    assert item_ids(page)[:4] == [shelf["idea"], shelf["old"], shelf["lineage"], shelf["contracts"]]
    assert (2, "Most saved") in page.headings
    most = page.headings[page.headings.index((2, "Most saved")) + 1:]
    assert most == [(3, "Column lineage for analysts"), (3, "Contracts, the old way")]  # saved more than once
    assert {"header", "main", "nav", "footer"} <= set(page.landmarks)
    assert page.labels["q"] == "Search the library"
    assert "3 saves" in page.text and "saved by M2 on Thu 3 Dec 2026" in page.text
    away = [link for link in page.links if link["text"] == "example.com"]
    assert len(away) == 5 and all(link["rel"] == "noopener noreferrer" for link in away)
    assert {link["href"] for link in away} == {"https://example.com/contracts", "https://example.com/lineage",
                                               "https://example.com/old"}
    (feed,) = [link for link in page.heads if link.get("rel") == "alternate"]
    assert feed == {"rel": "alternate", "type": "application/atom+xml", "title": "The newest items as an Atom feed",
                    "href": "feed.atom"}
    (style,) = [link for link in page.heads if link.get("rel") == "stylesheet"]
    assert urljoin(site.path(), style["href"]) == "/library/static/style.css"


async def test_most_saved_first(site: Site, shelf: dict[str, int]) -> None:
    page = await site.page("?order=saves")
    assert page.headings[2] == (2, "Most saved first")
    assert item_ids(page) == [shelf["lineage"], shelf["old"], shelf["idea"], shelf["contracts"]]
    assert page.link("Most saved first")["aria-current"] == "page"
    assert (2, "Most saved") not in page.headings  # the list is that already
    tagged = await site.page("?tag=dbt&order=saves")
    assert item_ids(tagged) == [shelf["lineage"], shelf["contracts"]]


@pytest.mark.parametrize(("query", "found"), [
    ("contract", ["contracts", "old"]),
    ("schema", ["contracts"]),  # the note counts
    ('"data contracts"', ["contracts"]),
    ('"contracts data"', []),  # a phrase keeps its order
    ("contracts -draft", ["contracts"]),
    ("#dbt", ["lineage", "contracts"]),
    ("#dbt lineage", ["lineage"]),
    ("by:<@U2> contracts", ["old"]),
    ("retrospective run", ["idea"]),
    ("-contracts", []),  # a query of nothing finds nothing
    ('"', []), ("NEAR(a", []), ("*", []), ("'); DROP TABLE library_item; --", []),
])
async def test_search_reads_the_query_as_chat_does(site: Site, shelf: dict[str, int], query: str,
                                                   found: list[str]) -> None:
    async with site.client.get(site.path(), params={"q": query}) as response:
        assert response.status == 200
        page = read_page(await response.text())
    ids = item_ids(page)
    if query == "contract":  # two matches as good as each other: their order is the index's
        assert set(ids) == {shelf[name] for name in found}
    else:
        assert ids == [shelf[name] for name in found]
    assert page.headings[2] == (2, f"Found in the library: {' '.join(query.split())}")
    if not found:
        assert "Nothing found. Try fewer or other words, or a #tag." in page.text
    assert page.link("The whole library")["href"] == "./"


async def test_a_tag_lists_its_items_and_the_tags_are_counted(site: Site, shelf: dict[str, int]) -> None:
    home = await site.page()
    tags = [link for link in home.links if link["href"].startswith("?tag=")]
    assert [link["text"] for link in tags][:3] == ["#dbt (2)", "#lineage (1)", "#rituals (1)"]
    page = await site.page(home.link("#dbt (2)")["href"])
    assert page.headings[2] == (2, "Tagged #dbt") and "2 items" in page.text
    assert item_ids(page) == [shelf["lineage"], shelf["contracts"]]
    assert page.link("#dbt (2)")["aria-current"] == "page"
    empty = await site.page("?tag=%3Cnone%3E")
    assert empty.headings[2] == (2, "Tagged #<none>") and "Nothing saved that fits." in empty.text


async def test_pages_of_items_link_to_each_other(site: Site) -> None:
    ben = site.acme.members[0]
    for number in range(2 * PAGE + 3):
        await site.save(ben, f"https://example.com/{number}", f"Article {number}")
    first = await site.page()
    assert "Page 1 of 3" in first.text and "23 items" in first.text
    assert [link["text"] for link in first.links if link.get("rel") in ("prev", "next")] == ["Next page"]
    assert item_ids(first)[0] == PAGE * 2 + 3
    second = await site.page(first.link("Next page")["href"])
    assert "Page 2 of 3" in second.text
    assert item_ids(second) == list(range(PAGE + 3, 3, -1))
    third = await site.page(second.link("Next page")["href"])
    assert item_ids(third) == [3, 2, 1] and "Page 3 of 3" in third.text
    assert [link["text"] for link in third.links if link.get("rel") in ("prev", "next")] == ["Previous page"]
    back = await site.page(third.link("Previous page")["href"])
    assert item_ids(back) == item_ids(second)
    past = await site.page("?page=9")
    assert item_ids(past) == [] and "There is nothing on this page." in past.text
    assert past.link("Previous page")["href"] == "?page=3"
    for wrong in ("abc", "0", "-2", "99999999999", "٣"):
        assert item_ids(await site.page(f"?page={wrong}")) == item_ids(first)
    searched = await site.page("?q=article&page=2")
    assert "Page 2 of 3" in searched.text and searched.link("Next page")["href"] == "?q=article&page=3"


async def test_each_page_reads_in_exactly_one_unit_of_work(site: Site, shelf: dict[str, int]) -> None:
    for rest in ("", "?q=contracts", "?tag=dbt", f"items/{shelf['lineage']}", "feed.atom", "items/99999"):
        before = site.units.opened
        await site.get(site.path(rest))
        assert site.units.opened - before == 1, rest
    for revoke in (False, True):
        before = site.units.opened
        await site.library.page_address(GetLibraryPage(site.acme.ana, revoke=revoke))
        assert site.units.opened - before == 1


# --- one item ------------------------------------------------------------------------------------------------------


async def test_an_item_page_shows_where_it_came_from_and_who_saved_it(site: Site, shelf: dict[str, int]) -> None:
    ben = site.acme.members[0]
    item = await site.save(ben, "https://example.com/talk", "A talk", "video", "dbt", note="Watch from 12:00",
                           source="https://acme.slack.com/archives/C1/p1700000000000100")
    site.clock.advance(timedelta(hours=2))
    await site.library.save_link(SaveLink(site.acme.ana, "https://example.com/talk"))
    await site.library.record_page(RecordPage(PageToFetch(ben.workspace.id, item, "https://example.com/talk"),
                                              PageMeta("A talk", "Forty minutes on data contracts.", "")))
    page = await site.page(f"items/{item}")
    assert page.title == "A talk · Library of Data"
    assert [heading for heading in page.headings] == [(1, "A talk"), (2, "Saved by")]
    for said in (f"Item {item}", "Watch from 12:00", "Forty minutes on data contracts.", "Thu 3 Dec 2026 10:05 CET",
                 "2 saves", "What the page says"):
        assert said in page.text, said
    assert re.search(r"Saved by M1 , Thu 3 Dec 2026 · Everything M1 saved Ana , Thu 3 Dec 2026 · ", page.text)
    source = page.link("Open the conversation it came from")
    assert source == {"href": "https://acme.slack.com/archives/C1/p1700000000000100", "rel": "noopener noreferrer",
                      "text": "Open the conversation it came from"}
    assert page.link("https://example.com/talk")["rel"] == "noopener noreferrer"
    assert page.link("Library of Data")["href"] == "../"
    assert [link["href"] for link in page.links if link["text"].startswith("#")] == ["../?tag=video", "../?tag=dbt"]
    everything = page.link("Everything M1 saved")
    by_ben = await site.page(urljoin(site.path(f"items/{item}"), everything["href"]))
    assert item_ids(by_ben) == [item, shelf["idea"], shelf["contracts"]]
    (feed,) = [link for link in page.heads if link.get("rel") == "alternate"]
    assert urljoin(site.path(f"items/{item}"), feed["href"]) == site.path("feed.atom")


async def test_a_member_hearth_never_saw_is_shown_by_their_id(site: Site) -> None:
    stranger = Scope(site.acme.ana.workspace, site.acme.members[0].member, site.acme.ana.community)
    from dataclasses import replace

    stranger = replace(stranger, member=replace(stranger.member, ref=MemberRef(ACME, "U77")))
    item = await site.save(stranger, "https://example.com/s", "From a stranger")
    page = await site.page(f"items/{item}")
    assert "U77 , Thu 3 Dec 2026" in page.text and page.link("Everything U77 saved")


# --- in Dutch ------------------------------------------------------------------------------------------------------


def english_pieces(message: Msg) -> list[str]:
    """The words of `message` in English that its Dutch translation does not hold (Hearth's own, not its values)."""
    forms = [message.msgid] if message.plural is None else [message.msgid, message.plural]
    dutch = (CATALOGS.gettext("nl", message.msgid) if message.plural is None else " ".join(
        CATALOGS.ngettext("nl", message.msgid, message.plural, count) for count in (1, 2)))
    pieces = []
    for form in forms:
        for piece in re.split(r"\{\w+\}", form):
            piece = piece.strip(" .,:·()")
            if re.search(r"[A-Za-z]{3}", piece) and piece not in dutch:
                pieces.append(piece)
    return pieces


async def test_a_dutch_page_has_no_english_word_of_hearths(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=2, at=NOW)
    async with uow_factory() as uow:
        dutch = await uow.communities.add(acme.ana.workspace.id, ChannelRef(ACME, "C9"), name="Data NL", goal="",
                                          timezone="Europe/Amsterdam", language="nl", at=NOW)
        await uow.commit()
    ben = Scope(acme.ana.workspace, acme.members[0].member, dutch)
    clock = SimulatedClock(NOW)
    library = LibraryService(uow_factory, clock)
    for number in range(PAGE + 1):
        clock.advance(timedelta(minutes=1))
        await library.save_link(SaveLink(ben, f"https://voorbeeld.nl/{number}", title=f"Stuk {number}",
                                         tags=("dbt",), note="Lezen", source="https://voorbeeld.nl/gesprek"))
    await library.save_link(SaveLink(Scope(acme.ana.workspace, acme.ana.member, dutch), "https://voorbeeld.nl/1"))
    token = (await library.page_address(GetLibraryPage(ben))).token
    pieces = sorted({piece for message in (*WORDS.values(), *PLURAL_WORDS) for piece in english_pieces(message)})
    assert "Search the library" in pieces and "Newest first" in pieces and "saves" in pieces
    async with TestClient(page_app(library)) as client:
        for rest in ("", "?page=2", "?q=stuk", "?q=fietsen", "?tag=dbt&order=saves", "?tag=niets", "?page=7",
                     "items/2"):
            async with client.get(f"/library/{token}/{rest}") as response:
                page = read_page(await response.text())
            assert page.lang == "nl"
            text = page.text
            assert [piece for piece in pieces if re.search(rf"\b{re.escape(piece)}\b", text)] == [], rest
            assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Dec)\b", text), rest
        async with client.get(f"/library/{token}/") as response:
            home = read_page(await response.text())
        async with client.get(f"/library/{token}/feed.atom") as response:
            feed = ET.fromstring(await response.read())
    day = format_date(NOW + timedelta(minutes=1), "nl", ZoneInfo("Europe/Amsterdam"))
    assert day.startswith("do ") and f"bewaard door M1 op {day}" in home.text
    assert home.headings[:3] == [(1, "Bibliotheek van Data NL"), (2, "Tags"), (2, "Nieuwste eerst")]
    assert "Pagina 1 van 2" in home.text and "Volgende pagina" in home.text and "2 keer bewaard" in home.text
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    assert feed.findtext(f"{ATOM}title") == "Bibliotheek van Data NL"


# --- the feed ------------------------------------------------------------------------------------------------------


async def test_the_feed_holds_the_fifty_newest_read_back_by_two_parsers(site: Site) -> None:
    ben, ana = site.acme.members[0], site.acme.ana
    for number in range(53):
        await site.save(ben, f"https://example.com/{number}", f"Article {number}", "dbt")
    hostile = await site.save(ana, "https://example.com/x?a=1&b=2", HOSTILE, "review", note=HOSTILE_NOTE)
    site.clock.advance(timedelta(minutes=1))
    idea = (await site.library.save_idea(SaveIdea(ben, "An idea\nof two lines", note="Why"))).item.id
    status, headers, body = await site.get(site.path("feed.atom"))
    assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=utf-8"

    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    assert root.findtext(f"{ATOM}title") == "Library of Data"
    assert root.findtext(f"{ATOM}id") == "tag:hearth.example.org,2026-12-03:library/1"
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "") == NOW + timedelta(minutes=55)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": f"{PUBLIC}/library/{site.token}/feed.atom", "alternate": f"{PUBLIC}/library/{site.token}/"}
    first, second = entries[0], entries[1]
    assert first.findtext(f"{ATOM}title") == "An idea"
    assert first.findtext(f"{ATOM}summary") == "An idea\nof two lines\n\nWhy"
    assert [link.get("href") for link in first.findall(f"{ATOM}link")] == [
        f"{PUBLIC}/library/{site.token}/items/{idea}"]
    assert second.findtext(f"{ATOM}title") == HOSTILE
    assert second.findtext(f"{ATOM}summary") == HOSTILE_NOTE
    assert second.findtext(f"{ATOM}author/{ATOM}name") == "Ana"
    assert [c.get("term") for c in second.findall(f"{ATOM}category")] == ["review"]
    assert {link.get("rel"): link.get("href") for link in second.findall(f"{ATOM}link")} == {
        "alternate": "https://example.com/x?a=1&b=2", "related": f"{PUBLIC}/library/{site.token}/items/{hostile}"}
    ids = [entry.findtext(f"{ATOM}id") or "" for entry in entries]
    assert len(set(ids)) == 50 and all(i.startswith("tag:hearth.example.org,2026-12-03:library/1/item/") for i in ids)
    assert all(site.token not in i for i in ids)

    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Library of Data" and len(parsed.entries) == 50
    assert parsed.entries[1].title == HOSTILE and parsed.entries[1].author == "Ana"
    assert parsed.entries[1].link == "https://example.com/x?a=1&b=2"
    assert parsed.entries[2].title == "Article 52" and parsed.entries[2].tags[0].term == "dbt"
    assert parsed.entries[-1].title == "Article 5"  # the fifty newest, newest first

    renewed = (await site.library.page_address(GetLibraryPage(ana, revoke=True))).token
    async with site.client.get(f"/library/{renewed}/feed.atom") as response:
        again = ET.fromstring(await response.read())
    assert [entry.findtext(f"{ATOM}id") for entry in again.findall(f"{ATOM}entry")] == ids  # ids outlive addresses


async def test_an_empty_library_has_an_empty_feed_dated_by_its_community(site: Site) -> None:
    status, _headers, body = await site.get(site.path("feed.atom"))
    root = ET.fromstring(body)
    assert status == 200 and root.findall(f"{ATOM}entry") == []
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "") == NOW
    page = await site.page()
    assert "Nothing saved yet." in page.text and "0 items" in page.text


# --- the service, and what loads when ------------------------------------------------------------------------------


async def test_browsing_needs_a_live_token_and_reads_the_query_with_its_workspace(site: Site) -> None:
    await site.save(site.acme.members[1], "https://example.com/a", "Alpha")
    seen = []

    def reader(workspace: object) -> object:
        seen.append(workspace)
        from commands.library.query import read_query

        return read_query("by:<@U2>", workspace)  # type: ignore[arg-type]

    view = await site.library.browse(BrowseLibrary(site.token, reader))  # type: ignore[arg-type]
    assert view is not None and [item.heading for item in view.items.items] == ["Alpha"]
    assert seen == [ACME]
    assert await site.library.browse(BrowseLibrary("unknown")) is None


async def test_revoking_as_a_platform_admin_is_allowed(site: Site) -> None:
    from dataclasses import replace

    admin = replace(site.acme.members[0], is_admin=True)
    assert admin.member.role is Role.MEMBER
    renewed = await site.library.page_address(GetLibraryPage(admin, revoke=True))
    assert renewed.revoked and renewed.token != site.token


def test_the_page_module_loads_jinja2_only_for_a_page() -> None:
    program = ("import sys, adapters.library_page, adapters.web, adapters.wiring; "
               "print('jinja2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(("logged", "kept"), [
    (f"GET /library/{'k' * 43}/items/3 HTTP/1.1", "GET /library/[redacted]/items/3 HTTP/1.1"),
    (f"{PUBLIC}/library/{'a-B_' * 11}/", f"{PUBLIC}/library/[redacted]/"),
    (f"text=page%3A+https%3A%2F%2Fh%2Flibrary%2F{'x' * 43}%2F",
     "text=page%3A+https%3A%2F%2Fh%2Flibrary%2F[redacted]%2F"),
    ('File "/srv/hearth/bot/library/service.py", line 3', 'File "/srv/hearth/bot/library/service.py", line 3'),
    ("/library/static/style.css", "/library/static/style.css"),
])
def test_the_log_never_holds_a_page_address(logged: str, kept: str) -> None:
    assert Redactor().redact(logged) == kept


def test_the_templates_and_stylesheet_ship_with_the_package() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"templates/library/*.html"' in text and '"templates/library/*.css"' in text

"""The library's page fetcher against real HTTP servers on loopback: what the guard refuses (addresses that are not
public, however they are reached), the caps on time, size, types and redirects, and what a page says of itself.

Linux routes all of 127.0.0.0/8 to loopback, so a server on 127.0.0.2 and one on 127.0.0.1 stand for an allowed
address and a forbidden one. Made-up host names are looked up by a resolver the test gives the fetcher.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer

from adapters.page_fetch import (
    MAX_BYTES,
    AddressRefused,
    AllowList,
    GuardedConnector,
    GuardedFetcher,
    PublicOnlyResolver,
    is_public,
    page_fetcher,
)
from adapters.page_text import decoded, page_meta
from adapters.settings import Settings
from bot.library.model import MAX_DESCRIPTION, MAX_PAGE_TEXT, TITLE
from bot.library.ports import PageUnavailable

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NO_ALLOW_LIST = AllowList()
ONLY_TWO = AllowList((ip_network("127.0.0.2/32"),))  # 127.0.0.2 may be fetched, 127.0.0.1 not
BOTH = AllowList((ip_network("127.0.0.1/32"), ip_network("127.0.0.2/32")))

ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Growing a community of practice</title>
<meta name="description" content="How stewards keep   a community
    alive: rhythms, rituals and roles.">
<script>var tracker = "SCRIPT_JUNK";</script><style>body { color: red }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a> NAV_JUNK</nav>
<article><h1>Growing a community of practice</h1>
<p>A community of practice is a group of people who share a concern or a passion for something they do, and who
learn how to do it better as they interact regularly.</p>
<p>Stewards keep the rhythm going: a monthly meeting, a shared library of what members found, and a weekly digest
of what was said in between.</p>
<p>Without a rhythm a community fades; with too much structure it becomes a committee. The art lies in between,
and it takes patience.</p>
</article>
<footer>FOOTER_JUNK</footer><script>console.log("SECOND_SCRIPT_JUNK")</script>
</body></html>"""

DUTCH = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Een praktijkgemeenschap laten groeien</title>
<meta name="description" content="Hoe coördinatoren een gemeenschap levend houden.">
</head><body><main><article>
<p>Een praktijkgemeenschap is een groep mensen die een zorg of passie delen voor iets wat ze doen, en die leren
het beter te doen doordat ze regelmatig met elkaar omgaan.</p>
<p>Eén keer per maand komen de leden samen; daarnaast houden ze een gedeelde bibliotheek bij van wat ze vonden,
met artikelen, ideeën en vragen.</p>
<p>Zonder ritme dooft een gemeenschap uit; met te veel structuur wordt het een commissie. De kunst zit ertussen.</p>
</article></main></body></html>"""


def page(body: str | bytes, content_type: str = "text/html; charset=utf-8", status: int = 200,
         headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        data = body.encode() if isinstance(body, str) else body
        return web.Response(body=data, status=status, headers={"Content-Type": content_type, **(headers or {})})

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    return page(b"", "text/html", status=status, headers={"Location": location})


@dataclass
class Site:
    url: str
    port: int
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, headers) of every request


@asynccontextmanager
async def serving(routes: dict[str, Handler], host: str = "127.0.0.1", port: int | None = None,
                  ) -> AsyncIterator[Site]:
    site = Site("", 0)

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        site.seen.append((request.path, dict(request.headers)))
        return await handler(request)

    app = web.Application(middlewares=[record])
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    server = TestServer(app, host=host, port=port)
    await server.start_server()
    assert server.port is not None
    site.url, site.port = f"http://{host}:{server.port}", server.port
    try:
        yield site
    finally:
        await server.close()


def answer(host: str, address: str, port: int) -> ResolveResult:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return ResolveResult(hostname=host, host=address, port=port, family=family, proto=0,
                         flags=socket.AI_NUMERICHOST)


class MapResolver(AbstractResolver):
    """Made-up names with their addresses; a name in `then` answers those addresses on every lookup after its
    first (DNS rebinding). Keeps the names it was asked for."""

    def __init__(self, answers: dict[str, list[str]], *, then: dict[str, list[str]] | None = None) -> None:
        self.answers = answers
        self.then = then or {}
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        name = host.rstrip(".")
        if name not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = self.then[name] if name in self.then and name in self.lookups else self.answers[name]
        self.lookups.append(name)
        return [answer(name, address, port) for address in addresses]

    async def close(self) -> None:
        pass


async def refusal(fetcher: GuardedFetcher, url: str) -> str:
    with pytest.raises(PageUnavailable) as raised:
        await fetcher.fetch(url)
    return raised.value.reason


# --- Which addresses are public ---------------------------------------------------------------------------------

PUBLIC = [
    "8.8.8.8", "1.1.1.1", "93.184.215.14", "185.199.108.153", "100.63.255.255", "100.128.0.0", "172.32.0.1",
    "192.0.3.1", "223.255.255.254", "2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:82a::200e",
    "::ffff:8.8.8.8", "2002:808:808::1", "64:ff9b::808:808",
]
NOT_PUBLIC = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1",
    "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.10", "198.51.100.7", "203.0.113.9", "198.18.0.1",
    "192.0.0.8", "192.88.99.1",
    "::", "::1", "fe80::1", "fe80::1%1", "fc00::1", "fd00:ec2::254", "ff02::1", "ff0e::1", "fec0::1", "2001:db8::1",
    "3fff::1", "100::1", "2001:2::1", "2001:10::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::8.8.8.8",
    "2002:7f00:1::1", "2002:a00:1::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "64:ff9b::7f00:1", "64:ff9b::a00:1",
    "64:ff9b:1::808:808",
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address: str) -> None:
    assert is_public(ip_address(address))


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_addresses_that_are_not_public(address: str) -> None:
    assert not is_public(ip_address(address))


def test_the_allow_list_opens_networks_and_names_but_never_the_metadata_service() -> None:
    allow = AllowList((ip_network("10.0.0.0/8"), ip_network("169.254.0.0/16"), ip_network("fd00::/8")),
                      frozenset({"wiki.intranet.test"}))
    assert allow.permits("x.test", ip_address("10.1.2.3"))
    assert allow.permits("x.test", ip_address("::ffff:10.1.2.3"))  # as a dual-stack socket reports it
    assert allow.permits("WIKI.intranet.test.", ip_address("192.168.7.7"))
    assert not allow.permits("x.test", ip_address("192.168.7.7"))
    assert allow.permits("x.test", ip_address("8.8.8.8"))
    for metadata in ("169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "169.254.170.2"):
        assert not allow.permits("x.test", ip_address(metadata))
        assert not allow.permits("wiki.intranet.test", ip_address(metadata))


# --- Addresses: literal, named, redirected, rebound ---------------------------------------------------------------

async def test_a_loopback_page_is_refused_without_an_allow_list_and_fetched_with_one() -> None:
    async with serving({"/": page(ARTICLE)}) as site:
        assert await refusal(GuardedFetcher(), site.url + "/") == "127.0.0.1 is not a public address"
        assert site.seen == []  # refused before connecting
        meta = await GuardedFetcher(allow=BOTH).fetch(site.url + "/")
    assert meta.title == "Growing a community of practice"


@pytest.mark.parametrize("allow", [NO_ALLOW_LIST, ONLY_TWO], ids=["no allow-list", "allow-list"])
@pytest.mark.parametrize(("host", "reason"), [
    ("[::1]", "::1 is not a public address"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is not a public address"),
    ("[fe80::1%25lo]", "fe80::1%25lo is not a public address"),
    ("2130706433", "the address has a host written as a number, not as an address: 2130706433"),
    ("2130706434", "the address has a host written as a number, not as an address: 2130706434"),  # 127.0.0.2
    ("127.1", "the address has a host written as a number, not as an address: 127.1"),
    ("0x7f.0.0.1", "the address has a host written as a number, not as an address: 0x7f.0.0.1"),
    ("0177.0.0.1", "the address has a host written as a number, not as an address: 0177.0.0.1"),
    ("user:secret@127.0.0.2", "the address is not an http or https address with a host and no user part: "),
])
async def test_loopback_written_otherwise_is_refused(allow: AllowList, host: str, reason: str) -> None:
    async with serving({"/": page(ARTICLE)}) as site:
        assert (await refusal(GuardedFetcher(allow=allow), f"http://{host}:{site.port}/")).startswith(reason)
        assert site.seen == []


async def test_localhost_by_the_system_resolver_is_refused() -> None:
    async with serving({"/": page(ARTICLE)}) as site:
        reason = await refusal(GuardedFetcher(allow=ONLY_TWO), f"http://localhost:{site.port}/")
        assert site.seen == []
    assert reason.startswith("localhost resolves to") and reason.endswith("not a public address")


@pytest.mark.parametrize("allow", [NO_ALLOW_LIST, ONLY_TWO], ids=["no allow-list", "allow-list"])
@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "::ffff:127.0.0.1", "100.64.0.1", "127.0.0.1",
                                     "fd00:ec2::254", "192.168.0.1"])
async def test_a_name_for_an_address_that_is_not_public_is_refused(allow: AllowList, address: str) -> None:
    fetcher = GuardedFetcher(allow=allow, resolver=MapResolver({"inside.test": [address]}), connect_seconds=1)
    assert await refusal(fetcher, "http://inside.test/") == f"inside.test resolves to {address}, not a public address"


async def test_named_hosts_on_the_allow_list_and_names_in_allowed_networks_are_fetched() -> None:
    async with serving({"/": page(ARTICLE)}, host="127.0.0.2") as site:
        resolver = MapResolver({"wiki.test": ["127.0.0.2"], "mixed.test": ["10.0.0.5", "127.0.0.2"]})
        by_name = GuardedFetcher(allow=AllowList(hosts=frozenset({"wiki.test"})), resolver=resolver)
        assert (await by_name.fetch(f"http://wiki.test:{site.port}/")).title == "Growing a community of practice"
        assert await refusal(by_name, f"http://mixed.test:{site.port}/") == (
            "mixed.test resolves to 10.0.0.5, 127.0.0.2, not a public address")
        # Of two answers, the one that may not be reached is dropped, not tried.
        by_network = GuardedFetcher(allow=ONLY_TWO, resolver=resolver)
        assert (await by_network.fetch(f"http://mixed.test:{site.port}/")).title == "Growing a community of practice"
    assert len(site.seen) == 2


async def test_a_redirect_to_an_address_that_is_not_allowed_is_refused() -> None:
    staff_only = "<html><head><title>INTERNAL</title></head><body><p>Staff only.</p></body></html>"
    async with serving({"/secret": page(staff_only)}) as inside:
        routes = {"/": redirect(inside.url + "/secret"), "/named": redirect(f"http://inside.test:{inside.port}/secret")}
        async with serving(routes, host="127.0.0.2") as outside:
            resolver = MapResolver({"inside.test": ["127.0.0.1"]})
            only_two = GuardedFetcher(allow=ONLY_TWO, resolver=resolver)
            assert await refusal(only_two, outside.url + "/") == "127.0.0.1 is not a public address"
            assert await refusal(only_two, outside.url + "/named") == (
                "inside.test resolves to 127.0.0.1, not a public address")
            assert inside.seen == []
            meta = await GuardedFetcher(allow=BOTH, resolver=resolver).fetch(outside.url + "/")
    assert meta.title == "INTERNAL"


async def test_dns_rebinding_gets_the_address_that_was_checked() -> None:
    """A name answering an allowed address first and a forbidden one on a second lookup: the one lookup the
    fetcher makes is the one its connection uses, so the server at the forbidden address is never reached."""
    async with serving({"/": page(ARTICLE)}, host="127.0.0.2") as outside, \
            serving({"/": page(ARTICLE.replace("Growing", "INSIDE"))}, host="127.0.0.1", port=outside.port) as inside:
        resolver = MapResolver({"rebind.test": ["127.0.0.2"]}, then={"rebind.test": ["127.0.0.1"]})
        fetcher = GuardedFetcher(allow=ONLY_TWO, resolver=resolver)
        assert (await fetcher.fetch(f"http://rebind.test:{outside.port}/")).title == "Growing a community of practice"
        assert resolver.lookups == ["rebind.test"]
        assert await refusal(fetcher, f"http://rebind.test:{outside.port}/") == (
            "rebind.test resolves to 127.0.0.1, not a public address")
        assert inside.seen == []


async def test_the_connected_address_is_checked_whatever_the_resolver_said() -> None:
    """The connector on its own, with a resolver that filters nothing (as a second, rebound lookup would be):
    the connection reaches loopback, and the guard closes it before a request is sent on it."""
    async with serving({"/": page("INTERNAL")}) as inside:
        connector = GuardedConnector(ONLY_TWO, resolver=MapResolver({"rebind.test": ["127.0.0.1"]}))
        async with aiohttp.ClientSession(connector=connector) as session:
            with pytest.raises(AddressRefused) as raised:
                await session.get(f"http://rebind.test:{inside.port}/")
        assert raised.value.reason == "connected to 127.0.0.1, not a public address"
        assert inside.seen == []


async def test_the_resolver_hands_the_connector_only_allowed_addresses() -> None:
    resolver = PublicOnlyResolver(MapResolver({"mixed.test": ["10.0.0.5", "8.8.8.8", "::1", "not-an-address"]}),
                                  NO_ALLOW_LIST)
    assert [found["host"] for found in await resolver.resolve("mixed.test.", 80)] == ["8.8.8.8"]


# --- Redirects ----------------------------------------------------------------------------------------------------

async def test_at_most_five_redirects_are_followed() -> None:
    routes = {f"/{n}": redirect(f"/{n + 1}", status=(301, 302, 303, 307, 308)[n % 5]) for n in range(7)}
    async with serving({**routes, "/7": page(ARTICLE)}) as site:
        fetcher = GuardedFetcher(allow=BOTH)
        assert (await fetcher.fetch(site.url + "/2")).title == "Growing a community of practice"  # 5 redirects
        assert await refusal(fetcher, site.url + "/1") == "more than 5 redirects"
        assert [path for path, _ in site.seen][-1] == "/6"


@pytest.mark.parametrize("location", ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.2/a",
                                      "data:text/html,<title>x</title>", "http://user:pw@127.0.0.2/"])
async def test_a_redirect_out_of_the_web_is_refused(location: str) -> None:
    async with serving({"/": redirect(location)}, host="127.0.0.2") as site:
        reason = await refusal(GuardedFetcher(allow=ONLY_TWO), site.url + "/")
    assert reason.startswith("a redirect is not an http or https address") and location[:20] in reason


async def test_a_redirect_without_a_location_is_refused() -> None:
    async with serving({"/": page(b"", status=302)}, host="127.0.0.2") as site:
        assert await refusal(GuardedFetcher(allow=ONLY_TWO), site.url + "/") == "status 302 without a Location"


async def test_cookies_are_not_kept_and_the_user_agent_says_who_reads() -> None:
    async def with_cookie(request: web.Request) -> web.StreamResponse:
        response = web.Response(status=302, headers={"Location": "/page"})
        response.set_cookie("session", "s3cret")
        return response

    async with serving({"/": with_cookie, "/page": page(ARTICLE)}, host="127.0.0.2") as site:
        await GuardedFetcher(allow=ONLY_TWO).fetch(site.url + "/")
    first, second = (headers for _, headers in site.seen)
    assert "Cookie" not in second
    assert first["User-Agent"].startswith("Hearth/") and first["User-Agent"].endswith("(+library preview)")
    assert "Authorization" not in first and "Authorization" not in second


# --- Caps: time, size, types ----------------------------------------------------------------------------------------

async def trickle(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    for _ in range(200):  # a byte every 50 ms, for ten seconds at most
        await response.write(b"<")
        await asyncio.sleep(0.05)
    return response


async def test_a_trickling_server_ends_at_the_time_cap() -> None:
    async with serving({"/": trickle}, host="127.0.0.2") as site:
        started = time.monotonic()
        reason = await refusal(GuardedFetcher(allow=ONLY_TWO, seconds=0.5), site.url + "/")
        elapsed = time.monotonic() - started
    assert reason == "no whole page within 0.5 s"
    assert 0.5 <= elapsed < 2


FIFTY_MB = 50 * 1024 * 1024


async def test_a_fifty_megabyte_page_is_cut_at_the_size_cap() -> None:
    sent = [0]

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})  # chunked: no length
        await response.prepare(request)
        await response.write(b"<html><head><title>Big</title></head><body><article>")
        paragraph = b"<p>" + b"words and more words " * 50 + b"</p>\n"
        try:
            while sent[0] < FIFTY_MB:
                await response.write(paragraph)
                sent[0] += len(paragraph)
        except ConnectionError:  # the fetcher hung up
            pass
        return response

    async with serving({"/": endless}, host="127.0.0.2") as site:
        started = time.monotonic()
        meta = await GuardedFetcher(allow=ONLY_TWO).fetch(site.url + "/")  # the default cap, 2 MiB
        elapsed = time.monotonic() - started
    assert elapsed < 3
    assert meta.title == "Big" and meta.text.startswith("words and more words")
    assert len(meta.text) <= MAX_PAGE_TEXT
    assert sent[0] < 16 * 1024 * 1024  # what was read, and what the sockets held: never the whole 50 MB


async def test_a_compressed_page_is_cut_at_the_cap_once_unpacked() -> None:
    bomb = gzip.compress(b"<html><body><p>" + b"a " * (FIFTY_MB // 2), compresslevel=1)
    async with serving({"/": page(bomb, headers={"Content-Encoding": "gzip"})}, host="127.0.0.2") as site:
        started = time.monotonic()
        meta = await GuardedFetcher(allow=ONLY_TWO, max_bytes=256 * 1024).fetch(site.url + "/")
    assert time.monotonic() - started < 3
    assert meta.text.startswith("a a a") and len(meta.text) <= MAX_PAGE_TEXT


async def test_a_content_length_over_the_cap_is_refused_unread() -> None:
    async def announced(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = MAX_BYTES + 1
        await response.prepare(request)
        await response.write(b"<html>")
        await asyncio.Event().wait()  # the rest never comes: a fetcher that read on would wait for it
        return response

    async with serving({"/": announced}, host="127.0.0.2") as site:
        started = time.monotonic()
        reason = await refusal(GuardedFetcher(allow=ONLY_TWO), site.url + "/")
    assert reason == f"{MAX_BYTES + 1} bytes, over the cap of {MAX_BYTES}"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/json", "text/css",
                                          "application/octet-stream"])
async def test_what_is_not_a_page_is_refused(content_type: str) -> None:
    async with serving({"/": page(b"\x89PNG\r\n\x1a\n", content_type)}, host="127.0.0.2") as site:
        reason = await refusal(GuardedFetcher(allow=ONLY_TWO), site.url + "/")
    assert reason == f"content type {content_type} is not HTML or plain text"


@pytest.mark.parametrize("status", [404, 500, 204, 206])
async def test_a_status_other_than_ok_is_refused(status: int) -> None:
    async with serving({"/": page(ARTICLE, status=status)}, host="127.0.0.2") as site:
        assert await refusal(GuardedFetcher(allow=ONLY_TWO), site.url + "/") == f"status {status}"


async def test_a_name_that_does_not_resolve_is_unavailable() -> None:
    reason = await refusal(GuardedFetcher(resolver=MapResolver({})), "http://nowhere.test/")
    assert reason.startswith("could not fetch the page")


# --- What a page says -----------------------------------------------------------------------------------------------

async def test_a_page_gives_its_title_description_and_main_text() -> None:
    async with serving({"/": page(ARTICLE)}, host="127.0.0.2") as site:
        meta = await GuardedFetcher(allow=ONLY_TWO).fetch(site.url + "/")
    assert meta.title == "Growing a community of practice"
    assert meta.description == "How stewards keep a community alive: rhythms, rituals and roles."
    assert "share a concern or a passion" in meta.text and "it takes patience." in meta.text
    assert "\n" not in meta.text and "  " not in meta.text
    for junk in ("SCRIPT_JUNK", "NAV_JUNK", "FOOTER_JUNK", "color: red"):
        assert junk not in meta.text


async def test_a_dutch_page() -> None:
    async with serving({"/": page(DUTCH)}, host="127.0.0.2") as site:
        meta = await GuardedFetcher(allow=ONLY_TWO).fetch(site.url + "/")
    assert meta.title == "Een praktijkgemeenschap laten groeien"
    assert meta.description == "Hoe coördinatoren een gemeenschap levend houden."
    assert "Eén keer per maand" in meta.text and "ideeën" in meta.text


async def test_a_plain_text_page_is_its_own_text() -> None:
    text = "Notes from the meetup\n\n  First:\tstart on time.\r\nSecond: end on time.\x00\n"
    async with serving({"/notes.txt": page(text, "text/plain; charset=utf-8")}, host="127.0.0.2") as site:
        meta = await GuardedFetcher(allow=ONLY_TWO).fetch(site.url + "/notes.txt")
    assert meta.title == "" and meta.description == ""
    assert meta.text == "Notes from the meetup First: start on time. Second: end on time."


CAFE = "<html><head>{meta}<title>Café “Zoë”</title></head><body><article><p>{para}</p><p>{para}</p></article></body>"
PARAGRAPH = "À la carte: crème brûlée, naïve façade, œuvre — “quoted” and ‘single’ for €5. " * 3


@pytest.mark.parametrize(("content_type", "meta"), [
    ("text/html; charset=windows-1252", ""),
    ("text/html", '<meta charset="windows-1252">'),
    ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'),
    ("text/html; charset=latin1", ""),
    ("text/html", ""),  # says nothing and is not UTF-8: windows-1252
], ids=["header", "meta charset", "meta http-equiv latin-1", "header latin-1", "undeclared"])
async def test_a_windows_1252_page(content_type: str, meta: str) -> None:
    body = CAFE.format(meta=meta, para=PARAGRAPH).encode("windows-1252")
    async with serving({"/": page(body, content_type)}, host="127.0.0.2") as site:
        read = await GuardedFetcher(allow=ONLY_TWO).fetch(site.url + "/")
    assert read.title == "Café “Zoë”"
    assert "crème brûlée, naïve façade, œuvre — “quoted” and ‘single’ for €5." in read.text


def test_decoding() -> None:
    assert decoded("café".encode(), None, "text/html") == "café"
    assert decoded(b"\xef\xbb\xbfcaf\xc3\xa9", "windows-1252", "text/html") == "café"  # the BOM wins
    assert decoded("café".encode("utf-16-le").join([b"\xff\xfe", b""]), None, "text/plain") == "café"
    assert decoded("caf€".encode()[:-1], None, "text/plain", cut=True) == "caf"  # the cap cut a character in two
    assert decoded(b"caf\xe9", None, "text/plain") == "café"
    assert decoded(b"caf\xe9", "no-such-charset", "text/plain") == "café"
    assert decoded(b"<meta charset=base64>caf\xc3\xa9", None, "text/html").endswith("café")
    assert decoded(b'<meta charset="utf-16">caf\xc3\xa9', None, "text/html").endswith("café")
    assert decoded(b"<meta charset=windows-1252>caf\xc3\xa9", None, "text/plain").endswith("café")  # not HTML


def test_every_part_of_a_page_is_cut_to_its_limit() -> None:
    paragraphs = "".join(f"<p>Paragraph {n} of an endless article, {n} times longer.</p>" for n in range(800))
    html = (f"<html><head><title>{'Long title ' * 60}</title><meta name='description' content='{'words ' * 400}'>"
            f"</head><body><article>{paragraphs}</article></body></html>")
    meta = page_meta(html, "https://example.org/", "text/html")
    assert len(meta.title) <= TITLE.most and meta.title.startswith("Long title")
    assert len(meta.description) <= MAX_DESCRIPTION and meta.description.startswith("words")
    assert MAX_PAGE_TEXT - 40 <= len(meta.text) <= MAX_PAGE_TEXT
    assert page_meta("", "https://example.org/", "text/html") == page_meta("<html></html>", "https://x/", "text/html")


# --- Settings -------------------------------------------------------------------------------------------------------

async def test_the_settings_choose_the_fetcher_and_its_allow_list() -> None:
    assert page_fetcher(Settings.from_env({"HEARTH_FETCH": "off"})) is None
    on = page_fetcher(Settings.from_env({"HEARTH_FETCH_ALLOW": "127.0.0.2, wiki.test"}))
    assert isinstance(on, GuardedFetcher)
    assert on.allow == AllowList((ip_network("127.0.0.2/32"),), frozenset({"wiki.test"}))
    assert (on.seconds, on.connect_seconds, on.max_bytes, on.max_redirects) == (10.0, 5.0, 2 * 1024 * 1024, 5)

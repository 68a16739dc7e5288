"""The library's page fetcher: reads what a saved link's page says of itself, guarded against server-side request
forgery.

A member's link must not make Hearth read what only Hearth's own network reaches: a database's admin page, a
router, a cloud's metadata service. `GuardedFetcher` therefore

- takes http and https addresses only, with a host and no user part (`bot.links.checked_http_url`), and refuses a
  host written as a number in any form but a dotted quad (`127.1`, `2130706433`, `0x7f.0.0.1`), which the system's
  resolver would read as an address;
- connects to public addresses only (`is_public`). The names in an address are resolved once, by the resolver the
  connections themselves use (`PublicOnlyResolver`), which drops every address that may not be reached; and before
  a request is sent on a connection, the address it actually reached is checked again (`GuardedConnector`). So a
  second lookup that answers differently (DNS rebinding) or a connection taken from the pool gets nowhere;
- follows redirects itself, at most `max_redirects` (5), each new address checked like the first;
- gives the whole fetch, redirects and body included, `seconds` (10 s), and connecting `connect_seconds` (5 s), so a
  server that sends a byte a second is left at the time cap;
- refuses a `Content-Length` over `max_bytes` (2 MiB) without reading it, and cuts a body that keeps coming at
  `max_bytes`, using what was read: a page's title, description and the start of its text come first, and the
  text kept is at most `MAX_PAGE_TEXT` characters anyway;
- reads HTML (`text/html`, `application/xhtml+xml`) and `text/plain` only;
- keeps no cookies, sends no credentials, takes no proxy or `.netrc` from the environment, and says who reads in
  its User-Agent.

An `AllowList` (`HEARTH_FETCH_ALLOW`) names networks and host names that may be reached although they are not
public: a test's loopback server, an intranet's wiki. The cloud metadata addresses (`METADATA`) are refused even
then. Every refusal raises `PageUnavailable` with a short reason for the log.
"""

from __future__ import annotations

import asyncio
import re
import socket
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from adapters.page_text import PAGE_TYPES, decoded, page_meta
from bot.library.model import PageMeta
from bot.library.ports import PageFetcher, PageUnavailable
from bot.links import checked_http_url

if TYPE_CHECKING:
    from aiohttp.client_reqrep import ClientRequest
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace

    from adapters.settings import Settings

__all__ = [
    "MAX_BYTES",
    "METADATA",
    "AddressRefused",
    "AllowList",
    "GuardedConnector",
    "GuardedFetcher",
    "PublicOnlyResolver",
    "is_public",
    "page_fetcher",
]

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

MAX_BYTES = 2 * 1024 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"

# Blocks `is_global` lets through in some Python versions, or that are no place for a web page; the IPv6 blocks
# that carry an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by that address instead.
_NOT_PUBLIC: tuple[IPNetwork, ...] = tuple(ip_network(block) for block in (
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private (RFC 1918)
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local, where clouds keep their metadata service
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",  # documentation
    "192.88.99.0/24",  # 6to4 relays (withdrawn)
    "198.18.0.0/15",  # benchmarking
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and the broadcast address
    "::/96",  # unspecified, loopback, and IPv4-compatible addresses (withdrawn: no stack routes them)
    "64:ff9b:1::/48",  # NAT64 for local use
    "100::/64",  # discard
    "2001:2::/48",  # benchmarking
    "2001:10::/28", "2001:20::/28",  # ORCHID: identifiers, not hosts
    "2001:db8::/32", "3fff::/20",  # documentation
    "fc00::/7",  # unique local
    "fe80::/10",  # link-local
    "fec0::/10",  # site-local (withdrawn)
    "ff00::/8",  # multicast
))
_NAT64 = IPv6Network("64:ff9b::/96")
# Where clouds answer with credentials and instance data: never fetched, not even when an allow-list names them.
METADATA: frozenset[IPAddress] = frozenset(ip_address(address) for address in (
    "169.254.169.254",  # AWS, Azure, Google Cloud, OpenStack and most others
    "169.254.170.2",  # AWS container credentials
    "fd00:ec2::254",  # AWS over IPv6
    "100.100.100.200",  # Alibaba Cloud
    "168.63.129.16",  # Azure's host agent
))
# The last label of a host that the system's resolver reads as (part of) an IPv4 address: 127.1, 0x7f.1, 2130706433.
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)


def is_public(address: IPAddress) -> bool:
    """Whether anyone on the internet can reach `address`: not loopback, private, link-local, carrier-grade NAT,
    multicast, unspecified, reserved, documentation or benchmarking. An IPv6 address that carries an IPv4 one
    (IPv4-mapped, 6to4, Teredo, NAT64) is public when every IPv4 address it carries is; an IPv4-compatible one
    (`::a.b.c.d`, withdrawn) never is."""
    carried = _carried(address)
    if carried:
        return all(is_public(inner) for inner in carried)
    return address.is_global and not any(address in block for block in _NOT_PUBLIC)


def _carried(address: IPAddress) -> tuple[IPv4Address, ...]:
    if isinstance(address, IPv4Address):
        return ()
    if address.ipv4_mapped is not None:
        return (address.ipv4_mapped,)
    if address.sixtofour is not None:
        return (address.sixtofour,)
    if address.teredo is not None:
        return address.teredo  # the Teredo server and the client's public address
    if address in _NAT64:
        return (IPv4Address(int(address) & 0xFFFF_FFFF),)
    return ()


def _address(text: str) -> IPAddress | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


def _host_key(host: str) -> str:
    return host.rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class AllowList:
    """Networks and host names that may be fetched although they are not public (`HEARTH_FETCH_ALLOW`). A host
    name is matched exactly (lower case, no trailing dot) and may resolve to any address but `METADATA`."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    def permits(self, host: str, address: IPAddress) -> bool:
        """Whether a connection for `host` may go to `address`: public, or allowed here, and never `METADATA`."""
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # the IPv4 address a dual-stack socket reaches
        if address in METADATA:
            return False
        return (is_public(address) or _host_key(host) in self.hosts
                or any(address in network for network in self.networks))


class AddressRefused(aiohttp.ClientError):
    """A connection refused by the guard; `reason` says why. An aiohttp error, so aiohttp lets it through as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PublicOnlyResolver(AbstractResolver):
    """Resolves with `inner` and keeps only the addresses `allow` permits for the host; raises `AddressRefused`
    when none is left. Closing it leaves `inner` open: whoever made `inner` closes it."""

    def __init__(self, inner: AbstractResolver, allow: AllowList) -> None:
        self._inner = inner
        self._allow = allow

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        kept = [answer for answer in answers
                if (address := _address(answer["host"])) is not None and self._allow.permits(host, address)]
        if not kept:
            found = ", ".join(answer["host"] for answer in answers[:3]) or "nothing"
            raise AddressRefused(f"{_host_key(host)} resolves to {found}, not a public address")
        return kept

    async def close(self) -> None:
        pass


class GuardedConnector(aiohttp.TCPConnector):
    """A TCP connector that hands out a connection only when the address it reached is one `allow` permits for the
    request's host (checked on every connection, new or pooled, before a request is sent on it); otherwise it
    closes the connection and raises `AddressRefused`."""

    def __init__(self, allow: AllowList, *, resolver: AbstractResolver) -> None:
        super().__init__(resolver=resolver)
        self._allow = allow

    async def connect(
        self, req: ClientRequest, traces: list[Trace], timeout: aiohttp.ClientTimeout  # noqa: ASYNC109  (aiohttp's)
    ) -> Connection:
        connection = await super().connect(req, traces, timeout)
        transport = connection.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        address = _address(str(peer[0])) if isinstance(peer, tuple) and peer else None
        if address is None or not self._allow.permits(req.url.raw_host or "", address):
            connection.close()
            raise AddressRefused(f"connected to {address or 'an unknown peer'}, not a public address")
        return connection


@dataclass(frozen=True, slots=True)
class _Download:
    url: str  # where the body was read, after redirects
    content_type: str
    charset: str | None
    body: bytes
    cut: bool  # at `max_bytes`, with more to come


class GuardedFetcher:
    """A `PageFetcher` over aiohttp, with the guard and caps of the module docstring. `resolver` looks names up
    (the system's resolver when None); every answer it gives is filtered by the allow-list rules, and it is not
    closed here. Each fetch has a session of its own, so nothing (cookies, connections) carries over."""

    def __init__(
        self,
        *,
        allow: AllowList | None = None,
        resolver: AbstractResolver | None = None,
        seconds: float = 10.0,
        connect_seconds: float = 5.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = 5,
        user_agent: str | None = None,
    ) -> None:
        self.allow = allow or AllowList()
        self.seconds = seconds
        self.connect_seconds = min(connect_seconds, seconds)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent or f"Hearth/{_hearth_version()} (+library preview)"
        self._resolver = resolver

    @classmethod
    def from_settings(cls, settings: Settings, *, resolver: AbstractResolver | None = None) -> GuardedFetcher:
        """A fetcher with the allow-list of `HEARTH_FETCH_ALLOW` and the default caps (it fetches whatever
        `HEARTH_FETCH` says: see `page_fetcher`)."""
        allow = AllowList(settings.fetch_allow_networks, frozenset(settings.fetch_allow_hosts))
        return cls(allow=allow, resolver=resolver)

    async def fetch(self, url: str) -> PageMeta:
        """What the page at `url` says of itself; `PageUnavailable` when it may not or cannot be read."""
        download = await self._download(url)

        def read() -> PageMeta:
            text = decoded(download.body, download.charset, download.content_type, cut=download.cut)
            return page_meta(text, download.url, download.content_type)

        try:
            # Parsing up to 2 MiB of HTML takes a while: not on the event loop.
            return await asyncio.to_thread(read)
        except Exception as error:  # a page the parser cannot read is a page like any unreadable one
            raise PageUnavailable(f"the page could not be read ({type(error).__name__})") from error

    async def _download(self, url: str) -> _Download:
        inner = self._resolver or aiohttp.ThreadedResolver()
        connector = GuardedConnector(self.allow, resolver=PublicOnlyResolver(inner, self.allow))
        session = aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False,
            timeout=aiohttp.ClientTimeout(total=None, connect=self.connect_seconds),
            headers={"User-Agent": self.user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"},
        )
        try:
            async with session, asyncio.timeout(self.seconds):
                return await self._follow(session, url)
        except AddressRefused as refused:
            raise PageUnavailable(refused.reason) from None
        except aiohttp.ServerTimeoutError:
            raise PageUnavailable(f"no connection within {self.connect_seconds:g} s") from None
        except TimeoutError:
            raise PageUnavailable(f"no whole page within {self.seconds:g} s") from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            raise PageUnavailable(f"could not fetch the page ({type(error).__name__})") from error
        finally:
            if self._resolver is None:
                await inner.close()

    async def _follow(self, session: aiohttp.ClientSession, url: str) -> _Download:
        for hop in range(self.max_redirects + 1):
            checked = self._checked(url, "the address" if hop == 0 else "a redirect")
            async with session.get(checked, allow_redirects=False) as response:
                if response.status in REDIRECTS:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise PageUnavailable(f"status {response.status} without a Location")
                    url = urljoin(str(response.url), location)
                    continue
                if response.status not in (200, 203):  # 203: an OK from a transforming proxy
                    raise PageUnavailable(f"status {response.status}")
                if response.content_type not in PAGE_TYPES:
                    raise PageUnavailable(f"content type {response.content_type} is not HTML or plain text")
                length = response.content_length
                if length is not None and length > self.max_bytes:
                    raise PageUnavailable(f"{length} bytes, over the cap of {self.max_bytes}")
                body, cut = await self._body(response)
                return _Download(str(response.url), response.content_type, response.charset, body, cut)
        raise PageUnavailable(f"more than {self.max_redirects} redirects")

    def _checked(self, url: str, what: str) -> str:
        """`url` when it may be requested (the module docstring's rules for an address); `PageUnavailable` if not."""
        checked = checked_http_url(url)
        if checked is None:
            raise PageUnavailable(f"{what} is not an http or https address with a host and no user part: "
                                  f"{url.strip()[:80]}")
        parts = urlsplit(checked)
        host = parts.hostname or ""
        try:
            parts.port  # noqa: B018  (a port that is not a number raises here)
        except ValueError:
            raise PageUnavailable(f"{what} has a port that is not a number") from None
        literal = _address(host)
        if literal is None and ":" in host:
            raise PageUnavailable(f"{what} has a host that is neither a name nor an address: {host}")
        if literal is None and _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
            raise PageUnavailable(f"{what} has a host written as a number, not as an address: {host}")
        if literal is not None and not self.allow.permits(host, literal):
            raise PageUnavailable(f"{host} is not a public address")
        return checked

    async def _body(self, response: aiohttp.ClientResponse) -> tuple[bytes, bool]:
        """The body, read up to `max_bytes`, and whether it was cut there (what was read is used all the same)."""
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            room = self.max_bytes - len(body)
            body += chunk[:room]
            if len(body) >= self.max_bytes:
                return bytes(body), len(chunk) > room or not response.content.at_eof()
        return bytes(body), False


def page_fetcher(settings: Settings, *, resolver: AbstractResolver | None = None) -> PageFetcher | None:
    """The page fetcher `settings` ask for: a `GuardedFetcher`, or None when `HEARTH_FETCH` is off (saved links then
    wait, unread, until an installation that fetches starts)."""
    return GuardedFetcher.from_settings(settings, resolver=resolver) if settings.fetch_pages else None


def _hearth_version() -> str:
    try:
        return version("hearth")
    except PackageNotFoundError:
        return "0"

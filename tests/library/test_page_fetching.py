"""The background reader of saved pages, end to end on SQLite and PostgreSQL: links saved through the service are
read from a real HTTP server on loopback by the guarded fetcher (its allow-list opening 127.0.0.1 for the test),
what their pages say is kept and searched, and a page the guard refuses is marked failed and not tried again."""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_network

from adapters.page_fetch import AllowList, GuardedFetcher
from bot.clock import SimulatedClock
from bot.library.page_fetching import PageFetching
from bot.library.requests import PendingPages, SaveLink, SearchItems, ShowItem
from bot.library.search import SearchQuery
from bot.library.service import LibraryService
from bot.ports import UnitOfWorkFactory
from tests.library.test_page_fetch import ARTICLE, page, serving
from tests.worlds import two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def test_saved_pages_are_read_in_the_background_and_searched(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=1, at=NOW)
    ben = acme.members[0]
    woken: list[bool] = []
    library = LibraryService(uow_factory, SimulatedClock(NOW), pages_waiting=lambda: woken.append(True))
    async with serving({"/article": page(ARTICLE), "/image": page(b"\x89PNG", "image/png")}) as site:
        allowed = GuardedFetcher(allow=AllowList((ip_network("127.0.0.1/32"),)), seconds=5)
        reader = PageFetching(library, allowed, concurrency=2)
        article = await library.save_link(SaveLink(ben, f"{site.url}/article"))
        image = await library.save_link(SaveLink(ben, f"{site.url}/image", title="A picture"))
        assert woken == [True, True]

        assert await reader.run_once() == 2
        assert await library.pending_pages(PendingPages()) == ()
        assert await reader.run_once() == 0  # nothing waits, nothing is read again

    read = (await library.show(ShowItem(ben, article.item.id))).item
    assert read.title and read.description
    found = await library.search(SearchItems(ben, SearchQuery(terms=("patience",))))
    assert [item.id for item in found.items] == [article.item.id]  # a word of the page's text only
    unread = (await library.show(ShowItem(ben, image.item.id))).item
    assert (unread.title, unread.description) == ("A picture", "")


async def test_without_the_allow_list_a_loopback_page_is_never_read(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=1, at=NOW)
    ben = acme.members[0]
    library = LibraryService(uow_factory, SimulatedClock(NOW))
    async with serving({"/article": page(ARTICLE)}) as site:
        reader = PageFetching(library, GuardedFetcher(seconds=5))
        saved = await library.save_link(SaveLink(ben, f"{site.url}/article"))
        assert await reader.run_once() == 1
        assert site.seen == []  # refused before any request
    assert (await library.show(ShowItem(ben, saved.item.id))).item.description == ""
    assert await library.pending_pages(PendingPages()) == ()

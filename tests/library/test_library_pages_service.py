"""What saved pages say of themselves, on SQLite and PostgreSQL: links wait to be read, what is read is kept (a
title only where the member gave none) and searched, a page that cannot be read is not tried again, and a community
that turned reading off keeps its links unread."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.clock import SimulatedClock
from bot.community.requests import ChangeSettings
from bot.community.service import CommunityService
from bot.library.model import MAX_DESCRIPTION, PageMeta
from bot.library.requests import (
    EditItem,
    PendingPages,
    RecordPage,
    RemoveItem,
    SaveIdea,
    SaveLink,
    SearchItems,
    ShowItem,
)
from bot.library.search import SearchQuery
from bot.library.service import LibraryService
from bot.ports import UnitOfWorkFactory
from bot.tenancy import LIBRARY_FETCH, Scope
from tests.worlds import two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PAGE = PageMeta("Data contracts in practice", "How three teams agreed on their tables.",
                "Every producer publishes a schema. Consumers review breaking changes before release.")
World = tuple[LibraryService, Scope, Scope, UnitOfWorkFactory]


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    acme = await two_communities(uow_factory, members=2, at=NOW)
    service = LibraryService(uow_factory, SimulatedClock(NOW))
    return service, acme.ana, acme.members[0], uow_factory


async def _found(service: LibraryService, scope: Scope, *words: str) -> list[int]:
    page = await service.search(SearchItems(scope, SearchQuery(terms=words)))
    return [item.id for item in page.items]


async def test_a_saved_link_waits_and_what_its_page_says_is_kept_and_searched(world: World) -> None:
    service, _ana, ben, _units = world
    saved = await service.save_link(SaveLink(ben, "https://example.com/contracts"))
    await service.save_idea(SaveIdea(ben, "Review schemas together"))
    waiting = await service.pending_pages(PendingPages())
    assert [(page.item_id, page.url) for page in waiting] == [(saved.item.id, "https://example.com/contracts")]
    assert await _found(service, ben, "consumers") == []

    assert await service.record_page(RecordPage(waiting[0], PAGE))
    assert await service.pending_pages(PendingPages()) == ()
    shown = (await service.show(ShowItem(ben, saved.item.id))).item
    assert (shown.title, shown.description) == (PAGE.title, PAGE.description)
    assert await _found(service, ben, "consumers") == [saved.item.id]  # the page's text, stemmed
    assert await _found(service, ben, "publish", "a", "schema") == [saved.item.id]
    assert await _found(service, ben, "teams") == [saved.item.id]  # its description

    # An edit keeps the page's words searchable.
    await service.edit(EditItem(ben, saved.item.id, note="For the next session"))
    assert await _found(service, ben, "consumers") == [saved.item.id]
    assert await _found(service, ben, "session") == [saved.item.id]


async def test_a_title_the_member_gave_stays_and_long_text_is_capped(world: World) -> None:
    service, _ana, ben, _units = world
    saved = await service.save_link(SaveLink(ben, "https://example.com/a", title="Our own words"))
    [waiting] = await service.pending_pages(PendingPages())
    await service.record_page(RecordPage(waiting, replace(PAGE, description="x" * 5000)))
    shown = (await service.show(ShowItem(ben, saved.item.id))).item
    assert shown.title == "Our own words" and len(shown.description) == MAX_DESCRIPTION


async def test_a_page_that_could_not_be_read_is_not_tried_again(world: World) -> None:
    service, _ana, ben, _units = world
    saved = await service.save_link(SaveLink(ben, "https://example.com/gone"))
    [waiting] = await service.pending_pages(PendingPages())
    assert await service.record_page(RecordPage(waiting, None))
    assert await service.pending_pages(PendingPages()) == ()
    shown = (await service.show(ShowItem(ben, saved.item.id))).item
    assert shown.description == "" and shown.title == ""
    await service.save_link(SaveLink(ben, "https://example.com/gone"))  # saved again: not retried
    assert await service.pending_pages(PendingPages()) == ()


async def test_a_removed_item_or_a_changed_address_records_nothing(world: World) -> None:
    service, _ana, ben, _units = world
    saved = await service.save_link(SaveLink(ben, "https://example.com/soon-gone"))
    [waiting] = await service.pending_pages(PendingPages())
    assert not await service.record_page(RecordPage(replace(waiting, url="https://example.com/other"), PAGE))
    await service.remove(RemoveItem(ben, saved.item.id))
    assert not await service.record_page(RecordPage(waiting, PAGE))


async def test_a_community_that_turned_reading_off_keeps_its_links_unread(world: World) -> None:
    service, ana, ben, units = world
    await CommunityService(units, SimulatedClock(NOW), None).change_settings(
        ChangeSettings(ana, settings={LIBRARY_FETCH.key: "off"}))
    ben = replace(ben, community=replace(ben.community, settings={LIBRARY_FETCH.key: "off"}))
    await service.save_link(SaveLink(ben, "https://example.com/private"))
    assert await service.pending_pages(PendingPages()) == ()


async def test_the_fetcher_is_woken_by_a_new_link_only(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=1, at=NOW)
    woken: list[str] = []
    service = LibraryService(uow_factory, SimulatedClock(NOW), pages_waiting=lambda: woken.append("woken"))
    ben = acme.members[0]
    await service.save_link(SaveLink(ben, "https://example.com/new"))
    assert woken == ["woken"]
    await service.save_link(SaveLink(acme.ana, "https://example.com/new"))  # known already
    await service.save_idea(SaveIdea(ben, "An idea has no page"))
    assert woken == ["woken"]

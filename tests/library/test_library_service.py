"""The library service on SQLite and PostgreSQL: one unit of work per request, the same page kept once whoever
saves it (also at the same moment), tags merged, pages, who may change what, and refusals that change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from bot.clock import SimulatedClock
from bot.errors import NotFound, PermissionDenied, UserError
from bot.library.model import ItemKind
from bot.library.requests import (
    EditItem,
    ListItems,
    ListTags,
    RemoveItem,
    SaveIdea,
    SaveLink,
    ShowItem,
)
from bot.library.service import PAGE, LibraryService
from bot.ports import UnitOfWorkFactory
from bot.tenancy import Scope
from tests.counting_units import CountingUnits
from tests.worlds import two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ARTICLE = "https://example.com/data-contracts?utm_source=slack"
T = TypeVar("T")


@dataclass
class World:
    service: LibraryService
    units: CountingUnits
    clock: SimulatedClock
    ana: Scope  # a facilitator
    members: list[Scope]
    elsewhere: Scope  # a member of another community


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    acme = await two_communities(uow_factory, members=5, at=NOW)
    units = CountingUnits(uow_factory)
    clock = SimulatedClock(NOW)
    return World(LibraryService(units, clock), units, clock, acme.ana, acme.members, acme.elsewhere)


async def test_every_request_runs_in_exactly_one_unit_of_work(world: World) -> None:
    service, ben = world.service, world.members[0]

    async def units(call: Awaitable[T]) -> tuple[T, int]:
        before = world.units.opened
        result = await call
        return result, world.units.opened - before

    saved, opened = await units(service.save_link(SaveLink(ben, ARTICLE, tags=("contracts",))))
    assert opened == 1
    item = saved.item.id
    idea, opened = await units(service.save_idea(SaveIdea(ben, "Pair review")))
    assert opened == 1
    for request in (service.save_link(SaveLink(world.members[1], ARTICLE)), service.items(ListItems(ben)),
                    service.show(ShowItem(ben, item)), service.tags(ListTags(ben)),
                    service.edit(EditItem(ben, item, note="Read before the session")),
                    service.remove(RemoveItem(ben, idea.item.id))):
        _result, opened = await units(request)
        assert opened == 1


async def test_the_same_page_is_kept_once_with_its_tags_merged_and_every_save_counted(world: World) -> None:
    ben, cy = world.members[0], world.members[1]
    first = await world.service.save_link(SaveLink(ben, ARTICLE, title="Data contracts", tags=("contracts", "dbt")))
    assert not first.known and first.item.saves == 1 and first.item.url == ARTICLE
    world.clock.advance(timedelta(days=2))
    again = await world.service.save_link(SaveLink(cy, "HTTPS://EXAMPLE.com/data-contracts/#intro",
                                                   tags=("DBT", "governance")))
    assert again.known and again.counted and again.item.id == first.item.id
    assert again.first.member == ben.member.ref and again.first.at == NOW  # "saved by Ben on 3 December"
    assert again.item.tags == ("contracts", "dbt", "governance") and again.item.saves == 2
    assert again.item.title == "Data contracts"  # the first title stays
    twice = await world.service.save_link(SaveLink(cy, ARTICLE))
    assert twice.known and not twice.counted and twice.item.saves == 2  # a member counts once
    shown = await world.service.show(ShowItem(ben, first.item.id))
    assert [save.member for save in shown.saves] == [ben.member.ref, cy.member.ref]
    assert (await world.service.items(ListItems(ben))).total == 1


async def test_saves_of_one_page_at_the_same_moment_keep_one_item(world: World) -> None:
    saved = await asyncio.gather(*(world.service.save_link(SaveLink(scope, ARTICLE, tags=(f"t{n}",)))
                                   for n, scope in enumerate(world.members)))
    assert len({result.item.id for result in saved}) == 1
    assert sum(not result.known for result in saved) == 1
    shown = await world.service.show(ShowItem(world.ana, saved[0].item.id))
    assert shown.item.saves == 5 and sorted(shown.item.tags) == [f"t{n}" for n in range(5)]


async def test_ideas_are_kept_once_whatever_their_case_and_spacing(world: World) -> None:
    ben = world.members[0]
    first = await world.service.save_idea(SaveIdea(ben, "Pair  review of\ndashboards", tags=("review",)))
    assert first.item.kind is ItemKind.IDEA and first.item.url == ""
    again = await world.service.save_idea(SaveIdea(world.members[1], "pair review of dashboards"))
    assert again.known and again.item.id == first.item.id


async def test_lists_go_newest_first_in_pages_by_tag_or_by_member(world: World) -> None:
    ben, cy = world.members[0], world.members[1]
    for n in range(PAGE + 3):
        world.clock.advance(timedelta(minutes=1))
        await world.service.save_link(SaveLink(ben if n % 2 else cy, f"https://example.com/{n}",
                                               tags=("odd",) if n % 2 else ("even",)))
    first = await world.service.items(ListItems(ben))
    assert (first.total, first.pages, len(first.items)) == (PAGE + 3, 2, PAGE)
    assert first.items[0].url == f"https://example.com/{PAGE + 2}"
    second = await world.service.items(ListItems(ben, page=2))
    assert len(second.items) == 3 and second.items[-1].url == "https://example.com/0"
    assert {item.url for item in (await world.service.items(ListItems(ben, tag="odd"))).items} == {
        f"https://example.com/{n}" for n in range(1, PAGE + 3, 2)}
    assert (await world.service.items(ListItems(ben, saver=cy.member.ref))).total == 7
    assert await world.service.tags(ListTags(ben)) == [("even", 7), ("odd", 6)]
    with pytest.raises(UserError):
        await world.service.items(ListItems(ben, page=3))
    assert (await world.service.items(ListItems(world.elsewhere))).total == 0  # another community's library


async def test_only_the_saver_or_a_facilitator_changes_or_removes_an_item(world: World) -> None:
    ben, cy = world.members[0], world.members[1]
    item = (await world.service.save_link(SaveLink(ben, ARTICLE))).item
    with pytest.raises(PermissionDenied):
        await world.service.edit(EditItem(cy, item.id, title="Mine now"))
    with pytest.raises(PermissionDenied):
        await world.service.remove(RemoveItem(cy, item.id))
    edited = await world.service.edit(EditItem(ben, item.id, title="Data contracts", tags=("a", "b")))
    assert (await world.service.show(ShowItem(cy, item.id))).item == edited
    await world.service.edit(EditItem(world.ana, item.id, tags=()))
    assert (await world.service.show(ShowItem(cy, item.id))).item.tags == ()
    await world.service.remove(RemoveItem(world.ana, item.id))
    with pytest.raises(NotFound):
        await world.service.show(ShowItem(ben, item.id))


@pytest.mark.parametrize("request_of", [
    lambda s: SaveLink(s, "javascript:alert(1)"),
    lambda s: SaveLink(s, "data:text/html,x"),
    lambda s: SaveLink(s, "file:///etc/passwd"),
    lambda s: SaveLink(s, "not a link"),
    lambda s: SaveLink(s, ARTICLE, title="t" * 301),
    lambda s: SaveLink(s, ARTICLE, note="n" * 1001),
    lambda s: SaveLink(s, ARTICLE, tags=tuple(f"t{n}" for n in range(11))),
    lambda s: SaveLink(s, ARTICLE, tags=("two words",)),
    lambda s: SaveIdea(s, "   "),
    lambda s: SaveIdea(s, "i" * 2001),
])
async def test_bad_input_is_refused_and_changes_nothing(world: World, request_of: object) -> None:
    ben = world.members[0]
    request = request_of(ben)  # type: ignore[operator]
    save = world.service.save_link if isinstance(request, SaveLink) else world.service.save_idea
    with pytest.raises(UserError):
        await save(request)
    assert (await world.service.items(ListItems(ben))).total == 0


async def test_an_item_of_another_community_or_unknown_is_not_found(world: World) -> None:
    item = (await world.service.save_link(SaveLink(world.members[0], ARTICLE))).item
    for scope, item_id in ((world.elsewhere, item.id), (world.members[0], 999), (world.members[0], 2**70)):
        with pytest.raises(NotFound):
            await world.service.show(ShowItem(scope, item_id))

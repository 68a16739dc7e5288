"""Searching the library on SQLite (FTS5, and without it) and PostgreSQL: ranked matches of stems in English and
Dutch, phrases in order, exclusions, tags and members, and hostile queries that find nothing, never fail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SimulatedClock
from bot.library.ports import Stems
from bot.library.requests import EditItem, RemoveItem, SaveIdea, SaveLink, SearchItems
from bot.library.service import LibraryService
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Role, Scope
from commands.library.query import read_query
from tests.worlds import ACME, TwoCommunities, two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
async def acme(uow_factory: UnitOfWorkFactory) -> TwoCommunities:
    return await two_communities(uow_factory, members=3, at=NOW)


@pytest.fixture
async def library(uow_factory: UnitOfWorkFactory, acme: TwoCommunities) -> LibraryService:
    clock = SimulatedClock(NOW)
    service = LibraryService(uow_factory, clock)
    ben, cy = acme.members[0], acme.members[1]
    requests: tuple[SaveLink | SaveIdea, ...] = (
        SaveLink(ben, "https://example.com/contracts", title="Data contracts in practice", tags=("dbt",),
                 note="How teams agree on schemas"),
        SaveLink(cy, "https://example.com/lineage", title="Column lineage for analysts", tags=("dbt",)),
        SaveIdea(ben, "Running retrospectives that people enjoy", tags=("rituals",)),
        SaveLink(cy, "https://example.com/old", title="Contracts, the old way", note="A draft from 2019"),
    )
    for request in requests:
        clock.advance(timedelta(minutes=1))
        await (service.save_link(request) if isinstance(request, SaveLink) else service.save_idea(request))
    return service


async def titles(library: LibraryService, acme: TwoCommunities, query: str) -> list[str]:
    page = await library.search(SearchItems(acme.ana, read_query(query, ACME)))
    return [item.heading for item in page.items]


async def test_word_forms_find_the_same_items_best_first(library: LibraryService, acme: TwoCommunities) -> None:
    found = await titles(library, acme, "contract")
    assert set(found) == {"Data contracts in practice", "Contracts, the old way"}
    assert await titles(library, acme, "retrospective run") == ["Running retrospectives that people enjoy"]
    assert await titles(library, acme, "schema") == ["Data contracts in practice"]  # the note counts
    assert await titles(library, acme, "lineage") == ["Column lineage for analysts"]


async def test_phrases_exclusions_tags_and_members(library: LibraryService, acme: TwoCommunities) -> None:
    assert await titles(library, acme, '"data contracts"') == ["Data contracts in practice"]
    assert await titles(library, acme, '"contracts data"') == []  # a phrase keeps its order
    assert await titles(library, acme, "contracts -draft") == ["Data contracts in practice"]
    assert set(await titles(library, acme, "#dbt")) == {"Data contracts in practice", "Column lineage for analysts"}
    assert await titles(library, acme, "#dbt lineage") == ["Column lineage for analysts"]
    assert await titles(library, acme, "by:<@U2> contracts") == ["Contracts, the old way"]
    assert await titles(library, acme, "") == []


async def test_the_index_alone_and_the_whole_search_agree(library: LibraryService, acme: TwoCommunities) -> None:
    """While one community holds every item its searches run on the index alone (exclusions as the index's NOT);
    once another community has an item, on the items: the same answers either way."""
    queries = ("contracts -draft", 'contracts -"old way"', "contracts -draft -schemas", "#dbt -lineage",
               "contract -contract", '"data contracts" -practice', "lineage -nothing")
    alone = {query: await titles(library, acme, query) for query in queries}
    assert alone["contracts -draft"] == ["Data contracts in practice"]
    assert alone['contracts -"old way"'] == ["Data contracts in practice"]
    assert alone["contracts -draft -schemas"] == [] and alone["contract -contract"] == []
    assert alone["#dbt -lineage"] == ["Data contracts in practice"]
    assert alone["lineage -nothing"] == ["Column lineage for analysts"]
    await library.save_idea(SaveIdea(acme.elsewhere, "Design systems that scale"))
    assert {query: await titles(library, acme, query) for query in queries} == alone


async def test_a_members_search_agrees_with_the_index(library: LibraryService, acme: TwoCommunities) -> None:
    """A search for one member's items runs on the items (their words as text, exclusions as NOT LIKE); the
    others on the index (FTS5's NOT on SQLite, the query's NOT on PostgreSQL): exclusions mean the same."""
    queries = ("contracts -draft", 'contracts -"old way"', 'contracts -"way old"', "contract -contract",
               '"data contracts" -practice', "contracts -schemas", "#dbt -lineage")
    found = 0
    for member in acme.members[:2]:
        for query in queries:
            page = await library.search(SearchItems(acme.ana, read_query(query, ACME)))
            theirs = [item.heading for item in page.items if item.saved_by == member.member.ref]
            assert await titles(library, acme, f"by:<@{member.member.ref.id}> {query}") == theirs, query
            found += len(theirs)
    assert found >= 4


async def test_changes_and_removals_are_searched_at_once(library: LibraryService, acme: TwoCommunities) -> None:
    [item] = (await library.search(SearchItems(acme.ana, read_query("lineage", ACME)))).items
    await library.edit(EditItem(acme.ana, item.id, title="Provenance of columns"))
    assert await titles(library, acme, "lineage") == ["Provenance of columns"]  # the address still says it
    assert await titles(library, acme, "provenance") == ["Provenance of columns"]
    await library.remove(RemoveItem(acme.ana, item.id))
    assert await titles(library, acme, "provenance") == []


async def test_another_community_finds_nothing_of_this_one(library: LibraryService, acme: TwoCommunities) -> None:
    page = await library.search(SearchItems(acme.elsewhere, read_query("contracts", ACME)))
    assert page.total == 0


async def test_a_dutch_community_finds_by_dutch_stems(uow_factory: UnitOfWorkFactory,
                                                     acme: TwoCommunities) -> None:
    async with uow_factory() as uow:
        community = replace(acme.ana.community, language="nl")  # type: ignore[type-var]
        await uow.communities.update(community)
        await uow.commit()
    ana = replace(acme.ana, community=community)
    service = LibraryService(uow_factory, SimulatedClock(NOW))
    await service.save_idea(SaveIdea(ana, "Vergaderingen die echt werken"))
    await service.save_link(SaveLink(ana, "https://voorbeeld.nl/a", title="Datacontracten in de praktijk"))
    meetings = ["Vergaderingen die echt werken"]
    for query, expected in (("vergadering", meetings), ("werkt", meetings),
                            ("praktijken", ["Datacontracten in de praktijk"])):
        page = await service.search(SearchItems(ana, read_query(query, ACME)))
        assert [item.heading for item in page.items] == expected


HOSTILE = ['"', '""', "NEAR(a b)", "a AND", "OR", "*", "-", "^a", "a:b", "'); DROP TABLE library_item; --",
           "\\", "%", "_", "contracts*", "NOT contracts", "(", ")", "\x00", "🙂", "a" * 500, '"unclosed phrase',
           "title:contracts", "{a b}", "by:", "#"]


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_queries_find_something_or_nothing_and_never_fail(library: LibraryService,
                                                                        acme: TwoCommunities, query: str) -> None:
    page = await library.search(SearchItems(acme.ana, read_query(query, ACME)))
    assert page.total >= 0


async def test_without_fts5_sqlite_still_searches(library: LibraryService, acme: TwoCommunities,
                                                 database_engine: AsyncEngine) -> None:
    if database_engine.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's; PostgreSQL always has its index")
    async with database_engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER library_item_unindexed"))
        await connection.execute(text("DROP TABLE library_search"))
    assert set(await titles(library, acme, "contract")) == {"Data contracts in practice", "Contracts, the old way"}
    assert await titles(library, acme, '"contracts data"') == []
    assert await titles(library, acme, "contracts -draft") == ["Data contracts in practice"]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=80))
def test_any_query_text_reads_into_a_search(query: str) -> None:
    read = read_query(query, ACME)
    assert read.saver is None or read.saver.workspace == ACME


# Ideas saved in this order (ids rising): the oldest says "pipeline" most, the newest three less, in this order of
# relevance among themselves: 5, 6, 4.
PIPELINES = ("Pipeline pipeline pipeline", "Pipeline notes", "Pipeline pipeline",
             "A long essay on many things with a pipeline somewhere in it", "Pipeline pipeline review",
             "Pipeline thoughts and more words")


async def _pipelines(uow_factory: UnitOfWorkFactory, acme: TwoCommunities) -> list[int]:
    clock = SimulatedClock(NOW)
    service = LibraryService(uow_factory, clock)
    ids = []
    for text_ in PIPELINES:
        clock.advance(timedelta(minutes=1))
        ids.append((await service.save_idea(SaveIdea(acme.ana, text_))).item.id)
    return ids


async def _found(uow_factory: UnitOfWorkFactory, acme: TwoCommunities, stems: Stems) -> tuple[list[int], int]:
    async with uow_factory(read_only=True) as uow:
        items, total = await uow.library.search(acme.ana.workspace.id, acme.ana.community.id, stems)  # type: ignore[union-attr]
    return [item.id for item in items], total


async def test_past_the_ranked_matches_the_others_follow_most_recently_added_first(
        uow_factory: UnitOfWorkFactory, acme: TwoCommunities) -> None:
    """Of more matches than a search ranks, the most recently added are ranked, the best first; the others follow,
    the most recently added first; the count is every match; pages run on across the two; and the index alone and
    the search over the items (once another community has an item) agree."""
    one, two, three, four, five, six = await _pipelines(uow_factory, acme)
    stems = Stems(phrases=(("pipelin",),), ranked=3)
    alone = {(offset, limit): await _found(uow_factory, acme, replace(stems, offset=offset, limit=limit))
             for offset, limit in ((0, 10), (2, 2), (4, 2), (3, 10), (6, 10))}
    assert alone[(0, 10)] == ([five, six, four, three, two, one], 6)
    assert alone[(2, 2)] == ([four, three], 6)
    assert alone[(4, 2)] == ([two, one], 6)
    assert alone[(3, 10)] == ([three, two, one], 6)
    assert alone[(6, 10)] == ([], 6)
    # With room to rank them all, the oldest is the best.
    assert (await _found(uow_factory, acme, replace(stems, ranked=10)))[0][0] == one
    await LibraryService(uow_factory, SimulatedClock(NOW)).save_idea(SaveIdea(acme.elsewhere, "A pipeline"))
    assert {key: await _found(uow_factory, acme, replace(stems, offset=key[0], limit=key[1]))
            for key in alone} == alone


async def test_past_the_ranked_matches_with_a_tag(uow_factory: UnitOfWorkFactory, acme: TwoCommunities) -> None:
    service = LibraryService(uow_factory, SimulatedClock(NOW))
    tagged = [(await service.save_idea(SaveIdea(acme.ana, text_, tags=("flow",)))).item.id for text_ in PIPELINES]
    await service.save_idea(SaveIdea(acme.ana, "Pipeline pipeline pipeline pipeline, untagged"))
    found = await _found(uow_factory, acme, Stems(phrases=(("pipelin",),), tags=("flow",), ranked=3))
    assert found == ([tagged[4], tagged[5], tagged[3], tagged[2], tagged[1], tagged[0]], 6)


async def test_an_erased_workspace_leaves_nothing_in_the_index(uow_factory: UnitOfWorkFactory,
                                                              acme: TwoCommunities) -> None:
    """The items of an erased workspace leave the search index with them: none is found, and the ids SQLite gives
    again to new items are indexed afresh."""
    other = WorkspaceRef(Platform.SLACK, "T0002")
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(other, "Globex", NOW)
        community = await uow.communities.add(workspace.id, ChannelRef(other, "C9"), name="Ops", goal="",
                                              timezone="UTC", language="en", at=NOW)
        member = await uow.members.add(workspace.id, MemberRef(other, "U9"), display_name="Gus",
                                       role=Role.FACILITATOR, at=NOW)
        await uow.commit()
    service = LibraryService(uow_factory, SimulatedClock(NOW))
    await service.save_idea(SaveIdea(acme.ana, "Contracts between teams"))
    for text_ in ("Runbooks that age well", "Pager fatigue"):
        await service.save_idea(SaveIdea(Scope(workspace, member, community), text_))
    async with uow_factory() as uow:
        await uow.workspaces.delete(workspace.id)
        await uow.commit()
    saved = [await service.save_idea(SaveIdea(acme.ana, text_)) for text_ in ("Data contracts", "Review habits")]
    assert all(outcome.item.id > 0 for outcome in saved)
    assert await titles(service, acme, "runbook") == [] and await titles(service, acme, "fatigue") == []
    assert await titles(service, acme, "habit") == ["Review habits"]
    assert set(await titles(service, acme, "contract")) == {"Contracts between teams", "Data contracts"}

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
from bot.library.requests import EditItem, RemoveItem, SaveIdea, SaveLink, SearchItems
from bot.library.service import LibraryService
from bot.ports import UnitOfWorkFactory
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
        await connection.execute(text("DROP TABLE library_search"))
    assert set(await titles(library, acme, "contract")) == {"Data contracts in practice", "Contracts, the old way"}
    assert await titles(library, acme, '"contracts data"') == []
    assert await titles(library, acme, "contracts -draft") == ["Data contracts in practice"]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=80))
def test_any_query_text_reads_into_a_search(query: str) -> None:
    read = read_query(query, ACME)
    assert read.saver is None or read.saver.workspace == ACME

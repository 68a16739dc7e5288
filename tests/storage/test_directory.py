"""The directory and read-only units, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import ReadOnlyUnit
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Role
from storage.database import create_engine_for
from storage.unit_of_work import SqlUnitOfWorkFactory

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
ACME = WorkspaceRef(Platform.CONSOLE, "acme")
ANA = MemberRef(ACME, "ana")
GENERAL = ChannelRef(ACME, "general")
WAIT = 10.0  # seconds a notification may take at most before the test fails


async def _seed(factory: SqlUnitOfWorkFactory) -> int:
    async with asyncio.timeout(WAIT):
        await factory.directory.listening()  # on PostgreSQL nothing is cached before the process listens
    async with factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", T0)
        await uow.members.add(workspace.id, ANA, display_name="Ana", role=Role.MEMBER, at=T0)
        await uow.commit()
    return workspace.id


async def test_a_hit_opens_no_unit_and_every_write_is_seen(uow_factory: SqlUnitOfWorkFactory) -> None:
    workspace_id = await _seed(uow_factory)
    first = await uow_factory.directory.resolve(ACME, ANA, GENERAL)
    assert first.workspace is not None and first.member is not None and first.community is None

    opened = 0
    make = uow_factory.directory._units

    def counting() -> object:
        nonlocal opened
        opened += 1
        return make()

    uow_factory.directory._units = counting  # type: ignore[assignment]
    assert await uow_factory.directory.resolve(ACME, ANA, GENERAL) == first
    assert opened == 0

    async with uow_factory() as uow:
        await uow.members.update(replace(first.member, display_name="Ana B", timezone="Europe/Brussels"))
        community = await uow.communities.add(workspace_id, GENERAL, name="General", goal="", timezone="UTC",
                                              language="en", at=T0)
        await uow.commit()
    again = await uow_factory.directory.resolve(ACME, ANA, GENERAL)
    assert again.member is not None and again.member.display_name == "Ana B"
    assert again.member.timezone == "Europe/Brussels"
    assert again.community == community

    async with uow_factory() as uow:
        await uow.workspaces.set_removed(workspace_id, T0)
        await uow.commit()
    removed = await uow_factory.directory.resolve(ACME, ANA, GENERAL)
    assert removed.workspace is not None and removed.workspace.removed_at is not None

    async with uow_factory() as uow:
        await uow.workspaces.delete(workspace_id)
        await uow.commit()
    gone = await uow_factory.directory.resolve(ACME, ANA, GENERAL)
    assert (gone.workspace, gone.member, gone.community) == (None, None, None)


async def test_a_rolled_back_write_leaves_the_directory_as_it_was(uow_factory: SqlUnitOfWorkFactory) -> None:
    await _seed(uow_factory)
    before = await uow_factory.directory.resolve(ACME, ANA)
    assert before.member is not None
    async with uow_factory() as uow:
        await uow.members.update(replace(before.member, display_name="Not kept"))
    assert await uow_factory.directory.resolve(ACME, ANA) == before


async def test_the_cache_is_bounded(database_engine: AsyncEngine) -> None:
    factory = SqlUnitOfWorkFactory(database_engine, directory_size=3)
    workspace_id = await _seed(factory)
    async with factory() as uow:
        for number in range(5):
            await uow.members.add(workspace_id, MemberRef(ACME, f"m{number}"), display_name=f"M{number}",
                                  role=Role.MEMBER, at=T0)
        await uow.commit()
    for number in range(5):
        found = await factory.directory.resolve(ACME, MemberRef(ACME, f"m{number}"))
        assert found.member is not None and found.member.display_name == f"M{number}"
    assert len(factory.directory._entries) == 3


@pytest.mark.postgres
async def test_two_processes_on_one_postgresql_see_each_others_changes(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the notification travels through PostgreSQL")
    engines = create_engine_for(database_url), create_engine_for(database_url)
    first, second = (SqlUnitOfWorkFactory(engine) for engine in engines)
    try:
        async with asyncio.timeout(WAIT):
            await first.directory.listening()
            await second.directory.listening()
        await _seed(first)
        seen = await second.directory.resolve(ACME, ANA)
        assert seen.member is not None and seen.member.display_name == "Ana"

        heard = second.directory.notifications
        async with first() as uow:
            await uow.members.update(replace(seen.member, display_name="Ana B"))
            await uow.commit()
        async with asyncio.timeout(WAIT):
            await second.directory.notified(heard + 1)
        changed = await second.directory.resolve(ACME, ANA)
        assert changed.member is not None and changed.member.display_name == "Ana B"
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.postgres
async def test_a_lost_listen_connection_empties_the_cache_until_it_is_back(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("only PostgreSQL listens")
    engine = create_engine_for(database_url)
    factory = SqlUnitOfWorkFactory(engine)
    directory = factory.directory
    try:
        async with asyncio.timeout(WAIT):
            await directory.listening()
        await _seed(factory)
        await directory.resolve(ACME, ANA)
        assert directory._entries
        assert directory._listener is not None
        await directory._set_listening(False)  # as the listen task does when its connection fails
        directory.drop_everything()
        await directory.resolve(ACME, ANA)
        assert not directory._entries  # nothing is cached while nobody listens
    finally:
        await engine.dispose()


async def test_a_read_only_unit_refuses_writes(uow_factory: SqlUnitOfWorkFactory) -> None:
    workspace_id = await _seed(uow_factory)
    async with uow_factory(read_only=True) as uow:
        member = await uow.members.get(workspace_id, ANA)
        assert member is not None
        with pytest.raises(ReadOnlyUnit):
            await uow.members.update(replace(member, display_name="Nope"))
    async with uow_factory(read_only=True) as uow:
        with pytest.raises(ReadOnlyUnit):
            await uow.members.add(workspace_id, MemberRef(ACME, "bo"), display_name="Bo", role=Role.MEMBER, at=T0)
    async with uow_factory() as uow:
        assert await uow.members.get(workspace_id, MemberRef(ACME, "bo")) is None
        assert await uow.members.get(workspace_id, ANA) == member


async def test_a_read_only_unit_does_not_wait_for_a_writer(uow_factory: SqlUnitOfWorkFactory) -> None:
    workspace_id = await _seed(uow_factory)
    writing = asyncio.Event()
    done = asyncio.Event()

    async def write() -> None:
        async with uow_factory() as uow:
            await uow.members.add(workspace_id, MemberRef(ACME, "bo"), display_name="Bo", role=Role.MEMBER, at=T0)
            writing.set()
            await done.wait()
            await uow.commit()

    writer = asyncio.create_task(write())
    await writing.wait()
    async with asyncio.timeout(WAIT), uow_factory(read_only=True) as uow:
        # The writer holds the writer turn and (SQLite) the write lock; the reader sees the last commit.
        assert await uow.members.get(workspace_id, MemberRef(ACME, "bo")) is None
    done.set()
    await writer

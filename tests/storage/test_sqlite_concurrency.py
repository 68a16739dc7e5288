"""SQLite under concurrent writers: every write lands and nobody sees "database is locked"."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.refs import MemberRef, Platform, WorkspaceRef
from bot.tenancy import Role
from storage.database import create_engine_for
from storage.unit_of_work import SqlUnitOfWorkFactory

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
ACME = WorkspaceRef(Platform.CONSOLE, "acme")
# Long enough for the other tasks to run into the open transaction, short enough to keep the suite quick.
HOLD = 0.3


@pytest.fixture
async def two_engines(sqlite_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on one file: as close to two bot processes as one test gets."""
    first, second = create_engine_for(sqlite_url), create_engine_for(sqlite_url)
    yield first, second
    await first.dispose()
    await second.dispose()


async def _workspace_id(uow_factory: SqlUnitOfWorkFactory) -> int:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", T0)
        await uow.commit()
    return workspace.id


async def _member_ids(uow_factory: SqlUnitOfWorkFactory, workspace_id: int) -> list[str]:
    async with uow_factory() as uow:
        return sorted(member.ref.id for member in await uow.members.with_role(workspace_id, Role.MEMBER))


async def test_every_connection_gets_the_pragmas(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        # Several pooled connections at once: each one is set up, not only the first.
        connections = [await engine.connect() for _ in range(3)]
        for connection in connections:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
            assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000, "synchronous": 1}
            # Every transaction holds the write lock: end this one before the next connection begins.
            await connection.commit()
        for connection in connections:
            await connection.close()
    finally:
        await engine.dispose()
    # WAL belongs to the file: any other program opening it uses WAL too.
    path = make_url(sqlite_url).database
    assert path is not None
    with sqlite3.connect(path) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_a_read_then_write_transaction_and_a_concurrent_writer_both_land(
    two_engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    first, second = (SqlUnitOfWorkFactory(engine) for engine in two_engines)
    workspace_id = await _workspace_id(first)
    reading = asyncio.Event()
    snapshot_open = asyncio.Event()

    async def hold_a_read_snapshot() -> None:
        async with first() as uow:
            before = await uow.members.with_role(workspace_id, Role.MEMBER)
            snapshot_open.set()
            await asyncio.sleep(HOLD)
            assert await uow.members.with_role(workspace_id, Role.MEMBER) == before

    async def read_then_write() -> None:
        await snapshot_open.wait()
        async with first() as uow:
            # Reads first: a deferred transaction would take a snapshot here and fail to write below.
            assert await uow.members.get(workspace_id, MemberRef(ACME, "reader")) is None
            reading.set()
            await asyncio.sleep(HOLD)
            await uow.members.add(workspace_id, MemberRef(ACME, "reader"), display_name="R", role=Role.MEMBER, at=T0)
            await uow.commit()

    async def write() -> None:
        await reading.wait()
        async with second() as uow:
            await uow.members.add(workspace_id, MemberRef(ACME, "writer"), display_name="W", role=Role.MEMBER, at=T0)
            await uow.commit()

    await asyncio.gather(hold_a_read_snapshot(), read_then_write(), write())

    assert await _member_ids(second, workspace_id) == ["reader", "writer"]


async def test_without_begin_immediate_the_same_interleaving_fails(sqlite_url: str) -> None:
    # The hazard the engine guards against, reproduced with SQLite's default deferred BEGIN.
    deferred = create_async_engine(make_url(sqlite_url).set(drivername="sqlite+aiosqlite"))

    @event.listens_for(deferred.sync_engine, "connect")
    def autocommit_off(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(deferred.sync_engine, "begin")
    def begin_deferred(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    insert = text(
        "INSERT INTO workspace (platform, external_id, name, created_at) VALUES ('console', :id, 'W', '2025-01-01')"
    )
    try:
        async with deferred.connect() as reader, deferred.connect() as writer:
            await reader.begin()
            await reader.execute(text("SELECT count(*) FROM workspace"))
            async with writer.begin():
                await writer.execute(insert, {"id": "writer"})
            with pytest.raises(OperationalError, match="database is locked"):
                await reader.execute(insert, {"id": "reader"})
            await reader.rollback()
    finally:
        await deferred.dispose()


async def test_many_concurrent_writers_on_two_engines_all_land(
    two_engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    factories = [SqlUnitOfWorkFactory(engine) for engine in two_engines]
    workspace_id = await _workspace_id(factories[0])

    async def join(number: int) -> None:
        async with factories[number % 2]() as uow:
            ref = MemberRef(ACME, f"U{number:02}")
            # Read, then write: the pattern of "add the member unless we know them already".
            if await uow.members.get(workspace_id, ref) is None:
                await uow.members.add(workspace_id, ref, display_name=f"M{number}", role=Role.MEMBER, at=T0)
            await uow.commit()

    await asyncio.gather(*(join(number) for number in range(20)))

    assert await _member_ids(factories[1], workspace_id) == [f"U{number:02}" for number in range(20)]


async def test_foreign_keys_are_enforced(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        async with engine.begin() as connection:
            with pytest.raises(Exception, match="FOREIGN KEY constraint failed"):
                await connection.execute(
                    text(
                        "INSERT INTO member (workspace_id, external_id, display_name, role, preferences, joined_at)"
                        " VALUES (999, 'U1', 'Ghost', 'member', '{}', '2025-01-01')"
                    )
                )
    finally:
        await engine.dispose()


async def test_units_take_their_turn_first_come_first_served(sqlite_url: str) -> None:
    from storage.database import create_engine_for
    from storage.unit_of_work import SqlUnitOfWorkFactory

    engine = create_engine_for(sqlite_url)
    factory = SqlUnitOfWorkFactory(engine)
    order: list[str] = []
    first_in = asyncio.Event()
    release = asyncio.Event()

    async def unit(name: str, hold: bool = False) -> None:
        async with factory() as uow:
            order.append(name)
            await uow.workspaces.get(WorkspaceRef(Platform.SLACK, name))
            if hold:
                first_in.set()
                await release.wait()

    try:
        holder = asyncio.create_task(unit("a", hold=True))
        await first_in.wait()
        waiters = [asyncio.create_task(unit(name)) for name in "bcd"]
        for _ in range(20):
            await asyncio.sleep(0)
        assert order == ["a"]  # the others wait for their turn in the process, not in SQLite's busy loop
        release.set()
        await asyncio.gather(holder, *waiters)
        assert order == ["a", "b", "c", "d"]
    finally:
        await engine.dispose()


async def test_a_unit_opened_inside_another_in_one_task_says_so_instead_of_hanging(sqlite_url: str) -> None:
    from storage.database import create_engine_for
    from storage.unit_of_work import SqlUnitOfWorkFactory

    engine = create_engine_for(sqlite_url)
    factory = SqlUnitOfWorkFactory(engine, turn_timeout=0.05)
    try:
        async with factory():
            with pytest.raises(TimeoutError, match="unit of work open in this task"):
                async with factory():
                    pass
        async with factory() as uow:  # the turn was given back
            assert await uow.workspaces.get(WorkspaceRef(Platform.SLACK, "T1")) is None
    finally:
        await engine.dispose()

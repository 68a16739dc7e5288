"""The activity writer: recording costs no database round trip, batches are written whole, a stop loses nothing,
a failed write keeps its rows, and a full buffer makes the recorder wait instead of dropping rows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.activity.writer import ActivityWriter
from bot.clock import SimulatedClock
from storage.database import create_engine_for
from storage.tables import ActivityRow
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.activity.units import T0, FlakyUnits, community_rows, post

WAIT = 10.0  # seconds a test waits for the background writer before failing (it never takes nearly that long)


@pytest.fixture
async def units(sqlite_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    engine = create_engine_for(sqlite_url)
    yield SqlUnitOfWorkFactory(engine)
    await engine.dispose()


@pytest.fixture
async def broken(tmp_path: Path) -> AsyncIterator[SqlUnitOfWorkFactory]:
    """Units over a SQLite file SQLite cannot open (a folder stands where the file should be): the database is
    gone."""
    path = tmp_path / "gone" / "hearth.db"
    engine = create_engine_for(f"sqlite:///{path}")
    path.mkdir()
    yield SqlUnitOfWorkFactory(engine)
    await engine.dispose()


async def stored(units: SqlUnitOfWorkFactory) -> list[str]:
    async with units(read_only=True) as uow:
        rows = await uow.run(select(ActivityRow.message_id).order_by(ActivityRow.id))  # type: ignore[attr-defined]
        return [str(message) for (message,) in rows]


async def count(units: SqlUnitOfWorkFactory) -> int:
    async with units(read_only=True) as uow:
        return int((await uow.run(select(func.count()).select_from(ActivityRow))).scalar_one())  # type: ignore[attr-defined]


async def test_recording_touches_no_database_until_a_flush_writes_everything(units: SqlUnitOfWorkFactory) -> None:
    workspace, community, members = await community_rows(units)
    flaky = FlakyUnits(units, units)
    writer = ActivityWriter(flaky, SimulatedClock(T0), per_unit=4, batch=100, most=100)
    for n in range(10):
        await writer.record(post(workspace, community, members[n % 3], n))
    assert (writer.pending, flaky.opened, await count(units)) == (10, 0, 0)

    assert await writer.flush() == 10
    assert flaky.opened == 3  # at most 4 rows a unit of work
    assert await stored(units) == [f"m{n}" for n in range(10)]
    assert (writer.pending, writer.written) == (0, 10)
    assert await writer.flush() == 0 and flaky.opened == 3  # nothing waits: no unit at all


async def test_a_stop_writes_everything_left(units: SqlUnitOfWorkFactory) -> None:
    workspace, community, members = await community_rows(units)
    writer = ActivityWriter(units, SimulatedClock(T0), interval=3600)
    writer.start()
    for n in range(1234):
        await writer.record(post(workspace, community, members[0], n))
    await writer.stop()
    assert not writer.running
    assert await count(units) == 1234


async def test_a_full_batch_is_written_at_once_without_waiting_for_the_interval(units: SqlUnitOfWorkFactory) -> None:
    workspace, community, members = await community_rows(units)
    flaky = FlakyUnits(units, units)
    writer = ActivityWriter(flaky, SimulatedClock(T0), interval=3600, batch=50, most=1000)
    writer.start()
    try:
        for n in range(49):
            await writer.record(post(workspace, community, members[0], n))
        for _ in range(20):
            await asyncio.sleep(0)  # the writer's turn: it waits for a full batch or the hour
        assert flaky.opened == 0
        await writer.record(post(workspace, community, members[0], 49))
        await asyncio.wait_for(flaky.committed.wait(), WAIT)
        assert await count(units) == 50
    finally:
        await writer.stop()


async def test_a_failed_write_keeps_its_rows_for_the_next(units: SqlUnitOfWorkFactory,
                                                          broken: SqlUnitOfWorkFactory) -> None:
    workspace, community, members = await community_rows(units)
    flaky = FlakyUnits(units, broken, failures=1)
    writer = ActivityWriter(flaky, SimulatedClock(T0), per_unit=10, batch=100, most=100)
    for n in range(25):
        await writer.record(post(workspace, community, members[n % 3], n))

    with pytest.raises(OperationalError):
        await writer.flush()  # the database cannot be opened: nothing is lost
    assert (writer.pending, await count(units)) == (25, 0)
    assert await writer.flush() == 25
    assert await stored(units) == [f"m{n}" for n in range(25)]  # in the order recorded, each once


async def test_the_writer_writes_by_itself_and_after_an_outage(units: SqlUnitOfWorkFactory,
                                                               broken: SqlUnitOfWorkFactory,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    workspace, community, members = await community_rows(units)
    flaky = FlakyUnits(units, broken, failures=3)
    writer = ActivityWriter(flaky, SimulatedClock(T0), interval=0.01, retry_pauses=(0.01,))
    caplog.set_level(logging.WARNING, logger="hearth.activity")
    writer.start()
    try:
        for n in range(5):
            await writer.record(post(workspace, community, members[0], n))
        await asyncio.wait_for(flaky.committed.wait(), WAIT)
    finally:
        await writer.stop()
    assert await count(units) == 5
    assert flaky.opened == 4  # three failed attempts, then the write
    messages = [record.getMessage() for record in caplog.records]
    assert len([m for m in messages if m.startswith("could not write the activity record")]) == 1  # once an outage
    assert len([m for m in messages if m.startswith("the activity record is written again")]) == 1


async def test_a_full_buffer_makes_the_recorder_wait_and_drops_nothing(units: SqlUnitOfWorkFactory) -> None:
    workspace, community, members = await community_rows(units)
    writer = ActivityWriter(units, SimulatedClock(T0), batch=5, most=5)
    for n in range(5):
        await writer.record(post(workspace, community, members[0], n))
    waiting = asyncio.ensure_future(writer.record(post(workspace, community, members[0], 5)))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not waiting.done()  # back-pressure: the sixth waits for room
    await writer.flush()
    await asyncio.wait_for(waiting, WAIT)
    assert writer.pending == 1
    await writer.flush()
    assert await stored(units) == [f"m{n}" for n in range(6)]


async def test_a_stop_that_cannot_write_says_how_much_is_lost(broken: SqlUnitOfWorkFactory,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    writer = ActivityWriter(broken, SimulatedClock(T0))
    await writer.record(post(1, 1, 1, 1))
    caplog.set_level(logging.ERROR, logger="hearth.activity")
    await writer.stop()  # raises nothing
    assert any("could not write 1 activity rows before stopping" in r.getMessage() for r in caplog.records)


def test_the_writer_refuses_settings_it_cannot_keep(units: SqlUnitOfWorkFactory) -> None:
    for options in ({"interval": 0}, {"batch": 0}, {"batch": 10, "most": 5}, {"per_unit": 0}):
        with pytest.raises(ValueError, match="needs interval"):
            ActivityWriter(units, SimulatedClock(T0), **options)  # type: ignore[arg-type]

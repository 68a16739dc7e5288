"""The acknowledgement log on both databases: recorded once, finished, claimed once after the lease, dropped when
it can no longer be answered, and marked handled in the transaction of the work's own writes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.acknowledgements import Delivery, delivering, handling
from bot.refs import Platform, WorkspaceRef
from storage.acknowledged import LEASE, MAX_ATTEMPTS, SqlAcknowledgementLog
from storage.database import create_engine_for
from storage.tables import AcknowledgedRow
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.console_harness import transcript

NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
LATER = NOW + LEASE + timedelta(seconds=1)
TRIGGER = Delivery("slack", "1234.5678.abcdef")
table = AcknowledgedRow.__table__  # type: ignore[attr-defined]


_units: dict[int, SqlUnitOfWorkFactory] = {}


def log_of(engine: AsyncEngine, owner: str) -> SqlAcknowledgementLog:
    """A log as `open_storage` builds it: on SQLite writing in the units' writer turn of its engine."""
    units = _units.setdefault(id(engine), SqlUnitOfWorkFactory(engine))
    return SqlAcknowledgementLog(engine, units=units, owner=owner)


async def record(log: SqlAcknowledgementLog, delivery: Delivery = TRIGGER, *, at: datetime = NOW,
                 minutes: int = 30, acknowledged: bool = True) -> bool:
    return await log.record(delivery, {"kind": "command", "text": "me --tz Europe/Brussels"}, at=at,
                            answer_until=at + timedelta(minutes=minutes), acknowledged=acknowledged)


async def handled(engine: AsyncEngine, delivery: Delivery = TRIGGER) -> bool | None:
    async with engine.connect() as connection:
        return await connection.scalar(select(table.c.handled).where(table.c.delivery_key == delivery.key))


async def test_a_delivery_is_recorded_once_even_by_another_process(database_engine: AsyncEngine,
                                                                   database_url: str) -> None:
    assert await record(log_of(database_engine, "a"))
    assert not await record(log_of(database_engine, "a"))
    other = create_engine_for(database_url)
    try:
        assert not await record(log_of(other, "b"))
        assert await record(log_of(other, "b"), Delivery("discord", TRIGGER.key))  # keys are per platform
    finally:
        await other.dispose()


async def test_finished_deliveries_are_forgotten_and_unfinished_ones_counted(database_engine: AsyncEngine) -> None:
    log = log_of(database_engine, "a")
    await record(log)
    await record(log, Delivery("slack", "second"))
    assert await log.unfinished("slack") == 2
    assert await log_of(database_engine, "b").unfinished("slack") == 0  # counts its own
    await log.finish(TRIGGER)
    assert await log.unfinished("slack") == 1
    await log.finish(TRIGGER)  # finishing twice changes nothing
    assert await log_of(database_engine, "b").pending("slack", LATER + timedelta(days=1)) == []  # expired: dropped
    assert await log.unfinished("slack") == 0


async def test_nobody_claims_a_delivery_while_its_process_renews_it(database_engine: AsyncEngine) -> None:
    first, second = log_of(database_engine, "a"), log_of(database_engine, "b")
    await record(first)
    assert await second.pending("slack", NOW + LEASE - timedelta(seconds=1)) == []
    await first.renew(NOW + LEASE - timedelta(seconds=1))
    assert await second.pending("slack", LATER) == []  # renewed: still the first one's
    claimed = await second.pending("slack", LATER + LEASE)
    assert [(item.delivery, item.payload["text"], item.handled) for item in claimed] == [
        (TRIGGER, "me --tz Europe/Brussels", False)
    ]
    assert await first.pending("slack", LATER + LEASE) == []  # claimed once
    assert await first.unfinished("slack") == 0
    assert await second.unfinished("slack") == 1


async def test_a_clean_stop_hands_its_deliveries_to_the_next_start_at_once(database_engine: AsyncEngine) -> None:
    stopping, next_start = log_of(database_engine, "a"), log_of(database_engine, "b")
    await record(stopping)
    await stopping.release(NOW + timedelta(seconds=1))
    assert [item.delivery for item in await next_start.pending("slack", NOW + timedelta(seconds=2))] == [TRIGGER]


async def test_two_processes_claiming_at_once_each_get_different_deliveries(database_engine: AsyncEngine,
                                                                             database_url: str) -> None:
    crashed = log_of(database_engine, "crashed")
    for index in range(40):
        await record(crashed, Delivery("slack", f"t{index}"), at=NOW + timedelta(milliseconds=index))
    others = [create_engine_for(database_url) for _ in range(2)]
    try:
        claims = await asyncio.gather(*(log_of(engine, f"p{n}").pending("slack", LATER + timedelta(seconds=1))
                                        for n, engine in enumerate(others)))
    finally:
        for engine in others:
            await engine.dispose()
    _units.clear()
    keys = [item.delivery.key for claim in claims for item in claim]
    assert sorted(keys) == sorted(f"t{index}" for index in range(40))  # every one, once
    assert all(claim == sorted(claim, key=lambda item: item.received_at) for claim in claims)  # oldest first


async def test_what_can_no_longer_be_answered_is_dropped(database_engine: AsyncEngine) -> None:
    log = log_of(database_engine, "a")
    await record(log, Delivery("slack", "expired"), minutes=0)
    await record(log, Delivery("discord", "never-answered"), acknowledged=False)
    await record(log, Delivery("discord", "deferred"), acknowledged=False)
    await log.acknowledge(Delivery("discord", "deferred"))
    await record(log, Delivery("slack", "answerable"))
    assert [item.delivery.key for item in await log.pending("slack", LATER)] == ["answerable"]
    assert [item.delivery.key for item in await log.pending("discord", LATER)] == ["deferred"]
    assert await log.unfinished("slack") == 1 and await log.unfinished("discord") == 1


async def test_work_that_fails_every_time_is_given_up(database_engine: AsyncEngine) -> None:
    await record(log_of(database_engine, "first"))
    at = LATER
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert len(await log_of(database_engine, f"restart{attempt}").pending("slack", at)) == 1
        at += LEASE + timedelta(seconds=1)  # that start crashed too
    assert await log_of(database_engine, "last").pending("slack", at) == []


async def test_any_text_a_member_sent_survives_the_payload(database_engine: AsyncEngine) -> None:
    log = log_of(database_engine, "a")
    text = "nul\x00 surrogate\ud800 emoji\U0001f525 rtl\u202e"
    await log.record(TRIGGER, {"text": text}, at=NOW, answer_until=NOW + timedelta(minutes=30))
    await log.release(NOW)
    assert [item.payload for item in await log.pending("slack", NOW)] == [{"text": text}]


async def test_a_commit_inside_the_handlers_marks_its_delivery_handled(database_engine: AsyncEngine) -> None:
    log, units = log_of(database_engine, "a"), SqlUnitOfWorkFactory(database_engine)
    await record(log)

    async def add_workspace(name: str, *, commit: bool = True, read_only: bool = False) -> None:
        async with units(read_only=read_only) as uow:
            if not read_only:
                await uow.workspaces.add(WorkspaceRef(Platform.SLACK, name), name, NOW)
            if commit:
                await uow.commit()

    with delivering(TRIGGER):
        await add_workspace("T0BEFORE")  # before the handlers (the middleware registering a member): not the work
        assert await handled(database_engine) is False
        with handling():
            await add_workspace("T0ROLLEDBACK", commit=False)
            assert await handled(database_engine) is False  # rolled back with the work
            await add_workspace("T0READ", read_only=True)
            assert await handled(database_engine) is False
            await add_workspace("T0WORK")
            assert await handled(database_engine) is True
    with handling():
        await add_workspace("T0NODELIVERY")  # outside any delivery: nothing to mark, nothing fails


async def test_only_the_feature_handlers_commit_marks_a_command_handled(database_url: str) -> None:
    async with transcript(database_url) as t:
        log = t.hearth.acknowledgements
        reading, writing = Delivery("console", "help"), Delivery("console", "me")
        for delivery in (reading, writing):
            await record(log, delivery)
        with delivering(reading):  # the member is new: the middleware registers them, which is not the work
            await t.run("as ana\n/hearth help")
        with delivering(writing):
            await t.run("/hearth me --tz Europe/Brussels")
        assert await handled(t.hearth.database, reading) is False
        assert await handled(t.hearth.database, writing) is True

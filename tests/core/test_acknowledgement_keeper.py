"""The keeper renews this process's leases, replays at start and on every round, and releases at stop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.acknowledgement_keeper import AcknowledgementKeeper
from bot.acknowledgements import Delivery
from bot.clock import SimulatedClock
from storage.acknowledged import LEASE, SqlAcknowledgementLog

NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


async def test_a_crashed_process_is_taken_over_once_its_lease_passes(database_engine: AsyncEngine) -> None:
    crashed = SqlAcknowledgementLog(database_engine, owner="crashed")
    await crashed.record(Delivery("slack", "t1"), {}, at=NOW, answer_until=NOW + timedelta(minutes=30))
    clock = SimulatedClock(NOW + timedelta(seconds=1))
    running = SqlAcknowledgementLog(database_engine, owner="running")
    claimed: list[str] = []
    rounds = asyncio.Queue[None]()
    replayed = asyncio.Event()

    async def replay() -> None:
        claimed.extend(item.delivery.key for item in await running.pending("slack", clock.now()))
        replayed.set()

    async def next_round(seconds: float) -> None:
        await rounds.get()

    keeper = AcknowledgementKeeper(running, clock, every=10, replays=[replay], sleep=next_round)
    await keeper.start()
    assert claimed == []  # the crashed process's lease still holds
    replayed.clear()
    clock.set(NOW + LEASE + timedelta(seconds=1))
    rounds.put_nowait(None)
    await asyncio.wait_for(replayed.wait(), 5)
    assert claimed == ["t1"]
    assert await running.unfinished("slack") == 1
    await keeper.stop()
    assert [item.delivery.key for item in await SqlAcknowledgementLog(database_engine, owner="next")
            .pending("slack", clock.now())] == ["t1"]  # released at stop: the next start takes it at once


async def test_a_failing_replay_is_logged_and_the_others_still_run(database_engine: AsyncEngine) -> None:
    ran: list[str] = []

    async def broken() -> None:
        raise RuntimeError("the platform is down")

    async def working() -> None:
        ran.append("working")

    keeper = AcknowledgementKeeper(SqlAcknowledgementLog(database_engine), SimulatedClock(NOW), every=10,
                                   replays=[broken, working])
    await keeper.round()
    assert ran == ["working"]

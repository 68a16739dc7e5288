"""The bounded work Slack and Discord run after acknowledging: work in flight, and a line with a few workers."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.bounded_work import InFlight, WorkLine
from bot.events import MemberLeft
from bot.refs import MemberRef, Platform, WorkspaceRef

WS = WorkspaceRef(Platform.DISCORD, "81384788765712384")
log = logging.getLogger("hearth.test")


async def test_passive_events_wait_in_a_bounded_line_and_the_excess_is_counted() -> None:
    release = asyncio.Event()
    handled: list[str] = []

    async def handle(event: Any) -> None:
        await release.wait()
        handled.append(event.member.id)

    line: WorkLine[MemberLeft] = WorkLine(handle, workers=1, backlog=2, name="test-line", log=log)
    at = datetime(2026, 11, 22, tzinfo=UTC)
    for member_id in "12345":
        line.put(MemberLeft(MemberRef(WS, member_id), at))

    assert line.dropped == 3
    release.set()
    await line.drain(5)
    await line.stop()
    assert handled == ["1", "2"]


async def test_a_line_keeps_working_after_an_item_fails(caplog: pytest.LogCaptureFixture) -> None:
    handled: list[int] = []

    async def handle(item: int) -> None:
        if item == 1:
            raise RuntimeError("broken")
        handled.append(item)

    line: WorkLine[int] = WorkLine(handle, workers=1, backlog=10, name="test-line", log=log, what="numbers")
    assert all([line.put(1), line.put(2), line.put(3)])
    await line.drain(5)
    await line.stop()
    assert handled == [2, 3]
    assert "handling one of the numbers failed" in caplog.text


async def test_draining_a_stuck_line_times_out() -> None:
    line: WorkLine[int] = WorkLine(lambda _item: asyncio.Event().wait(), workers=1, backlog=10, name="test-line",
                                   log=log)
    line.put(1)
    with pytest.raises(TimeoutError):
        await line.drain(0.05)
    await line.stop()
    assert line.waiting == 0


async def test_work_in_flight_is_counted_until_it_ends_and_failures_are_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    in_flight = InFlight(2, log=log, failure="work after a test request failed")
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    async def broken() -> None:
        raise RuntimeError("broken")

    in_flight.spawn(slow())
    assert not in_flight.busy
    with in_flight.tracked():
        assert (in_flight.running, in_flight.busy) == (2, True)
    in_flight.spawn(broken())
    with pytest.raises(TimeoutError):
        await in_flight.wait_idle(0.05)
    release.set()
    await in_flight.wait_idle(5)
    assert (in_flight.running, in_flight.busy) == (0, False)
    assert "work after a test request failed" in caplog.text


async def test_without_a_limit_work_in_flight_is_never_busy() -> None:
    in_flight = InFlight(None, log=log)
    with in_flight.tracked(), in_flight.tracked():
        assert in_flight.running == 2
        assert not in_flight.busy
    await in_flight.wait_idle(0.05)


async def test_cancel_ends_spawned_and_tracked_work_that_would_never_finish() -> None:
    in_flight = InFlight(None, log=log)
    never = asyncio.Event()
    started = {"spawned": asyncio.Event(), "tracked": asyncio.Event()}
    ended: list[str] = []

    async def stuck(name: str) -> None:
        started[name].set()
        try:
            await never.wait()
        finally:
            ended.append(name)

    async def tracked_by_its_caller() -> None:
        with in_flight.tracked():
            await stuck("tracked")

    in_flight.spawn(stuck("spawned"))
    caller = asyncio.create_task(tracked_by_its_caller())
    await asyncio.wait_for(asyncio.gather(*(event.wait() for event in started.values())), 5)
    assert in_flight.running == 2
    assert await in_flight.cancel(grace=5) == 2
    assert sorted(ended) == ["spawned", "tracked"] and caller.cancelled()
    await in_flight.wait_idle(0.05)
    assert await in_flight.cancel() == 0  # nothing left to cancel

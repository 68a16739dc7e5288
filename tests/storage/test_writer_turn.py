"""The writer's turn: first come first served, urgent waiters first, handed on without a gap, and a wait given up
never strands the turn."""

from __future__ import annotations

import asyncio

from storage.writer_turn import WriterTurn


async def test_waiters_are_served_in_order_with_urgent_ones_first() -> None:
    turn = WriterTurn()
    await turn.acquire()
    order: list[str] = []

    async def wait(name: str, urgent: bool = False) -> None:
        await turn.acquire(urgent=urgent)
        order.append(name)
        turn.release()

    tasks = [asyncio.create_task(wait("first")), asyncio.create_task(wait("second")),
             asyncio.create_task(wait("record", urgent=True))]
    await asyncio.sleep(0)  # let all three queue up
    turn.release()
    await asyncio.gather(*tasks)
    assert order == ["record", "first", "second"]
    assert not turn.held


async def test_a_wait_given_up_leaves_the_turn_to_the_others() -> None:
    turn = WriterTurn()
    await turn.acquire()
    gave_up = asyncio.create_task(turn.acquire())
    after = asyncio.create_task(turn.acquire())
    await asyncio.sleep(0)
    gave_up.cancel()
    turn.release()
    await asyncio.wait_for(after, 1)
    assert turn.held
    turn.release()
    assert not turn.held


async def test_a_turn_handed_over_as_its_wait_is_cancelled_is_passed_on() -> None:
    turn = WriterTurn()
    await turn.acquire()
    cancelled = asyncio.create_task(turn.acquire())
    await asyncio.sleep(0)
    turn.release()  # hands the turn to `cancelled`, whose wait is cancelled before it runs
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    assert not turn.held

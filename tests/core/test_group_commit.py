"""Group commit: requests that arrive while a batch is written go together in the next one, each with its own
result or error, in the order they arrived; nobody is left waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.acknowledgements import Delivery, delivering, handling
from bot.group_commit import GroupCommit, Pending


class Writer:
    """Writes batches of numbers: refuses odd ones when asked to, fails a whole batch holding 13."""

    def __init__(self, *, refuse_odd: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.deliveries: list[list[Delivery | None]] = []
        self.refuse_odd = refuse_odd
        self.gate = asyncio.Event()
        self.gate.set()

    async def write(self, batch: Sequence[Pending[int, str]]) -> None:
        self.batches.append([pending.request for pending in batch])
        self.deliveries.append([pending.delivery for pending in batch])
        await self.gate.wait()  # the unit of work, taking its time
        if 13 in self.batches[-1]:
            raise OSError("disk full")
        for pending in batch:
            if self.refuse_odd and pending.request % 2:
                pending.refuse(ValueError(f"{pending.request} is odd"))
            else:
                pending.done(f"wrote {pending.request}")


async def test_requests_arriving_while_a_batch_is_written_go_together_in_the_next() -> None:
    writer = Writer()
    writer.gate.clear()
    group: GroupCommit[int, str] = GroupCommit(writer.write)
    first = asyncio.ensure_future(group.submit("poll 1", 0))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rest = [asyncio.ensure_future(group.submit("poll 1", n)) for n in range(1, 6)]
    await asyncio.sleep(0)
    writer.gate.set()
    assert await first == "wrote 0"
    assert await asyncio.gather(*rest) == [f"wrote {n}" for n in range(1, 6)]
    assert writer.batches == [[0], [1, 2, 3, 4, 5]]  # in the order they arrived
    assert group.writing == 0


async def test_each_key_has_its_own_writer_and_batches_hold_at_most_most() -> None:
    writer = Writer()
    group: GroupCommit[int, str] = GroupCommit(writer.write, most=2)
    results = await asyncio.gather(*(group.submit(f"poll {n % 2}", n) for n in range(6)))
    assert results == [f"wrote {n}" for n in range(6)]
    assert sorted(writer.batches) == [[0, 2], [1, 3], [4], [5]]


async def test_a_refused_request_fails_alone_and_a_failed_write_fails_its_whole_batch() -> None:
    writer = Writer(refuse_odd=True)
    group: GroupCommit[int, str] = GroupCommit(writer.write)
    outcomes = await asyncio.gather(*(group.submit("poll", n) for n in (2, 3, 4)), return_exceptions=True)
    assert outcomes[0] == "wrote 2" and outcomes[2] == "wrote 4"
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "3 is odd"
    failed = await asyncio.gather(*(group.submit("poll", n) for n in (12, 13)), return_exceptions=True)
    assert all(isinstance(outcome, OSError) for outcome in failed)
    assert await group.submit("poll", 14) == "wrote 14"  # the writer goes on after a failure


async def test_a_write_that_settles_nobody_is_an_error_not_a_hang() -> None:
    async def forgetful(batch: Sequence[Pending[int, str]]) -> None:
        return None

    group: GroupCommit[int, str] = GroupCommit(forgetful)
    with pytest.raises(RuntimeError, match="without its result"):
        await group.submit("poll", 1)


async def test_a_request_given_up_before_its_turn_is_never_written() -> None:
    writer = Writer()
    writer.gate.clear()
    group: GroupCommit[int, str] = GroupCommit(writer.write)
    first = asyncio.ensure_future(group.submit("poll", 1))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    given_up = asyncio.ensure_future(group.submit("poll", 2))
    kept = asyncio.ensure_future(group.submit("poll", 3))
    await asyncio.sleep(0)
    given_up.cancel()
    writer.gate.set()
    assert await first == "wrote 1" and await kept == "wrote 3"
    assert given_up.cancelled()
    assert writer.batches == [[1], [3]]


async def test_each_request_brings_the_delivery_it_is_the_work_of() -> None:
    writer = Writer()
    writer.gate.clear()
    group: GroupCommit[int, str] = GroupCommit(writer.write)

    async def delivered(n: int, delivery: Delivery | None) -> str:
        with delivering(delivery), handling():
            return await group.submit("poll", n)

    first = asyncio.ensure_future(delivered(1, Delivery("slack", "one")))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    others = [asyncio.ensure_future(delivered(2, Delivery("slack", "two"))),
              asyncio.ensure_future(delivered(3, None))]
    await asyncio.sleep(0)
    writer.gate.set()
    await asyncio.gather(first, *others)
    assert writer.deliveries == [[Delivery("slack", "one")], [Delivery("slack", "two"), None]]

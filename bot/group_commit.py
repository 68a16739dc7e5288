"""Group commit: requests that arrive while a batch of their kind is being written wait, and go in the next one.

A storm of small writes to the same rows (a thousand members clicking one poll's buttons at once) spends nearly
all its time beginning and committing transactions and reading the same poll and counts again and again; on
SQLite they also queue for its one writer. `GroupCommit` keeps one writer per key: the first request starts it,
those arriving meanwhile queue up, and each turn the writer hands every queued request of its key (up to `most`)
to `write`, which handles them in one unit of work.

Each request is still handled in exactly one unit of work, and gets its own result or its own error: `write`
settles each `Pending` (`done` or `refuse`) once the unit has committed, or refuses it alone when the request
itself is wrong. If `write` raises, every request of the batch it has not settled fails with that error, as each
would have failed alone. A request whose caller stops waiting before its turn is left out; once its batch is
being written it is written with the others.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.acknowledgements import Delivery, handled_deliveries

__all__ = ["GroupCommit", "Pending"]

R = TypeVar("R")
T = TypeVar("T")

MOST = 500  # requests in one batch: one unit stays short, and a statement's parameters stay few


@dataclass(eq=False)
class Pending(Generic[R, T]):
    """One request waiting for its result; `delivery` is the delivery it is the work of (bot/acknowledgements.py),
    for the unit to mark handled with `working_for`."""

    request: R
    delivery: Delivery | None
    _future: asyncio.Future[T] = field(repr=False)

    @property
    def settled(self) -> bool:
        return self._future.done()

    def done(self, result: T) -> None:
        if not self._future.done():
            self._future.set_result(result)

    def refuse(self, error: BaseException) -> None:
        if self._future.done():
            return
        if isinstance(error, Exception):
            self._future.set_exception(error)
        else:
            self._future.cancel()  # the writer was cancelled (or the process stops): so is the wait


class GroupCommit(Generic[R, T]):
    """Batches of requests per key, written one batch at a time per key by `write` (see the module docstring)."""

    def __init__(self, write: Callable[[Sequence[Pending[R, T]]], Awaitable[None]], *, most: int = MOST) -> None:
        self._write = write
        self._most = max(1, most)
        self._queues: dict[Hashable, deque[Pending[R, T]]] = {}
        self._writers: dict[Hashable, asyncio.Task[None]] = {}

    async def submit(self, key: Hashable, request: R) -> T:
        """Handle `request` with the others of `key` that are waiting; its result, or the error it raised."""
        deliveries = handled_deliveries()
        pending: Pending[R, T] = Pending(request, deliveries[0] if deliveries else None,
                          asyncio.get_running_loop().create_future())
        self._queues.setdefault(key, deque()).append(pending)
        if key not in self._writers:
            self._writers[key] = asyncio.create_task(self._drain(key), name=f"group commit {key!r}")
        return await pending._future

    @property
    def writing(self) -> int:
        """How many keys have a writer at work (for tests and shutdown)."""
        return len(self._writers)

    async def _drain(self, key: Hashable) -> None:
        queue = self._queues[key]
        try:
            while queue:
                batch: list[Pending[R, T]] = []
                while queue and len(batch) < self._most:
                    pending = queue.popleft()
                    if not pending.settled:  # its caller stopped waiting: nothing of it is written
                        batch.append(pending)
                if batch:
                    await self._write_batch(batch)
        except BaseException as error:  # cancelled (the loop stops): nobody is left waiting for ever
            for pending in queue:
                pending.refuse(error)
            queue.clear()
            raise
        finally:
            del self._writers[key]
            if not queue:
                del self._queues[key]

    async def _write_batch(self, batch: list[Pending[R, T]]) -> None:
        try:
            await self._write(batch)
        except BaseException as error:
            for pending in batch:
                pending.refuse(error)
            if not isinstance(error, Exception):
                raise
        for pending in batch:
            pending.refuse(RuntimeError("a group commit left a request without its result"))

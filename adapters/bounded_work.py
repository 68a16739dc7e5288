"""The work an adapter does after acknowledging an event: bounded, tracked, and waited for on shutdown.

Slack and Discord both answer first and work after (Slack needs `ack()` within 3 seconds, Discord a response or a
deferral). What runs after is kept here, in one of two shapes:

- `InFlight`: work that starts at once. `spawn` runs a piece as a task of its own and logs what it raises;
  `tracked` counts work the caller awaits itself. `busy` says when `limit` pieces are running, so that a caller can
  turn new work away instead of making every answer late. `wait_idle` waits until nothing runs; `cancel` ends
  what still runs when a stop cannot wait any longer.
- `WorkLine`: items handled by a few workers in arrival order. At most `backlog` items wait; past that, new ones
  are dropped, counted and logged rather than held for minutes. `drain` waits until every waiting item was
  handled, `stop` ends the workers.

`wait_idle` and `drain` raise `TimeoutError` after `grace` seconds, so a shutdown never hangs on stuck work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

Item = TypeVar("Item")


class InFlight:
    """Work in progress: bounded by `limit` (None: never busy), counted, and waited for on shutdown."""

    def __init__(self, limit: int | None, *, log: logging.Logger, failure: str = "work after an event failed") -> None:
        self.limit = limit
        self._log = log
        self._failure = failure
        self._tasks: set[asyncio.Task[None]] = set()
        self._tracked: dict[asyncio.Task[object], int] = {}  # the callers' tasks inside `tracked`, and how often
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def running(self) -> int:
        """How many pieces of work are in progress: spawned tasks and tracked work."""
        return self._running

    @property
    def busy(self) -> bool:
        """Whether new work should be turned away: `limit` pieces are in progress."""
        return self.limit is not None and self._running >= self.limit

    def spawn(self, work: Awaitable[None]) -> None:
        """Run `work` as a task of its own; what it raises is logged with its traceback, never re-raised."""
        self._start()
        task = asyncio.ensure_future(self._run(work))
        self._tasks.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._spawned_done)

    @contextmanager
    def tracked(self) -> Iterator[None]:
        """Count the work inside the block, which the caller awaits itself, as in progress."""
        task = asyncio.current_task()
        if task is not None:
            self._tracked[task] = self._tracked.get(task, 0) + 1
        self._start()
        try:
            yield
        finally:
            self._finish()
            if task is not None:
                self._tracked[task] -= 1
                if not self._tracked[task]:
                    del self._tracked[task]

    async def wait_idle(self, grace: float = 10.0) -> None:
        """Return once no work is in progress; `TimeoutError` when some still is after `grace` seconds."""
        await asyncio.wait_for(self._idle.wait(), grace)

    async def cancel(self, grace: float = 1.0) -> int:
        """Cancel the work still in progress (spawned tasks, and the tasks running tracked work) and wait at most
        `grace` seconds for it to end. Returns how many tasks were cancelled; raises nothing."""
        tasks: list[asyncio.Task[object]] = [*self._tasks, *self._tracked]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        return len(tasks)

    async def _run(self, work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            self._log.exception(self._failure)

    def _start(self) -> None:
        self._running += 1
        self._idle.clear()

    def _finish(self) -> None:
        self._running -= 1
        if not self._running:
            self._idle.set()

    def _spawned_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._finish()


class WorkLine(Generic[Item]):
    """Items handled by `workers` tasks in arrival order, at most `backlog` of them waiting.

    The workers start with the first item. `handle` should catch what it can; an exception it lets through is
    logged and the worker goes on with the next item.
    """

    def __init__(self, handle: Callable[[Item], Awaitable[None]], *, workers: int, backlog: int, name: str,
                 log: logging.Logger, what: str = "events") -> None:
        self._handle = handle
        self._workers = workers
        self._name = name
        self._log = log
        self._what = what
        self._queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=backlog)
        self._tasks: list[asyncio.Task[None]] = []
        self.dropped = 0

    @property
    def waiting(self) -> int:
        """How many items wait for a worker."""
        return self._queue.qsize()

    def put(self, item: Item) -> bool:
        """Queue `item`; False when `backlog` items were waiting already and it was dropped (and counted)."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._work(), name=f"{self._name}-{n}") for n in range(self._workers)]
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                self._log.warning("%d %s dropped: more than %d were waiting", self.dropped, self._what,
                                  self._queue.maxsize)
            return False
        return True

    async def drain(self, grace: float) -> None:
        """Return once every waiting item was handled; `TimeoutError` when some are left after `grace` seconds."""
        await asyncio.wait_for(self._queue.join(), grace)

    async def stop(self) -> None:
        """End the workers; items still waiting are not handled."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._handle(item)
            except Exception:
                self._log.exception("handling one of the %s failed", self._what)
            finally:
                self._queue.task_done()

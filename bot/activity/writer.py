"""Writing the activity record in batches, so that messages arrive at any rate without slowing commands.

`ActivityWriter.record` only appends to a buffer in memory; a background task writes what waits every `interval`
seconds (one second by default), or at once when `batch` rows wait. A write takes every row waiting, in units of
work of at most `per_unit` rows each, letting other work run between them: on SQLite a unit holds the database's
write lock and runs on the event loop, so a short unit is what keeps commands answering in milliseconds during a
burst. The promise:

- an acknowledged event is in the database within `interval` (one second), and the moments its write takes,
  while the database answers;
- a clean stop (`stop`) writes everything left first: it loses nothing;
- a crash loses at most what waited for its write: that last second (and, while the database does not answer,
  everything waiting since);
- when the database does not answer, the rows stay in memory and are written again with growing pauses (logged
  once per outage); once `most` rows wait, `record` waits for room (back-pressure: the events queue behind it
  rather than being dropped).

A batch leaves out rows whose community or member was erased while they waited (storage's `add_many`), so an
erasure never makes a batch fail for ever.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from datetime import datetime

from bot.activity.model import Activity
from bot.ports import Clock, UnitOfWorkFactory

__all__ = ["RETRY_PAUSES", "ActivityWriter"]

log = logging.getLogger("hearth.activity")

# Seconds between attempts while the database does not answer, growing to the last.
RETRY_PAUSES = (0.25, 0.5, 1.0, 2.0, 5.0)


class ActivityWriter:
    """Buffers activity rows and writes them in batches (see the module docstring).

    `interval`: seconds between writes; `batch`: rows waiting that are written at once, without waiting for the
    interval; `per_unit`: the most rows one unit of work writes; `most`: rows waiting at which `record` waits for
    room; `retry_pauses`: seconds between attempts after a failed write, growing to the last. `clock` dates an
    outage for the log.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, interval: float = 1.0, batch: int = 5000,
                 most: int = 200_000, per_unit: int = 1000, retry_pauses: Sequence[float] = RETRY_PAUSES) -> None:
        if interval <= 0 or per_unit < 1 or batch < 1 or most < batch:
            raise ValueError("the activity writer needs interval > 0, per_unit >= 1 and 1 <= batch <= most")
        self._uow = uow
        self._clock = clock
        self.interval = interval
        self.batch = batch
        self.most = most
        self.per_unit = per_unit
        self._retry_pauses = tuple(retry_pauses) or (interval,)
        self._waiting: deque[Activity] = deque()
        self._writing = 0  # rows taken out of `_waiting` by the write under way
        self._lock = asyncio.Lock()  # one write at a time: the background task's or `flush`'s
        self._full = asyncio.Event()  # `batch` rows wait: write without waiting for the interval
        self._stopped = asyncio.Event()
        self._room = asyncio.Event()  # set whenever fewer than `most` rows wait
        self._room.set()
        self._task: asyncio.Task[None] | None = None
        self._outage_since: datetime | None = None  # when writes began to fail, while they do
        self.written = 0  # rows written since the writer was made

    @property
    def pending(self) -> int:
        """Rows recorded and not yet written (those of a write under way included)."""
        return len(self._waiting) + self._writing

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def record(self, activity: Activity) -> None:
        """Add one row to the next batch. Returns at once unless `most` rows wait: then it waits for room."""
        while self.pending >= self.most:
            self._room.clear()
            await self._room.wait()
        self._waiting.append(activity)
        if len(self._waiting) >= self.batch:
            self._full.set()

    def start(self) -> None:
        """Start writing in the background, on the running event loop."""
        if self.running:
            return
        self._stopped.clear()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="activity writer")

    async def stop(self) -> None:
        """Stop the background writes, then write everything still waiting. Raises nothing: what cannot be
        written (the database does not answer) is logged with its count, and lost."""
        self._stopped.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        try:
            await self.flush()
        except Exception:
            log.exception("could not write %d activity rows before stopping; they are lost", self.pending)

    async def flush(self) -> int:
        """Write what waits now, `per_unit` rows a unit of work, and return how many rows were stored. Raises what
        the database raised: the rows of the unit that failed, and those after it, wait for the next write."""
        return await self._write(len(self._waiting))

    # --- in the background ---------------------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            if failures:
                await _until(self._stopped, self._retry_pauses[min(failures, len(self._retry_pauses)) - 1])
            elif len(self._waiting) < self.batch:
                await _until(self._full, self.interval, self._stopped)
            self._full.clear()
            if self._stopped.is_set():
                return  # `stop` writes what is left
            try:
                # What waits now; what arrives meanwhile goes in the next round, within an interval.
                await self._write(len(self._waiting))
            except Exception:
                failures += 1
            else:
                failures = 0

    async def _write(self, rows: int) -> int:
        stored, units = 0, 0
        while rows > 0 and self._waiting:
            if units:
                await asyncio.sleep(0)  # commands and events run between two units
            size = min(rows, self.per_unit)
            stored += await self._write_unit(size)
            rows, units = rows - size, units + 1
        return stored

    async def _write_unit(self, size: int) -> int:
        async with self._lock:
            rows = [self._waiting.popleft() for _ in range(min(size, len(self._waiting)))]
            if not rows:
                return 0
            self._writing = len(rows)
            try:
                async with self._uow() as uow:
                    stored = await uow.activity.add_many(rows)
                    await uow.commit()
            except BaseException as error:
                self._waiting.extendleft(reversed(rows))  # kept, first in line for the next write
                if isinstance(error, Exception):
                    self._note_failure(error)
                raise
            finally:
                self._writing = 0
            self.written += stored
            self._note_success()
            if self.pending < self.most:
                self._room.set()
            return stored

    def _note_failure(self, error: Exception) -> None:
        if self._outage_since is None:
            self._outage_since = self._clock.now()
            log.warning("could not write the activity record (%s); %d rows wait, written as soon as the database "
                        "answers", error, self.pending, exc_info=error)

    def _note_success(self) -> None:
        if self._outage_since is not None:
            lasted = self._clock.now() - self._outage_since
            self._outage_since = None
            log.warning("the activity record is written again, after %s without; %d rows still wait", lasted,
                        self.pending)


async def _until(event: asyncio.Event, seconds: float, other: asyncio.Event | None = None) -> None:
    """Wait until `event` (or `other`) is set, or `seconds` have passed."""
    waits = [asyncio.ensure_future(event.wait())]
    if other is not None:
        waits.append(asyncio.ensure_future(other.wait()))
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()

"""Reading saved pages in the background: `PageFetching` takes the links whose page waits to be fetched, reads
each through the guarded `PageFetcher` outside any unit of work, and hands what it read to the library service
(`LibraryService.record_page`, one unit each).

The queue is the library itself (`fetch_state` "wait"), so it survives a restart: what was saved before a stop is
read after the next start. A page is tried once: a page that cannot or may not be read is marked failed and shown
without a description (its title and address are searched as ever); saving the same address again does not retry
it. A save wakes the fetcher at once; without one it looks again every `idle` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.library.ports import PageFetcher, PageUnavailable
from bot.library.requests import PageToFetch, PendingPages, RecordPage
from bot.library.service import LibraryService

__all__ = ["PageFetching"]

log = logging.getLogger("hearth.library")


class PageFetching:
    """The background reader of saved pages: `start` it with the deployment, `stop` it before storage closes;
    `run_once` reads what waits now (tests call it directly)."""

    def __init__(self, library: LibraryService, fetcher: PageFetcher, *, concurrency: int = 4, batch: int = 20,
                 idle: float = 60.0) -> None:
        self._library = library
        self._fetcher = fetcher
        self._concurrency = concurrency
        self._batch = batch
        self._idle = idle
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """A page waits: read it soon (safe to call from any task, any number of times)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Read the pages waiting now, `batch` at a time, until none waits or a batch made no progress; returns
        how many were recorded."""
        recorded = 0
        while True:
            waiting = await self._library.pending_pages(PendingPages(self._batch))
            if not waiting:
                return recorded
            gate = asyncio.Semaphore(self._concurrency)
            done = await asyncio.gather(*(self._read(page, gate) for page in waiting))
            recorded += sum(done)
            if not any(done):  # the database refused every one: try again at the next wake
                return recorded

    async def _read(self, page: PageToFetch, gate: asyncio.Semaphore) -> bool:
        async with gate:
            try:
                meta = await self._fetcher.fetch(page.url)
            except PageUnavailable as refused:
                log.info("library item %d: its page was not read (%s)", page.item_id, refused.reason)
                meta = None
            except Exception:
                log.exception("library item %d: reading its page failed", page.item_id)
                meta = None
        try:
            await self._library.record_page(RecordPage(page, meta))
        except Exception:
            log.exception("library item %d: what its page says could not be stored", page.item_id)
            return False
        return True

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="hearth-library-pages")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:
                log.exception("the library's pages could not be read")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._idle)

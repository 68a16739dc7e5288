"""Keeps what this process acknowledged its own, and finishes what a stopped or crashed process left.

`hearth run` builds one `AcknowledgementKeeper` over the acknowledgement log (storage/acknowledged.py) with each
platform adapter's `replay` (the coroutine that claims the adapter's pending deliveries with
`AcknowledgementLog.pending` and does or answers each). `start` replays once, at once (a clean stop released its
deliveries, so they are claimable); then, every `every` seconds, it renews this process's leases and replays
again, which picks up what a crashed process left once its lease (`HEARTH_TAKEOVER_SECONDS`) has passed. `stop`
ends that and releases what is left, for the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.acknowledgements import AcknowledgementLog
from bot.ports import Clock

__all__ = ["AcknowledgementKeeper", "Replay"]

log = logging.getLogger("hearth")
Replay = Callable[[], Awaitable[object]]  # what it returns (a count, say) is not used
Sleep = Callable[[float], Awaitable[None]]


class AcknowledgementKeeper:
    """Renews this process's leases and runs the adapters' replays, at start and every `every` seconds."""

    def __init__(self, acknowledgements: AcknowledgementLog, clock: Clock, *, every: float,
                 replays: Sequence[Replay] = (), sleep: Sleep = asyncio.sleep) -> None:
        self._log = acknowledgements
        self._clock = clock
        self._every = every
        self._replays = list(replays)
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Replay once, then keep renewing and replaying in the background."""
        await self.round()
        self._task = asyncio.create_task(self._keep(), name="hearth-acknowledgements")

    async def round(self) -> None:
        """One renewal and one replay per adapter; what fails is logged, never raised."""
        try:
            await self._log.renew(self._clock.now())
        except Exception:
            log.exception("renewing the acknowledged deliveries failed")
        for replay in self._replays:
            try:
                await replay()
            except Exception:
                log.exception("finishing acknowledged deliveries failed")

    async def stop(self) -> None:
        """Stop renewing, and hand what this process leaves unfinished to the next start."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        try:
            await self._log.release(self._clock.now())
        except Exception:
            log.exception("handing the unfinished deliveries back failed")

    async def _keep(self) -> None:
        while True:
            await self._sleep(self._every)
            await self.round()

"""Drives the scheduling engine with APScheduler 3.

One in-memory job (APScheduler's memory job store: no pickled jobs that break when the code changes), re-armed
after every run for the engine's next wake-up, or within `max_sleep` so that schedules changed by another Hearth
process are picked up by the periodic reconcile. Schedules themselves live in Hearth's tables, never in
APScheduler.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.ports import Clock
from bot.scheduling.engine import Engine

log = logging.getLogger("hearth.scheduler")
JOB_ID = "hearth-scheduler"


class SchedulerDriver:
    """Wakes the engine when it has work. Start and stop it inside the running event loop."""

    def __init__(self, engine: Engine, clock: Clock, *, max_sleep: timedelta = timedelta(minutes=1)) -> None:
        self.engine = engine
        self.clock = clock
        self.max_sleep = max_sleep
        self._running_tick: asyncio.Task[None] | None = None
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    async def start(self) -> None:
        """Load the schedules, catch up on what came due while Hearth was down, and start waking."""
        await self.engine.start()
        self.engine.on_wake = self.arm
        self.scheduler.start()
        self.arm()

    def arm(self) -> None:
        """(Re)schedule the one job for the engine's next wake-up."""
        now = self.clock.now()
        wake = self.engine.next_wake()
        latest = now + self.max_sleep
        run_at = max(now, min(wake, latest) if wake is not None else latest)
        self.scheduler.add_job(self._tick, DateTrigger(run_date=run_at, timezone=UTC), id=JOB_ID,
                               replace_existing=True)

    async def _tick(self) -> None:
        self._running_tick = asyncio.current_task()
        try:
            if self.engine.reconcile_due():
                await self.engine.reconcile()
            report = await self.engine.run_due()
            if report.sent or report.failed or report.dropped:
                log.info("scheduler: %s", report)
        except Exception:
            # The database may be briefly unreachable; the next tick tries again.
            log.exception("scheduler tick failed")
        finally:
            self._running_tick = None
            if self.scheduler.running:
                self.arm()

    async def stop(self, *, grace: float = 10.0) -> None:
        """Stop waking the engine, letting a delivery run in progress finish (within `grace` seconds)."""
        self.engine.on_wake = None
        if self.scheduler.running:
            self.scheduler.pause()
        tick = self._running_tick
        if tick is not None and tick is not asyncio.current_task():
            # A tick cut off halfway leaves claims that wait out their lease; let it finish if it can.
            await asyncio.wait({tick}, timeout=grace)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

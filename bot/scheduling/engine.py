"""The scheduling engine: turns registered schedules into deliveries, each exactly once.

The engine keeps every schedule's next occurrence in a heap. When the clock reaches one, the occurrence is first
claimed in the delivery ledger (a unique key per occurrence) and only then delivered, so a restart or a second
engine on the same database never sends twice. Occurrences that came due while no engine ran are caught up once,
according to their kind's `CatchUp` policy. A claim whose owner died is taken over when its lease expires.

The engine never reads the clock on its own: a driver (APScheduler in production, the console's `wait` and
tests' simulated clocks) calls `run_due` when `next_wake` says there is work.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from bot.ports import Clock
from bot.scheduling.ledger import DeliveryLedger, DeliveryState
from bot.scheduling.model import Occurrence, Outcome, Schedule, ScheduledKind, TransientDeliveryError

log = logging.getLogger("hearth.scheduler")

Key = tuple[str, int, str]
_T = TypeVar("_T")
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
YIELD_EVERY = 250  # schedules or occurrences handled between two yields to the event loop


@dataclass(slots=True)
class RunReport:
    """What one `run_due` did."""

    sent: int = 0
    obsolete: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    coalesced: int = 0
    skipped: int = 0  # claimed or handled elsewhere already

    def add(self, other: RunReport) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class _Attempt:
    occurrence: Occurrence
    attempts: int


@dataclass(slots=True)
class EngineSettings:
    """How the engine paces itself. `discovery_lookback`: how far back a schedule first seen on reconcile is
    looked at (another engine may have created it just before it fell due)."""

    lease: timedelta = timedelta(minutes=5)
    retry_delays: tuple[timedelta, ...] = RETRY_DELAYS
    batch: int = 200
    concurrency: int = 32
    reconcile_every: timedelta = timedelta(minutes=5)
    discovery_lookback: timedelta = timedelta(minutes=10)


class Engine:
    """Delivers every occurrence of every registered schedule once. Implements the `Scheduler` port."""

    def __init__(
        self,
        *,
        kinds: Sequence[ScheduledKind],
        ledger: DeliveryLedger,
        clock: Clock,
        owner: str,
        settings: EngineSettings | None = None,
    ) -> None:
        self.kinds = {kind.kind: kind for kind in kinds}
        if len(self.kinds) != len(kinds):
            raise ValueError("two schedule kinds share a name")
        self.ledger = ledger
        self.clock = clock
        self.owner = owner
        self.settings = settings or EngineSettings()
        self.on_wake: Callable[[], None] | None = None
        self._schedules: dict[Key, Schedule] = {}
        self._next: dict[Key, Occurrence] = {}
        self._heap: list[tuple[datetime, int, Key, datetime]] = []
        self._sequence = itertools.count()
        self._processed_until: datetime | None = None
        self._ledger_wake: datetime | None = None
        self._last_reconcile: datetime | None = None
        self._lock = asyncio.Lock()

    def add_kind(self, kind: ScheduledKind) -> None:
        """Register one more kind before `start`: a feature whose service is built with this engine as its
        scheduler (polls) gives its kind once the service exists."""
        if self._processed_until is not None:
            raise RuntimeError("kinds are added before the engine starts")
        if kind.kind in self.kinds:
            raise ValueError(f"two schedule kinds share the name {kind.kind}")
        self.kinds[kind.kind] = kind

    # --- life cycle ----------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Load every schedule and pick up where the last engine on this database stopped."""
        now = self.clock.now()
        # On a new database nothing was missed and nothing before now is owed. Reading is all start does, so
        # `hearth schedules` can start an engine just to look.
        watermark = await self.ledger.watermark() or now
        self._processed_until = min(watermark, now)
        await self.reconcile(lookback=False)
        self._ledger_wake = await self.ledger.next_wake()

    async def restart(self) -> None:
        """Forget what was loaded and start again from the clock's time (a simulated clock set back before
        anything was delivered, as the console allows)."""
        self._schedules.clear()
        self._next.clear()
        self._heap.clear()
        self._processed_until = None
        await self.start()

    async def reconcile(self, *, lookback: bool = True) -> None:
        """Reload every schedule from its kind, so that changes made elsewhere take effect.

        A schedule seen for the first time is looked at a little into the past (another engine may have created
        it just before its first occurrence); the ledger makes that safe.
        """
        self._last_reconcile = self.clock.now()
        seen: set[Key] = set()
        handled = 0
        for kind in self.kinds.values():
            for schedule in await kind.schedules():
                seen.add(schedule.key)
                self._place(schedule, lookback=lookback and schedule.key not in self._schedules)
                handled += 1
                if handled % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        for key in set(self._schedules) - seen:
            self._forget(key)

    async def refresh(self, kind: str, workspace_id: int, subject: str) -> None:
        """Re-read one schedule after a feature created, changed or ended it. Before `start` there is nothing to
        do: starting reads every schedule (a platform may report changes while Hearth is still starting)."""
        if self._processed_until is None:
            return
        source = self.kinds[kind]
        schedule = await source.schedule(workspace_id, subject)
        if schedule is None:
            self._forget((kind, workspace_id, subject))
        else:
            self._place(schedule, lookback=False)
        if self.on_wake is not None:
            self.on_wake()

    async def place(self, kind: str, workspace_id: int, subjects: Sequence[str],
                    schedules: Sequence[Schedule]) -> None:
        """`refresh` of every subject, with the schedules a feature already built: nothing is read again."""
        if self._processed_until is None:
            return
        placed = {schedule.subject for schedule in schedules}
        for subject in subjects:
            if subject not in placed:
                self._forget((kind, workspace_id, subject))
        for schedule in schedules:
            assert schedule.kind == kind and schedule.workspace_id == workspace_id
            self._place(schedule, lookback=False)
        if self.on_wake is not None:
            self.on_wake()

    def _place(self, schedule: Schedule, *, lookback: bool) -> None:
        if self._schedules.get(schedule.key) == schedule:
            return
        assert self._processed_until is not None, "start the engine first"
        self._schedules[schedule.key] = schedule
        since = self._processed_until - (self.settings.discovery_lookback if lookback else timedelta(0))
        occurrence = schedule.next_due_after(since)
        if occurrence is None:
            self._next.pop(schedule.key, None)
            return
        self._next[schedule.key] = occurrence
        heapq.heappush(self._heap, (occurrence.due, next(self._sequence), schedule.key, occurrence.at))

    def forget_workspace(self, workspace_id: int) -> None:
        """Drop every schedule of an erased workspace at once (the next reconcile would find none of them)."""
        for key in [key for key in self._schedules if key[1] == workspace_id]:
            self._forget(key)

    def _forget(self, key: Key) -> None:
        self._schedules.pop(key, None)
        self._next.pop(key, None)

    # --- when ----------------------------------------------------------------------------------------------

    def next_wake(self) -> datetime | None:
        """The next moment `run_due` has work: a schedule falls due, a lease expires or a retry is due."""
        self._drop_stale_heads()
        candidates = [moment for moment in (self._heap[0][0] if self._heap else None, self._ledger_wake) if moment]
        return min(candidates) if candidates else None

    def reconcile_due(self) -> bool:
        return self._last_reconcile is None or self.clock.now() - self._last_reconcile >= self.settings.reconcile_every

    def upcoming(self, limit: int = 50) -> list[tuple[Schedule, Occurrence]]:
        """The next occurrence of each schedule, soonest first."""
        pairs = sorted(((self._schedules[key], occ) for key, occ in self._next.items()), key=lambda p: p[1].due)
        return pairs[:limit]

    def _drop_stale_heads(self) -> None:
        while self._heap:
            due, _, key, at = self._heap[0]
            current = self._next.get(key)
            if current is not None and current.at == at and current.due == due:
                return
            heapq.heappop(self._heap)

    # --- work ----------------------------------------------------------------------------------------------

    async def run_due(self) -> RunReport:
        """Deliver everything due by now: new occurrences, expired claims and retries."""
        async with self._lock:
            now = self.clock.now()
            report = RunReport()
            fresh = await self._collect_due(now)
            attempts = await self._apply_catch_up(fresh, now, report)
            for batch in _batches(attempts, self.settings.batch):
                claimed = await self.ledger.claim(
                    [a.occurrence for a in batch], owner=self.owner, now=now, lease=self.settings.lease
                )
                report.skipped += len(batch) - len(claimed)
                await self._deliver([_Attempt(occ, 1) for occ in claimed], now, report)
            await self._take_over(now, report)
            if self._processed_until is None or now > self._processed_until:
                self._processed_until = now
                await self.ledger.advance_watermark(now)
            self._ledger_wake = await self.ledger.next_wake()
            return report

    async def advance_to(self, moment: datetime, set_clock: Callable[[datetime], None]) -> RunReport:
        """Move a simulated clock to `moment`, running everything that falls due on the way, in time order."""
        total = RunReport()
        while True:
            wake = self.next_wake()
            if wake is None or wake > moment:
                break
            set_clock(max(wake, self.clock.now()))
            total.add(await self.run_due())
        if moment > self.clock.now():
            set_clock(moment)
        return total

    async def _collect_due(self, now: datetime) -> dict[Key, list[Occurrence]]:
        due: dict[Key, list[Occurrence]] = {}
        handled = 0
        while self._heap and self._heap[0][0] <= now:
            self._drop_stale_heads()
            if not self._heap or self._heap[0][0] > now:
                break
            _, _, key, _ = heapq.heappop(self._heap)
            schedule, occurrence = self._schedules[key], self._next.pop(key)
            found = due.setdefault(key, [])
            following: Occurrence | None = occurrence
            while following is not None and following.due <= now:
                found.append(following)
                following = schedule.next_due_after(following.due)
            if following is not None:
                self._next[key] = following
                heapq.heappush(self._heap, (following.due, next(self._sequence), key, following.at))
            handled += 1
            if handled % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        return due

    async def _apply_catch_up(
        self, due: dict[Key, list[Occurrence]], now: datetime, report: RunReport
    ) -> list[_Attempt]:
        attempts: list[_Attempt] = []
        dropped: list[Occurrence] = []
        coalesced: list[Occurrence] = []
        for key, occurrences in due.items():
            policy = self.kinds[key[0]].catch_up
            timely = [o for o in occurrences if policy.lateness is None or now - o.due <= policy.lateness]
            dropped.extend(o for o in occurrences if o not in timely)
            if policy.coalesce and len(timely) > 1:
                coalesced.extend(timely[:-1])
                timely = timely[-1:]
            attempts.extend(_Attempt(o, 1) for o in timely)
        for state, skipped in ((DeliveryState.DROPPED, dropped), (DeliveryState.COALESCED, coalesced)):
            for batch in _batches(skipped, self.settings.batch):
                recorded = await self.ledger.record(
                    batch, owner=self.owner, state=state, now=now,
                    detail="too late to be useful" if state is DeliveryState.DROPPED else "a newer one was sent",
                )
                if state is DeliveryState.DROPPED:
                    report.dropped += recorded
                    for occurrence in batch:
                        log.warning(
                            "dropped %s %s for %s: due %s, now %s is past its lateness window",
                            occurrence.kind, occurrence.subject, occurrence.at.isoformat(),
                            occurrence.due.isoformat(), now.isoformat(),
                        )
                else:
                    report.coalesced += recorded
                    log.info("coalesced %d missed occurrences into newer ones", recorded)
        attempts.sort(key=lambda a: a.occurrence.due)
        return attempts

    async def _take_over(self, now: datetime, report: RunReport) -> None:
        while True:
            rows = await self.ledger.take_over(
                owner=self.owner, now=now, lease=self.settings.lease, limit=self.settings.batch
            )
            if not rows:
                return
            attempts: list[_Attempt] = []
            for row in rows:
                kind = self.kinds.get(row.occurrence.kind)
                lateness = None if kind is None else kind.catch_up.lateness
                if kind is None:
                    await self.ledger.finish([(row.occurrence, DeliveryState.FAILED, "no such schedule kind")],
                                             owner=self.owner, now=now)
                    report.failed += 1
                elif lateness is not None and now - row.occurrence.due > lateness:
                    await self.ledger.finish([(row.occurrence, DeliveryState.DROPPED, "too late to retry")],
                                             owner=self.owner, now=now)
                    report.dropped += 1
                    log.warning("dropped %s %s for %s: too late to retry", row.occurrence.kind,
                                row.occurrence.subject, row.occurrence.at.isoformat())
                else:
                    attempts.append(_Attempt(row.occurrence, row.attempts))
            await self._deliver(attempts, now, report)

    async def _deliver(self, attempts: list[_Attempt], now: datetime, report: RunReport) -> None:
        if not attempts:
            return
        queue = list(reversed(attempts))
        finished: list[tuple[Occurrence, DeliveryState, str]] = []

        async def worker() -> None:
            # A few workers rather than a task per delivery: creating thousands of tasks at once would hold the
            # event loop; each worker yields between deliveries, even when a delivery itself never waits.
            while queue:
                result = await self._deliver_one(queue.pop(), now, report)
                if result is not None:
                    finished.append(result)
                await asyncio.sleep(0)

        await asyncio.gather(*(worker() for _ in range(min(self.settings.concurrency, len(attempts)))))
        if finished:
            await self.ledger.finish(finished, owner=self.owner, now=now)

    async def _deliver_one(
        self, attempt: _Attempt, now: datetime, report: RunReport
    ) -> tuple[Occurrence, DeliveryState, str] | None:
        occurrence = attempt.occurrence
        try:
            outcome = await self.kinds[occurrence.kind].deliver(occurrence)
        except TransientDeliveryError as error:
            return await self._retry(attempt, now, str(error) or type(error).__name__, report)
        except Exception as error:
            log.exception("delivery of %s %s for %s failed", occurrence.kind, occurrence.subject,
                          occurrence.at.isoformat())
            report.failed += 1
            return (occurrence, DeliveryState.FAILED, f"{type(error).__name__}: {error}"[:500])
        if outcome is Outcome.OBSOLETE:
            report.obsolete += 1
            return (occurrence, DeliveryState.OBSOLETE, "")
        report.sent += 1
        return (occurrence, DeliveryState.SENT, "")

    async def _retry(
        self, attempt: _Attempt, now: datetime, detail: str, report: RunReport
    ) -> tuple[Occurrence, DeliveryState, str] | None:
        delays = self.settings.retry_delays
        if attempt.attempts > len(delays):
            log.error("giving up on %s %s for %s after %d attempts: %s", attempt.occurrence.kind,
                      attempt.occurrence.subject, attempt.occurrence.at.isoformat(), attempt.attempts, detail)
            report.failed += 1
            return (attempt.occurrence, DeliveryState.FAILED, detail[:500])
        at = now + delays[attempt.attempts - 1]
        await self.ledger.retry_later(attempt.occurrence, owner=self.owner, at=at, now=now, detail=detail[:500])
        report.retried += 1
        return None


def _batches(items: Iterable[_T], size: int) -> Iterable[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

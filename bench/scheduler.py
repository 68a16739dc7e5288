"""The scheduling engine at scale: 10,000 communities, each with a weekly meeting series and a weekly digest.

Prints one JSON object with:
- `reconcile_seconds`: start-up (load 20,000 schedules, compute each one's next occurrence);
- `rss_mb`: resident memory after start-up;
- `idle_tick_ms`: one `run_due` with nothing due (what the driver pays on every wake-up);
- `lateness_ms` p50/p99/max: for every delivery in a simulated week, how long after its due time the engine
  handed it over, while thousands fall due at the same minute (Monday 09:00 digests in four zones);
- `max_loop_lag_ms`: the longest the event loop went without running another task during that week;
- baselines from the same process: bare dateutil `rrule.after` over the same rules (for reconcile), and bare
  sqlite3 inserts of the same number of ledger rows (for delivery throughput), each with the ratio.

Targets: reconcile under 2 s, under 200 MB, p99 lateness under 1 s.

    python bench/scheduler.py [--communities 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dateutil.rrule import rrulestr

from bot.clock import SimulatedClock
from bot.recurrence import Recurrence
from bot.refs import Platform, WorkspaceRef
from bot.scheduling.engine import Engine, EngineSettings
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule
from storage.database import create_engine_for
from storage.ledger import SqlDeliveryLedger
from storage.migrate import upgrade
from storage.unit_of_work import SqlUnitOfWorkFactory

ZONES = ("Europe/Brussels", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
DAYS = ("MO", "TU", "WE", "TH", "FR")
START = datetime(2026, 3, 22, 12, 0, tzinfo=UTC)  # a Sunday
LOCAL_START = datetime(2026, 3, 22)
WORKSPACES = 100


@dataclass
class TimedKind:
    """Schedules in memory; deliveries cost nothing but are timed against the run that handed them over."""

    kind: str
    catch_up: CatchUp
    schedules_: list[Schedule] = field(default_factory=list)
    run_started: float = 0.0
    lateness: list[float] = field(default_factory=list)

    async def schedules(self) -> list[Schedule]:
        return self.schedules_

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        return next((s for s in self.schedules_ if s.workspace_id == workspace_id and s.subject == subject), None)

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        self.lateness.append(time.perf_counter() - self.run_started)
        return Outcome.SENT


def build_kinds(communities: int, workspace_ids: list[int]) -> tuple[TimedKind, TimedKind]:
    meetings = TimedKind("meeting", CatchUp(lateness=timedelta(hours=1)))
    digests = TimedKind("digest", CatchUp(lateness=None, coalesce=True))
    for index in range(communities):
        workspace = workspace_ids[index % len(workspace_ids)]
        zone = ZONES[index % len(ZONES)]
        meeting = Recurrence(
            rule=f"FREQ=WEEKLY;BYDAY={DAYS[index % len(DAYS)]}",
            start=LOCAL_START.replace(hour=9 + index % 9, minute=(index * 5) % 60), timezone=zone,
        )
        meetings.schedules_.append(Schedule("meeting", workspace, f"series:{index}", meeting, lead=timedelta(hours=1),
                                            community_id=index))
        digest = Recurrence(rule="FREQ=WEEKLY;BYDAY=MO", start=LOCAL_START.replace(hour=9), timezone=zone)
        digests.schedules_.append(Schedule("digest", workspace, f"community:{index}", digest, community_id=index))
    return meetings, digests


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(url: str, communities: int) -> dict[str, object]:
    upgrade(url)
    database = create_engine_for(url)
    uow = SqlUnitOfWorkFactory(database)
    async with uow() as unit:
        workspace_ids = [
            (await unit.workspaces.add(WorkspaceRef(Platform.CONSOLE, f"bench{i}"), f"Bench {i}", START)).id
            for i in range(WORKSPACES)
        ]
        await unit.commit()
    meetings, digests = build_kinds(communities, workspace_ids)
    clock = SimulatedClock(START)
    engine = Engine(kinds=[meetings, digests], ledger=SqlDeliveryLedger(database), clock=clock, owner="bench",
                    settings=EngineSettings(batch=500, concurrency=64))

    started = time.perf_counter()
    await engine.start()
    reconcile = time.perf_counter() - started
    memory = rss_mb()

    idle = []
    for _ in range(20):
        before = time.perf_counter()
        await engine.run_due()
        idle.append(time.perf_counter() - before)

    lags: list[float] = []
    running = True

    async def probe() -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while running:
            await asyncio.sleep(0)
            now = loop.time()
            lags.append(now - last)
            last = now

    probe_task = asyncio.create_task(probe())
    delivered_started = time.perf_counter()
    end = START + timedelta(days=7)
    busiest = 0
    while (wake := engine.next_wake()) is not None and wake <= end:
        clock.set(max(wake, clock.now()))
        meetings.run_started = digests.run_started = time.perf_counter()
        report = await engine.run_due()
        busiest = max(busiest, report.sent)
    delivering = time.perf_counter() - delivered_started
    running = False
    await probe_task
    lateness = meetings.lateness + digests.lateness
    await database.dispose()
    return {
        "reconcile_seconds": round(reconcile, 3),
        "rss_mb": round(memory, 1),
        "idle_tick_ms": round(percentile(idle, 0.5) * 1000, 3),
        "deliveries": len(lateness),
        "largest_batch_due_at_once": busiest,
        "delivery_seconds_for_the_week": round(delivering, 2),
        "lateness_ms": {
            "p50": round(percentile(lateness, 0.5) * 1000, 1),
            "p99": round(percentile(lateness, 0.99) * 1000, 1),
            "max": round(max(lateness, default=0.0) * 1000, 1),
        },
        "max_loop_lag_ms": round(max(lags, default=0.0) * 1000, 1),
    }


def baseline_rrule(communities: int) -> float:
    rules = []
    for index in range(communities):
        rules.append(rrulestr(f"FREQ=WEEKLY;BYDAY={DAYS[index % len(DAYS)]}", dtstart=LOCAL_START.replace(hour=9)))
        rules.append(rrulestr("FREQ=WEEKLY;BYDAY=MO", dtstart=LOCAL_START.replace(hour=9)))
    started = time.perf_counter()
    for rule in rules:
        rule.after(START.replace(tzinfo=None))
    return time.perf_counter() - started


def baseline_sqlite_inserts(folder: Path, rows: int) -> float:
    connection = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE delivery (kind TEXT, subject TEXT, at TEXT, state TEXT, UNIQUE (kind, subject, at))"
    )
    started = time.perf_counter()
    for first in range(0, rows, 500):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO delivery VALUES (?, ?, ?, 'claimed') ON CONFLICT DO NOTHING",
            [("k", f"s{i}", "2026-03-23 08:00:00") for i in range(first, min(rows, first + 500))],
        )
        connection.execute("COMMIT")
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("UPDATE delivery SET state = 'sent' WHERE kind = 'k' AND subject = ?",
                               [(f"s{i}",) for i in range(first, min(rows, first + 500))])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="The scheduling engine at scale.")
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument("--database-url", help="defaults to a fresh SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as name:
        folder = Path(name)
        url = args.database_url or f"sqlite:///{folder / 'hearth.db'}"
        result = asyncio.run(run(url, args.communities))
        rrule_seconds = baseline_rrule(args.communities)
        deliveries = int(str(result["deliveries"]))
        insert_seconds = baseline_sqlite_inserts(folder, deliveries)
    print(json.dumps({
        "benchmark": "scheduler",
        "workload": {
            "communities": args.communities, "schedules": 2 * args.communities, "workspaces": WORKSPACES,
            "zones": list(ZONES), "simulated": "one week", "database": "SQLite file" if not args.database_url
            else "given", "meeting": "weekly, reminder 1 h before", "digest": "weekly, Monday 09:00 local",
        },
        **result,
        "targets": {"reconcile_seconds": 2.0, "rss_mb": 200, "lateness_p99_ms": 1000, "max_loop_lag_ms": 50},
        "baseline": {
            "bare_rrule_after_seconds": round(rrule_seconds, 3),
            "reconcile_ratio": round(float(str(result["reconcile_seconds"])) / rrule_seconds, 2),
            "bare_sqlite_claim_and_mark_seconds": round(insert_seconds, 3),
            "delivery_ratio": round(float(str(result["delivery_seconds_for_the_week"])) / insert_seconds, 2),
        },
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

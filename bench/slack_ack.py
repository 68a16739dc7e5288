"""Ack latency of signed slash commands on Hearth's HTTP endpoint, with the database under write load.

A real Hearth and its real Slack app (Bolt) are served by aiohttp on 127.0.0.1, posting to the fake Slack Web API,
on a fresh SQLite file: the composition of `tests/slack/slack_harness.py`. A client sends `/hearth help`, and every
fourth request `/hearth me --tz <zone>` (a write: the zone changes each time, starting with Europe/Brussels), each
signed exactly as Slack signs it, from a pool of members, at a fixed rate. The load is open: request start times
are fixed on a grid, and each request is timed from its scheduled start, so a server that falls behind shows up as
latency, not as a lower rate. One `aiohttp.ClientSession` (a pool of 100 connections) starts each request as a task.

Ack latency is the time from a request's scheduled start to its HTTP 200: Bolt answers when the listener calls
`ack()`, before the work, and right after the command is recorded in the acknowledgement log (one insert, so
that a stop or a crash loses nothing Slack was told was received). `record_ms` is that insert's own cost, timed
around `AcknowledgementLog.record` in the listener. The work itself (users.info the first time a member is seen,
`Core.handle`, the ephemeral answer posted to the fake, the record deleted) keeps running on the same event loop,
as it does in production.

Meanwhile a second connection to the SQLite file writes: every `1 / --write-rate` seconds one transaction
(`BEGIN IMMEDIATE`, 20 member rows updated, one inserted, `COMMIT`) on a worker thread, so Hearth's own
transactions queue behind it for the write lock.

The baseline is `GET /healthz` on the same server (its health check returns True at once), from the same client,
at the same rate, for the same time, under the same write load, in the same process: what the server stack and the
loop cost before any Slack handling. `ratio` is Hearth's p99 divided by the baseline's.

Prints one JSON object: p50/p99/max, count, errors (anything but 200), the achieved rate, the longest event-loop
stall and the full garbage collections, and what the work after the acks did (how fast it finished, how long it
ran on after the last ack, what it logged as failed). Targets: p99 under 50 ms, none over 3 s (Slack's limit).

    python bench/slack_ack.py [--rate 200] [--seconds 30] [--members 200] [--write-rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.run import settle_garbage_collector
from adapters.settings import Settings
from adapters.slack.installs import SingleWorkspace
from adapters.slack.messenger import Pacer, SlackMessenger
from adapters.web import build_web_app, serve
from adapters.wiring import SlackParts, build_hearth, build_slack_adapter
from bot.acknowledgements import Acknowledged, AcknowledgementLog, Delivery
from bot.refs import MemberRef, Platform, WorkspaceRef
from bot.tenancy import Role

# `tests/` is not an installed package: the fake Slack and the request signing come from the repository itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loop_watch import LoopWatch
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_harness import SECRET, TEAM, sign

ZONES = ("Europe/Brussels", "America/New_York", "Asia/Tokyo")
WRITE_EVERY = 4  # every fourth command is `/hearth me --tz …`
LOAD_ROWS = 1000  # members of a second workspace that the write load updates
UPDATES_PER_WRITE = 20
REQUEST_TIMEOUT = 10.0  # seconds; a request still unanswered then counts as an error
GRACE = 15.0  # seconds after the last scheduled start to wait for answers
SLACK_LIMIT = 3.0
DRAIN = 180.0  # seconds to wait, after the last answer, for the work Bolt runs after acknowledging


@dataclass
class Phase:
    """What one open-loop run measured."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    ok: int = 0
    first_start: float = 0.0
    last_answer: float = 0.0
    lags: list[float] = field(default_factory=list)
    full_collections: list[float] = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self, count: int) -> dict[str, object]:
        span = self.last_answer - self.first_start
        return {
            "count": count,
            "ok": self.ok,
            "errors": sum(self.errors.values()),
            "error_kinds": self.errors,
            "achieved_rate": round(self.ok / span, 1) if span > 0 else 0.0,
            "ack_ms": {
                "p50": ms(percentile(self.latencies, 0.50)),
                "p99": ms(percentile(self.latencies, 0.99)),
                "max": ms(max(self.latencies, default=0.0)),
            },
            "over_3s": sum(1 for latency in self.latencies if latency > SLACK_LIMIT),
            "loop_lag_ms": {"p99": ms(percentile(self.lags, 0.99)), "max": ms(max(self.lags, default=0.0))},
            "full_gc": {"collections": len(self.full_collections),
                        "longest_ms": ms(max(self.full_collections, default=0.0))},
        }


class LogCount(logging.Handler):
    """Counts what Hearth and Bolt log at WARNING and above during a run, instead of printing thousands of lines."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        cause = record.exc_info[1] if record.exc_info else None
        key = f"{record.name}: {record.msg}" + (f" ({type(cause).__name__}: {str(cause)[:90]})" if cause else "")
        self.counts[key] = self.counts.get(key, 0) + 1


class TimedRecords:
    """The acknowledgement log, with the time each `record` (the insert before the ack) took."""

    def __init__(self, inner: AcknowledgementLog) -> None:
        self.inner = inner
        self.seconds: list[float] = []

    async def record(self, delivery: Delivery, payload: Mapping[str, Any], *, at: datetime, answer_until: datetime,
                     acknowledged: bool = True) -> bool:
        started = time.perf_counter()
        try:
            return await self.inner.record(delivery, payload, at=at, answer_until=answer_until,
                                           acknowledged=acknowledged)
        finally:
            self.seconds.append(time.perf_counter() - started)

    async def acknowledge(self, delivery: Delivery) -> None:
        await self.inner.acknowledge(delivery)

    async def finish(self, delivery: Delivery) -> None:
        await self.inner.finish(delivery)

    async def pending(self, platform: str, now: datetime) -> list[Acknowledged]:
        return await self.inner.pending(platform, now)

    async def unfinished(self, platform: str) -> int:
        return await self.inner.unfinished(platform)

    async def renew(self, now: datetime) -> None:
        await self.inner.renew(now)

    async def release(self, now: datetime) -> None:
        await self.inner.release(now)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def open_loop(rate: float, count: int, send: Callable[[int], Awaitable[int]]) -> Phase:
    """Start request `i` at `start + i / rate` whatever happened to the earlier ones; time it from that moment."""
    loop = asyncio.get_running_loop()
    phase = Phase()

    async def one(index: int, scheduled: float) -> None:
        try:
            status = await send(index)
        except TimeoutError:
            phase.error("timeout")
        except aiohttp.ClientError as error:
            phase.error(type(error).__name__)
        else:
            if status == 200:
                phase.ok += 1
            else:
                phase.error(f"http {status}")
        finished = loop.time()
        phase.latencies.append(finished - scheduled)
        phase.last_answer = max(phase.last_answer, finished)

    watch = LoopWatch(phase.lags, phase.full_collections)
    tasks: list[asyncio.Task[None]] = []
    start = phase.first_start = loop.time() + 0.05
    async with watch.watching():
        try:
            for index in range(count):
                scheduled = start + index / rate
                delay = scheduled - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(index, scheduled)))
            _, pending = await asyncio.wait(tasks, timeout=GRACE) if tasks else (set(), set())
            for task in pending:
                task.cancel()
                phase.error("unanswered")
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return phase


class WriteLoad:
    """A second connection writing to the SQLite file at a steady rate, on a worker thread, until stopped."""

    def __init__(self, path: Path, workspace_id: int, rate: float, limit: int) -> None:
        self._path = path
        self._workspace_id = workspace_id
        self._interval = 1 / rate
        self._limit = limit
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection: sqlite3.Connection | None = None
        self._numbers = itertools.count()  # never reset: inserted members need new names in every phase
        self.transactions = 0
        self.seconds_in_transactions = 0.0
        self.locked = 0

    def start(self) -> None:
        self._connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False, timeout=15)
        self._connection.execute("PRAGMA busy_timeout=15000")
        self.transactions = 0
        self.seconds_in_transactions = 0.0
        self.locked = 0
        self._stop.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def report(self) -> dict[str, float]:
        return {
            "transactions": self.transactions,
            "ms_each": ms(self.seconds_in_transactions / max(1, self.transactions)),
            "locked_out": self.locked,
        }

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        done = 0
        while not self._stop.is_set() and done < self._limit:
            try:
                self.seconds_in_transactions += await asyncio.to_thread(self._transaction, next(self._numbers))
                self.transactions += 1
            except sqlite3.OperationalError:
                self.locked += 1
            done += 1
            next_at += self._interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), max(0.0, next_at - loop.time()))

    def _transaction(self, number: int) -> float:
        assert self._connection is not None
        connection = self._connection
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        try:
            first = (number * UPDATES_PER_WRITE) % LOAD_ROWS
            connection.executemany(
                "UPDATE member SET display_name = ?, preferences = ? WHERE workspace_id = ? AND external_id = ?",
                [(f"load {number}", json.dumps({"seen": number}), self._workspace_id, f"L{(first + k) % LOAD_ROWS}")
                 for k in range(UPDATES_PER_WRITE)],
            )
            connection.execute(
                "INSERT INTO member (workspace_id, external_id, display_name, role, preferences, joined_at) "
                "SELECT workspace_id, ?, 'new', role, '{}', joined_at FROM member WHERE workspace_id = ? LIMIT 1",
                (f"N{number}", self._workspace_id),
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return time.perf_counter() - started


def command_body(index: int, members: int, writes: dict[str, int], response_url: str) -> str:
    user = f"U0B{index % members:05d}"
    if index % WRITE_EVERY == WRITE_EVERY - 1:
        turn = writes.get(user, 0)
        writes[user] = turn + 1
        text = f"me --tz {ZONES[turn % len(ZONES)]}"
    else:
        text = "help"
    return urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "hearth-bench", "channel_id": "C0BENCH",
        "channel_name": "bench", "user_id": user, "user_name": user.lower(), "command": "/hearth", "text": text,
        "api_app_id": "A0HEARTH", "response_url": response_url, "trigger_id": f"{index}.42.bench",
    })


async def run(folder: Path, rate: float, seconds: float, members: int, write_rate: float) -> dict[str, object]:
    count = max(1, round(rate * seconds))
    database_path = folder / "hearth.db"
    logged = LogCount()
    logging.getLogger().addHandler(logged)
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(logging.getLogger().removeHandler, logged)
        fake = FakeSlack()
        await fake.start()
        stack.push_async_callback(fake.stop)
        settings = Settings.from_env({
            "DATABASE_URL": f"sqlite:///{database_path}", "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
            # Each bench member sends about one command a second; the default limit would refuse most of them.
            "HEARTH_RATE_LIMIT": "1000000/1s",
        })
        assert settings.slack is not None

        async def no_wait(seconds: float) -> None:
            return None  # the pacer's waits are not slept through

        clients = SingleWorkspace(settings.slack)
        stack.push_async_callback(clients.close)
        messenger = SlackMessenger(clients, Pacer(sleep=no_wait))
        hearth = await build_hearth(settings, messenger=messenger)
        stack.push_async_callback(hearth.close)
        adapter = build_slack_adapter(settings, hearth, SlackParts(clients, messenger))
        records = TimedRecords(adapter.receipts.acknowledgements)
        adapter.receipts.acknowledgements = records
        settle_garbage_collector()  # as `hearth run` does once started

        async def healthy() -> bool:
            return True

        runner = await serve(build_web_app(health=healthy, slack=adapter.edge), "127.0.0.1", 0)
        stack.push_async_callback(runner.cleanup)
        host, port = runner.addresses[0][:2]
        base = f"http://{host}:{port}"

        # The second workspace whose members the write load keeps changing.
        async with hearth.uow() as uow:
            load_workspace = WorkspaceRef(Platform.SLACK, "T0LOAD")
            workspace = await uow.workspaces.add(load_workspace, "Load", hearth.clock.now())
            for n in range(LOAD_ROWS):
                await uow.members.add(workspace.id, MemberRef(load_workspace, f"L{n}"), display_name=f"L{n}",
                                      role=Role.MEMBER, at=hearth.clock.now())
            await uow.commit()
        load = WriteLoad(database_path, workspace.id, write_rate, limit=int(write_rate * (seconds + GRACE + DRAIN + 5)))
        stack.push_async_callback(load.stop)

        http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100), timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        )
        stack.push_async_callback(http.close)

        async def health(index: int) -> int:
            async with http.get(f"{base}/healthz") as response:
                await response.read()
                return response.status

        writes: dict[str, int] = {}

        turned_away = [0]

        async def slash(index: int) -> int:
            body = command_body(index, members, writes, f"{fake.base_url}hooks.response")  # loopback only
            headers = {**sign(body), "Content-Type": "application/x-www-form-urlencoded"}
            async with http.post(f"{base}/slack/events", data=body.encode(), headers=headers) as response:
                if await response.read():  # an acknowledgement with text: "Hearth is very busy right now…"
                    turned_away[0] += 1
                return response.status

        # Warm up both routes (connections, Bolt's auth.test, imports), outside the measurement.
        for index in range(5):
            await health(index)
        await slash(count)
        await adapter.in_flight.wait_idle(GRACE)
        fake.calls.clear()
        records.seconds.clear()

        load.start()
        baseline = await open_loop(rate, count, health)
        await load.stop()
        baseline_writes = load.report()

        logged.counts.clear()
        load.start()
        hearth_phase = await open_loop(rate, count, slash)
        last_ack = asyncio.get_running_loop().time()
        try:
            await adapter.in_flight.wait_idle(DRAIN)
            drained: float | None = asyncio.get_running_loop().time() - last_ack
        except TimeoutError:
            drained = None
        await load.stop()
        hearth_writes = load.report()
        left_recorded = await records.unfinished(Platform.SLACK.value)

    posts = fake.calls_to("chat.postEphemeral")
    work_span = (posts[-1].at - hearth_phase.first_start) if posts else 0.0
    hearth_summary = hearth_phase.summary(count)
    baseline_summary = baseline.summary(count)
    hearth_p99 = percentile(hearth_phase.latencies, 0.99)
    baseline_p99 = percentile(baseline.latencies, 0.99)
    return {
        "hearth": {
            **hearth_summary,
            "after_ack": {
                "work_still_running_after_last_answer_s": round(drained, 2) if drained is not None
                else f"over {DRAIN:g}",
                "ephemeral_posts": len(posts),
                "turned_away_as_busy": turned_away[0],
                "answers_posted_per_second": round(len(posts) / work_span, 1) if work_span > 0 else 0.0,
                "users_info_calls": len(fake.calls_to("users.info")),
                "logged": logged.counts,
            },
            "record_ms": {
                "what": "the insert before each ack (AcknowledgementLog.record), inside the ack latency",
                "count": len(records.seconds),
                "p50": ms(percentile(records.seconds, 0.50)),
                "p99": ms(percentile(records.seconds, 0.99)),
                "max": ms(max(records.seconds, default=0.0)),
            },
            "recorded_and_unfinished_after_the_run": left_recorded,
            "write_load": hearth_writes,
        },
        "baseline": {
            "what": "GET /healthz on the same aiohttp server and client (health check returns True at once)",
            **baseline_summary,
            "write_load": baseline_writes,
        },
        "ratio": round(hearth_p99 / baseline_p99, 2) if baseline_p99 > 0 else None,
        "within_targets": hearth_p99 < 0.050 and not any(latency > SLACK_LIMIT for latency in hearth_phase.latencies),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each phase sends")
    parser.add_argument("--members", type=int, default=200, help="distinct Slack users sending the commands")
    parser.add_argument("--write-rate", type=float, default=50.0, help="write-load transactions per second")
    args = parser.parse_args(argv)
    if min(args.rate, args.seconds, args.members, args.write_rate) <= 0:
        parser.error("--rate, --seconds, --members and --write-rate must be above zero")
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as name:
        result = asyncio.run(run(Path(name), args.rate, args.seconds, args.members, args.write_rate))
    print(json.dumps({
        "benchmark": "slack_ack",
        "workload": {
            "rate_per_second": args.rate, "seconds": args.seconds,
            "requests_each": max(1, round(args.rate * args.seconds)),
            "members": args.members, "commands": f"/hearth help; every {WRITE_EVERY}th /hearth me --tz <zone>",
            "signed": "v0 HMAC-SHA256, as Slack", "server": "aiohttp on 127.0.0.1, Bolt AsyncApp, fake Slack Web API",
            "client": "one aiohttp ClientSession, 100 connections, open loop (timed from the scheduled start)",
            "database": "SQLite file, WAL",
            "write_load": f"{args.write_rate:g} transactions/s on a second connection: BEGIN IMMEDIATE, "
                          f"{UPDATES_PER_WRITE} member updates, 1 insert, COMMIT",
        },
        **result,
        "targets": {"ack_p99_ms": 50, "ack_max_ms": int(SLACK_LIMIT * 1000)},
        "python": sys.version.split()[0],
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

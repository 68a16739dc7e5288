"""Discord gateway: MESSAGE_CREATE frames turned into recorded activity per second, and slash-command answer latency.

Both with the database under write load.

A real Hearth, its real Discord adapter (`adapters/discord/app.py`) and a real discord.py client connected to the
fake Discord (`tests/discord/fake_discord.py`: REST and gateway WebSocket on 127.0.0.1), composed as in
`tests/discord/discord_harness.py`, on a fresh SQLite file. Hearth does not store activity yet, so the bench adds
the core handler a later feature will be: for every `MessagePosted` it writes one row (guild, channel, member,
time; metadata only, never the text) into a table of its own, `bench_activity`, in the same database through
Hearth's own engine and pool.

Messages. The fake sends `--messages` MESSAGE_CREATE frames (empty content, as without the message-content
intent) from `--authors` members over `--channels` text channels, all at once as fast as its socket takes them
(or `--message-rate` a second). discord.py turns each into `on_message` (a task of its own), the adapter into
`MessagePosted`, and `Core.handle` runs the middleware (bot filter, rate limit, resolving workspace, member and
community in one transaction, permission) and then the recorder. The figure is messages per second from the first
frame sent to the moment the last row is committed; `lost` are those never recorded (the wait ends after 40 s
without progress). The baseline is the same rows written by the same recorder directly, one after another, outside
Discord and the core, under the same write load; `ratio` is the adapter's rate divided by the baseline's.
`core_direct`, to show where the time goes, hands the same messages as `MessagePosted` to `Core.handle` directly,
one after another: the middleware and the recorder without discord.py and without concurrency.

Interactions. `/hearth setup` once, then `--interactions` slash commands `/hearth settings` from `--members`
members at a steady `--rate`, open loop (each dispatched at its scheduled time whatever happened to the earlier
ones). Latency is from `time.monotonic()` just before the fake sends the INTERACTION_CREATE to the `Call.at` at
which the fake received the interaction's callback POST (`time.monotonic()` too). A callback of type 5 is a
deferral ("Hearth is thinking…", sent when the core is still busy after `DEFER_AFTER`, 2 s); Discord drops an
interaction unanswered after 3 s. They run twice: alone (write load only), then together with the messages (both
start at once; `during_messages` counts those dispatched before the last message was recorded).

Write load: a second connection (a synchronous SQLAlchemy engine, on a worker thread) writes every
`1 / --write-rate` seconds one transaction to a table of the bench's own, `bench_load`: 20 rows updated, one
inserted (on SQLite `BEGIN IMMEDIATE`, as Hearth's own transactions, so Hearth queues behind it for the write lock).

`--database-url postgresql+psycopg://…` runs on PostgreSQL instead: Hearth's schema and the bench's tables go into
a new schema `hearth_bench_<random>` that is dropped at the end. A `sqlite:///…` URL must name a file that does not
exist yet (it is left behind).

Prints one JSON object. Targets: every message recorded; no interaction deferred or answered after 3 s.

    python bench/discord_gateway.py [--messages 5000] [--message-rate 0] [--interactions 300] [--rate 20]
                                    [--write-rate 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord.inbound import workspace
from adapters.run import settle_garbage_collector
from adapters.wiring import Hearth
from bot.context import EventContext, Route
from bot.events import Actor, InboundEvent, MessagePosted
from bot.refs import ChannelRef, MemberRef, MessageRef
from storage.database import create_migration_engine

# `tests/` is not an installed package: the fake Discord and the harness come from the repository itself.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loop_watch import LoopWatch
from tests.discord.discord_harness import DiscordWorld, discord_world, subcommand
from tests.discord.fake_discord import JSON, Call, FakeDiscord

DISCORD_LIMIT = 3.0  # seconds Discord waits for an interaction's first answer
LOAD_ROWS = 1000
UPDATES_PER_WRITE = 20
STALL = 40.0  # seconds without a message recorded before the rest count as lost (SQLAlchemy's pool waits 30 s)
GRACE = 20.0  # seconds after the last message was recorded (or the last dispatch) to wait for callbacks
CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback")

bench_tables = MetaData()
activity = Table(
    "bench_activity", bench_tables,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("member", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
load_table = Table(
    "bench_load", bench_tables,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("seen", Integer, nullable=False),
)


# --- measuring helpers ----------------------------------------------------------------------------------------

def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


class LogCount(logging.Handler):
    """Counts what Hearth and discord.py log at WARNING and above, instead of printing thousands of lines."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        cause = record.exc_info[1] if record.exc_info else None
        first = record.args[0] if isinstance(record.args, tuple) and record.args else None
        key = f"{record.name}: {record.msg}" + (f" [{first}]" if isinstance(first, str) else "") + (
            f" ({type(cause).__name__}: {str(cause)[:90]})" if cause else "")
        self.counts[key] = self.counts.get(key, 0) + 1


class LoopReport(LoopWatch):
    """The loop watch, reported in the JSON's units."""

    def report(self) -> dict[str, object]:
        return {
            "loop_lag_ms": {"p99": ms(percentile(self.lags, 0.99)), "max": ms(max(self.lags, default=0.0))},
            "full_gc": {"collections": len(self.full_collections),
                        "longest_ms": ms(max(self.full_collections, default=0.0))},
        }


# --- the activity recorder --------------------------------------------------------------------------------------

class ActivityRecorder:
    """A core handler writing one `bench_activity` row per `MessagePosted`: what a later feature will store."""

    def __init__(self) -> None:
        self.engine: AsyncEngine | None = None
        self.reached_core = 0  # `match` runs in `Core.handle` before the middleware
        self.last_reached_at = 0.0
        self.recorded = 0
        self.last_recorded_at = 0.0
        self._target = 0
        self.all_recorded = asyncio.Event()

    def expect(self, count: int) -> None:
        self.reached_core = self.recorded = 0
        self._target = count
        self.all_recorded.clear()

    def match(self, event: InboundEvent) -> Route | None:
        if not isinstance(event, MessagePosted):
            return None
        self.reached_core += 1
        self.last_reached_at = time.monotonic()
        return Route("bench activity", self._run, interactive=False)

    async def _run(self, ctx: EventContext) -> None:
        event = ctx.event
        assert isinstance(event, MessagePosted)
        await self.record(event.channel.workspace.id, event.channel.id, event.actor.member.id, event.at)

    async def record(self, guild: str, channel: str, member: str, at: datetime) -> None:
        assert self.engine is not None
        async with self.engine.begin() as connection:
            await connection.execute(insert(activity).values(guild=guild, channel=channel, member=member, at=at))
        self.recorded += 1
        self.last_recorded_at = time.monotonic()
        if self.recorded >= self._target:
            self.all_recorded.set()

    async def wait_all(self) -> bool:
        """True once every expected row is written; False after `STALL` seconds without a new one."""
        seen = -1
        while not self.all_recorded.is_set():
            if self.recorded == seen:
                return False
            seen = self.recorded
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.all_recorded.wait(), STALL)
        return True


# --- the write load ---------------------------------------------------------------------------------------------

class WriteLoad:
    """A second connection writing to the database at a steady rate, on a worker thread, until stopped."""

    def __init__(self, engine: Engine, rate: float) -> None:
        self._engine = engine
        self._interval = 1 / rate
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._numbers = itertools.count()
        self.transactions = 0
        self.seconds_in_transactions = 0.0
        self.failed = 0
        self._started = 0.0

    def fill(self) -> None:
        with self._engine.begin() as connection:
            connection.execute(insert(load_table), [{"name": f"L{n}", "seen": 0} for n in range(LOAD_ROWS)])

    def start(self) -> None:
        self.transactions = 0
        self.seconds_in_transactions = 0.0
        self.failed = 0
        self._started = time.monotonic()
        self._stop.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict[str, float]:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        seconds = time.monotonic() - self._started
        return {"transactions": self.transactions, "per_second": round(self.transactions / seconds, 1),
                "ms_each": ms(self.seconds_in_transactions / max(1, self.transactions)), "failed": self.failed}

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while not self._stop.is_set():
            try:
                self.seconds_in_transactions += await asyncio.to_thread(self._transaction, next(self._numbers))
                self.transactions += 1
            except Exception:
                self.failed += 1
            next_at += self._interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), max(0.0, next_at - loop.time()))

    def _transaction(self, number: int) -> float:
        started = time.perf_counter()
        first = (number * UPDATES_PER_WRITE) % LOAD_ROWS
        with self._engine.begin() as connection:
            connection.execute(
                text("UPDATE bench_load SET seen = :seen, name = :name WHERE id = :row"),
                [{"seen": number, "name": f"load {number}", "row": (first + k) % LOAD_ROWS + 1}
                 for k in range(UPDATES_PER_WRITE)],
            )
            connection.execute(insert(load_table).values(name=f"N{number}", seen=number))
        return time.perf_counter() - started


# --- the fake, with more than one channel ----------------------------------------------------------------------

class BenchDiscord(FakeDiscord):
    """The fake Discord with `channels` text channels in its guild instead of one."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.text_channels = [self.channel_id]
        for number in range(1, channels):
            channel_id = self.snowflake()
            self.channels[channel_id] = {**self._text_channel(), "id": channel_id, "name": f"bench-{number}",
                                         "position": number}
            self.text_channels.append(channel_id)

    def guild_payload(self) -> JSON:
        payload = super().guild_payload()
        payload["channels"] = [{k: v for k, v in self.channels[c].items() if k != "guild_id"}
                               for c in self.text_channels]
        return payload


# --- interactions ------------------------------------------------------------------------------------------------

@dataclass
class Interactions:
    """One open-loop run of slash commands: when each was dispatched, and the callbacks the fake received."""

    dispatched: dict[str, float] = field(default_factory=dict)  # interaction id → monotonic time of dispatch
    first_dispatch: float = 0.0
    last_dispatch: float = 0.0

    def callbacks(self, fake: FakeDiscord) -> dict[str, Call]:
        found: dict[str, Call] = {}
        for call in fake.calls:
            if call.method == "POST" and (match := CALLBACK.fullmatch(call.path)) and match[1] in self.dispatched:
                found.setdefault(match[1], call)
        return found

    def summary(self, fake: FakeDiscord, messages_done_at: float | None = None) -> dict[str, object]:
        callbacks = self.callbacks(fake)
        latencies = [callbacks[i].at - at for i, at in self.dispatched.items() if i in callbacks]
        deferred = [i for i, call in callbacks.items() if (call.json or {}).get("type") == 5]
        # A deferred command's answer replaces the thinking message: PATCH …/messages/@original.
        finals: dict[str, float] = {}
        for call in fake.calls:
            if call.method == "PATCH" and call.path.endswith("/messages/@original"):
                token = call.path.split("/")[3]
                finals.setdefault(token.removeprefix("interaction-token-"), call.at)
        after_defer = [finals[i] - self.dispatched[i] for i in deferred if i in finals]
        span = self.last_dispatch - self.first_dispatch
        result: dict[str, object] = {
            "count": len(self.dispatched),
            "achieved_rate": round((len(self.dispatched) - 1) / span, 1) if span > 0 else 0.0,
            "answered": len(callbacks),
            "unanswered": len(self.dispatched) - len(callbacks),
            "callback_ms": {"p50": ms(percentile(latencies, 0.50)), "p99": ms(percentile(latencies, 0.99)),
                            "max": ms(max(latencies, default=0.0))},
            "deferred": len(deferred),
            "over_3s": sum(1 for latency in latencies if latency > DISCORD_LIMIT),
            "deferred_answer_ms_max": ms(max(after_defer, default=0.0)),
        }
        if messages_done_at is not None:
            result["during_messages"] = sum(1 for at in self.dispatched.values() if at < messages_done_at)
        return result


async def open_loop_commands(world: DiscordWorld, users: list[JSON], count: int, rate: float) -> Interactions:
    """Dispatch `/hearth settings` number `i` at `start + i / rate`, whatever happened to the earlier ones."""
    run = Interactions()
    start = time.monotonic() + 0.01
    for index in range(count):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        payload = world.fake.interaction_payload("hearth", options=[subcommand("settings")],
                                                 user=users[index % len(users)])
        at = time.monotonic()
        await world.fake.dispatch("INTERACTION_CREATE", payload)
        run.dispatched[payload["id"]] = at
        run.first_dispatch = run.first_dispatch or at
        run.last_dispatch = at
    return run


async def wait_for_callbacks(fake: FakeDiscord, run: Interactions, deadline: float) -> None:
    # Polls ten times a second rather than waking on the fake's condition: that would rescan every call the fake
    # received after each new one, on the event loop being measured.
    while time.monotonic() < deadline and len(run.callbacks(fake)) < len(run.dispatched):  # noqa: ASYNC110
        await asyncio.sleep(0.1)


# --- the run -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Workload:
    messages: int
    authors: int
    channels: int
    interactions: int
    members: int
    rate: float
    write_rate: float
    message_rate: float = 0.0  # 0: as fast as the fake's socket takes them


def message_frames(fake: BenchDiscord, count: int, authors: list[JSON]) -> list[JSON]:
    """`count` MESSAGE_CREATEs without content, by turns from each author, spread over the guild's channels."""
    channels = fake.text_channels
    return [fake.message_payload("", author=authors[n % len(authors)], channel_id=channels[(n * 7) % len(channels)])
            for n in range(count)]


async def run(database_url: str, workload: Workload) -> dict[str, object]:
    recorder = ActivityRecorder()
    logged = LogCount()
    logging.getLogger().addHandler(logged)

    def customize(hearth: Hearth) -> None:
        recorder.engine = hearth.database
        hearth.core.handlers.append(recorder)

    fake = BenchDiscord(workload.channels)
    await fake.start()
    load_engine = create_migration_engine(database_url)
    try:
        # Members may send a command every 50 ms here; the default limit (20 a minute) would refuse most.
        async with discord_world(database_url, fake=fake, customize=customize,
                                 env={"HEARTH_RATE_LIMIT": "1000000/1s"}) as world:
            async with world.hearth.database.begin() as connection:
                await connection.run_sync(bench_tables.create_all)
            load = WriteLoad(load_engine, workload.write_rate)
            await asyncio.to_thread(load.fill)

            setup = await world.command("hearth", subcommand("setup"))
            await world.answer(setup)
            users = [fake.user_payload(fake.snowflake(), f"member{n}") for n in range(workload.members)]
            # Warm up (connections, imports, the member rows of those who send commands), outside the measurement.
            authors = [fake.user_payload(fake.snowflake(), f"author{n}") for n in range(workload.authors)]
            recorder.expect(workload.channels)
            for frame in message_frames(fake, workload.channels, authors[:1]):
                await fake.dispatch("MESSAGE_CREATE", frame)
            warm = await open_loop_commands(world, users, len(users), 100.0)
            await wait_for_callbacks(fake, warm, time.monotonic() + 10)
            await asyncio.wait_for(recorder.all_recorded.wait(), 10)
            settle_garbage_collector()  # as `hearth run` does once started

            # 1. Baseline: the same rows through the same recorder, directly, one after another.
            frames = message_frames(fake, workload.messages, authors)
            rows = [(str(frame["guild_id"]), str(frame["channel_id"]), str(frame["author"]["id"]))
                    for frame in frames]
            recorder.expect(len(rows))
            load.start()
            started = time.monotonic()
            for guild, channel_id, member in rows:
                await recorder.record(guild, channel_id, member, datetime.now(UTC))
            baseline_seconds = time.monotonic() - started
            baseline_load = await load.stop()

            # 1b. Where the time goes: the same messages as `MessagePosted` straight into `Core.handle`, one after
            # another (middleware and recorder, no discord.py, no concurrency).
            names = {str(author["id"]): str(author["global_name"]) for author in authors}
            recorder.expect(len(rows))
            load.start()
            started = time.monotonic()
            for number, (guild, channel_id, member) in enumerate(rows):
                where = ChannelRef(workspace(guild), channel_id)
                await world.hearth.core.handle(MessagePosted(
                    Actor(MemberRef(where.workspace, member), names[member]), where, datetime.now(UTC),
                    MessageRef(where, str(number))))
            core_seconds = time.monotonic() - started
            core_recorded = recorder.recorded
            core_load = await load.stop()

            # 2. Interactions alone, under the write load.
            load.start()
            alone = await open_loop_commands(world, users, workload.interactions, workload.rate)
            await wait_for_callbacks(fake, alone, alone.last_dispatch + GRACE)
            alone_load = await load.stop()

            # 3. The messages through the gateway, with the interactions at the same time, under the write load.
            logged.counts.clear()
            recorder.expect(len(frames))
            watch = LoopReport()
            load.start()
            async with watch.watching():
                started = time.monotonic()
                commands = asyncio.create_task(
                    open_loop_commands(world, users, workload.interactions, workload.rate))
                for number, frame in enumerate(frames):
                    if workload.message_rate > 0:
                        delay = started + number / workload.message_rate - time.monotonic()
                        if delay > 0:
                            await asyncio.sleep(delay)
                    await fake.dispatch("MESSAGE_CREATE", frame)
                sent_seconds = time.monotonic() - started
                complete = await recorder.wait_all()
                reached_seconds = recorder.last_reached_at - started
                messages_seconds = recorder.last_recorded_at - started
                together = await commands
                await wait_for_callbacks(fake, together,
                                         max(together.last_dispatch, recorder.last_recorded_at) + GRACE)
            together_load = await load.stop()
            recorded, reached_core = recorder.recorded, recorder.reached_core

            async with world.hearth.database.begin() as connection:
                await connection.run_sync(bench_tables.drop_all)
    finally:
        await fake.stop()
        load_engine.dispose()
        logging.getLogger().removeHandler(logged)

    adapter_rate = recorded / messages_seconds if messages_seconds > 0 else 0.0
    baseline_rate = len(rows) / baseline_seconds
    during = together.summary(fake, recorder.last_recorded_at)
    return {
        "messages": {
            "sent": len(frames),
            "frames_sent_in_s": round(sent_seconds, 2),
            "reached_core": reached_core,
            "last_reached_core_after_s": round(reached_seconds, 2),
            "recorded": recorded,
            "lost": len(frames) - recorded,
            "all_recorded": complete,
            "first_sent_to_last_recorded_s": round(messages_seconds, 2),
            "per_second": round(adapter_rate, 1),
            "baseline": {"what": "the same rows, same recorder, written directly one after another",
                         "seconds": round(baseline_seconds, 2), "per_second": round(baseline_rate, 1),
                         "write_load": baseline_load},
            "ratio": round(adapter_rate / baseline_rate, 3),
            "core_direct": {"what": "the same messages as MessagePosted into Core.handle, one after another",
                            "recorded": core_recorded, "seconds": round(core_seconds, 2),
                            "per_second": round(core_recorded / core_seconds, 1), "write_load": core_load},
            "write_load": together_load,
            **watch.report(),
        },
        "interactions": {
            "with_messages": {**during, "write_load": together_load},
            "alone": {**alone.summary(fake), "write_load": alone_load},
        },
        "logged": logged.counts,
        "within_targets": complete and recorded == len(frames) and all(
            summary["deferred"] == 0 and summary["over_3s"] == 0 and summary["unanswered"] == 0
            for summary in (during, alone.summary(fake))),
    }


@contextlib.contextmanager
def database(url: str | None) -> Iterator[tuple[str, str]]:
    """The URL to run on and how to describe it: a new SQLite file by default, or a new PostgreSQL schema."""
    if url is None:
        with tempfile.TemporaryDirectory(prefix="hearth-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'hearth.db'}", "SQLite file (temporary), WAL"
        return
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        if parsed.database is None or Path(parsed.database).exists():
            raise SystemExit("--database-url: name a SQLite file that does not exist yet")
        yield url, f"SQLite file {parsed.database}, WAL"
        return
    if parsed.drivername != "postgresql+psycopg":
        raise SystemExit("--database-url: use sqlite:///path or postgresql+psycopg://user@host:port/database")
    schema = f"hearth_bench_{secrets.token_hex(5)}"
    admin = create_migration_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            scoped = parsed.update_query_dict({"options": f"-csearch_path={schema}"})
            yield scoped.render_as_string(hide_password=False), f"PostgreSQL, schema {schema} (dropped after)"
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=5000, help="MESSAGE_CREATE frames the fake sends")
    parser.add_argument("--authors", type=int, default=200, help="distinct members posting them")
    parser.add_argument("--channels", type=int, default=10, help="text channels they are posted in")
    parser.add_argument("--message-rate", type=float, default=0.0,
                        help="MESSAGE_CREATE frames per second; 0 (the default): all at once, as fast as the socket "
                             "takes them")
    parser.add_argument("--interactions", type=int, default=300, help="slash commands in each interaction run")
    parser.add_argument("--members", type=int, default=50, help="distinct members sending the commands")
    parser.add_argument("--rate", type=float, default=20.0, help="slash commands per second")
    parser.add_argument("--write-rate", type=float, default=50.0, help="write-load transactions per second")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    if min(args.messages, args.authors, args.channels, args.interactions, args.members) < 1 or \
            min(args.rate, args.write_rate) <= 0 or args.message_rate < 0:
        parser.error("every count must be at least 1, --rate and --write-rate above zero, --message-rate not below")
    workload = Workload(args.messages, args.authors, args.channels, args.interactions, args.members, args.rate,
                        args.write_rate, args.message_rate)
    with database(args.database_url) as (url, described):
        result = asyncio.run(run(url, workload))
    print(json.dumps({
        "benchmark": "discord_gateway",
        "workload": {
            "messages": args.messages, "authors": args.authors, "channels": args.channels,
            "message_rate_per_second": args.message_rate or "all at once",
            "message_content": "empty (no message-content intent)",
            "interactions_each_run": args.interactions, "command": "/hearth settings (after /hearth setup once)",
            "command_members": args.members, "command_rate_per_second": args.rate,
            "gateway": "fake Discord on 127.0.0.1 (plain JSON text frames), real discord.py client and adapter",
            "recorder": "a core handler: one INSERT (guild, channel, member, time) per MessagePosted, own table",
            "database": described,
            "write_load": f"{args.write_rate:g} transactions/s on a second connection: {UPDATES_PER_WRITE} "
                          f"row updates, 1 insert",
        },
        **result,
        "targets": {"lost_messages": 0, "deferred": 0, "over_3s": 0},
        "python": sys.version.split()[0],
    }, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

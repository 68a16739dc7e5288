"""Member messages per second recorded through `Core.handle`, while commands keep their latency.

Prints one JSON object: a burst of member messages (posts, replies and reactions in one community's channel, from
members Hearth already knows) handed to `Core.handle` as an adapter does, with a command (`/hearth settings`)
interleaved every `--every` events; the events per second handled, and recorded (until the last row is committed
by the activity writer, bot/activity/writer.py), and the p50/p99 latency of the interleaved commands. As the
baseline, in the same process, a bare driver `executemany` of the same rows into the same table of the same
database afterwards (its indexes and foreign keys), as many rows a transaction as the writer's units of work hold
(`sqlite3` with Hearth's pragmas, or psycopg). `ratio` is Hearth's recorded events per second divided by the
baseline's rows per second.

    python bench/activity.py [--events 100000] [--members 200] [--every 500] [--database-url postgresql+psycopg://…]
    python bench/activity.py --profile   # also: where the time of handling one event goes (cProfile)
    python bench/activity.py --communities 0   # without the rule evaluation below

Then, under `rule_evaluation`, what the record is for: the time to evaluate every nudge rule for `--communities`
communities of `--members` members with a year of activity (bench/nudge_rounds.py, on a database of its own of the
same kind).

Events arrive in slices of `--slice` (the events a platform connection hands over between two reads); between
slices the event loop runs everything else (the writer, the commands). With `--database-url` (PostgreSQL) the run
uses a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, make_url, select

from adapters.settings import Settings
from adapters.wiring import Hearth, build_hearth
from bot.clock import SimulatedClock
from bot.events import Actor, CommandInvoked, InboundEvent, MessagePosted, ReactionAdded
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from storage.tables import ActivityRow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dispatch import Silent, percentile, postgres_schema

WORKSPACE = WorkspaceRef(Platform.CONSOLE, "bench")
CHANNEL = ChannelRef(WORKSPACE, "general")
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ACTIVITY = ActivityRow.__table__  # type: ignore[attr-defined]


def burst(actors: list[Actor], events: int) -> list[InboundEvent]:
    """Three posts (some questions, some with links), a reply and a reaction in every five events."""
    made: list[InboundEvent] = []
    for n in range(events):
        actor, at = actors[n % len(actors)], T0 + timedelta(milliseconds=n)
        if n % 5 == 4:
            made.append(ReactionAdded(actor, CHANNEL, at, MessageRef(CHANNEL, f"{n - 4}.000100"), "eyes"))
        elif n % 5 == 3:
            made.append(MessagePosted(actor, CHANNEL, at, MessageRef(CHANNEL, f"{n}.000100"),
                                      thread=MessageRef(CHANNEL, f"{n - 3}.000100")))
        else:
            made.append(MessagePosted(actor, CHANNEL, at, MessageRef(CHANNEL, f"{n}.000100"),
                                      is_question=n % 3 == 0, links=("https://example.org",) if n % 7 == 0 else ()))
    return made


def rows_of(events: list[InboundEvent], ids: dict[str, int], *, sqlite: bool) -> list[tuple[Any, ...]]:
    """The rows Hearth stores for `events`, as the driver takes them: `ids` are the database's ids of the
    workspace ("workspace"), the community ("community") and each member (by their platform id)."""
    rows: list[tuple[Any, ...]] = []
    for event in events:
        assert isinstance(event, MessagePosted | ReactionAdded)
        at: Any = event.at.astimezone(UTC)
        if sqlite:
            at = at.strftime("%Y-%m-%d %H:%M:%S.%f")  # the text SQLAlchemy stores in SQLite
        head = (ids["workspace"], ids["community"], ids[event.actor.member.id], CHANNEL.id, at)
        if isinstance(event, ReactionAdded):
            rows.append((*head, "reaction", event.message.id, None, False, False))
        else:
            rows.append((*head, "reply" if event.thread else "post", event.message.id,
                         event.thread.id if event.thread else None, event.is_question, bool(event.links)))
    return rows


async def prepare(database_url: str, members: int) -> tuple[Hearth, Silent, list[Actor]]:
    settings = replace(Settings.from_env({}), database_url=database_url, rate_limit_count=1_000_000,
                       poll_key=bytes(range(32)))
    silent = Silent()
    clock = SimulatedClock(T0)
    hearth = await build_hearth(settings, messenger=silent, clock=clock)
    actors = [Actor(MemberRef(WORKSPACE, f"member{i}"), f"member{i}") for i in range(members)]
    await hearth.core.handle(command(actors[0], "setup --name Bench"), silent)
    # Every member is known before the burst: the first message of a new member records them.
    for actor in actors:
        await hearth.core.handle(command(actor, "settings"), silent)
    return hearth, silent, actors


def command(actor: Actor, text: str) -> CommandInvoked:
    return CommandInvoked(actor=actor, channel=CHANNEL, at=T0, command="hearth", text=text, channel_name="general")


async def hearth_run(database_url: str, events: int, members: int, every: int, slice_: int,
                     ) -> tuple[dict[str, float | int | bool], dict[str, int]]:
    hearth, silent, actors = await prepare(database_url, members)
    made = burst(actors, events)
    latencies: list[float] = []
    commands: list[asyncio.Task[None]] = []

    async def timed_command(actor: Actor) -> None:
        before = time.perf_counter()
        await hearth.core.handle(command(actor, "settings"), silent)
        latencies.append(time.perf_counter() - before)

    core = hearth.core
    hearth.activity.start()
    started = time.perf_counter()
    for n, event in enumerate(made, start=1):
        await core.handle(event, silent)
        if n % every == 0:
            commands.append(asyncio.create_task(timed_command(actors[n % members])))
        if n % slice_ == 0:
            await asyncio.sleep(0)  # the next read from the platform: everything else runs meanwhile
    handled = time.perf_counter() - started
    await asyncio.gather(*commands)
    await hearth.activity.stop()  # writes what still waits
    recorded = time.perf_counter() - started
    written = hearth.activity.written
    async with hearth.uow(read_only=True) as uow:
        stored = int((await uow.run(select(func.count()).select_from(ACTIVITY))).scalar_one())
        workspace = await uow.workspaces.get(WORKSPACE)
        assert workspace is not None
        community = await uow.communities.get_by_channel(workspace.id, CHANNEL)
        known = await uow.members.get_many(workspace.id, [actor.member for actor in actors])
    assert community is not None
    ids = {"workspace": workspace.id, "community": community.id} | {ref.id: m.id for ref, m in known.items()}
    await hearth.close()
    return {
        "events": events,
        "handled_per_second": round(events / handled, 1),
        "recorded_per_second": round(events / recorded, 1),
        "rows_stored": stored,
        "exactly_once": stored == written == events,
        "commands": len(latencies),
        "command_p50_ms": round(percentile(latencies, 0.50) * 1000, 3),
        "command_p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        "command_max_ms": round(max(latencies) * 1000, 3),
    }, ids


async def profile_run(database_url: str, members: int, events: int) -> list[dict[str, Any]]:
    """Where handling one event goes (cProfile over the burst, without writing it): the ten costliest functions by
    their own time, as microseconds per event."""
    hearth, silent, actors = await prepare(database_url, members)
    made = burst(actors, events)
    profiler = cProfile.Profile()
    profiler.enable()
    for event in made:
        await hearth.core.handle(event, silent)
    profiler.disable()
    await hearth.close()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    rows = []
    for (filename, line, name), (_calls, calls, own, total, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{Path(filename).name}:{line}:{name}", "calls_per_event": round(calls / events, 2),
                     "own_us_per_event": round(own / events * 1e6, 2), "total_us_per_event":
                     round(total / events * 1e6, 2)})
    rows.sort(key=lambda row: -float(row["own_us_per_event"]))
    return rows[:12]


INSERT = ("INSERT INTO activity (workspace_id, community_id, member_id, channel_id, at, kind, message_id, thread_id, "
          "is_question, has_links) VALUES ({})".format(", ".join(["{}"] * 10)))


def sqlite_baseline(path: Path, rows: list[tuple[Any, ...]], batch: int) -> dict[str, float]:
    """Bare sqlite3 with Hearth's pragmas: the same rows into Hearth's own table, `batch` a transaction."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout=15000", "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INSERT.replace("{}", "?"), rows[start:start + batch])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return {"rows_per_second": round(len(rows) / elapsed, 1)}


def postgres_baseline(database_url: str, rows: list[tuple[Any, ...]], batch: int) -> dict[str, float]:
    """Bare psycopg: the same rows into Hearth's own table (in the run's schema), `batch` a transaction."""
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        for start in range(0, len(rows), batch):
            with connection.cursor() as cursor:
                cursor.executemany(INSERT.replace("{}", "%s"), rows[start:start + batch])
            connection.commit()
        elapsed = time.perf_counter() - started
    return {"rows_per_second": round(len(rows) / elapsed, 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--every", type=int, default=500, help="a command every this many events")
    parser.add_argument("--slice", type=int, default=1, help="events handed over between two reads")
    parser.add_argument("--profile", action="store_true", help="also profile handling one event (cProfile)")
    parser.add_argument("--communities", type=int, default=1000,
                        help="communities of the rule evaluation (bench/nudge_rounds.py); 0: none")
    parser.add_argument("--database-url", help="a PostgreSQL URL (postgresql+psycopg://…); default: a SQLite file")
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url takes a PostgreSQL URL; SQLite runs on a temporary file by default")
    from bot.activity.writer import ActivityWriter

    batch = ActivityWriter.__init__.__kwdefaults__["per_unit"]  # type: ignore[index]
    made = burst([Actor(MemberRef(WORKSPACE, f"member{i}"), "") for i in range(args.members)], args.events)
    profile: list[dict[str, Any]] | None = None
    if args.database_url:
        with postgres_schema(args.database_url) as url:
            hearth, ids = asyncio.run(hearth_run(url, args.events, args.members, args.every, args.slice))
            baseline = postgres_baseline(url, rows_of(made, ids, sqlite=False), batch)
            if args.profile:
                profile = asyncio.run(profile_run(url, args.members, min(args.events, 20_000)))
        database = "PostgreSQL (psycopg, asynchronous)"
        what = f"bare psycopg executemany into the same table, {batch} rows a COMMIT"
    else:
        with tempfile.TemporaryDirectory(prefix="hearth-bench-") as name:
            folder = Path(name)
            hearth, ids = asyncio.run(hearth_run(f"sqlite:///{folder / 'hearth.db'}", args.events, args.members,
                                                 args.every, args.slice))
            baseline = sqlite_baseline(folder / "hearth.db", rows_of(made, ids, sqlite=True), batch)
            if args.profile:
                profile = asyncio.run(profile_run(f"sqlite:///{folder / 'profile.db'}", args.members,
                                                  min(args.events, 20_000)))
        database = "SQLite file, WAL"
        what = f"bare sqlite3 executemany into the same table, {batch} rows a BEGIN IMMEDIATE … COMMIT"
    result: dict[str, Any] = {
        "benchmark": "activity",
        "workload": {"events": args.events, "members": args.members, "database": database,
                     "events_mix": "3 posts (a third questions, a seventh with a link), 1 reply, 1 reaction in 5",
                     "command": f"/hearth settings every {args.every} events", "slice": args.slice},
        "hearth": {**hearth, "ratio_to_baseline": round(float(hearth["recorded_per_second"])
                                                         / baseline["rows_per_second"], 4)},
        "baseline": {"what": what, **baseline},
        "python": sys.version.split()[0],
    }
    if profile is not None:
        result["profile_per_event"] = profile
    if args.communities:
        from nudge_rounds import rule_evaluation

        result["rule_evaluation"] = rule_evaluation(args.database_url, args.communities, args.members)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

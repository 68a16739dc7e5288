"""Commands per second through `Core.handle` on SQLite or PostgreSQL, against bare driver round trips.

Prints one JSON object: for a read command (`/hearth settings`) and a write command (`/hearth me --tz …`), the
throughput and p50/p99 latency through the whole core (middleware, parsing, repositories, rendering); and as
the baseline, in the same process, the same number of bare round trips of the driver (one transaction reading
and updating one row): `sqlite3` on a file with the same pragmas, or psycopg on the same PostgreSQL. `ratio` is
Hearth's commands per second divided by the baseline's.

    python bench/dispatch.py [--commands 2000] [--members 50] [--database-url postgresql+psycopg://…]

With `--database-url` (PostgreSQL) the run uses a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import psycopg
from sqlalchemy import make_url, text

from adapters.settings import Settings
from adapters.wiring import Hearth, build_hearth
from bot.clock import SimulatedClock
from bot.events import Actor, CommandInvoked
from bot.messages import Form, Message
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.tenancy import Scope
from storage.database import create_migration_engine

WORKSPACE = WorkspaceRef(Platform.CONSOLE, "bench")
CHANNEL = ChannelRef(WORKSPACE, "general")
ZONES = ("Europe/Brussels", "America/New_York", "Asia/Tokyo")


@dataclass
class Silent:
    """A messenger and responder that only counts what Hearth says."""

    sent: int = 0

    async def respond(self, message: Message) -> MessageRef | None:
        self.sent += 1
        return None

    async def open_form(self, form: Form) -> None:
        self.sent += 1

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.sent += 1
        return MessageRef(channel, str(self.sent))

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        return await self.send(CHANNEL, message)

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        self.sent += 1

    async def update(self, ref: MessageRef, message: Message) -> None:
        self.sent += 1


async def scope_of(hearth: Hearth, actor: Actor) -> Scope:
    """The scope of `actor` in the bench's community (`CHANNEL`), once the community is set up: what a bench
    hands a service directly, resolved as a command's is (through the directory, which then holds it: on
    PostgreSQL once it listens for the other processes' changes, as a running Hearth does)."""
    directory = hearth.storage.uow.directory
    await directory.listening()
    found = await directory.resolve(WORKSPACE, actor.member, CHANNEL)
    assert found.workspace is not None and found.member is not None and found.community is not None
    return Scope(found.workspace, found.member, found.community)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def hearth_run(database_url: str, commands: int, members: int) -> dict[str, dict[str, float]]:
    settings = replace(Settings.from_env({}), database_url=database_url, rate_limit_count=1_000_000)
    silent = Silent()
    clock = SimulatedClock(datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    hearth = await build_hearth(settings, messenger=silent, clock=clock)
    actors = [Actor(MemberRef(WORKSPACE, f"member{i}"), f"member{i}") for i in range(members)]

    def command(actor: Actor, text: str) -> CommandInvoked:
        return CommandInvoked(actor=actor, channel=CHANNEL, at=clock.now(), command="hearth", text=text,
                              channel_name="general")

    await hearth.core.handle(command(actors[0], "setup --name Bench"), silent)
    results: dict[str, dict[str, float]] = {}
    for name, text_for in (
        ("read", lambda i: "settings"),
        ("write", lambda i: f"me --tz {ZONES[i % len(ZONES)]}"),
    ):
        latencies: list[float] = []
        started = time.perf_counter()
        for i in range(commands):
            before = time.perf_counter()
            await hearth.core.handle(command(actors[i % members], text_for(i)), silent)
            latencies.append(time.perf_counter() - before)
        elapsed = time.perf_counter() - started
        results[name] = {
            "commands_per_second": round(commands / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 3),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        }
    await hearth.close()
    return results


def postgres_baseline_run(database_url: str, commands: int, members: int) -> dict[str, float]:
    """Bare psycopg: one short transaction reading and updating one row per command, on the same server."""
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE bench_member (id INTEGER PRIMARY KEY, name TEXT, timezone TEXT)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_member VALUES (%s, %s, %s)",
                               [(i, f"member{i}", None) for i in range(members)])
        connection.commit()
        started = time.perf_counter()
        for i in range(commands):
            connection.execute("SELECT id, name, timezone FROM bench_member WHERE id = %s", (i % members,)).fetchone()
            connection.execute("UPDATE bench_member SET timezone = %s WHERE id = %s",
                               (ZONES[i % len(ZONES)], i % members))
            connection.commit()
        elapsed = time.perf_counter() - started
    return {"round_trips_per_second": round(commands / elapsed, 1)}


@contextmanager
def postgres_schema(database_url: str) -> Iterator[str]:
    """A new schema on `database_url`'s server and a URL whose connections use it; dropped afterwards."""
    schema = f"hearth_bench_{secrets.token_hex(6)}"
    admin = create_migration_engine(database_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in database_url else "?"
        yield f"{database_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def baseline_run(folder: Path, commands: int, members: int) -> dict[str, float]:
    """Bare sqlite3: one short write transaction per command, the floor any command pays."""
    connection = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE member (id INTEGER PRIMARY KEY, name TEXT, timezone TEXT)")
    connection.executemany("INSERT INTO member VALUES (?, ?, ?)", [(i, f"member{i}", None) for i in range(members)])
    started = time.perf_counter()
    for i in range(commands):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("SELECT id, name, timezone FROM member WHERE id = ?", (i % members,)).fetchone()
        connection.execute("UPDATE member SET timezone = ? WHERE id = ?", (ZONES[i % len(ZONES)], i % members))
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return {"round_trips_per_second": round(commands / elapsed, 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--database-url", help="a PostgreSQL URL (postgresql+psycopg://…); default: a SQLite file")
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url takes a PostgreSQL URL; SQLite runs on a temporary file by default")
    if args.database_url:
        with postgres_schema(args.database_url) as url:
            hearth = asyncio.run(hearth_run(url, args.commands, args.members))
            baseline = postgres_baseline_run(url, args.commands, args.members)
        database, what = "PostgreSQL (psycopg, asynchronous)", "bare psycopg SELECT; UPDATE; COMMIT"
    else:
        with tempfile.TemporaryDirectory(prefix="hearth-bench-") as name:
            folder = Path(name)
            hearth = asyncio.run(hearth_run(f"sqlite:///{folder / 'hearth.db'}", args.commands, args.members))
            baseline = baseline_run(folder, args.commands, args.members)
        database, what = "SQLite file, WAL", "bare sqlite3 BEGIN IMMEDIATE; SELECT; UPDATE; COMMIT"
    base = baseline["round_trips_per_second"]
    print(json.dumps({
        "benchmark": "dispatch",
        "workload": {
            "commands_each": args.commands, "members": args.members, "database": database,
            "read_command": "/hearth settings", "write_command": "/hearth me --tz <zone>",
        },
        "read": {**hearth["read"], "ratio_to_baseline": round(hearth["read"]["commands_per_second"] / base, 4)},
        "write": {**hearth["write"], "ratio_to_baseline": round(hearth["write"]["commands_per_second"] / base, 4)},
        "baseline": {"what": what, **baseline},
        "python": sys.version.split()[0],
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

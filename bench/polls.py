"""Votes per second through `Core.handle`: many members clicking one poll's buttons at once, named and anonymous.

Prints one JSON object: for a named and an anonymous poll, the votes per second, p50/p99 latency of a click (from
the event entering the core to its answer), and that exactly that many votes were counted; the time to render the
results chart when `bot.polls.chart` is there; and as the baseline, in the same process, the same number of bare
driver transactions of the same shape (insert one ballot row, add one to one count, commit). `ratio` is Hearth's
votes per second divided by the baseline's. Hearth writes the votes on one poll that arrive together in one unit
of work (bot/group_commit.py), so under a storm it can pass the baseline's one transaction per vote.

    python bench/polls.py [--members 1000] [--database-url postgresql+psycopg://…]

With `--database-url` (PostgreSQL) the run uses a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import json
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from adapters.settings import Settings
from adapters.wiring import build_hearth
from bot.clock import SimulatedClock
from bot.events import ActionInvoked, Actor, CommandInvoked
from bot.messages import Message
from bot.polls.messages import CHOOSE
from bot.polls.requests import PollView, ShowPoll
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dispatch import Silent, percentile, postgres_schema, scope_of

WORKSPACE = WorkspaceRef(Platform.CONSOLE, "bench")
CHANNEL = ChannelRef(WORKSPACE, "general")
OPTIONS = 3


@dataclass
class Recorder(Silent):
    """What `Silent` does, keeping the messages Hearth posted (the poll, with its buttons)."""

    posted: list[Message] = field(default_factory=list)

    async def respond(self, message: Message) -> MessageRef | None:
        if not message.ephemeral:
            self.posted.append(message)
        return await super().respond(message)


async def hearth_run(database_url: str, members: int) -> dict[str, dict[str, float | int | bool]]:
    settings = replace(Settings.from_env({}), database_url=database_url, rate_limit_count=1_000_000,
                       poll_key=bytes(range(32)))
    recorder = Recorder()
    clock = SimulatedClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    hearth = await build_hearth(settings, messenger=recorder, clock=clock)
    actors = [Actor(MemberRef(WORKSPACE, f"member{i}"), f"member{i}") for i in range(members)]

    def command(text: str) -> CommandInvoked:
        return CommandInvoked(actor=actors[0], channel=CHANNEL, at=clock.now(), command=text.split()[0],
                              text=text.split(" ", 1)[1], channel_name="general")

    await hearth.core.handle(command("hearth setup --name Bench"), recorder)
    # Every member is known before the storm: the first command of a new member records them.
    for actor in actors:
        await hearth.core.handle(CommandInvoked(actor=actor, channel=CHANNEL, at=clock.now(), command="poll",
                                                text="list", channel_name="general"), recorder)
    results: dict[str, dict[str, float | int | bool]] = {}
    for poll_id, (name, flags) in enumerate((("named", ""), ("anonymous", " --anonymous")), start=1):
        await hearth.core.handle(command(f'poll new "Which day?" "Monday" "Wednesday" "Friday"{flags}'), recorder)
        buttons = [button for button in recorder.posted[-1].buttons() if button.action_id == CHOOSE]
        latencies: list[float] = []

        async def vote(index: int, values: list[str] = [b.value for b in buttons],  # noqa: B006
                       latencies: list[float] = latencies) -> None:
            before = time.perf_counter()
            await hearth.core.handle(ActionInvoked(actor=actors[index], channel=CHANNEL, at=clock.now(),
                                                   action_id=CHOOSE, value=values[index % OPTIONS]), recorder)
            latencies.append(time.perf_counter() - before)

        started = time.perf_counter()
        await asyncio.gather(*(vote(index) for index in range(members)))
        elapsed = time.perf_counter() - started
        scope = await scope_of(hearth, actors[0])
        shown = await hearth.services.polls.show(ShowPoll(scope, poll_id))
        counted = sum(shown.results.questions[0].counts) if shown.results is not None else -1
        results[name] = {
            "votes_per_second": round(members / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 3),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
            "votes_counted": counted,
            "respondents": shown.respondents,
            "exactly_once": counted == members == shown.respondents,
        }
        chart = _chart_seconds(shown)
        if chart is not None:
            results[name]["chart_render_ms"] = round(chart * 1000, 1)
    await hearth.close()
    return results


def _chart_seconds(view: PollView) -> float | None:
    if importlib.util.find_spec("bot.polls.chart") is None or view.results is None:
        return None
    chart = importlib.import_module("bot.polls.chart")
    started = time.perf_counter()
    chart.results_chart(view.poll, view.results, "en")
    return time.perf_counter() - started


def sqlite_baseline(folder: Path, members: int) -> dict[str, float]:
    """Bare sqlite3: per vote one write transaction inserting a ballot row and adding one to a count."""
    connection = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE ballot (poll INTEGER, voter TEXT, answers TEXT, PRIMARY KEY (poll, voter))")
    connection.execute("CREATE TABLE tally (poll INTEGER, choice INTEGER, n INTEGER, PRIMARY KEY (poll, choice))")
    started = time.perf_counter()
    for i in range(members):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO ballot VALUES (1, ?, ?) ON CONFLICT DO UPDATE SET answers = excluded.answers",
                           (f"member{i}", f"[[{i % OPTIONS}]]"))
        connection.execute("INSERT INTO tally VALUES (1, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1", (i % OPTIONS,))
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return {"transactions_per_second": round(members / elapsed, 1)}


def postgres_baseline(database_url: str, members: int) -> dict[str, float]:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE bench_ballot (poll INTEGER, voter TEXT, answers TEXT, "
                           "PRIMARY KEY (poll, voter))")
        connection.execute("CREATE TABLE bench_tally (poll INTEGER, choice INTEGER, n INTEGER, "
                           "PRIMARY KEY (poll, choice))")
        connection.commit()
        started = time.perf_counter()
        for i in range(members):
            connection.execute("INSERT INTO bench_ballot VALUES (1, %s, %s) ON CONFLICT (poll, voter) DO UPDATE SET "
                               "answers = excluded.answers", (f"member{i}", f"[[{i % OPTIONS}]]"))
            connection.execute("INSERT INTO bench_tally VALUES (1, %s, 1) ON CONFLICT (poll, choice) DO UPDATE SET "
                               "n = bench_tally.n + 1", (i % OPTIONS,))
            connection.commit()
        elapsed = time.perf_counter() - started
    return {"transactions_per_second": round(members / elapsed, 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--database-url", help="a PostgreSQL URL (postgresql+psycopg://…); default: a SQLite file")
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url takes a PostgreSQL URL; SQLite runs on a temporary file by default")
    if args.database_url:
        with postgres_schema(args.database_url) as url:
            hearth = asyncio.run(hearth_run(url, args.members))
            baseline = postgres_baseline(url, args.members)
        database, what = "PostgreSQL (psycopg, asynchronous)", "bare psycopg upsert ballot; count + 1; COMMIT"
    else:
        with tempfile.TemporaryDirectory(prefix="hearth-bench-") as name:
            folder = Path(name)
            hearth = asyncio.run(hearth_run(f"sqlite:///{folder / 'hearth.db'}", args.members))
            baseline = sqlite_baseline(folder, args.members)
        database, what = "SQLite file, WAL", "bare sqlite3 BEGIN IMMEDIATE; upsert ballot; count + 1; COMMIT"
    base = baseline["transactions_per_second"]
    print(json.dumps({
        "benchmark": "polls",
        "workload": {"members_voting_at_once": args.members, "options": OPTIONS, "database": database,
                     "click": "an option button of /poll new, every member once, all at the same time"},
        **{name: {**figures, "ratio_to_baseline": round(float(figures["votes_per_second"]) / base, 4)}
           for name, figures in hearth.items()},
        "baseline": {"what": what, **baseline},
        "python": sys.version.split()[0],
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The time to evaluate every nudge rule for many communities with a year of activity.

Prints one JSON object. The workload: `--communities` communities of `--members` members each (one community a
workspace), with a year of activity as a community of practice has it: two in five members lurk (one post or
none), two in five post every three weeks, one in five every week; one in six of the posting members fell silent
three to six weeks ago, and a few questions of the last days wait for an answer. Then, at a Wednesday 10:00 in
Brussels (working hours, when every rule may fire):

- `rules`: every rule's pure predicate (`bot.nudges.rules`) over every member and community, with the aggregates
  in memory: the figure the rules themselves cost (target: under 2 s for 1,000 communities of 200 members).
- `rounds`: every community's whole round through `NudgeService.plan_round`: its reads (aggregates computed by the
  database over its indexes), the rules, and the nudges logged, one unit of work each; total and per community.
- `baseline`: in the same process, the round's main read run directly on the same database with the bare driver:
  each community's messages per member over the year (count and latest), the grouped query the round starts with.
  `ratio` is the rounds' total over the baseline's.

    python bench/nudge_rounds.py [--communities 1000] [--members 200] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert, make_url, select

from adapters.settings import Settings
from adapters.wiring import Hearth, build_hearth
from bot.clock import SimulatedClock
from bot.meetings.preferences import quiet_hours_of
from bot.nudges.model import Goal, MemberWishes, Period
from bot.nudges.requests import PlanRound
from bot.nudges.rules import (
    BELOW_RHYTHM,
    PERSONAL,
    QUIET_CHANNEL,
    QUIET_MEMBER,
    RULE_DEFAULTS,
    UNANSWERED,
    below_rhythm,
    personal_refusal,
    quiet_channel,
    quiet_member,
    unanswered,
)
from bot.tenancy import Member, Role
from storage.tables import ActivityRow, CommunityRow, MemberRow, WorkspaceRow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dispatch import Silent, percentile, postgres_schema

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Brussels
YEAR = timedelta(days=365)
ZONE = "Europe/Brussels"
CHUNK = 20_000
GOAL = Goal(10, Period.WEEK)  # every community agreed on ten messages a week


@dataclass
class Fill:
    """What was stored, kept in memory for the pure evaluation: per community, each member's latest message times
    (newest first, the last 30) and the questions waiting."""

    ids: list[tuple[int, int]] = field(default_factory=list)  # (workspace id, community id)
    recent: dict[int, dict[int, list[datetime]]] = field(default_factory=dict)
    questions: dict[int, list[datetime]] = field(default_factory=dict)
    last_week: dict[int, int] = field(default_factory=dict)  # messages in the week before, as the database counts
    rows: int = 0


def member_times(rng: random.Random) -> list[datetime]:
    """One member's year of messages, oldest first."""
    kind = rng.random()
    if kind < 0.4:
        return [NOW - timedelta(days=rng.uniform(1, 365))] if rng.random() < 0.5 else []
    every = 21.0 if kind < 0.8 else 7.0
    stopped = timedelta(days=rng.uniform(21, 42)) if rng.random() < 1 / 6 else timedelta(0)
    times, moment = [], NOW - YEAR + timedelta(days=rng.uniform(0, every))
    while moment < NOW - stopped:
        times.append(moment)
        moment += timedelta(days=rng.expovariate(1 / every))
    return times


async def fill(hearth: Hearth, communities: int, members: int) -> Fill:
    rng = random.Random(7)
    made = Fill()
    engine = hearth.storage.engine
    async with engine.begin() as connection:
        workspaces = (await connection.execute(insert(WorkspaceRow.__table__).returning(  # type: ignore[attr-defined]
            WorkspaceRow.__table__.c.id), [  # type: ignore[attr-defined]
            {"platform": "console", "external_id": f"w{n}", "name": f"W{n}", "created_at": NOW - YEAR}
            for n in range(communities)])).scalars().all()
        community_ids = (await connection.execute(insert(CommunityRow.__table__).returning(  # type: ignore[attr-defined]
            CommunityRow.__table__.c.id), [  # type: ignore[attr-defined]
            {"workspace_id": workspace, "channel_id": "general", "name": "CoP", "goal": "", "timezone": ZONE,
             "language": "en", "created_at": NOW - YEAR, "settings": {}} for workspace in workspaces])).scalars().all()
        made.ids = list(zip(workspaces, community_ids, strict=True))
    rows: list[dict[str, Any]] = []
    for workspace, community in made.ids:
        async with engine.begin() as connection:
            member_ids = (await connection.execute(insert(MemberRow.__table__).returning(  # type: ignore[attr-defined]
                MemberRow.__table__.c.id), [  # type: ignore[attr-defined]
                {"workspace_id": workspace, "external_id": f"m{n}", "display_name": f"M{n}",
                 "role": Role.FACILITATOR.value if n == 0 else Role.MEMBER.value, "preferences": {},
                 "joined_at": NOW - YEAR} for n in range(members)])).scalars().all()
        made.recent[community] = {}
        made.questions[community] = []
        made.last_week[community] = 0
        for member in member_ids:
            times = member_times(rng)
            made.recent[community][member] = sorted(times, reverse=True)[:30]
            made.last_week[community] += sum(1 for at in times if at >= NOW - timedelta(days=7))
            for number, at in enumerate(times):
                asks = at > NOW - timedelta(days=7) and rng.random() < 0.3
                if asks:
                    made.questions[community].append(at)
                rows.append({"workspace_id": workspace, "community_id": community, "member_id": member,
                             "channel_id": "general", "at": at, "kind": "post", "message_id": f"{member}.{number}",
                             "thread_id": None, "is_question": asks, "has_links": False})
        if len(rows) >= CHUNK:
            made.rows += await _store(hearth, rows)
            rows = []
    made.rows += await _store(hearth, rows)
    return made


async def _store(hearth: Hearth, rows: list[dict[str, Any]]) -> int:
    if rows:
        async with hearth.storage.engine.begin() as connection:
            await connection.execute(insert(ActivityRow.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def evaluate_rules(made: Fill) -> dict[str, int]:
    """Every rule over every community and member, from the aggregates in memory."""
    rules = RULE_DEFAULTS["best-practice"]
    fired = {QUIET_CHANNEL: 0, QUIET_MEMBER: 0, UNANSWERED: 0, BELOW_RHYTHM: 0, "refused": 0}
    wishes = MemberWishes()
    anyone = Member(0, 0, None, "", Role.MEMBER)  # type: ignore[arg-type]
    quiet = quiet_hours_of(anyone)
    every = timedelta(days=rules[PERSONAL].days)
    for _workspace, community in made.ids:
        recent = made.recent[community]
        last = max((times[0] for times in recent.values() if times), default=None)
        fired[QUIET_CHANNEL] += quiet_channel(NOW, last, None, ZONE, rules[QUIET_CHANNEL]) is not None
        for asked in made.questions[community]:
            fired[UNANSWERED] += unanswered(NOW, asked, ZONE, rules[UNANSWERED], False) is not None
        fired[BELOW_RHYTHM] += below_rhythm(made.last_week[community], GOAL, rules[BELOW_RHYTHM]) is not None
        least = timedelta(days=rules[QUIET_MEMBER].days)
        for times in recent.values():
            if not times or NOW - times[0] <= least:
                continue  # as the round does: only members silent for the least days are looked at further
            if personal_refusal(NOW, wishes, ZONE, quiet, None, every=every) is not None:
                fired["refused"] += 1
                continue
            fired[QUIET_MEMBER] += quiet_member(NOW, times, wishes, rules[QUIET_MEMBER]) is not None
    return fired


async def rounds(hearth: Hearth, made: Fill) -> dict[str, Any]:
    took: list[float] = []
    nudges = 0
    started = time.perf_counter()
    for workspace, community in made.ids:
        begun = time.perf_counter()
        planned = await hearth.services.nudges.plan_round(PlanRound(workspace, community, NOW))
        took.append(time.perf_counter() - begun)
        nudges += len(planned.nudges)
    total = time.perf_counter() - started
    return {"seconds": round(total, 3), "per_community_p50_ms": round(percentile(took, 0.5) * 1000, 2),
            "per_community_p95_ms": round(percentile(took, 0.95) * 1000, 2), "nudges_planned": nudges}


MESSAGES_PER_MEMBER = ("SELECT member_id, count(*), max(at) FROM activity WHERE workspace_id = {p} AND community_id = "
                       "{p} AND at >= {p} AND at < {p} AND kind IN ('post', 'reply') GROUP BY member_id")


def sqlite_baseline(path: Path, made: Fill) -> float:
    connection = sqlite3.connect(path)
    since, until = ((NOW - YEAR).strftime("%Y-%m-%d %H:%M:%S.%f"), NOW.strftime("%Y-%m-%d %H:%M:%S.%f"))
    started = time.perf_counter()
    for workspace, community in made.ids:
        connection.execute(MESSAGES_PER_MEMBER.format(p="?"), (workspace, community, since, until)).fetchall()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def postgres_baseline(database_url: str, made: Fill) -> float:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        for workspace, community in made.ids:
            connection.execute(MESSAGES_PER_MEMBER.format(p="%s"), (workspace, community, NOW - YEAR, NOW)).fetchall()
        return time.perf_counter() - started


async def run(database_url: str, communities: int, members: int) -> tuple[dict[str, Any], Fill]:
    settings = replace(Settings.from_env({}), database_url=database_url, poll_key=bytes(range(32)))
    hearth = await build_hearth(settings, messenger=Silent(), clock=SimulatedClock(NOW))
    try:
        began = time.perf_counter()
        made = await fill(hearth, communities, members)
        filled = time.perf_counter() - began
        async with hearth.storage.engine.connect() as connection:
            assert (await connection.execute(select(ActivityRow.__table__.c.id).limit(1))).first()  # type: ignore[attr-defined]
        started = time.perf_counter()
        fired = evaluate_rules(made)
        pure = time.perf_counter() - started
        planned = await rounds(hearth, made)
    finally:
        await hearth.close()
    return {"fill_seconds": round(filled, 1), "rules": {"seconds": round(pure, 3), "fired": fired},
            "rounds": planned}, made


def rule_evaluation(database_url: str | None, communities: int, members: int) -> dict[str, Any]:
    """The whole measurement on a temporary SQLite file, or on PostgreSQL (a schema of its own)."""
    if database_url:
        with postgres_schema(database_url) as url:
            measured, made = asyncio.run(run(url, communities, members))
            baseline = postgres_baseline(url, made)
        database = "PostgreSQL (psycopg, asynchronous)"
    else:
        with tempfile.TemporaryDirectory(prefix="hearth-bench-") as name:
            path = Path(name) / "hearth.db"
            measured, made = asyncio.run(run(f"sqlite:///{path}", communities, members))
            baseline = sqlite_baseline(path, made)
        database = "SQLite file, WAL"
    return {
        "workload": {"communities": communities, "members_per_community": members, "activity_rows": made.rows,
                     "database": database, "moment": "Wednesday 10:00 Europe/Brussels"},
        **measured,
        "baseline": {"what": "each community's messages per member over the year (count, latest), bare driver",
                     "seconds": round(baseline, 3)},
        "ratio_rounds_to_baseline": round(measured["rounds"]["seconds"] / baseline, 2),
        "target": "rules under 2 s for 1,000 communities of 200 members",
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL URL (postgresql+psycopg://…); default: a SQLite file")
    args = parser.parse_args(argv)
    result = {"benchmark": "nudge rounds", **rule_evaluation(args.database_url, args.communities, args.members),
              "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

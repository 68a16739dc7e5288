"""A burst of member messages and reactions through `Core.handle` of a real Hearth, then a clean stop: every
event is in the record exactly once, and commands answered as ever meanwhile."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from adapters.settings import Settings
from adapters.wiring import build_hearth
from bot.clock import SimulatedClock
from bot.events import Actor, CommandInvoked, InboundEvent, MessagePosted, ReactionAdded
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from storage.database import create_engine_for
from storage.tables import ActivityRow
from tests.activity.units import Answers

ACTIVITY = ActivityRow.__table__  # type: ignore[attr-defined]
WORKSPACE = WorkspaceRef(Platform.CONSOLE, "burst")
CHANNEL = ChannelRef(WORKSPACE, "general")
ELSEWHERE = ChannelRef(WORKSPACE, "random")
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
EVENTS = 20_000


def burst(actors: list[Actor]) -> list[InboundEvent]:
    """Posts, replies in their threads, and reactions to the posts: every row it makes is its own."""
    events: list[InboundEvent] = []
    for n in range(EVENTS):
        actor, at = actors[n % len(actors)], T0 + timedelta(milliseconds=n)
        if n % 5 == 4:  # a reaction to the post four events before
            events.append(ReactionAdded(actor, CHANNEL, at, MessageRef(CHANNEL, f"p{n - 4}"), "eyes"))
        elif n % 5 == 3:  # a reply in the thread of the post three before
            events.append(MessagePosted(actor, CHANNEL, at, MessageRef(CHANNEL, f"p{n}"),
                                        thread=MessageRef(CHANNEL, f"p{n - 3}")))
        else:
            events.append(MessagePosted(actor, CHANNEL, at, MessageRef(CHANNEL, f"p{n}"), is_question=n % 2 == 0,
                                        links=("https://example.org",) if n % 7 == 0 else ()))
    return events


async def test_a_burst_and_a_clean_stop_keep_every_event_exactly_once(sqlite_url: str) -> None:
    settings = replace(Settings.from_env({}), database_url=sqlite_url, rate_limit_count=1_000_000,
                       poll_key=bytes(32))
    answers = Answers()
    hearth = await build_hearth(settings, messenger=answers, clock=SimulatedClock(T0))
    hearth.activity.start()
    actors = [Actor(MemberRef(WORKSPACE, f"member{n}"), f"member{n}") for n in range(50)]
    try:
        await hearth.core.handle(CommandInvoked(actors[0], CHANNEL, T0, "hearth", "setup --name Burst",
                                                channel_name="general"), answers)
        events = burst(actors)
        before = len(answers.said)
        for start in range(0, EVENTS, 500):  # as an adapter does: many at once
            await asyncio.gather(*(hearth.core.handle(event, answers) for event in events[start:start + 500]))
            if start == 10_000:
                await hearth.core.handle(CommandInvoked(actors[1], CHANNEL, T0, "hearth", "settings",
                                                        channel_name="general"), answers)
                assert "Settings of " in str(answers.said[-1]) and "Burst" in str(answers.said[-1])
        # Outside a community: not recorded.
        await hearth.core.handle(MessagePosted(actors[0], ELSEWHERE, T0, MessageRef(ELSEWHERE, "x1")), answers)
        said = len(answers.said) - before
    finally:
        await hearth.close()  # a clean stop: everything waiting is written first
    assert said == 1  # the settings: nothing answers a member's message

    engine = create_engine_for(sqlite_url)
    try:
        async with engine.connect() as connection:
            total, distinct = (await connection.execute(select(
                func.count(), func.count(func.distinct(ACTIVITY.c.kind + ":" + ACTIVITY.c.message_id))))).one()
            kinds = dict((await connection.execute(
                select(ACTIVITY.c.kind, func.count()).group_by(ACTIVITY.c.kind))).all())
            members = (await connection.execute(select(func.count(func.distinct(ACTIVITY.c.member_id))))).scalar()
    finally:
        await engine.dispose()
    assert (total, distinct) == (EVENTS, EVENTS)
    assert kinds == {"post": 12_000, "reply": 4_000, "reaction": 4_000}
    assert members == 50

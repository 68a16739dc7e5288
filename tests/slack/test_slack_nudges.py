"""Nudges over Slack's Web API (the fake, on loopback): a quiet member's DM is opened with conversations.open and
posted with its why-line; a member a DM cannot reach (user_disabled) is remembered and not tried again."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from bot.clock import SimulatedClock
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from tests.nudges.fill import busy_fortnight, closed_since
from tests.references import community_of
from tests.slack.slack_harness import TEAM, slack_world

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Brussels
WORKSPACE = WorkspaceRef(Platform.SLACK, TEAM)


async def test_a_quiet_member_gets_a_dm_and_a_closed_one_is_not_tried_again(database_url: str) -> None:
    clock = SimulatedClock(START)
    async with slack_world(database_url, clock=clock) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        community = await community_of(world.hearth, ChannelRef(WORKSPACE, "C0DATA"))
        members = await busy_fortnight(world.hearth, community, [MemberRef(WORKSPACE, "U0BEN"),
                                                                 MemberRef(WORKSPACE, "U0CY")], START)
        world.fake.closed_dms.add("U0CY")
        await world.hearth.scheduler.start()
        await world.hearth.scheduler.advance_to(START + timedelta(days=22), clock.set)

        opened = [call.params.get("users") for call in world.fake.calls_to("conversations.open")]
        assert opened.count("U0BEN") == 1 and opened.count("U0CY") == 1
        [dm] = [m for (channel, _ts), m in world.fake.messages.items() if channel == "D0BEN"]
        said = json.dumps(dm, ensure_ascii=False)
        assert re.search(r"It has been [78] days since your last message in Data CoP", said)
        assert "<#C0DATA>" in said  # the channel as a link, however it is named
        assert "Why this message: you are quieter than your own rhythm" in said and "/nudge me off" in said
        assert await closed_since(world.hearth, members["U0CY"]) is not None

        await world.hearth.scheduler.advance_to(START + timedelta(days=40), clock.set)
        opened = [call.params.get("users") for call in world.fake.calls_to("conversations.open")]
        assert opened.count("U0CY") == 1  # remembered, not tried in a loop
        assert opened.count("U0BEN") == 3  # a week or more apart; after three unanswered, no more

"""Nudges over Discord's REST API (the fake, on loopback): a quiet member's DM is opened and sent with its why-line;
a member whose DMs are closed (403, code 50007) is remembered in storage and not tried again, across the adapter's
own memory of a week."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.clock import SimulatedClock
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from tests.discord.discord_harness import discord_world, subcommand
from tests.nudges.fill import busy_fortnight, closed_since
from tests.references import community_of

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Brussels


async def test_a_quiet_member_gets_a_dm_and_closed_dms_are_not_tried_again(database_url: str) -> None:
    clock = SimulatedClock(START)
    async with discord_world(database_url, clock=clock) as world:
        workspace = WorkspaceRef(Platform.DISCORD, world.fake.guild_id)
        await world.hearth.scheduler.start()
        await world.answer(await world.command("hearth", subcommand("setup")))
        community = await community_of(world.hearth, ChannelRef(workspace, world.fake.channel_id))
        members = await busy_fortnight(world.hearth, community, [MemberRef(workspace, "701"),
                                                                 MemberRef(workspace, "702")], START)
        world.fake.closed_dms.add("702")
        await world.hearth.scheduler.advance_to(START + timedelta(days=22), clock.set)

        def opened(user: str) -> int:
            """The DMs Hearth tried to send `user` (a DM channel is opened once and kept)."""
            return sum(1 for call in world.fake.calls_to("POST", r"/channels/\d+/messages")
                       if world.fake.dm_recipients.get(call.path.split("/")[2]) == user)

        assert opened("701") == 1
        [dm] = [m for m in world.fake.messages.values()
                if world.fake.dm_recipients.get(m["channel_id"]) == "701" and m["author"]["bot"]]
        said = dm["content"] + "".join(str(embed) for embed in dm.get("embeds") or [])
        assert re.search(r"It has been [78] days since your last message in", said)
        assert f"<#{world.fake.channel_id}>" in said
        assert "Why this message: you are quieter than your own rhythm" in said and "/nudge me off" in said
        assert await closed_since(world.hearth, members["702"]) is not None

        attempts = opened("702")
        await world.hearth.scheduler.advance_to(START + timedelta(days=40), clock.set)
        assert opened("702") == attempts  # not tried again, also after the adapter's week of memory
        assert opened("701") >= 2

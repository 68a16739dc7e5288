"""The Discord adapter end to end: a real discord.py client against the fake Discord, a real Hearth on SQLite."""

from __future__ import annotations

from tests.discord.discord_harness import discord_world, option, subcommand
from tests.discord.fake_discord import EPHEMERAL


async def test_a_slash_command_with_options_is_answered(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        setup = await world.command("hearth", subcommand("setup"))
        answer = await world.answer(setup)
        assert answer["type"] == 4
        me = await world.command("hearth", subcommand("me", option("tz", "Europe/Brussels")))
        body = await world.answer(me)
        assert body["type"] == 4
        assert body["data"]["flags"] & EPHEMERAL
        assert "Europe/Brussels" in str(body["data"]["embeds"])

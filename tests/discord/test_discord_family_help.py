"""`/meeting help …` is one of Discord's generated subcommands, and answers privately, exactly as
`/hearth help meeting …` does."""

from __future__ import annotations

import pytest

from adapters.discord.commands import command_definitions
from bot.catalogs import Catalogs
from commands.catalog import build_catalog
from tests.discord.discord_harness import discord_world, option, subcommand
from tests.discord.fake_discord import EPHEMERAL


def test_every_family_has_a_help_subcommand_with_a_topic() -> None:
    definitions = command_definitions(build_catalog(), Catalogs.load())
    for command in definitions:
        if command["type"] != 1:
            continue
        [help_option] = [option for option in command["options"] if option["name"] == "help"]
        assert help_option["type"] == 1
        assert [topic["name"] for topic in help_option["options"]] == ["topic"]


@pytest.mark.parametrize("topic", ["", "move", "agenda add"])
async def test_meeting_help_answers_as_hearth_help_meeting(sqlite_url: str, topic: str) -> None:
    async with discord_world(sqlite_url) as world:
        asked = (option("topic", topic),) if topic else ()
        own = await world.answer(await world.command("meeting", subcommand("help", *asked)))
        general = await world.answer(await world.command(
            "hearth", subcommand("help", option("topic", f"meeting {topic}".strip()))))
        assert own["type"] == general["type"] == 4
        assert own["data"]["flags"] & EPHEMERAL
        assert own["data"] == general["data"]
        assert "is not a command" not in str(own["data"])
        assert f"/meeting {topic}".strip() in str(own["data"])

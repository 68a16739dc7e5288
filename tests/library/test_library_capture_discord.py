"""Saving to the library over Discord's protocol, against the fake Discord: the "Save to library" message command
opens a modal whose submission saves with a permalink to the message; the community's reaction reads the message
over REST, which needs the Message Content intent (without it the member is told by DM what to do instead)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from tests.discord.discord_harness import DiscordWorld, discord_world, subcommand
from tests.discord.fake_discord import EPHEMERAL, JSON

CONTENT = {"DISCORD_MESSAGE_CONTENT": "on"}


async def _setup(world: DiscordWorld) -> None:
    answer = await world.answer(await world.command("hearth", subcommand("setup")))
    assert answer["type"] == 4


async def _until(ready: Callable[[], bool]) -> None:
    for _ in range(500):
        if ready():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def _dms(world: DiscordWorld) -> list[str]:
    dm_channels = set(world.fake.dm_recipients)
    return [json.dumps(message, ensure_ascii=False) for message in world.fake.messages.values()
            if message["channel_id"] in dm_channels]


async def _react(world: DiscordWorld, target: JSON, emoji: str = "📚") -> None:
    fake = world.fake
    await fake.dispatch("MESSAGE_REACTION_ADD", {
        "type": 0, "user_id": fake.owner_id, "channel_id": fake.channel_id, "message_id": target["id"],
        "guild_id": fake.guild_id, "member": fake.member_payload(fake.user_payload(fake.owner_id, "owner")),
        "emoji": {"id": None, "name": emoji}, "burst": False,
    })


async def _shown(world: DiscordWorld, item: int) -> str:
    answer = await world.answer(await world.command("library", subcommand("show", {"name": "id", "type": 4,
                                                                                    "value": item})))
    return json.dumps(answer["data"], ensure_ascii=False)


async def test_the_message_command_opens_a_modal_and_saves_with_a_permalink(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        await _setup(world)
        fake = world.fake
        command = next(c for c in fake.commands[None] if c["type"] == 3 and c["name"] == "Save to library")
        assert command["name_localizations"]["nl"] == "Bewaren in bibliotheek"
        target = fake.message_payload("Read https://example.org/paper?fbclid=x, it is good",
                                      author=fake.user_payload("99", "bo"))
        payload = fake.interaction_payload(data={
            "id": command["id"], "name": "Save to library", "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        })
        await fake.dispatch("INTERACTION_CREATE", payload)
        modal = await world.answer(payload)
        assert modal["type"] == 9
        rows = modal["data"]["components"]
        fields = {row["components"][0]["custom_id"]: row["components"][0] for row in rows}
        assert list(fields) == ["saved", "title", "tags", "note"]
        assert fields["saved"]["value"] == "https://example.org/paper?fbclid=x"

        values: dict[str, Any] = {"saved": fields["saved"]["value"], "title": "The paper", "tags": "#research",
                                  "note": "Read before <Thursday>"}
        submitted = fake.interaction_payload(interaction_type=5, data={
            "custom_id": modal["data"]["custom_id"],
            "components": [{"type": 1, "components": [{"type": 4, "custom_id": name, "value": value}]}
                           for name, value in values.items()],
        })
        await fake.dispatch("INTERACTION_CREATE", submitted)
        answer = await world.answer(submitted)
        assert answer["type"] == 4 and not answer["data"].get("flags", 0) & EPHEMERAL
        assert "saved to the library" in json.dumps(answer["data"])

        shown = await _shown(world, 1)
        # Discord's Markdown escaped: the member's text reads as written.
        assert "The paper" in shown and "\\\\#research" in shown and "Read before \\\\<Thursday\\\\>" in shown
        assert f"https://discord.com/channels/{fake.guild_id}/{fake.channel_id}/{target['id']}" in shown


async def test_the_reaction_saves_the_message_with_the_content_intent(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, env=CONTENT) as world:
        await _setup(world)
        target = world.fake.message_payload("Two: https://example.org/a and https://example.org/b",
                                            author=world.fake.user_payload("99", "bo"))
        await _react(world, target)
        await _until(lambda: any("Saved to the library as item 2" in dm for dm in _dms(world)))
        [dm] = _dms(world)
        assert "https://example.org/a" in dm and "https://example.org/b" in dm
        shown = await _shown(world, 1)
        assert f"/channels/{world.fake.guild_id}/{world.fake.channel_id}/{target['id']}" in shown


async def test_without_the_content_intent_the_reaction_says_what_to_do(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        await _setup(world)
        target = world.fake.message_payload("See https://example.org/a", author=world.fake.user_payload("99", "bo"))
        await _react(world, target)
        await _until(lambda: bool(_dms(world)))
        [dm] = _dms(world)
        assert "could not read that message, so nothing was saved" in dm and "Save to library" in dm


async def test_another_reaction_saves_nothing(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, env=CONTENT) as world:
        await _setup(world)
        target = world.fake.message_payload("See https://example.org/a", author=world.fake.user_payload("99", "bo"))
        await _react(world, target, "👍")
        await _react(world, target, "📚")
        await _until(lambda: bool(_dms(world)))
        assert len(_dms(world)) == 1  # only the books reaction answered

"""`/meeting help …` over Slack's real protocol answers privately, exactly as `/hearth help meeting …` does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.slack.slack_harness import SlackWorld, slack_world


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(sqlite_url) as running:
        yield running


@pytest.mark.parametrize("topic", ["", "move", "agenda add"])
async def test_meeting_help_answers_as_hearth_help_meeting(world: SlackWorld, topic: str) -> None:
    await world.command(f"help {topic}".strip(), command="/meeting")
    await world.command(f"help meeting {topic}".strip(), command="/hearth")
    own, general = await world.fake.wait_for("chat.postEphemeral", count=2)
    assert own.params["user"] == general.params["user"] == "U0ANA"
    assert own.params["blocks"] == general.params["blocks"]
    assert own.params["text"] == general.params["text"]
    assert "is not a command" not in own.params["text"]
    assert own.params["text"].startswith(f"/meeting {topic}".strip())

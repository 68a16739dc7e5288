"""A Slack profile's zone (`tz` from users.info) enters Hearth only when this server knows it; otherwise setup takes
the deployment's zone and says so to the facilitator, privately."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.refs import Platform
from tests.slack.slack_harness import SlackWorld, slack_world


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(database_url) as running:
        yield running


def said(call: Any) -> str:
    return json.dumps(call.params, ensure_ascii=False)


async def _community_zone(world: SlackWorld) -> str:
    async with world.hearth.uow(read_only=True) as uow:
        (workspace,) = await uow.workspaces.on_platform(Platform.SLACK)
        (community,) = await uow.communities.list(workspace.id)
    return community.timezone


async def test_an_unknown_profile_zone_falls_back_at_setup_and_says_so(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world.fake.users["U0ANA"]["tz"] = "Mars/Olympus"
    with caplog.at_level(logging.WARNING, logger="hearth.time_zones"):
        await world.command('setup --name "Data CoP"')
        (post,) = await world.fake.wait_for("chat.postMessage")
        whispers = await world.fake.wait_for("chat.postEphemeral", count=2)
    assert post.params["channel"] == "C0DATA"
    assert "*Data CoP*" in said(post) and "UTC" in said(post)  # HEARTH_TIMEZONE
    assert "Mars/Olympus" not in said(post)
    (note,) = [call for call in whispers if "Mars/Olympus" in said(call)]
    assert note.params["user"] == "U0ANA"
    assert "not one Hearth knows" in said(note) and "/hearth settings --tz" in said(note)
    assert "went wrong" not in "".join(said(call) for call in whispers)
    assert await _community_zone(world) == "UTC"
    logged = [record for record in caplog.records if "Mars/Olympus" in record.getMessage()]
    assert len(logged) <= 1  # once per process, however often the profile is read


async def test_a_known_profile_zone_is_taken_in_its_canonical_spelling(world: SlackWorld) -> None:
    world.fake.users["U0ANA"]["tz"] = "europe/amsterdam"
    await world.command("setup")
    (post,) = await world.fake.wait_for("chat.postMessage")
    assert "Europe/Amsterdam" in said(post)
    (whisper,) = await world.fake.wait_for("chat.postEphemeral")
    assert "first facilitator" in said(whisper)
    assert await _community_zone(world) == "Europe/Amsterdam"


async def test_an_unknown_profile_zone_never_breaks_a_members_commands(world: SlackWorld) -> None:
    await world.command("setup")
    await world.fake.wait_for("chat.postMessage")
    await world.fake.wait_for("chat.postEphemeral")
    world.fake.users["U0BEN"]["tz"] = "localtime"
    await world.command("me", user="U0BEN")
    calls = await world.fake.wait_for("chat.postEphemeral", count=2)
    assert calls[-1].params["user"] == "U0BEN"
    assert "went wrong" not in said(calls[-1])

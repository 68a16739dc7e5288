"""Uninstalling: tokens go at once, the data after the grace period, and a reinstall inside it keeps everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SimulatedClock
from bot.ports import DeliveryError
from bot.refs import Platform, WorkspaceRef
from tests.slack.slack_harness import SlackWorld, slack_world
from tests.slack.test_slack_oauth import install

ALPHA = WorkspaceRef(Platform.SLACK, "T0ALPHA")


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    clock = SimulatedClock(datetime.now(UTC).replace(microsecond=0))
    async with slack_world(database_url, oauth=True, clock=clock) as running:
        running.fake.add_workspace("T0ALPHA", code="code-alpha")
        await running.hearth.scheduler.start()
        yield running


async def uninstall(world: SlackWorld, event_id: str) -> None:
    await world.event({"type": "app_uninstalled"}, event_id, team="T0ALPHA")
    await world.drain()


async def community_count(world: SlackWorld) -> int | None:
    async with world.hearth.uow() as uow:
        workspace = await uow.workspaces.get(ALPHA)
        return None if workspace is None else len(await uow.communities.list(workspace.id))


async def advance(world: SlackWorld, days: int) -> None:
    clock = world.hearth.clock
    assert isinstance(clock, SimulatedClock)
    await world.hearth.scheduler.advance_to(clock.now() + timedelta(days=days), clock.set)


async def test_uninstall_removes_tokens_at_once_and_data_after_the_grace_period(world: SlackWorld) -> None:
    await install(world, "T0ALPHA", "code-alpha")
    await world.command("setup --name Alpha", team="T0ALPHA")
    await world.drain()
    assert await community_count(world) == 1

    await uninstall(world, "EvUninstall1")
    with pytest.raises(DeliveryError):
        await world.adapter.client_for("T0ALPHA")  # the token is gone now
    await advance(world, 29)
    assert await community_count(world) == 1  # still inside the grace period
    await advance(world, 2)
    assert await community_count(world) is None  # erased, workspace and all


async def test_a_reinstall_inside_the_grace_period_keeps_everything(world: SlackWorld) -> None:
    await install(world, "T0ALPHA", "code-alpha")
    await world.command("setup --name Alpha", team="T0ALPHA")
    await world.drain()
    await uninstall(world, "EvUninstall2")
    await advance(world, 10)
    await install(world, "T0ALPHA", "code-alpha")
    await world.drain()
    await advance(world, 60)
    assert await community_count(world) == 1
    await world.command("settings", team="T0ALPHA")
    (*_, whisper) = await world.fake.wait_for("chat.postEphemeral", count=2)
    assert "Settings of Alpha" in str(whisper.params)

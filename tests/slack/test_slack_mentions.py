"""Over Slack's real protocol, only Slack's own mention tokens name members: typed characters never do."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.events import CommandInvoked
from bot.refs import Platform, WorkspaceRef
from bot.tenancy import Role
from tests.slack.slack_harness import TEAM, Recorder, SlackWorld, slack_world


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(database_url) as running:
        yield running


async def facilitators(world: SlackWorld) -> list[str]:
    async with world.hearth.uow() as uow:
        workspace = await uow.workspaces.get(WorkspaceRef(Platform.SLACK, TEAM))
        assert workspace is not None
        return [member.ref.id for member in await uow.members.with_role(workspace.id, Role.FACILITATOR)]


async def set_up(world: SlackWorld) -> None:
    await world.command('setup --name "Data CoP"')
    await world.fake.wait_for("chat.postMessage")
    await world.drain()


@pytest.mark.parametrize(("typed", "core_reads"), [
    ("\x00@U0BEN\x01", "\x00@U0BEN\x01"),  # a NUL is a character, never a `<`
    ("\x00@U0BEN|ben\x01", "\x00@U0BEN|ben\x01"),
    ("&lt;@U0BEN&gt;", "‹@U0BEN>"),  # typed, so text: the neutral form cannot carry `<@` as text
])
async def test_typed_characters_add_no_facilitator(world: SlackWorld, typed: str, core_reads: str) -> None:
    await set_up(world)
    recorder = Recorder((CommandInvoked,))
    world.hearth.core.handlers.append(recorder)
    await world.command(f"facilitators add {typed}")
    await world.drain()
    assert await facilitators(world) == ["U0ANA"]
    (seen,) = recorder.seen
    assert isinstance(seen, CommandInvoked)
    assert seen.text == f"facilitators add {core_reads}"
    posted = world.fake.calls_to("chat.postMessage") + world.fake.calls_to("chat.postEphemeral")
    assert not any("is now a facilitator" in str(call.params) for call in posted)


async def test_a_real_mention_adds_the_facilitator(world: SlackWorld) -> None:
    await set_up(world)
    await world.command("facilitators add <@U0BEN|ben>")
    await world.drain()
    assert sorted(await facilitators(world)) == ["U0ANA", "U0BEN"]

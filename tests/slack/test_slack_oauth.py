"""Installing Hearth into several Slack workspaces through OAuth: each gets its own token and its own data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.refs import Platform, WorkspaceRef
from tests.slack.slack_harness import SlackWorld, slack_world


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(database_url, oauth=True) as running:
        yield running


async def install(world: SlackWorld, team: str, code: str) -> None:
    """A facilitator's browser: open /slack/install, go to Slack, come back to /slack/oauth_redirect."""
    async with world.http.get(str(world.server.make_url("/slack/install")), allow_redirects=False) as response:
        assert response.status == 302
        authorize = urlsplit(response.headers["Location"])
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    query = parse_qs(authorize.query)
    assert authorize.netloc == "slack.com" and query["client_id"] == ["1111.2222"]
    assert "channels:history" not in query["scope"][0]
    state = query["state"][0]
    callback = world.server.make_url("/slack/oauth_redirect").with_query({"code": code, "state": state})
    async with world.http.get(str(callback), headers={"Cookie": cookie}, allow_redirects=False) as response:
        assert response.status in (200, 302), await response.text()


async def test_two_workspaces_install_and_keep_their_data_apart(world: SlackWorld) -> None:
    alpha = world.fake.add_workspace("T0ALPHA", code="code-alpha")
    beta = world.fake.add_workspace("T0BETA", code="code-beta")
    await install(world, "T0ALPHA", "code-alpha")
    await install(world, "T0BETA", "code-beta")

    await world.command('setup --name "Alpha CoP"', team="T0ALPHA", channel="C0SAME")
    await world.command("settings", team="T0BETA", channel="C0SAME", user="U0BEN")
    posts = await world.fake.wait_for("chat.postMessage")
    whispers = await world.fake.wait_for("chat.postEphemeral", count=2)
    await world.drain()
    assert posts[0].token == alpha.bot_token and "Alpha CoP" in json.dumps(posts[0].params)
    beta_answer = next(call for call in whispers if call.token == beta.bot_token)
    assert "not a Hearth community yet" in json.dumps(beta_answer.params)  # same channel id, other workspace
    async with world.hearth.uow() as uow:
        found = await uow.workspaces.get(WorkspaceRef(Platform.SLACK, "T0ALPHA"))
        other = await uow.workspaces.get(WorkspaceRef(Platform.SLACK, "T0BETA"))
        assert found is not None and other is not None
        assert len(await uow.communities.list(found.id)) == 1
        assert await uow.communities.list(other.id) == []


async def test_a_forged_install_state_is_refused(world: SlackWorld) -> None:
    world.fake.add_workspace("T0ALPHA", code="code-alpha")
    callback = world.server.make_url("/slack/oauth_redirect").with_query({"code": "code-alpha", "state": "forged"})
    async with world.http.get(str(callback), allow_redirects=False) as response:
        assert response.status == 400
    assert world.fake.calls_to("oauth.v2.access") == []


async def test_commands_from_a_workspace_that_never_installed_are_not_answered(world: SlackWorld) -> None:
    response = await world.command("help", team="T0NOBODY")
    assert response.status == 200
    await world.drain()
    assert world.fake.calls_to("chat.postEphemeral") == []

"""Socket Mode end to end through the fake, pacing, and `hearth slack manifest`."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from adapters.cli import run
from adapters.settings import Settings
from adapters.slack.installs import SingleWorkspace
from adapters.slack.messenger import Pacer, SlackMessenger
from adapters.wiring import SlackParts, build_hearth, build_slack_adapter
from bot.messages import Message
from bot.refs import ChannelRef, Platform, WorkspaceRef
from tests.slack.fake_slack import FakeSlack, socket_envelope


async def test_a_slash_command_over_socket_mode(sqlite_url: str) -> None:
    async with FakeSlack() as fake:
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_APP_TOKEN": "xapp-1-hearth",
            "SLACK_API_URL": fake.base_url,
        })
        assert settings.slack is not None and settings.slack.socket_mode
        clients = SingleWorkspace(settings.slack)
        messenger = SlackMessenger(clients)
        hearth = await build_hearth(replace(settings), messenger=messenger)
        adapter = build_slack_adapter(settings, hearth, SlackParts(clients, messenger))
        handler = AsyncSocketModeHandler(adapter.app, settings.slack.app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        try:
            envelope_id = await fake.socket_send(socket_envelope("slash_commands", {
                "team_id": fake.team_id, "channel_id": "C0DATA", "channel_name": "data", "user_id": "U0ANA",
                "command": "/hearth", "text": "help", "trigger_id": "1.2.3",
            }))
            await fake.wait_for_ack(envelope_id)
            (call,) = await fake.wait_for("chat.postEphemeral")
            assert "What Hearth can do" in json.dumps(call.params)
            await adapter.in_flight.wait_idle()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
            await clients.close()
            await hearth.close()


async def test_posts_to_one_channel_are_paced_and_others_are_not() -> None:
    async with FakeSlack() as fake:
        settings = Settings.from_env({"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": "s",
                                      "SLACK_API_URL": fake.base_url})
        assert settings.slack is not None
        clock = [100.0]
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        clients = SingleWorkspace(settings.slack)
        messenger = SlackMessenger(clients, Pacer(monotonic=lambda: clock[0], sleep=sleep))
        ws = WorkspaceRef(Platform.SLACK, fake.team_id)
        for _ in range(3):
            await messenger.send(ChannelRef(ws, "C1"), Message.text("hello"))
        await messenger.send(ChannelRef(ws, "C2"), Message.text("hello"))
        await clients.close()
        assert waits == [1.0, 2.0]  # the 2nd and 3rd post to C1 wait their turn; C2 does not
        assert len(fake.calls_to("chat.postMessage")) == 4


def test_manifest_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["slack", "manifest", "--url", "https://hearth.example.org"], {}) == 0
    manifest = json.loads(capsys.readouterr().out)
    commands = {command["command"]: command for command in manifest["features"]["slash_commands"]}
    assert commands["/hearth"]["url"] == "https://hearth.example.org/slack/events"
    assert commands["/hearth"]["should_escape"] is True
    assert "channels:history" not in manifest["oauth_config"]["scopes"]["bot"]
    assert run(["slack", "manifest", "--socket-mode", "--activity-events"], {}) == 0
    socket = json.loads(capsys.readouterr().out)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "channels:history" in socket["oauth_config"]["scopes"]["bot"]
    assert run(["slack", "manifest"], {}) == 2
    assert "--socket-mode" in capsys.readouterr().err

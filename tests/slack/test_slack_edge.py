"""The Slack HTTP edge over the real protocol: what is refused before Bolt reads it, and how quietly."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from adapters.settings import Settings, SettingsError
from adapters.slack.app import SlackAdapter
from adapters.slack.installs import SingleWorkspace
from adapters.slack.messenger import SlackMessenger
from adapters.wiring import SlackParts, build_hearth, build_slack_adapter, open_storage
from bot.events import CommandInvoked
from bot.refs import Platform, WorkspaceRef
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_harness import SECRET, TEAM, Recorder, SlackWorld, slack_world

FORM = "application/x-www-form-urlencoded"
OTHER_TEAM = "T0OTHER"


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(database_url) as running:
        yield running


def loud(caplog: pytest.LogCaptureFixture, above: int = logging.DEBUG) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno > above]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info or record.exc_text or record.stack_info]


async def workspace_exists(world: SlackWorld, team: str) -> bool:
    async with world.hearth.uow() as uow:
        return await uow.workspaces.get(WorkspaceRef(Platform.SLACK, team)) is not None


def slack_calls(world: SlackWorld) -> list[str]:
    return [call.method for call in world.fake.calls if call.method != "auth.test"]


@pytest.mark.parametrize("payload", ["{not json", "[]", "null"])
async def test_an_unsigned_body_is_refused_before_it_is_read_and_logged_at_debug_only(
    world: SlackWorld, payload: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = await world.post(urlencode({"payload": payload}), {}, FORM)
    assert response.status == 401
    assert loud(caplog) == []
    assert slack_calls(world) == []


@pytest.mark.parametrize(("body", "content_type"), [
    (urlencode({"payload": "{not json"}), FORM),
    (urlencode({"payload": "[]"}), FORM),
    (urlencode({"payload": "null"}), FORM),
    (urlencode({"payload": '"text"'}), FORM),
    ("[]", "application/json"),
    ("{not json", "application/json"),
    (urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "U0ANA"}, "actions": ["x"]})}), FORM),
    (urlencode({"payload": json.dumps({"type": "view_closed", "user": {"id": "U0ANA"}, "view": 3})}), FORM),
    (urlencode({"payload": json.dumps({"type": "shortcut", "user": {"id": "U0ANA"}, "callback_id": 5})}), FORM),
    (urlencode({"command": "/hearth", "text": "help"}), FORM),  # no team, member or channel
    (json.dumps({"type": "event_callback", "team_id": TEAM, "event": "message"}), "application/json"),
    (json.dumps({"type": "event_callback", "team_id": TEAM, "event": {"type": "reaction_added"}}),
     "application/json"),
    (json.dumps({"type": "event_callback", "team_id": TEAM, "authorizations": ["x"], "event": {"type": "x"}}),
     "application/json"),
    (json.dumps({"team": {"id": 5}}), "application/json"),
])
async def test_a_signed_body_that_is_not_what_slack_sends_is_a_quiet_400(
    world: SlackWorld, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = await world.post(body, world.sign(body), content_type)
    await world.drain()
    assert response.status == 400
    assert tracebacks(caplog) == []
    assert [r.levelname for r in loud(caplog, logging.INFO) if r.name == "hearth.slack"] == ["WARNING"]
    assert not await workspace_exists(world, TEAM)
    assert slack_calls(world) == []


async def test_a_signed_body_that_is_not_utf8_is_a_quiet_400(world: SlackWorld,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    body = b"command=%2Fhearth&text=\xff\xfe"
    stamp = str(int(world.hearth.clock.now().timestamp()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
    async with world.http.post(world.url, data=body, headers={**headers, "Content-Type": FORM}) as response:
        assert response.status == 400
    assert tracebacks(caplog) == []


async def test_a_command_mentioning_payload_is_read_as_a_command(world: SlackWorld) -> None:
    # Bolt alone reads any form with "payload" in it as an interaction without one, and answers 404.
    response = await world.command('setup --name "Payload design" --goal "payload=1"')
    assert response.status == 200
    (post,) = await world.fake.wait_for("chat.postMessage")
    assert "Payload design" in json.dumps(post.params)


@pytest.mark.parametrize("where", ["request line", "header"])
async def test_an_oversized_request_line_or_header_is_a_quiet_400(
    world: SlackWorld, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    long = "a" * 9000
    reader, writer = await asyncio.open_connection(world.server.host, world.server.port)
    if where == "request line":
        request = f"GET /slack/events?{long} HTTP/1.1\r\nHost: x\r\n\r\n"
    else:
        request = f"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Padding: {long}\r\nContent-Length: 0\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    assert status_line.split(b" ")[1] == b"400"
    assert tracebacks(caplog) == []
    assert [r.levelname for r in loud(caplog)] == ["INFO"]


async def test_the_oauth_and_health_routes_are_not_asked_for_a_signature(world: SlackWorld) -> None:
    async with world.http.get(str(world.server.make_url("/healthz"))) as response:
        assert response.status == 200


async def test_the_token_workspace_is_asked_once(world: SlackWorld) -> None:
    await world.command("help")
    await world.command("help", user="U0BEN")
    await world.fake.wait_for("chat.postEphemeral", count=2)
    assert len(world.fake.calls_to("auth.test")) == 1  # at start; every request is authorized from its answer


async def test_a_command_from_another_workspace_is_refused_and_records_nothing(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    recorder = Recorder((CommandInvoked,))
    world.hearth.core.handlers.append(recorder)
    body = urlencode({
        "team_id": OTHER_TEAM, "team_domain": "elsewhere", "channel_id": "C0ELSE", "user_id": "U0EVE",
        "command": "/hearth", "text": 'setup --name "Elsewhere"', "trigger_id": "1.2.3",
        "response_url": f"{world.fake.base_url}hooks.response",
    })
    async with world.http.post(world.url, data=body.encode(),
                               headers={**world.sign(body), "Content-Type": FORM}) as response:
        assert response.status == 200
        assert "This Hearth serves another Slack workspace" in await response.text()
    await world.drain()
    assert recorder.seen == []
    assert not await workspace_exists(world, OTHER_TEAM)
    assert slack_calls(world) == []
    assert tracebacks(caplog) == []


async def test_events_and_clicks_from_another_workspace_are_answered_and_dropped(world: SlackWorld) -> None:
    message = {"type": "message", "channel": "C0ELSE", "user": "U0EVE", "text": "hi", "ts": "1774598400.000100"}
    event = await world.event(message, "EvElse1", team=OTHER_TEAM)
    click = await world.interaction({
        "type": "block_actions", "team": {"id": OTHER_TEAM}, "user": {"id": "U0EVE", "team_id": OTHER_TEAM},
        "channel": {"id": "C0ELSE"}, "trigger_id": "1.2.3",
        "actions": [{"type": "button", "action_id": "hearth.settings.edit", "block_id": "b", "value": ""}],
    })
    assert (event.status, click.status) == (200, 200)
    await world.drain()
    assert not await workspace_exists(world, OTHER_TEAM)
    assert slack_calls(world) == []


async def test_the_token_own_workspace_is_still_served(world: SlackWorld) -> None:
    await world.command("help")
    (call,) = await world.fake.wait_for("chat.postEphemeral")
    assert call.params["user"] == "U0ANA"


async def test_a_refused_bot_token_stops_start_up_with_one_sentence(sqlite_url: str) -> None:
    async with FakeSlack() as fake:
        fake.revoked_tokens.add("xoxb-revoked")
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
            "SLACK_BOT_TOKEN": "xoxb-revoked",
        })
        assert settings.slack is not None
        storage = await open_storage(settings)
        clients = SingleWorkspace(settings.slack)
        hearth = await build_hearth(settings, messenger=SlackMessenger(clients), storage=storage)
        adapter: SlackAdapter = build_slack_adapter(settings, hearth, SlackParts(clients, SlackMessenger(clients)))
        try:
            with pytest.raises(SettingsError, match="Slack refused SLACK_BOT_TOKEN \\(token_revoked\\)"):
                await adapter.start()
        finally:
            await clients.close()
            await hearth.close()

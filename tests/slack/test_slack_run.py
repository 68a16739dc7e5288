"""`hearth run` with Slack configured: everything starts, answers, and stops cleanly (HTTP and Socket Mode)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlencode

import aiohttp

from adapters.run import start
from adapters.settings import Settings
from tests.slack.fake_slack import FakeSlack, socket_envelope
from tests.slack.slack_harness import SECRET, sign


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_http_mode_runs_answers_and_stops(sqlite_url: str) -> None:
    port = free_port()
    async with FakeSlack() as fake:
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url, "HEARTH_HTTP_PORT": str(port),
        })
        running = await start(settings)
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert (response.status, await response.json()) == (200, {"status": "ok"})
                body = urlencode({"team_id": fake.team_id, "channel_id": "C1", "user_id": "U1", "command": "/hearth",
                                  "text": "help", "trigger_id": "1.2.3"})
                async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(),
                                     headers={**sign(body), "Content-Type": "application/x-www-form-urlencoded"}) as r:
                    assert r.status == 200
            (call,) = await fake.wait_for("chat.postEphemeral")
            assert "What Hearth can do" in json.dumps(call.params)
            assert running.driver.scheduler.running
            assert running.hearth.activity.running  # the activity record is written from the start
        finally:
            await running.stop()
        assert not running.driver.scheduler.running
        assert not running.hearth.activity.running


async def test_socket_mode_runs_and_stops(sqlite_url: str) -> None:
    async with FakeSlack() as fake:
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_APP_TOKEN": "xapp-1-run",
            "SLACK_API_URL": fake.base_url, "HEARTH_HTTP_PORT": str(free_port()),
        })
        running = await start(settings)
        try:
            envelope = await fake.socket_send(socket_envelope("slash_commands", {
                "team_id": fake.team_id, "channel_id": "C1", "user_id": "U1", "command": "/hearth", "text": "help",
            }))
            await fake.wait_for_ack(envelope)
            await fake.wait_for("chat.postEphemeral")
        finally:
            await running.stop()

"""A real Hearth with its real Slack app, served over HTTP on loopback, posting to the fake Slack Web API."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer

from adapters.settings import Settings
from adapters.slack.app import SlackAdapter
from adapters.slack.installs import InstalledWorkspaces, SingleWorkspace
from adapters.slack.messenger import Pacer, SlackMessenger
from adapters.web import build_web_app, server_options
from adapters.wiring import Hearth, SlackParts, build_hearth, build_slack_adapter, open_storage
from bot.context import EventContext, Route
from bot.events import InboundEvent
from bot.ports import Clock
from tests.slack.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0HEARTH"
_triggers = itertools.count(1)


def fresh_trigger() -> str:
    """A trigger id no other request of the test run carries, as Slack gives each command, click and form."""
    return f"{next(_triggers)}.42.trigger"


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers exactly as Slack signs a request: v0:{timestamp}:{raw body}, HMAC-SHA256."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def command_body(fake: FakeSlack, text: str, *, user: str = "U0ANA", channel: str = "C0DATA",
                 command: str = "/hearth", team: str = TEAM, **extra: str) -> dict[str, str]:
    """The fields of a slash command request as Slack sends them, with a trigger id of its own."""
    return {
        "token": "legacy", "team_id": team, "team_domain": "hearth-test", "channel_id": channel,
        "channel_name": "data-cop", "user_id": user, "user_name": user.lower(), "command": command,
        "text": text, "api_app_id": "A0HEARTH", "response_url": f"{fake.base_url}hooks.response",
        "trigger_id": fresh_trigger(), **extra,
    }


@dataclass
class Recorder:
    """A core handler that records every event of the given types (to see what reached the core)."""

    kinds: tuple[type, ...]
    seen: list[InboundEvent] = field(default_factory=list)

    def match(self, event: InboundEvent) -> Route | None:
        if not isinstance(event, self.kinds):
            return None
        return Route("recorder", self._record, interactive=False)

    async def _record(self, ctx: EventContext) -> None:
        self.seen.append(ctx.event)


@dataclass
class SlackWorld:
    fake: FakeSlack
    hearth: Hearth
    adapter: SlackAdapter
    server: TestServer
    http: aiohttp.ClientSession
    waits: list[float]

    @property
    def url(self) -> str:
        return str(self.server.make_url("/slack/events"))

    async def drain(self) -> None:
        """Wait until every request Bolt accepted has finished its work (Bolt runs it after answering)."""
        await self.adapter.in_flight.wait_idle()

    def sign(self, body: str) -> dict[str, str]:
        """Slack's signature of `body`, sent now by Hearth's clock (which a test may have moved)."""
        return sign(body, timestamp=int(self.hearth.clock.now().timestamp()))

    async def post(self, body: str, headers: dict[str, str], content_type: str) -> aiohttp.ClientResponse:
        async with self.http.post(self.url, data=body.encode(), headers={**headers, "Content-Type": content_type}) as r:
            await r.read()
            return r

    async def command(self, text: str, *, user: str = "U0ANA", channel: str = "C0DATA", command: str = "/hearth",
                      team: str = TEAM, **extra: str) -> aiohttp.ClientResponse:
        body = urlencode(command_body(self.fake, text, user=user, channel=channel, command=command, team=team,
                                      **extra))
        return await self.post(body, self.sign(body), "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, self.sign(body), "application/x-www-form-urlencoded")

    def posted(self, marker: str, channel: str = "C0DATA") -> dict[str, Any]:
        """The message Hearth posted in `channel` whose blocks hold `marker` (an action id, say)."""
        return next(m for (where, _ts), m in self.fake.messages.items() if where == channel and marker in json.dumps(m))

    async def click(self, message: dict[str, Any], button: dict[str, Any], *, user: str = "U0BEN",
                    channel: str = "C0DATA") -> aiohttp.ClientResponse:
        """`user` clicks `button` of `message`, as Slack sends a block action."""
        return await self.interaction({
            "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": self.fake.team_id},
            "user": {"id": user, "team_id": self.fake.team_id}, "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel, "message_ts": message["ts"]},
            "message": message,
            "actions": [{"action_id": button["action_id"], "value": button["value"], "type": "button"}],
        })

    async def event(self, event: dict[str, Any], event_id: str, *, team: str = TEAM) -> aiohttp.ClientResponse:
        body = json.dumps({
            "token": "legacy", "team_id": team, "api_app_id": "A0HEARTH", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": team, "user_id": "U0HEARTHBOT", "is_bot": True}],
        })
        return await self.post(body, self.sign(body), "application/json")


@asynccontextmanager
async def slack_world(
    database_url: str, *, oauth: bool = False, clock: Clock | None = None
) -> AsyncIterator[SlackWorld]:
    fake = FakeSlack()
    await fake.start()
    fake.users.update({
        "U0ANA": {"id": "U0ANA", "name": "ana", "real_name": "Ana", "tz": "Europe/Brussels", "locale": "en-US",
                  "is_admin": False, "is_bot": False, "profile": {"display_name": "ana"}},
        "U0BEN": {"id": "U0BEN", "name": "ben", "real_name": "Ben", "tz": "America/New_York", "locale": "nl-NL",
                  "is_admin": False, "is_bot": False, "profile": {"display_name": "ben"}},
    })
    credentials = (
        {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "oauth-secret"} if oauth
        else {"SLACK_BOT_TOKEN": "xoxb-test"}
    )
    settings = Settings.from_env({
        "DATABASE_URL": database_url, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url, **credentials,
        "HEARTH_POLL_KEY": "ab" * 32,  # no key file beside a PostgreSQL test database
    })
    assert settings.slack is not None
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)  # pacing is measured, not slept through

    storage = await open_storage(settings)
    clients = InstalledWorkspaces(settings.slack, storage.engine) if oauth else SingleWorkspace(settings.slack)
    messenger = SlackMessenger(clients, Pacer(sleep=no_wait))
    hearth = await build_hearth(replace(settings), messenger=messenger, storage=storage, clock=clock)
    adapter = build_slack_adapter(settings, hearth, SlackParts(clients, messenger))

    async def healthy() -> bool:
        return True

    await adapter.start()
    server = TestServer(build_web_app(health=healthy, slack=adapter.edge), host="127.0.0.1")
    await server.start_server(**server_options())
    async with aiohttp.ClientSession() as http:
        try:
            yield SlackWorld(fake, hearth, adapter, server, http, waits)
        finally:
            await server.close()
            await adapter.in_flight.wait_idle()
            await clients.close()
            await hearth.close()
            await fake.stop()


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of a Slack message's action blocks, in order."""
    return [element for block in message["blocks"] if block["type"] == "actions" for element in block["elements"]]

"""The Slack app: slack-bolt's `AsyncApp`, listening for Hearth's commands, events, clicks and forms.

Every listener acknowledges first and works after: Slack needs an answer within 3 seconds, and Bolt sends it as
soon as `ack()` is called (events are acknowledged by Bolt itself). The work is one `Core.handle` call.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.settings import SlackSettings
from adapters.slack.blocks import split_action_id
from adapters.slack.directory import Directory
from adapters.slack.inbound import (
    action_event,
    command_event,
    form_event,
    joined_event,
    message_event,
    reaction_event,
)
from adapters.slack.messenger import SlackMessenger
from adapters.slack.messenger import SlackResponder as Responder
from adapters.slack.modals import read_submission
from bot.core import Core
from bot.ports import Clock, InboundLog

log = logging.getLogger("hearth.slack")


def web_client(settings: SlackSettings, token: str | None) -> AsyncWebClient:
    """A Web API client with Hearth's retry policy: 429s after their Retry-After, connection and 5xx errors."""
    return AsyncWebClient(
        token=token,
        base_url=settings.api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class InFlight:
    """Counts work Bolt runs after answering Slack, so a shutdown (or a test) can wait for it to finish."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def track(self, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        @functools.wraps(listener)
        async def tracked(*args: Any, **kwargs: Any) -> None:
            self._count += 1
            self._idle.clear()
            try:
                await listener(*args, **kwargs)
            finally:
                self._count -= 1
                if self._count == 0:
                    self._idle.set()

        return tracked

    async def wait_idle(self, grace: float = 10.0) -> None:
        """Return once no acknowledged work is still running (or `grace` seconds passed: `TimeoutError`)."""
        await asyncio.wait_for(self._idle.wait(), grace)


@dataclass(slots=True)
class SlackAdapter:
    """The Bolt app with what its listeners need; `client_for` gives the Web API client of a workspace."""

    app: AsyncApp
    messenger: SlackMessenger
    directory: Directory
    client_for: Callable[[str], Awaitable[AsyncWebClient]]
    in_flight: InFlight


class SingleWorkspace:
    """The Web API client of the one workspace `SLACK_BOT_TOKEN` belongs to."""

    def __init__(self, settings: SlackSettings) -> None:
        self.client = web_client(settings, settings.bot_token)

    async def __call__(self, team_id: str) -> AsyncWebClient:
        return self.client


def build_slack_app(
    settings: SlackSettings,
    *,
    core: Core,
    clock: Clock,
    inbound_log: InboundLog,
    families: tuple[str, ...],
    clients: SingleWorkspace,
    messenger: SlackMessenger,
) -> SlackAdapter:
    """The single-workspace Slack app (`SLACK_BOT_TOKEN`), over HTTP or Socket Mode.

    The messenger is built before the core (which posts through it) and the app after (which feeds the core).
    """
    app = AsyncApp(
        client=clients.client,
        signing_secret=settings.signing_secret or "socket-mode-requests-are-not-signed",
        request_verification_enabled=settings.signing_secret is not None,
        name="hearth",
    )
    directory = Directory(clients, clock)
    adapter = SlackAdapter(app, messenger, directory, clients, InFlight())
    _listen(adapter, core=core, clock=clock, inbound_log=inbound_log, families=families)
    return adapter


def _listen(adapter: SlackAdapter, *, core: Core, clock: Clock, inbound_log: InboundLog,
            families: tuple[str, ...]) -> None:
    app, directory, messenger, track = adapter.app, adapter.directory, adapter.messenger, adapter.in_flight.track

    @app.middleware
    async def handle_each_event_once(body: dict[str, Any],
                                     next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        # Recorded on receipt, before any work: a retry of an event we already have is answered and dropped,
        # while a retry whose first delivery never arrived is handled as new.
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not await inbound_log.first_time("slack", event_id, clock.now()):
            log.info("slack event %s was delivered again; handled once already", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    @track
    async def on_command(ack: Callable[[], Awaitable[None]], body: dict[str, Any],
                         client: AsyncWebClient) -> None:
        await ack()
        actor = await directory.actor(body["team_id"], body["user_id"])
        event = command_event(body, actor, clock.now())  # type: ignore[arg-type]
        responder = Responder(messenger, client, event.channel, actor.member, body.get("trigger_id"))
        await core.handle(event, responder)

    for family in families:
        app.command(f"/{family}")(on_command)

    @app.event("message")
    @track
    async def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        if "user" not in event or event.get("bot_id"):
            return
        actor = await directory.actor(body["team_id"], event["user"])
        posted = message_event(body["team_id"], event, actor)  # type: ignore[arg-type]
        if posted is not None:
            await core.handle(posted)

    @app.event("reaction_added")
    @track
    async def on_reaction(body: dict[str, Any], event: dict[str, Any]) -> None:
        actor = await directory.actor(body["team_id"], event["user"])
        reacted = reaction_event(body["team_id"], event, actor)
        if reacted is not None:
            await core.handle(reacted)

    @app.event("member_joined_channel")
    @track
    async def on_joined(body: dict[str, Any], event: dict[str, Any]) -> None:
        actor = await directory.actor(body["team_id"], event["user"])
        await core.handle(joined_event(body["team_id"], event, actor, clock.now()))

    @app.action(re.compile(".+"))
    @track
    async def on_action(ack: Callable[[], Awaitable[None]], body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team_id = str((body.get("team") or {}).get("id") or body["user"]["team_id"])
        actor = await directory.actor(team_id, body["user"]["id"])
        for action in body.get("actions", []):
            event = action_event(body, action, actor, clock.now(), split_action_id(action["action_id"]))
            responder = Responder(messenger, client, event.channel, actor.member, body.get("trigger_id"))
            await core.handle(event, responder)

    @app.view(re.compile(".+"))
    @track
    async def on_submission(ack: Callable[[], Awaitable[None]], body: dict[str, Any],
                            client: AsyncWebClient) -> None:
        await ack()
        team_id = str((body.get("team") or {}).get("id") or body["user"]["team_id"])
        actor = await directory.actor(team_id, body["user"]["id"])
        form_id, values, metadata = read_submission(body["view"])
        event = form_event(body, form_id, values, metadata, actor, clock.now())
        responder = Responder(messenger, client, event.channel, actor.member, body.get("trigger_id"))
        await core.handle(event, responder)


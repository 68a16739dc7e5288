"""The Slack app: slack-bolt's `AsyncApp`, listening for Hearth's commands, events, clicks and forms.

Every listener acknowledges first and works after: Slack needs an answer within 3 seconds, and Bolt sends it as
soon as `ack()` is called (events are acknowledged by Bolt itself). The work is one `Core.handle` call. A command,
click, form or message shortcut is recorded just before its acknowledgement and finished after its work
(adapters/slack/receipts.py); `SlackAdapter.replay` finishes at the next start what a stop or a crash left.

Over HTTP, `SlackEdge` (adapters/slack/edge.py) verifies each request's signature before anything reads it, so
Bolt's own check is off (one check, on the injected clock). With one `SLACK_BOT_TOKEN`, Hearth serves the token's
own workspace only: `auth.test` names it once at start, Bolt authorizes every request with that answer, and a
request from any other workspace is refused before it is authorized (`refuse_other_workspaces`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.bounded_work import InFlight
from adapters.settings import SettingsError, SlackSettings
from adapters.slack.action_ids import read_action_id
from adapters.slack.directory import Directory
from adapters.slack.edge import SlackEdge, SlackSignature
from adapters.slack.inbound import (
    acting_team,
    action_event,
    command_event,
    form_event,
    joined_event,
    message_event,
    reaction_event,
    shortcut_event,
)
from adapters.slack.installs import InstalledWorkspaces, SingleWorkspace
from adapters.slack.messenger import HomeResponder, SlackMessenger
from adapters.slack.messenger import SlackResponder as Responder
from adapters.slack.modals import read_submission
from adapters.slack.receipts import SLACK, Kind, SlackReceipts
from adapters.unique_ids import Unreadable
from bot.acknowledgements import Acknowledged, AcknowledgementLog
from bot.core import Core
from bot.events import AppInstalled, AppRemoved, HomeOpened, InboundEvent
from bot.i18n import Translator, _, render
from bot.messages import Message, Paragraph
from bot.ports import Clock, InboundLog
from bot.refs import Platform, WorkspaceRef

log = logging.getLogger("hearth.slack")
Ack = Callable[..., Awaitable[None]]
BUSY = _("Hearth is very busy right now. Please send that again in a minute.")
ANOTHER_WORKSPACE = _(
    "This Hearth serves another Slack workspace. Ask an admin of yours to add Hearth to this workspace."
)
DONE_BEFORE_RESTART = _(
    "Hearth restarted before it could answer you, but what you asked for was done. There is no need to ask again."
)


ClientSource = SingleWorkspace | InstalledWorkspaces
# What a recorded request becomes: the events it stands for, each with the responder that answers it.
Arrival = Callable[[Mapping[str, Any], AsyncWebClient], Awaitable[list[tuple[InboundEvent, Responder]]]]


@dataclass(slots=True)
class SlackAdapter:
    """The Bolt app with what its listeners need; `client_for` gives the Web API client of a workspace."""

    app: AsyncApp
    messenger: SlackMessenger
    directory: Directory
    client_for: ClientSource
    in_flight: InFlight
    receipts: SlackReceipts
    core: Core
    edge: SlackEdge | None = None  # Slack's HTTP requests; None in Socket Mode without a signing secret
    arrivals: dict[Kind, Arrival] = field(default_factory=dict)

    async def start(self) -> None:
        """With one bot token: ask Slack which workspace it belongs to, before serving any request.

        Raises `SettingsError` when Slack refuses `SLACK_BOT_TOKEN` or cannot be reached.
        """
        if isinstance(self.client_for, SingleWorkspace):
            try:
                await self.client_for.identity()
            except SlackApiError as error:
                raise SettingsError(
                    f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}): copy the Bot User OAuth "
                    "Token again from the OAuth & Permissions page of the Slack app."
                ) from None
            except (aiohttp.ClientError, TimeoutError) as error:
                raise SettingsError(
                    f"Slack could not be reached to check SLACK_BOT_TOKEN ({type(error).__name__}): check the "
                    "network, or SLACK_API_URL if it is set."
                ) from None

    async def work(self, kind: Kind, body: Mapping[str, Any], client: AsyncWebClient) -> None:
        """Hand the request `body` of `kind` to the core, answered where it came from."""
        for event, responder in await self.arrivals[kind](body, client):
            await self.core.handle(event, responder)

    async def replay(self) -> None:
        """Finish what an earlier run (or a process that stopped renewing its records) acknowledged and did not
        finish; called once Slack's requests can arrive, and again on every round of the acknowledgement keeper.

        Each record still inside Slack's 30 minutes is claimed once; its work is done again from the start when
        it never committed, and otherwise the member is told privately that what they asked for was done. They
        run one after another, in the order they arrived, as work in flight (a stop waits for it or leaves what
        is left for the next start). Older records the log drops, and says how many.
        """
        pending = await self.receipts.acknowledgements.pending(SLACK, self.receipts.clock.now())
        if pending:
            told = sum(1 for item in pending if item.handled)
            log.info("%d Slack requests acknowledged before a restart are finished now: %d done again, %d done "
                     "already (their members are told so)", len(pending), len(pending) - told, told)
            self.in_flight.spawn(self._replay_each(pending))

    async def _replay_each(self, pending: list[Acknowledged]) -> None:
        for item in pending:
            try:
                await self.receipts.deliver(item.delivery, functools.partial(self._replay_one, item))
            except Exception:
                log.exception("a Slack request from before the restart failed again")

    async def _replay_one(self, item: Acknowledged) -> None:
        kind, body = item.payload.get("kind"), item.payload.get("body")
        if kind not in self.arrivals or not isinstance(body, Mapping):
            log.warning("a recorded Slack request Hearth cannot read is dropped")
            return
        team_id = acting_team(body)
        if team_id is None:
            log.warning("a recorded Slack request names no workspace; it is dropped")
            return
        client = await self.client_for(team_id)
        if not item.handled:
            await self.work(kind, body, client)
            return
        arrived = await self.arrivals[kind](body, client)
        if arrived:
            event, responder = arrived[0]
            await responder.respond(await self._done_note(event))

    async def _done_note(self, event: InboundEvent) -> Message:
        """The note that what the member asked for was done, in their language (as the core would answer)."""
        ctx = self.core.context_for(event)
        member = event.actor.member  # type: ignore[union-attr]
        found = await self.core.uow.directory.resolve(member.workspace, member, ctx.channel)
        ctx.workspace, ctx.member, ctx.community = found.workspace, found.member, found.community
        return Message((Paragraph(ctx.text(DONE_BEFORE_RESTART)),), ephemeral=True)


def build_slack_app(
    settings: SlackSettings,
    *,
    core: Core,
    clock: Clock,
    translator: Translator,
    language: str,
    inbound_log: InboundLog,
    acknowledgements: AcknowledgementLog,
    families: tuple[str, ...],
    clients: ClientSource,
    messenger: SlackMessenger,
    max_in_flight: int = 200,
) -> SlackAdapter:
    """The Slack app: one workspace (`SLACK_BOT_TOKEN`) or OAuth installs, over HTTP or Socket Mode.

    The messenger is built before the core (which posts through it) and the app after (which feeds the core).
    """
    app = AsyncApp(
        client=clients.bolt_client,
        signing_secret=settings.signing_secret or "socket-mode-requests-are-not-signed",
        request_verification_enabled=False,  # `SlackEdge` verifies, before anything parses the body
        # Answer as soon as a listener returns: listeners acknowledge and hand their work to `InFlight`, which
        # avoids Bolt's 10 ms polling for the ack and lets a busy Hearth say so in the answer itself.
        process_before_response=True,
        oauth_settings=clients.oauth_settings() if isinstance(clients, InstalledWorkspaces) else None,
        **_single_workspace_authorization(clients, another=_plain(translator, language, ANOTHER_WORKSPACE)),
        name="hearth",
    )
    directory = Directory(clients, clock)
    if isinstance(clients, InstalledWorkspaces):

        async def installed(team_id: str) -> None:
            await core.handle(AppInstalled(WorkspaceRef(Platform.SLACK, team_id), clock.now()))

        clients.store.on_installed = installed
    in_flight = InFlight(max_in_flight, log=log, failure="work after a Slack request failed")
    edge = SlackEdge(app, SlackSignature(settings.signing_secret, clock)) if settings.signing_secret else None
    adapter = SlackAdapter(app, messenger, directory, clients, in_flight, SlackReceipts(acknowledgements, clock), core,
                           edge)
    _listen(adapter, core=core, clock=clock, translator=translator, language=language, inbound_log=inbound_log,
            families=families)
    return adapter


def _single_workspace_authorization(clients: ClientSource, *, another: str) -> dict[str, Any]:
    if not isinstance(clients, SingleWorkspace):
        return {}
    workspace = clients

    async def authorize() -> AuthorizeResult:  # Bolt passes what a listener's parameters name: here nothing
        return await workspace.authorize()

    return {"authorize": authorize, "before_authorize": refuse_other_workspaces(workspace, another=another)}


def refuse_other_workspaces(workspace: SingleWorkspace, *, another: str) -> Callable[..., Awaitable[BoltResponse]]:
    """A Bolt middleware that lets through only requests of the token's own workspace (or of none, such as
    Slack's URL check). Any other is answered 200 (Slack would retry an error) and goes no further: no workspace
    is recorded, nothing is posted. A slash command gets `another` as its answer, which only its sender sees."""

    async def middleware(body: dict[str, Any], context: dict[str, Any],
                         next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        try:
            own = await workspace.team_id()
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack's auth.test failed (%s); a request is answered 503 so that Slack sends it again",
                        type(error).__name__)
            return BoltResponse(status=503, body="")
        named = {acting_team(body), context.get("team_id")} - {None}
        if named - {own}:
            log.info("a request from Slack workspace %s, which this Hearth does not serve; refused",
                     ", ".join(sorted(str(team) for team in named - {own})))
            return BoltResponse(status=200, body=another if "command" in body else "")
        return await next()

    return middleware


def _plain(translator: Translator, language: str, text: Any) -> str:
    return "".join(part for part in render(translator, language, text).parts if isinstance(part, str))


def _listen(adapter: SlackAdapter, *, core: Core, clock: Clock, translator: Translator, language: str,
            inbound_log: InboundLog, families: tuple[str, ...]) -> None:
    app, directory, messenger, in_flight = adapter.app, adapter.directory, adapter.messenger, adapter.in_flight
    busy = _plain(translator, language, BUSY)

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

    async def received(kind: Kind, ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        # Recorded before the acknowledgement: once Slack is told "received", a stop or a crash loses nothing.
        receipt = await adapter.receipts.record(kind, body)
        await ack()
        if not receipt.repeat:
            in_flight.spawn(adapter.receipts.deliver(receipt.delivery, lambda: adapter.work(kind, body, client)))

    async def on_command(ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        if in_flight.busy:
            await ack(text=busy)  # turned away, so nothing is recorded
            return
        await received("command", ack, body, client)

    async def command_arrival(body: Mapping[str, Any], client: AsyncWebClient) -> list[tuple[InboundEvent, Responder]]:
        actor = await directory.actor(body["team_id"], body["user_id"])
        event = command_event(body, actor, clock.now())  # type: ignore[arg-type]
        return [(event, Responder(messenger, client, event.channel, actor.member, body.get("trigger_id")))]

    for family in families:
        app.command(f"/{family}")(on_command)

    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        in_flight.spawn(on_message_work(body, event))

    async def on_message_work(body: dict[str, Any], event: dict[str, Any]) -> None:
        if "user" not in event or event.get("bot_id"):
            return
        actor = await directory.actor(body["team_id"], event["user"])
        posted = message_event(body["team_id"], event, actor)  # type: ignore[arg-type]
        if posted is not None:
            await core.handle(posted)

    @app.event("reaction_added")
    async def on_reaction(body: dict[str, Any], event: dict[str, Any]) -> None:
        in_flight.spawn(on_reaction_work(body, event))

    async def on_reaction_work(body: dict[str, Any], event: dict[str, Any]) -> None:
        actor = await directory.actor(body["team_id"], event["user"])
        reacted = reaction_event(body["team_id"], event, actor)
        if reacted is not None:
            await core.handle(reacted)

    @app.event("member_joined_channel")
    async def on_joined(body: dict[str, Any], event: dict[str, Any]) -> None:
        in_flight.spawn(on_joined_work(body, event))

    async def on_joined_work(body: dict[str, Any], event: dict[str, Any]) -> None:
        actor = await directory.actor(body["team_id"], event["user"])
        await core.handle(joined_event(body["team_id"], event, actor, clock.now()))

    @app.event("app_home_opened")
    async def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        in_flight.spawn(on_home_opened_work(body, event, client))

    async def on_home_opened_work(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = await directory.actor(body["team_id"], event["user"])
        await core.handle(HomeOpened(actor, clock.now()), HomeResponder(client, event["user"]))

    @app.shortcut(re.compile(".+"))
    async def on_shortcut(ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        if body.get("type") != "message_action":
            await ack()  # Hearth has no global shortcut
            return
        await received("shortcut", ack, body, client)

    async def shortcut_arrival(body: Mapping[str, Any], client: AsyncWebClient
                               ) -> list[tuple[InboundEvent, Responder]]:
        actor = await directory.actor(str(body["team"]["id"]), body["user"]["id"])
        event = shortcut_event(body, actor, clock.now())
        return [(event, Responder(messenger, client, event.channel, actor.member, body.get("trigger_id")))]

    async def removed(body: dict[str, Any]) -> None:
        team_id = str(body["team_id"])
        await adapter.client_for.forget(team_id)  # tokens go at once; the data after the grace period
        directory.forget(team_id)
        await core.handle(AppRemoved(WorkspaceRef(Platform.SLACK, team_id), clock.now()))

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        in_flight.spawn(on_uninstalled_work(body))

    async def on_uninstalled_work(body: dict[str, Any]) -> None:
        await removed(body)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        in_flight.spawn(on_tokens_revoked_work(body, event))

    async def on_tokens_revoked_work(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await removed(body)

    @app.action(re.compile(".+"))
    async def on_action(ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await received("action", ack, body, client)

    async def action_arrival(body: Mapping[str, Any], client: AsyncWebClient) -> list[tuple[InboundEvent, Responder]]:
        team_id = str((body.get("team") or {}).get("id") or body["user"]["team_id"])
        actor = await directory.actor(team_id, body["user"]["id"])
        arrived: list[tuple[InboundEvent, Responder]] = []
        for action in body.get("actions", []):
            action_id = read_action_id(action.get("action_id"))
            if isinstance(action_id, Unreadable):
                log.info("a click Hearth cannot read: %s", action_id.why)
                action_id = ""  # answered as a stale button
            event = action_event(body, action, actor, clock.now(), action_id)
            arrived.append((event, Responder(messenger, client, event.channel, actor.member, body.get("trigger_id"))))
        return arrived

    @app.view(re.compile(".+"))
    async def on_submission(ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        await received("form", ack, body, client)

    async def form_arrival(body: Mapping[str, Any], client: AsyncWebClient) -> list[tuple[InboundEvent, Responder]]:
        team_id = str((body.get("team") or {}).get("id") or body["user"]["team_id"])
        actor = await directory.actor(team_id, body["user"]["id"])
        form_id, values, metadata = read_submission(body["view"])
        event = form_event(body, form_id, values, metadata, actor, clock.now())
        return [(event, Responder(messenger, client, event.channel, actor.member, body.get("trigger_id")))]

    adapter.arrivals.update({"command": command_arrival, "action": action_arrival, "form": form_arrival,
                             "shortcut": shortcut_arrival})

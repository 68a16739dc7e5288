"""The Discord adapter: a discord.py client that feeds Hearth's core and answers through it.

Intents are only what Hearth reads: servers and their channels, message and reaction events (metadata: without
the privileged message-content intent Discord leaves the text out) and, unless `DISCORD_MEMBER_EVENTS=off`, the
privileged Server Members intent for joins and leaves. Nothing Hearth posts pings anyone it did not name.

Every event becomes one `Core.handle` call. Interactions are answered within Discord's 3 seconds: see
`adapters.discord.responder`. Each command, click, form and message command is recorded before it is answered
and forgotten once done; what a stop or a crash left is finished at the next start (`adapters.discord.replay`).
Clicks reach `on_component` through the adapter's own DynamicItem (`click_route`), registered at start.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
import yarl
from discord import http as discord_http
from discord.gateway import DiscordWebSocket

from adapters.bounded_work import InFlight, WorkLine
from adapters.discord import inbound
from adapters.discord.commands import command_definitions, focused_option, shortcut_ids
from adapters.discord.messenger import DiscordMessenger
from adapters.discord.replay import ANSWER_WINDOW, InteractionReplay, delivery_of, payload
from adapters.discord.responder import InteractionResponder
from adapters.discord.sync import HashStore, sync
from adapters.settings import DiscordSettings
from bot.acknowledgements import AcknowledgementLog, Delivery, delivering
from bot.core import Core
from bot.event_codec import ReplayableEvent
from bot.events import AppInstalled, AppRemoved, InboundEvent
from bot.i18n import Translator
from bot.ports import Clock
from bot.refs import ChannelRef, MemberRef, Platform
from bot.services import Services
from commands.catalog import Catalog
from commands.completion import SuggestionContext, suggestions

log = logging.getLogger("hearth.discord")
# Discord waits 3 seconds for an interaction's answer; past this many, Hearth defers and answers later.
DEFER_AFTER = 2.0
# Discord asks for 5 seconds between the IDENTIFYs of a bot's shards (max_concurrency 1).
IDENTIFY_DELAY = 5.0
# Passive events (messages, reactions, joins and leaves) in progress at once, and how many may wait. Commands and
# clicks must be answered within 3 seconds; activity only has to be counted. A burst of messages (a busy server, a
# reconnect replaying events) therefore waits in a line instead of taking every database connection, so that
# interactions always find one; past the backlog new ones are dropped and counted rather than held for minutes and
# failed on a pool timeout.
PASSIVE_WORKERS = 4
PASSIVE_BACKLOG = 20_000
# Seconds discord.py may wait out one rate limit before giving up (its minimum is 30).
MAX_RATELIMIT_WAIT = 30.0
# Seconds a stop waits for cancelled work to end.
CANCEL_GRACE = 1.0


def point_at(settings: DiscordSettings) -> None:
    """Send discord.py's REST calls to `DISCORD_API_URL` and its gateway connections to `DISCORD_GATEWAY_URL`.

    discord.py reads both from class attributes, so this holds for the whole process."""
    discord_http.Route.BASE = settings.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def intents(settings: DiscordSettings) -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.guild_reactions = True
    chosen.members = settings.member_events
    chosen.message_content = settings.message_content
    return chosen


class _Hooks:
    """What a Hearth client does at start and before each IDENTIFY; the adapter fills in `setup`."""

    def __init__(self, identify_delay: float) -> None:
        self.identify_delay = identify_delay
        self.adapter: DiscordAdapter | None = None

    async def setup(self, client: discord.Client) -> None:
        if self.adapter is not None:
            await self.adapter.setup()

    async def before_identify(self, initial: bool) -> None:
        if not initial and self.identify_delay:
            await asyncio.sleep(self.identify_delay)


class _Hooked:
    """Hands a client's start-up and IDENTIFY hooks to its `_Hooks`."""

    hooks: _Hooks

    def __init__(self, hooks: _Hooks, **options: Any) -> None:
        self.hooks = hooks
        super().__init__(**options)  # the discord.py client that follows in the MRO

    async def setup_hook(self) -> None:
        assert isinstance(self, discord.Client)
        await self.hooks.setup(self)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.hooks.before_identify(initial)


class HearthClient(_Hooked, discord.Client):
    """One gateway connection."""


class HearthShardedClient(_Hooked, discord.AutoShardedClient):
    """Several shards in one process: all of them (`DISCORD_SHARDS`), or those of `DISCORD_SHARD_IDS`."""


def build_client(settings: DiscordSettings, *, identify_delay: float = IDENTIFY_DELAY,
                 guild_ready_timeout: float = 2.0) -> HearthClient | HearthShardedClient:
    """The discord.py client for `settings`: sharded when `DISCORD_SHARDS` asks for it."""
    options: dict[str, Any] = {
        "intents": intents(settings),
        "allowed_mentions": discord.AllowedMentions.none(),
        "guild_ready_timeout": guild_ready_timeout,
        "chunk_guilds_at_startup": False,
        "member_cache_flags": discord.MemberCacheFlags.none(),
        "max_messages": None,
        # A rate limit longer than this raises instead of holding the send: a scheduled delivery is retried later.
        "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
    }
    # Hearth has no voice features; discord.py would warn at every start that voice libraries are missing.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    hooks = _Hooks(identify_delay)
    if not settings.sharded:
        return HearthClient(hooks, **options)
    if settings.shard_count is not None:
        options["shard_count"] = settings.shard_count
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
    return HearthShardedClient(hooks, **options)


Click = Callable[[discord.Interaction[Any]], Awaitable[None]]
# Matches every custom id Hearth makes (`adapters.discord.custom_ids`), whatever message it was sent with.
COMPONENT_TEMPLATE = r".+"


def click_route(on_click: Click) -> type[discord.ui.DynamicItem[discord.ui.Item[Any]]]:
    """A DynamicItem class that hands every click on a Hearth component to `on_click`.

    Registered with the client (`add_dynamic_items`), it serves every button and select Hearth ever sent, across
    restarts, without discord.py keeping anything per message. Each adapter makes its own, so the click goes to
    that adapter and no other.
    """

    class HearthComponent(discord.ui.DynamicItem[discord.ui.Item[Any]], template=COMPONENT_TEMPLATE):
        @classmethod
        async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                                 match: re.Match[str], /) -> HearthComponent:
            return cls(item)

        async def callback(self, interaction: discord.Interaction[Any]) -> None:
            await on_click(interaction)

    return HearthComponent


class DiscordAdapter:
    """Translates the client's events into Hearth's and hands them to the core."""

    def __init__(
        self,
        settings: DiscordSettings,
        client: HearthClient | HearthShardedClient,
        messenger: DiscordMessenger,
        *,
        core: Core,
        catalog: Catalog,
        translator: Translator,
        clock: Clock,
        services: Services,
        hashes: HashStore,
        acknowledgements: AcknowledgementLog,
        language: str,
        sync_at_start: bool = True,
        defer_after: float = DEFER_AFTER,
    ) -> None:
        self.settings = settings
        self.client = client
        self.messenger = messenger
        self.definitions = command_definitions(catalog, translator)
        self._core = core
        self._commands = catalog
        self._translator = translator
        self._clock = clock
        self._services = services
        self._hashes = hashes
        self._sync_at_start = sync_at_start
        self._defer_after = defer_after
        self._acknowledgements = acknowledgements
        self._replay = InteractionReplay(acknowledgements, core, client, messenger, translator, clock,
                                         language=language)
        self._shortcuts = shortcut_ids(catalog, translator)
        self._in_flight = InFlight(None, log=log)
        self._passive: WorkLine[InboundEvent] = WorkLine(
            self._handle, workers=PASSIVE_WORKERS, backlog=PASSIVE_BACKLOG, name="hearth-discord-passive", log=log,
            what="passive Discord events")
        self._components = click_route(self.on_component)
        client.hooks.adapter = self
        for listener in (self.on_ready, self.on_message, self.on_raw_reaction_add, self.on_member_join,
                         self.on_raw_member_remove, self.on_guild_join, self.on_guild_remove, self.on_interaction):
            client.event(listener)

    @property
    def in_flight(self) -> InFlight:
        """The interactions being handled (shutdown waits for them)."""
        return self._in_flight

    async def setup(self) -> None:
        """At login: push the commands when they changed since the last push. A refusal (Hearth not yet in the
        development server, the daily limit of command creations) is logged, and Hearth runs on with the
        commands Discord already has."""
        self.client.add_dynamic_items(self._components)
        if not self._sync_at_start:
            return
        try:
            await sync(self.client, self.definitions, self.settings.guild_id, self._hashes, self._clock.now())
        except discord.HTTPException as error:
            where = f"server {self.settings.guild_id}" if self.settings.guild_id else "Discord"
            log.error("could not register Hearth's commands in %s (%s %s): run hearth discord sync once that is "
                      "fixed; the commands Discord has already keep working", where, error.status, error.text[:200])

    async def sync(self, *, force: bool = True) -> bool:
        return await sync(self.client, self.definitions, self.settings.guild_id, self._hashes, self._clock.now(),
                          force=force)

    # --- gateway events ------------------------------------------------------------------------------------

    async def on_ready(self) -> None:
        with self._in_flight.tracked():
            try:
                await self.reconcile_servers()
            except Exception:
                log.exception("comparing Discord's servers with Hearth's failed")

    async def reconcile_servers(self) -> None:
        """Catch up on what happened while Hearth was not connected: a server that removed Hearth is treated
        as removed now (its erasure is scheduled), and one that invited it back is installed again. Only the
        servers of this process's shards are compared."""
        present = {str(guild.id) for guild in self.client.guilds}
        known = await self._services.community.workspaces_on(Platform.DISCORD)
        now = self._clock.now()
        for workspace in known:
            if not workspace.ref.id.isdigit() or not self._owns(int(workspace.ref.id)):
                continue
            if workspace.removed_at is None and workspace.ref.id not in present:
                log.info("Hearth is no longer in Discord server %s", workspace.ref.id)
                await self._handle(AppRemoved(workspace.ref, now))
            elif workspace.removed_at is not None and workspace.ref.id in present:
                await self._handle(AppInstalled(workspace.ref, now, workspace.name))

    def _owns(self, guild_id: int) -> bool:
        client = self.client
        if not isinstance(client, HearthShardedClient) or client.shard_count is None:
            return True
        shards = client.shard_ids if client.shard_ids is not None else range(client.shard_count)
        return (guild_id >> 22) % client.shard_count in shards

    async def on_message(self, message: discord.Message) -> None:
        if self.client.user is not None and message.author.id == self.client.user.id:
            return
        event = inbound.message_event(message, message.created_at)
        if event is not None:
            self._passive.put(event)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        channel = self.client.get_channel(payload.channel_id)
        event = inbound.reaction_event(payload, channel, self._clock.now())
        if event is not None:
            self._passive.put(event)

    async def on_member_join(self, member: discord.Member) -> None:
        if not member.bot:
            self._passive.put(inbound.joined_event(member, self._clock.now()))

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        self._passive.put(inbound.left_event(payload, self._clock.now()))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._handle(AppInstalled(inbound.workspace(guild.id), self._clock.now(), guild.name))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Kicked, banned or the server deleted (an outage is `on_guild_unavailable`): the data follows after the
        # grace period unless Hearth is invited back first.
        await self._handle(AppRemoved(inbound.workspace(guild.id), self._clock.now()))

    # --- interactions --------------------------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        with self._in_flight.tracked():
            await self._interaction(interaction)

    async def _interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            return  # Hearth's commands are server-only; Discord offers none of them in DMs
        kind = interaction.type
        if kind is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction)
        elif kind is discord.InteractionType.application_command:
            await self._application_command(interaction)
        elif kind is discord.InteractionType.modal_submit:
            await self._answer(interaction, inbound.form_event(interaction, self._clock.now()))
        # Components arrive through `click_route` (on_component).

    async def on_component(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            return
        with self._in_flight.tracked():
            await self._answer(interaction, inbound.component_event(interaction, self._clock.now()))

    async def _application_command(self, interaction: discord.Interaction[Any]) -> None:
        data: Mapping[str, Any] = interaction.data or {}
        if data.get("type", 1) == 1:
            await self._answer(interaction, inbound.command_event(interaction, self._clock.now()))
            return
        shortcut_id = self._shortcuts.get(str(data.get("name", "")))
        if shortcut_id is None:
            log.warning("Discord sent the unknown message command %r; run hearth discord sync", data.get("name"))
            await InteractionResponder(interaction, self.messenger, *self._who(interaction)).finish()
            return
        await self._answer(interaction, inbound.shortcut_event(interaction, shortcut_id, self._clock.now()))

    async def _answer(self, interaction: discord.Interaction[Any], event: ReplayableEvent) -> None:
        """Record the interaction, run the core on `event` and defer if it takes longer than Discord waits; forget
        the record once the work and its answers are done. Cancelled by a stop, the record stays for the next
        start."""
        delivery = delivery_of(interaction)
        if not await self._acknowledgements.record(delivery, payload(interaction, event), at=self._clock.now(),
                                                   answer_until=interaction.created_at + ANSWER_WINDOW,
                                                   acknowledged=False):
            log.info("Discord delivered interaction %s again; it is being answered already", interaction.id)
            return
        responder = InteractionResponder(interaction, self.messenger, *self._who(interaction))
        with delivering(delivery):
            work = asyncio.ensure_future(self._core.handle(event, responder))
        try:
            done, _pending = await asyncio.wait({work}, timeout=self._defer_after)
        except asyncio.CancelledError:
            work.cancel()  # `wait` leaves it running
            raise
        if not done:
            await self._acknowledgements.acknowledge(delivery)
            try:
                await responder.defer()
            except Exception:
                log.exception("could not defer a slow interaction")
        try:
            await work
        except Exception:
            await self._finish(delivery, responder)
            raise
        await self._finish(delivery, responder)

    async def _finish(self, delivery: Delivery, responder: InteractionResponder) -> None:
        try:
            await responder.finish()
        finally:
            await self._acknowledgements.finish(delivery)

    async def _autocomplete(self, interaction: discord.Interaction[Any]) -> None:
        data: Mapping[str, Any] = interaction.data or {}
        focused = focused_option(data)
        values: list[str] = []
        if focused is not None:
            path, name, typed = focused
            spec = next((s for s in self._commands.registry.family(str(data.get("name", "")))
                         if s.path[1:] == path), None)
            param = next((p for p in spec.params if p.name == name), None) if spec is not None else None
            if param is not None:
                channel, member = self._who(interaction)
                context = SuggestionContext(self._services, channel, member)
                try:
                    values = await suggestions(param, typed, languages=self._translator.languages(),
                                               context=context)
                except Exception:
                    log.exception("suggestions for %s failed", name)
        choices = [discord.app_commands.Choice(name=value[:100], value=value[:100]) for value in values]
        try:
            await interaction.response.autocomplete(choices)
        except discord.HTTPException:
            log.info("an autocomplete answer came too late; the member typed on")

    def _who(self, interaction: discord.Interaction[Any]) -> tuple[ChannelRef, MemberRef]:
        channel, _thread = inbound.place(interaction.channel, interaction.guild_id or 0, interaction.channel_id or 0)
        return channel, MemberRef(inbound.workspace(interaction.guild_id or 0), str(interaction.user.id))

    async def _handle(self, event: InboundEvent) -> None:
        with self._in_flight.tracked():
            try:
                await self._core.handle(event)
            except Exception:
                log.exception("handling a Discord %s failed", type(event).__name__)

    # --- running -------------------------------------------------------------------------------------------

    async def start(self, ready_within: float = 120.0) -> asyncio.Task[None]:
        """Log in (pushing changed commands), connect and wait until the servers are loaded; returns the task
        that runs the gateway connection.

        Raises `discord.LoginFailure` when Discord refuses the token, and what stopped the connection before it
        was ready (`discord.PrivilegedIntentsRequired` when the Server Members intent is not switched on)."""
        point_at(self.settings)
        await self.client.login(self.settings.token)
        gateway = asyncio.create_task(self.client.connect(reconnect=True), name="hearth-discord-gateway")
        ready = asyncio.ensure_future(self.client.wait_until_ready())
        await asyncio.wait({gateway, ready}, timeout=ready_within, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if gateway.done():
            await self.client.close()
            gateway.result()  # raises what stopped it
            raise ConnectionError("the Discord connection ended before it was ready")
        if not self.client.is_ready():
            log.warning("Discord is slow to send the servers; Hearth goes on and answers as they arrive")
        await self.replay()
        return gateway

    async def replay(self) -> int:
        """Take on what an earlier run (or a process that stopped renewing its records) deferred and did not
        finish, while Discord still accepts its answer; called once connected, and again now and then. Each is
        done again or answered as done, one after another in the background (a stop waits for them like for any
        interaction).
        Returns how many were taken on; a failure to read them is logged and counts as none."""
        try:
            claimed = await self._replay.claim()
        except Exception:
            log.exception("could not read the Discord interactions an earlier run left unfinished")
            return 0
        if claimed:
            self._in_flight.spawn(self._replay.finish_all(claimed))
        return len(claimed)

    async def close(self, grace: float = 10.0) -> None:
        """Let the events being handled finish for at most `grace` seconds, cancel what is left (an interaction
        cancelled keeps its record, for the next start), then disconnect. Raises nothing for work that did not
        finish in time."""
        loop = asyncio.get_running_loop()
        until = loop.time() + grace
        try:
            await self._in_flight.wait_idle(grace)
            await self._passive.drain(max(0.0, until - loop.time()))
        except TimeoutError:
            log.warning("stopping with %d Discord events still being handled and %d waiting; the interactions "
                        "among them are answered at the next start", self._in_flight.running, self._passive.waiting)
            await self._in_flight.cancel(CANCEL_GRACE)
        await self._passive.stop()
        await self.client.close()

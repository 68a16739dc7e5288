"""The wiring: every part of Hearth is built here, and only here, complete before anything runs.

Three layers, each on top of the one before, so that a command builds only what it needs:

- `open_storage`: the database engine (migrated once), the units of work, the delivery ledger, the inbound
  log and platform state. `hearth discord sync` stops here.
- `build_hearth`: the meeting hooks, the services, the scheduling engine and the core, on a storage and a
  messenger. The console, `hearth schedules` and tests stop here.
- `build_deployment`: for `hearth run`, also the platform clients and messengers, the Slack and Discord
  adapters, the scheduler driver and the web app. `adapters.run` only starts and stops what it built.

Every dependency is a parameter with a real default, so tests build the same application with a simulated
clock, a fake messenger or extra schedule kinds. A platform's modules (slack_bolt, discord.py) are imported only
when that platform is configured.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from adapters.log_redaction import hide_secret
from adapters.poll_key import key_from_file
from adapters.settings import Settings
from bot.action_refs import ActionRefs, new_key
from bot.activity.recorder import ActivityRecorder
from bot.activity.retention import ActivityRetention
from bot.activity.writer import ActivityWriter
from bot.catalogs import Catalogs
from bot.clock import SystemClock
from bot.context import Defaults
from bot.core import Core
from bot.erasure import RemovalRecorder, WorkspaceErasure
from bot.i18n import Translator
from bot.library.page_fetching import PageFetching
from bot.library.ports import PageFetcher
from bot.meetings.reminders import MeetingHooks, meeting_kinds
from bot.middleware import check_permission, ignore_bots, rate_limit, resolve_community
from bot.nudges.rounds import NudgeRounds
from bot.polls.anonymity import BallotSealer
from bot.polls.asking import FeedbackAfterMeetings, PollRounds
from bot.polls.closing import PollClosing
from bot.polls.reminding import PollReminders
from bot.ports import Clock, Messenger
from bot.ratelimit import RateLimiter
from bot.refs import Platform
from bot.scheduling.engine import Engine
from bot.scheduling.model import ScheduledKind
from bot.services import Services, build_services
from commands.catalog import Catalog, build_catalog
from commands.router import CommandRouter
from storage.acknowledged import SqlAcknowledgementLog
from storage.database import create_engine_for
from storage.inbound_log import SqlInboundLog
from storage.ledger import SqlDeliveryLedger
from storage.migrate import upgrade
from storage.platform_state import SqlPlatformState
from storage.unit_of_work import SqlUnitOfWorkFactory

if TYPE_CHECKING:
    from aiohttp import web
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
    from sqlalchemy.ext.asyncio import AsyncEngine

    from adapters.discord.app import DiscordAdapter, HearthClient, HearthShardedClient
    from adapters.discord.messenger import DiscordMessenger
    from adapters.scheduler_driver import SchedulerDriver
    from adapters.slack.app import SlackAdapter
    from adapters.slack.installs import InstalledWorkspaces, SingleWorkspace
    from adapters.slack.messenger import SlackMessenger


# --- storage ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Storage:
    """The database and everything that reads and writes it, on one engine."""

    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory
    ledger: SqlDeliveryLedger
    inbound_log: SqlInboundLog
    platform_state: SqlPlatformState
    acknowledgements: SqlAcknowledgementLog

    async def close(self) -> None:
        await self.engine.dispose()


async def open_storage(settings: Settings, *, migrate: bool = True) -> Storage:
    """The storage on `settings.database_url`, its schema upgraded first unless `migrate` is False (a database
    already at the head revision costs one read). Raises `ValueError` for an unsupported URL."""
    if migrate:
        await asyncio.to_thread(upgrade, settings.database_url)
    engine = create_engine_for(settings.database_url, pool_size=settings.db_pool_size)
    units = SqlUnitOfWorkFactory(engine)
    return Storage(engine, units, SqlDeliveryLedger(engine), SqlInboundLog(engine), SqlPlatformState(engine),
                   SqlAcknowledgementLog(engine, units=units, lease=timedelta(seconds=settings.takeover_seconds)))


# --- the core --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Hearth:
    """A built Hearth: the core and what it was built from. It owns its storage: `close` closes it."""

    settings: Settings
    core: Core
    catalog: Catalog
    storage: Storage
    services: Services
    hooks: MeetingHooks
    clock: Clock
    translator: Translator
    scheduler: Engine
    # Writes the activity record in batches; started by the console and `hearth run`, written out by `close`.
    activity: ActivityWriter
    pages: PageFetching | None = None  # reads saved pages in the background; started with the deployment

    @property
    def database(self) -> AsyncEngine:
        return self.storage.engine

    @property
    def refs(self) -> ActionRefs:
        return self.core.refs

    @property
    def uow(self) -> SqlUnitOfWorkFactory:
        return self.storage.uow

    @property
    def acknowledgements(self) -> SqlAcknowledgementLog:
        """What the platform adapters acknowledged and have not finished (bot/acknowledgements.py)."""
        return self.storage.acknowledgements

    async def close(self) -> None:
        if self.pages is not None:
            await self.pages.stop()
        await self.activity.stop()  # what waits is written while the database is still open
        await self.storage.close()


async def build_hearth(
    settings: Settings,
    *,
    messenger: Messenger,
    storage: Storage | None = None,
    clock: Clock | None = None,
    translator: Translator | None = None,
    kinds: Sequence[ScheduledKind] = (),
    hooks: MeetingHooks | None = None,
    migrate: bool = True,
    fetcher: PageFetcher | None = None,
) -> Hearth:
    """Build Hearth on `storage` (opened on `settings`' database, migrated unless `migrate` is False, when not
    given), posting through `messenger`.

    `kinds` are extra schedule kinds for the scheduling engine; the engine is built but not started (the
    scheduler driver or the console starts it), nor is the activity writer (`Hearth.activity`: what it records
    waits in memory until it is started, flushed or closed). `hooks` hear of meeting changes (`build_hooks`); none
    when left out. `fetcher` reads saved pages in the background once `pages` is started; none reads nothing (the
    pages wait until a Hearth with a fetcher starts).
    """
    clock = clock or SystemClock()
    translator = translator or Catalogs.load()
    hooks = hooks or MeetingHooks()
    storage = storage or await open_storage(settings, migrate=migrate)
    uow = storage.uow
    catalog = build_catalog()
    refs = await action_refs(storage, clock)
    erasure = WorkspaceErasure(uow, timedelta(days=settings.data_grace_days))
    activity = ActivityWriter(uow, clock)
    retention = ActivityRetention(uow, settings.activity_days, settings.timezone)
    meetings = meeting_kinds(uow, messenger, translator, refs, hooks, recipients=storage.ledger, clock=clock)
    scheduler = Engine(kinds=[erasure, retention, *meetings, *kinds], ledger=storage.ledger, clock=clock,
                       owner=instance_name())
    erasure.erased = scheduler.forget_workspace
    limiter = RateLimiter(
        clock, capacity=settings.rate_limit_count, period=timedelta(seconds=settings.rate_limit_seconds)
    )
    services = build_services(uow, clock, scheduler, hooks, poll_sealer(settings),
                              poll_min_answers=settings.poll_min_answers, translator=translator,
                              pages_waiting=lambda: pages.wake() if pages is not None else None)
    pages = PageFetching(services.library, fetcher) if fetcher is not None else None
    scheduler.add_kind(PollClosing(services.polls, messenger, translator, refs))
    scheduler.add_kind(PollRounds(services.rounds, services.polls, messenger, translator, refs))
    scheduler.add_kind(PollReminders(services.polls, messenger, translator, recipients=storage.ledger, clock=clock))
    scheduler.add_kind(NudgeRounds(services.nudges, messenger, translator, recipients=storage.ledger, clock=clock))
    hooks.after_meeting.append(FeedbackAfterMeetings(services.rounds, services.polls, uow))
    core = Core(
        handlers=[CommandRouter(catalog.registry), catalog.interactions, catalog.home, *catalog.events,
                  RemovalRecorder(), ActivityRecorder(activity)],
        middleware=[ignore_bots, resolve_community, rate_limit(limiter), check_permission],
        messenger=messenger,
        translator=translator,
        clock=clock,
        uow=uow,
        defaults=Defaults(language=settings.language, timezone=settings.timezone, public_url=settings.public_url),
        services=services,
        refs=refs,
        scheduler=scheduler,
    )
    return Hearth(settings, core, catalog, storage, services, hooks, clock, translator, scheduler, activity, pages)


REFERENCE_KEY = "hearth.reference_key"


async def action_refs(storage: Storage, clock: Clock) -> ActionRefs:
    """The references of the deployment's buttons and forms, signed with the key kept in the database: made once,
    on the first start, and the same for every process and after every restart. The key is redacted from the log
    from now on."""
    key = await storage.platform_state.first(REFERENCE_KEY, new_key(), clock.now())
    hide_secret(REFERENCE_KEY, key)
    return ActionRefs(key)


def poll_sealer(settings: Settings) -> BallotSealer:
    """The sealer of anonymous ballots, with `HEARTH_POLL_KEY` or the key file (made when first needed)."""
    if settings.poll_key is not None:
        return BallotSealer(settings.poll_key)
    path = settings.poll_key_file or settings.data_dir / "poll.key"
    return BallotSealer(lambda: key_from_file(path))


def instance_name() -> str:
    """Names this process in the delivery ledger: who holds a claim."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- platforms -------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SlackParts:
    """Slack's Web API clients (one workspace or OAuth installs) and the messenger posting through them."""

    clients: SingleWorkspace | InstalledWorkspaces
    messenger: SlackMessenger


@dataclass(slots=True)
class DiscordParts:
    """The discord.py client and the messenger posting through it."""

    client: HearthClient | HearthShardedClient
    messenger: DiscordMessenger


@dataclass(slots=True)
class Platforms:
    """The clients of every platform configured, built before the core (which posts through them)."""

    slack: SlackParts | None = None
    discord: DiscordParts | None = None

    def messenger(self) -> Messenger:
        from adapters.platforms import PlatformMessenger

        messengers: dict[Platform, Messenger] = {}
        if self.slack is not None:
            messengers[Platform.SLACK] = self.slack.messenger
        if self.discord is not None:
            messengers[Platform.DISCORD] = self.discord.messenger
        return PlatformMessenger(messengers)

    async def close(self) -> None:
        """Close what can be closed before it was started (Slack's HTTP sessions)."""
        if self.slack is not None:
            await self.slack.clients.close()


def connect_platforms(settings: Settings, storage: Storage, clock: Clock, *,
                      discord_options: Mapping[str, Any] | None = None) -> Platforms:
    """The clients and messengers of the platforms `settings` configures; nothing connects yet.
    `discord_options` are passed to `build_client` (tests shorten its waits)."""
    platforms = Platforms()
    if settings.slack is not None:
        from adapters.slack.installs import InstalledWorkspaces, SingleWorkspace
        from adapters.slack.messenger import SlackMessenger

        clients = (InstalledWorkspaces(settings.slack, storage.engine) if settings.slack.oauth
                   else SingleWorkspace(settings.slack))
        platforms.slack = SlackParts(clients, SlackMessenger(clients))
    if settings.discord is not None:
        from adapters.discord.app import build_client
        from adapters.discord.messenger import DiscordMessenger

        client = build_client(settings.discord, **(discord_options or {}))
        platforms.discord = DiscordParts(client, DiscordMessenger(client, clock))
    return platforms


def build_hooks(settings: Settings, storage: Storage, clock: Clock, platforms: Platforms) -> MeetingHooks:
    """What acts on meeting changes: with `DISCORD_SCHEDULED_EVENTS`, Discord's scheduled events mirror each
    series' next meeting."""
    hooks = MeetingHooks()
    if settings.discord is not None and settings.discord.scheduled_events and platforms.discord is not None:
        from adapters.discord.events import DiscordEventMirror

        hooks.next_meeting.append(DiscordEventMirror(platforms.discord.client, storage.platform_state, clock))
    return hooks


def build_slack_adapter(settings: Settings, hearth: Hearth, slack: SlackParts) -> SlackAdapter:
    """The Bolt app feeding `hearth`'s core."""
    from adapters.slack.app import build_slack_app

    assert settings.slack is not None
    return build_slack_app(
        settings.slack, core=hearth.core, clock=hearth.clock, translator=hearth.translator,
        language=settings.language, inbound_log=hearth.storage.inbound_log, acknowledgements=hearth.acknowledgements,
        families=hearth.catalog.registry.families(), clients=slack.clients, messenger=slack.messenger,
        max_in_flight=settings.max_in_flight,
    )


def build_discord_adapter(settings: Settings, hearth: Hearth, discord: DiscordParts, *,
                          defer_after: float | None = None) -> DiscordAdapter:
    """The Discord adapter feeding `hearth`'s core; `defer_after` shortens Discord's wait in tests."""
    from adapters.discord.app import DEFER_AFTER, DiscordAdapter

    assert settings.discord is not None
    return DiscordAdapter(
        settings.discord, discord.client, discord.messenger, core=hearth.core, catalog=hearth.catalog,
        translator=hearth.translator, clock=hearth.clock, services=hearth.services,
        hashes=hearth.storage.platform_state, acknowledgements=hearth.acknowledgements, language=settings.language,
        defer_after=DEFER_AFTER if defer_after is None else defer_after,
    )


# --- a deployment ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Deployment:
    """Everything `hearth run` starts: built, connected to nothing yet."""

    hearth: Hearth
    platforms: Platforms
    driver: SchedulerDriver
    web: web.Application
    slack: SlackAdapter | None = None
    socket: AsyncSocketModeHandler | None = None
    discord: DiscordAdapter | None = None

    async def close(self) -> None:
        """Release what was built when it never started."""
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        await self.platforms.close()
        await self.hearth.close()


async def build_deployment(settings: Settings, *, clock: Clock | None = None,
                           discord_options: Mapping[str, Any] | None = None, migrate: bool = True) -> Deployment:
    """Hearth with every platform `settings` configures (Slack, Discord or both), its scheduler driver and its
    web app (health, Slack over HTTP, calendar feeds, library pages). Raises `ValueError` for a command catalogue a
    platform cannot offer."""
    from sqlalchemy import text

    from adapters.calendar_feed import CalendarFeedHandler
    from adapters.library_page import LibraryPageHandler
    from adapters.page_fetch import page_fetcher  # aiohttp's client and the guard: only for a deployment
    from adapters.scheduler_driver import SchedulerDriver
    from adapters.web import build_web_app

    clock = clock or SystemClock()
    storage = await open_storage(settings, migrate=migrate)
    platforms = connect_platforms(settings, storage, clock, discord_options=discord_options)
    try:
        hooks = build_hooks(settings, storage, clock, platforms)
        hearth = await build_hearth(settings, messenger=platforms.messenger(), storage=storage, clock=clock,
                                    hooks=hooks, fetcher=page_fetcher(settings))
        slack = build_slack_adapter(settings, hearth, platforms.slack) if platforms.slack is not None else None
        discord = (build_discord_adapter(settings, hearth, platforms.discord) if platforms.discord is not None
                   else None)
        socket_mode = settings.slack is not None and settings.slack.socket_mode

        async def healthy() -> bool:
            async with storage.engine.connect() as connection:
                return bool((await connection.scalar(text("SELECT 1"))) == 1)

        app = build_web_app(health=healthy, slack=slack.edge if slack is not None and not socket_mode else None,
                            calendar=CalendarFeedHandler(hearth.services.meetings),
                            library=LibraryPageHandler(hearth.services.library, hearth.translator,
                                                       settings.public_url))
        driver = SchedulerDriver(hearth.scheduler, clock)
        handler = None
        if slack is not None and settings.slack is not None and socket_mode:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(slack.app, settings.slack.app_token)  # last: it opens an HTTP session
    except BaseException:
        await platforms.close()
        await storage.close()
        raise
    return Deployment(hearth, platforms, driver, app, slack=slack, socket=handler, discord=discord)

"""`hearth run` with a platform configured: Slack (HTTP or Socket Mode), Discord, the web server and the scheduler."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import discord
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from sqlalchemy import text

from adapters.bootstrap import Hearth, build_hearth
from adapters.calendar_feed import CalendarFeedHandler
from adapters.discord.app import DiscordAdapter, build_client
from adapters.discord.events import DiscordEventMirror
from adapters.discord.messenger import DiscordMessenger
from adapters.platforms import PlatformMessenger
from adapters.scheduler_driver import SchedulerDriver
from adapters.settings import Settings, SettingsError
from adapters.slack.app import SlackAdapter, build_slack_app
from adapters.slack.installs import InstalledWorkspaces, SingleWorkspace
from adapters.slack.messenger import SlackMessenger
from adapters.web import build_web_app, serve
from bot.clock import SystemClock
from bot.ports import Clock, Messenger
from bot.refs import Platform
from storage.database import create_engine_for
from storage.inbound_log import SqlInboundLog
from storage.platform_state import SqlPlatformState

log = logging.getLogger("hearth")


@dataclass(slots=True)
class Running:
    """Everything `hearth run` started, to be stopped in reverse order."""

    hearth: Hearth
    driver: SchedulerDriver
    web: web.AppRunner
    slack: SlackAdapter | None = None
    socket: AsyncSocketModeHandler | None = None
    discord: DiscordAdapter | None = None
    gateway: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        await self.driver.stop()
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        if self.discord is not None:
            await self.discord.close()
        if self.gateway is not None:
            await asyncio.gather(self.gateway, return_exceptions=True)
        await self.web.cleanup()  # no new requests
        if self.slack is not None:
            await self.slack.in_flight.wait_idle()  # finish what was acknowledged
            await self.slack.client_for.close()
        await self.hearth.close()


GC_THRESHOLDS = (50_000, 50, 100)


def settle_garbage_collector() -> tuple[int, int, int]:
    """Once started: keep full collections from walking what lives as long as the process, and collect less
    often. Each full collection stalls the event loop (bench/slack_ack.py measures it). Returns the previous
    thresholds."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return previous


async def start(settings: Settings, *, clock: Clock | None = None, discord_options: Mapping[str, Any] | None = None,
                ) -> Running:
    """Build and start Hearth on every platform configured: Slack, Discord or both.

    Raises `SettingsError` for a configuration this version cannot run, and `discord.LoginFailure` when Discord
    refuses the token. `discord_options` are passed to `build_client` (tests shorten its waits).
    """
    clock = clock or SystemClock()
    database = create_engine_for(settings.database_url, pool_size=settings.db_pool_size)
    messengers: dict[Platform, Messenger] = {}
    clients: SingleWorkspace | InstalledWorkspaces | None = None
    slack_messenger = discord_messenger = discord_client = None
    if settings.slack is not None:
        clients = InstalledWorkspaces(settings.slack, database) if settings.slack.oauth else (
            SingleWorkspace(settings.slack))
        slack_messenger = messengers[Platform.SLACK] = SlackMessenger(clients)
    if settings.discord is not None:
        discord_client = build_client(settings.discord, **(discord_options or {}))
        discord_messenger = messengers[Platform.DISCORD] = DiscordMessenger(discord_client, clock)
    hearth = await build_hearth(settings, messenger=PlatformMessenger(messengers), database=database, clock=clock)
    slack = None
    if settings.slack is not None and clients is not None and slack_messenger is not None:
        slack = build_slack_app(
            settings.slack, core=hearth.core, clock=hearth.clock, inbound_log=SqlInboundLog(hearth.database),
            families=hearth.commands.registry.families(), clients=clients, messenger=slack_messenger,
            max_in_flight=settings.max_in_flight,
        )
    driver = SchedulerDriver(hearth.scheduler, hearth.clock)

    async def healthy() -> bool:
        async with hearth.database.connect() as connection:
            return bool((await connection.scalar(text("SELECT 1"))) == 1)

    socket_mode = settings.slack is not None and settings.slack.socket_mode
    http_slack = slack.app if slack is not None and not socket_mode else None
    feeds = CalendarFeedHandler(hearth.core.services.meetings)
    runner = await serve(build_web_app(health=healthy, slack=http_slack, calendar=feeds), settings.http_host,
                         settings.http_port)
    running = Running(hearth, driver, runner, slack=slack)
    try:
        if settings.discord is not None and discord_client is not None and discord_messenger is not None:
            running.discord = DiscordAdapter(
                settings.discord, discord_client, discord_messenger,
                core=hearth.core, commands=hearth.commands, hashes=SqlPlatformState(hearth.database),
            )
            if settings.discord.scheduled_events:
                hearth.commands.meeting_hooks.next_meeting.append(
                    DiscordEventMirror(discord_client, SqlPlatformState(hearth.database), hearth.clock))
            running.gateway = await running.discord.start()
        if slack is not None and settings.slack is not None and settings.slack.socket_mode:
            running.socket = AsyncSocketModeHandler(slack.app, settings.slack.app_token)
            await running.socket.connect_async()  # type: ignore[no-untyped-call]
        await driver.start()
    except BaseException:
        await running.stop()
        raise
    settle_garbage_collector()
    places = []
    if settings.slack is not None:
        places.append("Slack (" + ("Socket Mode" if settings.slack.socket_mode else
                                   f"HTTP at http://{settings.http_host}:{settings.http_port}/slack/events") + ")")
    if settings.discord is not None:
        places.append("Discord")
    where = " and ".join(places)
    log.info("Hearth is running on %s with %s", where, settings.describe_database())
    print(f"Hearth is running on {where}, data in {settings.describe_database()}. Ctrl-C stops it.")
    return running


async def run_until_stopped(settings: Settings, *, discord_options: Mapping[str, Any] | None = None) -> int:
    try:
        running = await start(settings, discord_options=discord_options)
    except discord.LoginFailure:
        raise SettingsError(
            "Discord refused DISCORD_TOKEN: copy the token again from the Bot page of the application "
            "(Reset Token makes a new one)."
        ) from None
    except discord.ClientException as error:
        raise _gateway_error(error) from None
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(stopped.wait())]
    if running.gateway is not None:
        waits.append(running.gateway)
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        gateway = running.gateway
        if gateway is not None and gateway.done() and not gateway.cancelled() and gateway.exception() is not None:
            raise _gateway_error(gateway.exception())
    finally:
        print("Stopping Hearth…")
        await running.stop()
    return 0


def _gateway_error(error: BaseException | None) -> SettingsError:
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return SettingsError(
            "Discord refused the Server Members intent: switch on Server Members Intent on the Bot page of the "
            "application, or set DISCORD_MEMBER_EVENTS=off to run without member join and leave events."
        )
    return SettingsError(f"the connection to Discord stopped: {error}")

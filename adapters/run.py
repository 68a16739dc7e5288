"""`hearth run` with a platform configured: starts and stops what `adapters.wiring.build_deployment` built
(Slack over HTTP or Socket Mode, Discord, the web server and the scheduler)."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.settings import Settings, SettingsError
from adapters.web import serve
from adapters.wiring import Deployment, Hearth, build_deployment
from bot.ports import Clock

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.discord.app import DiscordAdapter
    from adapters.scheduler_driver import SchedulerDriver
    from adapters.slack.app import SlackAdapter

log = logging.getLogger("hearth")


@dataclass(slots=True)
class Running:
    """Everything `hearth run` started, to be stopped in reverse order."""

    deployment: Deployment
    web: web.AppRunner
    gateway: asyncio.Task[None] | None = None

    @property
    def hearth(self) -> Hearth:
        return self.deployment.hearth

    @property
    def driver(self) -> SchedulerDriver:
        return self.deployment.driver

    @property
    def slack(self) -> SlackAdapter | None:
        return self.deployment.slack

    @property
    def discord(self) -> DiscordAdapter | None:
        return self.deployment.discord

    async def stop(self) -> None:
        deployment = self.deployment
        await deployment.driver.stop()
        if deployment.socket is not None:
            await deployment.socket.close_async()  # type: ignore[no-untyped-call]
        if deployment.discord is not None:
            await deployment.discord.close()
        if self.gateway is not None:
            await asyncio.gather(self.gateway, return_exceptions=True)
        await self.web.cleanup()  # no new requests
        if deployment.slack is not None:
            await deployment.slack.in_flight.wait_idle()  # finish what was acknowledged
            await deployment.slack.client_for.close()
        await deployment.hearth.close()


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
    """Build Hearth on every platform configured (Slack, Discord or both) and start it: the web server, the
    Discord gateway, Slack's Socket Mode connection and the scheduler.

    Raises `SettingsError` for a configuration this version cannot run or a Slack bot token Slack refuses, and
    `discord.LoginFailure` when Discord refuses the token. `discord_options` are passed to `build_client` (tests
    shorten its waits).
    """
    deployment = await build_deployment(settings, clock=clock, discord_options=discord_options)
    try:
        if deployment.slack is not None:
            await deployment.slack.start()  # with one bot token: which workspace it serves
        runner = await serve(deployment.web, settings.http_host, settings.http_port)
    except BaseException:
        await deployment.close()
        raise
    running = Running(deployment, runner)
    try:
        if deployment.discord is not None:
            running.gateway = await deployment.discord.start()
        if deployment.socket is not None:
            await deployment.socket.connect_async()  # type: ignore[no-untyped-call]
        await deployment.driver.start()
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
    if settings.discord is None:
        running = await start(settings)
    else:
        running = await _start_on_discord(settings, discord_options)
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


async def _start_on_discord(settings: Settings, discord_options: Mapping[str, Any] | None) -> Running:
    import discord

    try:
        return await start(settings, discord_options=discord_options)
    except discord.LoginFailure:
        raise SettingsError(
            "Discord refused DISCORD_TOKEN: copy the token again from the Bot page of the application "
            "(Reset Token makes a new one)."
        ) from None
    except discord.ClientException as error:
        raise _gateway_error(error) from None


def _gateway_error(error: BaseException | None) -> SettingsError:
    import discord

    if isinstance(error, discord.PrivilegedIntentsRequired):
        return SettingsError(
            "Discord refused the Server Members intent: switch on Server Members Intent on the Bot page of the "
            "application, or set DISCORD_MEMBER_EVENTS=off to run without member join and leave events."
        )
    return SettingsError(f"the connection to Discord stopped: {error}")

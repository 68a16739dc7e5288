"""`hearth run` with a platform configured: starts and stops what `adapters.wiring.build_deployment` built
(Slack over HTTP or Socket Mode, Discord, the web server and the scheduler)."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.acknowledgement_keeper import AcknowledgementKeeper, Replay
from adapters.settings import Settings, SettingsError
from adapters.web import serve
from adapters.wiring import Deployment, Hearth, build_deployment
from bot.ports import Clock
from bot.refs import Platform

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
    keeper: AcknowledgementKeeper | None = None

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

    async def stop(self) -> int:
        """Stop within `settings.stop_seconds`: take no new requests, let the work already acknowledged on Slack
        and Discord finish until then, cancel what is left (its records stay for the next start), and close.

        Logs and prints how many answers are left for the next start, and returns that number. Raises nothing
        for work that did not finish in time.
        """
        deployment = self.deployment
        loop = asyncio.get_running_loop()
        until = loop.time() + self.hearth.settings.stop_seconds

        def left() -> float:
            return max(0.0, until - loop.time())

        await deployment.driver.stop()
        if deployment.socket is not None:
            await deployment.socket.close_async()  # type: ignore[no-untyped-call]
        await self.web.cleanup()  # no new requests
        waits: list[Awaitable[None]] = []
        if deployment.slack is not None:
            waits.append(_finish_slack(deployment.slack, left()))
        if deployment.discord is not None:
            waits.append(deployment.discord.close(left()))
        await asyncio.gather(*waits)
        if self.keeper is not None:
            await self.keeper.stop()  # no more rounds; what is left is released for the next start
        if deployment.slack is not None and deployment.slack.in_flight.running:
            await deployment.slack.in_flight.cancel()  # what a last round took on while the stop waited
        if self.gateway is not None:
            await asyncio.gather(self.gateway, return_exceptions=True)
        unanswered = await self._unanswered()
        if deployment.slack is not None:
            await deployment.slack.client_for.close()
        await deployment.hearth.close()
        said = f"{unanswered} answer is" if unanswered == 1 else f"{unanswered} answers are"
        said += " left for the next start"
        log.info("Stopped; %s", said)
        print(f"Stopped; {said}.")
        return unanswered

    async def _unanswered(self) -> int:
        """How many acknowledged requests this process leaves unfinished, on every platform it served."""
        recorded = self.hearth.acknowledgements
        platforms = [Platform.SLACK] * (self.slack is not None) + [Platform.DISCORD] * (self.discord is not None)
        try:
            return sum([await recorded.unfinished(platform.value) for platform in platforms])
        except Exception:
            log.exception("could not count the answers left for the next start")
            return 0


async def _finish_slack(slack: SlackAdapter, grace: float) -> None:
    """Let Slack's acknowledged work finish for `grace` seconds, then cancel what is left (its records stay)."""
    try:
        await slack.in_flight.wait_idle(grace)
    except TimeoutError:
        cancelled = await slack.in_flight.cancel()
        log.warning("stopping with %d pieces of Slack work unfinished; they were cancelled", cancelled)


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
        deployment.hearth.activity.start()  # before any platform: the first message is recorded like the rest
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
        replays: list[Replay] = [deployment.slack.replay] if deployment.slack is not None else []
        if deployment.discord is not None:
            replays.append(deployment.discord.replay)  # its start replayed once already; this takes over later
        # Replays at once what an earlier run acknowledged and did not finish, then renews and replays again.
        running.keeper = AcknowledgementKeeper(deployment.hearth.acknowledgements, deployment.hearth.clock,
                                               every=settings.takeover_seconds / 3, replays=replays)
        await running.keeper.start()
        await deployment.driver.start()
        if deployment.hearth.pages is not None:
            await deployment.hearth.pages.start()  # the pages of links saved before this start are read now
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

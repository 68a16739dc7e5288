"""`hearth run` with a platform configured: Slack (HTTP or Socket Mode), the web server and the scheduler."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from sqlalchemy import text

from adapters.bootstrap import Hearth, build_hearth
from adapters.scheduler_driver import SchedulerDriver
from adapters.settings import Settings
from adapters.slack.app import SlackAdapter, build_slack_app
from adapters.slack.installs import InstalledWorkspaces, SingleWorkspace
from adapters.slack.messenger import SlackMessenger
from adapters.web import build_web_app, serve
from storage.database import create_engine_for
from storage.inbound_log import SqlInboundLog

log = logging.getLogger("hearth")


@dataclass(slots=True)
class Running:
    """Everything `hearth run` started, to be stopped in reverse order."""

    hearth: Hearth
    slack: SlackAdapter
    driver: SchedulerDriver
    web: web.AppRunner
    socket: AsyncSocketModeHandler | None

    async def stop(self) -> None:
        await self.driver.stop()
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        await self.web.cleanup()  # no new requests
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


async def start(settings: Settings) -> Running:
    """Build and start Hearth on Slack. Raises `SettingsError` for a configuration this version cannot run."""
    slack = settings.slack
    assert slack is not None
    database = create_engine_for(settings.database_url, pool_size=settings.db_pool_size)
    clients: SingleWorkspace | InstalledWorkspaces = (
        InstalledWorkspaces(slack, database) if slack.oauth else SingleWorkspace(slack)
    )
    messenger = SlackMessenger(clients)
    hearth = await build_hearth(settings, messenger=messenger, database=database)
    adapter = build_slack_app(
        slack, core=hearth.core, clock=hearth.clock, inbound_log=SqlInboundLog(hearth.database),
        families=hearth.commands.registry.families(), clients=clients, messenger=messenger,
        max_in_flight=settings.max_in_flight,
    )
    driver = SchedulerDriver(hearth.scheduler, hearth.clock)
    await driver.start()
    settle_garbage_collector()

    async def healthy() -> bool:
        async with hearth.database.connect() as connection:
            return bool((await connection.scalar(text("SELECT 1"))) == 1)

    runner = await serve(
        build_web_app(health=healthy, slack=None if slack.socket_mode else adapter.app),
        settings.http_host, settings.http_port,
    )
    socket = None
    if slack.socket_mode:
        socket = AsyncSocketModeHandler(adapter.app, slack.app_token)
        await socket.connect_async()  # type: ignore[no-untyped-call]
    where = "Socket Mode" if socket else f"HTTP at http://{settings.http_host}:{settings.http_port}/slack/events"
    log.info("Hearth is running on Slack (%s) with %s", where, settings.describe_database())
    print(f"Hearth is running on Slack ({where}), data in {settings.describe_database()}. Ctrl-C stops it.")
    return Running(hearth, adapter, driver, runner, socket)


async def run_until_stopped(settings: Settings) -> int:
    running = await start(settings)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        print("Stopping Hearth…")
        await running.stop()
    return 0

"""The composition root: every part of Hearth is built here, and only here.

Every dependency is a parameter with a real default, so tests build the same application with a simulated
clock or another database.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.settings import Settings
from bot.catalogs import Catalogs
from bot.clock import SystemClock
from bot.context import Defaults
from bot.core import Core
from bot.erasure import RemovalRecorder, WorkspaceErasure
from bot.home import HomeSections
from bot.i18n import Msg, Translator
from bot.meetings.reminders import MeetingHooks, meeting_kinds
from bot.middleware import check_permission, ignore_bots, rate_limit, resolve_community
from bot.ports import Clock, Messenger
from bot.ratelimit import RateLimiter
from bot.scheduling.engine import Engine
from bot.scheduling.model import ScheduledKind
from bot.services import build_services
from commands import hearth, meeting
from commands.registry import Registry
from commands.router import CommandRouter, InteractionRouter
from storage.database import create_engine_for
from storage.ledger import SqlDeliveryLedger
from storage.migrate import upgrade
from storage.unit_of_work import SqlUnitOfWorkFactory


@dataclass(slots=True)
class Commands:
    """Every command, button, form and shortcut Hearth knows, each family's summary, and the home's sections."""

    registry: Registry = field(default_factory=Registry)
    interactions: InteractionRouter = field(default_factory=InteractionRouter)
    families: dict[str, Msg] = field(default_factory=dict)
    home: HomeSections = field(default_factory=HomeSections)
    meeting_hooks: MeetingHooks = field(default_factory=MeetingHooks)


def build_commands() -> Commands:
    commands = Commands()
    hearth.register(commands.registry, commands.interactions)
    commands.families.update(hearth.FAMILY_SUMMARIES)
    meeting.register(commands.registry, commands.interactions)
    commands.families.update(meeting.FAMILY_SUMMARIES)
    commands.home.add(meeting.home_section)
    return commands


@dataclass(slots=True)
class Hearth:
    """A running Hearth: the core and what it was built from."""

    settings: Settings
    core: Core
    commands: Commands
    database: AsyncEngine
    uow: SqlUnitOfWorkFactory
    clock: Clock
    translator: Translator
    scheduler: Engine

    async def close(self) -> None:
        await self.database.dispose()


async def build_hearth(
    settings: Settings,
    *,
    messenger: Messenger,
    clock: Clock | None = None,
    translator: Translator | None = None,
    kinds: Sequence[ScheduledKind] = (),
    migrate: bool = True,
    database: AsyncEngine | None = None,
) -> Hearth:
    """Build Hearth on `settings`' database, upgrading its schema first unless `migrate` is False.

    `kinds` are the schedule kinds the features register with the scheduling engine; the engine is built but
    not started (the scheduler driver or the console starts it). `database` is an engine built already (on
    `settings.database_url`) when an adapter needs it before the core exists.
    """
    clock = clock or SystemClock()
    translator = translator or Catalogs.load()
    if migrate:
        await asyncio.to_thread(upgrade, settings.database_url)
    database = database or create_engine_for(settings.database_url, pool_size=settings.db_pool_size)
    uow = SqlUnitOfWorkFactory(database)
    erasure = WorkspaceErasure(uow, timedelta(days=settings.data_grace_days))
    commands = build_commands()
    meetings = meeting_kinds(uow, messenger, translator, commands.meeting_hooks)
    scheduler = Engine(
        kinds=[erasure, *meetings, *kinds], ledger=SqlDeliveryLedger(database), clock=clock, owner=instance_name()
    )
    limiter = RateLimiter(
        clock, capacity=settings.rate_limit_count, period=timedelta(seconds=settings.rate_limit_seconds)
    )
    services = build_services(uow, clock, scheduler, commands.meeting_hooks)
    core = Core(
        handlers=[CommandRouter(commands.registry), commands.interactions, commands.home, RemovalRecorder()],
        middleware=[ignore_bots, rate_limit(limiter), resolve_community, check_permission],
        messenger=messenger,
        translator=translator,
        clock=clock,
        uow=uow,
        defaults=Defaults(language=settings.language, timezone=settings.timezone, public_url=settings.public_url),
        services=services,
        scheduler=scheduler,
    )
    return Hearth(settings, core, commands, database, uow, clock, translator, scheduler)


def instance_name() -> str:
    """Names this process in the delivery ledger: who holds a claim."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

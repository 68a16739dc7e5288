"""The feature services, one per feature: what command handlers, buttons, forms, scheduled kinds, web pages and
platform autocomplete call. Only the services (and storage) open units of work."""

from __future__ import annotations

from dataclasses import dataclass

from bot.community.service import CommunityService
from bot.meetings.reminders import MeetingHooks
from bot.meetings.service import MeetingService
from bot.ports import Clock, Scheduler, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Services:
    """Every feature's service, built once by the wiring and shared by every surface."""

    community: CommunityService
    meetings: MeetingService


def build_services(uow: UnitOfWorkFactory, clock: Clock, scheduler: Scheduler | None,
                   meeting_hooks: MeetingHooks) -> Services:
    return Services(
        community=CommunityService(uow, clock, scheduler),
        meetings=MeetingService(uow, clock, scheduler, meeting_hooks),
    )

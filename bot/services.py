"""The feature services, one per feature: what command handlers, buttons, forms, scheduled kinds, web pages and
platform autocomplete call. Only the services (and storage) open units of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.community.service import CommunityService
from bot.i18n import Translator
from bot.library.service import LibraryService
from bot.meetings.reminders import MeetingHooks
from bot.meetings.service import MeetingService
from bot.nudges.service import NudgeService
from bot.polls.anonymity import BallotSealer
from bot.polls.rounds import RoundService
from bot.polls.service import PollService
from bot.ports import Clock, Scheduler, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Services:
    """Every feature's service, built once by the wiring and shared by every surface."""

    community: CommunityService
    meetings: MeetingService
    polls: PollService
    rounds: RoundService
    library: LibraryService
    nudges: NudgeService


def build_services(uow: UnitOfWorkFactory, clock: Clock, scheduler: Scheduler | None,
                   meeting_hooks: MeetingHooks, sealer: BallotSealer, *, poll_min_answers: int = 3,
                   translator: Translator | None = None, pages_waiting: Callable[[], None] = lambda: None
                   ) -> Services:
    polls = PollService(uow, clock, sealer, scheduler=scheduler, min_answers=poll_min_answers,
                        translator=translator)
    return Services(
        community=CommunityService(uow, clock, scheduler),
        meetings=MeetingService(uow, clock, scheduler, meeting_hooks),
        polls=polls,
        rounds=RoundService(uow, clock, polls, scheduler=scheduler),
        library=LibraryService(uow, clock, pages_waiting=pages_waiting),
        nudges=NudgeService(uow, clock),
    )

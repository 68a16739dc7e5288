"""`MeetingService`: meeting series, their meetings, RSVPs, agendas, reminder wishes and calendar feeds."""

from __future__ import annotations

from bot.meetings.reminders import MeetingHooks
from bot.ports import Clock, Scheduler, UnitOfWorkFactory


class MeetingService:
    """Everything that changes or reads meeting series.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix
    raises a `UserError` and changes nothing. After a change the scheduler hears of it (so reminders follow at
    once) and the hooks of the series' next meeting.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, scheduler: Scheduler | None, hooks: MeetingHooks) -> None:
        self._uow = uow
        self._clock = clock
        self._scheduler = scheduler
        self.hooks = hooks

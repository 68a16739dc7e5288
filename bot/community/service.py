"""`CommunityService`: setting a community up, its settings, members' own preferences and the facilitators."""

from __future__ import annotations

from bot.ports import Clock, Scheduler, UnitOfWorkFactory


class CommunityService:
    """Everything that changes or reads a community, its members' preferences and its facilitators.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix
    raises a `UserError` and changes nothing.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, scheduler: Scheduler | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._scheduler = scheduler

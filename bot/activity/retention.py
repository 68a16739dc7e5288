"""Keeping the activity record for `HEARTH_ACTIVITY_DAYS` days, and no longer.

Every night at 04:00 on the deployment's clock (`HEARTH_TIMEZONE`), a schedule per workspace holding activity
deletes its rows from before the start of the day that many days back, in one unit of work. A night missed (Hearth
was down) is caught up once, however late.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from bot.ports import UnitOfWorkFactory
from bot.recurrence import Recurrence
from bot.recurrence.zones import resolve, zone_of
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule

__all__ = ["RETENTION", "ActivityRetention", "kept_from"]

log = logging.getLogger("hearth.activity")

RETENTION = "activity.retention"
RETENTION_SUBJECT = "purge"
PURGE_AT = time(4, 0)  # a quiet hour, which every zone's clock shows once a day
_ANCHOR = datetime(2026, 1, 1)  # the first night of the daily rule (the rule is the same whenever it is read)


def kept_from(moment: datetime, days: int, zone: str) -> datetime:
    """The start (00:00 in `zone`) of the day `days` days before the local day of `moment`: what is older goes."""
    local_zone = zone_of(zone)
    day = moment.astimezone(local_zone).date() - timedelta(days=days)
    return resolve(datetime.combine(day, time()), local_zone)


class ActivityRetention:
    """The schedule kind that deletes activity older than `days` days, nightly in `zone` (see the module)."""

    kind = RETENTION
    catch_up = CatchUp(lateness=None, coalesce=True)  # one purge does what several missed nights would

    def __init__(self, uow: UnitOfWorkFactory, days: int, zone: str) -> None:
        zone_of(zone)
        if days < 1:
            raise ValueError("activity is kept for one day at least")
        self._uow = uow
        self.days = days
        self.zone = zone
        self._recurrence = Recurrence(rule="FREQ=DAILY", start=datetime.combine(_ANCHOR, PURGE_AT), timezone=zone)

    async def schedules(self) -> list[Schedule]:
        async with self._uow(read_only=True) as uow:
            workspaces = await uow.activity.workspaces()
        return [self._schedule(workspace_id) for workspace_id in workspaces]

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        return self._schedule(workspace_id) if subject == RETENTION_SUBJECT else None

    def _schedule(self, workspace_id: int) -> Schedule:
        return Schedule(RETENTION, workspace_id, RETENTION_SUBJECT, self._recurrence)

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        before = kept_from(occurrence.at, self.days, self.zone)
        async with self._uow() as uow:
            purged = await uow.activity.purge(occurrence.workspace_id, before)
            await uow.commit()
        if purged:
            log.info("deleted %d activity rows of workspace %d from before %s", purged, occurrence.workspace_id,
                     before.astimezone(UTC).isoformat())
        return Outcome.SENT

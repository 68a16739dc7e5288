"""Erasing a workspace's data after Hearth was removed from it.

When a platform says Hearth was uninstalled (or its tokens revoked), the workspace is marked, and its data is
erased after a grace period, through the scheduling engine, so that a reinstall inside the grace period finds
everything again. Any member using Hearth in the workspace again, or installing it again, clears the mark and
cancels the erasure (`restore_returning`, then `cancel_erasure`, called by the middleware that resolves events).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta

from bot.context import EventContext, Route
from bot.events import AppInstalled, AppRemoved, InboundEvent
from bot.ports import Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.recurrence import Recurrence
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule
from bot.tenancy import Workspace

log = logging.getLogger("hearth.erasure")

ERASURE = "workspace.erase"
ERASURE_SUBJECT = "all-data"


async def restore_returning(uow: UnitOfWork, workspace: Workspace) -> tuple[Workspace, bool]:
    """Clear the removal mark of a workspace Hearth is used or installed in again, inside its grace period.

    Returns the workspace as it now is, and whether it was marked (then call `cancel_erasure` after committing).
    """
    if workspace.removed_at is None:
        return workspace, False
    await uow.workspaces.set_removed(workspace.id, None)
    return replace(workspace, removed_at=None), True


async def cancel_erasure(scheduler: Scheduler | None, workspace_id: int) -> None:
    """Have the scheduling engine re-read the workspace's erasure, which a cleared mark ends."""
    if scheduler is not None:
        await scheduler.refresh(ERASURE, workspace_id, ERASURE_SUBJECT)


class RemovalRecorder:
    """Handles `AppRemoved`: marks the workspace and schedules its erasure. (`AppInstalled` needs nothing more
    than the middleware already does: it clears the mark through `restore_returning`.)"""

    def match(self, event: InboundEvent) -> Route | None:
        if isinstance(event, AppInstalled):
            return Route("app installed", _nothing_more, interactive=False)
        if not isinstance(event, AppRemoved):
            return None
        return Route("app removed", self._record, interactive=False)

    async def _record(self, ctx: EventContext) -> None:
        assert ctx.workspace is not None and isinstance(ctx.event, AppRemoved)
        await ctx.services.community.record_removal(ctx.workspace, ctx.event.at)
        log.info("Hearth was removed from %s; its data will be erased after the grace period", ctx.workspace.ref)


async def _nothing_more(ctx: EventContext) -> None:
    log.info("Hearth was installed in %s", ctx.workspace.ref if ctx.workspace else "a workspace")


class WorkspaceErasure:
    """The schedule kind that erases a removed workspace's data once its grace period is over."""

    kind = ERASURE
    catch_up = CatchUp(lateness=None)  # however late, the data still has to go

    def __init__(self, uow: UnitOfWorkFactory, grace: timedelta) -> None:
        self._uow = uow
        self.grace = grace
        # Told the id of each workspace erased, so that the engine drops its other schedules (its nudge
        # rounds, its nightly retention) at once instead of claiming occurrences of a workspace that is gone.
        self.erased: Callable[[int], None] | None = None

    async def schedules(self) -> list[Schedule]:
        async with self._uow() as uow:
            removed = await uow.workspaces.removed()
        return [schedule for workspace in removed if (schedule := self._schedule(workspace)) is not None]

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        async with self._uow() as uow:
            workspace = await uow.workspaces.get_by_id(workspace_id)
        return None if workspace is None else self._schedule(workspace)

    def _schedule(self, workspace: Workspace) -> Schedule | None:
        if workspace.removed_at is None:
            return None
        due = workspace.removed_at + self.grace
        # A recurrence starts on a whole minute: round up, never erase early.
        start = (due + timedelta(seconds=59)).astimezone(UTC).replace(second=0, microsecond=0, tzinfo=None)
        once = Recurrence(rule="FREQ=DAILY", start=start, timezone="UTC", count=1)
        return Schedule(ERASURE, workspace.id, ERASURE_SUBJECT, once)

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        async with self._uow() as uow:
            workspace = await uow.workspaces.get_by_id(occurrence.workspace_id)
            if workspace is None or workspace.removed_at is None:
                return Outcome.OBSOLETE  # erased already, or Hearth is back
            if workspace.removed_at + self.grace > occurrence.at:
                return Outcome.OBSOLETE  # removed again later: a newer erasure is scheduled
            await uow.workspaces.delete(workspace.id)
            await uow.commit()
        if self.erased is not None:
            self.erased(workspace.id)
        log.info("erased every row of %s, %s after Hearth was removed", workspace.ref, self.grace)
        return Outcome.SENT

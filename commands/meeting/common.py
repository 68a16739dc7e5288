"""What the /meeting commands share: finding the series and meeting a command is about, checking what members
typed, and telling the scheduler and the hooks that a series changed."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from bot.context import EventContext
from bot.errors import NotFound, UserError
from bot.i18n import _
from bot.meetings.model import (
    Change,
    Meeting,
    Series,
    SeriesStatus,
    meetings_between,
    next_meetings,
)
from bot.meetings.reminders import (
    KINDS,
    MeetingHooks,
    subjects,
    workspace_dm_leads,
)
from bot.messages import (
    Timestamp,
    TimestampStyle,
    UserText,
    join,
)
from bot.recurrence.zones import zone_of
from commands.completion import SuggestionContext
from commands.values import parse_duration

MAX_TITLE = 100
MAX_TEXT = 500
MAX_TOPIC = 200
MAX_HOSTS = 10
MAX_LEADS = 4
DEFAULT_DURATION = timedelta(minutes=60)
ChangeHandler = Callable[[EventContext, dict[str, Any], MeetingHooks], Awaitable[None]]


# --- finding a series and a meeting ---------------------------------------------------------------------------


async def series_titles(context: SuggestionContext, typed: str) -> Sequence[str]:
    """The titles of the series of the channel's community, for autocomplete."""
    async with context.uow() as uow:
        workspace = await uow.workspaces.get(context.channel.workspace)
        if workspace is None:
            return []
        community = await uow.communities.get_by_channel(workspace.id, context.channel)
        if community is None:
            return []
        return [s.title for s in await uow.meetings.series_of(workspace.id, community.id)
                if s.status is not SeriesStatus.ENDED]


async def find_series(ctx: EventContext, name: str | None, *, include_ended: bool = False) -> Series:
    assert ctx.workspace is not None and ctx.community is not None
    async with ctx.unit_of_work() as uow:
        found = await uow.meetings.series_of(ctx.workspace.id, ctx.community.id)
    candidates = [s for s in found if include_ended or s.status is not SeriesStatus.ENDED]
    if name is None:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise NotFound(_("This community has no meeting series yet."),
                           hint=_("Facilitators schedule one with /meeting schedule."))
        raise UserError(_("This community has several series: say which with --series."),
                        hint=_("The series: {titles}.", titles=join(UserText(s.title) for s in candidates)))
    wanted = " ".join(name.split()).casefold()
    for series in candidates:
        if series.title.casefold() == wanted:
            return series
    close = difflib.get_close_matches(wanted, [s.title.casefold() for s in candidates], n=1, cutoff=0.5)
    if close:
        suggestion = next(s.title for s in candidates if s.title.casefold() == close[0])
        raise NotFound(_("There is no series called {name}.", name=UserText(name)),
                       hint=_("Did you mean {title}?", title=UserText(suggestion)))
    raise NotFound(_("There is no series called {name}.", name=UserText(name)),
                   hint=_("See the series with /meeting list."))


async def find_meeting(ctx: EventContext, series: Series, on: date | None) -> tuple[Meeting, list[Change]]:
    """The meeting of `series` on the date `on` (in the series' zone), or its next one."""
    assert ctx.workspace is not None
    async with ctx.unit_of_work() as uow:
        changes = await uow.meetings.changes(ctx.workspace.id, series.id)
    now = ctx.clock.now()
    if on is None:
        upcoming = next_meetings(series, changes, now, 1)
        if not upcoming:
            raise NotFound(_("{title} has no meetings ahead.", title=UserText(series.title)))
        return upcoming[0], changes
    zone = zone_of(series.timezone)
    day_start = datetime(on.year, on.month, on.day, tzinfo=zone)
    found = meetings_between(series, changes, day_start - timedelta(seconds=1), day_start + timedelta(days=1))
    found = [m for m in found if m.start.astimezone(zone).date() == on or m.original.astimezone(zone).date() == on]
    if not found:
        raise NotFound(_("{title} has no meeting on {day}.", title=UserText(series.title),
                         day=Timestamp(day_start + timedelta(hours=12), TimestampStyle.DATE)),
                       hint=_("See its dates with /meeting list."))
    return found[0], changes


def parse_leads(text: str | None, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
    if text is None:
        return default
    words = [w for w in text.replace(",", " ").split() if w.casefold() not in ("before", "voor", "vooraf")]
    if [w.casefold() for w in words] in (["none"], ["geen"], ["off"], ["uit"]):
        return ()
    leads = tuple(sorted({parse_duration(word) for word in words}, reverse=True))
    if not leads:
        raise UserError(_("Say how long before, such as 1d 1h, or none."))
    if len(leads) > MAX_LEADS or any(lead > timedelta(days=14) for lead in leads):
        raise UserError(_("At most {max} reminders, each at most 14 days before.", max=MAX_LEADS))
    return leads


async def store_series(ctx: EventContext, series: Series, hooks: MeetingHooks) -> None:
    async with ctx.unit_of_work() as uow:
        await uow.meetings.update_series(series, ctx.clock.now())
        await uow.commit()
    await refresh_series(ctx, series, hooks=hooks)


async def refresh_series(ctx: EventContext, series: Series, kinds: Sequence[str] = KINDS,
                   hooks: MeetingHooks | None = None) -> None:
    """Tell the scheduler the series changed, so its reminders follow at once, and `hooks` its next meeting."""
    async with ctx.unit_of_work() as uow:
        changes = await uow.meetings.changes(series.workspace_id, series.id)
        dm_leads = await workspace_dm_leads(uow, series.workspace_id)
    if ctx.scheduler is not None:
        for kind in kinds:
            for subject in subjects(series, kind, changes, dm_leads):
                await ctx.scheduler.refresh(kind, series.workspace_id, subject)
    if hooks is not None and ctx.community is not None:
        upcoming = [] if series.status is SeriesStatus.ENDED else next_meetings(series, changes, ctx.clock.now(), 1)
        await hooks.announce_next(ctx.community, series, upcoming[0] if upcoming else None)



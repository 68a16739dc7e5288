"""Facilitators' commands: schedule and edit a series, skip, move or cancel one meeting, pause, resume, end."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.links import is_web_link
from bot.meetings.messages import (
    rhythm,
)
from bot.meetings.model import (
    DEFAULT_LEADS,
    MAX_DURATION,
    MAX_MOVE,
    Change,
    Series,
    SeriesStatus,
    next_meetings,
)
from bot.meetings.reminders import (
    MeetingHooks,
)
from bot.messages import (
    Block,
    Heading,
    Message,
    Note,
    Paragraph,
    Text,
    Timestamp,
    UserText,
    join,
)
from bot.recurrence import parse_recurrence
from bot.recurrence.zones import zone_of
from bot.refs import MemberRef
from commands.meeting.common import (
    DEFAULT_DURATION,
    MAX_HOSTS,
    MAX_TEXT,
    MAX_TITLE,
    find_meeting,
    find_series,
    parse_leads,
    refresh_series,
    store_series,
)
from commands.values import parse_datetime, parse_member

# --- schedule and edit ------------------------------------------------------------------------------------


async def schedule(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    assert ctx.workspace is not None and ctx.community is not None
    title = _title(args["title"])
    zone = args.get("tz") or ctx.community.timezone
    now = ctx.clock.now()
    recurrence = parse_recurrence(args["when"], timezone=zone, now=now, language=None)
    if recurrence.next_after(now) is None:
        raise UserError(_("That rhythm has no meetings ahead: all its dates are in the past."),
                        hint=_("Give a start in the future, or leave the start out."))
    async with ctx.unit_of_work() as uow:
        existing = await uow.meetings.series_of(ctx.workspace.id, ctx.community.id)
    if any(s.title.casefold() == title.casefold() and s.status is not SeriesStatus.ENDED for s in existing):
        raise UserError(_("This community already has a series called {title}.", title=UserText(title)),
                        hint=_("Choose another title, or change that one with /meeting edit."))
    series = Series(
        id=0, workspace_id=ctx.workspace.id, community_id=ctx.community.id, title=title, recurrence=recurrence,
        duration=_duration(args.get("for")), location=_location(args), description=checked_text(args.get("about")),
        hosts=_hosts(ctx, args.get("hosts")), reminder_leads=parse_leads(args.get("remind"), DEFAULT_LEADS),
        uid=f"{uuid.uuid4()}@hearth",
    )
    async with ctx.unit_of_work() as uow:
        series = await uow.meetings.add_series(series, now)
        await uow.commit()
    await refresh_series(ctx, series, hooks=hooks)
    await ctx.reply(Message(_scheduled(ctx, series, [], _("Scheduled: {title}", title=UserText(series.title)))))


async def edit(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    series = await find_series(ctx, args.get("series"))
    changed = series
    if args.get("title"):
        changed = replace(changed, title=_title(args["title"]))
    if args.get("when"):
        recurrence = parse_recurrence(args["when"], timezone=series.timezone, now=ctx.clock.now(),
                                      language=None)
        changed = replace(changed, recurrence=replace(recurrence, exdates=()))
    if args.get("for") is not None:
        changed = replace(changed, duration=_duration(args["for"]))
    if args.get("link") or args.get("where"):
        changed = replace(changed, location=_location(args))
    if args.get("about") is not None:
        changed = replace(changed, description=checked_text(args["about"]))
    if args.get("hosts") is not None:
        changed = replace(changed, hosts=_hosts(ctx, args["hosts"]))
    if args.get("remind") is not None:
        changed = replace(changed, reminder_leads=parse_leads(args["remind"], series.reminder_leads))
    if changed == series:
        raise UserError(_("Nothing to change: give at least one option."),
                        hint=_("For example: /meeting edit --for 90m"))
    await store_series(ctx, replace(changed, sequence=series.sequence + 1), hooks)
    async with ctx.unit_of_work() as uow:
        assert ctx.workspace is not None
        changes = await uow.meetings.changes(ctx.workspace.id, series.id)
    await ctx.reply(Message(_scheduled(ctx, changed, changes, _("Changed: {title}", title=UserText(changed.title)))))


def _scheduled(ctx: EventContext, series: Series, changes: list[Change], heading: Msg) -> tuple[Block, ...]:
    upcoming = next_meetings(series, changes, ctx.clock.now(), 3)
    return (
        Heading(ctx.public_text(heading)),
        Paragraph(Text.of(rhythm(series, ctx.community_language))),
        Paragraph(ctx.public_text(_("Next: {dates}", dates=join(Timestamp(m.start) for m in upcoming)))),
        Note(ctx.public_text(_("Dates are shown in your own time zone. RSVP with /meeting next."))),
    )


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise UserError(_("A series needs a title."), hint=_('Put it in quotes: /meeting schedule "CoP sync" …'))
    if len(title) > MAX_TITLE:
        raise UserError(_("A title can have at most {max} characters.", max=MAX_TITLE))
    return title


def checked_text(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise UserError(_("A description can have at most {max} characters.", max=MAX_TEXT))
    return text


def _duration(value: timedelta | None) -> timedelta:
    duration = value if value is not None else DEFAULT_DURATION
    if duration > MAX_DURATION:
        raise UserError(_("A meeting can last at most 24 hours."), hint=_("For example: --for 90m"))
    if duration < timedelta(minutes=5):
        raise UserError(_("A meeting lasts at least 5 minutes."), hint=_("For example: --for 90m"))
    return duration


def _location(args: dict[str, Any]) -> str:
    link, place = args.get("link"), args.get("where")
    if link:
        if not is_web_link(link):
            raise UserError(_("{link} is not a web link.", link=UserText(link)),
                            hint=_("Give an address that starts with https://, or use --where for a place."))
        return str(link.strip())
    return checked_text(place)


def _hosts(ctx: EventContext, text: str | None) -> tuple[MemberRef, ...]:
    if not text:
        return ()
    assert ctx.workspace is not None
    hosts = tuple(dict.fromkeys(parse_member(word, ctx.workspace.ref) for word in text.replace(",", " ").split()))
    if len(hosts) > MAX_HOSTS:
        raise UserError(_("At most {max} hosts can take turns.", max=MAX_HOSTS))
    return hosts


# --- one meeting: skip, move, cancel ----------------------------------------------------------------------


async def skip(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    series = await find_series(ctx, args.get("series"))
    meeting, _changes = await find_meeting(ctx, series, args.get("date"))
    # The wall time the meeting is shown at; `with_exdate` finds the rule's instance behind it (also in a DST gap).
    local = meeting.original.astimezone(zone_of(series.timezone)).replace(tzinfo=None)
    recurrence = series.recurrence.with_exdate(local)
    await store_series(ctx, replace(series, recurrence=recurrence, sequence=series.sequence + 1), hooks)
    await ctx.reply(Message.text(ctx.public_text(_("The {title} meeting on {start} is skipped.",
                                                   title=UserText(series.title), start=Timestamp(meeting.start)))))


async def move(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    assert ctx.workspace is not None
    series = await find_series(ctx, args.get("series"))
    meeting, _changes = await find_meeting(ctx, series, args.get("date"))
    now = ctx.clock.now()
    to = parse_datetime(args["to"], now=now, timezone=series.timezone)
    if to <= now:
        raise UserError(_("{to} is in the past.", to=Timestamp(to)), hint=_("Give a date and time ahead."))
    if abs(to - meeting.original) > MAX_MOVE:
        raise UserError(_("A meeting can move at most 90 days from its planned date."),
                        hint=_("Skip it and schedule a separate meeting instead."))
    change = Change(series.id, meeting.original, to, False, "", series.sequence + 1)
    async with ctx.unit_of_work() as uow:
        await uow.meetings.set_change(ctx.workspace.id, change)
        await uow.meetings.update_series(replace(series, sequence=series.sequence + 1), now)
        await uow.commit()
    await refresh_series(ctx, series, hooks=hooks)
    await ctx.reply(Message.text(ctx.public_text(_(
        "The {title} meeting of {original} moves to {start}.", title=UserText(series.title),
        original=Timestamp(meeting.original), start=Timestamp(to)))))


async def cancel(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    assert ctx.workspace is not None
    series = await find_series(ctx, args.get("series"))
    meeting, _changes = await find_meeting(ctx, series, args.get("date"))
    if meeting.cancelled:
        raise UserError(_("That meeting is cancelled already."))
    reason = checked_text(args.get("reason"))
    change = Change(series.id, meeting.original, meeting.start if meeting.moved else None, True, reason,
                    series.sequence + 1)
    async with ctx.unit_of_work() as uow:
        await uow.meetings.set_change(ctx.workspace.id, change)
        await uow.meetings.update_series(replace(series, sequence=series.sequence + 1), ctx.clock.now())
        await uow.commit()
    await refresh_series(ctx, series, hooks=hooks)
    message = _("The {title} meeting on {start} is cancelled.", title=UserText(series.title),
                start=Timestamp(meeting.start))
    blocks: list[Block] = [Paragraph(ctx.public_text(message))]
    if reason:
        blocks.append(Note(ctx.public_text(_("Reason: {reason}", reason=UserText(reason)))))
    await ctx.reply(Message(tuple(blocks)))




# --- pause, resume, end -------------------------------------------------------------------------------------


async def pause(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    await _set_status(ctx, args, hooks, SeriesStatus.PAUSED,
                      _("{title} is paused: no reminders until /meeting resume."))


async def resume(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    await _set_status(ctx, args, hooks, SeriesStatus.ACTIVE, _("{title} is back: reminders as before."))


async def end(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    await _set_status(ctx, args, hooks, SeriesStatus.ENDED, _("{title} has ended. Thank you all for coming."))


async def _set_status(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks, status: SeriesStatus,
                      said: Msg) -> None:
    series = await find_series(ctx, args.get("series"))
    if series.status is status:
        word = {SeriesStatus.ACTIVE: _("active"), SeriesStatus.PAUSED: _("paused"), SeriesStatus.ENDED: _("ended")}
        raise UserError(_("{title} is {status} already.", title=UserText(series.title),
                          status=ctx.text(word[status])))
    await store_series(ctx, replace(series, status=status, sequence=series.sequence + 1), hooks)
    await ctx.reply(Message.text(ctx.public_text(Msg(said.msgid, {"title": UserText(series.title)}))))



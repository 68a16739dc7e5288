"""Facilitators' commands: schedule and edit a series or a kick-off, skip, move or cancel one meeting, pause,
resume, end."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from bot.context import EventContext
from bot.i18n import Msg, _
from bot.meetings import kickoff as kick_off
from bot.meetings.messages import rhythm_text
from bot.meetings.model import SeriesStatus
from bot.meetings.requests import (
    CancelMeeting,
    EditSeries,
    MoveMeeting,
    ScheduleSeries,
    SeriesView,
    SetSeriesStatus,
    SkipMeeting,
)
from bot.messages import Block, Heading, Message, Note, Paragraph, Timestamp, UserText, join
from commands.meeting.common import series_details
from commands.poll.rounds import feedback
from commands.values import parse_datetime

# --- schedule and edit ------------------------------------------------------------------------------------


async def schedule(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None
    view = await ctx.services.meetings.schedule(ScheduleSeries(
        ctx.scope, title=args["title"], rhythm=args["when"], timezone=args.get("tz"),
        details=series_details(args, ctx.workspace.ref),
    ))
    await ctx.reply(Message(_scheduled(ctx, view, _("Scheduled: {title}", title=UserText(view.series.title)))))


async def kickoff(ctx: EventContext, args: dict[str, Any]) -> None:
    """One meeting, titled and with an agenda from the kick-off template in the community's language."""
    assert ctx.workspace is not None
    title = args.get("title") or ctx.plain(kick_off.TITLE, public=True)
    view = await ctx.services.meetings.schedule(ScheduleSeries(
        ctx.scope, title=title, rhythm=args["when"], timezone=args.get("tz"),
        details=series_details(args, ctx.workspace.ref), single=True,
        agenda=tuple(ctx.plain(topic, public=True) for topic in kick_off.AGENDA),
    ))
    blocks = list(_scheduled(ctx, view, _("Scheduled: {title}", title=UserText(view.series.title))))
    topics = [Paragraph(ctx.public_text(_("{n}. {topic}", n=number, topic=UserText(ctx.plain(topic, public=True)))))
              for number, topic in enumerate(kick_off.AGENDA, start=1)]
    blocks[-1:-1] = [Paragraph(ctx.public_text(_("**Proposed agenda**"))), *topics,
                     Note(ctx.public_text(_("Vote on the topics or add your own with /meeting agenda show and "
                                            "/meeting agenda add.")))]
    await ctx.reply(Message(tuple(blocks)))


async def edit(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None
    if args.get("feedback"):
        said = await feedback(ctx, args.get("series"), str(args["feedback"]))
        if not any(value for name, value in args.items() if name not in ("feedback", "series")):
            await ctx.reply(Message((Paragraph(ctx.public_text(said)),)))
            return
        await ctx.whisper(said)
    view = await ctx.services.meetings.edit(EditSeries(
        ctx.scope, args.get("series"), title=args.get("title"), rhythm=args.get("when"),
        details=series_details(args, ctx.workspace.ref),
    ))
    await ctx.reply(Message(_scheduled(ctx, view, _("Changed: {title}", title=UserText(view.series.title)))))


def _scheduled(ctx: EventContext, view: SeriesView, heading: Msg) -> tuple[Block, ...]:
    return (
        Heading(ctx.public_text(heading)),
        Paragraph(rhythm_text(ctx.public_text, view.series, ctx.community_language)),
        Paragraph(ctx.public_text(_("Next: {dates}", dates=join(Timestamp(m.start) for m in view.upcoming)))),
        Note(ctx.public_text(_("Dates are shown in your own time zone. RSVP with /meeting next."))),
    )


# --- one meeting: skip, move, cancel ----------------------------------------------------------------------


async def skip(ctx: EventContext, args: dict[str, Any]) -> None:
    done = await ctx.services.meetings.skip(SkipMeeting(ctx.scope, args.get("series"), args.get("date")))
    await ctx.reply(Message.text(ctx.public_text(_("The {title} meeting on {start} is skipped.",
                                                   title=UserText(done.series.title),
                                                   start=Timestamp(done.meeting.start)))))


async def move(ctx: EventContext, args: dict[str, Any]) -> None:
    reader = partial(_moment, str(args["to"]), ctx)
    done = await ctx.services.meetings.move(MoveMeeting(ctx.scope, args.get("series"), reader, args.get("date")))
    assert done.to is not None
    await ctx.reply(Message.text(ctx.public_text(_(
        "The {title} meeting of {original} moves to {start}.", title=UserText(done.series.title),
        original=Timestamp(done.meeting.original), start=Timestamp(done.to)))))


def _moment(text: str, ctx: EventContext, timezone: str) -> datetime:
    return parse_datetime(text, now=ctx.clock.now(), timezone=timezone)


async def cancel(ctx: EventContext, args: dict[str, Any]) -> None:
    done = await ctx.services.meetings.cancel(CancelMeeting(ctx.scope, args.get("series"), args.get("reason") or "",
                                                            args.get("date")))
    message = _("The {title} meeting on {start} is cancelled.", title=UserText(done.series.title),
                start=Timestamp(done.meeting.start))
    blocks: list[Block] = [Paragraph(ctx.public_text(message))]
    if done.reason:
        blocks.append(Note(ctx.public_text(_("Reason: {reason}", reason=UserText(done.reason)))))
    await ctx.reply(Message(tuple(blocks)))


# --- pause, resume, end -------------------------------------------------------------------------------------

SAID = {
    SeriesStatus.PAUSED: _("{title} is paused: no reminders until /meeting resume."),
    SeriesStatus.ACTIVE: _("{title} is back: reminders as before."),
    SeriesStatus.ENDED: _("{title} has ended. Thank you all for coming."),
}


async def set_status(status: SeriesStatus, ctx: EventContext, args: dict[str, Any]) -> None:
    series = await ctx.services.meetings.set_status(SetSeriesStatus(ctx.scope, args.get("series"), status))
    await ctx.reply(Message.text(ctx.public_text(Msg(SAID[status].msgid, {"title": UserText(series.title)}))))


pause = partial(set_status, SeriesStatus.PAUSED)
resume = partial(set_status, SeriesStatus.ACTIVE)
end = partial(set_status, SeriesStatus.ENDED)

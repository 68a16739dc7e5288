"""The `/meeting` family: a community's meeting series, their dates, RSVPs, agendas and reminder wishes.

Facilitators schedule and change series; everyone lists them, answers RSVPs, proposes and upvotes agenda topics
and chooses their own reminder DMs. Which meeting a command is about: the named series (the community's only one
when it has one) and the date given, else its next meeting.
"""

from __future__ import annotations

import contextlib
import difflib
import secrets
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.context import EventContext
from bot.errors import NotFound, UserError
from bot.events import ActionInvoked
from bot.i18n import Msg, _
from bot.meetings.ics import series_calendar
from bot.meetings.messages import (
    AGENDA_VOTE,
    RSVP,
    announcement,
    read_rsvp_value,
    rhythm,
    series_lines,
    who_is_going,
)
from bot.meetings.model import (
    DEFAULT_LEADS,
    MAX_DURATION,
    MAX_MOVE,
    Answer,
    Change,
    Meeting,
    Series,
    SeriesStatus,
    meeting_at,
    meetings_between,
    next_meetings,
)
from bot.meetings.ports import CalendarFeed
from bot.meetings.reminders import (
    DIRECT,
    DM_LEADS,
    KINDS,
    QUIET_HOURS,
    MeetingHooks,
    member_leads,
    read_quiet_hours,
    subjects,
    workspace_dm_leads,
)
from bot.messages import (
    Actions,
    Attachment,
    Block,
    Button,
    Heading,
    MemberMention,
    Message,
    Note,
    Paragraph,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
    join,
)
from bot.middleware import ensure_permission
from bot.permissions import Permission
from bot.recurrence import parse_recurrence
from bot.recurrence.rule import first_instance, zone_of
from bot.refs import MemberRef
from commands.completion import SuggestionContext
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, Handler, Param, ParamKind
from commands.values import parse_datetime, parse_duration, parse_member

FAMILY_SUMMARIES: dict[str, Msg] = {
    "meeting": _("Meeting series: schedule, list, RSVP, agenda and reminders."),
}
MAX_TITLE = 100
MAX_TEXT = 500
MAX_TOPIC = 200
MAX_HOSTS = 10
MAX_LEADS = 4
DEFAULT_DURATION = timedelta(minutes=60)
ChangeHandler = Callable[[EventContext, dict[str, Any], MeetingHooks], Awaitable[None]]


def register(registry: Registry, interactions: InteractionRouter, hooks: MeetingHooks | None = None) -> None:
    """Add the `/meeting` commands, the RSVP buttons and the agenda votes. `hooks` hear of every change."""
    hooks = hooks or MeetingHooks()

    def told(handler: ChangeHandler) -> Handler:
        async def handle(ctx: EventContext, args: dict[str, Any]) -> None:
            await handler(ctx, args, hooks)

        return handle

    series = Param("series", ParamKind.TEXT, _("the series' title (not needed when there is one)"), flag=True,
                   suggest=series_titles)
    on = Param("date", ParamKind.DATE, _("which meeting: its date (the next one when left out)"), flag=True)
    details = (
        Param("for", ParamKind.DURATION, _("how long each meeting lasts, such as 60m (at most 24h)"), flag=True),
        Param("link", ParamKind.TEXT, _("the video link, https://…"), flag=True),
        Param("where", ParamKind.TEXT, _("the place, when it is not a link"), flag=True),
        Param("about", ParamKind.TEXT, _("a short description"), flag=True),
        Param("hosts", ParamKind.TEXT, _("members who take turns hosting, mentioned with @"), flag=True),
        Param("remind", ParamKind.TEXT, _("when the channel is reminded, such as \"1d 1h\" (or \"none\")"),
              flag=True),
    )
    for spec in (
        CommandSpec(
            ("meeting", "schedule"),
            _("Schedule a meeting series in this community (facilitators)."),
            told(schedule),
            params=(
                Param("title", ParamKind.TEXT, _("the series' title, in quotes"), required=True),
                Param("when", ParamKind.TEXT, _("when it recurs, such as \"every 2 weeks on Tuesday at 15:00\""),
                      required=True, greedy=True),
                *details,
                Param("tz", ParamKind.TIMEZONE, _("its time zone (the community's when left out)"), flag=True),
            ),
            permission=Permission.FACILITATOR,
            needs_community=True,
            examples=(
                '/meeting schedule "CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m '
                "--link https://meet.example.org/cop",
                '/meeting schedule "Quarterly review" every 3 months on the first Thursday at 10:00 --for 2h',
            ),
        ),
        CommandSpec(
            ("meeting", "edit"),
            _("Change a series: title, rhythm, length, place, hosts or reminders (facilitators)."),
            told(edit),
            params=(series, Param("title", ParamKind.TEXT, _("a new title"), flag=True),
                    Param("when", ParamKind.TEXT, _("a new rhythm"), flag=True), *details),
            permission=Permission.FACILITATOR,
            needs_community=True,
            examples=('/meeting edit --series "CoP sync" --when "every week on Tuesday at 15:00"',),
        ),
        CommandSpec(("meeting", "list"), _("List this community's meeting series and their next dates."), list_series,
                    needs_community=True, examples=("/meeting list",)),
        CommandSpec(("meeting", "next"), _("Show the next meeting, with RSVP buttons."), show_next,
                    params=(series,), needs_community=True,
                    examples=("/meeting next", '/meeting next --series "CoP sync"')),
        CommandSpec(("meeting", "skip"), _("Skip one meeting: it disappears from the calendar (facilitators)."),
                    told(skip), params=(series, on), permission=Permission.FACILITATOR, needs_community=True,
                    examples=("/meeting skip", "/meeting skip --date 2026-12-22")),
        CommandSpec(
            ("meeting", "move"), _("Move one meeting to another time (facilitators)."), told(move),
            params=(Param("to", ParamKind.TEXT, _("the new date and time, such as 2026-12-10 16:00"), required=True,
                          greedy=True),
                    series, on),
            permission=Permission.FACILITATOR, needs_community=True,
            examples=("/meeting move 2026-12-10 16:00", "/meeting move tomorrow 15:00 --date 2026-12-08"),
        ),
        CommandSpec(
            ("meeting", "cancel"), _("Cancel one meeting, with a reason members see (facilitators)."), told(cancel),
            params=(Param("reason", ParamKind.TEXT, _("why it is cancelled"), greedy=True), series, on),
            permission=Permission.FACILITATOR, needs_community=True,
            examples=("/meeting cancel the host is ill", "/meeting cancel holidays --date 2026-12-29"),
        ),
        CommandSpec(("meeting", "pause"), _("Pause a series: no reminders until it resumes (facilitators)."),
                    told(pause), params=(series,), permission=Permission.FACILITATOR, needs_community=True,
                    examples=("/meeting pause",)),
        CommandSpec(("meeting", "resume"), _("Resume a paused series (facilitators)."), told(resume), params=(series,),
                    permission=Permission.FACILITATOR, needs_community=True, examples=("/meeting resume",)),
        CommandSpec(("meeting", "end"), _("End a series for good (facilitators)."), told(end), params=(series,),
                    permission=Permission.FACILITATOR, needs_community=True, examples=("/meeting end",)),
        CommandSpec(
            ("meeting", "remind"),
            _("Choose your own reminder DMs, such as \"2h before\" or \"1d 1h\", or \"off\"."),
            remind,
            params=(Param("when", ParamKind.TEXT, _("how long before, or off"), greedy=True),),
            examples=("/meeting remind 2h before", "/meeting remind 1d 1h", "/meeting remind off",
                      "/meeting remind quiet 22:00-07:00"),
        ),
        CommandSpec(
            ("meeting", "agenda", "add"), _("Propose a topic for the next meeting."), agenda_add,
            params=(Param("topic", ParamKind.TEXT, _("the topic"), required=True, greedy=True), series),
            needs_community=True, examples=('/meeting agenda add "How we review dashboards"',),
        ),
        CommandSpec(("meeting", "agenda", "show"), _("Show the next meeting's agenda, with vote buttons."),
                    agenda_show, params=(series,), needs_community=True, examples=("/meeting agenda show",)),
        CommandSpec(("meeting", "calendar"), _("Post a calendar file (.ics) of this community's meetings."),
                    calendar, params=(series,), needs_community=True,
                    examples=("/meeting calendar", '/meeting calendar --series "CoP sync"')),
        CommandSpec(
            ("meeting", "feed"),
            _("Get the address of a calendar feed that stays in sync: the community's, or --mine."),
            feed,
            params=(Param("mine", ParamKind.FLAG, _("the meetings you said you go to"), flag=True),
                    Param("revoke", ParamKind.FLAG, _("stop the old address working and make a new one"), flag=True)),
            needs_community=True,
            examples=("/meeting feed", "/meeting feed --mine", "/meeting feed --revoke"),
        ),
    ):
        registry.add(spec)
    interactions.on_action(RSVP, rsvp)
    interactions.on_action(AGENDA_VOTE, agenda_vote)


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


async def _series(ctx: EventContext, name: str | None, *, include_ended: bool = False) -> Series:
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


async def _meeting(ctx: EventContext, series: Series, on: date | None) -> tuple[Meeting, list[Change]]:
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
        duration=_duration(args.get("for")), location=_location(args), description=_text(args.get("about")),
        hosts=_hosts(ctx, args.get("hosts")), reminder_leads=_leads(args.get("remind"), DEFAULT_LEADS),
        uid=f"{uuid.uuid4()}@hearth",
    )
    async with ctx.unit_of_work() as uow:
        series = await uow.meetings.add_series(series, now)
        await uow.commit()
    await _refresh(ctx, series, hooks=hooks)
    await ctx.reply(Message(_scheduled(ctx, series, [], _("Scheduled: {title}", title=UserText(series.title)))))


async def edit(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    series = await _series(ctx, args.get("series"))
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
        changed = replace(changed, description=_text(args["about"]))
    if args.get("hosts") is not None:
        changed = replace(changed, hosts=_hosts(ctx, args["hosts"]))
    if args.get("remind") is not None:
        changed = replace(changed, reminder_leads=_leads(args["remind"], series.reminder_leads))
    if changed == series:
        raise UserError(_("Nothing to change: give at least one option."),
                        hint=_("For example: /meeting edit --for 90m"))
    await _store(ctx, replace(changed, sequence=series.sequence + 1), hooks)
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


def _text(value: str | None) -> str:
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
        parts = urlsplit(link.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc or " " in link.strip():
            raise UserError(_("{link} is not a web link.", link=UserText(link)),
                            hint=_("Give an address that starts with https://, or use --where for a place."))
        return str(link.strip())
    return _text(place)


def _hosts(ctx: EventContext, text: str | None) -> tuple[MemberRef, ...]:
    if not text:
        return ()
    assert ctx.workspace is not None
    hosts = tuple(dict.fromkeys(parse_member(word, ctx.workspace.ref) for word in text.replace(",", " ").split()))
    if len(hosts) > MAX_HOSTS:
        raise UserError(_("At most {max} hosts can take turns.", max=MAX_HOSTS))
    return hosts


def _leads(text: str | None, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
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


async def _store(ctx: EventContext, series: Series, hooks: MeetingHooks) -> None:
    async with ctx.unit_of_work() as uow:
        await uow.meetings.update_series(series, ctx.clock.now())
        await uow.commit()
    await _refresh(ctx, series, hooks=hooks)


async def _refresh(ctx: EventContext, series: Series, kinds: Sequence[str] = KINDS,
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


# --- lists ----------------------------------------------------------------------------------------------------


async def list_series(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.community is not None
    async with ctx.unit_of_work() as uow:
        found = await uow.meetings.series_of(ctx.workspace.id, ctx.community.id)
        changes = {s.id: await uow.meetings.changes(ctx.workspace.id, s.id) for s in found}
    if not found:
        raise NotFound(_("This community has no meeting series yet."),
                       hint=_("Facilitators schedule one with /meeting schedule."))
    blocks: list[Block] = [Heading(ctx.text(_("Meetings of {name}", name=UserText(ctx.community.name))))]
    now = ctx.clock.now()
    for series in found:
        upcoming = next_meetings(series, changes[series.id], now, 3, include_cancelled=True) if (
            series.status is not SeriesStatus.ENDED) else []
        blocks.extend(series_lines(ctx.text, series, upcoming, ctx.language))
    blocks.append(Note(ctx.text(_("Dates are shown in your own time zone."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def show_next(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.community is not None
    if args.get("series"):
        candidates = [await _series(ctx, args["series"])]
    else:
        async with ctx.unit_of_work() as uow:
            candidates = [s for s in await uow.meetings.series_of(ctx.workspace.id, ctx.community.id)
                          if s.status is not SeriesStatus.ENDED]
        if not candidates:
            raise NotFound(_("This community has no meeting series yet."),
                           hint=_("Facilitators schedule one with /meeting schedule."))
    soonest: tuple[Meeting, list[Change]] | None = None
    for series in candidates:
        async with ctx.unit_of_work() as uow:
            changes = await uow.meetings.changes(ctx.workspace.id, series.id)
        upcoming = next_meetings(series, changes, ctx.clock.now(), 1)
        if upcoming and (soonest is None or upcoming[0].start < soonest[0].start):
            soonest = (upcoming[0], changes)
    if soonest is None:
        raise NotFound(_("No meetings ahead."), hint=_("See the series with /meeting list."))
    meeting = soonest[0]
    await ctx.reply(Message(await _announcement(ctx, meeting, public=False), ephemeral=True))


async def _announcement(ctx: EventContext, meeting: Meeting, *, public: bool) -> tuple[Block, ...]:
    assert ctx.workspace is not None
    async with ctx.unit_of_work() as uow:
        answers = await uow.meetings.rsvps(ctx.workspace.id, meeting.series.id, meeting.original)
        agenda = await uow.meetings.agenda(ctx.workspace.id, meeting.series.id, meeting.original)
    say = ctx.public_text if public else ctx.text
    blocks = announcement(say, meeting, answers, agenda, ctx.community_language if public else ctx.language)
    workspace = ctx.workspace.ref
    going = who_is_going(say, answers, lambda member_id: MemberMention(MemberRef(workspace, member_id)))
    return (*blocks[:-1], Note(going), blocks[-1]) if not meeting.cancelled else blocks


# --- one meeting: skip, move, cancel ----------------------------------------------------------------------


async def skip(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    series = await _series(ctx, args.get("series"))
    meeting, _changes = await _meeting(ctx, series, args.get("date"))
    local = meeting.original.astimezone(zone_of(series.timezone)).replace(tzinfo=None)
    instance = _instance(series, meeting.original)
    recurrence = series.recurrence.with_exdate(instance if instance is not None else local)
    await _store(ctx, replace(series, recurrence=recurrence, sequence=series.sequence + 1), hooks)
    await ctx.reply(Message.text(ctx.public_text(_("The {title} meeting on {start} is skipped.",
                                                   title=UserText(series.title), start=Timestamp(meeting.start)))))


async def move(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    assert ctx.workspace is not None
    series = await _series(ctx, args.get("series"))
    meeting, _changes = await _meeting(ctx, series, args.get("date"))
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
    await _refresh(ctx, series, hooks=hooks)
    await ctx.reply(Message.text(ctx.public_text(_(
        "The {title} meeting of {original} moves to {start}.", title=UserText(series.title),
        original=Timestamp(meeting.original), start=Timestamp(to)))))


async def cancel(ctx: EventContext, args: dict[str, Any], hooks: MeetingHooks) -> None:
    assert ctx.workspace is not None
    series = await _series(ctx, args.get("series"))
    meeting, _changes = await _meeting(ctx, series, args.get("date"))
    if meeting.cancelled:
        raise UserError(_("That meeting is cancelled already."))
    reason = _text(args.get("reason"))
    change = Change(series.id, meeting.original, meeting.start if meeting.moved else None, True, reason,
                    series.sequence + 1)
    async with ctx.unit_of_work() as uow:
        await uow.meetings.set_change(ctx.workspace.id, change)
        await uow.meetings.update_series(replace(series, sequence=series.sequence + 1), ctx.clock.now())
        await uow.commit()
    await _refresh(ctx, series, hooks=hooks)
    message = _("The {title} meeting on {start} is cancelled.", title=UserText(series.title),
                start=Timestamp(meeting.start))
    blocks: list[Block] = [Paragraph(ctx.public_text(message))]
    if reason:
        blocks.append(Note(ctx.public_text(_("Reason: {reason}", reason=UserText(reason)))))
    await ctx.reply(Message(tuple(blocks)))


def _instance(series: Series, original: datetime) -> datetime | None:
    return first_instance(series.recurrence, original)


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
    series = await _series(ctx, args.get("series"))
    if series.status is status:
        word = {SeriesStatus.ACTIVE: _("active"), SeriesStatus.PAUSED: _("paused"), SeriesStatus.ENDED: _("ended")}
        raise UserError(_("{title} is {status} already.", title=UserText(series.title),
                          status=ctx.text(word[status])))
    await _store(ctx, replace(series, status=status, sequence=series.sequence + 1), hooks)
    await ctx.reply(Message.text(ctx.public_text(Msg(said.msgid, {"title": UserText(series.title)}))))


# --- a member's reminders -----------------------------------------------------------------------------------


async def remind(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.member is not None
    text = (args.get("when") or "").strip()
    words = [w for w in text.replace(",", " ").split() if w.casefold() not in ("me", "mij")]
    if not words:
        await ctx.whisper(_describe_leads(ctx, ctx.member.preferences.get(DM_LEADS)))
        return
    if words[0].casefold() in ("quiet", "stil"):
        await _quiet_hours(ctx, words[1:])
        return
    leads = _leads(" ".join(words), DEFAULT_LEADS)
    value = "off" if not leads else ",".join(str(int(lead.total_seconds() // 60)) for lead in leads)
    member = replace(ctx.member, preferences={**ctx.member.preferences, DM_LEADS: value})
    async with ctx.unit_of_work() as uow:
        await uow.members.update(member)
        await uow.commit()
    ctx.member = member
    assert ctx.workspace is not None
    async with ctx.unit_of_work() as uow:
        everywhere = [s for community in await uow.communities.list(ctx.workspace.id)
                      for s in await uow.meetings.series_of(ctx.workspace.id, community.id)
                      if s.status is not SeriesStatus.ENDED]
    for series in everywhere:
        await _refresh(ctx, series, (DIRECT,))
    await ctx.whisper(_describe_leads(ctx, value))


async def _quiet_hours(ctx: EventContext, words: list[str]) -> None:
    assert ctx.member is not None
    value = " ".join(words).strip()
    if value.casefold() in ("off", "uit", "none", "geen"):
        preferences = {k: v for k, v in ctx.member.preferences.items() if k != QUIET_HOURS}
        said = _("Reminder DMs may come at any hour again.")
    else:
        window = read_quiet_hours(value)
        if window is None:
            raise UserError(_("Give quiet hours as a start and an end time, such as 22:00-07:00, or off."),
                            hint=_("For example: /meeting remind quiet 22:00-07:00"))
        preferences = {**ctx.member.preferences, QUIET_HOURS: value.replace(" ", "")}
        said = _("No reminder DMs between {start} and {end}, your time.", start=window[0].strftime("%H:%M"),
                 end=window[1].strftime("%H:%M"))
    member = replace(ctx.member, preferences=preferences)
    async with ctx.unit_of_work() as uow:
        await uow.members.update(member)
        await uow.commit()
    ctx.member = member
    await ctx.whisper(said)


def _describe_leads(ctx: EventContext, preference: object) -> Msg:
    leads = member_leads(preference)
    if leads is None:
        return _("You get a reminder DM an hour before each meeting you said you go to. Change it with "
                 "/meeting remind 2h before, or /meeting remind off.")
    if not leads:
        return _("You get no reminder DMs. Turn them on again with /meeting remind 1h before.")
    return _("You get a reminder DM {leads} before each meeting you said you go to.",
             leads=join(_lead_text(lead) for lead in leads))


def _lead_text(lead: timedelta) -> str:
    minutes = int(lead.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


# --- RSVP and agenda ----------------------------------------------------------------------------------------


async def rsvp(ctx: EventContext, value: str) -> None:
    assert ctx.workspace is not None and ctx.member is not None
    read = read_rsvp_value(value)
    if read is None:
        raise UserError(_("That button no longer works. Use /meeting next."))
    series_id, moment, answer = read
    original = datetime.fromtimestamp(moment, tz=ctx.clock.now().tzinfo)
    async with ctx.unit_of_work() as uow:
        series = await uow.meetings.get_series(ctx.workspace.id, series_id)
        changes = await uow.meetings.changes(ctx.workspace.id, series_id) if series is not None else []
    meeting = meeting_at(series, changes, original) if series is not None else None
    if series is None or meeting is None or meeting.cancelled:
        raise UserError(_("That meeting is no longer planned. See /meeting next."))
    if meeting.end < ctx.clock.now():
        raise UserError(_("That meeting is over."))
    async with ctx.unit_of_work() as uow:
        await uow.meetings.set_rsvp(ctx.workspace.id, series_id, original, ctx.member.ref, answer, ctx.clock.now())
        await uow.commit()
    said = {
        Answer.GOING: _("You are going to {title} on {start}. See you there!"),
        Answer.MAYBE: _("You might come to {title} on {start}."),
        Answer.NOT_GOING: _("You are not going to {title} on {start}. Thanks for saying so."),
    }[answer]
    await ctx.whisper(Msg(said.msgid, {"title": UserText(series.title), "start": Timestamp(meeting.start)}))
    event = ctx.event
    if isinstance(event, ActionInvoked) and event.message is not None:
        # An ephemeral answer cannot be edited on every platform; the whisper said it all.
        with contextlib.suppress(Exception):
            await ctx.messenger.update(event.message, Message(await _announcement(ctx, meeting, public=True)))


async def agenda_add(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.member is not None
    topic = " ".join(str(args["topic"]).split())
    if not topic or len(topic) > MAX_TOPIC:
        raise UserError(_("A topic has 1 to {max} characters.", max=MAX_TOPIC))
    series = await _series(ctx, args.get("series"))
    meeting, _changes = await _meeting(ctx, series, None)
    async with ctx.unit_of_work() as uow:
        await uow.meetings.add_agenda_item(ctx.workspace.id, series.id, meeting.original, ctx.member.ref, topic,
                                           ctx.clock.now())
        await uow.commit()
    await ctx.reply(Message.text(ctx.public_text(_(
        "{member} proposed a topic for {title} on {start}: {topic}", member=MemberMention(ctx.member.ref),
        title=UserText(series.title), start=Timestamp(meeting.start), topic=UserText(topic)))))


async def agenda_show(ctx: EventContext, args: dict[str, Any]) -> None:
    series = await _series(ctx, args.get("series"))
    meeting, _changes = await _meeting(ctx, series, None)
    await ctx.reply(Message(await _agenda_blocks(ctx, meeting), ephemeral=True))


async def _agenda_blocks(ctx: EventContext, meeting: Meeting) -> tuple[Block, ...]:
    assert ctx.workspace is not None
    async with ctx.unit_of_work() as uow:
        items = await uow.meetings.agenda(ctx.workspace.id, meeting.series.id, meeting.original)
    blocks: list[Block] = [Heading(ctx.text(_("Agenda of {title} on {start}", title=UserText(meeting.series.title),
                                              start=Timestamp(meeting.start))))]
    if not items:
        blocks.append(Paragraph(ctx.text(_("No topics yet. Propose one with /meeting agenda add \"…\"."))))
        return tuple(blocks)
    for item in items:
        blocks.append(Paragraph(ctx.text(_("{topic} ({votes})", topic=UserText(item.text), votes=item.score))))
    buttons = tuple(Button(ctx.plain(_("Upvote {n}", n=index + 1)), AGENDA_VOTE, str(item.id))
                    for index, item in enumerate(items[:10]))
    blocks.append(Actions(buttons[:5]))
    if len(buttons) > 5:
        blocks.append(Actions(buttons[5:]))
    blocks.append(Note(ctx.text(_("Click again to take your vote back."))))
    return tuple(blocks)


async def agenda_vote(ctx: EventContext, value: str) -> None:
    assert ctx.workspace is not None and ctx.member is not None
    if not value.isdigit():
        raise UserError(_("That button no longer works. Use /meeting agenda show."))
    async with ctx.unit_of_work() as uow:
        item = await uow.meetings.toggle_vote(ctx.workspace.id, int(value), ctx.member.ref)
        await uow.commit()
    if item is None:
        raise UserError(_("That topic is gone. Use /meeting agenda show."))
    voted = ctx.member.ref.id in item.votes
    said = _("You upvoted {topic}.") if voted else _("You took your vote for {topic} back.")
    await ctx.whisper(Msg(said.msgid, {"topic": UserText(item.text)}))


# --- the member's home --------------------------------------------------------------------------------------


async def home_section(ctx: EventContext) -> list[Block]:
    """The next meeting of every series in the workspace, with the member's own answer (Slack's App Home)."""
    assert ctx.workspace is not None and ctx.member is not None
    now = ctx.clock.now()
    rows: list[tuple[Meeting, Answer | None]] = []
    async with ctx.unit_of_work() as uow:
        for community in await uow.communities.list(ctx.workspace.id):
            for series in await uow.meetings.series_of(ctx.workspace.id, community.id):
                if series.status is not SeriesStatus.ACTIVE:
                    continue
                upcoming = next_meetings(series, await uow.meetings.changes(ctx.workspace.id, series.id), now, 1)
                if upcoming:
                    answers = await uow.meetings.rsvps(ctx.workspace.id, series.id, upcoming[0].original)
                    rows.append((upcoming[0], answers.get(ctx.member.ref.id)))
    if not rows:
        return []
    blocks: list[Block] = [Heading(ctx.text(_("Next meetings")))]
    for meeting, answer in sorted(rows, key=lambda row: row[0].start):
        said = {None: _("not answered yet"), Answer.GOING: _("you are going"), Answer.MAYBE: _("maybe"),
                Answer.NOT_GOING: _("you are not going")}[answer]
        blocks.append(Paragraph(ctx.text(_("**{title}** {start}: {answer}", title=UserText(meeting.series.title),
                                           start=Timestamp(meeting.start), answer=ctx.text(said)))))
    blocks.append(Note(ctx.text(_("Answer with /meeting next in the community's channel."))))
    return blocks


# --- calendars ----------------------------------------------------------------------------------------------


async def calendar(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.community is not None
    if args.get("series"):
        chosen = [await _series(ctx, args["series"], include_ended=True)]
    else:
        async with ctx.unit_of_work() as uow:
            chosen = await uow.meetings.series_of(ctx.workspace.id, ctx.community.id)
        if not chosen:
            raise NotFound(_("This community has no meeting series yet."),
                           hint=_("Facilitators schedule one with /meeting schedule."))
    async with ctx.unit_of_work() as uow:
        entries = [(s, await uow.meetings.changes(ctx.workspace.id, s.id)) for s in chosen]
    name = chosen[0].title if len(chosen) == 1 else ctx.community.name
    data = series_calendar(entries, name=name, now=ctx.clock.now())
    file_name = (_slug(name) or "meetings") + ".ics"
    await ctx.reply(Message(
        (Paragraph(ctx.public_text(_("The calendar of {name}: open the file to add every meeting to your calendar. "
                                     "To stay in sync with changes, subscribe with /meeting feed instead.",
                                     name=UserText(name)))),),
        files=(Attachment(file_name, "text/calendar", data),),
    ))


async def feed(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.community is not None and ctx.member is not None
    mine = bool(args.get("mine"))
    community_id = None if mine else ctx.community.id
    member = ctx.member.ref if mine else None
    if args.get("revoke") and not mine:
        await ensure_permission(ctx, Permission.FACILITATOR, "/meeting feed --revoke")
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        if args.get("revoke"):
            await uow.meetings.revoke_feeds(ctx.workspace.id, community_id, member, now)
        live = await uow.meetings.feeds_of(ctx.workspace.id, community_id, member)
        if live:
            token = live[0].token
        else:
            token = secrets.token_urlsafe(32)
            await uow.meetings.add_feed(CalendarFeed(token, ctx.workspace.id, community_id, member), now)
        await uow.commit()
    address = f"{ctx.defaults.public_url}/calendar/{token}.ics"
    said = _("Your own calendar feed (the meetings you said you go to):") if mine else _(
        "The calendar feed of {name}:", name=UserText(ctx.community.name))
    blocks: list[Block] = [
        Paragraph(ctx.text(said)),
        Paragraph(Text.of(address)),
        Note(ctx.text(_("Add it to Google Calendar, Outlook or Apple Calendar as a calendar from a URL (subscribe); "
                        "changes follow by themselves. Keep the address to yourself: anyone with it sees the "
                        "meetings. /meeting feed --revoke makes a new one."))),
    ]
    if args.get("revoke"):
        blocks.insert(0, Paragraph(ctx.text(_("The old address no longer works."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())[:60]

"""Everyone's commands: the list and the next meeting, RSVP, agendas, one's own reminders, the home section."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.context import EventContext
from bot.errors import NotFound, UserError
from bot.events import ActionInvoked
from bot.i18n import Msg, _
from bot.meetings.messages import (
    AGENDA_VOTE,
    announcement,
    read_rsvp_value,
    series_lines,
    who_is_going,
)
from bot.meetings.model import (
    DEFAULT_LEADS,
    Answer,
    Change,
    Meeting,
    SeriesStatus,
    meeting_at,
    next_meetings,
)
from bot.meetings.reminders import (
    DIRECT,
    DM_LEADS,
    QUIET_HOURS,
    member_leads,
    read_quiet_hours,
)
from bot.messages import (
    Actions,
    Block,
    Button,
    Heading,
    MemberMention,
    Message,
    Note,
    Paragraph,
    Timestamp,
    UserText,
    join,
)
from bot.refs import MemberRef
from commands.meeting.common import MAX_TOPIC, find_meeting, find_series, parse_leads, refresh_series

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
        candidates = [await find_series(ctx, args["series"])]
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
    leads = parse_leads(" ".join(words), DEFAULT_LEADS)
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
        await refresh_series(ctx, series, (DIRECT,))
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
    original = datetime.fromtimestamp(moment, tz=UTC)
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
    series = await find_series(ctx, args.get("series"))
    meeting, _changes = await find_meeting(ctx, series, None)
    async with ctx.unit_of_work() as uow:
        await uow.meetings.add_agenda_item(ctx.workspace.id, series.id, meeting.original, ctx.member.ref, topic,
                                           ctx.clock.now())
        await uow.commit()
    await ctx.reply(Message.text(ctx.public_text(_(
        "{member} proposed a topic for {title} on {start}: {topic}", member=MemberMention(ctx.member.ref),
        title=UserText(series.title), start=Timestamp(meeting.start), topic=UserText(topic)))))


async def agenda_show(ctx: EventContext, args: dict[str, Any]) -> None:
    series = await find_series(ctx, args.get("series"))
    meeting, _changes = await find_meeting(ctx, series, None)
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



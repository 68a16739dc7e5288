"""Everyone's commands: the list and the next meeting, RSVP, agendas, one's own reminders, the home section."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.action_refs import ActionRef
from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.meetings.messages import (
    AGENDA_VOTE,
    Post,
    announcement,
    read_rsvp,
    series_lines,
    topic_ref,
    who_is_going,
)
from bot.meetings.model import Answer
from bot.meetings.preferences import DM_LEADS, read_dm_leads
from bot.meetings.requests import (
    ChooseQuietHours,
    ChooseReminders,
    EditTopic,
    ListSeries,
    MeetingView,
    ProposeTopic,
    RemoveTopic,
    Rsvp,
    ShowAgenda,
    ShowNextMeeting,
    UpcomingForMember,
    VoteTopic,
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
from commands.meeting.common import OFF_WORDS, parse_leads, parse_quiet_hours

# --- lists ----------------------------------------------------------------------------------------------------


async def list_series(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.community is not None
    views = await ctx.services.meetings.all_series(ListSeries(ctx.scope))
    blocks: list[Block] = [Heading(ctx.text(_("Meetings of {name}", name=UserText(ctx.community.name))))]
    for view in views:
        blocks.extend(series_lines(ctx.text, view.series, view.upcoming, ctx.language))
    blocks.append(Note(ctx.text(_("Dates are shown in your own time zone."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def show_next(ctx: EventContext, args: dict[str, Any]) -> None:
    view = await ctx.services.meetings.next_meeting(ShowNextMeeting(ctx.scope, args.get("series")))
    await ctx.reply(Message(_announcement(ctx, view, public=False), ephemeral=True))


def _announcement(ctx: EventContext, view: MeetingView, *, public: bool,
                  post: Post = Post.ANNOUNCEMENT) -> tuple[Block, ...]:
    assert ctx.workspace is not None
    say = ctx.public_text if public else ctx.text
    blocks = announcement(say, view.meeting, view.answers, view.agenda,
                          ctx.community_language if public else ctx.language, ctx.refs, post=post)
    workspace = ctx.workspace.ref
    going = who_is_going(say, view.answers, lambda member_id: MemberMention(MemberRef(workspace, member_id)))
    return (*blocks[:-1], Note(going), blocks[-1]) if not view.meeting.cancelled else blocks


# --- a member's reminders -----------------------------------------------------------------------------------


async def remind(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.member is not None
    text = (args.get("when") or "").strip()
    words = [w for w in text.replace(",", " ").split() if w.casefold() not in ("me", "mij")]
    if not words:
        await ctx.whisper(_describe_leads(ctx.member.preferences.get(DM_LEADS)))
        return
    if words[0].casefold() in ("quiet", "stil"):
        await _quiet_hours(ctx, words[1:])
        return
    leads = parse_leads(" ".join(words)) or ()
    member = await ctx.services.meetings.choose_reminders(ChooseReminders(ctx.scope, leads))
    ctx.member = member
    await ctx.whisper(_describe_leads(member.preferences.get(DM_LEADS)))


async def _quiet_hours(ctx: EventContext, words: list[str]) -> None:
    value = " ".join(words).strip()
    if value.casefold() in OFF_WORDS:
        ctx.member = await ctx.services.meetings.choose_quiet_hours(ChooseQuietHours(ctx.scope, None))
        await ctx.whisper(_("Reminder DMs may come at any hour again."))
        return
    window = parse_quiet_hours(value)
    ctx.member = await ctx.services.meetings.choose_quiet_hours(ChooseQuietHours(ctx.scope, window))
    await ctx.whisper(_("No reminder DMs between {start} and {end}, your time.", start=window[0].strftime("%H:%M"),
                        end=window[1].strftime("%H:%M")))


def _describe_leads(preference: object) -> Msg:
    leads = read_dm_leads(preference)
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


RSVP_STALE = _("That button no longer works. Use /meeting next.")
VOTE_STALE = _("That button no longer works. Use /meeting agenda show.")


async def rsvp(ctx: EventContext, ref: ActionRef) -> None:
    """An RSVP button: `ref` (already authorised for this channel's community) names the series, the meeting and
    the answer. The clicked message is rewritten only when Hearth made it for that series, as the same post (a
    reminder keeps its heading); otherwise the member only hears privately."""
    read = read_rsvp(ref)
    if read is None:
        raise UserError(RSVP_STALE)
    original, answer = read.original, read.answer
    recorded = await ctx.services.meetings.rsvp(Rsvp(ctx.scope, ref.subject_id, original, answer))
    said = {
        Answer.GOING: _("You are going to {title} on {start}. See you there!"),
        Answer.MAYBE: _("You might come to {title} on {start}."),
        Answer.NOT_GOING: _("You are not going to {title} on {start}. Thanks for saying so."),
    }[answer]
    meeting = recorded.view.meeting
    await ctx.whisper(Msg(said.msgid, {"title": UserText(meeting.series.title), "start": Timestamp(meeting.start)}))
    message = ctx.clicked_message(ref)
    if message is not None and meeting.series.id == ref.subject_id:
        await ctx.rewrite(message, Message(_announcement(ctx, recorded.view, public=True, post=read.post)))


async def agenda_add(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.member is not None
    proposed = await ctx.services.meetings.propose_topic(ProposeTopic(ctx.scope, str(args["topic"]),
                                                                      args.get("series")))
    await ctx.reply(Message.text(ctx.public_text(_(
        "{member} proposed a topic for {title} on {start}: {topic}", member=MemberMention(ctx.member.ref),
        title=UserText(proposed.series.title), start=Timestamp(proposed.meeting.start),
        topic=UserText(proposed.topic)))))


async def agenda_show(ctx: EventContext, args: dict[str, Any]) -> None:
    agenda = await ctx.services.meetings.agenda(ShowAgenda(ctx.scope, args.get("series")))
    meeting, items = agenda.meeting, agenda.items
    blocks: list[Block] = [Heading(ctx.text(_("Agenda of {title} on {start}", title=UserText(meeting.series.title),
                                              start=Timestamp(meeting.start))))]
    if not items:
        blocks.append(Paragraph(ctx.text(_("No topics yet. Propose one with /meeting agenda add \"…\"."))))
        await ctx.reply(Message(tuple(blocks), ephemeral=True))
        return
    for number, item in enumerate(items, start=1):
        blocks.append(Paragraph(ctx.text(_("{number}. {topic} ({votes})", number=number, topic=UserText(item.text),
                                           votes=item.score))))
    buttons = tuple(Button(ctx.plain(_("Upvote {n}", n=index + 1)), AGENDA_VOTE,
                           ctx.refs.mint(topic_ref(meeting.series, item)))
                    for index, item in enumerate(items[:10]))
    blocks.append(Actions(buttons[:5]))
    if len(buttons) > 5:
        blocks.append(Actions(buttons[5:]))
    blocks.append(Note(ctx.text(_("Click again to take your vote back. Change a topic you proposed with "
                                  "/meeting agenda edit <number> <new text>, or take it off with "
                                  "/meeting agenda remove <number>."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def agenda_edit(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.member is not None
    edited = await ctx.services.meetings.edit_topic(EditTopic(ctx.scope, int(args["number"]), str(args["topic"]),
                                                              args.get("series")))
    await ctx.reply(Message.text(ctx.public_text(_(
        "{member} changed topic {number} for {title} on {start} to: {topic}", member=MemberMention(ctx.member.ref),
        number=edited.number, title=UserText(edited.series.title), start=Timestamp(edited.meeting.start),
        topic=UserText(edited.item.text)))))


async def agenda_remove(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.member is not None
    removed = await ctx.services.meetings.remove_topic(RemoveTopic(ctx.scope, int(args["number"]),
                                                                   args.get("series")))
    await ctx.reply(Message.text(ctx.public_text(_(
        "{member} took a topic off the agenda of {title} on {start}: {topic}", member=MemberMention(ctx.member.ref),
        title=UserText(removed.series.title), start=Timestamp(removed.meeting.start),
        topic=UserText(removed.item.text)))))


async def agenda_vote(ctx: EventContext, ref: ActionRef) -> None:
    """A topic's vote button: `ref` (already authorised for this channel's community) names the topic."""
    voted = await ctx.services.meetings.vote(VoteTopic(ctx.scope, ref.subject_id))
    said = _("You upvoted {topic}.") if voted.voted else _("You took your vote for {topic} back.")
    await ctx.whisper(Msg(said.msgid, {"topic": UserText(voted.item.text)}))


# --- the member's home --------------------------------------------------------------------------------------


async def home_section(ctx: EventContext) -> list[Block]:
    """The next meeting of every series in the workspace, with the member's own answer (Slack's App Home)."""
    rows = await ctx.services.meetings.upcoming(UpcomingForMember(ctx.scope))
    if not rows:
        return []
    blocks: list[Block] = [Heading(ctx.text(_("Next meetings")))]
    for row in rows:
        said = {None: _("not answered yet"), Answer.GOING: _("you are going"), Answer.MAYBE: _("maybe"),
                Answer.NOT_GOING: _("you are not going")}[row.answer]
        blocks.append(Paragraph(ctx.text(_("**{title}** {start}: {answer}", title=UserText(row.meeting.series.title),
                                           start=Timestamp(row.meeting.start), answer=ctx.text(said)))))
    blocks.append(Note(ctx.text(_("Answer with /meeting next in the community's channel."))))
    return blocks

"""How meetings look: the announcement with RSVP buttons, a series in words, and lists of dates.

Dates are `Timestamp`s, so every reader sees them in their own time zone (Slack's and Discord's native date
tokens; the console writes the reader's zone). Member text (titles, places, agenda topics, reasons) is `UserText`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.action_refs import ActionRef, ActionRefs
from bot.i18n import Msg, _, _n
from bot.links import link_host
from bot.meetings.model import AgendaItem, Answer, Meeting, Series, SeriesStatus, rsvp_counts
from bot.messages import (
    Actions,
    Block,
    Button,
    ButtonStyle,
    Field,
    Fields,
    Heading,
    Inline,
    Link,
    MemberMention,
    Note,
    Paragraph,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
    join,
)
from bot.recurrence import describe

RSVP = "meeting.rsvp"
AGENDA_VOTE = "meeting.agenda.vote"
TOP_AGENDA = 5
# The kinds of reference meeting buttons carry (`bot.action_refs`): a series, for an RSVP with the meeting and the
# answer as payload; an agenda topic, for a vote.
SERIES_REF = "ms"
TOPIC_REF = "mt"
_ANSWERS = tuple(Answer)  # an RSVP reference carries its answer's place in this order
_LAST_MOMENT = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp())

Say = Callable[[Msg | Text | Inline], Text]


class Post(enum.IntEnum):
    """Which post about a meeting carries RSVP buttons: its number travels in their references, so the post a
    click rewrites is rendered as the same kind, with the same heading."""

    ANNOUNCEMENT = 0  # /meeting next, headed by the series' title
    REMINDER = 1  # the channel reminder, headed "Reminder: … starts in 1 day"


def heading(post: Post, meeting: Meeting) -> Msg | Text:
    """The heading of `post` about `meeting`."""
    if post is Post.REMINDER:
        return _("Reminder: {title} starts {when}", title=UserText(meeting.series.title),
                 when=Timestamp(meeting.start, TimestampStyle.RELATIVE))
    return Text.of(UserText(meeting.series.title))


@dataclass(frozen=True, slots=True)
class RsvpClick:
    """What an RSVP button carries: the meeting (its original start), the answer and the post it sits in."""

    original: datetime
    answer: Answer
    post: Post


def rsvp_ref(meeting: Meeting, answer: Answer, post: Post = Post.ANNOUNCEMENT) -> ActionRef:
    """The reference of an RSVP button: the series, the meeting (its original start), the answer and the post the
    button sits in, so a click needs nothing else."""
    series = meeting.series
    return ActionRef(series.workspace_id, series.community_id, SERIES_REF, series.id,
                     (int(meeting.original.timestamp()), _ANSWERS.index(answer), int(post)))


def read_rsvp(ref: ActionRef) -> RsvpClick | None:
    """What an RSVP reference carries; None when its payload is not one `rsvp_ref` makes. A reference made before
    buttons named their post (two numbers) is an announcement's. Raises nothing."""
    if len(ref.payload) not in (2, 3):
        return None
    moment, answer, post = (*ref.payload, Post.ANNOUNCEMENT)[:3]
    if moment > _LAST_MOMENT or answer >= len(_ANSWERS) or post not in tuple(Post):
        return None
    return RsvpClick(datetime.fromtimestamp(moment, tz=UTC), _ANSWERS[answer], Post(post))


def topic_ref(series: Series, item: AgendaItem) -> ActionRef:
    """The reference of an agenda topic's vote button."""
    return ActionRef(series.workspace_id, series.community_id, TOPIC_REF, item.id)


def where(series: Series) -> Inline | None:
    if not series.location:
        return None
    host = link_host(series.location)
    if host is not None:
        return Link(series.location, host)
    return UserText(series.location)


def when(meeting: Meeting) -> Msg:
    return _("{start} to {end}", start=Timestamp(meeting.start),
             end=Timestamp(meeting.end, TimestampStyle.TIME))


def rhythm(series: Series, language: str) -> str:
    """The series' rule in words in `language` (its RFC 5545 text when the phrase grammar cannot say it)."""
    return describe(series.recurrence, language)


def rhythm_text(say: Say, series: Series, language: str) -> Text:
    """How often the series meets, as a reader sees it: "One meeting" for a single one (its date is shown beside
    it, in the reader's language), else the rule in words."""
    if series.single:
        return say(_("One meeting"))
    return Text.of(rhythm(series, language))


def announcement(say: Say, meeting: Meeting, answers: Mapping[str, Answer], agenda: Sequence[AgendaItem],
                 language: str, refs: ActionRefs, *, post: Post = Post.ANNOUNCEMENT) -> tuple[Block, ...]:
    """The post about one meeting: its heading as `post` has it, when, where, host, the top agenda topics, who
    comes, and RSVP buttons (their references minted with `refs`, naming `post`)."""
    series = meeting.series
    blocks: list[Block] = [Heading(say(heading(post, meeting)))]
    if meeting.cancelled:
        reason = _("Reason: {reason}", reason=UserText(meeting.reason)) if meeting.reason else None
        blocks.append(Paragraph(say(_("This meeting on {start} is cancelled.", start=Timestamp(meeting.start)))))
        if reason is not None:
            blocks.append(Note(say(reason)))
        return tuple(blocks)
    fields = [Field(say(_("When")), say(when(meeting)))]
    place = where(series)
    if place is not None:
        fields.append(Field(say(_("Where")), Text.of(place)))
    if meeting.host is not None:
        fields.append(Field(say(_("Host")), Text.of(MemberMention(meeting.host))))
    fields.append(Field(say(_("Rhythm")), rhythm_text(say, series, language)))
    blocks.append(Fields(tuple(fields)))
    if meeting.moved:
        blocks.append(Note(say(_("Moved from {original}.", original=Timestamp(meeting.original)))))
    if series.description:
        blocks.append(Paragraph(Text.of(UserText(series.description))))
    if agenda:
        blocks.append(Paragraph(say(_("**Agenda**"))))
        for item in agenda[:TOP_AGENDA]:
            blocks.append(Paragraph(say(_n("• {topic} ({n} vote)", "• {topic} ({n} votes)", item.score,
                                           topic=UserText(item.text)))))
    blocks.append(Note(say(attendance(answers))))
    blocks.append(Actions((
        Button(_plain(say, _("Going")), RSVP, refs.mint(rsvp_ref(meeting, Answer.GOING, post)), ButtonStyle.PRIMARY),
        Button(_plain(say, _("Maybe")), RSVP, refs.mint(rsvp_ref(meeting, Answer.MAYBE, post))),
        Button(_plain(say, _("Not going")), RSVP, refs.mint(rsvp_ref(meeting, Answer.NOT_GOING, post))),
    )))
    return tuple(blocks)


def attendance(answers: Mapping[str, Answer]) -> Msg:
    counts = rsvp_counts(answers)
    return _("Going: {going} · Maybe: {maybe} · Not going: {no}", going=counts[Answer.GOING],
             maybe=counts[Answer.MAYBE], no=counts[Answer.NOT_GOING])


def who_is_going(say: Say, answers: Mapping[str, Answer], member_ref: Callable[[str], MemberMention]) -> Text:
    going = [member_ref(member) for member, answer in answers.items() if answer is Answer.GOING]
    if not going:
        return say(_("Nobody said they are going yet."))
    return say(_("Going: {members}", members=join(going)))


def series_lines(say: Say, series: Series, upcoming: Sequence[Meeting], language: str) -> list[Block]:
    """A series in a list: its title, rhythm, status and next dates."""
    status = {
        SeriesStatus.ACTIVE: None,
        SeriesStatus.PAUSED: _("paused"),
        SeriesStatus.ENDED: _("ended"),
    }[series.status]
    title = _("**{title}** ({status})", title=UserText(series.title), status=say(status)) if status else _(
        "**{title}**", title=UserText(series.title))
    blocks: list[Block] = [Paragraph(say(title)), Note(rhythm_text(say, series, language))]
    if upcoming:
        blocks.append(Paragraph(say(_("Next: {dates}", dates=join(_date(say, m) for m in upcoming)))))
    elif series.status is not SeriesStatus.ENDED:
        blocks.append(Paragraph(say(_("No meetings ahead."))))
    return blocks


def _date(say: Say, meeting: Meeting) -> Text:
    if meeting.cancelled:
        return say(_("{start} (cancelled)", start=Timestamp(meeting.start)))
    return Text.of(Timestamp(meeting.start))


def _plain(say: Say, message: Msg) -> str:
    return "".join(part for part in say(message).parts if isinstance(part, str))

"""What members and facilitators ask of the meetings feature, and what it answers: frozen values only.

Every request carries the `Scope` it is asked in. A series is named by its title (`series=None`: the
community's only one) and a meeting by its date in the series' zone (`on=None`: the next one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.meetings.model import AgendaItem, Answer, Change, Meeting, Series, SeriesStatus
from bot.refs import MemberRef
from bot.tenancy import Community, Scope

# The member's words for a moment, read in the zone the service gives (the series' zone, known only inside).
MomentReader = Callable[[str], datetime]


@dataclass(frozen=True, slots=True)
class SeriesDetails:
    """What a facilitator may set on a series; None leaves it as it is (or at its default for a new one)."""

    duration: timedelta | None = None
    link: str | None = None
    place: str | None = None
    about: str | None = None
    hosts: tuple[MemberRef, ...] | None = None
    reminder_leads: tuple[timedelta, ...] | None = None  # () is no channel reminders


# --- facilitators -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleSeries:
    """A new series, or one meeting (`rhythm` names one day, or `single`: it must). `agenda` is proposed for its
    first meeting, in the facilitator's name (a kick-off's template, already in the community's language)."""

    scope: Scope
    title: str
    rhythm: str  # in words ("every 2 weeks on Tuesday at 15:00", "on 2026-03-20 at 14:00", Dutch too) or an RRULE
    timezone: str | None = None  # the community's when None
    details: SeriesDetails = SeriesDetails()
    single: bool = False
    agenda: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EditSeries:
    scope: Scope
    series: str | None
    title: str | None = None
    rhythm: str | None = None
    details: SeriesDetails = SeriesDetails()


@dataclass(frozen=True, slots=True)
class SkipMeeting:
    scope: Scope
    series: str | None
    on: date | None = None


@dataclass(frozen=True, slots=True)
class MoveMeeting:
    scope: Scope
    series: str | None
    to: MomentReader  # called with the series' zone
    on: date | None = None


@dataclass(frozen=True, slots=True)
class CancelMeeting:
    scope: Scope
    series: str | None
    reason: str = ""
    on: date | None = None


@dataclass(frozen=True, slots=True)
class SetSeriesStatus:
    """Pause, resume or end a series."""

    scope: Scope
    series: str | None
    status: SeriesStatus


# --- everyone ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListSeries:
    scope: Scope


@dataclass(frozen=True, slots=True)
class ShowNextMeeting:
    scope: Scope
    series: str | None = None  # the soonest of every series when None


@dataclass(frozen=True, slots=True)
class Rsvp:
    scope: Scope
    series_id: int
    original: datetime
    answer: Answer


@dataclass(frozen=True, slots=True)
class ProposeTopic:
    scope: Scope
    topic: str
    series: str | None = None


@dataclass(frozen=True, slots=True)
class ShowAgenda:
    scope: Scope
    series: str | None = None


@dataclass(frozen=True, slots=True)
class EditTopic:
    """Change the text of a topic on the agenda of the series' next meeting; its votes stay."""

    scope: Scope
    number: int  # the topic's number as `ShowAgenda` lists it, from 1
    topic: str
    series: str | None = None


@dataclass(frozen=True, slots=True)
class RemoveTopic:
    """Take a topic, and its votes, off the agenda of the series' next meeting."""

    scope: Scope
    number: int  # the topic's number as `ShowAgenda` lists it, from 1
    series: str | None = None


@dataclass(frozen=True, slots=True)
class VoteTopic:
    """Upvote an agenda topic, or take the vote back."""

    scope: Scope
    item_id: int


@dataclass(frozen=True, slots=True)
class ChooseReminders:
    """The member's own reminder DMs: lead times, () for none."""

    scope: Scope
    leads: tuple[timedelta, ...]


@dataclass(frozen=True, slots=True)
class ChooseQuietHours:
    """No reminder DMs between `start` and `end` in the member's zone; None turns quiet hours off."""

    scope: Scope
    window: tuple[time, time] | None


@dataclass(frozen=True, slots=True)
class UpcomingForMember:
    """The next meeting of every active series in the workspace, with the member's answer (their home)."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class MakeCalendar:
    scope: Scope
    series: str | None = None  # every series of the community when None


@dataclass(frozen=True, slots=True)
class GetFeed:
    """The secret feed address of the community, or of the member's own meetings (`mine`); `revoke` makes a
    new one (facilitators only, for the community's)."""

    scope: Scope
    mine: bool = False
    revoke: bool = False


# --- answers ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A series as it stands, with its changes and next meetings."""

    series: Series
    changes: tuple[Change, ...]
    upcoming: tuple[Meeting, ...]


@dataclass(frozen=True, slots=True)
class MeetingView:
    """One meeting with its answers (by member id) and agenda: what an announcement shows."""

    meeting: Meeting
    answers: Mapping[str, Answer]
    agenda: Sequence[AgendaItem]


@dataclass(frozen=True, slots=True)
class MeetingChanged:
    """A meeting skipped, moved (`meeting` as it was planned, `to` its new start) or cancelled."""

    series: Series
    meeting: Meeting
    to: datetime | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RsvpRecorded:
    answer: Answer
    view: MeetingView


@dataclass(frozen=True, slots=True)
class TopicProposed:
    series: Series
    meeting: Meeting
    topic: str


@dataclass(frozen=True, slots=True)
class Agenda:
    meeting: Meeting
    items: Sequence[AgendaItem]


@dataclass(frozen=True, slots=True)
class TopicEdited:
    """A topic whose text changed from `before` to `item.text`, with the votes it had."""

    series: Series
    meeting: Meeting
    number: int
    item: AgendaItem
    before: str


@dataclass(frozen=True, slots=True)
class TopicRemoved:
    """A topic taken off the agenda, as it was (with the votes that went with it)."""

    series: Series
    meeting: Meeting
    number: int
    item: AgendaItem


@dataclass(frozen=True, slots=True)
class TopicVoted:
    item: AgendaItem
    voted: bool  # False: the vote was taken back


@dataclass(frozen=True, slots=True)
class Upcoming:
    meeting: Meeting
    answer: Answer | None


@dataclass(frozen=True, slots=True)
class CalendarFile:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class FeedAddress:
    token: str
    community: Community | None  # None: the member's own
    revoked: bool = False

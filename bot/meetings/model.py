"""Meeting series and their meetings: the values, and how a series with its changes becomes dated meetings.

A series is a recurrence (the community's rhythm, in its time zone) with a duration, a place and hosts. One
meeting of it can be skipped (it disappears: an EXDATE of the recurrence), moved (another start) or cancelled
(it stays visible as cancelled, with a reason). A meeting is always known by its `original` start: the moment
the rule places it, in UTC, whatever happened to it since. RSVPs, agenda items and reminders hang off that key.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.recurrence import Recurrence
from bot.recurrence.zones import zone_of
from bot.refs import MemberRef

DEFAULT_LEADS = (timedelta(days=1), timedelta(hours=1))
MAX_DURATION = timedelta(hours=24)
# How far a meeting may be moved from where the rule places it.
MAX_MOVE = timedelta(days=90)


class SeriesStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # no reminders, no announcements; the dates stay in the calendar
    ENDED = "ended"


class Answer(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "no"


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring meeting of one community. `sequence` grows with every change, for calendar apps."""

    id: int
    workspace_id: int
    community_id: int
    title: str
    recurrence: Recurrence
    duration: timedelta
    location: str = ""
    description: str = ""
    hosts: tuple[MemberRef, ...] = ()
    status: SeriesStatus = SeriesStatus.ACTIVE
    reminder_leads: tuple[timedelta, ...] = DEFAULT_LEADS
    sequence: int = 0
    uid: str = ""
    created_at: datetime | None = None

    @property
    def timezone(self) -> str:
        return self.recurrence.timezone

    @property
    def single(self) -> bool:
        """Whether this is one meeting rather than a series (a kick-off, say): a recurrence of one occurrence."""
        return self.recurrence.count == 1


@dataclass(frozen=True, slots=True)
class Change:
    """What happened to one meeting of a series: moved to `start`, or cancelled with a reason."""

    series_id: int
    original: datetime
    start: datetime | None = None
    cancelled: bool = False
    reason: str = ""
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class Meeting:
    """One dated meeting of a series."""

    series: Series
    original: datetime
    start: datetime
    cancelled: bool = False
    reason: str = ""
    host: MemberRef | None = None
    sequence: int = 0  # grows with every change of the series or of this meeting, for calendar apps

    @property
    def end(self) -> datetime:
        return self.start + self.series.duration

    @property
    def moved(self) -> bool:
        return self.start != self.original


@dataclass(frozen=True, slots=True)
class AgendaItem:
    id: int
    series_id: int
    original: datetime
    author: MemberRef
    text: str
    votes: frozenset[str] = frozenset()  # member ids

    @property
    def score(self) -> int:
        return len(self.votes)


def meetings_between(series: Series, changes: Iterable[Change], after: datetime,
                     until: datetime) -> list[Meeting]:
    """The meetings starting after `after` and at or before `until` (aware), in start order, cancelled ones
    included; a moved meeting counts where it was moved to."""
    by_original = {change.original: change for change in changes}
    found: dict[datetime, Meeting] = {}
    for original in series.recurrence.occurrences(after, until):
        meeting = _meeting(series, original, by_original.get(original))
        if after < meeting.start <= until:
            found[original] = meeting
    for change in by_original.values():
        moved_here = change.start is not None and after < change.start <= until
        if moved_here and change.original not in found and series.recurrence.includes(change.original):
            found[change.original] = _meeting(series, change.original, change)
    return sorted(found.values(), key=lambda meeting: (meeting.start, meeting.original))


def next_meetings(series: Series, changes: Iterable[Change], now: datetime, count: int, *,
                  include_cancelled: bool = False) -> list[Meeting]:
    """The next `count` meetings after `now` (in start order), looking at most two years ahead."""
    changes = list(changes)
    found: list[Meeting] = []
    window = timedelta(days=120)
    start, limit = now, now + timedelta(days=730)
    while len(found) < count and start < limit:
        for meeting in meetings_between(series, changes, start, min(start + window, limit)):
            if include_cancelled or not meeting.cancelled:
                found.append(meeting)
        start += window
    return found[:count]


def meeting_at(series: Series, changes: Iterable[Change], original: datetime) -> Meeting | None:
    """The meeting the rule places at `original`, or None when there is none (or it was skipped)."""
    if not series.recurrence.includes(original):
        return None
    change = next((c for c in changes if c.original == original), None)
    return _meeting(series, original, change)


def host_of(series: Series, original: datetime) -> MemberRef | None:
    """The host of the meeting at `original`: the hosts take turns in the order named, from the first meeting."""
    if not series.hosts:
        return None
    before = sum(1 for _ in series.recurrence.occurrences(_before_start(series), original - timedelta(seconds=1)))
    return series.hosts[before % len(series.hosts)]


def _meeting(series: Series, original: datetime, change: Change | None) -> Meeting:
    start = change.start if change is not None and change.start is not None else original
    return Meeting(
        series=series, original=original, start=start,
        cancelled=change.cancelled if change is not None else False,
        reason=change.reason if change is not None else "",
        host=host_of(series, original),
        sequence=max(series.sequence, change.sequence if change is not None else 0),
    )


def _before_start(series: Series) -> datetime:
    return series.recurrence.start.replace(tzinfo=zone_of(series.timezone)) - timedelta(days=2)


def rsvp_counts(answers: Mapping[str, Answer]) -> dict[Answer, int]:
    counts = dict.fromkeys(Answer, 0)
    for answer in answers.values():
        counts[answer] += 1
    return counts

"""Meetings as iCalendar (RFC 5545) feeds: a community's series, or the meetings a member said they attend.

A single meeting (a kick-off, a recurrence of one occurrence) is one plain VEVENT, without RRULE.

A series is one recurring event: a master VEVENT whose DTSTART, RRULE and EXDATE say what the recurrence says,
in its own zone, and one more VEVENT with the same UID for every meeting that was moved or cancelled
(RECURRENCE-ID is where the rule placed it). A cancelled meeting stays in the feed as STATUS:CANCELLED, so a
calendar app shows the cancellation instead of silently losing the meeting. Paused and ended series are
published too: pausing only stops the reminders, and an ended series keeps its history.

Wall times are written with the zone's TZID, as the rule places them (one in a daylight-saving gap included:
RFC 5545 reads it with the offset from before the gap, as `bot.recurrence` does). A moved start or an end that
falls in the second run of a repeated hour is written in UTC instead, since a TZID wall time there means the
first run. Every zone used gets a VTIMEZONE built from the IANA data, with yearly rules where the zone's changes
follow one (Outlook ignores the RDATE-only kind) and one-off observances where they do not.

Member text is written so that it reads back exactly: newlines, commas, semicolons and backslashes are
escaped; every other kind of line break (a lone carriage return, U+2028...) becomes a newline, and the control
characters RFC 5545 text cannot hold are dropped. Pure: no I/O.
"""

from __future__ import annotations

import calendar as gregorian
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vRecur, vText

from bot.links import checked_http_url
from bot.meetings.model import Change, Meeting, Series
from bot.recurrence.evaluation import first_instance, first_instance_from
from bot.recurrence.rule import parse_rule
from bot.recurrence.zones import zone_of

__all__ = ["PRODID", "member_calendar", "series_calendar"]

PRODID = "-//Hearth//Meetings//EN"
# How often subscribers are asked to read the feed again (REFRESH-INTERVAL, and Outlook's X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)

_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029]")
# What RFC 5545 text cannot hold (controls but the tab and the newline) or UTF-8 cannot encode (lone surrogates).
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_LINK = re.compile(r"https?://[^\s\"<>\\^`{|}]+", re.IGNORECASE)


def series_calendar(entries: Sequence[tuple[Series, Sequence[Change]]], *, name: str, now: datetime) -> bytes:
    """A community's calendar: every series with its moved and cancelled meetings, named `name`.

    `now` (aware) is the DTSTAMP of every event. A series whose rule places no meeting at all is left out, and
    so is a change whose meeting the rule no longer places (or that was skipped since). Raises `ValueError`
    when `now` is naive.
    """
    stamp = _stamp(now)
    events: list[Event] = []
    zones: set[str] = set()
    years = {stamp.year}
    for series, changes in entries:
        found = _series_events(series, changes, stamp)
        if found:
            events.extend(found)
            zones.add(series.timezone)
            years.update(_years_of(series, changes))
    return _calendar(name, events, zones, years)


def member_calendar(meetings: Sequence[Meeting], *, name: str, now: datetime) -> bytes:
    """A member's calendar: one event per meeting in `meetings` (cancelled ones marked so), named `name`.

    Each event's UID is the series' UID and the meeting's original start in UTC, so it stays the same however
    often the meeting moves. Raises `ValueError` when `now` is naive.
    """
    stamp = _stamp(now)
    events: dict[str, Event] = {}
    zones: set[str] = set()
    years = {stamp.year}
    for meeting in sorted(meetings, key=lambda meeting: (meeting.start, meeting.original)):
        series = meeting.series
        uid = f"{_uid(series)}-{meeting.original.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        event = _event(uid, stamp, meeting.sequence)
        _add_moment(event, "DTSTART", meeting.start, series.timezone)
        _add_moment(event, "DTEND", meeting.end, series.timezone)
        _describe(event, series, cancelled=meeting.cancelled, reason=meeting.reason)
        events.setdefault(uid, event)
        zones.add(series.timezone)
        years.update((meeting.start.year, meeting.original.year))
    return _calendar(name, list(events.values()), zones, years)


# Events


def _series_events(series: Series, changes: Iterable[Change], stamp: datetime) -> list[Event]:
    recurrence = series.recurrence
    # The first instance, not `start`: RFC 5545 counts DTSTART as a meeting even when the rule would not.
    first = first_instance_from(recurrence, recurrence.start)
    if first is None:
        return []
    if series.single:
        return _single_event(series, first, changes, stamp)
    zone = zone_of(series.timezone)
    uid = _uid(series)
    master = _event(uid, stamp, series.sequence)
    master.add("DTSTART", first, parameters={"TZID": series.timezone})
    _add_moment(master, "DTEND", _resolve(first, zone) + series.duration, series.timezone)
    master.add("RRULE", _rule(series))
    if recurrence.exdates:
        master.add("EXDATE", list(recurrence.exdates), parameters={"TZID": series.timezone})
    _describe(master, series, cancelled=False, reason="")
    events = [master]
    for change in sorted(changes, key=lambda change: change.original):
        moved = change.start is not None and change.start != change.original
        if not (moved or change.cancelled) or not recurrence.includes(change.original):
            continue
        instance = first_instance(recurrence, change.original)
        assert instance is not None  # the rule places a meeting at `original`
        start = change.start if change.start is not None else change.original
        override = _event(uid, stamp, max(series.sequence, change.sequence))
        override.add("RECURRENCE-ID", instance, parameters={"TZID": series.timezone})
        _add_moment(override, "DTSTART", start, series.timezone)
        _add_moment(override, "DTEND", start + series.duration, series.timezone)
        _describe(override, series, cancelled=change.cancelled, reason=change.reason)
        events.append(override)
    return events


def _single_event(series: Series, first: datetime, changes: Iterable[Change], stamp: datetime) -> list[Event]:
    """One meeting: a plain VEVENT at its start (where it was moved to), without RRULE or RECURRENCE-ID."""
    if first in series.recurrence.exdates:
        return []
    original = _resolve(first, zone_of(series.timezone))
    change = next((change for change in changes if change.original == original), None)
    start = change.start if change is not None and change.start is not None else original
    event = _event(_uid(series), stamp, max(series.sequence, change.sequence if change is not None else 0))
    _add_moment(event, "DTSTART", start, series.timezone)
    _add_moment(event, "DTEND", start + series.duration, series.timezone)
    _describe(event, series, cancelled=change is not None and change.cancelled,
              reason=change.reason if change is not None else "")
    return [event]


def _rule(series: Series) -> vRecur:
    recurrence = series.recurrence
    text = parse_rule(recurrence.rule).format()
    if recurrence.until is not None:
        # RFC 5545 wants UNTIL in UTC when DTSTART has a zone.
        until = _resolve(recurrence.until, zone_of(series.timezone))
        text += f";UNTIL={until:%Y%m%dT%H%M%SZ}"
    if recurrence.count is not None:
        text += f";COUNT={recurrence.count}"
    rule: vRecur = vRecur.from_ical(text)
    return rule


def _event(uid: str, stamp: datetime, sequence: int) -> Event:
    event = Event()
    event.add("UID", _Text(uid))
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", max(sequence, 0))
    return event


def _describe(event: Event, series: Series, *, cancelled: bool, reason: str) -> None:
    event.add("SUMMARY", _Text(series.title))
    if series.location.strip():
        event.add("LOCATION", _Text(series.location))
        link = series.location.strip()
        if _LINK.fullmatch(link) and checked_http_url(link) is not None:
            event.add("URL", link)
    description = "\n\n".join(part for part in (reason, series.description) if part.strip())
    if description:
        event.add("DESCRIPTION", _Text(description))
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")


def _add_moment(event: Event, name: str, moment: datetime, timezone: str) -> None:
    """The aware `moment` as a wall time in `timezone`, or in UTC when that wall time happens twice and
    `moment` is the second time (a TZID wall time there means the first)."""
    zone = zone_of(timezone)
    wall = moment.astimezone(zone).replace(tzinfo=None, fold=0)
    if _resolve(wall, zone) == moment:
        event.add(name, wall, parameters={"TZID": timezone})
    else:
        event.add(name, moment.astimezone(UTC))


def _uid(series: Series) -> str:
    return series.uid or f"hearth-series-{series.workspace_id}-{series.id}"


class _Text(vText):
    """RFC 5545 TEXT that reads back as written: icalendar's own escaping turns a backslash followed by `N`
    into a line break, which would change a member's text."""

    def to_ical(self) -> bytes:
        text = _NOT_TEXT.sub("", _LINE_BREAK.sub("\n", str(self)))
        escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        return escaped.encode("utf-8")


# The calendar


def _calendar(name: str, events: list[Event], zones: set[str], years: set[int]) -> bytes:
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", _Text(name))
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    # A year either side of what the calendar shows, so that a change of offset precedes its first event.
    first_year, last_year = min(years) - 1, max(years) + 1
    for timezone in sorted(zones):
        cal.add_component(_vtimezone(timezone, first_year, last_year))
    for event in events:
        cal.add_component(event)
    body: bytes = cal.to_ical()
    return body


def _years_of(series: Series, changes: Iterable[Change]) -> Iterator[int]:
    recurrence = series.recurrence
    yield recurrence.start.year
    if recurrence.until is not None:
        yield recurrence.until.year
    for change in changes:
        yield change.original.year
        if change.start is not None:
            yield change.start.year


def _stamp(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC).replace(microsecond=0)


def _resolve(wall: datetime, zone: tzinfo) -> datetime:
    # As bot.recurrence places wall times: the first of a repeated hour, and a gap read with the earlier offset.
    return wall.replace(tzinfo=zone).astimezone(UTC)


# Time zones


@dataclass(frozen=True, slots=True)
class _State:
    offset: timedelta
    name: str
    dst: timedelta

    def daylight_after(self, before: _State) -> bool:
        # Europe/Dublin's tz data has a negative DST in winter: its summer time is "standard" there, but
        # calendar apps expect the summer observance to be the daylight one.
        return self.dst > timedelta(0) or (self.dst == timedelta(0) and before.dst < timedelta(0))


@dataclass(frozen=True, slots=True)
class _Onset:
    """A change of offset: `wall` is the moment it happens, read in the offset in use until then."""

    wall: datetime
    before: _State
    after: _State


# Tz data moves a zone's offset at most a few times a year; a change and its reversal within one step would be
# missed, and none is that close.
_SCAN_STEP = timedelta(days=1)
# The years read past the window to tell which yearly rule a zone follows: weekdays and leap years repeat every
# 28 years (from 1901 to 2099), so a rule that holds that long is the one the tz data itself repeats.
_LOOK_AHEAD_YEARS = 28


def _vtimezone(timezone: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of the IANA zone `timezone`, right from the end of `first_year` (from its start when nothing
    changes in it) to `last_year` and, for a zone whose changes follow a yearly rule, on while that rule holds."""
    component = Timezone()
    component.add("TZID", timezone)
    component.add("X-LIC-LOCATION", timezone)
    for observance in _observances(timezone, first_year, last_year):
        component.add_component(observance)
    return component


def _observances(timezone: str, first_year: int, last_year: int) -> list[TimezoneStandard | TimezoneDaylight]:
    start, onsets = _onsets(timezone, first_year, last_year + _LOOK_AHEAD_YEARS)
    found: list[tuple[datetime, TimezoneStandard | TimezoneDaylight]] = []
    if not onsets or onsets[0].wall.year > first_year:
        # Nothing changes in the first year: the offset in use when the window opens holds until the first onset.
        opening = datetime(first_year, 1, 1)
        found.append((opening, _observance(opening, start, start)))
    by_kind: dict[tuple[_State, _State], list[_Onset]] = {}
    for onset in onsets:
        by_kind.setdefault((onset.before, onset.after), []).append(onset)
    for (before, after), kind in by_kind.items():
        for run, days in _yearly_runs(kind):
            if run[0].wall.year > last_year:
                continue  # read only to tell the rule of the run before it
            observance = _observance(run[0].wall, before, after)
            if len(run) > 1:
                rule: dict[str, Any] = {"FREQ": "YEARLY", "BYMONTH": run[0].wall.month, **days}
                if run[-1].wall.year < last_year:
                    rule["UNTIL"] = _utc(run[-1])
                observance.add("RRULE", rule)
            found.append((run[0].wall, observance))
    return [observance for _, observance in sorted(found, key=lambda pair: pair[0])]


def _observance(wall: datetime, before: _State, after: _State) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if after.daylight_after(before) else TimezoneStandard()
    observance.add("DTSTART", wall)
    observance.add("TZOFFSETFROM", before.offset)
    observance.add("TZOFFSETTO", after.offset)
    observance.add("TZNAME", after.name)
    return observance


def _yearly_runs(onsets: list[_Onset]) -> Iterator[tuple[list[_Onset], dict[str, Any]]]:
    """The onsets split into runs that one yearly rule describes (the same weekday of the same month, within the
    same seven days of it, at the same wall time, in consecutive years), each with the rule's day parts."""
    run: list[_Onset] = []
    weeks: set[int] = set()
    for onset in onsets:
        own = _weeks(onset.wall)
        if run and _follows(run[-1].wall, onset.wall) and weeks & own:
            run.append(onset)
            weeks &= own
            continue
        if run:
            yield run, _days(run[0].wall, weeks)
        run, weeks = [onset], own
    if run:
        yield run, _days(run[0].wall, weeks)


def _follows(previous: datetime, wall: datetime) -> bool:
    return (wall.year == previous.year + 1 and wall.month == previous.month and wall.time() == previous.time()
            and wall.weekday() == previous.weekday())


def _weeks(wall: datetime) -> set[int]:
    """The seven-day spans of its month that `wall` falls in, each by its first day (every month has all seven
    days of each), and -1 for the month's last seven days."""
    shortest = gregorian.monthrange(2001, wall.month)[1]
    found = {first for first in range(max(1, wall.day - 6), wall.day + 1) if first + 6 <= shortest}
    if wall.day + 7 > gregorian.monthrange(wall.year, wall.month)[1]:
        found.add(-1)
    return found


def _days(wall: datetime, weeks: set[int]) -> dict[str, Any]:
    """BYDAY (and BYMONTHDAY when needed) for the weekday of `wall` in one of `weeks`: the last or the first to
    fourth such weekday when one of those fits, otherwise the one within seven days of the month."""
    code = _WEEKDAY_CODES[wall.weekday()]
    if -1 in weeks:
        return {"BYDAY": f"-1{code}"}
    first = min(weeks, key=lambda day: (day % 7 != 1, day))
    if first % 7 == 1:
        return {"BYDAY": f"+{first // 7 + 1}{code}"}
    return {"BYDAY": code, "BYMONTHDAY": list(range(first, first + 7))}


def _utc(onset: _Onset) -> datetime:
    return (onset.wall - onset.before.offset).replace(tzinfo=UTC)


@functools.lru_cache(maxsize=256)
def _onsets(timezone: str, first_year: int, last_year: int) -> tuple[_State, tuple[_Onset, ...]]:
    """The state when `first_year` begins, and every change from then to the end of `last_year`."""
    zone = zone_of(timezone)
    moment = datetime(max(first_year, 1), 1, 1, tzinfo=UTC)
    end = datetime(min(last_year, 9998) + 1, 1, 1, tzinfo=UTC)
    state = _state(zone, moment)
    first = state
    found: list[_Onset] = []
    while moment < end:
        step = min(moment + _SCAN_STEP, end)
        if _state(zone, step) == state:
            moment = step
            continue
        low, high = moment, step
        while high - low > timedelta(seconds=1):
            middle = (low + (high - low) / 2).replace(microsecond=0)
            if _state(zone, middle) == state:
                low = middle
            else:
                high = middle
        after = _state(zone, high)
        found.append(_Onset((high + state.offset).replace(tzinfo=None), state, after))
        moment, state = high, after
    return first, tuple(found)


def _state(zone: tzinfo, moment: datetime) -> _State:
    local = moment.astimezone(zone)
    return _State(local.utcoffset() or timedelta(0), local.tzname() or "", local.dst() or timedelta(0))

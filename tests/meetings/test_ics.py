"""Meetings as iCalendar: every feed is read back with icalendar and expanded on its own (dateutil on the RRULE, in
the DTSTART's zone, minus EXDATEs, with the RECURRENCE-ID overrides applied), then compared meeting by meeting
with what `meetings_between` says."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, vText

from bot.meetings.ics import PRODID, member_calendar, series_calendar
from bot.meetings.model import Change, Series, SeriesStatus, meeting_at, meetings_between
from bot.recurrence import Recurrence

NOW = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
BRUSSELS = "Europe/Brussels"
HOSTILE = "Data, CoP; sync\nBEGIN:VEVENT\\"
YEAR_2026 = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def series_of(rule: str, start: datetime, zone: str = BRUSSELS, **fields: object) -> Series:
    recurrence_fields = {key: fields.pop(key) for key in ("until", "count") if key in fields}
    recurrence = Recurrence(rule, start, zone, **recurrence_fields)  # type: ignore[arg-type]
    values: dict[str, object] = {"title": "CoP sync", "duration": timedelta(hours=1), "uid": "series-1@hearth",
                                 "location": "https://meet.example.org/cop", "description": "Bring a question"}
    values.update(fields)
    return Series(1, 1, 1, recurrence=recurrence, **values)  # type: ignore[arg-type]


def skip(series: Series, local: datetime) -> Series:
    return dataclasses.replace(series, recurrence=series.recurrence.with_exdate(local))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Reading a feed back


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def calendar_name(calendar: Calendar) -> str:
    """X-WR-CALNAME as RFC 5545 reads an X- property: TEXT (icalendar 7 keeps it raw, as an unknown type)."""
    value = calendar["X-WR-CALNAME"]
    if isinstance(value, vText):
        return str(value)
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value.to_ical().decode())


def events_of(calendar: Calendar, uid: str) -> list[Event]:
    return [event for event in calendar.walk("VEVENT") if str(event["UID"]) == uid]


def as_utc(value: datetime) -> datetime:
    assert value.tzinfo is not None, "every time in a feed has a zone"
    return value.astimezone(UTC)


def expanded(calendar: Calendar, uid: str, after: datetime, until: datetime) -> list[tuple[datetime, datetime, bool]]:
    """(start, original, cancelled) of the meetings starting in (after, until], read from the feed alone."""
    events = events_of(calendar, uid)
    (master,) = [event for event in events if "RECURRENCE-ID" not in event]
    start = master.decoded("DTSTART")
    duration = as_utc(master.decoded("DTEND")) - as_utc(start)
    assert duration > timedelta(0)
    if "RRULE" not in master:
        # One meeting: a plain event where it takes place; where the rule placed it is not in the feed.
        moment = as_utc(start)
        return [(moment, moment, str(master["STATUS"]) == "CANCELLED")] if after < moment <= until else []
    skipped = {value.dt.replace(tzinfo=None) for value in _exdates(master)}
    overrides = {as_utc(event.decoded("RECURRENCE-ID")): event for event in events if "RECURRENCE-ID" in event}
    found: list[tuple[datetime, datetime, bool]] = []
    seen_overrides = set()
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start)
    for instance in rule:
        original = as_utc(instance)
        if original > until + timedelta(days=120):
            break
        if instance.replace(tzinfo=None) in skipped:
            continue
        moved_to, cancelled = original, False
        if original in overrides:
            override = overrides[original]
            seen_overrides.add(original)
            moved_to = as_utc(override.decoded("DTSTART"))
            assert as_utc(override.decoded("DTEND")) - moved_to == duration
            cancelled = str(override["STATUS"]) == "CANCELLED"
        if after < moved_to <= until:
            found.append((moved_to, original, cancelled))
    assert {moment for moment in overrides if moment <= until} <= seen_overrides, "an override matches no meeting"
    return sorted(found)


def _exdates(event: Event) -> list[object]:
    value = event.get("EXDATE")
    if value is None:
        return []
    lists = value if isinstance(value, list) else [value]
    return [item for group in lists for item in group.dts]


def expected(series: Series, changes: Sequence[Change], after: datetime,
             until: datetime) -> list[tuple[datetime, datetime, bool]]:
    return sorted((meeting.start, meeting.original, meeting.cancelled)
                  for meeting in meetings_between(series, changes, after, until))


# The community's calendar


def brussels_series() -> tuple[Series, list[Change]]:
    """Thursdays at 15:00 in Brussels through 2026: one skipped, one moved, one cancelled."""
    series = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0))
    series = skip(series, datetime(2026, 4, 2, 15, 0))
    changes = [
        Change(1, utc(2026, 3, 26, 14), start=utc(2026, 3, 27, 9), sequence=1),  # moved to Friday 10:00 CET
        Change(1, utc(2026, 10, 29, 14), cancelled=True, reason="Autumn break; see you, all", sequence=2),
    ]
    return series, changes


def test_a_series_in_brussels_keeps_its_local_time_across_both_dst_changes() -> None:
    series, changes = brussels_series()
    calendar = parse(series_calendar([(series, changes)], name="Data CoP", now=NOW))

    meetings = expanded(calendar, "series-1@hearth", *YEAR_2026)
    assert meetings == expected(series, changes, *YEAR_2026)
    assert len(meetings) == 51  # 52 Thursdays in 2026, less the skipped one
    starts = {original: start for start, original, _ in meetings}
    assert starts[utc(2026, 3, 19, 14)] == utc(2026, 3, 19, 14)  # 15:00 CET, before 29 March
    assert starts[utc(2026, 3, 26, 14)] == utc(2026, 3, 27, 9)  # moved
    assert utc(2026, 4, 2, 13) not in starts  # skipped
    assert starts[utc(2026, 4, 9, 13)] == utc(2026, 4, 9, 13)  # 15:00 CEST after it
    assert starts[utc(2026, 10, 22, 13)] == utc(2026, 10, 22, 13)  # 15:00 CEST before 25 October
    assert starts[utc(2026, 11, 5, 14)] == utc(2026, 11, 5, 14)  # 15:00 CET after it
    local_times = {start.astimezone(ZoneInfo(BRUSSELS)).time() for start, original, _ in meetings
                   if start == original}
    assert [str(moment) for moment in local_times] == ["15:00:00"]
    assert [original for _, original, cancelled in meetings if cancelled] == [utc(2026, 10, 29, 14)]


def test_the_master_and_its_overrides_say_what_the_series_says() -> None:
    series, changes = brussels_series()
    series = dataclasses.replace(series, sequence=3)
    body = series_calendar([(series, changes)], name="Data CoP", now=NOW)
    calendar = parse(body)

    assert (str(calendar["PRODID"]), str(calendar["VERSION"]), str(calendar["CALSCALE"]),
            str(calendar["METHOD"]), calendar_name(calendar)) == (
        PRODID, "2.0", "GREGORIAN", "PUBLISH", "Data CoP")
    master, moved, cancelled = events_of(calendar, "series-1@hearth")
    assert b"DTSTART;TZID=Europe/Brussels:20260108T150000" in body
    assert b"EXDATE;TZID=Europe/Brussels:20260402T150000" in body
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"
    assert master.decoded("DTSTAMP") == NOW
    assert (str(master["SUMMARY"]), str(master["LOCATION"]), str(master["URL"]), str(master["DESCRIPTION"]),
            str(master["STATUS"]), master.decoded("SEQUENCE")) == (
        "CoP sync", "https://meet.example.org/cop", "https://meet.example.org/cop", "Bring a question",
        "CONFIRMED", 3)
    assert b"RECURRENCE-ID;TZID=Europe/Brussels:20260326T150000" in body
    assert (str(moved["STATUS"]), moved.decoded("SEQUENCE")) == ("CONFIRMED", 3)  # max(3, 1)
    assert (str(cancelled["STATUS"]), cancelled.decoded("SEQUENCE")) == ("CANCELLED", 3)
    assert str(cancelled["DESCRIPTION"]) == "Autumn break; see you, all\n\nBring a question"
    assert "RRULE" not in moved and "RRULE" not in cancelled


def test_a_change_with_a_higher_sequence_keeps_it() -> None:
    series, changes = brussels_series()
    changes[1] = dataclasses.replace(changes[1], sequence=7)
    calendar = parse(series_calendar([(series, changes)], name="Data CoP", now=NOW))
    assert [event.decoded("SEQUENCE") for event in events_of(calendar, "series-1@hearth")] == [0, 1, 7]


@pytest.mark.parametrize(("rule", "start", "zone", "end"), [
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1", datetime(2026, 1, 1, 17, 30), "America/New_York", {}),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2026, 1, 1, 12, 0), BRUSSELS,
     {"until": datetime(2026, 9, 30, 12, 0)}),
    ("FREQ=MONTHLY;BYDAY=-1FR", datetime(2025, 11, 1, 9, 0), "Australia/Sydney", {"count": 9}),
    ("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2026, 1, 31, 8, 0), "Asia/Kolkata", {}),
    ("FREQ=DAILY", datetime(2026, 3, 27, 2, 30), BRUSSELS, {"count": 5}),  # 29 March: 02:30 does not exist
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", datetime(2026, 10, 18, 2, 30), BRUSSELS, {"count": 3}),  # twice on 25 Oct
])
def test_other_rules_read_back_as_the_same_meetings(rule: str, start: datetime, zone: str,
                                                    end: dict[str, object]) -> None:
    series = series_of(rule, start, zone, **end)
    calendar = parse(series_calendar([(series, [])], name="Data CoP", now=NOW))
    window = (utc(2025, 10, 1), utc(2027, 1, 1))
    meetings = expanded(calendar, "series-1@hearth", *window)
    assert meetings and meetings == expected(series, [], *window)


def test_until_is_written_in_utc_and_count_as_is() -> None:
    until = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), until=datetime(2026, 6, 25, 15, 0))
    count = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), count=10)
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260625T130000Z;BYDAY=TH" in series_calendar(
        [(until, [])], name="x", now=NOW)
    assert b"RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=TH" in series_calendar([(count, [])], name="x", now=NOW)


def test_dtstart_is_the_first_meeting_even_when_the_start_is_not_one() -> None:
    # The recurrence starts on a Monday; RFC 5545 would count a Monday DTSTART as a meeting.
    series = series_of("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 1, 5, 15, 0))
    body = series_calendar([(series, [])], name="x", now=NOW)
    assert b"DTSTART;TZID=Europe/Brussels:20260106T150000" in body
    calendar = parse(body)
    assert expanded(calendar, "series-1@hearth", *YEAR_2026) == expected(series, [], *YEAR_2026)


def test_a_meeting_moved_into_the_second_run_of_a_repeated_hour_is_written_in_utc() -> None:
    series = series_of("FREQ=WEEKLY;BYDAY=SU", datetime(2026, 10, 4, 10, 0))
    # 01:30 UTC on 25 October is 02:30 CET, the second 02:30 of that night.
    changes = [Change(1, utc(2026, 10, 25, 9), start=utc(2026, 10, 25, 1, 30))]
    body = series_calendar([(series, changes)], name="x", now=NOW)
    assert b"DTSTART:20261025T013000Z" in body
    calendar = parse(body)
    window = (utc(2026, 10, 1), utc(2026, 12, 1))
    wanted = expected(series, changes, *window)
    if series.single:
        wanted = [(start, start, cancelled) for start, _original, cancelled in wanted]
    assert expanded(calendar, "series-1@hearth", *window) == wanted


def test_uids_are_stable_and_the_sequence_rises_with_the_series() -> None:
    series, changes = brussels_series()
    first = series_calendar([(series, changes)], name="Data CoP", now=NOW)
    again = series_calendar([(series, changes)], name="Data CoP", now=NOW + timedelta(hours=5))
    changed = dataclasses.replace(series, title="CoP sync (new room)", sequence=series.sequence + 1)
    after = series_calendar([(changed, changes)], name="Data CoP", now=NOW + timedelta(hours=6))

    def uids_and_sequences(body: bytes) -> list[tuple[str, int]]:
        return [(str(event["UID"]), event.decoded("SEQUENCE")) for event in parse(body).walk("VEVENT")]

    assert uids_and_sequences(first) == uids_and_sequences(again) == [
        ("series-1@hearth", 0), ("series-1@hearth", 1), ("series-1@hearth", 2)]
    assert uids_and_sequences(after) == [("series-1@hearth", 1), ("series-1@hearth", 1), ("series-1@hearth", 2)]
    without_stamps = [
        [line for line in body.splitlines() if not line.startswith(b"DTSTAMP:")] for body in (first, again)]
    assert without_stamps[0] == without_stamps[1]  # nothing else depends on when the feed is read


def test_hostile_member_text_round_trips_and_never_breaks_the_structure() -> None:
    texts = [HOSTILE, "C:\\Network\\new; a,b\r\nline\rtwo", "élan " * 40 + "🙂" * 30]
    for text in texts:
        series = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), title=text, description=text,
                           location=text)
        changes = [Change(1, utc(2026, 1, 15, 14), cancelled=True, reason=text)]
        body = series_calendar([(series, changes)], name=text, now=NOW)

        lines = body.split(b"\r\n")
        assert all(len(line) <= 75 for line in lines)
        assert lines.count(b"BEGIN:VEVENT") == 2 and lines.count(b"END:VEVENT") == 2
        calendar = parse(body)
        clean = text.replace("\r\n", "\n").replace("\r", "\n")
        assert calendar_name(calendar) == clean
        master, cancelled = calendar.walk("VEVENT")
        assert (str(master["SUMMARY"]), str(master["DESCRIPTION"]), str(master["LOCATION"])) == (clean,) * 3
        assert "URL" not in master
        assert str(cancelled["DESCRIPTION"]) == f"{clean}\n\n{clean}"


def test_other_line_breaks_become_newlines_and_control_characters_are_dropped() -> None:
    series = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), title="a\x00b\x1bc\x7fd\te\ud800",
                       description="one\u2028two\x85three\u2029four\x0bfive")
    (event,) = parse(series_calendar([(series, [])], name="x", now=NOW)).walk("VEVENT")
    assert str(event["SUMMARY"]) == "abcd\te"
    assert str(event["DESCRIPTION"]) == "one\ntwo\nthree\nfourfive"


@pytest.mark.parametrize(("location", "url"), [
    ("https://meet.example.org/cop?id=1,2;x", "https://meet.example.org/cop?id=1,2;x"),
    ("  http://example.org  ", "http://example.org"),
    ("Room 4.2, HQ", None),
    ("https://", None),
    ("https://example.org/a b", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_the_url_is_given_only_for_a_web_link(location: str, url: str | None) -> None:
    series = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), location=location)
    (event,) = parse(series_calendar([(series, [])], name="x", now=NOW)).walk("VEVENT")
    assert (str(event["URL"]) if "URL" in event else None) == url
    assert (str(event["LOCATION"]) if "LOCATION" in event else "") == location


def test_paused_and_ended_series_are_published_with_every_series_of_the_community() -> None:
    active, _ = brussels_series()
    paused = dataclasses.replace(active, id=2, uid="series-2@hearth", status=SeriesStatus.PAUSED)
    ended = dataclasses.replace(active, id=3, uid="series-3@hearth", status=SeriesStatus.ENDED,
                                recurrence=Recurrence("FREQ=MONTHLY;BYDAY=+1MO", datetime(2025, 1, 6, 9, 0),
                                                      "America/New_York", until=datetime(2025, 12, 31, 9, 0)))
    calendar = parse(series_calendar([(active, []), (paused, []), (ended, [])], name="Data CoP", now=NOW))
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [
        "series-1@hearth", "series-2@hearth", "series-3@hearth"]
    assert {str(event["STATUS"]) for event in calendar.walk("VEVENT")} == {"CONFIRMED"}
    assert sorted(timezone.tz_name for timezone in calendar.walk("VTIMEZONE")) == ["America/New_York", BRUSSELS]
    window = (utc(2025, 1, 1), utc(2026, 1, 1))
    assert expanded(calendar, "series-3@hearth", *window) == expected(ended, [], *window)
    assert len(expanded(calendar, "series-3@hearth", *window)) == 12


def test_a_change_the_rule_no_longer_places_is_left_out() -> None:
    series, _ = brussels_series()
    stale = [Change(1, utc(2026, 1, 14, 14), start=utc(2026, 1, 16, 14)),  # a Wednesday: not a meeting
             Change(1, utc(2026, 4, 2, 13), cancelled=True, reason="skipped since")]
    calendar = parse(series_calendar([(series, stale)], name="x", now=NOW))
    assert len(events_of(calendar, "series-1@hearth")) == 1


def test_a_series_with_no_meeting_is_left_out_and_the_feed_still_reads() -> None:
    never = series_of("FREQ=WEEKLY;BYDAY=TU", datetime(2026, 1, 5, 15, 0), until=datetime(2026, 1, 5, 18, 0))
    calendar = parse(series_calendar([(never, [])], name="Empty", now=NOW))
    assert calendar.walk("VEVENT") == [] and calendar_name(calendar) == "Empty"


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        series_calendar([], name="x", now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        member_calendar([], name="x", now=datetime(2026, 1, 1))


# Time zones


def test_the_brussels_vtimezone_has_its_standard_and_daylight_rules() -> None:
    series, changes = brussels_series()
    calendar = parse(series_calendar([(series, changes)], name="x", now=NOW))
    (timezone,) = calendar.walk("VTIMEZONE")
    assert timezone.tz_name == BRUSSELS
    (daylight,) = timezone.walk("DAYLIGHT")
    (standard,) = timezone.walk("STANDARD")
    assert (daylight.decoded("TZOFFSETFROM"), daylight.decoded("TZOFFSETTO"), str(daylight["TZNAME"])) == (
        timedelta(hours=1), timedelta(hours=2), "CEST")
    assert (standard.decoded("TZOFFSETFROM"), standard.decoded("TZOFFSETTO"), str(standard["TZNAME"])) == (
        timedelta(hours=2), timedelta(hours=1), "CET")
    assert daylight["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert standard["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert daylight.decoded("DTSTART") == datetime(2025, 3, 30, 2, 0)  # in the offset before the change
    assert standard.decoded("DTSTART") == datetime(2025, 10, 26, 3, 0)
    assert "RDATE" not in daylight and "RDATE" not in standard


@pytest.mark.parametrize("zone", [BRUSSELS, "America/New_York", "Europe/Dublin", "Australia/Lord_Howe",
                                  "Asia/Tokyo", "America/Sao_Paulo", "Asia/Jerusalem", "America/Santiago",
                                  "America/Nuuk", "UTC"])
def test_each_vtimezone_gives_the_offsets_of_the_iana_zone(zone: str) -> None:
    series = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), zone)
    calendar = parse(series_calendar([(series, [])], name="x", now=NOW))
    (timezone,) = calendar.walk("VTIMEZONE")
    from_feed, iana = timezone.to_tz(lookup_tzid=False), ZoneInfo(zone)
    for moment in moments_around_changes(iana, utc(2026, 1, 1), utc(2030, 1, 1)):  # the feed shows 2026 and on
        assert moment.astimezone(from_feed).utcoffset() == moment.astimezone(iana).utcoffset(), moment


def moments_around_changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Every six hours, and every ten minutes in the six hours around each change of offset."""
    coarse = [start + timedelta(hours=6 * step) for step in range(int((end - start) / timedelta(hours=6)))]
    found = list(coarse)
    for before, after in itertools.pairwise(coarse):
        if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            found.extend(before + timedelta(minutes=10 * step) for step in range(37))
    return found


def test_a_zone_whose_rules_changed_gets_one_observance_per_rule() -> None:
    # New York moved its changes in 2007: the earlier rule ends (UNTIL), today's goes on.
    series = series_of("FREQ=YEARLY", datetime(2005, 7, 1, 12, 0), "America/New_York")
    calendar = parse(series_calendar([(series, [])], name="x", now=NOW))
    (timezone,) = calendar.walk("VTIMEZONE")
    rules = [(observance.name, observance["RRULE"].to_ical().decode()) for observance in timezone.subcomponents]
    assert rules == [("DAYLIGHT", "FREQ=YEARLY;UNTIL=20060402T070000Z;BYDAY=+1SU;BYMONTH=4"),
                     ("STANDARD", "FREQ=YEARLY;UNTIL=20061029T060000Z;BYDAY=-1SU;BYMONTH=10"),
                     ("DAYLIGHT", "FREQ=YEARLY;BYDAY=+2SU;BYMONTH=3"),
                     ("STANDARD", "FREQ=YEARLY;BYDAY=+1SU;BYMONTH=11")]
    iana, from_feed = ZoneInfo("America/New_York"), timezone.to_tz(lookup_tzid=False)
    for moment in (utc(2005, 4, 10), utc(2005, 10, 31), utc(2007, 3, 20), utc(2007, 11, 1), utc(2030, 7, 1)):
        assert moment.astimezone(from_feed).utcoffset() == moment.astimezone(iana).utcoffset(), moment


# A member's calendar


def test_a_member_calendar_has_one_event_per_meeting() -> None:
    series, changes = brussels_series()
    meetings = [meeting_at(series, changes, original) for original in
                (utc(2026, 10, 29, 14), utc(2026, 3, 26, 14), utc(2026, 1, 8, 14))]
    body = member_calendar([meeting for meeting in meetings if meeting is not None], name="My meetings", now=NOW)
    calendar = parse(body)

    events = calendar.walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [
        "series-1@hearth-20260108T140000Z", "series-1@hearth-20260326T140000Z", "series-1@hearth-20261029T140000Z"]
    assert [as_utc(event.decoded("DTSTART")) for event in events] == [
        utc(2026, 1, 8, 14), utc(2026, 3, 27, 9), utc(2026, 10, 29, 14)]
    assert [as_utc(event.decoded("DTEND")) - as_utc(event.decoded("DTSTART")) for event in events] == [
        timedelta(hours=1)] * 3
    assert [str(event["STATUS"]) for event in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert str(events[2]["DESCRIPTION"]).startswith("Autumn break; see you, all")
    assert all("RRULE" not in event and "RECURRENCE-ID" not in event for event in events)
    assert b"DTSTART;TZID=Europe/Brussels:20260327T100000" in body
    assert [timezone.tz_name for timezone in calendar.walk("VTIMEZONE")] == [BRUSSELS]
    assert calendar_name(calendar) == "My meetings"


def test_a_member_calendar_lists_a_meeting_once() -> None:
    series, changes = brussels_series()
    meeting = meeting_at(series, changes, utc(2026, 1, 8, 14))
    assert meeting is not None
    calendar = parse(member_calendar([meeting, meeting], name="x", now=NOW))
    assert len(calendar.walk("VEVENT")) == 1


# Any series


ZONES = [BRUSSELS, "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    interval = draw(st.integers(1, 3))
    if draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={','.join(days)}"
    kind = draw(st.sampled_from(["monthday", "nth", "setpos"]))
    if kind == "monthday":
        return f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={draw(st.sampled_from([1, 5, 15, 28, 30, 31, -1]))}"
    if kind == "nth":
        return f"FREQ=MONTHLY;INTERVAL={interval};BYDAY={draw(st.sampled_from([1, 2, 3, 4, -1])):+d}" + draw(
            st.sampled_from(WEEKDAYS))
    return f"FREQ=MONTHLY;INTERVAL={interval};BYDAY=MO,TU,WE,TH,FR;BYSETPOS={draw(st.sampled_from([1, 2, -1]))}"


@st.composite
def series_with_changes(draw: st.DrawFn) -> tuple[Series, list[Change], datetime]:
    zone = draw(st.sampled_from(ZONES))
    start = datetime(2025, 1, 1) + timedelta(days=draw(st.integers(0, 900)), hours=draw(st.integers(0, 23)),
                                             minutes=draw(st.sampled_from([0, 15, 30, 45])))
    end = draw(st.sampled_from(["none", "count", "until"]))
    fields: dict[str, object] = {}
    if end == "count":
        fields["count"] = draw(st.integers(1, 30))
    elif end == "until":
        fields["until"] = start + timedelta(days=draw(st.integers(0, 500)))
    series = series_of(draw(rules()), start, zone, duration=timedelta(minutes=draw(st.sampled_from([30, 60, 90]))),
                       sequence=draw(st.integers(0, 3)), **fields)
    first = datetime.combine(start.date(), datetime.min.time(), ZoneInfo(zone)) - timedelta(days=1)
    occurrences = series.recurrence.preview(first, 20)
    changes: list[Change] = []
    for occurrence in occurrences:
        what = draw(st.sampled_from(["keep", "keep", "keep", "skip", "move", "cancel", "move-cancel"]))
        if what == "skip":
            series = skip(series, occurrence.astimezone(ZoneInfo(zone)).replace(tzinfo=None))
        elif what != "keep":
            moved = occurrence + timedelta(minutes=15 * draw(st.integers(-400, 400))) if "move" in what else None
            changes.append(Change(1, occurrence, moved, "cancel" in what, "reason" if "cancel" in what else "",
                                  draw(st.integers(0, 5))))
    return series, changes, first.astimezone(UTC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series_with_changes())
def test_any_series_reads_back_as_its_meetings(drawn: tuple[Series, list[Change], datetime]) -> None:
    series, changes, first = drawn
    calendar = parse(series_calendar([(series, changes)], name="x", now=NOW))
    window = (first - timedelta(days=10), first + timedelta(days=400))
    if not events_of(calendar, "series-1@hearth"):
        assert expected(series, changes, *window) == []
        return
    wanted = expected(series, changes, *window)
    if series.single:
        wanted = [(start, start, cancelled) for start, _original, cancelled in wanted]
    assert expanded(calendar, "series-1@hearth", *window) == wanted


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_any_text_reads_back(text: str) -> None:
    series = series_of("FREQ=WEEKLY;BYDAY=TH", datetime(2026, 1, 8, 15, 0), title=text, description=text)
    (event,) = parse(series_calendar([(series, [])], name=text, now=NOW)).walk("VEVENT")
    lines = re.sub("\r\n|[\r\x85\u2028\u2029]", "\n", text)
    clean = "".join(char for char in lines if char in "\t\n" or not (ord(char) < 32 or ord(char) == 127))
    assert str(event["SUMMARY"]) == clean
    assert ("DESCRIPTION" in event and str(event["DESCRIPTION"]) == clean) or not clean.strip()

"""Recurrence values: validation, occurrences, skipped dates and the RFC 5545 text form."""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recurrence import Recurrence
from bot.recurrence.rfc5545 import read_rfc5545
from bot.recurrence.rule import MONTHLY, WEEKLY, RuleParts, parse_rule

BRUSSELS = "Europe/Brussels"
ZONE = ZoneInfo(BRUSSELS)


def at(*fields: int) -> datetime:
    """A Brussels wall time as an aware UTC moment."""
    return datetime(*fields, tzinfo=ZONE).astimezone(UTC)  # type: ignore[misc]


def local(moments: list[datetime]) -> list[datetime]:
    return [moment.astimezone(ZONE).replace(tzinfo=None) for moment in moments]


FORTNIGHTLY = Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 3, 31, 15, 0), BRUSSELS)


# Validation


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"timezone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"timezone": ""}, "IANA name"),
        ({"start": datetime(2026, 3, 31, 15, tzinfo=UTC)}, "naive"),
        ({"start": datetime(2026, 3, 31, 15, 0, 30)}, "whole minute"),
        ({"start": datetime(2300, 1, 1)}, "years"),
        ({"rule": "RRULE:FREQ=DAILY"}, "without the 'RRULE:' prefix"),
        ({"rule": "FREQ=DAILY;COUNT=3"}, "COUNT is a field"),
        ({"rule": "FREQ=DAILY;UNTIL=20261231T000000Z"}, "UNTIL is a field"),
        ({"rule": "FREQ=DAILY;DTSTART=20260101T000000"}, "DTSTART is a field"),
        ({"rule": "FREQ=DAILY;FREQ=WEEKLY"}, "twice"),
        ({"rule": "FREQ=FORTNIGHTLY"}, "unknown frequency"),
        ({"rule": "FREQ=MINUTELY"}, "at most hourly"),
        ({"rule": "INTERVAL=2"}, "no FREQ"),
        ({"rule": "FREQ=WEEKLY;BYDAY=XX"}, "not a weekday"),
        ({"rule": "FREQ=WEEKLY;BYDAY=+1TU"}, "numbered weekdays"),
        ({"rule": "FREQ=MONTHLY;BYDAY=TU,+1TH"}, "cannot mix"),
        ({"rule": "FREQ=MONTHLY;BYDAY=+6TU"}, "at most five"),
        ({"rule": "FREQ=WEEKLY;BYMONTHDAY=1"}, "BYMONTHDAY cannot"),
        ({"rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31"}, "none of the months"),
        ({"rule": "FREQ=DAILY;INTERVAL=0"}, "out of range"),
        ({"rule": "FREQ=DAILY;X-NAME=1"}, "unknown rule part"),
        ({"rule": "FREQ=DAILY;BYSETPOS=1"}, "BYSETPOS needs"),
        ({"count": 0}, "count must be from 1"),
        ({"count": 3, "until": datetime(2026, 12, 31)}, "not both"),
        ({"until": datetime(2026, 1, 1)}, "until is before start"),
        ({"exdates": (datetime(2026, 4, 14, 15, tzinfo=UTC),)}, "naive"),
    ],
)
def test_invalid_values_are_refused(fields: dict[str, object], complaint: str) -> None:
    values: dict[str, object] = {"rule": "FREQ=WEEKLY;BYDAY=TU", "start": datetime(2026, 3, 31, 15)}
    values["timezone"] = BRUSSELS
    values.update(fields)
    with pytest.raises(ValueError, match=complaint):
        Recurrence(**values)  # type: ignore[arg-type]


def test_skipped_dates_are_kept_sorted_and_unique() -> None:
    later, earlier = datetime(2026, 4, 28, 15), datetime(2026, 4, 14, 15)
    recurrence = Recurrence("FREQ=DAILY", datetime(2026, 3, 31, 15), BRUSSELS, exdates=(later, earlier, later))
    assert recurrence.exdates == (earlier, later)
    assert recurrence == Recurrence("FREQ=DAILY", datetime(2026, 3, 31, 15), BRUSSELS, exdates=(earlier, later))


def test_rule_parts_are_read_case_insensitively_and_written_canonically() -> None:
    parts = parse_rule("freq=monthly;byday=-1fr,+1th;interval=1;wkst=mo")
    assert parts == RuleParts(MONTHLY, byday=((3, 1), (4, -1)))
    assert parts.format() == "FREQ=MONTHLY;BYDAY=+1TH,-1FR"
    assert parse_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,MO;WKST=SU").format() == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU;WKST=SU"
    )
    assert parse_rule("FREQ=WEEKLY").freq == WEEKLY


# Occurrences


def test_every_other_tuesday() -> None:
    found = local(list(FORTNIGHTLY.occurrences(at(2026, 3, 1), at(2026, 5, 1))))
    assert found == [datetime(2026, 3, 31, 15), datetime(2026, 4, 14, 15), datetime(2026, 4, 28, 15)]


def test_after_is_exclusive_and_until_inclusive() -> None:
    found = list(FORTNIGHTLY.occurrences(at(2026, 3, 31, 15), at(2026, 4, 28, 15)))
    assert local(found) == [datetime(2026, 4, 14, 15), datetime(2026, 4, 28, 15)]
    assert list(FORTNIGHTLY.occurrences(at(2026, 4, 28, 15), at(2026, 4, 28, 15))) == []


def test_occurrences_are_utc_and_need_aware_bounds() -> None:
    first = FORTNIGHTLY.next_after(at(2026, 3, 1))
    assert first == datetime(2026, 3, 31, 13, 0, tzinfo=UTC)
    assert first is not None and first.tzinfo is UTC
    with pytest.raises(ValueError, match="aware"):
        FORTNIGHTLY.next_after(datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="aware"):
        list(FORTNIGHTLY.occurrences(datetime(2026, 3, 1), at(2026, 5, 1)))


def test_a_start_that_is_not_an_instance_waits_for_the_first_one() -> None:
    monday = Recurrence("FREQ=WEEKLY;BYDAY=TU", datetime(2026, 3, 30, 15), BRUSSELS)
    assert local(monday.preview(at(2026, 3, 1), 2)) == [datetime(2026, 3, 31, 15), datetime(2026, 4, 7, 15)]


def test_a_far_later_query_steps_straight_to_its_period() -> None:
    # Years of weekly instances are not walked: the answer is right and immediate.
    assert local(FORTNIGHTLY.preview(at(2031, 6, 1), 2)) == [datetime(2031, 6, 3, 15), datetime(2031, 6, 17, 15)]


def test_until_and_count_end_the_rule() -> None:
    until = Recurrence("FREQ=DAILY", datetime(2026, 4, 1, 9), BRUSSELS, until=datetime(2026, 4, 3, 9))
    assert local(until.preview(at(2026, 1, 1), 10)) == [datetime(2026, 4, day, 9) for day in (1, 2, 3)]
    assert until.next_after(at(2026, 4, 3, 9)) is None
    counted = Recurrence("FREQ=WEEKLY;BYDAY=MO,FR", datetime(2026, 4, 1, 9), BRUSSELS, count=3)
    assert local(counted.preview(at(2026, 1, 1), 10)) == [
        datetime(2026, 4, 3, 9), datetime(2026, 4, 6, 9), datetime(2026, 4, 10, 9),
    ]
    assert counted.next_after(at(2026, 4, 10, 9)) is None


def test_months_without_the_day_are_skipped() -> None:
    recurrence = Recurrence("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2026, 1, 1, 9), BRUSSELS)
    assert [moment.month for moment in recurrence.preview(at(2026, 1, 1), 4)] == [1, 3, 5, 7]


def test_calendar_quarters() -> None:
    recurrence = Recurrence("FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=+1MO", datetime(2026, 3, 25, 10), BRUSSELS)
    assert local(recurrence.preview(at(2026, 3, 25), 4)) == [
        datetime(2026, 4, 6, 10), datetime(2026, 7, 6, 10), datetime(2026, 10, 5, 10), datetime(2027, 1, 4, 10),
    ]


def test_rules_beyond_the_common_shapes_still_follow_dateutil() -> None:
    last_workday = Recurrence("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2026, 1, 1, 17), BRUSSELS)
    assert [moment.day for moment in last_workday.preview(at(2026, 1, 1), 3)] == [30, 27, 31]
    week_one = Recurrence("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", datetime(2026, 1, 1, 9), BRUSSELS)
    assert local(week_one.preview(at(2026, 1, 1), 2)) == [datetime(2027, 1, 4, 9), datetime(2028, 1, 3, 9)]
    hourly = Recurrence("FREQ=HOURLY;INTERVAL=4;BYHOUR=8,12,16", datetime(2026, 4, 1, 8), BRUSSELS)
    assert [moment.hour for moment in local(hourly.preview(at(2026, 4, 1), 4))] == [8, 12, 16, 8]


def test_a_rule_that_never_matches_ends_quickly() -> None:
    never = Recurrence("FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=+2MO", datetime(2026, 1, 1, 9), BRUSSELS)
    started = clock.perf_counter()
    assert never.next_after(at(2026, 1, 1)) is None
    assert clock.perf_counter() - started < 1.0


def test_includes_is_exact() -> None:
    assert FORTNIGHTLY.includes(at(2026, 4, 14, 15))
    assert not FORTNIGHTLY.includes(at(2026, 4, 7, 15))
    assert not FORTNIGHTLY.includes(at(2026, 4, 14, 15) + timedelta(minutes=1))


# Skipped dates


def test_with_exdate_skips_one_occurrence() -> None:
    skipped = FORTNIGHTLY.with_exdate(datetime(2026, 4, 14, 15))
    assert skipped.exdates == (datetime(2026, 4, 14, 15),)
    assert local(skipped.preview(at(2026, 4, 1), 2)) == [datetime(2026, 4, 28, 15), datetime(2026, 5, 12, 15)]
    assert not skipped.includes(at(2026, 4, 14, 15))
    assert FORTNIGHTLY.exdates == ()  # values do not change


def test_with_exdate_accepts_the_shown_time_of_an_instance_in_a_gap() -> None:
    nightly = Recurrence("FREQ=DAILY", datetime(2026, 3, 27, 2, 30), BRUSSELS)
    # On 29 March 02:30 does not exist; the occurrence is shown at 03:30. Either wall time cancels it.
    for shown in (datetime(2026, 3, 29, 3, 30), datetime(2026, 3, 29, 2, 30)):
        skipped = nightly.with_exdate(shown)
        assert skipped.exdates == (datetime(2026, 3, 29, 2, 30),)
        assert [moment.day for moment in local(skipped.preview(at(2026, 3, 27), 3))] == [27, 28, 30]


# RFC 5545 text


def test_rfc5545_text() -> None:
    recurrence = Recurrence(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 3, 31, 15), BRUSSELS,
        until=datetime(2026, 12, 31, 23, 59, 59), exdates=(datetime(2026, 4, 14, 15), datetime(2026, 4, 28, 15)),
    )
    assert recurrence.to_rfc5545() == (
        "DTSTART;TZID=Europe/Brussels:20260331T150000\n"
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261231T225959Z\n"
        "EXDATE;TZID=Europe/Brussels:20260414T150000,20260428T150000"
    )
    assert Recurrence.from_rfc5545(recurrence.to_rfc5545()) == recurrence
    counted = Recurrence("FREQ=DAILY", datetime(2026, 3, 31, 15), BRUSSELS, count=10)
    assert counted.to_rfc5545() == "DTSTART;TZID=Europe/Brussels:20260331T150000\nRRULE:FREQ=DAILY;COUNT=10"
    assert Recurrence.from_rfc5545(counted.to_rfc5545()) == counted


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "expected one RRULE"),
        ("RRULE:FREQ=DAILY", "needs a TZID"),
        ("DTSTART:20260331T150000\nRRULE:FREQ=DAILY", "needs a TZID"),
        ("DTSTART;TZID=Europe/Brussels:20260331T150000", "expected one RRULE"),
        ("DTSTART;TZID=Europe/Brussels:20260331T150000\nRRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY", "expected one RRULE"),
        ("DTSTART;TZID=Nowhere/Special:20260331T150000\nRRULE:FREQ=DAILY", "not an IANA time zone"),
        ("DTSTART;TZID=Europe/Brussels:20260331\nRRULE:FREQ=DAILY", "date and time is required"),
        ("DTSTART;TZID=Europe/Brussels:2026-03-31\nRRULE:FREQ=DAILY", "not a date or date-time"),
        ("DTSTART;TZID=Europe/Brussels:20260331T150000\nRRULE:FREQ=DAILY\nSUMMARY:Meeting", "unsupported line"),
        ("DTSTART;TZID=Europe/Brussels:20260331T150000\nRRULE:FREQ=DAILY;COUNT=many", "COUNT must be a number"),
    ],
)
def test_malformed_rfc5545_text_is_refused(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        Recurrence.from_rfc5545(text)


def test_rfc5545_until_and_exdates_in_other_forms() -> None:
    read = read_rfc5545(
        "DTSTART:20260331T130000Z\nRRULE:FREQ=DAILY;UNTIL=20260410\n"
        "EXDATE;TZID=Europe/Brussels:20260401T150000\nEXDATE:20260402T130000Z,20260403",
        default_timezone=None,
    )
    assert read.timezone == "UTC"
    assert read.until == datetime(2026, 4, 10, 23, 59, 59)
    assert read.exdates[:2] == (datetime(2026, 4, 1, 13), datetime(2026, 4, 2, 13))
    assert read.recurrence(datetime(2026, 3, 31, 13)).exdates[2] == datetime(2026, 4, 3, 13)
    floating = read_rfc5545("RRULE:FREQ=WEEKLY;UNTIL=20261231T225959Z", default_timezone=BRUSSELS)
    assert (floating.start, floating.timezone, floating.until) == (None, BRUSSELS, datetime(2026, 12, 31, 23, 59, 59))

"""Daylight-saving weeks of 2026: rules keep their local wall time, gaps move forward, overlaps happen once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recurrence import Recurrence


@dataclass(frozen=True)
class Changes:
    zone: str
    gap_day: date  # clocks go forward
    gap_time: time  # a wall time that does not exist that night
    overlap_day: date  # clocks go back
    overlap_time: time  # a wall time that happens twice that night


CHANGES = [
    Changes("Europe/Brussels", date(2026, 3, 29), time(2, 30), date(2026, 10, 25), time(2, 30)),
    Changes("America/New_York", date(2026, 3, 8), time(2, 30), date(2026, 11, 1), time(1, 30)),
    # Southern hemisphere: back in April, forward in October.
    Changes("Australia/Sydney", date(2026, 10, 4), time(2, 30), date(2026, 4, 5), time(2, 30)),
]


def week_around(day: date) -> list[date]:
    return [day + timedelta(days=offset) for offset in range(-3, 4)]


def daily(clock: time, changes: Changes, day: date) -> list[datetime]:
    """The occurrences of a daily rule at `clock` in the week around `day`, as aware local times."""
    zone = ZoneInfo(changes.zone)
    first = day - timedelta(days=3)
    recurrence = Recurrence("FREQ=DAILY", datetime.combine(first - timedelta(days=10), clock), changes.zone)
    after = datetime.combine(first, time(0, 0), zone).astimezone(UTC) - timedelta(hours=1)
    until = datetime.combine(day + timedelta(days=4), time(0, 0), zone).astimezone(UTC) - timedelta(hours=1)
    return [moment.astimezone(zone) for moment in recurrence.occurrences(after, until)]


@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: c.zone)
@pytest.mark.parametrize("which", ["gap", "overlap"])
def test_daily_nine_oclock_stays_nine_oclock(changes: Changes, which: str) -> None:
    day = changes.gap_day if which == "gap" else changes.overlap_day
    found = daily(time(9, 0), changes, day)
    assert [moment.date() for moment in found] == week_around(day)
    assert {moment.time() for moment in found} == {time(9, 0)}
    # The moment in UTC moves by the change.
    assert len({moment.utcoffset() for moment in found}) == 2


@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: c.zone)
def test_a_time_in_the_gap_moves_forward_by_the_gap(changes: Changes) -> None:
    found = daily(changes.gap_time, changes, changes.gap_day)
    assert [moment.date() for moment in found] == week_around(changes.gap_day)
    by_day = {moment.date(): moment for moment in found}
    for day, moment in by_day.items():
        expected = time(changes.gap_time.hour + 1, changes.gap_time.minute) if day == changes.gap_day else (
            changes.gap_time
        )
        assert moment.time() == expected, day
    # 02:30 read with the offset from before the change is the same instant as 03:30 after it.
    the_day_before = by_day[changes.gap_day - timedelta(days=1)]
    assert by_day[changes.gap_day].astimezone(UTC).time() == the_day_before.astimezone(UTC).time()


@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: c.zone)
def test_a_time_in_the_overlap_happens_once_the_first_time(changes: Changes) -> None:
    found = daily(changes.overlap_time, changes, changes.overlap_day)
    assert [moment.date() for moment in found] == week_around(changes.overlap_day)
    assert {moment.time() for moment in found} == {changes.overlap_time}
    zone = ZoneInfo(changes.zone)
    on_the_day = next(moment for moment in found if moment.date() == changes.overlap_day)
    first = datetime.combine(changes.overlap_day, changes.overlap_time, zone)  # fold=0: before the change
    second = first.replace(fold=1)
    assert first.utcoffset() != second.utcoffset()
    assert on_the_day.astimezone(UTC) == first.astimezone(UTC)


@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: c.zone)
@pytest.mark.parametrize("which", ["gap", "overlap"])
def test_every_other_tuesday_at_three_stays_at_three_local(changes: Changes, which: str) -> None:
    day = changes.gap_day if which == "gap" else changes.overlap_day
    zone = ZoneInfo(changes.zone)
    tuesday_before = day - timedelta(days=(day.weekday() - 1) % 7 or 7)
    recurrence = Recurrence(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime.combine(tuesday_before, time(15, 0)), changes.zone
    )
    after = datetime.combine(tuesday_before, time(0, 0), zone).astimezone(UTC)
    found = [moment.astimezone(zone) for moment in recurrence.preview(after, 3)]
    assert [moment.date() for moment in found] == [tuesday_before + timedelta(weeks=2 * n) for n in range(3)]
    assert {moment.time() for moment in found} == {time(15, 0)}
    utc_hours = [moment.astimezone(UTC).hour for moment in found]
    assert utc_hours[0] != utc_hours[1] == utc_hours[2]

"""A lead of whole days is that many calendar days before on the local clock; hours and minutes stay exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recurrence import Recurrence
from bot.scheduling.leads import due_before
from bot.scheduling.model import Schedule
from tests.dst_weeks import CHANGES

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _weekly(zone: str, day: str, start: datetime) -> Recurrence:
    return Recurrence(rule=f"FREQ=WEEKLY;BYDAY={day}", start=start, timezone=zone)


def _dues(schedule: Schedule, after: datetime, n: int) -> list[tuple[datetime, datetime]]:
    """The next `n` (instance, due) pairs of `schedule` after `after`, each local to the schedule's zone."""
    zone = ZoneInfo(schedule.recurrence.timezone)
    found: list[tuple[datetime, datetime]] = []
    moment = after
    for _ in range(n):
        occurrence = schedule.next_due_after(moment)
        assert occurrence is not None
        found.append((occurrence.at.astimezone(zone), occurrence.due.astimezone(zone)))
        moment = occurrence.due
    return found


def _between(earlier: datetime, later: datetime) -> timedelta:
    """The real time between two aware moments (subtracting two in one zone would compare wall clocks)."""
    return later.astimezone(UTC) - earlier.astimezone(UTC)


# Each zone's two changes of 2026 (tests/dst_weeks.py), each on a Sunday: a weekly Sunday 10:00 meeting the week
# before, that week and the week after.

@pytest.mark.parametrize(("zone", "sunday"), CHANGES)
@pytest.mark.parametrize("days", [1, 3, 7])
def test_a_day_lead_falls_at_the_usual_local_time_in_a_daylight_saving_week(
    zone: str, sunday: datetime, days: int
) -> None:
    recurrence = _weekly(zone, "SU", sunday - timedelta(days=7) + timedelta(hours=10))
    schedule = Schedule("meeting.reminder", 1, "1", recurrence, days * DAY)
    start = (sunday - timedelta(days=8 + days)).replace(tzinfo=ZoneInfo(zone))
    dues = _dues(schedule, start, 3)
    assert [at.replace(tzinfo=None) for at, _ in dues] == [sunday + timedelta(days=7 * w, hours=10)
                                                           for w in (-1, 0, 1)]
    for at, due in dues:
        assert due.replace(tzinfo=None) == at.replace(tzinfo=None) - days * DAY  # same wall time, days earlier
    # Across the change the lead is an hour longer or shorter than `days` times 24 hours.
    exact = {_between(due, at) for at, due in dues}
    assert len(exact) == 2 and {abs(lead - days * DAY) for lead in exact} == {timedelta(0), HOUR}


@pytest.mark.parametrize(("zone", "sunday"), CHANGES)
def test_an_hour_lead_stays_an_exact_duration(zone: str, sunday: datetime) -> None:
    # Ten hours before Sunday 10:00 is Sunday 00:00 in an ordinary week; across the change it is ten hours of
    # real time, so the local clock shows 23:00 or 01:00.
    recurrence = _weekly(zone, "SU", sunday - timedelta(days=7) + timedelta(hours=10))
    schedule = Schedule("meeting.reminder", 1, "1", recurrence, 10 * HOUR)
    dues = _dues(schedule, (sunday - timedelta(days=9)).replace(tzinfo=ZoneInfo(zone)), 3)
    assert [_between(due, at) for at, due in dues] == [10 * HOUR] * 3
    assert dues[0][1].hour == 0 and dues[2][1].hour == 0
    assert dues[1][1].hour in (23, 1)


@pytest.mark.parametrize(("zone", "monday"), [
    ("Europe/Brussels", datetime(2026, 3, 30, 2, 30)),
    ("America/New_York", datetime(2026, 3, 9, 2, 30)),
    ("Australia/Sydney", datetime(2026, 10, 5, 2, 30)),
])
def test_a_day_lead_landing_in_the_spring_forward_gap_moves_forward_by_the_gap(zone: str, monday: datetime) -> None:
    # A Monday 02:30 meeting, reminded a day before: Sunday 02:30 does not exist that day, so 03:30.
    local = ZoneInfo(zone)
    recurrence = _weekly(zone, "MO", monday - timedelta(days=7))
    schedule = Schedule("meeting.reminder", 1, "1", recurrence, DAY)
    dues = _dues(schedule, (monday - timedelta(days=9)).replace(tzinfo=local), 2)
    assert [due.replace(tzinfo=None) for _, due in dues] == [
        monday - timedelta(days=8), monday - DAY + HOUR]
    assert _between(dues[1][1], dues[1][0]) == DAY - HOUR
    sunday = (monday - DAY).replace(tzinfo=local)
    assert sunday.astimezone(UTC).astimezone(local).hour == 3  # 02:30 that Sunday is in the gap


def test_a_day_lead_on_a_repeated_hour_happens_the_first_time() -> None:
    # Monday 26 October 02:30 in Brussels; Sunday's 02:30 happens twice, in summer time first.
    at = datetime(2026, 10, 26, 2, 30, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(UTC)
    due = due_before(at, DAY, "Europe/Brussels")
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert at - due == DAY + HOUR


def test_days_and_hours_are_calendar_days_then_exact_hours() -> None:
    # 1 day 2 hours before Sunday 29 March 10:00 in Brussels: Saturday 10:00 (winter time), then 2 hours earlier,
    # Saturday 08:00 — not the 07:00 that 26 hours of real time would give.
    brussels = ZoneInfo("Europe/Brussels")
    at = datetime(2026, 3, 29, 10, 0, tzinfo=brussels).astimezone(UTC)
    due = due_before(at, DAY + 2 * HOUR, "Europe/Brussels")
    assert due.astimezone(brussels).replace(tzinfo=None) == datetime(2026, 3, 28, 8, 0)
    # Stored as 1560 minutes, the same lead.
    assert due_before(at, timedelta(minutes=1560), "Europe/Brussels") == due


def test_a_lead_under_a_day_and_a_negative_lead_are_exact() -> None:
    at = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert due_before(at, 23 * HOUR + timedelta(minutes=59), "Europe/Brussels") == at - 23 * HOUR - timedelta(
        minutes=59)
    assert due_before(at, -HOUR, "Europe/Brussels") == at + HOUR


def test_an_hourly_schedule_with_a_day_lead_finds_every_instance_in_order() -> None:
    # Instances an hour apart, each due a calendar day before: none skipped, none twice, in due order, across
    # New York's spring-forward night.
    recurrence = Recurrence(rule="FREQ=HOURLY;BYHOUR=6,7,8,9,10", start=datetime(2026, 3, 6, 6, 0),
                            timezone="America/New_York")
    schedule = Schedule("meeting.reminder", 1, "1", recurrence, DAY)
    dues = _dues(schedule, datetime(2026, 3, 5, tzinfo=UTC), 20)
    instances = [at for at, _ in dues]
    assert instances == sorted(set(instances)) and len(instances) == 20
    assert [due for _, due in dues] == sorted(due for _, due in dues)
    assert all(due.replace(tzinfo=None) == at.replace(tzinfo=None) - DAY for at, due in dues)

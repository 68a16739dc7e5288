"""Rules worked out period by period, without dateutil: each period's instances are counted out directly.

Weekly and daily rules with only weekdays and times hold the same instances in every period, so a query steps
straight to the period that holds it (`Periodic`). Monthly rules, and yearly ones that keep to days of the month
(calendar quarters, a date each year), count out the days of the months from there (`Monthly`). Each gives
exactly the instances dateutil gives for the same rule and start (the property tests compare them).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterator
from datetime import datetime, timedelta

from bot.recurrence.rule import WEEKLY, YEARLY, RuleParts, parse_rule

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)


@functools.lru_cache(maxsize=4096)
def _clock_times(byhour: tuple[int, ...], byminute: tuple[int, ...]) -> tuple[timedelta, ...]:
    return tuple(sorted(timedelta(hours=hour, minutes=minute) for hour in byhour for minute in byminute))


class Periodic:
    """Weekly and daily rules with only weekdays and times: every period holds the same instances."""

    __slots__ = ("base", "offsets", "only_on", "period", "start", "until")

    def __init__(self, rule: str, start: datetime, until: datetime | None) -> None:
        self.start, self.until = start, until
        shape = _periodic_shape(rule, start.weekday(), start.hour, start.minute)
        back, self.period, self.offsets, self.only_on = shape
        self.base = start.replace(hour=0, minute=0) - back

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]:
        wall = max(wall, self.start)
        period, until, only_on = self.period, self.until, self.only_on
        period_start = self.base + (wall - self.base) // period * period
        misses = 0
        try:
            while True:
                if only_on is not None and period_start.weekday() not in only_on:
                    # The weekdays of the periods repeat within seven periods: past that, none ever matches.
                    misses += 1
                    if misses > 7:
                        return
                else:
                    misses = 0
                    for offset in self.offsets:
                        instance = period_start + offset
                        if instance >= wall:
                            if until is not None and instance > until:
                                return
                            yield instance
                period_start += period
        except OverflowError:
            return


@functools.lru_cache(maxsize=4096)
def _periodic_shape(
    rule: str, weekday: int, hour: int, minute: int
) -> tuple[timedelta, timedelta, tuple[timedelta, ...], frozenset[int] | None]:
    """How far the first period starts before the start's midnight, the period, the offsets of the instances
    in a period, and the weekdays a daily rule keeps (None: all)."""
    parts = parse_rule(rule)
    times = [timedelta(hours=h, minutes=m) for h in parts.byhour or (hour,) for m in parts.byminute or (minute,)]
    weekdays = [day for day, _ in parts.byday]
    if parts.freq == WEEKLY:
        days = {(day - parts.wkst) % 7 for day in weekdays or [weekday]}
        offsets = tuple(sorted(timedelta(days=day) + clock for day in days for clock in times))
        return timedelta(days=(weekday - parts.wkst) % 7), _WEEK * parts.interval, offsets, None
    return _ZERO, _DAY * parts.interval, tuple(sorted(times)), frozenset(weekdays) or None


class Monthly:
    """Monthly rules, and yearly rules that keep to days of the month: the days of each month are counted out.

    As in dateutil, a month without the day (the 31st in April, a fifth Monday) is skipped, and a rule with
    both days of the month and weekdays keeps the days that are both.
    """

    __slots__ = ("first", "interval", "monthdays", "months", "start", "times", "until", "weekdays", "yearly")

    def __init__(self, parts: RuleParts, start: datetime, until: datetime | None) -> None:
        self.start, self.until = start, until
        self.times = _clock_times(parts.byhour or (start.hour,), parts.byminute or (start.minute,))
        self.yearly = parts.freq == YEARLY
        self.interval = parts.interval
        self.weekdays = parts.byday
        # The parts dateutil takes from DTSTART when the rule names no day.
        self.monthdays = parts.bymonthday or (() if parts.byday else (start.day,))
        if self.yearly:
            self.months = parts.bymonth or ((start.month,) if not (parts.bymonthday or parts.byday) else _ALL_MONTHS)
            self.first = start.year
        else:
            self.months = parts.bymonth or _ALL_MONTHS
            self.first = start.year * 12 + start.month - 1

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]:
        wall = max(wall, self.start)
        until = self.until
        # The calendar repeats every 400 years (4,800 months), so that many periods in a row without an
        # instance means the rule never matches again.
        limit = 400 if self.yearly else 4800
        wall_period = wall.year if self.yearly else wall.year * 12 + wall.month - 1
        period = self.first + max(0, (wall_period - self.first) // self.interval * self.interval)
        misses = 0
        while misses < limit:
            misses += 1
            for year, month in self._months_of(period):
                if year > 9999:
                    return
                for day in _days_of_month(year, month, self.monthdays, self.weekdays):
                    midnight = datetime(year, month, day)
                    for clock in self.times:
                        instance = midnight + clock
                        if instance >= wall:
                            if until is not None and instance > until:
                                return
                            misses = 0
                            yield instance
            period += self.interval

    def _months_of(self, period: int) -> Iterator[tuple[int, int]]:
        if self.yearly:
            for month in self.months:
                yield period, month
        else:
            year, index = divmod(period, 12)
            if index + 1 in self.months:
                yield year, index + 1


_ALL_MONTHS = tuple(range(1, 13))


@functools.lru_cache(maxsize=8192)
def _days_of_month(
    year: int, month: int, monthdays: tuple[int, ...], weekdays: tuple[tuple[int, int], ...]
) -> tuple[int, ...]:
    first_weekday, length = calendar.monthrange(year, month)
    by_date = {day if day > 0 else length + 1 + day for day in monthdays}
    by_weekday: set[int] = set()
    for weekday, nth in weekdays:
        first = 1 + (weekday - first_weekday) % 7
        if nth == 0:
            by_weekday.update(range(first, length + 1, 7))
        elif nth > 0:
            by_weekday.add(first + 7 * (nth - 1))
        else:
            last = first + (length - first) // 7 * 7
            by_weekday.add(last + 7 * (nth + 1))
    # Both kinds named: keep the days that are both (Friday the 13th).
    days = by_date & by_weekday if monthdays and weekdays else by_date or by_weekday
    return tuple(sorted(day for day in days if 1 <= day <= length))


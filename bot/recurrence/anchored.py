"""Rules evaluated by dateutil: every rule the periods of `bot.recurrence.periods` do not work out.

Such a rule is re-anchored on the period just before the query, with every part that dateutil would otherwise
take from DTSTART spelled out, so the instances are the same as from the rule's own start (`Anchored`); a COUNT
rule is walked once from its start and kept (`Counted`). dateutil runs in a frame shifted by whole 400-year
cycles (the Gregorian calendar repeats exactly every 400 years) so that its year-9999 limit is never more than
800 years away: a rule that can never match ends its search there instead of walking to the year 9999.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from dateutil import rrule as du

from bot.recurrence.rule import DAILY, HOURLY, MONTHLY, WEEKLY, YEARLY, RuleParts, parse_rule

_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)
_WEEK = timedelta(weeks=1)
# Each frame puts the query in a year from 9200 to 9599, so dateutil stops 400 to 800 years later.
_FRAME_TOP_YEAR = 9599
_CYCLE_YEARS = 400


class Counted:
    """A COUNT rule must be walked from its start; it is short, so it is walked once and its instances kept."""

    __slots__ = ("found",)

    def __init__(self, parts: RuleParts, start: datetime, count: int) -> None:
        shift = _frame_shift(start)
        rule = _rrule(parts, dtstart=_shifted(start, shift), count=count, **_dateutil_parts(parts, start))
        self.found = [_shifted(instance, -shift) for instance in rule]

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]:
        return itertools.islice(self.found, bisect.bisect_left(self.found, wall), None)


class Anchored:
    """Every other rule: dateutil, re-anchored on the period just before the wall time, in a shifted frame."""

    __slots__ = ("anchor", "keywords", "parts", "start", "until")

    def __init__(self, parts: RuleParts, start: datetime, until: datetime | None) -> None:
        self.parts, self.start, self.until = parts, start, until
        self.keywords = _dateutil_parts(parts, start)
        self.anchor = _period_start(parts, start)

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]:
        parts, until = self.parts, self.until
        wall = max(wall, self.start)
        while until is None or wall <= until:
            shift = _frame_shift(wall)
            periods = _periods_between(parts, self.anchor, _period_start(parts, wall))
            periods = periods // parts.interval * parts.interval
            dtstart = self.start if periods <= 0 else _add_periods(parts, self.anchor, periods)
            frame_until = until if until is not None and until.year + shift <= 9999 else None
            rule = _rrule(
                parts,
                dtstart=_shifted(dtstart, shift),
                until=None if frame_until is None else _shifted(frame_until, shift),
                **self.keywords,
            )
            for shifted in rule:
                instance = _shifted(shifted, -shift)
                if instance >= wall:
                    yield instance
            if shift == 0 or horizon is None:
                return
            frame_end = datetime(10_000 - shift, 1, 1)
            if frame_end > horizon:
                return
            wall = frame_end



@functools.lru_cache(maxsize=1024)
def check_hourly(rule: str, hour: int) -> None:
    """Raise `ValueError` when dateutil refuses the hourly `rule` from a start at `hour`: one whose BYHOUR it can
    never reach from there. Asked once per rule and hour."""
    parts = parse_rule(rule)
    _rrule(parts, dtstart=datetime(2000, 1, 1, hour), **_dateutil_parts(parts, datetime(2000, 1, 1, hour)))


def _dateutil_parts(parts: RuleParts, start: datetime) -> dict[str, Any]:
    """The keyword arguments for `dateutil.rrule.rrule`, with every part dateutil would take from DTSTART
    spelled out, so that a rule re-anchored on a later period has the same instances."""
    bymonth: tuple[int, ...] | None = parts.bymonth or None
    bymonthday: tuple[int, ...] | None = parts.bymonthday or None
    byweekday: tuple[object, ...] | None = (
        tuple(du.weekdays[weekday](nth) if nth else weekday for weekday, nth in parts.byday) or None
    )
    if not (parts.byweekno or parts.byyearday or parts.bymonthday or parts.byday):
        if parts.freq == YEARLY:
            bymonth = bymonth or (start.month,)
            bymonthday = (start.day,)
        elif parts.freq == MONTHLY:
            bymonthday = (start.day,)
        elif parts.freq == WEEKLY:
            byweekday = (start.weekday(),)
    byhour = parts.byhour or ((start.hour,) if parts.freq != HOURLY else None)
    return {
        "interval": parts.interval,
        "wkst": parts.wkst,
        "bysetpos": parts.bysetpos or None,
        "bymonth": bymonth,
        "bymonthday": bymonthday,
        "byyearday": parts.byyearday or None,
        "byweekno": parts.byweekno or None,
        "byweekday": byweekday,
        "byhour": byhour,
        "byminute": parts.byminute or (start.minute,),
        "bysecond": (0,),
    }


def _rrule(parts: RuleParts, **keywords: Any) -> du.rrule:
    frequency: Any = parts.freq  # one of dateutil's own constants, checked when the rule was read
    return du.rrule(frequency, **keywords)


def _frame_shift(wall: datetime) -> int:
    return max(0, (_FRAME_TOP_YEAR - wall.year) // _CYCLE_YEARS) * _CYCLE_YEARS


def _shifted(wall: datetime, years: int) -> datetime:
    # Whole 400-year cycles keep the day of the week and leap days, so 29 February stays valid.
    return wall.replace(year=wall.year + years)


def _period_start(parts: RuleParts, wall: datetime) -> datetime:
    midnight = datetime.combine(wall.date(), time())
    if parts.freq == YEARLY:
        return midnight.replace(month=1, day=1)
    if parts.freq == MONTHLY:
        return midnight.replace(day=1)
    if parts.freq == WEEKLY:
        return midnight - timedelta(days=(wall.weekday() - parts.wkst) % 7)
    if parts.freq == DAILY:
        return midnight
    return wall.replace(minute=0, second=0)


def _periods_between(parts: RuleParts, first: datetime, second: datetime) -> int:
    if parts.freq == YEARLY:
        return second.year - first.year
    if parts.freq == MONTHLY:
        return (second.year - first.year) * 12 + second.month - first.month
    if parts.freq == WEEKLY:
        return (second - first) // _WEEK
    if parts.freq == DAILY:
        return (second - first) // _DAY
    return (second - first) // _HOUR


def _add_periods(parts: RuleParts, first: datetime, periods: int) -> datetime:
    if parts.freq == YEARLY:
        return first.replace(year=first.year + periods)
    if parts.freq == MONTHLY:
        years, month = divmod(first.month - 1 + periods, 12)
        return first.replace(year=first.year + years, month=month + 1)
    if parts.freq == WEEKLY:
        return first + periods * _WEEK
    if parts.freq == DAILY:
        return first + periods * _DAY
    return first + periods * _HOUR

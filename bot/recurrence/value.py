"""The `Recurrence` value: a recurring local wall time, an RFC 5545 rule evaluated in an IANA time zone.

A rule means what `dateutil.rrule` makes of it on naive local wall times, so "15:00 every other Tuesday" stays
15:00 local across daylight-saving changes; only then is each instance placed in the zone:

- a wall time that does not exist (the spring-forward gap) moves forward by the gap: 02:30 on 2026-03-29 in
  Europe/Brussels happens at 03:30 CEST;
- a wall time that happens twice (the fall-back overlap) happens once, the first time.

Should two instances land on the same moment that way (an hourly rule across a gap), the later one is dropped,
so occurrences always strictly increase. How the instances are found is `bot.recurrence.evaluation`; the
RFC 5545 text form is `bot.recurrence.rfc5545`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.calendar import FIRST_YEAR, LAST_YEAR
from bot.recurrence.anchored import check_hourly
from bot.recurrence.evaluation import instance_shown_at, moments
from bot.recurrence.rule import HOURLY, parse_rule
from bot.recurrence.zones import to_wall, zone_of

MAX_COUNT = 10_000
# Starts outside FIRST_YEAR-LAST_YEAR are refused: they are typing mistakes, and the arithmetic stays far from
# year 9999.

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A recurring local wall time: an RFC 5545 rule evaluated in an IANA zone.

    `rule` is the RRULE value without DTSTART, UNTIL and COUNT (they are the fields `start`, `until` and
    `count`). `start`, `until` and `exdates` are naive local wall times in `timezone`; the first occurrence is
    the first rule instance at or after `start`; `until` is inclusive; an instance whose wall time is in
    `exdates` is skipped. Raises `ValueError` when the zone does not exist, a wall time is aware (or `start`
    has seconds), the rule does not parse or contains DTSTART, UNTIL or COUNT, `count` is not from 1 to
    10,000, both `until` and `count` are given, or `until` is before `start`.
    """

    rule: str
    start: datetime
    timezone: str
    until: datetime | None = None
    count: int | None = None
    exdates: tuple[datetime, ...] = ()

    def __post_init__(self) -> None:
        zone_of(self.timezone)
        _check_wall_time(self.start, "start")
        if self.start.second or not FIRST_YEAR <= self.start.year <= LAST_YEAR:
            raise ValueError(f"start must be a whole minute in the years {FIRST_YEAR}-{LAST_YEAR}")
        parts = parse_rule(self.rule)
        if parts.freq == HOURLY:
            check_hourly(self.rule, self.start.hour)
        if self.until is not None:
            _check_wall_time(self.until, "until")
            if self.until < self.start:
                raise ValueError("until is before start")
        if self.count is not None:
            if isinstance(self.count, bool) or not isinstance(self.count, int):
                raise ValueError("count must be a whole number")
            if not 1 <= self.count <= MAX_COUNT:
                raise ValueError(f"count must be from 1 to {MAX_COUNT}")
            if self.until is not None:
                raise ValueError("give until or count, not both (RFC 5545)")
        if not isinstance(self.exdates, tuple):
            raise ValueError("exdates must be a tuple")
        for skipped in self.exdates:
            _check_wall_time(skipped, "an exdate")
        normal = tuple(sorted(set(self.exdates)))
        if normal != self.exdates:
            # Sorted and unique whatever the caller passed, so equal schedules compare equal.
            object.__setattr__(self, "exdates", normal)

    def occurrences(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The occurrences t with `after` < t <= `until`, as aware UTC datetimes, strictly increasing.

        Raises `ValueError` when either argument is naive.
        """
        _check_aware(after, "after")
        _check_aware(until, "until")
        if until <= after:
            return iter(())
        try:
            horizon: datetime | None = to_wall(until, zone_of(self.timezone)) + 2 * _DAY
        except OverflowError:
            horizon = None
        return itertools.takewhile(lambda moment: moment <= until, moments(self, after, horizon))

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after the aware `moment`, in UTC; None when the rule has ended.

        Looks at most 400 years ahead. Raises `ValueError` when `moment` is naive.
        """
        _check_aware(moment, "moment")
        return next(moments(self, moment, None), None)

    def preview(self, after: datetime, n: int) -> list[datetime]:
        """The next `n` occurrences after the aware `after`, in UTC (fewer when the rule ends first)."""
        _check_aware(after, "after")
        return list(itertools.islice(moments(self, after, None), max(n, 0)))

    def includes(self, moment: datetime) -> bool:
        """Whether the aware `moment` is exactly an occurrence."""
        _check_aware(moment, "moment")
        return self.next_after(moment - _TICK) == moment

    def with_exdate(self, local: datetime) -> Recurrence:
        """This recurrence without the occurrence at the naive local wall time `local`.

        `local` may be the rule's own instance or the wall time it is shown at (an instance in a daylight-saving
        gap is shown an hour later); either way the instance is what is stored. Raises `ValueError` when
        `local` is aware.
        """
        _check_wall_time(local, "the skipped date")
        return dataclasses.replace(self, exdates=(*self.exdates, instance_shown_at(self, local)))

    def to_rfc5545(self) -> str:
        """DTSTART, RRULE and (when there are skipped dates) EXDATE lines.

        UNTIL is written in UTC, as RFC 5545 asks when DTSTART has a zone; a value of `until` that falls in a
        daylight-saving gap therefore reads back as the moment it stands for.
        """
        # The text form reads into this value, so it is imported when it is used.
        from bot.recurrence.rfc5545 import write_rfc5545

        return write_rfc5545(self)

    @classmethod
    def from_rfc5545(cls, text: str, *, unknown_zone_as: str | None = None) -> Recurrence:
        """Read what `to_rfc5545` writes. Raises `ValueError` on malformed input or a DTSTART without a zone; a zone
        this server's database lacks raises too, unless `unknown_zone_as` says which zone to read it in instead."""
        from bot.recurrence.rfc5545 import read_recurrence

        return read_recurrence(text, unknown_zone_as=unknown_zone_as)


def _check_wall_time(value: object, name: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime")
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive local wall time")
    if value.microsecond:
        raise ValueError(f"{name} must be whole seconds")


def _check_aware(value: object, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")

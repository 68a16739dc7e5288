"""Naive local wall times and the moments they stand for in an IANA zone.

A wall time that does not exist (the spring-forward gap) moves forward by the gap: 02:30 on 2026-03-29 in
Europe/Brussels happens at 03:30 CEST; a wall time that happens twice (the fall-back overlap) happens once, the
first time.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.time_zones import canonical_zone

_ZERO = timedelta(0)
_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=1024)
def zone_of(name: str) -> ZoneInfo:
    """The IANA zone `name` (any spelling `bot.time_zones` reads). Raises `ValueError` when there is no such zone
    in this server's database, or `name` is no zone (`localtime`, `Factory`)."""
    if not isinstance(name, str) or not name:
        raise ValueError("the time zone must be an IANA name")
    canonical = canonical_zone(name)
    if canonical is None:
        raise ValueError(f"{name!r} is not an IANA time zone")
    try:
        return ZoneInfo(canonical)
    except (ValueError, OSError, LookupError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error


def resolve(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC moment of a naive wall time: fold=0 takes the first of a repeated hour and, in a gap, reads the
    time with the offset from before the change, which lands exactly the gap's length later."""
    return wall.replace(tzinfo=zone).astimezone(UTC)


def to_wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall time the clock in `zone` shows at the aware `moment`."""
    return moment.astimezone(zone).replace(tzinfo=None)


def gap_before(zone: ZoneInfo, wall: datetime) -> timedelta:
    """How far a clock change in the day before `wall` can push an instance forward past it.

    An instance in a spring-forward gap happens the gap's length later, so the search for instances after
    `wall` starts that much earlier.
    """
    return _gap_near(zone, wall.date())


@functools.lru_cache(maxsize=4096)
def _gap_near(zone: ZoneInfo, day: date) -> timedelta:
    # From the day before `day` to the end of it: every wall time on `day` and the day before it.
    try:
        before = datetime.combine(day - _DAY, time(), zone).utcoffset()
        after = datetime.combine(day + _DAY, time(), zone).utcoffset()
    except OverflowError:
        return _ZERO
    assert before is not None and after is not None  # a ZoneInfo always knows its offset
    return max(after - before, _ZERO)

"""A recurring local wall time: an RFC 5545 rule evaluated in an IANA time zone.

A rule means what `dateutil.rrule` makes of it on naive local wall times, so "15:00 every other Tuesday" stays
15:00 local across daylight-saving changes; only then is each instance placed in the zone:

- a wall time that does not exist (the spring-forward gap) moves forward by the gap: 02:30 on 2026-03-29 in
  Europe/Brussels happens at 03:30 CEST;
- a wall time that happens twice (the fall-back overlap) happens once, the first time.

Should two instances land on the same moment that way (an hourly rule across a gap), the later one is dropped,
so occurrences always strictly increase.

Rules are read strictly (`parse_rule`): RFC 5545 parts only, no FREQ=MINUTELY or SECONDLY (a community's
schedule repeats at most hourly), and no BYDAY that mixes numbered and plain weekdays (RFC 5545 takes either
kind of day there, dateutil only days that are both, so such a rule would mean two things).

The scheduler asks every schedule for its next occurrence at start-up, so evaluation is built for that: the
evaluation plan of each `Recurrence` value is cached, and a query never walks the rule from its first instance.
Weekly and daily rules step straight to the period that holds the query, and monthly rules, and yearly ones
that keep to days of the month (calendar quarters, a date each year), count out the days of the months from
there; each gives exactly the instances dateutil gives (the property tests compare them). Every other rule is
evaluated by dateutil, re-anchored on the period just before the query with every part that dateutil would
otherwise take from DTSTART spelled out, so the instances are the same; a COUNT rule is walked once from its
start and kept. dateutil runs in a frame shifted by whole 400-year cycles (the Gregorian calendar repeats
exactly every 400 years) so that its year-9999 limit is never more than 800 years away: a rule that can never
match ends its search there instead of walking to the year 9999. `next_after` therefore looks at most 400
years ahead.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from dateutil import rrule as du

from bot.calendar import FIRST_YEAR, LAST_YEAR

MAX_COUNT = 10_000
MAX_INTERVAL = 1_000
# Starts outside FIRST_YEAR-LAST_YEAR are refused: they are typing mistakes, and the arithmetic stays far from
# year 9999.

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY = du.YEARLY, du.MONTHLY, du.WEEKLY, du.DAILY, du.HOURLY
FREQUENCIES = {"YEARLY": YEARLY, "MONTHLY": MONTHLY, "WEEKLY": WEEKLY, "DAILY": DAILY, "HOURLY": HOURLY}
_FREQUENCY_NAMES = {value: name for name, value in FREQUENCIES.items()}

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)
_WEEK = timedelta(weeks=1)
_TICK = timedelta(microseconds=1)
# Each frame puts the query in a year from 9200 to 9599, so dateutil stops 400 to 800 years later.
_FRAME_TOP_YEAR = 9599
_CYCLE_YEARS = 400


# The rule


@dataclass(frozen=True, slots=True)
class RuleParts:
    """The parts of an RRULE value, read and checked. Value lists are sorted and without repeats.

    `byday` holds (weekday, n) pairs: weekday 0 is Monday; n is the ordinal (+1 first, -1 last) or 0 for every
    such weekday.
    """

    freq: int
    interval: int = 1
    bymonth: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, int], ...] = ()
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int = 0

    def format(self) -> str:
        """The canonical RRULE value: fixed part order, INTERVAL=1 and WKST=MO left out."""
        parts = [f"FREQ={_FREQUENCY_NAMES[self.freq]}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        for name, values in (
            ("BYMONTH", self.bymonth),
            ("BYWEEKNO", self.byweekno),
            ("BYYEARDAY", self.byyearday),
            ("BYMONTHDAY", self.bymonthday),
        ):
            if values:
                parts.append(f"{name}={','.join(str(value) for value in values)}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(_format_day(day) for day in self.byday))
        for name, values in (
            ("BYHOUR", self.byhour),
            ("BYMINUTE", self.byminute),
            ("BYSECOND", self.bysecond),
            ("BYSETPOS", self.bysetpos),
        ):
            if values:
                parts.append(f"{name}={','.join(str(value) for value in values)}")
        if self.wkst != 0:
            parts.append(f"WKST={WEEKDAY_CODES[self.wkst]}")
        return ";".join(parts)


def _format_day(day: tuple[int, int]) -> str:
    weekday, nth = day
    return f"{nth:+d}{WEEKDAY_CODES[weekday]}" if nth else WEEKDAY_CODES[weekday]


def _day_order(day: tuple[int, int]) -> tuple[bool, int, int]:
    # Calendar order within a period: every-such-day and "first" before "last".
    weekday, nth = day
    return (nth < 0, nth, weekday)


_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_BYDAY = re.compile(r"([+-]?)([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_NUMBER = re.compile(r"[+-]?[0-9]{1,4}")
_FIELDS_OF_RECURRENCE = ("DTSTART", "UNTIL", "COUNT")


def parse_rule(text: str) -> RuleParts:
    """Read an RRULE value (without the `RRULE:` prefix), case-insensitively.

    Raises `ValueError` when it is malformed, names an unknown part, repeats a part, contains DTSTART, UNTIL
    or COUNT (they are fields of `Recurrence`), repeats more often than hourly, or breaks an RFC 5545 rule on
    which parts go with which frequency.
    """
    if not isinstance(text, str):
        raise ValueError("the rule must be a string")
    return _parse_rule(text)


@functools.lru_cache(maxsize=4096)
def _parse_rule(text: str) -> RuleParts:
    body = text.strip().upper()
    if body.startswith("RRULE:"):
        raise ValueError("the rule is the RRULE value, without the 'RRULE:' prefix")
    values: dict[str, str] = {}
    for part in body.split(";"):
        name, equals, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name or not value:
            raise ValueError(f"malformed rule part {part!r}")
        if name in values:
            raise ValueError(f"{name} appears twice")
        if name in _FIELDS_OF_RECURRENCE:
            raise ValueError(f"{name} is a field of the recurrence, not part of its rule")
        values[name] = value
    if "FREQ" not in values:
        raise ValueError("the rule has no FREQ")
    freq_name = values.pop("FREQ")
    if freq_name in ("MINUTELY", "SECONDLY"):
        raise ValueError(f"FREQ={freq_name} is not supported: schedules repeat at most hourly")
    if freq_name not in FREQUENCIES:
        raise ValueError(f"unknown frequency {freq_name!r}")
    freq = FREQUENCIES[freq_name]
    fields: dict[str, object] = {"freq": freq}
    readers: dict[str, tuple[str, Callable[[str], object]]] = {
        "INTERVAL": ("interval", lambda v: _numbers(v, 1, MAX_INTERVAL, signed=False, single=True)[0]),
        "BYMONTH": ("bymonth", lambda v: _numbers(v, 1, 12, signed=False)),
        "BYWEEKNO": ("byweekno", lambda v: _numbers(v, 1, 53, signed=True)),
        "BYYEARDAY": ("byyearday", lambda v: _numbers(v, 1, 366, signed=True)),
        "BYMONTHDAY": ("bymonthday", lambda v: _numbers(v, 1, 31, signed=True)),
        "BYDAY": ("byday", _days),
        "BYHOUR": ("byhour", lambda v: _numbers(v, 0, 23, signed=False)),
        "BYMINUTE": ("byminute", lambda v: _numbers(v, 0, 59, signed=False)),
        "BYSECOND": ("bysecond", lambda v: _numbers(v, 0, 0, signed=False)),
        "BYSETPOS": ("bysetpos", lambda v: _numbers(v, 1, 366, signed=True)),
        "WKST": ("wkst", _week_start),
    }
    for name, value in values.items():
        if name not in readers:
            raise ValueError(f"unknown rule part {name!r}")
        field_name, read = readers[name]
        fields[field_name] = read(value)
    parts = RuleParts(**fields)  # type: ignore[arg-type]
    _check_combinations(parts)
    return parts


def _numbers(text: str, low: int, high: int, *, signed: bool, single: bool = False) -> tuple[int, ...]:
    found: set[int] = set()
    items = text.split(",")
    if single and len(items) != 1:
        raise ValueError(f"expected one number, got {text!r}")
    for item in items:
        item = item.strip()
        if not _NUMBER.fullmatch(item):
            raise ValueError(f"{item!r} is not a number")
        value = int(item)
        if (item[0] in "+-" and not signed) or not low <= abs(value) <= high or (value < 0 and not signed):
            raise ValueError(f"{item!r} is out of range")
        found.add(value)
    return tuple(sorted(found))


def _days(text: str) -> tuple[tuple[int, int], ...]:
    found: set[tuple[int, int]] = set()
    for item in text.split(","):
        match = _BYDAY.fullmatch(item.strip())
        if not match:
            raise ValueError(f"{item!r} is not a weekday")
        sign, number, code = match.groups()
        if sign and not number:
            raise ValueError(f"{item!r} has a sign but no number")
        nth = int(number or 0) * (-1 if sign == "-" else 1)
        if number and not 1 <= abs(nth) <= 53:
            raise ValueError(f"{item!r} is out of range")
        found.add((WEEKDAY_CODES.index(code), nth))
    return tuple(sorted(found, key=_day_order))


def _week_start(text: str) -> int:
    if text not in WEEKDAY_CODES:
        raise ValueError(f"{text!r} is not a weekday")
    return WEEKDAY_CODES.index(text)


def _check_combinations(parts: RuleParts) -> None:
    """RFC 5545's rules on which parts go with which frequency, and the ones that can never match."""
    freq = parts.freq
    if parts.bymonthday and freq == WEEKLY:
        raise ValueError("BYMONTHDAY cannot be used with FREQ=WEEKLY")
    if parts.byyearday and freq in (MONTHLY, WEEKLY, DAILY):
        raise ValueError("BYYEARDAY can only be used with FREQ=YEARLY or FREQ=HOURLY")
    if parts.byweekno and freq != YEARLY:
        raise ValueError("BYWEEKNO can only be used with FREQ=YEARLY")
    numbered = [nth for _, nth in parts.byday if nth]
    if numbered and len(numbered) != len(parts.byday):
        # RFC 5545 would take either kind of day, dateutil only days that are both: refuse the mix.
        raise ValueError("BYDAY cannot mix numbered weekdays (like +1TH) with plain ones (like TU)")
    if numbered:
        if freq not in (MONTHLY, YEARLY):
            raise ValueError("numbered weekdays (like +1TH) need FREQ=MONTHLY or FREQ=YEARLY")
        if freq == YEARLY and parts.byweekno:
            raise ValueError("numbered weekdays cannot be used with BYWEEKNO")
        if (freq == MONTHLY or parts.bymonth) and any(abs(nth) > 5 for nth in numbered):
            raise ValueError("a month has at most five of each weekday")
    if parts.bymonth and parts.bymonthday and not any(
        abs(day) <= _LONGEST_MONTH[month - 1] for month in parts.bymonth for day in parts.bymonthday
    ):
        raise ValueError("none of the months in BYMONTH has any of the days in BYMONTHDAY")
    if parts.bysetpos and not (
        parts.bymonth or parts.byweekno or parts.byyearday or parts.bymonthday or parts.byday
        or parts.byhour or parts.byminute
    ):
        raise ValueError("BYSETPOS needs another BY part to choose from")


# The value


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
            _check_hourly(self.rule, self.start.hour)
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
            horizon: datetime | None = _local(until, zone_of(self.timezone)) + 2 * _DAY
        except OverflowError:
            horizon = None
        return itertools.takewhile(lambda moment: moment <= until, _moments(self, after, horizon))

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after the aware `moment`, in UTC; None when the rule has ended.

        Looks at most 400 years ahead. Raises `ValueError` when `moment` is naive.
        """
        _check_aware(moment, "moment")
        return next(_moments(self, moment, None), None)

    def preview(self, after: datetime, n: int) -> list[datetime]:
        """The next `n` occurrences after the aware `after`, in UTC (fewer when the rule ends first)."""
        _check_aware(after, "after")
        return list(itertools.islice(_moments(self, after, None), max(n, 0)))

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
        zone = zone_of(self.timezone)
        target = _resolve(local, zone)
        skipped = local
        for instance in _plan(self).instances(local - _gap_before(zone, local), None):
            if instance > local:
                break
            if _resolve(instance, zone) == target:
                skipped = instance
                break
        return dataclasses.replace(self, exdates=(*self.exdates, skipped))

    def to_rfc5545(self) -> str:
        """DTSTART, RRULE and (when there are skipped dates) EXDATE lines.

        UNTIL is written in UTC, as RFC 5545 asks when DTSTART has a zone; a value of `until` that falls in a
        daylight-saving gap therefore reads back as the moment it stands for.
        """
        zone = zone_of(self.timezone)
        lines = [f"DTSTART;TZID={self.timezone}:{_stamp(self.start)}"]
        rule = f"RRULE:{self.rule}"
        if self.until is not None:
            rule += f";UNTIL={_stamp(_resolve(self.until, zone).replace(tzinfo=None))}Z"
        if self.count is not None:
            rule += f";COUNT={self.count}"
        lines.append(rule)
        if self.exdates:
            lines.append(f"EXDATE;TZID={self.timezone}:" + ",".join(_stamp(skipped) for skipped in self.exdates))
        return "\n".join(lines)

    @classmethod
    def from_rfc5545(cls, text: str) -> Recurrence:
        """Read what `to_rfc5545` writes. Raises `ValueError` on malformed input or a DTSTART without a zone."""
        lines = read_rfc5545(text, default_timezone=None)
        if not isinstance(lines.start, datetime):
            raise ValueError("DTSTART with a date and time is required")
        return lines.recurrence(lines.start)


def first_instance(recurrence: Recurrence, moment: datetime) -> datetime | None:
    """The naive local rule instance of the first occurrence at or after the aware `moment`, or None.

    This is the instance as the rule writes it: in a daylight-saving gap it is the wall time that does not
    exist, not the one the occurrence is shown at.
    """
    zone = zone_of(recurrence.timezone)
    occurrence = recurrence.next_after(moment - _TICK)
    if occurrence is None:
        return None
    local = _local(occurrence, zone)
    plan = _plan(recurrence)
    for instance in plan.instances(local - _gap_before(zone, local), None):
        if instance not in plan.exdates and _resolve(instance, zone) == occurrence:
            return instance
    return local  # not reached: the occurrence came from one of these instances


def first_instance_from(recurrence: Recurrence, wall: datetime) -> datetime | None:
    """The first rule instance at or after the naive local `wall`, skipped ones included; None if there is none
    (within 400 years)."""
    return next(iter(_plan(recurrence).instances(wall, None)), None)


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


@functools.lru_cache(maxsize=1024)
def _check_hourly(rule: str, hour: int) -> None:
    # dateutil refuses an hourly rule whose BYHOUR it can never reach from the start hour; ask it once.
    parts = parse_rule(rule)
    _rrule(parts, dtstart=datetime(2000, 1, 1, hour), **_dateutil_parts(parts, datetime(2000, 1, 1, hour)))


@functools.lru_cache(maxsize=1024)
def zone_of(name: str) -> ZoneInfo:
    """The IANA zone `name`. Raises `ValueError` when there is no such zone."""
    if not isinstance(name, str) or not name:
        raise ValueError("the time zone must be an IANA name")
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, LookupError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error


# Reading RFC 5545 text


@dataclass(frozen=True, slots=True)
class RfcLines:
    """What DTSTART, RRULE and EXDATE lines say, before a start is chosen.

    `start` is None without DTSTART, and a `date` when DTSTART is a date only; `exdates` may hold dates (skip
    that day at the start's time).
    """

    rule: str
    start: datetime | date | None
    timezone: str
    until: datetime | None
    count: int | None
    exdates: tuple[datetime | date, ...]

    def recurrence(self, start: datetime) -> Recurrence:
        """The recurrence these lines describe, starting at `start`. Raises `ValueError` if it is invalid."""
        skipped = tuple(
            value if isinstance(value, datetime) else datetime.combine(value, start.time())
            for value in self.exdates
        )
        return Recurrence(self.rule, start, self.timezone, self.until, self.count, skipped)


_STAMP = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?")
_PROPERTY = re.compile(r"([A-Za-z-]+)((?:;[^:]*)?):(.*)")


def read_rfc5545(text: str, *, default_timezone: str | None) -> RfcLines:
    """Read DTSTART, RRULE and EXDATE lines (one RRULE; DTSTART and EXDATE optional).

    A DTSTART with TZID sets the zone; one in UTC (`…Z`) makes the zone UTC; a floating one is read in
    `default_timezone`. UNTIL and COUNT are taken out of the RRULE into their own fields; an UNTIL in UTC is
    turned into the local wall time, an UNTIL that is a date means the end of that day. Raises `ValueError` on
    anything else, or on a floating DTSTART when `default_timezone` is None.
    """
    starts: list[tuple[str, str]] = []
    rules: list[str] = []
    skipped: list[tuple[str, str]] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        match = _PROPERTY.fullmatch(line)
        if not match:
            raise ValueError(f"not an RFC 5545 line: {line!r}")
        name, parameters, value = match.group(1).upper(), match.group(2), match.group(3).strip()
        if name == "DTSTART":
            starts.append((parameters, value))
        elif name == "RRULE" and not parameters:
            rules.append(value)
        elif name == "EXDATE":
            skipped.append((parameters, value))
        else:
            raise ValueError(f"unsupported line {name!r}")
    if len(rules) != 1 or len(starts) > 1:
        raise ValueError("expected one RRULE line and at most one DTSTART line")
    timezone = default_timezone
    start: datetime | date | None = None
    if starts:
        parameters, value = starts[0]
        zone_name, value_type = _parameters(parameters)
        start, in_utc = _read_stamp(value, value_type)
        if in_utc:
            timezone = "UTC"
        elif zone_name is not None:
            timezone = zone_name
    if timezone is None:
        raise ValueError("DTSTART needs a TZID")
    zone = zone_of(timezone)
    rule, until, count = _split_rule(rules[0], zone)
    exdates: list[datetime | date] = []
    for parameters, values in skipped:
        zone_name, value_type = _parameters(parameters)
        for value in values.split(","):
            moment, in_utc = _read_stamp(value.strip(), value_type)
            if isinstance(moment, datetime) and (in_utc or (zone_name is not None and zone_name != timezone)):
                source = UTC if in_utc else zone_of(zone_name or timezone)
                moment = _local(_resolve(moment, source), zone)
            exdates.append(moment)
    return RfcLines(rule, start, timezone, until, count, tuple(exdates))


def _parameters(text: str) -> tuple[str | None, str | None]:
    zone_name: str | None = None
    value_type: str | None = None
    for parameter in filter(None, text.split(";")):
        name, equals, value = parameter.partition("=")
        if not equals:
            raise ValueError(f"malformed parameter {parameter!r}")
        name, value = name.strip().upper(), value.strip().strip('"')
        if name == "TZID":
            zone_of(value)
            zone_name = value
        elif name == "VALUE" and value.upper() in ("DATE", "DATE-TIME"):
            value_type = value.upper()
        else:
            raise ValueError(f"unsupported parameter {parameter!r}")
    return zone_name, value_type


def _read_stamp(text: str, value_type: str | None) -> tuple[datetime | date, bool]:
    """A DATE or DATE-TIME value and whether it is in UTC."""
    match = _STAMP.fullmatch(text.upper())
    if not match or (value_type == "DATE" and match.group(2)) or (value_type == "DATE-TIME" and not match.group(2)):
        raise ValueError(f"not a date or date-time: {text!r}")
    day = datetime.strptime(match.group(1), "%Y%m%d").date()
    if match.group(2) is None:
        return day, False
    clock = datetime.strptime(match.group(2), "%H%M%S").time()
    return datetime.combine(day, clock), bool(match.group(3))


def _split_rule(text: str, zone: ZoneInfo) -> tuple[str, datetime | None, int | None]:
    kept: list[str] = []
    until: datetime | None = None
    count: int | None = None
    for part in text.split(";"):
        name, _, value = part.partition("=")
        name = name.strip().upper()
        if name == "UNTIL" and until is None:
            moment, in_utc = _read_stamp(value.strip(), None)
            if not isinstance(moment, datetime):
                until = datetime.combine(moment, time(23, 59, 59))
            elif in_utc:
                until = _local(moment.replace(tzinfo=UTC), zone)
            else:
                until = moment
        elif name == "COUNT" and count is None:
            if not re.fullmatch(r"[0-9]{1,6}", value.strip()):
                raise ValueError(f"COUNT must be a number, got {value!r}")
            count = int(value)
        else:
            kept.append(part)
    return ";".join(kept), until, count


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


# Evaluation


def _resolve(wall: datetime, zone: tzinfo) -> datetime:
    """The UTC moment of a naive wall time: fold=0 takes the first of a repeated hour and, in a gap, reads the
    time with the offset from before the change, which lands exactly the gap's length later."""
    return wall.replace(tzinfo=zone).astimezone(UTC)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _gap_before(zone: ZoneInfo, wall: datetime) -> timedelta:
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


class InstanceSource(Protocol):
    """The naive rule instances at or after a wall time, in order. A search that is given no horizon may stop
    after one 400-year frame; with a horizon it goes on until past it."""

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]: ...


@dataclass(frozen=True, slots=True)
class _Plan:
    zone: ZoneInfo
    exdates: frozenset[datetime]
    instances: InstanceSource


def _moments(recurrence: Recurrence, after: datetime, horizon: datetime | None) -> Iterator[datetime]:
    """The occurrences strictly after `after`, as UTC moments, strictly increasing."""
    plan = _plan(recurrence)
    zone = plan.zone
    try:
        wall = _local(after, zone)
    except OverflowError:
        return
    last = after
    for instance in plan.instances(wall - _gap_before(zone, wall), horizon):
        if instance in plan.exdates:
            continue
        moment = _resolve(instance, zone)
        if moment > last:
            last = moment
            yield moment


@functools.lru_cache(maxsize=1 << 16)
def _plan(recurrence: Recurrence) -> _Plan:
    parts = parse_rule(recurrence.rule)
    start, until = recurrence.start, recurrence.until
    source: InstanceSource
    shape = _shape(recurrence.rule)
    if recurrence.count is not None:
        source = _Counted(parts, start, recurrence.count)
    elif shape == "periodic":
        source = _Periodic(recurrence.rule, start, until)
    elif shape == "monthly":
        source = _Monthly(parts, start, until)
    else:
        source = _Anchored(parts, start, until)
    return _Plan(zone_of(recurrence.timezone), frozenset(recurrence.exdates), source)


# Most rules are worked out directly. Each of these sources gives exactly the instances dateutil gives for the
# same rule and start (the property tests compare them), without walking the rule from its start.


@functools.lru_cache(maxsize=4096)
def _shape(rule: str) -> str:
    """Which source works the rule out: "periodic" (weekly and daily rules with only weekdays and times),
    "monthly" (monthly rules, and yearly ones that keep to days of the month) or "anchored" (dateutil)."""
    parts = parse_rule(rule)
    if parts.freq in (WEEKLY, DAILY):
        only_weekdays = not (parts.bymonth or parts.byweekno or parts.byyearday or parts.bymonthday or parts.bysetpos)
        return "periodic" if only_weekdays else "anchored"
    if parts.freq in (MONTHLY, YEARLY):
        # A yearly rule's numbered weekday counts within the year unless it names its months.
        within_month = parts.freq == MONTHLY or bool(parts.bymonth) or all(nth == 0 for _, nth in parts.byday)
        return "monthly" if within_month and not (parts.byweekno or parts.byyearday or parts.bysetpos) else "anchored"
    return "anchored"


@functools.lru_cache(maxsize=4096)
def _clock_times(byhour: tuple[int, ...], byminute: tuple[int, ...]) -> tuple[timedelta, ...]:
    return tuple(sorted(timedelta(hours=hour, minutes=minute) for hour in byhour for minute in byminute))


class _Periodic:
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


class _Monthly:
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


class _Counted:
    """A COUNT rule must be walked from its start; it is short, so it is walked once and its instances kept."""

    __slots__ = ("found",)

    def __init__(self, parts: RuleParts, start: datetime, count: int) -> None:
        shift = _frame_shift(start)
        rule = _rrule(parts, dtstart=_shifted(start, shift), count=count, **_dateutil_parts(parts, start))
        self.found = [_shifted(instance, -shift) for instance in rule]

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]:
        return itertools.islice(self.found, bisect.bisect_left(self.found, wall), None)


class _Anchored:
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

"""An RRULE value: its parts, read strictly and written back in one canonical order.

Rules are read strictly (`parse_rule`): RFC 5545 parts only, no FREQ=MINUTELY or SECONDLY (a community's
schedule repeats at most hourly), and no BYDAY that mixes numbered and plain weekdays (RFC 5545 takes either
kind of day there, dateutil only days that are both, so such a rule would mean two things). DTSTART, UNTIL
and COUNT are not part of the rule: they are fields of `bot.recurrence.value.Recurrence`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from dateutil import rrule as du

MAX_INTERVAL = 1_000

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY = du.YEARLY, du.MONTHLY, du.WEEKLY, du.DAILY, du.HOURLY
FREQUENCIES = {"YEARLY": YEARLY, "MONTHLY": MONTHLY, "WEEKLY": WEEKLY, "DAILY": DAILY, "HOURLY": HOURLY}
_FREQUENCY_NAMES = {value: name for name, value in FREQUENCIES.items()}


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

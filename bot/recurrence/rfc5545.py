"""The RFC 5545 text form of a recurrence: DTSTART, RRULE and EXDATE lines, read and written.

`write_rfc5545` writes what `Recurrence.to_rfc5545` returns and `read_recurrence` reads it back; `read_rfc5545`
reads the lines a member may paste, before a start is chosen (`RfcLines`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.recurrence.value import Recurrence
from bot.recurrence.zones import resolve, to_wall, zone_of
from bot.time_zones import canonical_zone, usable_zone


def write_rfc5545(recurrence: Recurrence) -> str:
    """DTSTART, RRULE and (when there are skipped dates) EXDATE lines; UNTIL in UTC, as RFC 5545 asks when
    DTSTART has a zone."""
    zone = zone_of(recurrence.timezone)
    lines = [f"DTSTART;TZID={recurrence.timezone}:{_stamp(recurrence.start)}"]
    rule = f"RRULE:{recurrence.rule}"
    if recurrence.until is not None:
        rule += f";UNTIL={_stamp(resolve(recurrence.until, zone).replace(tzinfo=None))}Z"
    if recurrence.count is not None:
        rule += f";COUNT={recurrence.count}"
    lines.append(rule)
    if recurrence.exdates:
        lines.append(
            f"EXDATE;TZID={recurrence.timezone}:" + ",".join(_stamp(skipped) for skipped in recurrence.exdates)
        )
    return "\n".join(lines)


def read_recurrence(text: str, *, unknown_zone_as: str | None = None) -> Recurrence:
    """Read what `write_rfc5545` writes. Raises `ValueError` on malformed input or a DTSTART without a zone.

    With `unknown_zone_as`, a zone this server's time zone database lacks (written where it had it) is read as
    that zone instead, and logged once, rather than raising.
    """
    lines = read_rfc5545(text, default_timezone=None, unknown_zone_as=unknown_zone_as)
    if not isinstance(lines.start, datetime):
        raise ValueError("DTSTART with a date and time is required")
    return lines.recurrence(lines.start)


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


def read_rfc5545(text: str, *, default_timezone: str | None, unknown_zone_as: str | None = None) -> RfcLines:
    """Read DTSTART, RRULE and EXDATE lines (one RRULE; DTSTART and EXDATE optional).

    A DTSTART with TZID sets the zone; one in UTC (`…Z`) makes the zone UTC; a floating one is read in
    `default_timezone`. UNTIL and COUNT are taken out of the RRULE into their own fields; an UNTIL in UTC is
    turned into the local wall time, an UNTIL that is a date means the end of that day. Raises `ValueError` on
    anything else, or on a floating DTSTART when `default_timezone` is None. A TZID this server's database lacks
    raises too, unless `unknown_zone_as` names the zone to read it in instead (logged once).
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
            timezone = _zone_named(zone_name, unknown_zone_as)
    if timezone is None:
        raise ValueError("DTSTART needs a TZID")
    zone = zone_of(timezone)
    rule, until, count = _split_rule(rules[0], zone)
    exdates: list[datetime | date] = []
    for parameters, values in skipped:
        zone_name, value_type = _parameters(parameters)
        for value in values.split(","):
            moment, in_utc = _read_stamp(value.strip(), value_type)
            named = None if zone_name is None else _zone_named(zone_name, unknown_zone_as)
            if isinstance(moment, datetime) and (in_utc or (named is not None and named != timezone)):
                source = UTC if in_utc else zone_of(named or timezone)
                moment = to_wall(resolve(moment, source), zone)
            exdates.append(moment)
    return RfcLines(rule, start, timezone, until, count, tuple(exdates))


def _zone_named(name: str, unknown_zone_as: str | None) -> str:
    """The canonical spelling of the TZID `name`; an unknown one as typed (so reading it raises), or read as
    `unknown_zone_as` when given."""
    if unknown_zone_as is None:
        return canonical_zone(name) or name
    return usable_zone(name, source="stored series") or unknown_zone_as


def _parameters(text: str) -> tuple[str | None, str | None]:
    zone_name: str | None = None
    value_type: str | None = None
    for parameter in filter(None, text.split(";")):
        name, equals, value = parameter.partition("=")
        if not equals:
            raise ValueError(f"malformed parameter {parameter!r}")
        name, value = name.strip().upper(), value.strip().strip('"')
        if name == "TZID":
            zone_name = value  # checked where it is read, which may read an unknown stored one as another zone
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
                until = to_wall(moment.replace(tzinfo=UTC), zone)
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

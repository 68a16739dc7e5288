"""Evaluating a recurrence: which rule instances it has, and the moments they happen at.

A rule means what `dateutil.rrule` makes of it on naive local wall times, so "15:00 every other Tuesday" stays
15:00 local across daylight-saving changes; only then is each instance placed in the zone (see
`bot.recurrence.zones`). Should two instances land on the same moment that way (an hourly rule across a gap),
the later one is dropped, so occurrences always strictly increase.

The scheduler asks every schedule for its next occurrence at start-up, so evaluation is built for that: the
evaluation plan of each `Recurrence` value is cached, and a query never walks the rule from its first instance.
Weekly, daily and monthly rules, and yearly ones that keep to days of the month, are worked out period by
period (`bot.recurrence.periods`); every other rule is evaluated by dateutil, re-anchored on the period just
before the query (`bot.recurrence.anchored`). `Recurrence.next_after` therefore looks at most 400 years ahead.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.recurrence.anchored import Anchored, Counted
from bot.recurrence.periods import Monthly, Periodic
from bot.recurrence.rule import DAILY, MONTHLY, WEEKLY, YEARLY, parse_rule
from bot.recurrence.zones import gap_before, resolve, to_wall, zone_of

if TYPE_CHECKING:
    from bot.recurrence.value import Recurrence

_TICK = timedelta(microseconds=1)


class InstanceSource(Protocol):
    """The naive rule instances at or after a wall time, in order. A search that is given no horizon may stop
    after one 400-year frame; with a horizon it goes on until past it."""

    def __call__(self, wall: datetime, horizon: datetime | None) -> Iterator[datetime]: ...


@dataclass(frozen=True, slots=True)
class Plan:
    """How one recurrence is evaluated: its zone, its skipped wall times and where its instances come from."""

    zone: ZoneInfo
    exdates: frozenset[datetime]
    instances: InstanceSource


def moments(recurrence: Recurrence, after: datetime, horizon: datetime | None) -> Iterator[datetime]:
    """The occurrences strictly after the aware `after`, as UTC moments, strictly increasing. Without a
    `horizon` (a naive local wall time) the search may stop after one 400-year frame."""
    planned = plan(recurrence)
    zone = planned.zone
    try:
        wall = to_wall(after, zone)
    except OverflowError:
        return
    last = after
    for instance in planned.instances(wall - gap_before(zone, wall), horizon):
        if instance in planned.exdates:
            continue
        moment = resolve(instance, zone)
        if moment > last:
            last = moment
            yield moment


def first_instance(recurrence: Recurrence, moment: datetime) -> datetime | None:
    """The naive local rule instance of the first occurrence at or after the aware `moment`, or None.

    This is the instance as the rule writes it: in a daylight-saving gap it is the wall time that does not
    exist, not the one the occurrence is shown at.
    """
    zone = zone_of(recurrence.timezone)
    occurrence = recurrence.next_after(moment - _TICK)
    if occurrence is None:
        return None
    local = to_wall(occurrence, zone)
    planned = plan(recurrence)
    for instance in planned.instances(local - gap_before(zone, local), None):
        if instance not in planned.exdates and resolve(instance, zone) == occurrence:
            return instance
    return local  # not reached: the occurrence came from one of these instances


def first_instance_from(recurrence: Recurrence, wall: datetime) -> datetime | None:
    """The first rule instance at or after the naive local `wall`, skipped ones included; None if there is none
    (within 400 years)."""
    return next(iter(plan(recurrence).instances(wall, None)), None)


def instance_shown_at(recurrence: Recurrence, local: datetime) -> datetime:
    """The rule instance whose occurrence is shown at the naive local wall time `local`, or `local` itself
    when there is none: an instance in a daylight-saving gap is shown an hour later."""
    zone = zone_of(recurrence.timezone)
    target = resolve(local, zone)
    for instance in plan(recurrence).instances(local - gap_before(zone, local), None):
        if instance > local:
            break
        if resolve(instance, zone) == target:
            return instance
    return local


@functools.lru_cache(maxsize=1 << 16)
def plan(recurrence: Recurrence) -> Plan:
    """The zone, skipped wall times and instance source of `recurrence`, worked out once per value."""
    parts = parse_rule(recurrence.rule)
    start, until = recurrence.start, recurrence.until
    source: InstanceSource
    shape = _shape(recurrence.rule)
    if recurrence.count is not None:
        source = Counted(parts, start, recurrence.count)
    elif shape == "periodic":
        source = Periodic(recurrence.rule, start, until)
    elif shape == "monthly":
        source = Monthly(parts, start, until)
    else:
        source = Anchored(parts, start, until)
    return Plan(zone_of(recurrence.timezone), frozenset(recurrence.exdates), source)


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


"""How long before an occurrence it falls due: a lead time read as RFC 5545 reads a duration.

A lead's whole days are nominal, calendar days in the schedule's zone (`P1D` is not `PT24H`): "a day before" a
Sunday 10:00 meeting is Saturday 10:00 on the local clock, whether or not the clocks change in between. What is
left over (hours, minutes) is an exact duration, taken after the days: a lead of 1 day 2 hours before Sunday 10:00
is Saturday 10:00 local, then 2 hours earlier. A wall time the days land on that does not exist (the
spring-forward gap) moves forward by the gap, and one that happens twice happens the first time, as meeting
times do (`bot.recurrence.zones.resolve`). Leads are stored as whole minutes; any lead of 1440 minutes or more
has whole days (1500 minutes is 1 day and 1 hour), so no stored lead needs telling apart.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.recurrence.zones import resolve, to_wall, zone_of

_DAY = timedelta(days=1)
# How much earlier than `moment + lead` the first instance whose due time is after `moment` can be: the largest
# change of a clock's offset within a lead (a daylight-saving change is an hour; a zone that moved across the
# date line moved 24 hours).
_SLACK = timedelta(days=1, hours=1)


def due_before(at: datetime, lead: timedelta, zone: str) -> datetime:
    """When an instance at the aware `at` falls due, `lead` before it: the lead's whole days as calendar days in
    the IANA `zone`, then the rest as an exact duration. A lead shorter than a day (or negative: due after the
    instance) is exact. Returns UTC."""
    if lead < _DAY:
        return at - lead
    days = timedelta(days=lead.days)
    local = zone_of(zone)
    return resolve(to_wall(at, local) - days, local) - (lead - days)


def earliest_search(moment: datetime, lead: timedelta) -> datetime:
    """Where to start looking for the first instance due strictly after `moment`: no instance before it can be
    (instances from here on are checked one by one with `due_before`)."""
    if lead < _DAY:
        return moment + lead
    return moment + lead - _SLACK

"""Weeks as a community lives them: Monday 00:00 to the next Monday 00:00 on the clock of its time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.recurrence.zones import resolve, zone_of

MOST_WEEKS = 530  # about ten years: more weeks than any retention keeps


def week_bounds(zone: str, since: datetime, until: datetime) -> list[datetime]:
    """The starts of the weeks from the one holding `since` through the one holding `until`, and the end of the
    last one: n + 1 aware UTC moments for n weeks (one week at least). A week is as long as its clock says: 167 or
    169 hours across a daylight-saving change.

    Raises `ValueError` for an unknown zone, naive moments, `until` before `since`, or more than `MOST_WEEKS`.
    """
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("week bounds need aware moments")
    if until < since:
        raise ValueError("until is before since")
    local_zone = zone_of(zone)
    first = since.astimezone(local_zone).date()
    monday = first - timedelta(days=first.weekday())
    last = until.astimezone(local_zone).date()
    weeks = (last - monday).days // 7 + 1
    if weeks > MOST_WEEKS:
        raise ValueError(f"at most {MOST_WEEKS} weeks at once")
    return [resolve(datetime.combine(monday + timedelta(weeks=n), time()), local_zone) for n in range(weeks + 1)]

"""What a member chooses for their meeting reminder DMs, as stored in their preferences: the lead times and the
quiet hours. Each has one writer (`write_…`, used by the meetings service) and a strict reader (`read_…`) that
accepts exactly what the writer writes; `…_of(member)` reads a member's choice and warns once about a stored value
it cannot read (see `bot.preferences`), which then counts as not set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from bot.i18n import _
from bot.preferences import unreadable
from bot.recurrence.zones import zone_of
from bot.tenancy import Member

DM_LEADS = "meeting_dm_leads"  # "off", or minutes before each meeting: "1440,60"
QUIET_HOURS = "meeting_quiet_hours"  # "22:00-07:00": no reminder DMs then, in the member's own time zone
MAX_DM_LEADS = 4
MAX_DM_LEAD_MINUTES = 14 * 24 * 60
LEADS_OFF = "off"

QuietHours = tuple[time, time]
NOT_QUIET_HOURS = _("Give quiet hours as two times of day, such as 22:00-07:00, or off. Leave out seconds and "
                    "time zones: quiet hours follow your own time zone.")
QUIET_HOURS_EXAMPLE = _("For example: /meeting remind quiet 22:00-07:00")

# Exactly what `write_quiet_hours` writes: two 24-hour HH:MM times, nothing before, between or after them.
_STORED_QUIET_HOURS = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")
_STORED_MINUTES = re.compile(r"0|[1-9][0-9]{0,4}")


def is_quiet_hours(window: QuietHours) -> bool:
    """Whether `window` can be stored: two different naive times of day on a whole minute."""
    return all(moment.tzinfo is None and not moment.second and not moment.microsecond for moment in window) and (
        window[0] != window[1])


def write_quiet_hours(window: QuietHours) -> str:
    """The stored form of a quiet-hours window ("22:00-07:00"); `ValueError` for one `is_quiet_hours` refuses."""
    if not is_quiet_hours(window):
        raise ValueError("quiet hours are two different naive times of day on a whole minute")
    start, end = window
    return f"{start:%H:%M}-{end:%H:%M}"


def read_quiet_hours(stored: object) -> QuietHours | None:
    """The window `write_quiet_hours` stored as `stored`; None for anything else. Never raises."""
    if not isinstance(stored, str):
        return None
    found = _STORED_QUIET_HOURS.fullmatch(stored)
    if found is None:
        return None
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in found.groups())
    window = (time(start_hour, start_minute), time(end_hour, end_minute))
    return window if window[0] != window[1] else None


def quiet_hours_of(member: Member) -> QuietHours | None:
    """The member's quiet hours; None when they chose none or the stored value cannot be read (warned once)."""
    stored = member.preferences.get(QUIET_HOURS)
    window = read_quiet_hours(stored)
    if window is None and stored is not None:
        unreadable(QUIET_HOURS, member=member, stored=stored)
    return window


def in_quiet_hours(moment: datetime, zone: str, window: QuietHours | None) -> bool:
    """Whether the aware `moment` falls in `window`, read in the IANA `zone` (the window may cross midnight)."""
    if window is None:
        return False
    local = moment.astimezone(zone_of(zone)).time().replace(tzinfo=None)
    start, end = window
    return start <= local < end if start < end else (local >= start or local < end)


def write_dm_leads(leads: Iterable[timedelta]) -> str:
    """The stored form of a member's reminder DM lead times: whole minutes, longest first; "off" for none."""
    minutes = sorted({int(lead.total_seconds() // 60) for lead in leads}, reverse=True)
    if len(minutes) > MAX_DM_LEADS or any(not 0 <= m <= MAX_DM_LEAD_MINUTES for m in minutes):
        raise ValueError(f"at most {MAX_DM_LEADS} lead times, each at most 14 days")
    return ",".join(str(m) for m in minutes) if minutes else LEADS_OFF


def read_dm_leads(stored: object) -> tuple[timedelta, ...] | None:
    """The lead times `write_dm_leads` stored as `stored` (`()` for "off"); None for anything else. Never raises."""
    if not isinstance(stored, str):
        return None
    if stored == LEADS_OFF:
        return ()
    parts = stored.split(",")
    if len(parts) > MAX_DM_LEADS or not all(_STORED_MINUTES.fullmatch(part) for part in parts):
        return None
    minutes = [int(part) for part in parts]
    if minutes != sorted(set(minutes), reverse=True) or minutes[0] > MAX_DM_LEAD_MINUTES:
        return None  # the writer writes each once, longest first
    return tuple(timedelta(minutes=m) for m in minutes)


def dm_leads_of(member: Member) -> tuple[timedelta, ...] | None:
    """The member's own reminder DM lead times: None when they chose nothing (or the stored value cannot be read,
    warned once), `()` when they turned them off."""
    stored = member.preferences.get(DM_LEADS)
    leads = read_dm_leads(stored)
    if leads is None and stored is not None:
        unreadable(DM_LEADS, member=member, stored=stored)
    return leads

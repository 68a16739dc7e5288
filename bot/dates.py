"""Dates and times as a reader reads them: in their language and their time zone.

Every adapter that writes a moment as text (the console, Slack's fallback text, Discord's plain-text places) goes
through `format_moment`. The patterns come from Babel, so names and zone abbreviations are the locale's own:

    nl  do 5 mrt 2026 10:00 CET       (date: do 5 mrt 2026, time: 10:00 CET)
    en  Thu 5 Mar 2026 10:00 CET      (date: Thu 5 Mar 2026, time: 10:00 CET)

The zone is Babel's short name for the locale where it has one (`CET`, `CEST`, `UTC`), else the zone's own
abbreviation (`EST`, `AEDT`), else the offset from UTC (`+0530`). A relative moment ("in 2 days", "over 2
dagen") is one of Hearth's own messages, with its plural forms in the catalogs.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from functools import cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_datetime

from bot.catalogs import SOURCE_LANGUAGE, Catalogs
from bot.i18n import Msg, Translator, _, _n, render
from bot.messages import Timestamp, TimestampStyle

DATE_PATTERN = "EEE d MMM y"
TIME_PATTERN = "HH:mm"
ZONE_PATTERN = "z"

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def format_date(moment: datetime, language: str, zone: tzinfo) -> str:
    """The local day of `moment`: "do 5 mrt 2026", "Thu 5 Mar 2026"."""
    return format_datetime(moment.astimezone(zone), DATE_PATTERN, tzinfo=zone, locale=_locale(language))


def format_time(moment: datetime, language: str, zone: tzinfo) -> str:
    """The local time of `moment` with its zone: "10:00 CET", "10:00 CEST"."""
    local = moment.astimezone(zone)
    time = format_datetime(local, TIME_PATTERN, tzinfo=zone, locale=_locale(language))
    return f"{time} {zone_name(local, language)}"


def zone_name(local: datetime, language: str) -> str:
    """The short name of `local`'s zone at that moment: Babel's for `language` when it has a name for it ("CET"
    in Dutch), else the zone's own abbreviation ("CET", "EDT", "AEST"), else the offset from UTC ("+0530")."""
    zone = local.tzinfo
    babel_name = format_datetime(local, ZONE_PATTERN, tzinfo=zone, locale=_locale(language))
    if babel_name[:1].isalpha() and not babel_name.startswith("GMT"):
        return babel_name
    abbreviation = local.tzname() or ""
    return abbreviation if abbreviation.isalpha() else babel_name


def format_date_time(moment: datetime, language: str, zone: tzinfo) -> str:
    """The local day and time of `moment`: "do 5 mrt 2026 10:00 CET"."""
    return f"{format_date(moment, language, zone)} {format_time(moment, language, zone)}"


def relative(delta: timedelta) -> Msg:
    """How far away a moment `delta` from now is, in whole days, hours or minutes: "in 2 days", "3 hours ago"."""
    seconds = int(delta.total_seconds())
    future = seconds >= 0
    seconds = abs(seconds)
    for unit, size in _UNITS:
        if seconds >= size:
            return _amount(unit, seconds // size, future)
    return _("now")


def _amount(unit: str, count: int, future: bool) -> Msg:
    if unit == "day":
        if future:
            return _n("in {n} day", "in {n} days", count)
        return _n("{n} day ago", "{n} days ago", count)
    if unit == "hour":
        if future:
            return _n("in {n} hour", "in {n} hours", count)
        return _n("{n} hour ago", "{n} hours ago", count)
    if future:
        return _n("in {n} minute", "in {n} minutes", count)
    return _n("{n} minute ago", "{n} minutes ago", count)


@cache
def shipped_catalogs() -> Catalogs:
    """The catalogs that ship with Hearth, read once."""
    return Catalogs.load()


def format_moment(stamp: Timestamp, zone: tzinfo, now: datetime, translator: Translator | None = None) -> str:
    """`stamp` as text for its reader: in `stamp.language`, in `zone`, a relative one measured from `now`."""
    language = stamp.language
    try:
        if stamp.style is TimestampStyle.DATE:
            return format_date(stamp.at, language, zone)
        if stamp.style is TimestampStyle.TIME:
            return format_time(stamp.at, language, zone)
        if stamp.style is TimestampStyle.RELATIVE:
            text = render(translator or shipped_catalogs(), language, relative(stamp.at - now))
            return "".join(part for part in text.parts if isinstance(part, str))
        return format_date_time(stamp.at, language, zone)
    except OverflowError:
        return stamp.at.isoformat(" ", "minutes")

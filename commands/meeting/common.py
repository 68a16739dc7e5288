"""What the /meeting commands share: reading lead times and quiet hours members typed, the series names for
autocomplete, and the request details every series command takes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time, timedelta
from typing import Any

from bot.clock_times import read_clock
from bot.errors import UserError
from bot.i18n import _
from bot.meetings.preferences import NOT_QUIET_HOURS, QUIET_HOURS_EXAMPLE
from bot.meetings.requests import SeriesDetails
from bot.refs import WorkspaceRef
from commands.completion import SuggestionContext
from commands.values import parse_duration, parse_member

OFF_WORDS = ("none", "geen", "off", "uit")


async def series_titles(context: SuggestionContext, typed: str) -> Sequence[str]:
    """The titles of the series of the channel's community, for autocomplete."""
    return await context.services.meetings.titles(context.channel)


def parse_leads(text: str | None) -> tuple[timedelta, ...] | None:
    """Lead times as typed ("1d 1h", "2h before", "none"): None when nothing was typed, () for none."""
    if text is None:
        return None
    words = [w for w in text.replace(",", " ").split() if w.casefold() not in ("before", "voor", "vooraf")]
    if len(words) == 1 and words[0].casefold() in OFF_WORDS:
        return ()
    leads = tuple(parse_duration(word) for word in words)
    if not leads:
        raise UserError(_("Say how long before, such as 1d 1h, or none."))
    return leads


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """Quiet hours as typed: two times of day joined by a dash ("22:00-07:00", "22u - 7u", "10pm-7am").

    Raises `UserError` for anything else: a time with seconds, a time zone or offset ("07:00Z", "07:00+05:00"),
    an ISO "T", a bare hour, or the same time twice. Quiet hours follow the member's own zone, so none is taken.
    """
    start, dash, end = "".join(text.split()).casefold().partition("-")
    window = (_quiet_time(start), _quiet_time(end)) if dash else None
    if window is None or window[0] is None or window[1] is None or window[0] == window[1]:
        raise UserError(NOT_QUIET_HOURS, hint=QUIET_HOURS_EXAMPLE)
    return window[0], window[1]


def _quiet_time(word: str) -> time | None:
    written = read_clock(word)
    if written is None or written.bare or written.second is not None:
        return None
    return written.time_of_day()


def series_details(args: dict[str, Any], workspace: WorkspaceRef) -> SeriesDetails:
    """The --for, --link, --where, --about, --hosts and --remind a member gave, read."""
    hosts = None
    if args.get("hosts") is not None:
        hosts = tuple(parse_member(word, workspace) for word in str(args["hosts"]).replace(",", " ").split())
    return SeriesDetails(
        duration=args.get("for"), link=args.get("link") or None, place=args.get("where") or None,
        about=args.get("about"), hosts=hosts, reminder_leads=parse_leads(args.get("remind")),
    )

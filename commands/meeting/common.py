"""What the /meeting commands share: reading lead times members typed, the series names for autocomplete, and
the request details every series command takes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.errors import UserError
from bot.i18n import _
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


def series_details(args: dict[str, Any], workspace: WorkspaceRef) -> SeriesDetails:
    """The --for, --link, --where, --about, --hosts and --remind a member gave, read."""
    hosts = None
    if args.get("hosts") is not None:
        hosts = tuple(parse_member(word, workspace) for word in str(args["hosts"]).replace(",", " ").split())
    return SeriesDetails(
        duration=args.get("for"), link=args.get("link") or None, place=args.get("where") or None,
        about=args.get("about"), hosts=hosts, reminder_leads=parse_leads(args.get("remind")),
    )

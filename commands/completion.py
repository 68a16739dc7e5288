"""Suggestions while a member types a parameter: the values of Discord's autocomplete.

Time zones, languages and long choice lists are suggested here; a feature offers its own names (polls, meeting
series, tags) by giving its parameter a `suggest` function, which reads them for the member's workspace.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from bot.refs import ChannelRef, MemberRef
from bot.services import Services
from bot.time_zones import zone_names
from commands.spec import Param, ParamKind

MAX_SUGGESTIONS = 25


@dataclass(frozen=True, slots=True)
class SuggestionContext:
    """Where the member is typing: their workspace's data is read through the feature services."""

    services: Services
    channel: ChannelRef
    member: MemberRef


Suggest = Callable[[SuggestionContext, str], Awaitable[Sequence[str]]]


async def suggestions(
    param: Param, typed: str, *, languages: Sequence[str], context: SuggestionContext
) -> list[str]:
    """At most 25 values for `param` that match what the member typed so far, best matches first.

    A value starting with the typed text comes before one that only contains it; case and spaces are ignored.
    """
    if param.suggest is not None:
        candidates: Iterable[str] = await param.suggest(context, typed)
    elif param.kind is ParamKind.TIMEZONE:
        candidates = _zones()
    elif param.kind is ParamKind.LANGUAGE:
        candidates = languages
    elif param.kind is ParamKind.CHOICE:
        candidates = param.choices
    else:
        return []
    return best_matches(candidates, typed)


def best_matches(candidates: Iterable[str], typed: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The candidates containing `typed` (ignoring case, spaces and `_`), prefix matches first, then in order."""
    wanted = _folded(typed)
    starts: list[str] = []
    contains: list[str] = []
    for candidate in dict.fromkeys(candidates):
        folded = _folded(candidate)
        if folded.startswith(wanted):
            starts.append(candidate)
        elif wanted in folded:
            contains.append(candidate)
    return [*starts, *contains][:limit]


def _folded(text: str) -> str:
    return "".join(text.replace("_", " ").split()).casefold()


@cache
def _zones() -> tuple[str, ...]:
    # Canonical Region/City names only (legacy links such as US/Pacific are read as their zone and never offered):
    # the fixed offsets (EST5EDT, Etc/GMT+3) mislead more than they help.
    return tuple(zone for zone in zone_names() if "/" in zone and not zone.startswith("Etc/"))

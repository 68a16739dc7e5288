"""What Hearth stored per member or community, read back strictly.

Each stored value has one writer (a service request), and its reader accepts exactly what that writer writes. A
value the reader cannot read (written by an older version, or by hand) reads as not set, with one warning that
names where it is stored and never its text, and the reader never raises: a delivery never fails on it. The
member's zone and language fall back to the community's, and the community's to UTC and English.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable

from bot.catalogs import SOURCE_LANGUAGE
from bot.tenancy import Community, Member
from bot.time_zones import canonical_zone
from bot.vocabulary import languages

log = logging.getLogger("hearth.preferences")

FALLBACK_ZONE = "UTC"
MAX_WARNED = 10_000  # distinct unreadable values remembered, so each is warned about once per process

_warned: set[Hashable] = set()


def unreadable(setting: str, *, member: Member | None = None, community: Community | None = None,
               stored: object = None) -> None:
    """Log once, per process and per stored value, that `setting` of `member` (or `community`) cannot be read and
    counts as not set. The warning names the row by its ids only: never the stored text."""
    owner = (f"member {member.id} of workspace {member.workspace_id}" if member is not None
             else f"community {community.id} of workspace {community.workspace_id}" if community is not None
             else "an unknown owner")
    key = (setting, owner, type(stored).__name__, hash(repr(stored)))
    if key in _warned:
        return
    if len(_warned) >= MAX_WARNED:
        _warned.clear()
    _warned.add(key)
    log.warning("the stored %s of %s cannot be read (a %s Hearth does not write); it counts as not set",
                setting, owner, type(stored).__name__)


def forget_warnings() -> None:
    """Warn again about values already warned about, as a new process would."""
    _warned.clear()


def read_zone(stored: object) -> str | None:
    """The canonical spelling of the IANA zone the settings store (`bot.time_zones`); None when it is not one this
    server knows (or not set)."""
    if not isinstance(stored, str) or not stored:
        return None
    return canonical_zone(stored)


def read_language(stored: object) -> str | None:
    """The code of a language Hearth ships, as the settings store it; None when it is not one (or not set)."""
    return stored if isinstance(stored, str) and stored in languages() else None


def community_zone(community: Community) -> str:
    """The community's time zone; UTC (with a warning) when the stored one cannot be read."""
    zone = read_zone(community.timezone)
    if zone is None:
        unreadable("time zone", community=community, stored=community.timezone)
        return FALLBACK_ZONE
    return zone


def community_language(community: Community) -> str:
    """The community's language; English (with a warning) when the stored one is not a language Hearth ships."""
    language = read_language(community.language)
    if language is None:
        unreadable("language", community=community, stored=community.language)
        return SOURCE_LANGUAGE
    return language


def member_zone(member: Member | None, community: Community) -> str:
    """The member's own time zone, or the community's when they chose none or it cannot be read."""
    if member is not None and member.timezone:
        zone = read_zone(member.timezone)
        if zone is not None:
            return zone
        unreadable("time zone", member=member, stored=member.timezone)
    return community_zone(community)


def member_language(member: Member | None, community: Community) -> str:
    """The member's own language, or the community's when they chose none or it cannot be read."""
    if member is not None and member.language:
        language = read_language(member.language)
        if language is not None:
            return language
        unreadable("language", member=member, stored=member.language)
    return community_language(community)

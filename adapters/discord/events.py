"""Meetings mirrored as Discord scheduled events (`DISCORD_SCHEDULED_EVENTS=on`).

Discord shows a server's scheduled events at the top of its channel list, with "Interested" and a reminder of
its own. Hearth keeps one event per series there: its next meeting, moved when the meeting moves, replaced by the
following one after it ends, removed when the series ends. The event is EXTERNAL (its place is the series' link
or room), so it needs no voice channel; creating it needs the Manage Events permission
(`hearth discord invite --scheduled-events`). The event id of each series is kept in the platform state.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from typing import Any

import discord

from adapters.discord.sync import HashStore
from adapters.text_pieces import cut
from bot.meetings.model import Meeting, Series
from bot.ports import Clock
from bot.refs import Platform
from bot.tenancy import Community

log = logging.getLogger("hearth.discord")
PRIVACY_GUILD_ONLY = 2
EXTERNAL = 3
MAX_NAME = 100
MAX_LOCATION = 100
MAX_DESCRIPTION = 1000


def state_name(series: Series) -> str:
    return f"discord.event.{series.id}"


class DiscordEventMirror:
    """A `MeetingHooks.next_meeting` hook: the series' next meeting as the server's scheduled event."""

    def __init__(self, client: discord.Client, store: HashStore, clock: Clock) -> None:
        self._client = client
        self._store = store
        self._clock = clock

    async def __call__(self, community: Community, series: Series, meeting: Meeting | None) -> None:
        workspace = community.channel.workspace
        if workspace.platform is not Platform.DISCORD or not workspace.id.isdigit():
            return
        guild = int(workspace.id)
        existing = await self._store.get(state_name(series)) or None
        try:
            if meeting is None or meeting.cancelled or meeting.end <= self._clock.now():
                if existing is not None:
                    await self._delete(guild, existing)
                    await self._store.put(state_name(series), "", self._clock.now())
                return
            payload = _payload(series, meeting)
            if existing is not None:
                try:
                    await self._client.http.edit_scheduled_event(guild, int(existing), **payload)
                    return
                except discord.NotFound:
                    pass  # deleted in Discord: make a new one
            created = await self._client.http.create_guild_scheduled_event(guild, **payload)
            await self._store.put(state_name(series), str(created["id"]), self._clock.now())
        except discord.Forbidden:
            log.warning("Hearth may not manage events in server %s: invite it with hearth discord invite "
                        "--scheduled-events, or set DISCORD_SCHEDULED_EVENTS=off", guild)

    async def _delete(self, guild: int, event_id: str) -> None:
        with contextlib.suppress(discord.NotFound):  # removed in Discord already
            await self._client.http.delete_scheduled_event(guild, int(event_id))


def _payload(series: Series, meeting: Meeting) -> dict[str, Any]:
    return {
        "name": cut(series.title, MAX_NAME),
        "privacy_level": PRIVACY_GUILD_ONLY,
        "entity_type": EXTERNAL,
        "entity_metadata": {"location": cut(series.location or series.title, MAX_LOCATION)},
        "scheduled_start_time": _iso(meeting.start),
        "scheduled_end_time": _iso(meeting.end),
        "description": cut(series.description, MAX_DESCRIPTION),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat()

"""What the meetings feature needs from storage. Every method takes the workspace id, like every repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.meetings.model import AgendaItem, Answer, Change, Series
from bot.refs import MemberRef


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    """A secret feed address: a community's meetings (`community_id`) or a member's (`member`)."""

    token: str
    workspace_id: int
    community_id: int | None
    member: MemberRef | None
    revoked: bool = False


class MeetingRepository(Protocol):
    """Series, their changes, RSVPs, agenda items and calendar feeds."""

    async def add_series(self, series: Series, at: datetime) -> Series:
        """Store a new series (its `id` is ignored) and return it with its id."""
        ...

    async def get_series(self, workspace_id: int, series_id: int) -> Series | None: ...

    async def series_of(self, workspace_id: int, community_id: int) -> list[Series]:
        """The community's series, oldest first, ended ones included."""
        ...

    async def update_series(self, series: Series, at: datetime) -> None:
        """Store changed fields; `LookupError` when the series is not in its workspace."""
        ...

    async def active_series(self) -> list[Series]:
        """Every series that is not ended, in every workspace: for the reminder schedules only."""
        ...

    async def active_with_changes(self) -> list[tuple[Series, list[Change]]]:
        """`active_series` each with its changes, read in two queries: what the reminder kinds reload."""
        ...

    async def changes(self, workspace_id: int, series_id: int) -> list[Change]: ...

    async def series_in(self, workspace_id: int) -> list[Series]:
        """Every series of the workspace, in all its communities, oldest first, ended ones included: one query."""
        ...

    async def changes_of(self, workspace_id: int, series_ids: Sequence[int]) -> dict[int, list[Change]]:
        """`changes` of several series in one query, by series id; every id asked for is a key (a series of
        another workspace, or none, maps to no changes)."""
        ...

    async def rsvps_of(self, workspace_id: int, meetings: Sequence[tuple[int, datetime]],
                       ) -> dict[tuple[int, datetime], dict[str, Answer]]:
        """`rsvps` of several meetings (series id, original start) in one query; every meeting asked for is a
        key (without answers, or of a series of another workspace: an empty mapping)."""
        ...

    async def set_change(self, workspace_id: int, change: Change) -> None:
        """Record (or replace) what happened to one meeting."""
        ...

    async def rsvps(self, workspace_id: int, series_id: int, original: datetime) -> dict[str, Answer]:
        """Answers for one meeting by member id."""
        ...

    async def set_rsvp(self, workspace_id: int, series_id: int, original: datetime, member: MemberRef,
                       answer: Answer, at: datetime) -> None: ...

    async def going(self, workspace_id: int, member: MemberRef) -> Mapping[tuple[int, datetime], Answer]:
        """A member's answers by (series id, meeting), for their own calendar feed."""
        ...

    async def agenda(self, workspace_id: int, series_id: int, original: datetime) -> list[AgendaItem]:
        """The meeting's agenda, most votes first, then oldest first."""
        ...

    async def add_agenda_item(self, workspace_id: int, series_id: int, original: datetime, author: MemberRef,
                              text: str, at: datetime) -> AgendaItem: ...

    async def edit_agenda_item(self, workspace_id: int, item_id: int, text: str) -> AgendaItem | None:
        """Replace the item's text, keeping its author and votes; None (nothing changed) when the item is not in
        the workspace."""
        ...

    async def remove_agenda_item(self, workspace_id: int, item_id: int) -> bool:
        """Delete the item and its votes; False (nothing deleted) when the item is not in the workspace."""
        ...

    async def toggle_vote(self, workspace_id: int, item_id: int, member: MemberRef) -> AgendaItem | None:
        """Add the member's vote, or take it back; None when the item is not in the workspace."""
        ...

    async def add_feed(self, feed: CalendarFeed, at: datetime) -> None: ...

    async def feed(self, token: str) -> CalendarFeed | None:
        """The feed with this secret token, in whatever workspace (the token is the credential)."""
        ...

    async def feeds_of(self, workspace_id: int, community_id: int | None, member: MemberRef | None,
                       ) -> list[CalendarFeed]:
        """The live feeds of a community (member None) or of a member (community None)."""
        ...

    async def revoke_feeds(self, workspace_id: int, community_id: int | None, member: MemberRef | None,
                           at: datetime) -> int:
        """Revoke the live feeds of a community or a member; returns how many."""
        ...

"""What the activity record needs from storage. Every method takes the workspace id, like every repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.activity.model import Activity, MemberPosts, Question, WeekActivity


class ActivityRepository(Protocol):
    """Members' messages and reactions in communities' channels, as metadata (`bot.activity.model`).

    The reads are aggregates computed by the database over its indexes; none loads a community's rows to count
    them. "Messages" are posts and replies; reactions are never messages.
    """

    async def add_many(self, rows: Sequence[Activity]) -> int:
        """Store `rows` in one statement; returns how many were stored. A row whose community or member no longer
        exists (erased since it was recorded) or is not of the row's workspace is left out, so that it never stops
        the others."""
        ...

    async def purge(self, workspace_id: int, before: datetime) -> int:
        """Delete the workspace's rows from before `before`; returns how many went."""
        ...

    async def workspaces(self) -> list[int]:
        """The ids of the workspaces holding any activity. Cross-tenant: for the retention schedule only."""
        ...

    async def weeks(self, workspace_id: int, community_id: int, zone: str, since: datetime,
                    until: datetime) -> list[WeekActivity]:
        """The community's posts, replies and reactions per week, Monday to Monday in `zone`, from the week
        holding `since` through the week holding `until`, each week counted whole, oldest first (weeks without
        any are there, with zeros). Raises `ValueError` as `bot.activity.weeks.week_bounds` does."""
        ...

    async def member_messages(self, workspace_id: int, community_id: int, since: datetime,
                              until: datetime) -> list[MemberPosts]:
        """Each member who posted or replied in the community from `since` (inclusive) to `until` (exclusive):
        how many messages and the last one's time, by member id."""
        ...

    async def recent_messages(self, workspace_id: int, community_id: int, member_id: int, *,
                              most: int = 30) -> list[datetime]:
        """The times of the member's last `most` messages in the community, newest first: the gaps between them
        are the member's own rhythm."""
        ...

    async def recent_messages_of(self, workspace_id: int, community_id: int, member_ids: Sequence[int], *,
                                 most: int = 30) -> dict[int, list[datetime]]:
        """`recent_messages` of each of `member_ids` at once (a member without any is left out)."""
        ...

    async def unanswered(self, workspace_id: int, community_id: int, since: datetime, before: datetime, *,
                         most: int = 50) -> list[Question]:
        """The community's posts that read as a question, asked from `since` (inclusive) to `before` (exclusive),
        that nobody but their author replied to in their thread or reacted to; oldest first, at most `most`."""
        ...

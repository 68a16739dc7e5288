"""What the nudges need from storage. Every method takes the workspace id, like every repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.nudges.model import Goal, MemberWishes, Prompt

__all__ = ["NudgeRepository"]


class NudgeRepository(Protocol):
    """A community's goal and prompt bank, and each member's wishes."""

    async def goal(self, workspace_id: int, community_id: int) -> Goal | None:
        """The community's agreed rhythm; None when it agreed none."""
        ...

    async def set_goal(self, workspace_id: int, community_id: int, goal: Goal | None, at: datetime) -> None:
        """Store the community's goal (None: no goal)."""
        ...

    async def wishes(self, workspace_id: int, member_id: int) -> MemberWishes:
        """The member's wishes (the defaults when they never said any)."""
        ...

    async def set_wishes(self, workspace_id: int, member_id: int, wishes: MemberWishes, at: datetime) -> None: ...

    async def prompts(self, workspace_id: int, community_id: int) -> list[Prompt]:
        """The community's bank as stored, oldest first: Hearth's prompts it has (by key) and its own, without
        those set aside."""
        ...

    async def known_keys(self, workspace_id: int, community_id: int) -> set[str]:
        """The keys of Hearth's prompts the community's bank has had, set aside or not."""
        ...

    async def add_prompts(self, workspace_id: int, community_id: int, keys: Sequence[str], texts: Sequence[str],
                          added_by: str, at: datetime) -> list[int]:
        """Add Hearth's prompts `keys` and the community's own `texts`; their ids."""
        ...

    async def set_aside(self, workspace_id: int, community_id: int, prompt_id: int, at: datetime) -> Prompt | None:
        """Take a prompt out of the bank (a prompt of Hearth's stays set aside, never added again); None when the
        bank has no such prompt."""
        ...

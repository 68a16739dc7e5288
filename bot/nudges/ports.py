"""What the nudges need from storage. Every method takes the workspace id, like every repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.nudges.model import Goal, LogState, MemberWishes, NudgeRecord, Prompt
from bot.nudges.rules import RuleSettings

__all__ = ["NudgeRepository"]


class NudgeRepository(Protocol):
    """A community's goal, rule settings and prompt bank, each member's wishes, and the log of nudges."""

    async def goal(self, workspace_id: int, community_id: int) -> Goal | None:
        """The community's agreed rhythm; None when it agreed none."""
        ...

    async def set_goal(self, workspace_id: int, community_id: int, goal: Goal | None, at: datetime) -> None:
        """Store the community's goal (None: no goal)."""
        ...

    async def wishes(self, workspace_id: int, member_id: int) -> MemberWishes:
        """The member's wishes (the defaults when they never said any)."""
        ...

    async def wishes_of(self, workspace_id: int, member_ids: Sequence[int]) -> dict[int, MemberWishes]:
        """The wishes of those of `member_ids` who said any, by member id, in one query per 500."""
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

    async def rule_settings(self, workspace_id: int, community_id: int) -> dict[str, RuleSettings]:
        """The rules the community's facilitators tuned, by name (a rule not there has its kind's defaults)."""
        ...

    async def set_rule(self, workspace_id: int, community_id: int, rule: str, settings: RuleSettings,
                       at: datetime) -> None: ...

    async def communities(self) -> list[tuple[int, int, str]]:
        """Every community as (workspace id, community id, time zone as stored). Cross-tenant: for the rounds'
        schedules only."""
        ...

    async def joined(self, workspace_id: int, since: datetime, before: datetime) -> list[int]:
        """The ids of the members Hearth first saw in the workspace from `since` (inclusive) to `before`."""
        ...

    async def add_log(self, workspace_id: int, records: Sequence[NudgeRecord], round_at: datetime,
                      at: datetime) -> list[NudgeRecord]:
        """Log `records` (their ids and states are ignored) as planned in the round at `round_at`; them with their
        ids. An id is never given twice, also after a nudge is erased."""
        ...

    async def round_log(self, workspace_id: int, community_id: int, round_at: datetime) -> list[NudgeRecord]:
        """The nudges the community's round at `round_at` planned, in order."""
        ...

    async def log_entry(self, workspace_id: int, log_id: int) -> NudgeRecord | None: ...

    async def settle(self, workspace_id: int, ids: Sequence[int], state: LogState, at: datetime) -> None:
        """Move the logged nudges `ids` to `state`."""
        ...

    async def last_of_rule(self, workspace_id: int, community_id: int, rule: str) -> NudgeRecord | None:
        """The community's latest nudge of `rule`, whatever its state."""
        ...

    async def subjects(self, workspace_id: int, community_id: int, rule: str, subjects: Sequence[str]) -> set[str]:
        """Which of `subjects` the community had a nudge of `rule` about (a question surfaced, a week noted)."""
        ...

    async def last_personal(self, workspace_id: int, member_ids: Sequence[int]) -> dict[int, datetime]:
        """When each of `member_ids` was last given a personal nudge (`PERSONAL_RULES`, in any of the workspace's
        communities, delivered or planned), by member id."""
        ...

    async def awaiting(self, workspace_id: int, community_id: int) -> list[NudgeRecord]:
        """The community's personal nudges sent and not yet seen answered or ignored."""
        ...

    async def welcomed(self, workspace_id: int, member_ids: Sequence[int], rule: str) -> set[int]:
        """Which of `member_ids` had a nudge of `rule` in any community of the workspace."""
        ...

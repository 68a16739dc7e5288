"""The nudges repository over an `AsyncSession`: goals, members' wishes and prompt banks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.nudges.model import Goal, MemberWishes, Period, Prompt
from storage.tables import NudgeGoalRow, NudgePromptRow, NudgeWishesRow

__all__ = ["SqlNudgeRepository"]


class SqlNudgeRepository:
    """Implements `bot.nudges.ports.NudgeRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def goal(self, workspace_id: int, community_id: int) -> Goal | None:
        row = await self._session.get(NudgeGoalRow, community_id)
        if row is None or row.workspace_id != workspace_id:
            return None
        return Goal(row.posts, Period(row.period))

    async def set_goal(self, workspace_id: int, community_id: int, goal: Goal | None, at: datetime) -> None:
        row = await self._session.get(NudgeGoalRow, community_id)
        if goal is None:
            if row is not None and row.workspace_id == workspace_id:
                await self._session.delete(row)
            return
        if row is None:
            row = NudgeGoalRow(community_id=community_id, workspace_id=workspace_id, posts=goal.posts,
                               period=goal.period.value, changed_at=at)
        else:
            row.posts, row.period, row.changed_at = goal.posts, goal.period.value, at
        self._session.add(row)
        await self._session.flush()

    async def wishes(self, workspace_id: int, member_id: int) -> MemberWishes:
        row = await self._session.get(NudgeWishesRow, member_id)
        if row is None or row.workspace_id != workspace_id:
            return MemberWishes()
        return MemberWishes(row.every_days, row.off, row.snoozed_until, row.ignored)

    async def set_wishes(self, workspace_id: int, member_id: int, wishes: MemberWishes, at: datetime) -> None:
        row = await self._session.get(NudgeWishesRow, member_id)
        if row is None:
            row = NudgeWishesRow(member_id=member_id, workspace_id=workspace_id, changed_at=at)
        elif row.workspace_id != workspace_id:
            raise LookupError(f"member {member_id} is not of workspace {workspace_id}")
        row.every_days, row.off, row.snoozed_until, row.ignored = (wishes.every_days, wishes.off,
                                                                   wishes.snoozed_until, wishes.ignored)
        row.changed_at = at
        self._session.add(row)
        await self._session.flush()

    async def prompts(self, workspace_id: int, community_id: int) -> list[Prompt]:
        rows = (await self._session.exec(select(NudgePromptRow).where(
            NudgePromptRow.workspace_id == workspace_id, NudgePromptRow.community_id == community_id,
            col(NudgePromptRow.set_aside_at).is_(None)).order_by(col(NudgePromptRow.id)))).all()
        return [_prompt(row) for row in rows]

    async def known_keys(self, workspace_id: int, community_id: int) -> set[str]:
        rows = (await self._session.exec(select(NudgePromptRow.key).where(
            NudgePromptRow.workspace_id == workspace_id, NudgePromptRow.community_id == community_id,
            NudgePromptRow.key != ""))).all()
        return set(rows)

    async def add_prompts(self, workspace_id: int, community_id: int, keys: Sequence[str], texts: Sequence[str],
                          added_by: str, at: datetime) -> list[int]:
        rows = [NudgePromptRow(workspace_id=workspace_id, community_id=community_id, key=key, added_at=at)
                for key in keys]
        rows += [NudgePromptRow(workspace_id=workspace_id, community_id=community_id, text=text, added_by=added_by,
                                added_at=at) for text in texts]
        self._session.add_all(rows)
        await self._session.flush()
        return [row.id for row in rows if row.id is not None]

    async def set_aside(self, workspace_id: int, community_id: int, prompt_id: int, at: datetime) -> Prompt | None:
        if not 0 < prompt_id < 2**62:
            return None
        row = await self._session.get(NudgePromptRow, prompt_id)
        if row is None or (row.workspace_id, row.community_id) != (workspace_id, community_id) or row.set_aside_at:
            return None
        row.set_aside_at = at
        self._session.add(row)
        await self._session.flush()
        return _prompt(row)


def _prompt(row: NudgePromptRow) -> Prompt:
    assert row.id is not None
    return Prompt(row.id, row.key, row.text, row.added_by)

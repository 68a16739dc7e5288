"""The nudges repository over an `AsyncSession`: goals, members' wishes and prompt banks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.nudges.model import Goal, LogState, MemberWishes, NudgeRecord, Period, Prompt
from bot.nudges.rules import PERSONAL_RULES, RuleSettings
from storage.repositories import COMMUNITIES, MEMBERS, _rows, id_chunks
from storage.tables import NudgeGoalRow, NudgeLogRow, NudgePromptRow, NudgeRuleRow, NudgeWishesRow

LOG = NudgeLogRow.__table__  # type: ignore[attr-defined]
RULE_ROWS = NudgeRuleRow.__table__  # type: ignore[attr-defined]
WISHES = NudgeWishesRow.__table__  # type: ignore[attr-defined]

__all__ = ["SqlNudgeRepository"]


class SqlNudgeRepository:
    """Implements `bot.nudges.ports.NudgeRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def goal(self, workspace_id: int, community_id: int) -> Goal | None:
        row = await self._session.get(NudgeGoalRow, community_id)
        if row is None or row.workspace_id != workspace_id:
            return None
        return Goal(row.posts, Period(row.period), row.changed_at)

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
        return MemberWishes(row.every_days, row.off, row.snoozed_until, row.ignored, row.dm_closed_at)

    async def wishes_of(self, workspace_id: int, member_ids: Sequence[int]) -> dict[int, MemberWishes]:
        found: dict[int, MemberWishes] = {}
        for chunk in id_chunks(member_ids):
            statement = select(WISHES).where(WISHES.c.workspace_id == workspace_id, WISHES.c.member_id.in_(chunk))
            for row in await _rows(self._session, statement):
                found[row.member_id] = MemberWishes(row.every_days, row.off, row.snoozed_until, row.ignored,
                                                    row.dm_closed_at)
        return found

    async def set_wishes(self, workspace_id: int, member_id: int, wishes: MemberWishes, at: datetime) -> None:
        row = await self._session.get(NudgeWishesRow, member_id)
        if row is None:
            row = NudgeWishesRow(member_id=member_id, workspace_id=workspace_id, changed_at=at)
        elif row.workspace_id != workspace_id:
            raise LookupError(f"member {member_id} is not of workspace {workspace_id}")
        row.every_days, row.off, row.snoozed_until, row.ignored, row.dm_closed_at = (
            wishes.every_days, wishes.off, wishes.snoozed_until, wishes.ignored, wishes.dm_closed_at)
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

    async def rule_settings(self, workspace_id: int, community_id: int) -> dict[str, RuleSettings]:
        statement = select(RULE_ROWS).where(RULE_ROWS.c.workspace_id == workspace_id,
                                            RULE_ROWS.c.community_id == community_id)
        return {row.rule: RuleSettings(row.on, row.days, row.hours, (row.work_from, row.work_to))
                for row in await _rows(self._session, statement)}

    async def set_rule(self, workspace_id: int, community_id: int, rule: str, settings: RuleSettings,
                       at: datetime) -> None:
        row = await self._session.get(NudgeRuleRow, (community_id, rule))
        if row is None:
            row = NudgeRuleRow(community_id=community_id, rule=rule, workspace_id=workspace_id, on=settings.on,
                               days=settings.days, hours=settings.hours, work_from=settings.working[0],
                               work_to=settings.working[1], changed_at=at)
        elif row.workspace_id != workspace_id:
            raise LookupError(f"community {community_id} is not of workspace {workspace_id}")
        else:
            row.on, row.days, row.hours, row.changed_at = settings.on, settings.days, settings.hours, at
            row.work_from, row.work_to = settings.working
        self._session.add(row)
        await self._session.flush()

    async def communities(self) -> list[tuple[int, int, str]]:
        statement = select(COMMUNITIES.c.workspace_id, COMMUNITIES.c.id, COMMUNITIES.c.timezone).order_by(
            COMMUNITIES.c.id)
        return [(int(workspace), int(community), str(zone))
                for workspace, community, zone in await _rows(self._session, statement)]

    async def joined(self, workspace_id: int, since: datetime, before: datetime) -> list[int]:
        statement = select(MEMBERS.c.id).where(MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.joined_at >= since,
                                               MEMBERS.c.joined_at < before).order_by(MEMBERS.c.id)
        return [int(ident) for (ident,) in await _rows(self._session, statement)]

    async def add_log(self, workspace_id: int, records: Sequence[NudgeRecord], round_at: datetime,
                      at: datetime) -> list[NudgeRecord]:
        if not records:
            return []
        values = [{"workspace_id": workspace_id, "community_id": record.community_id, "rule": record.rule,
                   "member_id": record.member_id, "subject": record.subject, "pointer": record.pointer,
                   "facts": dict(record.facts), "state": LogState.PLANNED.value, "round_at": round_at,
                   "planned_at": at} for record in records]
        # One statement for the round, its ids back in the order of the records.
        ids = await _rows(self._session, insert(LOG).returning(LOG.c.id, sort_by_parameter_order=True), values)
        return [replace(record, id=int(ident), state=LogState.PLANNED, round_at=round_at, planned_at=at)
                for record, (ident,) in zip(records, ids, strict=True)]

    async def round_log(self, workspace_id: int, community_id: int, round_at: datetime) -> list[NudgeRecord]:
        statement = select(LOG).where(LOG.c.workspace_id == workspace_id, LOG.c.community_id == community_id,
                                      LOG.c.round_at == round_at).order_by(LOG.c.id)
        return [_record(row) for row in await _rows(self._session, statement)]

    async def log_entry(self, workspace_id: int, log_id: int) -> NudgeRecord | None:
        if not 0 < log_id < 2**62:
            return None
        row = await self._session.get(NudgeLogRow, log_id)
        return None if row is None or row.workspace_id != workspace_id else _record(row)

    async def settle(self, workspace_id: int, ids: Sequence[int], state: LogState, at: datetime) -> None:
        for chunk in id_chunks(ids):
            await _rows(self._session, update(LOG).where(LOG.c.workspace_id == workspace_id, LOG.c.id.in_(chunk))
                        .values(state=state.value, settled_at=at))

    async def last_of_rule(self, workspace_id: int, community_id: int, rule: str) -> NudgeRecord | None:
        statement = select(LOG).where(LOG.c.workspace_id == workspace_id, LOG.c.community_id == community_id,
                                      LOG.c.rule == rule).order_by(LOG.c.id.desc()).limit(1)
        found = [_record(row) for row in await _rows(self._session, statement)]
        return found[0] if found else None

    async def subjects(self, workspace_id: int, community_id: int, rule: str, subjects: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in id_chunks(subjects):
            statement = select(LOG.c.subject).where(
                LOG.c.workspace_id == workspace_id, LOG.c.community_id == community_id, LOG.c.rule == rule,
                LOG.c.subject.in_(chunk))
            found.update(subject for (subject,) in await _rows(self._session, statement))
        return found

    async def last_personal(self, workspace_id: int, member_ids: Sequence[int]) -> dict[int, datetime]:
        found: dict[int, datetime] = {}
        for chunk in id_chunks(member_ids):
            statement = select(LOG.c.member_id, func.max(LOG.c.planned_at)).where(
                LOG.c.workspace_id == workspace_id, LOG.c.member_id.in_(chunk), LOG.c.rule.in_(PERSONAL_RULES),
                LOG.c.state != LogState.UNDELIVERABLE.value).group_by(LOG.c.member_id)
            found.update((int(member), at) for member, at in await _rows(self._session, statement))
        return found

    async def awaiting(self, workspace_id: int, community_id: int) -> list[NudgeRecord]:
        statement = select(LOG).where(LOG.c.workspace_id == workspace_id, LOG.c.community_id == community_id,
                                      LOG.c.state == LogState.SENT.value, LOG.c.member_id.is_not(None),
                                      LOG.c.rule.in_(PERSONAL_RULES)).order_by(LOG.c.id)
        return [_record(row) for row in await _rows(self._session, statement)]

    async def welcomed(self, workspace_id: int, member_ids: Sequence[int], rule: str) -> set[int]:
        found: set[int] = set()
        for chunk in id_chunks(member_ids):
            statement = select(LOG.c.member_id).where(LOG.c.workspace_id == workspace_id, LOG.c.rule == rule,
                                                      LOG.c.member_id.in_(chunk))
            found.update(int(member) for (member,) in await _rows(self._session, statement))
        return found


def _record(row: Any) -> NudgeRecord:
    return NudgeRecord(row.id, row.community_id, row.rule, row.member_id, row.subject, row.pointer,
                       dict(row.facts), LogState(row.state), row.round_at, row.planned_at)


def _prompt(row: NudgePromptRow) -> Prompt:
    assert row.id is not None
    return Prompt(row.id, row.key, row.text, row.added_by)

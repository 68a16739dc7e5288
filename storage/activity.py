"""The activity repository over an `AsyncSession`: members' messages and reactions as metadata.

Rows are written in batches (bot/activity/writer.py), after leaving out those whose community or member went
meanwhile (an erased workspace must not make a batch fail for ever) or is not of the row's workspace: on SQLite
with one executemany, on PostgreSQL with `COPY`. Every read is one aggregate statement over the table's indexes
(storage/tables.py, `ActivityRow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, case, delete, exists, func, literal, not_, select
from sqlalchemy.orm import aliased
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.activity.model import Activity, ActivityKind, MemberPosts, Question, WeekActivity
from bot.activity.weeks import week_bounds
from bot.ports import ReadOnlyUnit
from storage.directory import READ_ONLY_UNIT
from storage.repositories import _rows, id_chunks
from storage.tables import ActivityRow, CommunityRow, MemberRow, WorkspaceRow

__all__ = ["SqlActivityRepository"]

ACTIVITY = ActivityRow.__table__  # type: ignore[attr-defined]
_COMMUNITIES = CommunityRow.__table__  # type: ignore[attr-defined]
_MEMBERS = MemberRow.__table__  # type: ignore[attr-defined]
_WORKSPACES = WorkspaceRow.__table__  # type: ignore[attr-defined]
_MESSAGES = (ActivityKind.POST.value, ActivityKind.REPLY.value)
_COLUMNS = ("workspace_id", "community_id", "member_id", "channel_id", "at", "kind", "message_id", "thread_id",
            "is_question", "has_links")
_COPY = f"COPY activity ({', '.join(_COLUMNS)}) FROM STDIN"
_INSERT = f"INSERT INTO activity ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"


def _values(row: Activity, at: Any = None) -> tuple[Any, ...]:
    return (row.workspace_id, row.community_id, row.member_id, row.channel_id, row.at if at is None else at(row.at),
            row.kind.value, row.message_id, row.thread_id, row.is_question, row.has_links)


def _insert_many(connection: Connection, rows: Sequence[Activity]) -> None:
    """SQLite: one executemany of the rows as the driver takes them, each moment stored exactly as the column's
    own type stores it (what every comparison of the reads expects); no statement compiled, no row bound twice."""
    at = ACTIVITY.c.at.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    connection.exec_driver_sql(_INSERT, [_values(row, at) for row in rows])


class SqlActivityRepository:
    """Implements `bot.activity.ports.ActivityRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- writing -------------------------------------------------------------------------------------------

    async def add_many(self, rows: Sequence[Activity]) -> int:
        if self._session.info.get(READ_ONLY_UNIT):
            raise ReadOnlyUnit("a read-only unit of work was asked to store rows")
        if not rows:
            return 0
        communities = await self._workspaces_of(_COMMUNITIES, {row.community_id for row in rows})
        members = await self._workspaces_of(_MEMBERS, {row.member_id for row in rows})
        kept = [row for row in rows if communities.get(row.community_id) == row.workspace_id
                and members.get(row.member_id) == row.workspace_id]
        if not kept:
            return 0
        if self._session.sync_session.get_bind().dialect.name == "postgresql":
            await self._copy(kept)
        else:
            await self._session.run_sync(lambda sync: _insert_many(sync.connection(), kept))
        return len(kept)

    async def _copy(self, rows: Sequence[Activity]) -> None:
        """PostgreSQL: the rows through `COPY … FROM STDIN` on the unit's own connection, in its transaction: a
        third of the time an executemany through SQLAlchemy takes, whose per-row work runs on the event loop."""
        connection = await self._session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None  # a pooled connection handed to this unit is open
        async with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
            for row in rows:
                await copy.write_row(_values(row))

    async def purge(self, workspace_id: int, before: datetime) -> int:
        # One range per community of the workspace: each is a stretch of the (workspace, community, at) index.
        communities = select(_COMMUNITIES.c.id).where(_COMMUNITIES.c.workspace_id == workspace_id)
        statement = delete(ACTIVITY).where(
            ACTIVITY.c.workspace_id == workspace_id, ACTIVITY.c.community_id.in_(communities),
            ACTIVITY.c.at < before)
        if self._session.info.get(READ_ONLY_UNIT):
            raise ReadOnlyUnit("a read-only unit of work was asked to delete rows")
        return int(await self._session.run_sync(lambda sync: sync.connection().execute(statement).rowcount))

    # --- reading -------------------------------------------------------------------------------------------

    async def workspaces(self) -> list[int]:
        statement = select(_WORKSPACES.c.id).where(
            exists().where(ACTIVITY.c.workspace_id == _WORKSPACES.c.id)).order_by(_WORKSPACES.c.id)
        return [int(ident) for (ident,) in await _rows(self._session, statement)]

    async def weeks(self, workspace_id: int, community_id: int, zone: str, since: datetime,
                    until: datetime) -> list[WeekActivity]:
        bounds = week_bounds(zone, since, until)
        count = len(bounds) - 1
        # The week of each row, by the bounds computed above (a week is 167 or 169 hours across a clock change).
        week = case(*[(ACTIVITY.c.at < bound, index) for index, bound in enumerate(bounds[1:-1])],
                    else_=count - 1) if count > 1 else literal(0)
        inner = select(week.label("week"), ACTIVITY.c.kind).where(
            ACTIVITY.c.workspace_id == workspace_id, ACTIVITY.c.community_id == community_id,
            ACTIVITY.c.at >= bounds[0], ACTIVITY.c.at < bounds[-1]).subquery()
        statement = select(inner.c.week, inner.c.kind, func.count()).group_by(inner.c.week, inner.c.kind)
        counts: dict[tuple[int, str], int] = {(int(index), str(kind)): int(n)
                                              for index, kind, n in await _rows(self._session, statement)}
        return [WeekActivity(start, counts.get((index, ActivityKind.POST.value), 0),
                             counts.get((index, ActivityKind.REPLY.value), 0),
                             counts.get((index, ActivityKind.REACTION.value), 0))
                for index, start in enumerate(bounds[:-1])]

    async def member_messages(self, workspace_id: int, community_id: int, since: datetime,
                              until: datetime) -> list[MemberPosts]:
        statement = select(ACTIVITY.c.member_id, func.count(), func.max(ACTIVITY.c.at)).where(
            ACTIVITY.c.workspace_id == workspace_id, ACTIVITY.c.community_id == community_id,
            ACTIVITY.c.at >= since, ACTIVITY.c.at < until, ACTIVITY.c.kind.in_(_MESSAGES),
        ).group_by(ACTIVITY.c.member_id).order_by(ACTIVITY.c.member_id)
        return [MemberPosts(int(member), int(n), last) for member, n, last in await _rows(self._session, statement)]

    async def recent_messages(self, workspace_id: int, community_id: int, member_id: int, *,
                              most: int = 30) -> list[datetime]:
        statement = select(ACTIVITY.c.at).where(
            ACTIVITY.c.workspace_id == workspace_id, ACTIVITY.c.community_id == community_id,
            ACTIVITY.c.member_id == member_id, ACTIVITY.c.kind.in_(_MESSAGES),
        ).order_by(ACTIVITY.c.at.desc()).limit(max(0, most))
        return [at for (at,) in await _rows(self._session, statement)]

    async def recent_messages_of(self, workspace_id: int, community_id: int, member_ids: Sequence[int], *,
                                 most: int = 30) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = {}
        for chunk in id_chunks(member_ids):
            ranked = select(ACTIVITY.c.member_id, ACTIVITY.c.at, func.row_number().over(
                partition_by=ACTIVITY.c.member_id, order_by=ACTIVITY.c.at.desc()).label("n")).where(
                ACTIVITY.c.workspace_id == workspace_id, ACTIVITY.c.community_id == community_id,
                ACTIVITY.c.member_id.in_(chunk), ACTIVITY.c.kind.in_(_MESSAGES),
            ).subquery()
            statement = select(ranked.c.member_id, ranked.c.at).where(ranked.c.n <= max(0, most)).order_by(
                ranked.c.member_id, ranked.c.at.desc())
            for member, at in await _rows(self._session, statement):
                found.setdefault(int(member), []).append(at)
        return found

    async def unanswered(self, workspace_id: int, community_id: int, since: datetime, before: datetime, *,
                         most: int = 50) -> list[Question]:
        asked = aliased(ACTIVITY, name="asked")
        reply = aliased(ACTIVITY, name="reply")
        reaction = aliased(ACTIVITY, name="reaction")
        # Someone else replied in the question's thread, or reacted to the question itself: each one lookup in
        # its own index.
        replied = exists().where(
            reply.c.workspace_id == asked.c.workspace_id, reply.c.channel_id == asked.c.channel_id,
            reply.c.thread_id == asked.c.message_id, reply.c.kind == ActivityKind.REPLY.value,
            reply.c.member_id != asked.c.member_id)
        reacted = exists().where(
            reaction.c.workspace_id == asked.c.workspace_id, reaction.c.channel_id == asked.c.channel_id,
            reaction.c.message_id == asked.c.message_id, reaction.c.kind == ActivityKind.REACTION.value,
            reaction.c.member_id != asked.c.member_id)
        statement: Select[Any] = select(asked.c.channel_id, asked.c.message_id, asked.c.member_id, asked.c.at).where(
            asked.c.workspace_id == workspace_id, asked.c.community_id == community_id,
            asked.c.at >= since, asked.c.at < before, asked.c.kind == ActivityKind.POST.value,
            and_(asked.c.is_question), not_(replied), not_(reacted),
        ).order_by(asked.c.at, asked.c.id).limit(max(0, most))
        return [Question(str(channel), str(message), int(member), at)
                for channel, message, member, at in await _rows(self._session, statement)]

    # --- plumbing ------------------------------------------------------------------------------------------

    async def _workspaces_of(self, table: Any, ids: Iterable[int]) -> dict[int, int]:
        """The workspace of each of `ids` that is a row of `table` (a community or a member)."""
        found: dict[int, int] = {}
        for chunk in id_chunks(ids):
            found.update((int(ident), int(workspace)) for ident, workspace in await _rows(
                self._session, select(table.c.id, table.c.workspace_id).where(table.c.id.in_(chunk))))
        return found

"""The meetings repository over an `AsyncSession`: series, changes, RSVPs, agendas and calendar feeds.

Rows that hang off a series (changes, RSVPs, agenda items) are reached only through a series of the given
workspace, so no query crosses tenants; a series' recurrence is stored as the RFC 5545 text it reads back from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.meetings.model import AgendaItem, Answer, Change, Series, SeriesStatus
from bot.meetings.ports import CalendarFeed
from bot.recurrence import Recurrence
from bot.refs import MemberRef, WorkspaceRef
from bot.time_zones import UTC_NAME
from storage.repositories import _workspace_ref
from storage.tables import (
    AgendaItemRow,
    AgendaVoteRow,
    CalendarFeedRow,
    MeetingChangeRow,
    MeetingRsvpRow,
    MeetingSeriesRow,
    WorkspaceRow,
)

__all__ = ["SqlMeetingRepository"]


class SqlMeetingRepository:
    """Implements `bot.meetings.ports.MeetingRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- series ----------------------------------------------------------------------------------------------

    async def add_series(self, series: Series, at: datetime) -> Series:
        row = MeetingSeriesRow(workspace_id=series.workspace_id, community_id=series.community_id,
                               created_at=at, updated_at=at, **_series_fields(series))
        self._session.add(row)
        await self._session.flush()
        return await self._series(row)

    async def get_series(self, workspace_id: int, series_id: int) -> Series | None:
        row = await self._session.get(MeetingSeriesRow, series_id)
        if row is None or row.workspace_id != workspace_id:
            return None
        return await self._series(row)

    async def series_of(self, workspace_id: int, community_id: int) -> list[Series]:
        statement = select(MeetingSeriesRow).where(
            MeetingSeriesRow.workspace_id == workspace_id, MeetingSeriesRow.community_id == community_id,
        ).order_by(col(MeetingSeriesRow.id))
        return await self._all_series((await self._session.exec(statement)).all())

    async def series_in(self, workspace_id: int) -> list[Series]:
        statement = select(MeetingSeriesRow).where(MeetingSeriesRow.workspace_id == workspace_id).order_by(
            col(MeetingSeriesRow.id))
        return await self._all_series((await self._session.exec(statement)).all())

    async def update_series(self, series: Series, at: datetime) -> None:
        statement = (
            update(MeetingSeriesRow)
            .where(col(MeetingSeriesRow.id) == series.id, col(MeetingSeriesRow.workspace_id) == series.workspace_id)
            .values(updated_at=at, **_series_fields(series))
        )
        result = await self._session.exec(statement)
        if result.rowcount != 1:
            raise LookupError(f"no series {series.id} in workspace {series.workspace_id}")

    async def active_series(self) -> list[Series]:
        statement = select(MeetingSeriesRow).where(MeetingSeriesRow.status != SeriesStatus.ENDED.value).order_by(
            col(MeetingSeriesRow.id))
        return await self._all_series((await self._session.exec(statement)).all())

    async def active_with_changes(self) -> list[tuple[Series, list[Change]]]:
        active = await self.active_series()
        if not active:
            return []
        statement = (
            select(MeetingChangeRow)
            .join(MeetingSeriesRow, col(MeetingSeriesRow.id) == col(MeetingChangeRow.series_id))
            .where(MeetingSeriesRow.status != SeriesStatus.ENDED.value)
            .order_by(col(MeetingChangeRow.series_id), col(MeetingChangeRow.original))
        )
        changes: dict[int, list[Change]] = {}
        for row in (await self._session.exec(statement)).all():
            changes.setdefault(row.series_id, []).append(_change(row))
        return [(series, changes.get(series.id, [])) for series in active]

    # --- changes ---------------------------------------------------------------------------------------------

    async def changes(self, workspace_id: int, series_id: int) -> list[Change]:
        if not await self._owns(workspace_id, series_id):
            return []
        statement = select(MeetingChangeRow).where(MeetingChangeRow.series_id == series_id).order_by(
            col(MeetingChangeRow.original))
        return [_change(row) for row in (await self._session.exec(statement)).all()]

    async def changes_of(self, workspace_id: int, series_ids: Sequence[int]) -> dict[int, list[Change]]:
        found: dict[int, list[Change]] = {series_id: [] for series_id in series_ids}
        if not found:
            return found
        statement = (
            select(MeetingChangeRow)
            .join(MeetingSeriesRow, col(MeetingSeriesRow.id) == col(MeetingChangeRow.series_id))
            .where(MeetingSeriesRow.workspace_id == workspace_id, col(MeetingChangeRow.series_id).in_(list(found)))
            .order_by(col(MeetingChangeRow.series_id), col(MeetingChangeRow.original))
        )
        for row in (await self._session.exec(statement)).all():
            found[row.series_id].append(_change(row))
        return found

    async def set_change(self, workspace_id: int, change: Change) -> None:
        await self._require(workspace_id, change.series_id)
        row = await self._session.get(MeetingChangeRow, (change.series_id, change.original))
        if row is None:
            row = MeetingChangeRow(series_id=change.series_id, original=change.original)
            self._session.add(row)
        row.start, row.cancelled, row.reason, row.sequence = (change.start, change.cancelled, change.reason,
                                                              change.sequence)
        await self._session.flush()

    # --- RSVPs -----------------------------------------------------------------------------------------------

    async def rsvps(self, workspace_id: int, series_id: int, original: datetime) -> dict[str, Answer]:
        if not await self._owns(workspace_id, series_id):
            return {}
        statement = select(MeetingRsvpRow).where(
            MeetingRsvpRow.series_id == series_id, MeetingRsvpRow.original == original,
        ).order_by(col(MeetingRsvpRow.updated_at))
        return {row.member_id: Answer(row.answer) for row in (await self._session.exec(statement)).all()}

    async def rsvps_of(self, workspace_id: int, meetings: Sequence[tuple[int, datetime]],
                       ) -> dict[tuple[int, datetime], dict[str, Answer]]:
        found: dict[tuple[int, datetime], dict[str, Answer]] = {meeting: {} for meeting in meetings}
        series_ids = sorted({series_id for series_id, _ in found})
        if not series_ids:
            return found
        # One query over the series asked for; the meetings not asked for are left out here, not in SQL.
        statement = (
            select(MeetingRsvpRow)
            .join(MeetingSeriesRow, col(MeetingSeriesRow.id) == col(MeetingRsvpRow.series_id))
            .where(MeetingSeriesRow.workspace_id == workspace_id, col(MeetingRsvpRow.series_id).in_(series_ids),
                   col(MeetingRsvpRow.original).in_(sorted({original for _, original in found})))
            .order_by(col(MeetingRsvpRow.updated_at))
        )
        for row in (await self._session.exec(statement)).all():
            answers = found.get((row.series_id, row.original))
            if answers is not None:
                answers[row.member_id] = Answer(row.answer)
        return found

    async def set_rsvp(self, workspace_id: int, series_id: int, original: datetime, member: MemberRef,
                       answer: Answer, at: datetime) -> None:
        await self._require(workspace_id, series_id)
        row = await self._session.get(MeetingRsvpRow, (series_id, original, member.id))
        if row is None:
            self._session.add(MeetingRsvpRow(series_id=series_id, original=original, member_id=member.id,
                                             answer=answer.value, updated_at=at))
        else:
            row.answer, row.updated_at = answer.value, at
        await self._session.flush()

    async def going(self, workspace_id: int, member: MemberRef) -> Mapping[tuple[int, datetime], Answer]:
        statement = (
            select(MeetingRsvpRow)
            .join(MeetingSeriesRow, col(MeetingSeriesRow.id) == col(MeetingRsvpRow.series_id))
            .where(MeetingSeriesRow.workspace_id == workspace_id, MeetingRsvpRow.member_id == member.id)
        )
        return {(row.series_id, row.original): Answer(row.answer)
                for row in (await self._session.exec(statement)).all()}

    # --- agenda ----------------------------------------------------------------------------------------------

    async def agenda(self, workspace_id: int, series_id: int, original: datetime) -> list[AgendaItem]:
        if not await self._owns(workspace_id, series_id):
            return []
        ref = await self._workspace(workspace_id)
        statement = select(AgendaItemRow).where(
            AgendaItemRow.series_id == series_id, AgendaItemRow.original == original,
        ).order_by(col(AgendaItemRow.id))
        rows = (await self._session.exec(statement)).all()
        votes = await self._votes([row.id for row in rows if row.id is not None])
        items = [_item(row, ref, votes.get(row.id or 0, frozenset())) for row in rows]
        return sorted(items, key=lambda item: (-item.score, item.id))

    async def add_agenda_item(self, workspace_id: int, series_id: int, original: datetime, author: MemberRef,
                              text: str, at: datetime) -> AgendaItem:
        await self._require(workspace_id, series_id)
        row = AgendaItemRow(series_id=series_id, original=original, author_id=author.id, text=text, created_at=at)
        self._session.add(row)
        await self._session.flush()
        return _item(row, author.workspace, frozenset())

    async def edit_agenda_item(self, workspace_id: int, item_id: int, text: str) -> AgendaItem | None:
        row = await self._item_row(workspace_id, item_id)
        if row is None:
            return None
        row.text = text
        await self._session.flush()
        votes = await self._votes([item_id])
        return _item(row, await self._workspace(workspace_id), votes.get(item_id, frozenset()))

    async def remove_agenda_item(self, workspace_id: int, item_id: int) -> bool:
        row = await self._item_row(workspace_id, item_id)
        if row is None:
            return False
        # Explicitly, not by the foreign key's cascade alone: no vote this session loaded outlives its item.
        await self._session.exec(delete(AgendaVoteRow).where(col(AgendaVoteRow.item_id) == item_id))
        await self._session.delete(row)
        await self._session.flush()
        return True

    async def toggle_vote(self, workspace_id: int, item_id: int, member: MemberRef) -> AgendaItem | None:
        row = await self._session.get(AgendaItemRow, item_id)
        if row is None or not await self._owns(workspace_id, row.series_id):
            return None
        vote = await self._session.get(AgendaVoteRow, (item_id, member.id))
        if vote is None:
            self._session.add(AgendaVoteRow(item_id=item_id, member_id=member.id))
        else:
            await self._session.delete(vote)
        await self._session.flush()
        votes = await self._votes([item_id])
        return _item(row, member.workspace, votes.get(item_id, frozenset()))

    # --- calendar feeds --------------------------------------------------------------------------------------

    async def add_feed(self, feed: CalendarFeed, at: datetime) -> None:
        self._session.add(CalendarFeedRow(
            token=feed.token, workspace_id=feed.workspace_id, community_id=feed.community_id,
            member_id=feed.member.id if feed.member is not None else None, created_at=at,
        ))
        await self._session.flush()

    async def feed(self, token: str) -> CalendarFeed | None:
        row = await self._session.get(CalendarFeedRow, token)
        if row is None:
            return None
        ref = await self._workspace(row.workspace_id)
        return _feed(row, ref)

    async def feeds_of(self, workspace_id: int, community_id: int | None, member: MemberRef | None,
                       ) -> list[CalendarFeed]:
        ref = await self._workspace(workspace_id)
        statement = select(CalendarFeedRow).where(*_feed_filter(workspace_id, community_id, member)).order_by(
            col(CalendarFeedRow.created_at))
        return [_feed(row, ref) for row in (await self._session.exec(statement)).all()]

    async def revoke_feeds(self, workspace_id: int, community_id: int | None, member: MemberRef | None,
                           at: datetime) -> int:
        statement = update(CalendarFeedRow).where(*_feed_filter(workspace_id, community_id, member)).values(
            revoked_at=at)
        result = await self._session.exec(statement)
        return int(result.rowcount)

    # --- helpers ---------------------------------------------------------------------------------------------

    async def _owns(self, workspace_id: int, series_id: int) -> bool:
        row = await self._session.get(MeetingSeriesRow, series_id)
        return row is not None and row.workspace_id == workspace_id

    async def _require(self, workspace_id: int, series_id: int) -> None:
        if not await self._owns(workspace_id, series_id):
            raise LookupError(f"no series {series_id} in workspace {workspace_id}")

    async def _item_row(self, workspace_id: int, item_id: int) -> AgendaItemRow | None:
        row = await self._session.get(AgendaItemRow, item_id)
        if row is None or not await self._owns(workspace_id, row.series_id):
            return None
        return row

    async def _workspace(self, workspace_id: int) -> WorkspaceRef:
        ref = await _workspace_ref(self._session, workspace_id)
        if ref is None:
            raise LookupError(f"no workspace with id {workspace_id}")
        return ref

    async def _all_series(self, rows: Iterable[MeetingSeriesRow]) -> list[Series]:
        """`rows` as series, with their workspaces' references read in one query rather than one per workspace."""
        rows = list(rows)
        missing = sorted({row.workspace_id for row in rows})
        if len(missing) > 1:
            # Loaded into the session: `_workspace` then finds each in its identity map without a query.
            (await self._session.exec(select(WorkspaceRow).where(col(WorkspaceRow.id).in_(missing)))).all()
        return [await self._series(row) for row in rows]

    async def _series(self, row: MeetingSeriesRow) -> Series:
        assert row.id is not None
        ref = await self._workspace(row.workspace_id)
        return Series(
            id=row.id, workspace_id=row.workspace_id, community_id=row.community_id, title=row.title,
            # A zone this server's database lacks (stored where it had it) is read as UTC, logged once, so the
            # community's commands keep working rather than failing on every series they read.
            recurrence=Recurrence.from_rfc5545(row.recurrence, unknown_zone_as=UTC_NAME),
            duration=timedelta(minutes=row.duration_minutes),
            location=row.location, description=row.description,
            hosts=tuple(MemberRef(ref, member_id) for member_id in row.hosts), status=SeriesStatus(row.status),
            reminder_leads=tuple(timedelta(minutes=minutes) for minutes in row.reminder_minutes),
            sequence=row.sequence, uid=row.uid, created_at=row.created_at,
        )

    async def _votes(self, item_ids: list[int]) -> dict[int, frozenset[str]]:
        if not item_ids:
            return {}
        statement = select(AgendaVoteRow).where(col(AgendaVoteRow.item_id).in_(item_ids))
        found: dict[int, set[str]] = {}
        for vote in (await self._session.exec(statement)).all():
            found.setdefault(vote.item_id, set()).add(vote.member_id)
        return {item: frozenset(members) for item, members in found.items()}


def _series_fields(series: Series) -> dict[str, Any]:
    return {
        "title": series.title, "recurrence": series.recurrence.to_rfc5545(),
        "duration_minutes": int(series.duration.total_seconds() // 60), "location": series.location,
        "description": series.description, "hosts": [host.id for host in series.hosts],
        "status": series.status.value,
        "reminder_minutes": [int(lead.total_seconds() // 60) for lead in series.reminder_leads],
        "sequence": series.sequence, "uid": series.uid,
    }


def _change(row: MeetingChangeRow) -> Change:
    return Change(row.series_id, row.original, row.start, row.cancelled, row.reason, row.sequence)


def _item(row: AgendaItemRow, ref: WorkspaceRef, votes: frozenset[str]) -> AgendaItem:
    assert row.id is not None
    return AgendaItem(row.id, row.series_id, row.original, MemberRef(ref, row.author_id), row.text, votes)


def _feed(row: CalendarFeedRow, ref: WorkspaceRef) -> CalendarFeed:
    member = MemberRef(ref, row.member_id) if row.member_id is not None else None
    return CalendarFeed(row.token, row.workspace_id, row.community_id, member, row.revoked_at is not None)


def _feed_filter(workspace_id: int, community_id: int | None, member: MemberRef | None) -> list[Any]:
    conditions: list[Any] = [
        CalendarFeedRow.workspace_id == workspace_id, col(CalendarFeedRow.revoked_at).is_(None),
    ]
    if member is not None:
        conditions.append(CalendarFeedRow.member_id == member.id)
    else:
        conditions.append(col(CalendarFeedRow.member_id).is_(None))
    if community_id is not None:
        conditions.append(CalendarFeedRow.community_id == community_id)
    return conditions


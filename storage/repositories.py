"""Repositories over an `AsyncSession`: they implement `bot.ports` and return the core's frozen dataclasses.

Every query filters by workspace id. A reference (`ChannelRef`, `MemberRef`) only matches inside the workspace it
belongs to: asking workspace 1 for a member of workspace 2 finds nothing, even when the platform ids collide.
Updates of a row that is not in the given workspace raise `LookupError` rather than silently doing nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import func, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable, UpdateBase
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ports import AlreadyExists, ReadOnlyUnit
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Community, Member, Role, Workspace
from storage.directory import DIRECTORY, READ_ONLY_UNIT, Changes, community_key, member_key, workspace_key
from storage.tables import CommunityRow, HearthTable, MemberRow, WorkspaceRow

__all__ = [
    "SqlCommunityRepository",
    "SqlMemberRepository",
    "SqlWorkspaceRepository",
]

_Row = TypeVar("_Row", bound=HearthTable)
_Id = TypeVar("_Id", int, str)  # what an IN list compares: ids, or keys such as a nudge's subject
# Communities and members are read and changed with Core statements: no ORM objects to build, track or keep in
# step (a tenth of the cost of the ORM path on the command path).
COMMUNITIES = CommunityRow.__table__  # type: ignore[attr-defined]
MEMBERS = MemberRow.__table__  # type: ignore[attr-defined]


async def _workspace_ref(session: AsyncSession, workspace_id: int) -> WorkspaceRef | None:
    directory = session.info.get(DIRECTORY)
    if directory is not None and (known := directory.workspace_ref(workspace_id)) is not None:
        return cast(WorkspaceRef, known)
    return await session.run_sync(_workspace_ref_in, workspace_id)


def _workspace_ref_in(sync: Session, workspace_id: int) -> WorkspaceRef | None:
    """The reference of workspace `workspace_id` in a synchronous session (inside `run_sync`)."""
    # A workspace the directory holds is committed and current (its entry goes with every change); otherwise the
    # session's identity map serves repeated lookups without a query, and forgets what a rollback undid.
    directory = sync.info.get(DIRECTORY)
    if directory is not None and (known := directory.workspace_ref(workspace_id)) is not None:
        return cast(WorkspaceRef, known)
    row = sync.get(WorkspaceRow, workspace_id)
    return None if row is None else WorkspaceRef(Platform(row.platform), row.external_id)


async def _require_workspace(session: AsyncSession, workspace_id: int, expected: WorkspaceRef) -> None:
    """Raise `LookupError` unless `workspace_id` exists and is the workspace `expected` refers to."""
    ref = await _workspace_ref(session, workspace_id)
    if ref is None:
        raise LookupError(f"no workspace with id {workspace_id}")
    if ref != expected:
        raise LookupError(f"workspace {workspace_id} is {ref}, not {expected}")


async def _insert(session: AsyncSession, row: _Row, duplicate: str) -> _Row:
    """Insert `row` and return it with its id; raise `AlreadyExists(duplicate)` on a unique violation.

    The insert runs in a savepoint, so a duplicate leaves the rest of the unit of work intact.
    """
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as error:
        if _is_unique_violation(error):
            raise AlreadyExists(duplicate) from error
        raise
    return row


def _is_unique_violation(error: IntegrityError) -> bool:
    # PostgreSQL reports SQLSTATE 23505; SQLite only says so in the message.
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error.orig)


IDS_AT_ONCE = 1000  # ids in one IN list: well inside every database's limit of parameters


def id_chunks(ids: Iterable[_Id]) -> list[list[_Id]]:
    """`ids` once each, in order, in lists of at most `IDS_AT_ONCE`: one IN list a statement."""
    wanted = sorted(set(ids))
    return [wanted[start:start + IDS_AT_ONCE] for start in range(0, len(wanted), IDS_AT_ONCE)]


async def _core(session: AsyncSession, statement: Executable) -> Result[Any]:
    """Run a Core statement on the unit's connection (in its transaction), past the ORM. A change in a read-only
    unit raises `ReadOnlyUnit`, as the ORM's flush does."""
    if isinstance(statement, UpdateBase) and session.info.get(READ_ONLY_UNIT):
        raise ReadOnlyUnit("a read-only unit of work was asked to store rows")
    return await session.run_sync(lambda sync: sync.connection().execute(statement))


async def _rows(session: AsyncSession, statement: Executable,
                parameters: dict[str, Any] | list[dict[str, Any]] | None = None) -> Sequence[Any]:
    """Like `_core`, for one row of parameters or many (executemany), and the rows it returns (none for a write)."""
    if isinstance(statement, UpdateBase) and session.info.get(READ_ONLY_UNIT):
        raise ReadOnlyUnit("a read-only unit of work was asked to store rows")

    def run(sync: Any) -> Sequence[Any]:
        result = sync.connection().execute(statement, parameters)
        return result.all() if result.returns_rows else ()

    return await session.run_sync(run)


def _require_updated(rowcount: int, what: str) -> None:
    if rowcount == 0:
        raise LookupError(f"{what} does not exist in its workspace")


class SqlWorkspaceRepository:
    """The workspaces Hearth is installed in. Writes name the directory keys they change in `changed`."""

    def __init__(self, session: AsyncSession, changed: Changes | None = None) -> None:
        self._session = session
        self._changed: Changes = {} if changed is None else changed

    async def get(self, ref: WorkspaceRef) -> Workspace | None:
        statement = select(WorkspaceRow).where(
            col(WorkspaceRow.platform) == ref.platform.value, col(WorkspaceRow.external_id) == ref.id
        )
        row = (await self._session.exec(statement)).first()
        return None if row is None else _workspace(row)

    async def add(self, ref: WorkspaceRef, name: str, at: datetime) -> Workspace:
        """Record a new workspace; raises `AlreadyExists` if Hearth already knows it."""
        row = WorkspaceRow(platform=ref.platform.value, external_id=ref.id, name=name, created_at=at)
        workspace = _workspace(await _insert(self._session, row, f"workspace {ref}"))
        self._changed[workspace_key(workspace.id)] = None
        return workspace

    async def rename(self, workspace_id: int, name: str) -> None:
        """Store a workspace's new name; raises `LookupError` if there is no such workspace."""
        result = await self._session.exec(
            update(WorkspaceRow).where(col(WorkspaceRow.id) == workspace_id).values(name=name)
        )
        self._changed[workspace_key(workspace_id)] = None
        _require_updated(result.rowcount, f"workspace {workspace_id}")

    async def set_removed(self, workspace_id: int, at: datetime | None) -> None:
        """Record when the platform removed Hearth from the workspace (None: it is back)."""
        result = await self._session.exec(
            update(WorkspaceRow).where(col(WorkspaceRow.id) == workspace_id).values(uninstalled_at=at)
        )
        self._changed[workspace_key(workspace_id)] = None
        _require_updated(result.rowcount, f"workspace {workspace_id}")

    async def removed(self) -> list[Workspace]:
        """Every workspace Hearth was removed from and whose data is waiting to be erased (all tenants)."""
        statement = select(WorkspaceRow).where(col(WorkspaceRow.uninstalled_at).is_not(None))
        return [_workspace(row) for row in (await self._session.exec(statement)).all()]

    async def on_platform(self, platform: Platform) -> list[Workspace]:
        """Every workspace of `platform` (all tenants), oldest first."""
        statement = select(WorkspaceRow).where(WorkspaceRow.platform == platform.value).order_by(
            col(WorkspaceRow.id))
        return [_workspace(row) for row in (await self._session.exec(statement)).all()]

    async def get_by_id(self, workspace_id: int) -> Workspace | None:
        row = await self._session.get(WorkspaceRow, workspace_id)
        return None if row is None else _workspace(row)

    async def delete(self, workspace_id: int) -> None:
        """Erase the workspace and, through the foreign keys, every row that belongs to it."""
        row = await self._session.get(WorkspaceRow, workspace_id)
        if row is not None:
            self._changed[workspace_key(workspace_id)] = None
            await self._session.delete(row)
            await self._session.flush()


def _workspace(row: WorkspaceRow) -> Workspace:
    assert row.id is not None  # rows come from the database or a flushed insert
    ref = WorkspaceRef(Platform(row.platform), row.external_id)
    return Workspace(id=row.id, ref=ref, name=row.name, created_at=row.created_at, removed_at=row.uninstalled_at)


class SqlCommunityRepository:
    """The channels served as communities, per workspace. Writes name the directory keys they change."""

    def __init__(self, session: AsyncSession, changed: Changes | None = None) -> None:
        self._session = session
        self._changed: Changes = {} if changed is None else changed

    async def get(self, workspace_id: int, community_id: int) -> Community | None:
        ref = await _workspace_ref(self._session, workspace_id)
        if ref is None:
            return None
        statement = select(COMMUNITIES).where(
            col(CommunityRow.workspace_id) == workspace_id, col(CommunityRow.id) == community_id
        )
        row = (await _core(self._session, statement)).first()
        return None if row is None else _community(row, ref)

    async def get_by_channel(self, workspace_id: int, channel: ChannelRef) -> Community | None:
        """The community served in `channel`, if any."""
        ref = await _workspace_ref(self._session, workspace_id)
        if ref != channel.workspace:
            return None
        statement = select(COMMUNITIES).where(
            col(CommunityRow.workspace_id) == workspace_id, col(CommunityRow.channel_id) == channel.id
        )
        row = (await _core(self._session, statement)).first()
        return None if row is None else _community(row, channel.workspace)

    async def list(self, workspace_id: int) -> list[Community]:
        """The workspace's communities, oldest first."""
        ref = await _workspace_ref(self._session, workspace_id)
        if ref is None:
            return []
        statement = (
            select(COMMUNITIES)
            .where(col(CommunityRow.workspace_id) == workspace_id)
            .order_by(col(CommunityRow.created_at), col(CommunityRow.id))
        )
        return [_community(row, ref) for row in await _core(self._session, statement)]

    async def add(
        self,
        workspace_id: int,
        channel: ChannelRef,
        *,
        name: str,
        goal: str,
        timezone: str,
        language: str,
        at: datetime,
    ) -> Community:
        """Record a new community; raises `AlreadyExists` if the channel already is one.

        Raises `LookupError` if `workspace_id` is not the workspace `channel` belongs to.
        """
        await _require_workspace(self._session, workspace_id, channel.workspace)
        row = CommunityRow(
            workspace_id=workspace_id,
            channel_id=channel.id,
            name=name,
            goal=goal,
            timezone=timezone,
            language=language,
            created_at=at,
            settings={},
        )
        # Before the insert: a negative entry ("not a community") must go even if this unit fails later.
        self._changed[community_key(workspace_id, channel.id)] = None
        return _community(await _insert(self._session, row, f"community in {channel}"), channel.workspace)

    async def update(self, community: Community) -> None:
        """Store changed name, goal, time zone or language.

        Raises `LookupError` if the community does not exist in `community.workspace_id`.
        """
        statement = (
            update(COMMUNITIES)
            .where(
                col(CommunityRow.id) == community.id,
                col(CommunityRow.workspace_id) == community.workspace_id,
            )
            .values(
                name=community.name,
                goal=community.goal,
                timezone=community.timezone,
                language=community.language,
                settings=dict(community.settings),
            )
        )
        result = await _core(self._session, statement)
        # As a read would give it back: the settings come out of the JSON column.
        stored = replace(community, settings=json.loads(json.dumps(dict(community.settings))))
        self._changed[community_key(community.workspace_id, community.channel.id)] = stored
        _require_updated(cast(CursorResult[Any], result).rowcount, f"community {community.id}")


def _community(row: Any, workspace: WorkspaceRef) -> Community:
    # An ORM row of an insert, or a Core row of a read: the same attributes.
    assert row.id is not None
    return Community(
        id=row.id,
        workspace_id=row.workspace_id,
        channel=ChannelRef(workspace, row.channel_id),
        name=row.name,
        goal=row.goal,
        timezone=row.timezone,
        language=row.language,
        created_at=row.created_at,
        settings=dict(row.settings or {}),
    )


class SqlMemberRepository:
    """The people in each workspace. Writes name the directory keys they change."""

    def __init__(self, session: AsyncSession, changed: Changes | None = None) -> None:
        self._session = session
        self._changed: Changes = {} if changed is None else changed

    async def get(self, workspace_id: int, ref: MemberRef) -> Member | None:
        if await _workspace_ref(self._session, workspace_id) != ref.workspace:
            return None
        statement = select(MEMBERS).where(
            col(MemberRow.workspace_id) == workspace_id, col(MemberRow.external_id) == ref.id
        )
        row = (await _core(self._session, statement)).first()
        return None if row is None else _member(row, ref.workspace)

    async def add(self, workspace_id: int, ref: MemberRef, *, display_name: str, role: Role, at: datetime) -> Member:
        """Record a member seen for the first time; raises `AlreadyExists` if the workspace has them already.

        Raises `LookupError` if `workspace_id` is not the workspace `ref` belongs to.
        """
        await _require_workspace(self._session, workspace_id, ref.workspace)
        row = MemberRow(
            workspace_id=workspace_id,
            external_id=ref.id,
            display_name=display_name,
            role=role.value,
            preferences={},
            joined_at=at,
        )
        member = _member(await _insert(self._session, row, f"member {ref}"), ref.workspace)
        self._changed[member_key(workspace_id, ref.id)] = member  # as read back: the next event needs no read
        return member

    async def update(self, member: Member) -> None:
        """Store changed display name, role, time zone, language or preferences.

        Raises `LookupError` if the member does not exist in `member.workspace_id`.
        """
        statement = (
            update(MEMBERS)
            .where(col(MemberRow.id) == member.id, col(MemberRow.workspace_id) == member.workspace_id)
            .values(
                display_name=member.display_name,
                role=member.role.value,
                timezone=member.timezone,
                language=member.language,
                preferences=dict(member.preferences),
            )
        )
        result = await _core(self._session, statement)
        # As a read would give it back: preferences come out of the JSON column.
        stored = replace(member, preferences=json.loads(json.dumps(dict(member.preferences))))
        self._changed[member_key(member.workspace_id, member.ref.id)] = stored
        _require_updated(cast(CursorResult[Any], result).rowcount, f"member {member.id}")

    async def with_role(self, workspace_id: int, role: Role) -> list[Member]:
        """Members holding `role`, by display name (ignoring case, the same on every database)."""
        ref = await _workspace_ref(self._session, workspace_id)
        if ref is None:
            return []
        statement = (
            select(MEMBERS)
            .where(col(MemberRow.workspace_id) == workspace_id, col(MemberRow.role) == role.value)
            .order_by(func.lower(col(MemberRow.display_name)), col(MemberRow.id))
        )
        return [_member(row, ref) for row in await _core(self._session, statement)]

    async def get_many(self, workspace_id: int, refs: Sequence[MemberRef]) -> dict[MemberRef, Member]:
        """Those of `refs` known in `workspace_id`, in one query; refs of another workspace never match."""
        ref = await _workspace_ref(self._session, workspace_id)
        wanted = sorted({member.id for member in refs if member.workspace == ref})
        if ref is None or not wanted:
            return {}
        statement = select(MEMBERS).where(
            col(MemberRow.workspace_id) == workspace_id, col(MemberRow.external_id).in_(wanted)
        )
        found = (_member(row, ref) for row in await _core(self._session, statement))
        return {member.ref: member for member in found}

    async def by_ids(self, workspace_id: int, ids: Sequence[int]) -> dict[int, Member]:
        """Those of `ids` of members of `workspace_id`, by id, in one query per `IDS_AT_ONCE`."""
        ref = await _workspace_ref(self._session, workspace_id)
        found: dict[int, Member] = {}
        if ref is None:
            return found
        for chunk in id_chunks(ids):
            statement = select(MEMBERS).where(col(MemberRow.workspace_id) == workspace_id,
                                              col(MemberRow.id).in_(chunk))
            found.update((row.id, _member(row, ref)) for row in await _core(self._session, statement))
        return found


def _member(row: Any, workspace: WorkspaceRef) -> Member:
    # An ORM row of an insert, or a Core row of a read: the same attributes.
    assert row.id is not None
    return Member(
        id=row.id,
        workspace_id=row.workspace_id,
        ref=MemberRef(workspace, row.external_id),
        display_name=row.display_name,
        role=Role(row.role),
        timezone=row.timezone,
        language=row.language,
        preferences=dict(row.preferences),
        joined_at=row.joined_at,
    )

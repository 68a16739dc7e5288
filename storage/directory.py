"""The directory: workspaces, members and communities as last committed, cached per process.

Every event needs its workspace, member and community. They change rarely, so `SqlDirectory.resolve` serves them
from memory, and reads the database (one read-only unit) only for what it does not hold. A unit of work that
writes one of them names the changed key (`workspace_key`, `member_key`, `community_key`); at commit the keys are
dropped here, and on PostgreSQL the same transaction sends `NOTIFY hearth_directory, '<origin> <key>'`, so that
every other process, listening on a connection of its own, drops them as well. While that connection is down a
process caches nothing: it drops everything on losing it, and caches again once it listens again.

A read racing a write never caches what it read: `resolve` notes the generation before reading and keeps its
results only if no key was dropped meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import Resolved
from bot.refs import ChannelRef, MemberRef, WorkspaceRef
from bot.tenancy import Community, Member, Workspace

if TYPE_CHECKING:
    from bot.ports import UnitOfWork

__all__ = ["CHANNEL", "DIRECTORY", "Changes", "SqlDirectory", "community_key", "member_key", "workspace_key"]

# What a unit's writes changed, by key: the new value when the write knows all of it, None to drop the entry.
Changes = MutableMapping[str, "Member | Community | None"]

log = logging.getLogger("hearth.directory")

CHANNEL = "hearth_directory"
DEFAULT_SIZE = 10_000
# Pauses before listening again after the connection was lost, growing to the last.
_RECONNECT_PAUSES = (0.1, 0.5, 1.0, 5.0)


def workspace_key(workspace_id: int) -> str:
    """The key of a workspace and, dropped, of everything cached under it (erasure cascades)."""
    return f"w:{workspace_id}"


def member_key(workspace_id: int, external_id: str) -> str:
    return f"m:{workspace_id}:{external_id}"


def community_key(workspace_id: int, channel_id: str) -> str:
    return f"c:{workspace_id}:{channel_id}"


# Where a session of a unit of work keeps the directory (`Session.info`).
DIRECTORY = "hearth.directory"
# Set (`Session.info`) on the session of a read-only unit of work.
READ_ONLY_UNIT = "hearth.read_only"


class SqlDirectory:
    """Implements `bot.ports.Directory` over a bounded (LRU) cache; `close` stops listening on PostgreSQL."""

    def __init__(self, engine: AsyncEngine, units: Callable[[], UnitOfWork], *, size: int = DEFAULT_SIZE) -> None:
        self._units = units
        self._size = size
        self._entries: OrderedDict[str, Workspace | Member | Community | None] = OrderedDict()
        self._workspace_ids: dict[WorkspaceRef, int] = {}
        self.generation = 0  # bumped by every drop: a read that began before it caches nothing
        self.origin = secrets.token_hex(6)  # this process's notifications come back to it: it skips them
        self.notifications = 0  # other processes' notifications handled, for tests to wait on
        self._changed = asyncio.Condition()
        self._listen_url = _libpq_url(engine) if engine.dialect.name == "postgresql" else None
        self._listening = self._listen_url is None  # SQLite: this process sees every write itself
        self._listener: asyncio.Task[None] | None = None

    # --- reading -------------------------------------------------------------------------------------------

    async def resolve(self, workspace: WorkspaceRef, member: MemberRef | None = None,
                      channel: ChannelRef | None = None) -> Resolved:
        self._start_listening()
        found_workspace = self._workspace(workspace)
        if found_workspace is not None:
            found_member = None if member is None else self._get(member_key(found_workspace.id, member.id))
            community_hit = channel is None or community_key(found_workspace.id, channel.id) in self._entries
            if (member is None or found_member is not None) and community_hit:
                community = None if channel is None else self._get(community_key(found_workspace.id, channel.id))
                assert found_member is None or isinstance(found_member, Member)
                assert community is None or isinstance(community, Community)
                return Resolved(found_workspace, found_member, community)
        return await self._read(workspace, member, channel)

    async def _read(self, workspace: WorkspaceRef, member: MemberRef | None, channel: ChannelRef | None,
                    ) -> Resolved:
        generation = self.generation
        known = self._workspace(workspace)
        async with self._units() as uow:
            found_workspace = known or await uow.workspaces.get(workspace)
            if found_workspace is None:
                return Resolved(None, None, None)
            found_member = None if member is None else await uow.members.get(found_workspace.id, member)
            community_known = channel is not None and community_key(found_workspace.id, channel.id) in self._entries
            if channel is None or community_known:
                cached = None if channel is None else self._get(community_key(found_workspace.id, channel.id))
                community = cached if isinstance(cached, Community) else None
            else:
                community = await uow.communities.get_by_channel(found_workspace.id, channel)
        if self._listening and generation == self.generation:
            self._put(workspace_key(found_workspace.id), found_workspace)
            self._workspace_ids[workspace] = found_workspace.id
            if found_member is not None:
                self._put(member_key(found_workspace.id, found_member.ref.id), found_member)
            if channel is not None:
                self._put(community_key(found_workspace.id, channel.id), community)  # None too: not a community
        return Resolved(found_workspace, found_member, community)

    def workspace_ref(self, workspace_id: int) -> WorkspaceRef | None:
        """The reference of a workspace the directory holds (kept exactly as long as its entry), or None."""
        found = self._entries.get(workspace_key(workspace_id))
        return found.ref if isinstance(found, Workspace) else None

    def _workspace(self, ref: WorkspaceRef) -> Workspace | None:
        workspace_id = self._workspace_ids.get(ref)
        if workspace_id is None:
            return None
        found = self._get(workspace_key(workspace_id))
        assert found is None or isinstance(found, Workspace)
        return found

    def _get(self, key: str) -> Workspace | Member | Community | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def _put(self, key: str, value: Workspace | Member | Community | None) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    # --- dropping ------------------------------------------------------------------------------------------

    def drop(self, keys: Iterable[str]) -> None:
        """Forget `keys`; a workspace key takes its members and communities along."""
        self.generation += 1
        for key in keys:
            self._entries.pop(key, None)
            if key.startswith("w:"):
                prefix = f"{key[1:]}:"  # ":<id>:" follows the kind letter of its members' and communities' keys
                for other in [k for k in self._entries if k[1:].startswith(prefix)]:
                    del self._entries[other]

    def settle(self, changes: Changes, generation: int) -> None:
        """After a commit: drop what `changes` changed, and keep the new values it holds.

        Kept only if no key was dropped since `generation`, noted before the commit: a concurrent commit of the
        same rows may have landed after this one.
        """
        current = generation == self.generation and self._listening
        self.drop(changes)
        if current:
            for key, value in changes.items():
                if value is not None:
                    self._put(key, value)

    def drop_everything(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._workspace_ids.clear()

    def notification(self, keys: Iterable[str]) -> str | None:
        """The payload announcing `keys` to the other processes (PostgreSQL), None when there is nobody to tell."""
        if self._listen_url is None:
            return None
        return " ".join([self.origin, *keys])

    # --- listening (PostgreSQL) ----------------------------------------------------------------------------

    def _start_listening(self) -> None:
        if self._listen_url is not None and self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen(self._listen_url))

    async def listening(self) -> None:
        """Wait until this process listens for the others' changes (at once on SQLite)."""
        self._start_listening()
        async with self._changed:
            await self._changed.wait_for(lambda: self._listening)

    async def notified(self, count: int) -> None:
        """Wait until `count` notifications from other processes were handled since this directory began."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.notifications >= count)

    async def _listen(self, url: str) -> None:
        import psycopg  # only a PostgreSQL deployment listens; SQLite never loads the driver

        failures = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    # Anything cached before now may have changed while nobody listened.
                    self.drop_everything()
                    await self._set_listening(True)
                    failures = 0
                    async for notify in connection.notifies():
                        origin, *keys = notify.payload.split(" ")
                        if origin != self.origin:
                            self.drop(keys)
                            await self._count_notification()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("lost the directory's LISTEN connection (%s); caching nothing until it is back", error)
            await self._set_listening(False)
            self.drop_everything()
            await asyncio.sleep(_RECONNECT_PAUSES[min(failures, len(_RECONNECT_PAUSES) - 1)])
            failures += 1

    async def _set_listening(self, listening: bool) -> None:
        async with self._changed:
            self._listening = listening
            self._changed.notify_all()

    async def _count_notification(self) -> None:
        async with self._changed:
            self.notifications += 1
            self._changed.notify_all()

    def close(self) -> None:
        """Stop listening (PostgreSQL). Called when the engine is disposed."""
        if self._listener is not None:
            if not self._listener.get_loop().is_closed():
                self._listener.cancel()
            self._listener = None
        self._listening = self._listen_url is None
        self.drop_everything()


def _libpq_url(engine: AsyncEngine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

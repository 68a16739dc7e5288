"""Units of work for the activity tests: real databases, one that cannot be opened at first, and a signal on
each commit (to wait for the background writer without sleeping)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from bot.activity.model import Activity, ActivityKind
from bot.messages import Form, Message
from bot.ports import Directory, UnitOfWork
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.tenancy import Role
from storage.unit_of_work import SqlUnitOfWorkFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORKSPACE = WorkspaceRef(Platform.CONSOLE, "acme")
CHANNEL = ChannelRef(WORKSPACE, "data-cop")


class SignalledUnit:
    """A unit of work that sets `committed` once it has committed."""

    def __init__(self, unit: UnitOfWork, committed: asyncio.Event) -> None:
        self._unit = unit
        self._committed = committed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)

    async def __aenter__(self) -> Self:
        await self._unit.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self._unit.__aexit__(exc_type, exc, traceback)

    async def commit(self) -> None:
        await self._unit.commit()
        self._committed.set()


class FlakyUnits:
    """Units over a real database; the first `failures` units are opened on a database that cannot be opened
    (`broken_units`), as when the database is gone. `committed` is set on each commit."""

    def __init__(self, good: SqlUnitOfWorkFactory, broken: SqlUnitOfWorkFactory, failures: int = 0) -> None:
        self._good = good
        self._broken = broken
        self.failures = failures
        self.opened = 0
        self.committed = asyncio.Event()

    @property
    def directory(self) -> Directory:
        return self._good.directory

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        self.opened += 1
        factory = self._broken if self.failures > 0 else self._good
        if self.failures > 0:
            self.failures -= 1
        unit: Any = SignalledUnit(factory(read_only=read_only), self.committed)
        return unit  # type: ignore[no-any-return]


async def community_rows(units: SqlUnitOfWorkFactory) -> tuple[int, int, list[int]]:
    """A workspace with one community and three members: their ids."""
    async with units() as uow:
        workspace = await uow.workspaces.add(WORKSPACE, "Acme", T0)
        community = await uow.communities.add(workspace.id, CHANNEL, name="Data CoP", goal="",
                                              timezone="Europe/Brussels", language="en", at=T0)
        members = [await uow.members.add(workspace.id, MemberRef(WORKSPACE, name), display_name=name,
                                         role=Role.MEMBER, at=T0) for name in ("ana", "ben", "cem")]
        await uow.commit()
    return workspace.id, community.id, [member.id for member in members]


def post(workspace_id: int, community_id: int, member_id: int, n: int) -> Activity:
    return Activity(workspace_id, community_id, member_id, CHANNEL.id, T0, ActivityKind.POST, f"m{n}")


@dataclass
class Answers:
    """A messenger and responder that keeps what Hearth said."""

    said: list[Message] = field(default_factory=list)

    async def respond(self, message: Message) -> MessageRef | None:
        self.said.append(message)
        return None

    async def open_form(self, form: Form) -> None:
        return None

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.said.append(message)
        return MessageRef(channel, str(len(self.said)))

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        return await self.send(CHANNEL, message)

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        self.said.append(message)

    async def update(self, ref: MessageRef, message: Message) -> None:
        return None

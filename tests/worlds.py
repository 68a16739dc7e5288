"""Where service tests begin: a Slack workspace with two communities, a facilitator and some members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Role, Scope

ACME = WorkspaceRef(Platform.SLACK, "T0001")


@dataclass(frozen=True)
class TwoCommunities:
    ana: Scope  # a facilitator, in Data
    members: list[Scope]  # members of Data: U1, U2, …
    elsewhere: Scope  # the first member, in Design


async def two_communities(uow_factory: UnitOfWorkFactory, *, members: int, at: datetime) -> TwoCommunities:
    """Acme with Data (C1) and Design (C2), Ana (U0) its facilitator and `members` members, stored at `at`."""
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", at)
        data = await uow.communities.add(workspace.id, ChannelRef(ACME, "C1"), name="Data", goal="",
                                         timezone="Europe/Brussels", language="en", at=at)
        design = await uow.communities.add(workspace.id, ChannelRef(ACME, "C2"), name="Design", goal="",
                                           timezone="Europe/Brussels", language="en", at=at)
        ana = await uow.members.add(workspace.id, MemberRef(ACME, "U0"), display_name="Ana", role=Role.FACILITATOR,
                                    at=at)
        added = [await uow.members.add(workspace.id, MemberRef(ACME, f"U{n}"), display_name=f"M{n}",
                                       role=Role.MEMBER, at=at) for n in range(1, members + 1)]
        await uow.commit()
    return TwoCommunities(Scope(workspace, ana, data), [Scope(workspace, member, data) for member in added],
                          Scope(workspace, added[0], design))

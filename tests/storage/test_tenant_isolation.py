"""Two workspaces with the same channel and member ids: nothing of one shows through the other's workspace id."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Community, Member, Role, Workspace

T0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Tenant:
    workspace: Workspace
    community: Community
    member: Member


async def _tenant(uow_factory: UnitOfWorkFactory, ref: WorkspaceRef, name: str) -> Tenant:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ref, name, T0)
        # The same platform ids in both workspaces: only the workspace tells them apart.
        community = await uow.communities.add(
            workspace.id,
            ChannelRef(ref, "C1"),
            name=f"{name} testers",
            goal="",
            timezone="UTC",
            language="en",
            at=T0,
        )
        member = await uow.members.add(
            workspace.id, MemberRef(ref, "U1"), display_name=f"{name} lead", role=Role.FACILITATOR, at=T0
        )
        await uow.commit()
    return Tenant(workspace, community, member)


@pytest.fixture
async def tenants(uow_factory: UnitOfWorkFactory) -> tuple[Tenant, Tenant]:
    # Same external ids on one platform and across platforms.
    return (
        await _tenant(uow_factory, WorkspaceRef(Platform.SLACK, "T1"), "Acme"),
        await _tenant(uow_factory, WorkspaceRef(Platform.DISCORD, "T1"), "Globex"),
    )


async def test_each_workspace_sees_only_its_own_rows(
    uow_factory: UnitOfWorkFactory, tenants: tuple[Tenant, Tenant]
) -> None:
    async with uow_factory() as uow:
        for tenant in tenants:
            workspace_id = tenant.workspace.id
            assert await uow.communities.get(workspace_id, tenant.community.id) == tenant.community
            assert await uow.communities.get_by_channel(workspace_id, tenant.community.channel) == tenant.community
            assert await uow.communities.list(workspace_id) == [tenant.community]
            assert await uow.members.get(workspace_id, tenant.member.ref) == tenant.member
            assert await uow.members.with_role(workspace_id, Role.FACILITATOR) == [tenant.member]


async def test_another_workspaces_rows_are_not_found(
    uow_factory: UnitOfWorkFactory, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, globex = tenants
    async with uow_factory() as uow:
        assert await uow.communities.get(acme.workspace.id, globex.community.id) is None
        # The other workspace's reference, asked through this workspace's id.
        assert await uow.communities.get_by_channel(acme.workspace.id, globex.community.channel) is None
        assert await uow.members.get(acme.workspace.id, globex.member.ref) is None
        # This workspace's reference, asked through the other workspace's id.
        assert await uow.communities.get_by_channel(globex.workspace.id, acme.community.channel) is None
        assert await uow.members.get(globex.workspace.id, acme.member.ref) is None


async def test_an_unknown_workspace_id_sees_nothing(
    uow_factory: UnitOfWorkFactory, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, _ = tenants
    unknown = 10_000
    async with uow_factory() as uow:
        assert await uow.communities.get(unknown, acme.community.id) is None
        assert await uow.communities.get_by_channel(unknown, acme.community.channel) is None
        assert await uow.communities.list(unknown) == []
        assert await uow.members.get(unknown, acme.member.ref) is None
        assert await uow.members.with_role(unknown, Role.FACILITATOR) == []


async def test_an_update_through_another_workspace_changes_nothing(
    uow_factory: UnitOfWorkFactory, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, globex = tenants
    hijacked_community = dataclasses.replace(acme.community, workspace_id=globex.workspace.id, name="Hijacked")
    hijacked_member = dataclasses.replace(acme.member, workspace_id=globex.workspace.id, display_name="Hijacked")
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.communities.update(hijacked_community)
        with pytest.raises(LookupError):
            await uow.members.update(hijacked_member)
        await uow.commit()

    async with uow_factory() as uow:
        for tenant in tenants:
            assert await uow.communities.list(tenant.workspace.id) == [tenant.community]
            assert await uow.members.with_role(tenant.workspace.id, Role.FACILITATOR) == [tenant.member]


async def test_adding_under_a_workspace_id_that_is_not_the_references_workspace_is_refused(
    uow_factory: UnitOfWorkFactory, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, globex = tenants
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.communities.add(
                acme.workspace.id,
                ChannelRef(globex.workspace.ref, "C2"),
                name="Stray",
                goal="",
                timezone="UTC",
                language="en",
                at=T0,
            )
        with pytest.raises(LookupError):
            await uow.members.add(
                acme.workspace.id,
                MemberRef(globex.workspace.ref, "U2"),
                display_name="Stray",
                role=Role.MEMBER,
                at=T0,
            )
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.communities.list(acme.workspace.id) == [acme.community]
        assert await uow.members.with_role(acme.workspace.id, Role.MEMBER) == []

"""The repository contract: the same tests on every storage backend (see `database_url` in conftest)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import AlreadyExists, UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Community, Member, Role, Workspace
from storage.unit_of_work import SqlUnitOfWorkFactory

T0 = datetime(2025, 3, 30, 9, 0, tzinfo=UTC)
ACME = WorkspaceRef(Platform.SLACK, "T0001")


async def _add_workspace(uow_factory: UnitOfWorkFactory, ref: WorkspaceRef = ACME) -> Workspace:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ref, "Acme", T0)
        await uow.commit()
    return workspace


def test_the_factory_satisfies_the_port(uow_factory: SqlUnitOfWorkFactory) -> None:
    factory: UnitOfWorkFactory = uow_factory  # checked by mypy: the SQL unit of work is a `UnitOfWork`
    assert factory is uow_factory


# Workspaces


async def test_a_workspace_added_and_committed_can_be_found(uow_factory: UnitOfWorkFactory) -> None:
    added = await _add_workspace(uow_factory)

    async with uow_factory() as uow:
        found = await uow.workspaces.get(ACME)

    assert found == added
    assert found == Workspace(id=added.id, ref=ACME, name="Acme", created_at=T0)


async def test_workspaces_of_one_platform_are_listed_removed_or_not(uow_factory: UnitOfWorkFactory) -> None:
    slack = await _add_workspace(uow_factory)
    first = await _add_workspace(uow_factory, WorkspaceRef(Platform.DISCORD, "81384788765712384"))
    second = await _add_workspace(uow_factory, WorkspaceRef(Platform.DISCORD, "41771983423143937"))
    async with uow_factory() as uow:
        await uow.workspaces.set_removed(second.id, T0)
        await uow.commit()

    async with uow_factory() as uow:
        discord = await uow.workspaces.on_platform(Platform.DISCORD)
        console = await uow.workspaces.on_platform(Platform.CONSOLE)

    assert [(w.id, w.removed_at) for w in discord] == [(first.id, None), (second.id, T0)]
    assert console == []
    assert slack.id not in [w.id for w in discord]


async def test_an_unknown_workspace_is_none(uow_factory: UnitOfWorkFactory) -> None:
    await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        assert await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, "T0001")) is None
        assert await uow.workspaces.get(WorkspaceRef(Platform.SLACK, "T0002")) is None


async def test_a_workspace_can_be_renamed(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        await uow.workspaces.rename(workspace.id, "Acme Labs")
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.workspaces.get(ACME) == dataclasses.replace(workspace, name="Acme Labs")


async def test_renaming_an_unknown_workspace_raises_lookup_error(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.workspaces.rename(9999, "Nobody")


async def test_a_duplicate_workspace_raises_already_exists_and_the_unit_stays_usable(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        first = await uow.workspaces.add(ACME, "Acme", T0)
        with pytest.raises(AlreadyExists):
            await uow.workspaces.add(ACME, "Acme again", T0)
        other = await uow.workspaces.add(WorkspaceRef(Platform.DISCORD, "G1"), "Guild", T0)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.workspaces.get(ACME) == first
        assert await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, "G1")) == other


# Communities


async def test_a_community_can_be_found_by_id_and_channel(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    channel = ChannelRef(ACME, "C100")
    async with uow_factory() as uow:
        added = await uow.communities.add(
            workspace.id,
            channel,
            name="Testers",
            goal="Share tips",
            timezone="Europe/Amsterdam",
            language="nl",
            at=T0,
        )
        await uow.commit()

    async with uow_factory() as uow:
        by_id = await uow.communities.get(workspace.id, added.id)
        by_channel = await uow.communities.get_by_channel(workspace.id, channel)

    expected = Community(
        id=added.id,
        workspace_id=workspace.id,
        channel=channel,
        name="Testers",
        goal="Share tips",
        timezone="Europe/Amsterdam",
        language="nl",
        created_at=T0,
    )
    assert added == by_id == by_channel == expected


async def test_unknown_communities_are_none(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        assert await uow.communities.get(workspace.id, 12345) is None
        assert await uow.communities.get_by_channel(workspace.id, ChannelRef(ACME, "C404")) is None
        assert await uow.communities.list(workspace.id) == []


async def test_communities_are_listed_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        for channel_id, created in [("C2", T0 + timedelta(days=2)), ("C0", T0), ("C1", T0 + timedelta(days=1))]:
            await uow.communities.add(
                workspace.id,
                ChannelRef(ACME, channel_id),
                name=channel_id,
                goal="",
                timezone="UTC",
                language="en",
                at=created,
            )
        await uow.commit()

    async with uow_factory() as uow:
        listed = await uow.communities.list(workspace.id)
    assert [community.channel.id for community in listed] == ["C0", "C1", "C2"]


async def test_a_community_update_stores_name_goal_timezone_and_language(
    uow_factory: UnitOfWorkFactory,
) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        community = await uow.communities.add(
            workspace.id,
            ChannelRef(ACME, "C1"),
            name="Old",
            goal="Old goal",
            timezone="UTC",
            language="en",
            at=T0,
        )
        await uow.commit()

    changed = dataclasses.replace(
        community, name="New", goal="Meet every week", timezone="America/New_York", language="nl"
    )
    async with uow_factory() as uow:
        await uow.communities.update(changed)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.communities.get(workspace.id, community.id) == changed


async def test_a_second_community_in_one_channel_raises_already_exists(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    channel = ChannelRef(ACME, "C1")
    async with uow_factory() as uow:
        first = await uow.communities.add(
            workspace.id, channel, name="First", goal="", timezone="UTC", language="en", at=T0
        )
        with pytest.raises(AlreadyExists):
            await uow.communities.add(
                workspace.id, channel, name="Second", goal="", timezone="UTC", language="en", at=T0
            )
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.communities.list(workspace.id) == [first]


async def test_a_community_in_an_unknown_workspace_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.communities.add(
                4242, ChannelRef(ACME, "C1"), name="Lost", goal="", timezone="UTC", language="en", at=T0
            )


# Members


async def test_a_member_can_be_found_by_reference(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    ref = MemberRef(ACME, "U1")
    async with uow_factory() as uow:
        added = await uow.members.add(workspace.id, ref, display_name="Ada", role=Role.FACILITATOR, at=T0)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.members.get(workspace.id, ref)

    assert found == added
    assert found == Member(
        id=added.id,
        workspace_id=workspace.id,
        ref=ref,
        display_name="Ada",
        role=Role.FACILITATOR,
        timezone=None,
        language=None,
        preferences={},
        joined_at=T0,
    )
    assert found.is_facilitator


async def test_an_unknown_member_is_none(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        assert await uow.members.get(workspace.id, MemberRef(ACME, "U404")) is None


async def test_a_member_update_stores_every_changeable_field(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        member = await uow.members.add(workspace.id, MemberRef(ACME, "U1"), display_name="Ada", role=Role.MEMBER, at=T0)
        await uow.commit()

    changed = dataclasses.replace(
        member,
        display_name="Ada L.",
        role=Role.FACILITATOR,
        timezone="Asia/Tokyo",
        language="nl",
        preferences={"nudges": False, "digest_hour": 9, "greeting": "Hé, ça va? 👋"},
    )
    async with uow_factory() as uow:
        await uow.members.update(changed)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.members.get(workspace.id, member.ref)
    assert found == changed
    assert found is not None
    # JSON keeps the Python types: a bool stays a bool, not 0/1.
    assert found.preferences["nudges"] is False
    assert type(found.preferences["digest_hour"]) is int


async def test_updating_an_unknown_member_raises_lookup_error(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    ghost = Member(id=777, workspace_id=workspace.id, ref=MemberRef(ACME, "U9"), display_name="Ghost", role=Role.MEMBER)
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.members.update(ghost)


async def test_a_duplicate_member_raises_already_exists_and_the_unit_stays_usable(
    uow_factory: UnitOfWorkFactory,
) -> None:
    workspace = await _add_workspace(uow_factory)
    async with uow_factory() as uow:
        ada = await uow.members.add(workspace.id, MemberRef(ACME, "U1"), display_name="Ada", role=Role.MEMBER, at=T0)
        with pytest.raises(AlreadyExists):
            await uow.members.add(workspace.id, MemberRef(ACME, "U1"), display_name="Ada 2", role=Role.MEMBER, at=T0)
        bea = await uow.members.add(workspace.id, MemberRef(ACME, "U2"), display_name="Bea", role=Role.MEMBER, at=T0)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.members.with_role(workspace.id, Role.MEMBER) == [ada, bea]


async def test_members_with_a_role_come_by_display_name_ignoring_case(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)
    people = [
        ("U1", "carol", Role.FACILITATOR),
        ("U2", "Bob", Role.MEMBER),
        ("U3", "Alice", Role.FACILITATOR),
        ("U4", "bert", Role.FACILITATOR),
    ]
    async with uow_factory() as uow:
        for external_id, name, role in people:
            await uow.members.add(workspace.id, MemberRef(ACME, external_id), display_name=name, role=role, at=T0)
        await uow.commit()

    async with uow_factory() as uow:
        facilitators = await uow.members.with_role(workspace.id, Role.FACILITATOR)
        members = await uow.members.with_role(workspace.id, Role.MEMBER)
    assert [member.display_name for member in facilitators] == ["Alice", "bert", "carol"]
    assert [member.display_name for member in members] == ["Bob"]


# Time


async def test_datetimes_come_back_aware_in_utc(uow_factory: UnitOfWorkFactory) -> None:
    amsterdam_summer = timezone(timedelta(hours=2))
    local = datetime(2025, 7, 1, 17, 30, 15, 123456, tzinfo=amsterdam_summer)
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", local)
        await uow.members.add(workspace.id, MemberRef(ACME, "U1"), display_name="Ada", role=Role.MEMBER, at=local)
        await uow.communities.add(
            workspace.id,
            ChannelRef(ACME, "C1"),
            name="C",
            goal="",
            timezone="Europe/Amsterdam",
            language="en",
            at=local,
        )
        await uow.commit()

    async with uow_factory() as uow:
        stored_workspace = await uow.workspaces.get(ACME)
        member = await uow.members.get(workspace.id, MemberRef(ACME, "U1"))
        community = await uow.communities.get_by_channel(workspace.id, ChannelRef(ACME, "C1"))

    assert stored_workspace is not None
    assert member is not None
    assert community is not None
    for moment in (stored_workspace.created_at, member.joined_at, community.created_at):
        assert moment == local
        assert moment is not None
        assert moment.utcoffset() == timedelta(0)
        assert moment == datetime(2025, 7, 1, 15, 30, 15, 123456, tzinfo=UTC)


async def test_a_naive_datetime_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(Exception, match="time-zone aware"):
            await uow.workspaces.add(ACME, "Acme", datetime(2025, 1, 1, 12, 0))


# The unit of work


async def test_leaving_without_commit_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.workspaces.add(ACME, "Acme", T0)

    async with uow_factory() as uow:
        assert await uow.workspaces.get(ACME) is None


async def test_an_error_inside_the_unit_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    async def fail_halfway() -> None:
        async with uow_factory() as uow:
            await uow.workspaces.add(ACME, "Acme", T0)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_halfway()

    async with uow_factory() as uow:
        assert await uow.workspaces.get(ACME) is None


async def test_rollback_discards_only_what_came_after_the_last_commit(uow_factory: UnitOfWorkFactory) -> None:
    other = WorkspaceRef(Platform.DISCORD, "G1")
    async with uow_factory() as uow:
        await uow.workspaces.add(ACME, "Acme", T0)
        await uow.commit()
        await uow.workspaces.add(other, "Guild", T0)
        await uow.rollback()
        # The unit goes on after a rollback.
        workspace = await uow.workspaces.get(ACME)
        assert workspace is not None
        await uow.workspaces.rename(workspace.id, "Acme Labs")
        await uow.commit()

    async with uow_factory() as uow:
        renamed = await uow.workspaces.get(ACME)
        assert renamed is not None
        assert renamed.name == "Acme Labs"
        assert await uow.workspaces.get(other) is None


async def test_after_a_rollback_a_new_workspace_is_not_mistaken_for_the_undone_one(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # SQLite hands the undone row's id to the next insert; nothing may still think it is the old workspace.
    other = WorkspaceRef(Platform.DISCORD, "G1")
    async with uow_factory() as uow:
        undone = await uow.workspaces.add(ACME, "Acme", T0)
        await uow.members.add(undone.id, MemberRef(ACME, "U1"), display_name="Ada", role=Role.MEMBER, at=T0)
        await uow.rollback()
        workspace = await uow.workspaces.add(other, "Guild", T0)
        member = await uow.members.add(workspace.id, MemberRef(other, "U1"), display_name="Bo", role=Role.MEMBER, at=T0)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.members.get(workspace.id, MemberRef(other, "U1")) == member
        assert await uow.workspaces.get(ACME) is None


async def test_concurrent_units_all_land(uow_factory: UnitOfWorkFactory) -> None:
    workspace = await _add_workspace(uow_factory)

    async def join(number: int) -> None:
        async with uow_factory() as uow:
            await uow.members.add(
                workspace.id,
                MemberRef(ACME, f"U{number:02}"),
                display_name=f"Member {number:02}",
                role=Role.MEMBER,
                at=T0,
            )
            await uow.commit()

    await asyncio.gather(*(join(number) for number in range(20)))

    async with uow_factory() as uow:
        members = await uow.members.with_role(workspace.id, Role.MEMBER)
    assert [member.ref.id for member in members] == [f"U{number:02}" for number in range(20)]


async def test_deleting_a_workspace_deletes_its_communities_and_members(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    gone = await _add_workspace(uow_factory)
    kept = await _add_workspace(uow_factory, WorkspaceRef(Platform.DISCORD, "G1"))
    for workspace in (gone, kept):
        async with uow_factory() as uow:
            await uow.communities.add(
                workspace.id,
                ChannelRef(workspace.ref, "C1"),
                name="C",
                goal="",
                timezone="UTC",
                language="en",
                at=T0,
            )
            await uow.members.add(
                workspace.id, MemberRef(workspace.ref, "U1"), display_name="Ada", role=Role.MEMBER, at=T0
            )
            await uow.commit()

    # No repository deletes workspaces yet; the cascade is the database's job, so test it there.
    async with database_engine.begin() as connection:
        await connection.execute(text("DELETE FROM workspace WHERE id = :id"), {"id": gone.id})
        remaining = {
            table: (await connection.execute(text(f"SELECT workspace_id FROM {table}"))).scalars().all()
            for table in ("community", "member")
        }

    assert remaining == {"community": [kept.id], "member": [kept.id]}


async def test_members_are_found_many_at_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        acme = await uow.workspaces.add(WorkspaceRef(Platform.SLACK, "TBATCH1"), "Acme", T0)
        other = await uow.workspaces.add(WorkspaceRef(Platform.SLACK, "TBATCH2"), "Other", T0)
        ana = await uow.members.add(acme.id, MemberRef(acme.ref, "U1"), display_name="Ana", role=Role.MEMBER, at=T0)
        ben = await uow.members.add(acme.id, MemberRef(acme.ref, "U2"), display_name="Ben", role=Role.MEMBER, at=T0)
        await uow.members.add(other.id, MemberRef(other.ref, "U3"), display_name="Cy", role=Role.MEMBER, at=T0)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.members.get_many(acme.id, [
            ana.ref, ben.ref, ana.ref, MemberRef(acme.ref, "U9"),
            MemberRef(other.ref, "U3"), MemberRef(other.ref, "U1"),
        ])
        assert found == {ana.ref: ana, ben.ref: ben}
        assert await uow.members.get_many(acme.id, []) == {}
        assert await uow.members.get_many(999, [ana.ref]) == {}

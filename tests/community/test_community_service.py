"""`CommunityService` on every storage backend: each request's result, refusals that change nothing, and one unit
of work per request."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

import pytest

from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.community.requests import (
    AddFacilitator,
    ChangeSettings,
    ListFacilitators,
    MakeFacilitator,
    RemoveFacilitator,
    SetPreferences,
    SetUpCommunity,
    ShowSettings,
)
from bot.community.service import MAX_GOAL, MAX_NAME, CommunityService
from bot.errors import NotFound, PermissionDenied, UserError
from bot.i18n import Msg, render
from bot.messages import MemberMention, UserText
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import POLL_ASKERS, Community, Member, Role, Scope, Workspace
from tests.counting_units import CountingUnits

T0 = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
ACME = WorkspaceRef(Platform.CONSOLE, "acme")
GENERAL = ChannelRef(ACME, "general")
DATA = ChannelRef(ACME, "data")
ANA = MemberRef(ACME, "ana")
BEN = MemberRef(ACME, "ben")
CARO = MemberRef(ACME, "caro")
ENGLISH = Catalogs.load()
E = TypeVar("E", bound=UserError)


@dataclass(slots=True)
class World:
    service: CommunityService
    units: CountingUnits
    workspace: Workspace
    clock: SimulatedClock

    async def member(self, ref: MemberRef, role: Role = Role.MEMBER) -> Member:
        async with self.units.inner() as uow:
            member = await uow.members.add(self.workspace.id, ref, display_name=ref.id.title(), role=role, at=T0)
            await uow.commit()
        return member

    async def stored(self, ref: MemberRef) -> Member:
        async with self.units.inner() as uow:
            member = await uow.members.get(self.workspace.id, ref)
        assert member is not None
        return member

    async def community(self, channel: ChannelRef) -> Community | None:
        async with self.units.inner() as uow:
            return await uow.communities.get_by_channel(self.workspace.id, channel)

    async def everything(self) -> object:
        """What a refused request must leave exactly as it was."""
        async with self.units.inner() as uow:
            return (
                await uow.workspaces.on_platform(Platform.CONSOLE),
                await uow.communities.list(self.workspace.id),
                await uow.members.with_role(self.workspace.id, Role.MEMBER),
                await uow.members.with_role(self.workspace.id, Role.FACILITATOR),
            )

    def scope(self, member: Member, community: Community | None = None, *, is_admin: bool = False) -> Scope:
        return Scope(self.workspace, member, community, is_admin=is_admin)

    async def set_up(self, member: Member, channel: ChannelRef = GENERAL, **values: str) -> Community:
        request = SetUpCommunity(self.scope(member), channel, name=values.get("name", channel.id),
                                 timezone="Europe/Brussels", language="en", goal=values.get("goal", ""))
        return (await self.service.set_up_community(request)).community


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    units = CountingUnits(uow_factory)
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", T0)
        await uow.commit()
    clock = SimulatedClock(T0)
    return World(CommunityService(units, clock), units, workspace, clock)


def english(message: Msg) -> str:
    """`message` in English, with names and mentions as plain words."""
    words = []
    for part in render(ENGLISH, "en", message).parts:
        if isinstance(part, UserText):
            words.append(part.value)
        elif isinstance(part, MemberMention):
            words.append(f"@{part.member.id}")
        else:
            words.append(str(part))
    return "".join(words)


async def refused(world: World, error: type[E], request: object) -> E:
    """Send `request`, expect `error`, and check that nothing changed and exactly one unit of work was opened."""
    before = await world.everything()
    opened = world.units.opened
    method = {
        SetUpCommunity: world.service.set_up_community,
        ChangeSettings: world.service.change_settings,
        SetPreferences: world.service.set_preferences,
        AddFacilitator: world.service.add_facilitator,
        RemoveFacilitator: world.service.remove_facilitator,
    }[type(request)]
    with pytest.raises(error) as raised:
        await method(request)  # type: ignore[operator]
    assert world.units.opened - opened <= 1
    assert await world.everything() == before
    return raised.value


# --- setting a community up ----------------------------------------------------------------------------------


async def test_the_first_member_to_set_up_a_community_becomes_its_facilitator(world: World) -> None:
    ana = await world.member(ANA)

    result = await world.service.set_up_community(SetUpCommunity(
        world.scope(ana), GENERAL, name="  Data   CoP ", timezone="Europe/Brussels", language="nl",
        goal=" Learn from each other ",
    ))

    assert result.first_facilitator
    assert result.member == replace(ana, role=Role.FACILITATOR)
    assert result.community == Community(
        id=result.community.id, workspace_id=world.workspace.id, channel=GENERAL, name="Data CoP",
        goal="Learn from each other", timezone="Europe/Brussels", language="nl", created_at=T0,
    )
    assert await world.community(GENERAL) == result.community
    assert await world.stored(ANA) == result.member


async def test_a_facilitator_setting_up_another_channel_stays_the_only_facilitator(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)
    await world.set_up(ana)

    result = await world.service.set_up_community(SetUpCommunity(
        world.scope(ana), DATA, name="data", timezone="UTC", language="en",
    ))

    assert not result.first_facilitator
    assert result.member == ana
    assert result.community.goal == ""
    assert await world.community(DATA) == result.community


async def test_an_admin_sets_up_a_community_in_a_workspace_with_facilitators(world: World) -> None:
    await world.member(ANA, Role.FACILITATOR)
    ben = await world.member(BEN)

    result = await world.service.set_up_community(SetUpCommunity(
        world.scope(ben, is_admin=True), DATA, name="data", timezone="UTC", language="en",
    ))

    assert not result.first_facilitator
    assert result.member.role is Role.MEMBER


async def test_once_a_workspace_has_facilitators_a_member_may_not_set_up(world: World) -> None:
    await world.member(ANA, Role.FACILITATOR)
    ben = await world.member(BEN)

    error = await refused(world, PermissionDenied, SetUpCommunity(
        world.scope(ben), GENERAL, name="general", timezone="UTC", language="en",
    ))

    assert english(error.message) == "Only facilitators can use /hearth setup. Ask Ana."


async def test_a_channel_that_already_is_a_community_is_not_set_up_again(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ana = await world.stored(ANA)

    for known in (community, None):  # whether the scope knew of it or not
        error = await refused(world, UserError, SetUpCommunity(
            world.scope(ana, known), GENERAL, name="again", timezone="UTC", language="en",
        ))
        assert english(error.message) == "This channel already is the community general."
        assert error.hint is not None


@pytest.mark.parametrize(("name", "goal", "said"), [
    ("   ", "", "The name cannot be empty."),
    ("x" * (MAX_NAME + 1), "", f"The name is too long: keep it under {MAX_NAME} characters."),
    ("data", "x" * (MAX_GOAL + 1), f"The goal is too long: keep it under {MAX_GOAL} characters."),
])
async def test_a_community_is_not_set_up_with_a_name_or_goal_that_does_not_fit(
    world: World, name: str, goal: str, said: str
) -> None:
    ana = await world.member(ANA)

    error = await refused(world, UserError, SetUpCommunity(
        world.scope(ana), GENERAL, name=name, goal=goal, timezone="UTC", language="en",
    ))

    assert english(error.message) == said


async def test_a_community_is_not_set_up_in_a_zone_that_does_not_exist(world: World) -> None:
    ana = await world.member(ANA)

    error = await refused(world, UserError, SetUpCommunity(
        world.scope(ana), GENERAL, name="data", timezone="Mars/Olympus", language="en",
    ))

    assert english(error.message).startswith("Mars/Olympus is not a time zone.")


# --- settings --------------------------------------------------------------------------------------------------


async def test_settings_are_shown_as_stored_with_the_facilitators(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana, goal="Share")
    ben = await world.member(BEN)

    result = await world.service.show_settings(ShowSettings(world.scope(ben, community)))

    assert result.community == community
    assert result.facilitators == (await world.stored(ANA),)


async def test_settings_outside_a_community_are_not_found(world: World) -> None:
    ana = await world.member(ANA)

    with pytest.raises(NotFound):
        await world.service.show_settings(ShowSettings(world.scope(ana)))


async def test_a_facilitator_changes_the_settings(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ana = await world.stored(ANA)

    result = await world.service.change_settings(ChangeSettings(
        world.scope(ana, community), goal="  Share one lesson a week ", language="nl",
    ))

    assert result.community == replace(community, goal="Share one lesson a week", language="nl")
    assert result.facilitators == (ana,)
    assert await world.community(GENERAL) == result.community


async def test_settings_change_what_is_stored_now_not_what_the_scope_saw(world: World) -> None:
    ana = await world.member(ANA)
    seen = await world.set_up(ana)
    ana = await world.stored(ANA)
    await world.service.change_settings(ChangeSettings(world.scope(ana, seen), goal="Share"))

    result = await world.service.change_settings(ChangeSettings(world.scope(ana, seen), timezone="Asia/Tokyo"))

    assert result.community == replace(seen, goal="Share", timezone="Asia/Tokyo")


async def test_an_admin_who_is_no_facilitator_changes_the_settings(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ben = await world.member(BEN)

    result = await world.service.change_settings(ChangeSettings(world.scope(ben, community, is_admin=True),
                                                                name="Analysts"))

    assert result.community.name == "Analysts"


async def test_a_member_may_not_change_the_settings_and_is_told_who_can(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ben = await world.member(BEN)

    error = await refused(world, PermissionDenied, ChangeSettings(world.scope(ben, community), goal="Mine"))

    assert english(error.message) == "Only facilitators can use /hearth settings. Ask Ana."


async def test_without_facilitators_the_refusal_says_how_to_get_one(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    async with world.units.inner() as uow:
        await uow.members.update(ana)  # ana set the community up, then gave the role back
        await uow.commit()

    error = await refused(world, PermissionDenied, ChangeSettings(world.scope(ana, community), goal="Mine"))

    assert "this workspace has none yet" in english(error.message)


@pytest.mark.parametrize("values", [
    {"name": ""}, {"name": "x" * (MAX_NAME + 1)}, {"goal": "x" * (MAX_GOAL + 1)}, {"timezone": "Europe/Atlantis"},
    {"goal": "Fine", "timezone": "Nowhere"},
])
async def test_settings_that_do_not_fit_change_nothing(world: World, values: dict[str, str]) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ana = await world.stored(ANA)

    await refused(world, UserError, ChangeSettings(world.scope(ana, community), **values))


async def test_settings_of_a_community_of_another_workspace_are_not_found(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ana = await world.stored(ANA)
    async with world.units.inner() as uow:
        other = await uow.workspaces.add(WorkspaceRef(Platform.CONSOLE, "other"), "Other", T0)
        await uow.commit()
    elsewhere = Scope(other, replace(ana, workspace_id=other.id), community, is_admin=True)

    with pytest.raises(NotFound):
        await world.service.change_settings(ChangeSettings(elsewhere, goal="Taken over"))
    assert await world.community(GENERAL) == community


# --- a member's own preferences -------------------------------------------------------------------------------


async def test_a_member_sets_their_own_zone_and_language(world: World) -> None:
    ana = await world.member(ANA)

    result = await world.service.set_preferences(SetPreferences(world.scope(ana), timezone="Asia/Tokyo",
                                                                language="nl"))

    assert result.changed
    assert result.member == replace(ana, timezone="Asia/Tokyo", language="nl")
    assert await world.stored(ANA) == result.member


async def test_a_reset_follows_the_community_again(world: World) -> None:
    ana = await world.member(ANA)
    await world.service.set_preferences(SetPreferences(world.scope(ana), timezone="Asia/Tokyo", language="nl"))

    result = await world.service.set_preferences(SetPreferences(world.scope(ana), reset=True))

    assert result.changed
    assert result.member == ana
    assert await world.stored(ANA) == ana


async def test_preferences_without_changes_are_shown_as_stored(world: World) -> None:
    ana = await world.member(ANA)
    await world.service.set_preferences(SetPreferences(world.scope(ana), language="nl"))

    result = await world.service.set_preferences(SetPreferences(world.scope(ana)))

    assert not result.changed
    assert result.member == replace(ana, language="nl")


@pytest.mark.parametrize("values", [
    {"reset": True, "timezone": "Asia/Tokyo"}, {"reset": True, "language": "nl"}, {"timezone": "Moon/Base"},
])
async def test_preferences_that_do_not_fit_change_nothing(world: World, values: dict[str, object]) -> None:
    ana = await world.member(ANA)

    await refused(world, UserError, SetPreferences(world.scope(ana), **values))  # type: ignore[arg-type]


# --- facilitators ----------------------------------------------------------------------------------------------


async def test_a_facilitator_makes_a_member_a_facilitator(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)
    ben = await world.member(BEN)

    added = await world.service.add_facilitator(AddFacilitator(world.scope(ana), BEN))

    assert added == replace(ben, role=Role.FACILITATOR)
    assert await world.stored(BEN) == added


async def test_a_member_hearth_has_not_seen_yet_is_recorded_as_a_facilitator(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)

    added = await world.service.add_facilitator(AddFacilitator(world.scope(ana), CARO))

    assert (added.ref, added.display_name, added.role, added.joined_at) == (CARO, "caro", Role.FACILITATOR, T0)
    assert await world.stored(CARO) == added


async def test_a_facilitator_is_not_added_twice(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)
    await world.member(BEN, Role.FACILITATOR)

    error = await refused(world, UserError, AddFacilitator(world.scope(ana), BEN))

    assert english(error.message) == "@ben already is a facilitator."


async def test_a_member_may_not_add_facilitators(world: World) -> None:
    await world.member(ANA, Role.FACILITATOR)
    ben = await world.member(BEN)

    error = await refused(world, PermissionDenied, AddFacilitator(world.scope(ben), BEN))

    assert english(error.message) == "Only facilitators can use /hearth facilitators add. Ask Ana."


async def test_a_facilitator_takes_the_role_from_another(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)
    ben = await world.member(BEN, Role.FACILITATOR)

    removed = await world.service.remove_facilitator(RemoveFacilitator(world.scope(ana), BEN))

    assert removed == replace(ben, role=Role.MEMBER)
    assert await world.service.list_facilitators(ListFacilitators(world.scope(ana))) == (ana,)


async def test_the_last_facilitator_keeps_the_role(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)

    error = await refused(world, UserError, RemoveFacilitator(world.scope(ana), ANA))

    assert english(error.message).startswith("@ana is the last facilitator.")


async def test_only_a_facilitator_loses_the_role(world: World) -> None:
    ana = await world.member(ANA, Role.FACILITATOR)
    await world.member(BEN)

    for ref in (BEN, CARO):
        error = await refused(world, NotFound, RemoveFacilitator(world.scope(ana), ref))
        assert english(error.message) == f"@{ref.id} is not a facilitator."


async def test_a_member_may_not_remove_facilitators(world: World) -> None:
    await world.member(ANA, Role.FACILITATOR)
    await world.member(BEN, Role.FACILITATOR)
    caro = await world.member(CARO)

    await refused(world, PermissionDenied, RemoveFacilitator(world.scope(caro), BEN))


async def test_facilitators_are_listed_by_display_name(world: World) -> None:
    ben = await world.member(BEN, Role.FACILITATOR)
    ana = await world.member(ANA, Role.FACILITATOR)
    caro = await world.member(CARO)

    assert await world.service.list_facilitators(ListFacilitators(world.scope(caro))) == (ana, ben)


async def test_the_simulator_makes_a_facilitator_of_a_workspace_hearth_has_not_seen(world: World) -> None:
    elsewhere = WorkspaceRef(Platform.CONSOLE, "elsewhere")
    ref = MemberRef(elsewhere, "ana")

    made = await world.service.make_facilitator(MakeFacilitator(elsewhere, "Elsewhere", ref, "Ana"))
    again = await world.service.make_facilitator(MakeFacilitator(elsewhere, "Elsewhere", ref, "Ana"))

    assert (made.ref, made.display_name, made.role) == (ref, "Ana", Role.FACILITATOR)
    assert again == made
    async with world.units.inner() as uow:
        workspace = await uow.workspaces.get(elsewhere)
        assert workspace is not None and workspace.name == "Elsewhere"
        assert await uow.members.with_role(workspace.id, Role.FACILITATOR) == [made]


async def test_the_simulator_makes_a_known_member_a_facilitator(world: World) -> None:
    ben = await world.member(BEN)

    made = await world.service.make_facilitator(MakeFacilitator(ACME, "Acme", BEN, "Someone else"))

    assert made == replace(ben, role=Role.FACILITATOR)
    assert await world.stored(BEN) == made


# --- one unit of work per request -----------------------------------------------------------------------------


async def test_every_request_runs_in_exactly_one_unit_of_work(world: World) -> None:
    service = world.service
    ana = await world.member(ANA)
    await world.member(BEN)
    ran: list[tuple[str, int]] = []

    async def counted(name: str, call: object) -> object:
        before = world.units.opened
        result = await call  # type: ignore[misc]
        ran.append((name, world.units.opened - before))
        return result

    set_up = await counted("set up", service.set_up_community(SetUpCommunity(
        world.scope(ana), GENERAL, name="general", timezone="UTC", language="en")))
    community = set_up.community  # type: ignore[attr-defined]
    ana = set_up.member  # type: ignore[attr-defined]
    scope = world.scope(ana, community)
    await counted("show settings", service.show_settings(ShowSettings(scope)))
    await counted("change settings", service.change_settings(ChangeSettings(scope, goal="Share", language="nl")))
    await counted("set preferences", service.set_preferences(SetPreferences(scope, timezone="Asia/Tokyo")))
    await counted("show preferences", service.set_preferences(SetPreferences(scope)))
    await counted("add facilitator", service.add_facilitator(AddFacilitator(scope, BEN)))
    await counted("add new facilitator", service.add_facilitator(AddFacilitator(scope, CARO)))
    await counted("remove facilitator", service.remove_facilitator(RemoveFacilitator(scope, BEN)))
    await counted("list facilitators", service.list_facilitators(ListFacilitators(scope)))
    await counted("make facilitator", service.make_facilitator(MakeFacilitator(ACME, "Acme", BEN, "Ben")))

    assert ran == [(name, 1) for name, _ in ran]
    assert len(ran) == 10


async def test_a_refused_request_opens_at_most_one_unit_of_work(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ben = await world.member(BEN)
    scope = world.scope(ben, community)
    requests: list[object] = [
        ChangeSettings(scope, goal="Mine"),
        AddFacilitator(scope, BEN),
        RemoveFacilitator(scope, ANA),
        SetUpCommunity(world.scope(ben), DATA, name="data", timezone="UTC", language="en"),
    ]
    for request in requests:
        before = world.units.opened
        await refused(world, PermissionDenied, request)
        assert world.units.opened - before == 1


async def test_a_facilitator_chooses_who_asks_polls_and_nothing_else_unknown(world: World) -> None:
    ana = await world.member(ANA)
    community = await world.set_up(ana)
    ana = await world.stored(ANA)
    assert POLL_ASKERS.of(community) == "everyone"  # the default, never chosen

    result = await world.service.change_settings(ChangeSettings(world.scope(ana, community),
                                                                settings={"polls": "facilitators"}))
    stored = await world.community(GENERAL)
    assert stored == result.community and POLL_ASKERS.of(stored) == "facilitators"
    for wrong in ({"polls": "nobody"}, {"colour": "blue"}):
        with pytest.raises(UserError):
            await world.service.change_settings(ChangeSettings(world.scope(ana, stored), settings=wrong))
    assert await world.community(GENERAL) == stored  # a refusal changes nothing

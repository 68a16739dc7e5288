"""`CommunityService`: setting a community up, its settings, members' own preferences and the facilitators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from bot.community.requests import (
    AddFacilitator,
    ChangeSettings,
    CommunitySettings,
    CommunitySetUp,
    ListCommunities,
    ListFacilitators,
    MakeFacilitator,
    MemberPreferences,
    RemoveFacilitator,
    SetPreferences,
    SetUpCommunity,
    ShowSettings,
)
from bot.erasure import ERASURE, ERASURE_SUBJECT
from bot.errors import NotFound, UserError
from bot.i18n import _
from bot.messages import MemberMention, UserText
from bot.nudges.model import ROUND_KIND
from bot.permissions import facilitators_only
from bot.ports import Clock, Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.refs import Platform, WorkspaceRef
from bot.tenancy import COMMUNITY_SETTINGS, NOT_A_COMMUNITY, Community, Member, Role, Scope, Workspace
from bot.text_limits import COMMUNITY_NAME, GOAL, ZONE_NAME, has_unkeepable, one_line, several_lines, shown
from bot.time_zones import checked_zone

MAX_NAME = COMMUNITY_NAME.most
MAX_GOAL = GOAL.most

class CommunityService:
    """Everything that changes or reads a community, its members' preferences and its facilitators.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix
    raises a `UserError` (`NotFound`, `PermissionDenied`) and changes nothing. Changes that only facilitators may
    make are refused here, naming the workspace's facilitators, whatever surface the request came from.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, scheduler: Scheduler | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._scheduler = scheduler

    async def set_up_community(self, request: SetUpCommunity) -> CommunitySetUp:
        """Make the request's channel a community; the first member to set one up in a workspace becomes its
        facilitator.

        Raises `PermissionDenied` when the workspace has facilitators and the member is none of them (nor an
        admin), `UserError` when the channel already is a community or a value does not fit.
        """
        scope = request.scope
        _check_workspace(scope, request.channel.workspace)
        if scope.community is not None:
            raise _already_a_community(scope.community)
        async with self._uow() as uow:
            facilitators = await uow.members.with_role(scope.workspace.id, Role.FACILITATOR)
            if facilitators and not scope.may_facilitate:
                raise facilitators_only("/hearth setup", facilitators)
            existing = await uow.communities.get_by_channel(scope.workspace.id, request.channel)
            if existing is not None:
                raise _already_a_community(existing)
            chosen = checked_settings(request.settings or {})
            community = await uow.communities.add(
                scope.workspace.id, request.channel, name=checked_name(request.name),
                goal=checked_goal(request.goal), timezone=checked_timezone(request.timezone),
                language=request.language, at=self._clock.now(),
            )
            if chosen:
                community = replace(community, settings={**community.settings, **chosen})
                await uow.communities.update(community)
            member = scope.member
            first = not facilitators
            if first:
                member = replace(member, role=Role.FACILITATOR)
                await uow.members.update(member)
            await uow.commit()
        if self._scheduler is not None:  # the community's nudge rounds begin now, not at the next reconcile
            await self._scheduler.refresh(ROUND_KIND, community.workspace_id, str(community.id))
        return CommunitySetUp(community, member, first_facilitator=first)

    async def show_settings(self, request: ShowSettings) -> CommunitySettings:
        """The scope's community as stored, with the workspace's facilitators.

        Raises `NotFound` outside a community.
        """
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            community = await _community(uow, scope)
            facilitators = await uow.members.with_role(scope.workspace.id, Role.FACILITATOR)
        return CommunitySettings(community, tuple(facilitators))

    async def change_settings(self, request: ChangeSettings) -> CommunitySettings:
        """Store the changed settings of the scope's community and return them, with the facilitators.

        Raises `PermissionDenied` (naming the facilitators) unless the member facilitates, `NotFound` outside a
        community, `UserError` when a value does not fit.
        """
        scope = request.scope
        async with self._uow() as uow:
            facilitators = await uow.members.with_role(scope.workspace.id, Role.FACILITATOR)
            if not scope.may_facilitate:
                raise facilitators_only("/hearth settings", facilitators)
            community = await _community(uow, scope)
            community = replace(
                community,
                name=community.name if request.name is None else checked_name(request.name),
                goal=community.goal if request.goal is None else checked_goal(request.goal),
                timezone=community.timezone if request.timezone is None else checked_timezone(request.timezone),
                language=community.language if request.language is None else request.language,
                settings={**community.settings, **checked_settings(request.settings or {})},
            )
            await uow.communities.update(community)
            await uow.commit()
        if self._scheduler is not None and request.timezone is not None:  # its nudge rounds follow its clock
            await self._scheduler.refresh(ROUND_KIND, community.workspace_id, str(community.id))
        return CommunitySettings(community, tuple(facilitators))

    async def set_preferences(self, request: SetPreferences) -> MemberPreferences:
        """Store the member's own time zone and language (or forget both with `reset`) and return them.

        Raises `UserError` when `reset` comes with a time zone or language, or the time zone does not exist.
        """
        if request.reset and (request.timezone or request.language):
            raise UserError(_("Use --reset on its own, or set --tz and --lang without it."))
        scope = request.scope
        async with self._uow() as uow:
            stored = await uow.members.get(scope.workspace.id, scope.member.ref) or scope.member
            member = stored
            if request.reset:
                member = replace(member, timezone=None, language=None)
            if request.timezone:
                member = replace(member, timezone=checked_timezone(request.timezone))
            if request.language:
                member = replace(member, language=request.language)
            changed = member != stored
            if changed:
                await uow.members.update(member)
                await uow.commit()
        return MemberPreferences(member, changed)

    async def add_facilitator(self, request: AddFacilitator) -> Member:
        """Give `member` the facilitator role (recording them if Hearth has not seen them yet); returns them.

        Raises `PermissionDenied` unless the asking member facilitates, `UserError` when `member` already does.
        """
        scope, ref = request.scope, request.member
        _check_workspace(scope, ref.workspace)
        async with self._uow() as uow:
            if not scope.may_facilitate:
                raise facilitators_only(
                    "/hearth facilitators add", await uow.members.with_role(scope.workspace.id, Role.FACILITATOR)
                )
            member = await uow.members.get(scope.workspace.id, ref)
            if member is None:
                member = await uow.members.add(scope.workspace.id, ref, display_name=ref.id, role=Role.FACILITATOR,
                                               at=self._clock.now())
            elif member.is_facilitator:
                raise UserError(_("{member} already is a facilitator.", member=MemberMention(ref)))
            else:
                member = replace(member, role=Role.FACILITATOR)
                await uow.members.update(member)
            await uow.commit()
        return member

    async def remove_facilitator(self, request: RemoveFacilitator) -> Member:
        """Take the facilitator role from `member`; returns them as a plain member.

        Raises `PermissionDenied` unless the asking member facilitates, `NotFound` when `member` is no facilitator,
        `UserError` when they are the workspace's last one (someone must still look after the community).
        """
        scope, ref = request.scope, request.member
        _check_workspace(scope, ref.workspace)
        async with self._uow() as uow:
            facilitators = await uow.members.with_role(scope.workspace.id, Role.FACILITATOR)
            if not scope.may_facilitate:
                raise facilitators_only("/hearth facilitators remove", facilitators)
            member = next((m for m in facilitators if m.ref == ref), None)
            if member is None:
                raise NotFound(_("{member} is not a facilitator.", member=MemberMention(ref)),
                               hint=_("See who is with /hearth facilitators list."))
            if len(facilitators) == 1:
                raise UserError(_("{member} is the last facilitator. Add another one first, so someone can still "
                                  "look after the community.", member=MemberMention(ref)),
                                hint=_("/hearth facilitators add @name"))
            member = replace(member, role=Role.MEMBER)
            await uow.members.update(member)
            await uow.commit()
        return member

    async def list_facilitators(self, request: ListFacilitators) -> tuple[Member, ...]:
        """The facilitators of the scope's workspace, by display name (none in a workspace not set up yet)."""
        async with self._uow(read_only=True) as uow:
            return tuple(await uow.members.with_role(request.scope.workspace.id, Role.FACILITATOR))

    async def list_communities(self, request: ListCommunities) -> tuple[Community, ...]:
        """Every community of the scope's workspace."""
        async with self._uow(read_only=True) as uow:
            return tuple(await uow.communities.list(request.scope.workspace.id))

    async def community_names(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """The names of communities by (workspace id, community id), for an operator's report (no scope: the
        operator sees every workspace). A community that is gone is left out."""
        names: dict[tuple[int, int], str] = {}
        async with self._uow(read_only=True) as uow:
            for workspace_id, community_id in dict.fromkeys(keys):
                community = await uow.communities.get(workspace_id, community_id)
                if community is not None:
                    names[(workspace_id, community_id)] = community.name
        return names

    async def workspaces_on(self, platform: Platform) -> list[Workspace]:
        """Every workspace Hearth knows on `platform`, removed ones too: what a platform adapter compares with
        where it really is after a time offline. No scope: the platform's own connection asks."""
        async with self._uow(read_only=True) as uow:
            return await uow.workspaces.on_platform(platform)

    async def record_removal(self, workspace: Workspace, at: datetime) -> None:
        """The platform removed Hearth from `workspace`: mark it, and schedule the erasure of its data after the
        grace period (`bot.erasure`). No scope: the platform itself says so."""
        async with self._uow() as uow:
            await uow.workspaces.set_removed(workspace.id, at)
            await uow.commit()
        if self._scheduler is not None:
            await self._scheduler.refresh(ERASURE, workspace.id, ERASURE_SUBJECT)

    async def make_facilitator(self, request: MakeFacilitator) -> Member:
        """Record the workspace and member when new, and give the member the facilitator role; returns them.

        For the console simulator only (see `MakeFacilitator`): nothing is checked, nothing is refused.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            workspace = await uow.workspaces.get(request.workspace)
            if workspace is None:
                workspace = await uow.workspaces.add(request.workspace, request.workspace_name, now)
            member = await uow.members.get(workspace.id, request.member)
            if member is None:
                member = await uow.members.add(workspace.id, request.member, display_name=request.display_name,
                                               role=Role.FACILITATOR, at=now)
            elif not member.is_facilitator:
                member = replace(member, role=Role.FACILITATOR)
                await uow.members.update(member)
            await uow.commit()
        return member


# --- checks ------------------------------------------------------------------------------------------------


def checked_name(name: str) -> str:
    """A community's name on one line, whitespace collapsed; `UserError` when empty, longer than `MAX_NAME` or
    holding a character Hearth cannot keep (`bot.text_limits`)."""
    name = one_line(name)
    if not name:
        raise UserError(_("The name cannot be empty."), hint=_('For example: --name "Data CoP"'))
    if len(name) > MAX_NAME:
        raise UserError(_("The name is too long: keep it under {limit} characters.", limit=MAX_NAME))
    return name


def checked_goal(goal: str) -> str:
    """A community's goal, its lines kept, without surrounding whitespace (empty: none yet); `UserError` past
    `MAX_GOAL` or for a character Hearth cannot keep (`bot.text_limits`)."""
    goal = several_lines(goal)
    if len(goal) > MAX_GOAL:
        raise UserError(_("The goal is too long: keep it under {limit} characters.", limit=MAX_GOAL))
    return goal


def checked_timezone(name: str) -> str:
    """The canonical spelling of the IANA zone `name` names (`bot.time_zones`); `UserError` otherwise (surfaces
    read zones members type before)."""
    if len(name) > ZONE_NAME.most or has_unkeepable(name):
        raise UserError(_(
            "{value} is not a time zone. Use a name from the time zone database, such as `Europe/Brussels` "
            "or `America/New_York`.",
            value=shown(name),
        ))
    return checked_zone(name)


def _already_a_community(community: Community) -> UserError:
    return UserError(
        _("This channel already is the community {name}.", name=UserText(community.name)),
        hint=_("See or change its settings with /hearth settings."),
    )


def _check_workspace(scope: Scope, workspace: WorkspaceRef) -> None:
    # Surfaces read channels and mentions as references of the event's workspace; anything else is a bug.
    if workspace != scope.workspace.ref:
        raise ValueError("a request may only act on the workspace it comes from")


async def _community(uow: UnitOfWork, scope: Scope) -> Community:
    """The scope's community as stored now; `NotFound` outside a community (or one that is gone)."""
    if scope.community is None or scope.community.workspace_id != scope.workspace.id:
        raise NotFound(NOT_A_COMMUNITY)
    community = await uow.communities.get(scope.workspace.id, scope.community.id)
    if community is None:
        raise NotFound(NOT_A_COMMUNITY)
    return community


def checked_settings(settings: Mapping[str, str]) -> dict[str, str]:
    """`settings` if each names a known setting and one of its choices; a `UserError` says which is not."""
    known = {setting.key: setting for setting in COMMUNITY_SETTINGS}
    for key, value in settings.items():
        setting = known.get(key)
        if setting is None:
            raise UserError(_("A community has no setting {key}.", key=UserText(key)))
        if value not in setting.choices:
            raise UserError(_("{value} is not one of the choices: {choices}.", value=UserText(value),
                              choices=", ".join(setting.choices)))
    return dict(settings)

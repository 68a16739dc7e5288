"""What members ask of the community service, and what it answers.

Each request says who asks and where (`scope`) and carries values already read from what the member typed (a
time zone as an IANA name, a language as a code, a member as a reference); the service checks them and whether
the member may ask. `MakeFacilitator` is the one request without a scope: the console simulator sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.refs import ChannelRef, MemberRef, WorkspaceRef
from bot.tenancy import Community, Member, Scope

# --- requests ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetUpCommunity:
    """Make `channel` a community. The surface offers the channel's name when the member gave none."""

    scope: Scope
    channel: ChannelRef
    name: str
    timezone: str
    language: str
    goal: str = ""
    settings: Mapping[str, str] | None = None  # `bot.tenancy.COMMUNITY_SETTINGS` chosen at once, by key


@dataclass(frozen=True, slots=True)
class ShowSettings:
    """The settings of the scope's community, with the workspace's facilitators."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class ChangeSettings:
    """Change the scope's community; None leaves a setting as it is. Facilitators only."""

    scope: Scope
    name: str | None = None
    goal: str | None = None
    timezone: str | None = None
    language: str | None = None
    settings: Mapping[str, str] | None = None  # `bot.tenancy.COMMUNITY_SETTINGS` by key: the new choice


@dataclass(frozen=True, slots=True)
class SetPreferences:
    """Set the asking member's own time zone and language, or `reset` them to follow the community again.

    None leaves a preference as it is; a request that changes nothing shows the preferences.
    """

    scope: Scope
    timezone: str | None = None
    language: str | None = None
    reset: bool = False


@dataclass(frozen=True, slots=True)
class AddFacilitator:
    """Make `member` a facilitator of the scope's workspace. Facilitators only."""

    scope: Scope
    member: MemberRef


@dataclass(frozen=True, slots=True)
class RemoveFacilitator:
    """Take the facilitator role from `member`; never from the workspace's last facilitator. Facilitators only."""

    scope: Scope
    member: MemberRef


@dataclass(frozen=True, slots=True)
class ListCommunities:
    """Every community of the scope's workspace, oldest first (a member's home lists them)."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class ListFacilitators:
    """The facilitators of the scope's workspace, by display name."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class MakeFacilitator:
    """The console simulator's `as ana facilitator`: the platform itself says who facilitates.

    Records the workspace and the member when Hearth has not seen them yet. It carries no scope and is not
    authorised: only the simulator, which plays the platform, sends it; no member-facing surface does.
    """

    workspace: WorkspaceRef
    workspace_name: str
    member: MemberRef
    display_name: str


# --- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommunitySetUp:
    """The new community, and the asking member as they are now (the first facilitator of a new workspace)."""

    community: Community
    member: Member
    first_facilitator: bool


@dataclass(frozen=True, slots=True)
class CommunitySettings:
    """A community as stored, and the facilitators of its workspace by display name."""

    community: Community
    facilitators: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class MemberPreferences:
    """The member as stored, and whether the request changed their preferences."""

    member: Member
    changed: bool

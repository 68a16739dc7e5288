"""Who Hearth serves: workspaces, the communities (channels) inside them, and their members."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.errors import UserError
from bot.i18n import _
from bot.refs import ChannelRef, MemberRef, WorkspaceRef

PreferenceValue = str | int | bool


class Role(enum.StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"


@dataclass(frozen=True, slots=True)
class Workspace:
    """A Slack team, Discord guild or console workspace that Hearth is installed in."""

    id: int
    ref: WorkspaceRef
    name: str
    created_at: datetime
    removed_at: datetime | None = None  # the platform removed Hearth; its data is erased after a grace period


@dataclass(frozen=True, slots=True)
class Community:
    """A channel Hearth serves as a community of practice."""

    id: int
    workspace_id: int
    channel: ChannelRef
    name: str
    goal: str
    timezone: str
    language: str
    created_at: datetime
    # What the community decided for itself beyond the above, by `CommunitySetting.key` (absent: its default).
    settings: Mapping[str, PreferenceValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommunitySetting:
    """One thing a community decides for itself (`/hearth settings --<key> <choice>`); its first choice is the
    default, which a community that never chose has."""

    key: str
    choices: tuple[str, ...]

    @property
    def default(self) -> str:
        return self.choices[0]

    def of(self, community: Community) -> str:
        value = community.settings.get(self.key)
        return value if isinstance(value, str) and value in self.choices else self.default


# Who may ask a poll (a survey, a poll that opens later): every member, or facilitators only.
POLL_ASKERS = CommunitySetting("polls", ("everyone", "facilitators"))
# Whether the library reads the title, description and text of a saved page in the background (`bot.library`).
LIBRARY_FETCH = CommunitySetting("library-fetch", ("on", "off"))
# The reaction that saves a message to the library (by its Slack name; Discord's emoji beside it in
# `bot.library.capture`), or none.
LIBRARY_REACTION = CommunitySetting("library-reaction", ("books", "bookmark", "pushpin", "star", "memo", "off"))
# The four kinds of communities of practice: helping (members help each other with daily problems), best practice
# (they develop and spread good practice), knowledge-stewarding (they keep and grow a body of knowledge) and
# innovation (they create new ideas across boundaries). The kind sets the nudges' defaults (docs/nudges.md).
COMMUNITY_TYPE = CommunitySetting("type", ("best-practice", "helping", "knowledge", "innovation"))
COMMUNITY_SETTINGS = (POLL_ASKERS, LIBRARY_FETCH, LIBRARY_REACTION, COMMUNITY_TYPE)


@dataclass(frozen=True, slots=True)
class Member:
    """A person in a workspace, with their own time zone, language and preferences (None: the community's)."""

    id: int
    workspace_id: int
    ref: MemberRef
    display_name: str
    role: Role
    timezone: str | None = None
    language: str | None = None
    preferences: Mapping[str, PreferenceValue] = field(default_factory=dict)
    joined_at: datetime | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.role is Role.FACILITATOR


@dataclass(frozen=True, slots=True)
class Scope:
    """Who asks, and where: the workspace, the member, and the community of the channel (None outside one).

    Every service request carries one; the service checks what the request acts on against it.
    """

    workspace: Workspace
    member: Member
    community: Community | None = None
    is_admin: bool = False  # a workspace admin or owner on the platform

    @property
    def may_facilitate(self) -> bool:
        return self.member.is_facilitator or self.is_admin


NOT_A_COMMUNITY = _(
    "This channel is not a Hearth community yet. A facilitator can make it one with /hearth setup."
)


def in_community(scope: Scope) -> Community:
    """The community a request is asked in; a `UserError` saying how to make one outside a community."""
    if scope.community is None:
        raise UserError(NOT_A_COMMUNITY)
    return scope.community

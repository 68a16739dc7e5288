"""Inbound events: what adapters hand to `Core.handle`.

Adapters translate platform traffic into these frozen values and nothing else crosses into the core.
`MessagePosted` carries metadata only: Hearth never receives or stores what a member wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.refs import ChannelRef, MemberRef, MessageRef, WorkspaceRef

OptionValue = str | int | bool | MemberRef | ChannelRef


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event, as the platform described them at that moment.

    `is_admin` is the platform's own notion (Slack workspace admin, Discord "Manage Server"); `timezone` and
    `locale` are what the platform knows of the member's zone and language, used only as defaults.
    """

    member: MemberRef
    display_name: str
    is_bot: bool = False
    is_admin: bool = False
    timezone: str | None = None
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class CommandInvoked:
    """A slash command.

    `text` is the argument text in Hearth's neutral inbound form: the adapter rewrites platform mentions to
    `<@MEMBER_ID>` and `<#CHANNEL_ID>`. Platforms with typed options (Discord) fill `options` instead,
    keyed by parameter name; `path` then names the subcommand chain.
    """

    actor: Actor
    channel: ChannelRef
    at: datetime
    command: str
    text: str = ""
    path: tuple[str, ...] = ()
    options: Mapping[str, OptionValue] | None = None
    workspace_name: str = ""
    channel_name: str = ""


@dataclass(frozen=True, slots=True)
class MessagePosted:
    """A member posted a message. Metadata only: the text itself never reaches the core."""

    actor: Actor
    channel: ChannelRef
    at: datetime
    message: MessageRef
    thread: MessageRef | None = None
    is_question: bool = False
    links: tuple[str, ...] = ()

    @property
    def is_reply(self) -> bool:
        return self.thread is not None


@dataclass(frozen=True, slots=True)
class ReactionAdded:
    """A member reacted to a message."""

    actor: Actor
    channel: ChannelRef
    at: datetime
    message: MessageRef
    emoji: str


@dataclass(frozen=True, slots=True)
class ActionInvoked:
    """A member clicked a button or chose from a select on one of Hearth's messages.

    `message_values` are the values of the buttons on that message as the platform delivered the message with the
    click (never the click's own word for them): what tells which subject Hearth made the message for.
    """

    actor: Actor
    channel: ChannelRef
    at: datetime
    action_id: str
    value: str = ""
    message: MessageRef | None = None
    message_values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FormSubmitted:
    """A member submitted a form (a Slack modal, a Discord modal, a console `submit`)."""

    actor: Actor
    channel: ChannelRef
    at: datetime
    form_id: str
    values: Mapping[str, str] = field(default_factory=dict)
    state: str = ""


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """A member joined the workspace (or Hearth saw them for the first time)."""

    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """A member left the workspace."""

    member: MemberRef
    at: datetime


@dataclass(frozen=True, slots=True)
class HomeOpened:
    """A member opened Hearth's home (Slack's App Home tab): answer with their personal overview."""

    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class ShortcutInvoked:
    """A member ran one of Hearth's message shortcuts (e.g. "Save to library") on a message.

    `text` is the message's text, handed over because the member explicitly chose to act on that message.
    """

    actor: Actor
    channel: ChannelRef
    at: datetime
    shortcut_id: str
    message: MessageRef
    text: str = ""


@dataclass(frozen=True, slots=True)
class AppRemoved:
    """The platform removed Hearth from a workspace (uninstalled, or its tokens revoked)."""

    workspace: WorkspaceRef
    at: datetime


@dataclass(frozen=True, slots=True)
class AppInstalled:
    """Hearth was installed (or installed again) in a workspace."""

    workspace: WorkspaceRef
    at: datetime
    workspace_name: str = ""


InboundEvent = (
    CommandInvoked | MessagePosted | ReactionAdded | ActionInvoked | FormSubmitted | MemberJoined | MemberLeft
    | AppRemoved | AppInstalled | HomeOpened | ShortcutInvoked
)


def workspace_of(event: InboundEvent) -> WorkspaceRef:
    """The workspace an event happened in."""
    if isinstance(event, MemberLeft):
        return event.member.workspace
    if isinstance(event, (AppRemoved, AppInstalled)):
        return event.workspace
    return event.actor.member.workspace

"""References to things that live on a chat platform.

Adapters mint these from platform identifiers; the core stores and compares them but never looks inside an id.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Platform(enum.StrEnum):
    """The chat platform a workspace lives on."""

    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"


@dataclass(frozen=True, slots=True)
class WorkspaceRef:
    """A Slack team, a Discord guild or the console's simulated workspace."""

    platform: Platform
    id: str


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel inside a workspace."""

    workspace: WorkspaceRef
    id: str


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A person (or bot) inside a workspace."""

    workspace: WorkspaceRef
    id: str


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message posted in a channel (or a direct conversation)."""

    channel: ChannelRef
    id: str

"""Who may do what."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from bot.errors import PermissionDenied
from bot.i18n import _
from bot.messages import Inline, UserText, join
from bot.ports import UnitOfWork
from bot.tenancy import Member, Role


class Permission(enum.StrEnum):
    """What a command or action requires.

    `FACILITATOR`: a facilitator of the workspace, or a platform admin (so that a community whose facilitators
    have all left is never locked). `SETUP`: the same, or anyone while the workspace has no facilitator yet —
    the first member to set Hearth up becomes its facilitator.
    """

    ANYONE = "anyone"
    FACILITATOR = "facilitator"
    SETUP = "setup"


async def refusal(uow: UnitOfWork, workspace_id: int, action: str | None) -> PermissionDenied:
    """The refusal of a facilitator-only `action` (a command as members type it), naming who can do it."""
    return facilitators_only(action, await uow.members.with_role(workspace_id, Role.FACILITATOR))


def facilitators_only(command: str | None, facilitators: Sequence[Member]) -> PermissionDenied:
    """The refusal of a facilitators' `command` (as members type it, such as `/hearth settings`; None for
    something no command stands for), naming who can (or how a workspace gets facilitators)."""
    if command is not None and not command.startswith("/"):
        raise ValueError(f"a refusal names a command as members type it, not {command!r}")
    if not facilitators:
        if command is None:
            return PermissionDenied(_("Only facilitators can do this, and this workspace has none yet. "
                                      "Ask a workspace admin to run /hearth setup."))
        return PermissionDenied(_("Only facilitators can use {command}, and this workspace has none yet. "
                                  "Ask a workspace admin to run /hearth setup.", command=UserText(command)))
    names = join(UserText(member.display_name) for member in facilitators)
    if command is None:
        return PermissionDenied(_("Only facilitators can do this. Ask {names}.", names=names))
    return PermissionDenied(_("Only facilitators can use {command}. Ask {names}.", command=UserText(command),
                              names=names))


def authors_and_facilitators_only(command: str, author: Inline, facilitators: Sequence[Member]) -> PermissionDenied:
    """The refusal of `command` on an agenda topic that only its `author` (as shown) or a facilitator may change,
    naming who can."""
    if not command.startswith("/"):
        raise ValueError(f"a refusal names a command as members type it, not {command!r}")
    if not facilitators:
        return PermissionDenied(_("Only {author}, who proposed this topic, can use {command} on it: this workspace "
                                  "has no facilitators yet.", author=author, command=UserText(command)))
    names = join(UserText(member.display_name) for member in facilitators)
    return PermissionDenied(_("Only {author}, who proposed this topic, or a facilitator ({names}) can use {command} "
                              "on it.", author=author, command=UserText(command), names=names))

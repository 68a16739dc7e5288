"""The two kinds of error.

A `UserError` is the member's to fix: the core shows its message privately, in the member's language, with the
usage line where there is one, and nothing changes. Anything else is a bug: it is logged once with its
traceback and the member gets a short apology.
"""

from __future__ import annotations

from bot.i18n import Msg


class UserError(Exception):
    """Something the member can fix. `hint` adds what to do next (a usage line, examples)."""

    def __init__(self, message: Msg, *, hint: Msg | None = None) -> None:
        super().__init__(message.msgid)
        self.message = message
        self.hint = hint


class NotFound(UserError):
    """The thing the member named does not exist in this workspace."""


class PermissionDenied(UserError):
    """The member may not do this; the message says who can."""


class RateLimited(UserError):
    """The member sent too many commands in a short time."""

"""Who may do what."""

from __future__ import annotations

import enum


class Permission(enum.StrEnum):
    """What a command or action requires.

    `FACILITATOR`: a facilitator of the workspace, or a platform admin (so that a community whose facilitators
    have all left is never locked). `SETUP`: the same, or anyone while the workspace has no facilitator yet —
    the first member to set Hearth up becomes its facilitator.
    """

    ANYONE = "anyone"
    FACILITATOR = "facilitator"
    SETUP = "setup"

"""Declarative command specifications.

Every command is described once here-style: its path (`("hearth", "facilitators", "add")`), typed parameters,
who may run it and its help text. Parsing, help, Discord application commands and the Slack manifest are all
generated from these specs.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.i18n import Msg
from bot.permissions import Permission

if TYPE_CHECKING:
    from commands.completion import Suggest
    from commands.context import CommandContext


class ParamKind(enum.StrEnum):
    TEXT = "text"  # one word or a quoted phrase; with greedy=True, the rest of the line
    INT = "int"
    DURATION = "duration"  # 90m, 3d, 2w, 1h30m -> timedelta
    DATETIME = "datetime"  # 2026-03-27 15:00, tomorrow 9:00 -> aware datetime in the community's zone
    DATE = "date"  # 2026-03-27, today, tomorrow -> date
    MEMBER = "member"  # <@ID> -> MemberRef
    CHANNEL = "channel"  # <#ID> -> ChannelRef
    TAG = "tag"  # #word -> "word" (lower case); always collected as a tuple
    CHOICE = "choice"  # one of `choices`
    FLAG = "flag"  # --name with no value -> bool
    TIMEZONE = "timezone"  # an IANA zone name -> str
    LANGUAGE = "language"  # a shipped language code -> str


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter. Positional unless `flag` is True (then given as `--name value` or `--name`)."""

    name: str
    kind: ParamKind
    help: Msg
    required: bool = False
    flag: bool = False
    greedy: bool = False
    # A greedy TEXT that is several texts, each one word or in quotes: a tuple of them ("Option A" "Option B").
    listed: bool = False
    # The whole argument text as typed, quotes, dashes and line breaks kept (a template's spec): a command's only
    # parameter, a greedy TEXT.
    verbatim: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    # Names to offer while a member types this parameter (Discord autocomplete): poll, series or tag names.
    suggest: Suggest | None = None


Handler = Callable[["CommandContext", dict[str, Any]], Awaitable[None]]
# An example as members type it: a `Msg` when it has words of a language (its translation is valid input in that
# language), a plain string when it has none ("/meeting list").
Example = str | Msg


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A family (`("hearth",)`, the slash command itself) or a group of subcommands (`("hearth", "facilitators")`):
    its path and its own summary, the title of its help and its description on the platforms."""

    path: tuple[str, ...]
    summary: Msg

    @property
    def family(self) -> str:
        return self.path[0]

    @property
    def name(self) -> str:
        return " ".join(self.path)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One runnable command."""

    path: tuple[str, ...]
    summary: Msg
    handler: Handler
    params: tuple[Param, ...] = ()
    permission: Permission = Permission.ANYONE
    needs_community: bool = False
    examples: tuple[Example, ...] = field(default=())

    @property
    def family(self) -> str:
        return self.path[0]

    @property
    def name(self) -> str:
        return " ".join(self.path)

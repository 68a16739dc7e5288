"""The registry of every command, and finding the one a member typed.

A command lives at a path of words: a family (`hearth`, the slash command itself) and subcommand words
(`facilitators add`). A path is either runnable or a group of longer paths, never both, with one exception:
a family may have a spec of its own (path `(family,)`), which runs when the family is typed with no words
after it. Its argument text is then empty, unless the family has no subcommands at all, in which case that
spec gets the whole text.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable

from bot.errors import UserError
from bot.i18n import Msg, _
from commands.spec import CommandSpec, GroupSpec, ParamKind
from commands.tokens import echo
from commands.usage import code, flag_name, is_flag, typed_command

_WORD = re.compile(r"[a-z][a-z0-9-]*")
_PARAM_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FIRST_WORD = re.compile(r"\s*(\S+)")


class Registry:
    """Every command spec, in registration order."""

    def __init__(
        self, specs: Iterable[CommandSpec] = (), *, help_path: tuple[str, ...] = ("hearth", "help")
    ) -> None:
        self._specs: dict[tuple[str, ...], CommandSpec] = {}
        self._groups: dict[tuple[str, ...], GroupSpec] = {}
        self._help_path = help_path
        for spec in specs:
            self.add(spec)

    def add(self, spec: CommandSpec) -> None:
        """Register `spec`.

        Raises `ValueError` if the spec is malformed (see `check_spec`), its path is taken, or its path would
        make a runnable command also a group (`hearth facilitators` next to `hearth facilitators add`).
        """
        check_spec(spec)
        for path in self._specs:
            if path == spec.path:
                raise ValueError(f"/{spec.name} is registered twice")
            shorter, longer = sorted((path, spec.path), key=len)
            if len(shorter) > 1 and longer[: len(shorter)] == shorter:
                raise ValueError(f"/{' '.join(shorter)} cannot be both a command and a group of commands")
        self._specs[spec.path] = spec

    def add_group(self, group: GroupSpec) -> None:
        """Register the summary of a family or a group of subcommands.

        Raises `ValueError` when its words are malformed, its path already has a summary, or it names a runnable
        command (a family's own spec, at `(family,)`, may still have one).
        """
        label = "/" + " ".join(group.path)
        if not group.path or not all(_WORD.fullmatch(word) for word in group.path):
            raise ValueError(f"{label}: path words must be lower-case letters, digits and '-'")
        if group.path in self._groups:
            raise ValueError(f"{label} has a summary already")
        if len(group.path) > 1 and group.path in self._specs:
            raise ValueError(f"{label} is a command, not a group")
        self._groups[group.path] = group

    def summary(self, path: tuple[str, ...]) -> Msg | None:
        """The summary of the family or group at `path` (None when it declared none)."""
        group = self._groups.get(path)
        return group.summary if group is not None else None

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Every family and group path that has commands below it: `("hearth",)`, `("hearth", "facilitators")`."""
        paths: dict[tuple[str, ...], None] = {}
        for path in self._specs:
            for size in range(1, len(path)):
                paths[path[:size]] = None
        return tuple(paths)

    def families(self) -> tuple[str, ...]:
        """The slash commands, in the order their first spec was registered."""
        return tuple(dict.fromkeys(path[0] for path in self._specs))

    def specs(self) -> tuple[CommandSpec, ...]:
        """Every spec, in registration order."""
        return tuple(self._specs.values())

    def family(self, name: str) -> tuple[CommandSpec, ...]:
        """The specs of one family, in registration order; empty for an unknown family."""
        return tuple(spec for spec in self._specs.values() if spec.family == name)

    def group_children(self, path_prefix: tuple[str, ...]) -> tuple[str, ...]:
        """The words that may follow `path_prefix` (subcommands or subgroups), in registration order."""
        size = len(path_prefix)
        return tuple(
            dict.fromkeys(
                path[size] for path in self._specs if len(path) > size and path[:size] == path_prefix
            )
        )

    def find(self, command: str, text: str) -> tuple[CommandSpec, str]:
        """The spec a member ran with `/command text`, and the argument text after its subcommand words.

        `command` is the slash command with or without its `/`; words match case-insensitively. The argument
        text is a substring of `text` (stripped), so quotes survive for the parser. Raises `UserError` for an
        unknown command or subcommand (with the closest one as a suggestion) and for a group typed without a
        subcommand.
        """
        family = command.strip().removeprefix("/").casefold()
        if family not in self.families():
            raise self._unknown_family(command.strip().removeprefix("/"))
        path: tuple[str, ...] = (family,)
        rest = text
        while True:
            children = self.group_children(path)
            if not children:
                return self._specs[path], rest.strip()
            first = _FIRST_WORD.match(rest)
            if first is None:
                if path in self._specs:
                    return self._specs[path], ""
                raise UserError(
                    _(
                        "{group} needs a subcommand: {names}.",
                        group=code(typed_command(path)),
                        names=", ".join(code(child) for child in children),
                    ),
                    hint=self._help_hint(),
                )
            word = first.group(1).casefold()
            if word not in children:
                raise self._unknown_subcommand(path, first.group(1), children)
            path = (*path, word)
            rest = rest[first.end() :]

    def find_by_path(self, path: tuple[str, ...]) -> CommandSpec:
        """The spec at `path` (case-insensitive), for platforms that deliver the subcommand chain.

        Raises `UserError` when no command has that path (a platform may still offer a command that was
        removed).
        """
        wanted = tuple(word.casefold() for word in path)
        spec = self._specs.get(wanted)
        if spec is None:
            raise UserError(
                _("{command} is not a Hearth command.", command=echo("/" + " ".join(path))),
                hint=self._help_hint(),
            )
        return spec

    def _unknown_family(self, family: str) -> UserError:
        families = self.families()
        listed = ", ".join(code(typed_command((name,))) for name in families)
        hint = _("Hearth's commands are {commands}.", commands=listed)
        close = difflib.get_close_matches(family.casefold()[:64], families, n=1, cutoff=0.5)
        if close:
            return UserError(
                _(
                    "{command} is not a Hearth command. Did you mean {suggestion}?",
                    command=echo("/" + family),
                    suggestion=code(typed_command((close[0],))),
                ),
                hint=hint,
            )
        return UserError(_("{command} is not a Hearth command.", command=echo("/" + family)), hint=hint)

    def _unknown_subcommand(self, path: tuple[str, ...], word: str, children: tuple[str, ...]) -> UserError:
        typed = echo("/" + " ".join(path) + " " + word)
        close = difflib.get_close_matches(word.casefold()[:64], children, n=1, cutoff=0.5)
        if close:
            message = _(
                "{command} is not a command. Did you mean {suggestion}?",
                command=typed,
                suggestion=code(typed_command((*path, close[0]))),
            )
        else:
            message = _(
                "{command} is not a command. {group} has these subcommands: {names}.",
                command=typed,
                group=code(typed_command(path)),
                names=", ".join(code(child) for child in children),
            )
        return UserError(message, hint=self._help_hint())

    def _help_hint(self) -> Msg:
        return _("Type {help} to see every command.", help=code(typed_command(self._help_path)))


def check_spec(spec: CommandSpec) -> None:
    """Check that `spec` can be parsed unambiguously; raises `ValueError` naming the first problem."""
    name = "/" + " ".join(spec.path)
    if not spec.path or not all(_WORD.fullmatch(word) for word in spec.path):
        raise ValueError(f"{name}: path words must be lower-case letters, digits and '-'")
    names = [param.name for param in spec.params]
    if len(set(names)) != len(names):
        raise ValueError(f"{name}: parameter names repeat")
    if len({flag_name(param) for param in spec.params}) != len(names):
        raise ValueError(f"{name}: two parameters have the same option name")
    for param in spec.params:
        if not _PARAM_NAME.fullmatch(param.name):
            raise ValueError(f"{name}: parameter {param.name!r} must be lower-case letters, digits and '_'")
        if param.kind is ParamKind.CHOICE and not param.choices:
            raise ValueError(f"{name}: choice parameter {param.name} has no choices")
        if param.kind is ParamKind.FLAG and param.required:
            raise ValueError(f"{name}: flag {param.name} cannot be required")
        if param.greedy and (param.kind is not ParamKind.TEXT or is_flag(param)):
            raise ValueError(f"{name}: only a positional text parameter can be greedy ({param.name})")
        if param.min_value is not None and param.max_value is not None and param.min_value > param.max_value:
            raise ValueError(f"{name}: {param.name} has min_value above max_value")
    if sum(param.kind is ParamKind.TAG for param in spec.params) > 1:
        raise ValueError(f"{name}: at most one tag parameter")
    positional = [param for param in spec.params if not is_flag(param) and param.kind is not ParamKind.TAG]
    if any(param.greedy for param in positional[:-1]):
        raise ValueError(f"{name}: a greedy parameter must be the last positional one")
    for before, after in itertools.pairwise(positional):
        if after.required and not before.required:
            raise ValueError(f"{name}: required {after.name} cannot follow optional {before.name}")

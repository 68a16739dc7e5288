"""How a command is written: its usage line, shown with every parsing error and in help.

`/hearth setup [--name <text>] [--tz <timezone>]`, `/hearth facilitators add <member>`,
`/library add <url> [title…] [#tag …]`: a required positional is `<name>`, an optional one `[name]`, a greedy
one ends in `…`; options show the kind of value they take (or their choices); tags are `[#tag …]`.
Parameters appear in the order the spec declares them.
"""

from __future__ import annotations

from bot.i18n import Msg, _
from commands.spec import CommandSpec, Param, ParamKind


def is_flag(param: Param) -> bool:
    """Whether `param` is written as `--name` (a boolean FLAG always is; tags never are)."""
    return param.kind is not ParamKind.TAG and (param.flag or param.kind is ParamKind.FLAG)


def flag_name(param: Param) -> str:
    """The option as typed: `--` and the parameter name with `_` written as `-`."""
    return "--" + param.name.replace("_", "-")


def placeholder(param: Param) -> str:
    """How `param` appears in a usage line, without the brackets that mark it optional."""
    if param.kind is ParamKind.TAG:
        return "#tag …"
    if param.kind is ParamKind.FLAG:
        return flag_name(param)
    if is_flag(param):
        return flag_name(param) + " " + _value_placeholder(param)
    name = param.name.replace("_", "-") + ("…" if param.greedy else "")
    return name


def typed_command(path: tuple[str, ...]) -> str:
    """A command, group or family as members type it on every platform: `/hearth settings`, `/meeting agenda add`
    (the family is the slash command; Discord's subcommands and groups are typed as words after it too)."""
    return "/" + " ".join(path)


def usage_line(spec: CommandSpec) -> str:
    """The command with its parameters, such as `/hearth facilitators add <member>`."""
    parts = [typed_command(spec.path)]
    for param in spec.params:
        shown = placeholder(param)
        if param.kind is ParamKind.FLAG or not param.required:
            parts.append("[" + shown + "]")
        elif is_flag(param):
            parts.append(shown)
        else:
            parts.append("<" + shown + ">")
    return " ".join(parts)


def usage_hint(spec: CommandSpec) -> Msg:
    """The usage line as a message, for the `hint` of a `UserError`."""
    return _("Usage: {usage}", usage=code(usage_line(spec)))


def code(literal: str) -> str:
    """Mark Hearth's own literal (a command, an example) as code, so markup characters in it stay literal."""
    return "`" + literal + "`"


def _value_placeholder(param: Param) -> str:
    if param.kind is ParamKind.CHOICE and param.choices:
        return "<" + "|".join(param.choices) + ">"
    return "<" + param.kind.value + ">"

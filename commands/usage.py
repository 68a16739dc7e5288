"""How a command is written: its usage line, shown with every parsing error and in help.

`/hearth setup [--name <text>] [--tz <timezone>]`, `/hearth facilitators add <member>`,
`/library add <url> [title…] [#tag …]`: a required positional is `<name>`, an optional one `[name]`, a greedy
one ends in `…`; options show the kind of value they take (or their choices); tags are `[#tag …]`.
Parameters appear in the order the spec declares them.

The words in the brackets are the reader's: a Dutch community reads `/meeting kickoff <wanneer…> [--title <tekst>]`.
Commands, option names and choices are typed as they are in every language. Every positional parameter's name
and every kind of value has its word here (`PARAMETER_WORDS`, `KIND_WORDS`; a test holds the registry to them).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Msg, _
from commands.spec import CommandSpec, Param, ParamKind

# The word for each kind of value an option takes.
KIND_WORDS: dict[ParamKind, Msg] = {
    ParamKind.TEXT: _("text"),
    ParamKind.INT: _("whole number"),
    ParamKind.DURATION: _("duration"),
    ParamKind.DATETIME: _("date and time"),
    ParamKind.DATE: _("date"),
    ParamKind.MEMBER: _("member"),
    ParamKind.CHANNEL: _("channel"),
    ParamKind.TAG: _("tag"),
    ParamKind.TIMEZONE: _("timezone"),
    ParamKind.LANGUAGE: _("language"),
}
# The word for each positional parameter, by its name.
PARAMETER_WORDS: dict[str, Msg] = {
    "id": _("number"),
    "idea": _("idea"),
    "query": _("words"),
    "format": _("format"),
    "url": _("address"),
    "member": _("member"),
    "name": _("name"),
    "source": _("template or poll"),
    "spec": _("template"),
    "template": _("template"),
    "number": _("number"),
    "options": _("options"),
    "per": _("posts per week or month"),
    "prompt": _("prompt"),
    "question": _("question"),
    "reason": _("reason"),
    "setting": _("on or off"),
    "state": _("on, off or default"),
    "title": _("title"),
    "topics": _("topics"),
    "to": _("new time"),
    "topic": _("topic"),
    "when": _("when"),
    "wish": _("every 2 weeks, off, on or snooze and a date"),
}

Say = Callable[[Msg], str]


def _english(message: Msg) -> str:
    return message.msgid


def usage_message(spec: CommandSpec) -> Msg:
    """The usage line as code, as a message whose bracketed words are translated for its reader."""
    return translated(lambda say: code(usage_line(spec, say)))


def translated(write: Callable[[Say], str]) -> Msg:
    """What `write` writes, as a message whose words (the ones it asks `say` for) are translated for its reader.

    The message itself is no catalog entry: it is Hearth's own literal text around those words."""
    words: dict[str, Msg] = {}

    def say(message: Msg) -> str:
        key = f"w{len(words)}"
        words[key] = message
        return "{" + key + "}"

    return Msg(write(say), dict(words))


def is_flag(param: Param) -> bool:
    """Whether `param` is written as `--name` (a boolean FLAG always is; tags never are)."""
    return param.kind is not ParamKind.TAG and (param.flag or param.kind is ParamKind.FLAG)


def flag_name(param: Param) -> str:
    """The option as typed: `--` and the parameter name with `_` written as `-`."""
    return "--" + param.name.replace("_", "-")


def placeholder(param: Param, say: Say = _english) -> str:
    """How `param` appears in a usage line, without the brackets that mark it optional; `say` gives each word
    in the reader's language (English when left out)."""
    if param.kind is ParamKind.TAG:
        return "#" + say(KIND_WORDS[ParamKind.TAG]) + " …"
    if param.kind is ParamKind.FLAG:
        return flag_name(param)
    if is_flag(param):
        return flag_name(param) + " " + _value_placeholder(param, say)
    word = PARAMETER_WORDS.get(param.name)
    name = say(word) if word is not None else param.name.replace("_", "-")
    return name + ("…" if param.greedy else "")


def typed_command(path: tuple[str, ...]) -> str:
    """A command, group or family as members type it on every platform: `/hearth settings`, `/meeting agenda add`
    (the family is the slash command; Discord's subcommands and groups are typed as words after it too)."""
    return "/" + " ".join(path)


def usage_line(spec: CommandSpec, say: Say = _english) -> str:
    """The command with its parameters, such as `/hearth facilitators add <member>`, its words as `say` gives
    them (English when left out)."""
    parts = [typed_command(spec.path)]
    for param in spec.params:
        shown = placeholder(param, say)
        if param.kind is ParamKind.FLAG or not param.required:
            parts.append("[" + shown + "]")
        elif is_flag(param):
            parts.append(shown)
        else:
            parts.append("<" + shown + ">")
    return " ".join(parts)


def usage_hint(spec: CommandSpec) -> Msg:
    """The usage line as a message, for the `hint` of a `UserError`."""
    return _("Usage: {usage}", usage=usage_message(spec))


def code(literal: str) -> str:
    """Mark Hearth's own literal (a command, an example) as code, so markup characters in it stay literal."""
    return "`" + literal + "`"


def _value_placeholder(param: Param, say: Say) -> str:
    if param.kind is ParamKind.CHOICE and param.choices:
        return "<" + "|".join(param.choices) + ">"
    word = KIND_WORDS.get(param.kind)
    return "<" + (say(word) if word is not None else param.kind.value) + ">"

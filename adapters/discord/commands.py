"""Hearth's Discord application commands, generated from the command registry, and the bot's invite link.

Everything here is plain JSON-ready data in Discord's application command format (API v10), so the adapter can
bulk-overwrite the commands with one request and compare `definitions_hash` first: Discord limits command
creates to 200 a day per guild, so start-up syncs only when the definitions changed.

Shape:

- One slash command (CHAT_INPUT) per registry family. A spec at `(family, x)` is the subcommand `x`; a spec at
  `(family, g, x)` is the subcommand `x` of the group `g`. Discord allows no deeper nesting. A family whose only
  spec is `(family,)` takes that spec's parameters as its own options. A family that has subcommands cannot
  also be run bare on Discord, so a parameterless `(family,)` spec next to subcommands is left out (members
  run its subcommands); one with parameters cannot be offered and raises `ValueError`.
- Command and subcommand words stay as registered (no `name_localizations`), so the path Discord sends back is
  the registry's path. Option names are the parameter names unchanged, which `parse_options` looks up.
- Descriptions are the English help, with a Dutch `description_localizations`; a description over Discord's
  100 characters is cut with an ellipsis. Names that break Discord's rules raise `ValueError` instead: a name
  cannot be cut without breaking the routing.
- Commands are guild-only (`contexts` [0], `dm_permission` false, guild install). `default_member_permissions`
  is None (visible to everyone): Hearth checks facilitator rights itself, and Discord's per-command permissions
  are only a hint a server admin can change anyway.
- Each routed message shortcut becomes a message context-menu command (type 3), named in English with a Dutch
  `name_localizations`; the adapter maps the name back to the shortcut id with `shortcut_ids`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from adapters.text_pieces import cut
from bot.events import OptionValue
from bot.i18n import Msg, Translator, render
from bot.refs import ChannelRef, MemberRef, WorkspaceRef
from commands.catalog import Catalog
from commands.spec import CommandSpec, Param, ParamKind

# Application command types.
CHAT_INPUT = 1
MESSAGE = 3

# Application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
MENTIONABLE = 9

# Interaction context type GUILD and installation type GUILD_INSTALL.
GUILD_CONTEXT = 0
GUILD_INSTALL = 0

# Discord's limits (application commands reference).
NAME_MAX = 32
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_MAX = 100
# Name, description and choice values of a command and everything nested in it, counting for each field its
# longest translation: at most 8000, as Discord's application-commands reference has it (it was 4000 once; some
# libraries still check the old figure).
COMMAND_CHARACTERS_MAX = 8000

_NAME = re.compile(r"[-_\w]{1,32}")

# Hearth's catalog languages and Discord's locale codes for them. English is the default text.
DISCORD_LOCALES: Mapping[str, str] = {"nl": "nl"}

_STRING_KINDS = frozenset(
    {
        ParamKind.TEXT,
        ParamKind.DURATION,
        ParamKind.DATETIME,
        ParamKind.DATE,
        ParamKind.TIMEZONE,
        ParamKind.LANGUAGE,
        ParamKind.TAG,
        ParamKind.CHOICE,
    }
)
_AUTOCOMPLETE_KINDS = frozenset({ParamKind.TIMEZONE, ParamKind.LANGUAGE})
_OPTION_TYPES: Mapping[ParamKind, int] = {
    **{kind: STRING for kind in _STRING_KINDS},
    ParamKind.INT: INTEGER,
    ParamKind.MEMBER: USER,
    ParamKind.CHANNEL: CHANNEL,
    ParamKind.FLAG: BOOLEAN,
}

# Discord permission bits (https://discord.com/developers/docs/topics/permissions), exactly what Hearth uses.
VIEW_CHANNEL = 1 << 10  # see the community channel and receive its events
SEND_MESSAGES = 1 << 11  # scheduled posts: nudges, reminders, digests, polls
EMBED_LINKS = 1 << 14  # Hearth's messages are embeds
ATTACH_FILES = 1 << 15  # calendar invitations, CSV exports and charts
READ_MESSAGE_HISTORY = 1 << 16  # replying to a message and fetching the message a reaction was added to
SEND_MESSAGES_IN_THREADS = 1 << 38  # answering inside threads (Send Messages does not cover them)
MANAGE_EVENTS = 1 << 33  # optional: mirror meetings as native scheduled events
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | (
    SEND_MESSAGES_IN_THREADS
)
# Left out: Add Reactions and Use External Emojis (Hearth adds no reactions and uses no custom emoji), Mention
# Everyone, and every management permission. Interaction replies need no permission at all.

INVITE_SCOPES = ("bot", "applications.commands")


def command_definitions(commands: Catalog, translator: Translator) -> list[dict[str, Any]]:
    """Every application command Hearth offers: the slash commands, then the message context-menu commands.

    Raises `ValueError` naming the command when a path is deeper than Discord allows, a name breaks Discord's
    rules, or a command has too many options, subcommands or characters.
    """
    texts = _Texts(translator)
    definitions = [_slash_command(commands, family, texts) for family in commands.registry.families()]
    definitions.extend(_context_menu(name, texts) for name in _shortcut_names(commands))
    names = [(definition["type"], definition["name"]) for definition in definitions]
    if len(set(names)) != len(names):
        raise ValueError("two application commands have the same name")
    return definitions


def shortcut_ids(commands: Catalog, translator: Translator) -> dict[str, str]:
    """The routed shortcut id for each message context-menu command name Discord sends back."""
    texts = _Texts(translator)
    return {texts.english(shortcut.name): shortcut.shortcut_id for shortcut in commands.interactions.shortcuts()}


def definitions_hash(definitions: Sequence[Mapping[str, Any]]) -> str:
    """A sha256 of the definitions as canonical JSON: the same definitions always give the same hash."""
    canonical = json.dumps(list(definitions), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def invite_url(application_id: str, *, scheduled_events: bool = False) -> str:
    """The link that adds Hearth to a server with its commands and exactly the permissions it needs.

    `scheduled_events` adds Manage Events, for communities that want meetings as Discord scheduled events.
    """
    if not (application_id.isascii() and application_id.isdigit()):
        raise ValueError(f"a Discord application id is a number, not {application_id!r}")
    permissions = BOT_PERMISSIONS | (MANAGE_EVENTS if scheduled_events else 0)
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope={'+'.join(INVITE_SCOPES)}&permissions={permissions}"
    )


def options_from_interaction(data: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, object]]:
    """The subcommand path after the family and the options by name, from a CHAT_INPUT interaction's `data`.

    User, channel and mentionable options come back as their ids (strings); `typed_options` turns them into
    member and channel references. Other values are as Discord typed them (str, int, bool).
    """
    path, options = _leaf_options(data)
    values: dict[str, object] = {}
    for option in options:
        value = option.get("value")
        if option.get("type") in (USER, CHANNEL, MENTIONABLE):
            value = str(value)
        values[str(option["name"])] = value
    return path, values


def typed_options(
    data: Mapping[str, Any], workspace: WorkspaceRef
) -> tuple[tuple[str, ...], dict[str, OptionValue]]:
    """Like `options_from_interaction`, with user options as `MemberRef` and channel options as `ChannelRef` of
    `workspace`, ready for `CommandInvoked`. A value of a type Hearth never declares is left out."""
    path, options = _leaf_options(data)
    values: dict[str, OptionValue] = {}
    for option in options:
        value, kind = option.get("value"), option.get("type")
        if kind in (USER, MENTIONABLE):
            values[str(option["name"])] = MemberRef(workspace, str(value))
        elif kind == CHANNEL:
            values[str(option["name"])] = ChannelRef(workspace, str(value))
        elif isinstance(value, (str, int, bool)):
            values[str(option["name"])] = value
    return path, values


def focused_option(data: Mapping[str, Any]) -> tuple[tuple[str, ...], str, str] | None:
    """The subcommand path, the option name and the text typed so far of an autocomplete interaction."""
    path, options = _leaf_options(data)
    for option in options:
        if option.get("focused"):
            return path, str(option["name"]), str(option.get("value") or "")
    return None


def _leaf_options(data: Mapping[str, Any]) -> tuple[tuple[str, ...], Sequence[Mapping[str, Any]]]:
    path: list[str] = []
    options: Sequence[Mapping[str, Any]] = data.get("options") or ()
    while len(options) == 1 and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(str(options[0]["name"]))
        options = options[0].get("options") or ()
    return tuple(path), options


# --- slash commands ----------------------------------------------------------------------------------------


def _slash_command(commands: Catalog, family: str, texts: _Texts) -> dict[str, Any]:
    label = "/" + family
    _check_name(label, family)
    description = texts.description(commands.families.get(family), f"Hearth's /{family} commands.")
    command: dict[str, Any] = {
        "type": CHAT_INPUT,
        "name": family,
        **description,
        "dm_permission": False,
        "contexts": [GUILD_CONTEXT],
        "integration_types": [GUILD_INSTALL],
        "default_member_permissions": None,
        "nsfw": False,
    }
    specs = commands.registry.family(family)
    own = next((spec for spec in specs if spec.path == (family,)), None)
    nested = [spec for spec in specs if len(spec.path) > 1]
    if not nested:
        command["options"] = _parameters(own, texts) if own is not None else []
    else:
        if own is not None and own.params:
            raise ValueError(f"{label} has subcommands, so Discord cannot also give it options of its own")
        command["options"] = _subcommands(commands, family, nested, texts)
    _check_count(label, "subcommands or options", command["options"])
    _check_characters(label, command)
    return command


def _subcommands(
    commands: Catalog, family: str, specs: Iterable[CommandSpec], texts: _Texts
) -> list[dict[str, Any]]:
    for spec in specs:
        if len(spec.path) > 3:
            raise ValueError(
                f"/{spec.name} is nested too deeply for Discord: a command, a group and a subcommand at most"
            )
    options: list[dict[str, Any]] = []
    registry = commands.registry
    for word in registry.group_children((family,)):
        path = (family, word)
        _check_name("/" + " ".join(path), word)
        children = registry.group_children(path)
        if not children:
            options.append(_subcommand(registry.find_by_path(path), texts))
            continue
        group = [_subcommand(registry.find_by_path((*path, child)), texts) for child in children]
        _check_count("/" + " ".join(path), "subcommands", group)
        options.append(
            {
                "type": SUB_COMMAND_GROUP,
                "name": word,
                **texts.description(registry.summary(path), f"/{' '.join(path)} {'/'.join(children)}"),
                "options": group,
            }
        )
    return options


def _subcommand(spec: CommandSpec, texts: _Texts) -> dict[str, Any]:
    label = "/" + spec.name
    _check_name(label, spec.path[-1])
    options = _parameters(spec, texts)
    _check_count(label, "options", options)
    return {"type": SUB_COMMAND, "name": spec.path[-1], **texts.description(spec.summary, label), "options": options}


def _parameters(spec: CommandSpec, texts: _Texts) -> list[dict[str, Any]]:
    """The spec's parameters as options, required ones first (Discord rejects a required option after an
    optional one), otherwise in declared order."""
    ordered = sorted(spec.params, key=lambda param: not _required(param))
    return [_option(spec, param, texts) for param in ordered]


def _required(param: Param) -> bool:
    return param.required and param.kind is not ParamKind.FLAG


def _option(spec: CommandSpec, param: Param, texts: _Texts) -> dict[str, Any]:
    _check_name(f"/{spec.name} {param.name}", param.name)
    option: dict[str, Any] = {
        "type": _OPTION_TYPES[param.kind],
        "name": param.name,
        **texts.description(param.help, param.name),
        "required": _required(param),
    }
    if param.kind is ParamKind.INT:
        if param.min_value is not None:
            option["min_value"] = param.min_value
        if param.max_value is not None:
            option["max_value"] = param.max_value
    if param.kind is ParamKind.CHOICE:
        if len(param.choices) <= CHOICES_MAX and all(len(choice) <= CHOICE_MAX for choice in param.choices):
            option["choices"] = [{"name": choice, "value": choice} for choice in param.choices]
        else:
            option["autocomplete"] = True
    if param.kind in _AUTOCOMPLETE_KINDS or param.suggest is not None:
        option.pop("choices", None)
        option["autocomplete"] = True
    return option


# --- context menu ------------------------------------------------------------------------------------------


def _shortcut_names(commands: Catalog) -> list[Msg]:
    return [shortcut.name for shortcut in commands.interactions.shortcuts()]


def _context_menu(name: Msg, texts: _Texts) -> dict[str, Any]:
    english = texts.english(name)
    if not 1 <= len(english) <= NAME_MAX:
        raise ValueError(f"the message command {english!r} must have 1 to {NAME_MAX} characters")
    command: dict[str, Any] = {
        "type": MESSAGE,
        "name": english,
        "description": "",
        "dm_permission": False,
        "contexts": [GUILD_CONTEXT],
        "integration_types": [GUILD_INSTALL],
        "default_member_permissions": None,
        "nsfw": False,
    }
    localized = {
        locale: text
        for locale, text in texts.localized(name).items()
        if text != english and 1 <= len(text) <= NAME_MAX
    }
    if localized:
        command["name_localizations"] = localized
    return command


# --- texts and limits --------------------------------------------------------------------------------------


class _Texts:
    """Renders messages in English and in every other language Discord has a locale for."""

    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    def english(self, message: Msg) -> str:
        return self._plain("en", message)

    def localized(self, message: Msg) -> dict[str, str]:
        return {
            locale: self._plain(language, message)
            for language, locale in sorted(DISCORD_LOCALES.items())
            if language in self._translator.languages()
        }

    def description(self, message: Msg | None, fallback: str) -> dict[str, Any]:
        """`description` and, where a translation differs, `description_localizations`, cut to Discord's 100.

        `fallback` stands in for an empty or missing English text (Discord needs at least one character).
        """
        english = self.english(message) if message is not None else ""
        if not english:
            return {"description": cut(fallback, DESCRIPTION_MAX)}
        fields: dict[str, Any] = {"description": cut(english, DESCRIPTION_MAX)}
        localized = {
            locale: cut(text, DESCRIPTION_MAX)
            for locale, text in (self.localized(message) if message is not None else {}).items()
            if text and text != english
        }
        if localized:
            fields["description_localizations"] = localized
        return fields

    def _plain(self, language: str, message: Msg) -> str:
        rendered = render(self._translator, language, message)
        return "".join(part for part in rendered.parts if isinstance(part, str)).strip()


def _check_name(label: str, name: str) -> None:
    if not _NAME.fullmatch(name) or name != name.lower():
        raise ValueError(f"{label}: {name!r} is not a Discord name (lower case, 1 to {NAME_MAX} of a-z 0-9 - _)")


def _check_count(label: str, what: str, options: Sequence[object]) -> None:
    if len(options) > OPTIONS_MAX:
        raise ValueError(f"{label} has {len(options)} {what}; Discord allows {OPTIONS_MAX}")


def _check_characters(label: str, command: Mapping[str, Any]) -> None:
    total = _characters(command)
    if total > COMMAND_CHARACTERS_MAX:
        raise ValueError(
            f"{label} has {total} characters of names, descriptions and values; Discord allows {COMMAND_CHARACTERS_MAX}"
        )


def _characters(node: Mapping[str, Any]) -> int:
    total = 0
    for key in ("name", "description", "value"):
        if key in node:
            texts = [str(node[key]), *node.get(f"{key}_localizations", {}).values()]
            total += max(len(text) for text in texts)
    for child in [*node.get("options", ()), *node.get("choices", ())]:
        total += _characters(child)
    return total

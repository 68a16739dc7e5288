"""Discord application commands are generated from the command registry and stay within Discord's rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from adapters.discord.commands import (
    BOT_PERMISSIONS,
    COMMAND_CHARACTERS_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    command_definitions,
    definitions_hash,
    invite_url,
    options_from_interaction,
    shortcut_ids,
)
from bot.catalogs import Catalogs
from bot.events import ShortcutInvoked
from bot.i18n import _
from bot.refs import MemberRef, Platform, WorkspaceRef
from commands.catalog import Catalog, build_catalog
from commands.context import CommandContext
from commands.parser import parse_options
from commands.router import Shortcut
from commands.spec import CommandSpec, Param, ParamKind

TRANSLATOR = Catalogs.load()
NAME = re.compile(r"^[-_\w]{1,32}$")


async def _nothing(ctx: CommandContext, args: dict[str, Any]) -> None:
    """A handler for specs that are only listed, never run."""


async def _save(ctx: Any, event: ShortcutInvoked) -> None:
    """A shortcut handler that is only listed, never run."""


def definitions(commands: Catalog | None = None) -> list[dict[str, Any]]:
    return command_definitions(commands or build_catalog(), TRANSLATOR)


def hearth() -> dict[str, Any]:
    return next(command for command in definitions() if command["name"] == "hearth")


def by_name(options: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {option["name"]: option for option in options}


def every_option(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for option in node.get("options", ()):
        yield option
        yield from every_option(option)


# --- the real registry -------------------------------------------------------------------------------------


def test_hearth_is_a_guild_only_slash_command_with_its_subcommands() -> None:
    command = hearth()
    assert command["type"] == 1
    assert command["dm_permission"] is False
    assert command["contexts"] == [0]
    assert command["default_member_permissions"] is None
    assert "name_localizations" not in command
    subcommands = by_name(command["options"])
    assert list(subcommands) == ["help", "setup", "settings", "me", "facilitators"]
    assert all(subcommands[word]["type"] == 1 for word in ("help", "setup", "settings", "me"))
    group = subcommands["facilitators"]
    assert group["type"] == 2
    assert [(option["type"], option["name"]) for option in group["options"]] == [
        (1, "add"),
        (1, "remove"),
        (1, "list"),
    ]


def test_family_description_is_the_english_summary_with_dutch() -> None:
    command = hearth()
    assert command["description"] == "Set Hearth up, see and change settings, and get help."
    assert command["description_localizations"] == {
        "nl": "Hearth instellen, instellingen bekijken en wijzigen, en hulp krijgen."
    }


def test_a_group_is_described_by_its_own_summary_with_dutch() -> None:
    group = by_name(hearth()["options"])["facilitators"]
    assert group["description"] == "Who looks after the communities: add, remove or list facilitators."
    assert group["description_localizations"] == {
        "nl": "Wie de community's begeleidt: facilitators toevoegen, verwijderen of tonen."
    }
    meeting = next(command for command in definitions() if command["name"] == "meeting")
    agenda = by_name(meeting["options"])["agenda"]
    assert agenda["description"] == "The next meeting's agenda: propose, see, vote on and change topics."


def test_option_types_follow_the_parameter_kinds() -> None:
    subcommands = by_name(hearth()["options"])
    topic = by_name(subcommands["help"]["options"])["topic"]
    assert (topic["type"], topic["required"]) == (3, False)
    me = by_name(subcommands["me"]["options"])
    assert me["tz"]["type"] == 3 and me["tz"]["autocomplete"] is True
    assert me["lang"]["type"] == 3 and me["lang"]["autocomplete"] is True
    assert me["reset"]["type"] == 5
    add = by_name(by_name(subcommands["facilitators"]["options"])["add"]["options"])
    assert add["member"] == {
        "type": 6,
        "name": "member",
        "description": "the member, mentioned with @",
        "description_localizations": {"nl": "het lid, vermeld met @"},
        "required": True,
    }


def test_every_description_has_a_dutch_localization() -> None:
    command = hearth()
    described = [command, *every_option(command)]
    without = [node["name"] for node in described if node["type"] != 2 and "nl" not in node.get(
        "description_localizations", {}
    )]
    assert without == []


def test_every_name_and_length_is_within_discords_rules() -> None:
    for command in definitions():
        if command["type"] == 3:  # a message command: a name as shown in the Apps menu, no description
            assert 1 <= len(command["name"]) <= NAME_MAX and command["description"] == ""
            continue
        assert NAME.fullmatch(command["name"]) and command["name"] == command["name"].lower()
        assert 1 <= len(command["description"]) <= DESCRIPTION_MAX
        assert len(command["options"]) <= 25
        for option in every_option(command):
            assert NAME.fullmatch(option["name"]) and option["name"] == option["name"].lower()
            assert 1 <= len(option["description"]) <= DESCRIPTION_MAX
            for text in option.get("description_localizations", {}).values():
                assert 1 <= len(text) <= DESCRIPTION_MAX
            assert len(option.get("options", ())) <= 25
            assert len(option.get("choices", ())) <= 25


def test_required_options_come_first_and_each_kind_maps_to_its_type() -> None:
    commands = build_catalog()
    params = (
        Param("note", ParamKind.TEXT, _("a note"), flag=True),
        Param("count", ParamKind.INT, _("how many"), required=True, min_value=1, max_value=10),
        Param("within", ParamKind.DURATION, _("how long"), flag=True),
        Param("at", ParamKind.DATETIME, _("when"), flag=True),
        Param("day", ParamKind.DATE, _("which day"), flag=True),
        Param("who", ParamKind.MEMBER, _("who"), required=True),
        Param("where", ParamKind.CHANNEL, _("where"), flag=True),
        Param("tags", ParamKind.TAG, _("tags")),
        Param("mode", ParamKind.CHOICE, _("which mode"), flag=True, choices=("fast", "slow")),
        Param("many", ParamKind.CHOICE, _("one of many"), flag=True, choices=tuple(f"c{n}" for n in range(30))),
        Param("quiet", ParamKind.FLAG, _("say nothing"), flag=True),
        Param("zone", ParamKind.TIMEZONE, _("a zone"), flag=True),
        Param("language", ParamKind.LANGUAGE, _("a language"), flag=True),
        Param("rest", ParamKind.TEXT, _("the rest"), greedy=True),
    )
    commands.registry.add(CommandSpec(("quiz",), _("Run a poll."), _nothing, params=params))
    poll = next(command for command in definitions(commands) if command["name"] == "quiz")
    options = poll["options"]
    assert [option["name"] for option in options][:2] == ["count", "who"]
    flags = [option["required"] for option in options]
    assert flags == sorted(flags, reverse=True)
    named = by_name(options)
    assert {name: option["type"] for name, option in named.items()} == {
        "note": 3, "count": 4, "within": 3, "at": 3, "day": 3, "who": 6, "where": 7, "tags": 3, "mode": 3,
        "many": 3, "quiet": 5, "zone": 3, "language": 3, "rest": 3,
    }
    assert (named["count"]["min_value"], named["count"]["max_value"]) == (1, 10)
    assert named["mode"]["choices"] == [{"name": "fast", "value": "fast"}, {"name": "slow", "value": "slow"}]
    assert named["many"]["autocomplete"] is True and "choices" not in named["many"]
    assert "autocomplete" not in named["mode"]
    assert poll["description"] == "Hearth's /quiz commands."


# --- limits ------------------------------------------------------------------------------------------------


def test_a_26th_subcommand_raises() -> None:
    commands = build_catalog()
    for n in range(25):
        commands.registry.add(CommandSpec(("quiz", f"word{n}"), _("Run a poll."), _nothing))
    definitions(commands)
    commands.registry.add(CommandSpec(("quiz", "word25"), _("Run a poll."), _nothing))
    with pytest.raises(ValueError, match="/quiz"):
        definitions(commands)


def test_a_path_deeper_than_a_group_raises_naming_it() -> None:
    commands = build_catalog()
    commands.registry.add(CommandSpec(("quiz", "admin", "votes", "clear"), _("Clear votes."), _nothing))
    with pytest.raises(ValueError, match="/quiz admin votes clear"):
        definitions(commands)


def test_too_many_characters_raise_naming_the_command() -> None:
    commands = build_catalog()
    long_help = _("x" * 99)
    for n in range(24):
        params = tuple(Param(f"p{i}", ParamKind.TEXT, long_help, flag=True) for i in range(3))
        commands.registry.add(CommandSpec(("quiz", f"word{n}"), long_help, _nothing, params=params))
    with pytest.raises(ValueError, match=f"/quiz .*{COMMAND_CHARACTERS_MAX}"):
        definitions(commands)


def test_a_family_with_subcommands_cannot_take_options_of_its_own() -> None:
    commands = build_catalog()
    commands.registry.add(
        CommandSpec(("hearth",), _("Hearth."), _nothing, params=(Param("x", ParamKind.TEXT, _("x")),))
    )
    with pytest.raises(ValueError, match="/hearth"):
        definitions(commands)


def test_a_long_description_is_cut_to_discords_limit() -> None:
    commands = build_catalog()
    commands.registry.add(CommandSpec(("quiz", "create"), _("y" * 150), _nothing))
    poll = next(command for command in definitions(commands) if command["name"] == "quiz")
    description = poll["options"][0]["description"]
    assert len(description) == DESCRIPTION_MAX and description.endswith("…")


# --- hash --------------------------------------------------------------------------------------------------


def test_the_hash_is_stable_and_follows_every_change() -> None:
    first = definitions_hash(definitions())
    assert first == definitions_hash(definitions())
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    changed = definitions()
    changed[0]["options"][0]["description"] = "Something else."
    assert definitions_hash(changed) != first
    commands = build_catalog()
    commands.families["hearth"] = _("Another summary.")
    assert definitions_hash(definitions(commands)) != first


def test_the_hash_ignores_key_order() -> None:
    command = hearth()
    reordered = dict(reversed(list(command.items())))
    assert definitions_hash([reordered]) == definitions_hash([command])


# --- context menu ------------------------------------------------------------------------------------------


def test_a_routed_shortcut_becomes_a_message_command() -> None:
    commands = build_catalog()
    menu = [command for command in definitions(commands) if command["type"] == 3]
    assert len(menu) == 1  # the library's "Save to library"
    assert menu[0]["name"] == "Save to library"
    assert len(menu[0]["name"]) <= NAME_MAX
    assert menu[0]["description"] == ""
    assert menu[0]["contexts"] == [0]
    assert "options" not in menu[0]
    assert shortcut_ids(commands, TRANSLATOR) == {"Save to library": "library.save"}


def test_a_message_command_has_a_dutch_name_when_the_catalog_has_one() -> None:
    class Dutch:
        def gettext(self, language: str, msgid: str) -> str:
            return "Bewaar in bibliotheek" if language == "nl" and msgid == "Save to library" else msgid

        def ngettext(self, language: str, singular: str, plural: str, count: int) -> str:
            return singular if count == 1 else plural

        def languages(self) -> tuple[str, ...]:
            return ("en", "nl")

    commands = build_catalog()
    menu = [command for command in command_definitions(commands, Dutch()) if command["type"] == 3]
    assert menu[0]["name_localizations"] == {"nl": "Bewaar in bibliotheek"}
    shipped = [command for command in command_definitions(commands, TRANSLATOR) if command["type"] == 3]
    assert shipped[0]["name_localizations"] == {"nl": "Bewaren in bibliotheek"}


def test_a_message_command_name_over_32_characters_raises() -> None:
    commands = build_catalog()
    commands.interactions.on_shortcut(Shortcut("x", _("Save this message to the community library"), _save))
    with pytest.raises(ValueError, match="32"):
        definitions(commands)


# --- invite ------------------------------------------------------------------------------------------------


def _query(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "discord.com", "/oauth2/authorize")
    return parse_qs(parts.query)


def test_invite_asks_for_exactly_the_documented_permissions() -> None:
    expected = discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
    )
    assert expected.value == BOT_PERMISSIONS
    query = _query(invite_url("1234567890"))
    assert query["client_id"] == ["1234567890"]
    assert query["scope"] == ["bot applications.commands"]
    assert "scope=bot+applications.commands" in invite_url("1234567890")
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == expected
    assert not granted.add_reactions and not granted.use_external_emojis and not granted.manage_events
    assert not granted.administrator and not granted.mention_everyone


def test_invite_with_scheduled_events_adds_manage_events_only() -> None:
    query = _query(invite_url("1234567890", scheduled_events=True))
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted.manage_events
    assert granted.value == BOT_PERMISSIONS | discord.Permissions(manage_events=True).value


def test_invite_rejects_an_id_that_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="number"):
        invite_url("abc&scope=admin")


# --- interactions ------------------------------------------------------------------------------------------


def test_options_from_a_plain_subcommand() -> None:
    data = {
        "id": "1",
        "name": "hearth",
        "type": 1,
        "options": [
            {
                "name": "me",
                "type": 1,
                "options": [
                    {"name": "tz", "type": 3, "value": "Europe/Brussels"},
                    {"name": "reset", "type": 5, "value": False},
                ],
            }
        ],
    }
    assert options_from_interaction(data) == (("me",), {"tz": "Europe/Brussels", "reset": False})


def test_options_from_a_subcommand_without_options() -> None:
    data = {"name": "hearth", "type": 1, "options": [{"name": "setup", "type": 1}]}
    assert options_from_interaction(data) == (("setup",), {})


def test_options_from_a_group_subcommand_with_a_user() -> None:
    data = {
        "name": "hearth",
        "type": 1,
        "options": [
            {
                "name": "facilitators",
                "type": 2,
                "options": [
                    {"name": "add", "type": 1, "options": [{"name": "member", "type": 6, "value": "80351110224678912"}]}
                ],
            }
        ],
        "resolved": {"users": {"80351110224678912": {"id": "80351110224678912", "username": "ana"}}},
    }
    assert options_from_interaction(data) == (("facilitators", "add"), {"member": "80351110224678912"})


def test_options_from_a_command_without_subcommands() -> None:
    data = {
        "name": "quiz",
        "type": 1,
        "options": [
            {"name": "where", "type": 7, "value": 41771983423143937},
            {"name": "count", "type": 4, "value": 3},
            {"name": "tags", "type": 3, "value": "#a #b"},
        ],
    }
    assert options_from_interaction(data) == ((), {"where": "41771983423143937", "count": 3, "tags": "#a #b"})
    assert options_from_interaction({"name": "quiz", "type": 1}) == ((), {})


def test_interaction_options_parse_with_the_registry_spec() -> None:
    """The names Discord sends back find the spec and its parameters, TAG text included."""
    commands = build_catalog()
    commands.registry.add(
        CommandSpec(
            ("quiz", "create"),
            _("Run a poll."),
            _nothing,
            params=(
                Param("question", ParamKind.TEXT, _("the question"), required=True),
                Param("tags", ParamKind.TAG, _("tags")),
            ),
        )
    )
    workspace = WorkspaceRef(Platform.DISCORD, "g1")
    context: dict[str, Any] = {
        "workspace": workspace,
        "timezone": "UTC",
        "now": datetime(2026, 3, 27, 12, tzinfo=UTC),
        "languages": ("en", "nl"),
    }
    path, options = options_from_interaction(
        {
            "name": "quiz",
            "type": 1,
            "options": [
                {
                    "name": "create",
                    "type": 1,
                    "options": [
                        {"name": "tags", "type": 3, "value": "#Python #data, #python"},
                        {"name": "question", "type": 3, "value": "Lunch?"},
                    ],
                }
            ],
        }
    )
    spec = commands.registry.find_by_path(("quiz", *path))
    assert isinstance(options["question"], str) and isinstance(options["tags"], str)
    args = parse_options(spec, {"question": options["question"], "tags": options["tags"]}, **context)
    assert args == {"question": "Lunch?", "tags": ("python", "data")}

    path, options = options_from_interaction(
        {
            "name": "hearth",
            "type": 1,
            "options": [
                {"name": "facilitators", "type": 2, "options": [
                    {"name": "add", "type": 1, "options": [{"name": "member", "type": 6, "value": "42"}]}
                ]}
            ],
        }
    )
    spec = commands.registry.find_by_path(("hearth", *path))
    member = MemberRef(workspace, str(options["member"]))
    assert parse_options(spec, {"member": member}, **context) == {"member": member}

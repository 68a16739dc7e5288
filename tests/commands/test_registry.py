"""The registry: registering specs, and finding the command a member typed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import UserError
from bot.i18n import _
from bot.messages import UserText
from commands.registry import Registry, check_spec
from commands.spec import CommandSpec, Param, ParamKind


async def nothing(ctx: Any, args: dict[str, Any]) -> None:
    return None


def spec(*path: str, params: tuple[Param, ...] = ()) -> CommandSpec:
    return CommandSpec(path, _("summary"), nothing, params=params)


def param(name: str, kind: ParamKind, **extra: Any) -> Param:
    return Param(name, kind, _("help"), **extra)


HELP = spec("hearth", "help", params=(param("topic", ParamKind.TEXT, greedy=True),))
SETUP = spec("hearth", "setup", params=(param("name", ParamKind.TEXT, flag=True),))
ADD = spec("hearth", "facilitators", "add", params=(param("member", ParamKind.MEMBER, required=True),))
REMOVE = spec("hearth", "facilitators", "remove", params=(param("member", ParamKind.MEMBER, required=True),))
SCHEDULE = spec("meeting", "schedule")
DIGEST = spec("digest", params=(param("dm", ParamKind.FLAG),))


@pytest.fixture
def registry() -> Registry:
    return Registry([HELP, SETUP, ADD, REMOVE, SCHEDULE, DIGEST])


def find_fails(registry: Registry, command: str, text: str) -> UserError:
    with pytest.raises(UserError) as raised:
        registry.find(command, text)
    return raised.value


def test_listing(registry: Registry) -> None:
    assert registry.families() == ("hearth", "meeting", "digest")
    assert registry.specs() == (HELP, SETUP, ADD, REMOVE, SCHEDULE, DIGEST)
    assert registry.family("hearth") == (HELP, SETUP, ADD, REMOVE)
    assert registry.family("nope") == ()
    assert registry.group_children(("hearth",)) == ("help", "setup", "facilitators")
    assert registry.group_children(("hearth", "facilitators")) == ("add", "remove")
    assert registry.group_children(("hearth", "setup")) == ()
    assert registry.group_children(()) == ("hearth", "meeting", "digest")


def test_find_resolves_subcommands_and_keeps_the_raw_argument_text(registry: Registry) -> None:
    assert registry.find("hearth", 'setup --name "Data  CoP" ') == (SETUP, '--name "Data  CoP"')
    assert registry.find("/hearth", "Facilitators   ADD <@U1>") == (ADD, "<@U1>")
    assert registry.find("HEARTH", "facilitators\nremove\t<@U1>") == (REMOVE, "<@U1>")
    assert registry.find("meeting", "schedule") == (SCHEDULE, "")


def test_a_family_without_subcommands_gets_the_whole_text(registry: Registry) -> None:
    assert registry.find("digest", " --dm ") == (DIGEST, "--dm")
    assert registry.find("digest", "") == (DIGEST, "")


def test_a_family_spec_runs_when_nothing_follows() -> None:
    home = spec("hearth")
    registry = Registry([home, HELP, SETUP])
    assert registry.find("hearth", "  ") == (home, "")
    assert registry.find("hearth", "setup") == (SETUP, "")
    assert registry.find_by_path(("hearth",)) is home


def test_unknown_family_suggests_the_closest(registry: Registry) -> None:
    error = find_fails(registry, "/hearht", "help")
    assert error.message.params == {"command": UserText("/hearht"), "suggestion": "`/hearth`"}
    assert error.hint is not None
    assert error.hint.params == {"commands": "`/hearth`, `/meeting`, `/digest`"}
    assert "suggestion" not in find_fails(registry, "zzzzzz", "").message.params


def test_unknown_subcommand_suggests_the_closest_and_points_at_help(registry: Registry) -> None:
    error = find_fails(registry, "hearth", "stup --name x")
    assert error.message.params == {"command": UserText("/hearth stup"), "suggestion": "`/hearth setup`"}
    assert error.hint is not None
    assert error.hint.params == {"help": "`/hearth help`"}
    nested = find_fails(registry, "hearth", "facilitators ad <@U1>")
    assert nested.message.params["suggestion"] == "`/hearth facilitators add`"
    far = find_fails(registry, "hearth", "xyzzy")
    assert far.message.params["names"] == "`help`, `setup`, `facilitators`"


def test_a_group_without_subcommand_lists_them(registry: Registry) -> None:
    error = find_fails(registry, "hearth", "facilitators")
    assert error.message.msgid == "{group} needs a subcommand: {names}."
    assert error.message.params == {"group": "`/hearth facilitators`", "names": "`add`, `remove`"}
    assert find_fails(registry, "hearth", "").message.params["group"] == "`/hearth`"


def test_find_by_path(registry: Registry) -> None:
    assert registry.find_by_path(("hearth", "facilitators", "add")) is ADD
    assert registry.find_by_path(("Hearth", "Setup")) is SETUP
    with pytest.raises(UserError) as raised:
        registry.find_by_path(("hearth", "gone"))
    assert raised.value.message.params == {"command": UserText("/hearth gone")}
    with pytest.raises(UserError):
        registry.find_by_path(("hearth", "facilitators"))


def test_duplicates_and_command_groups_are_refused(registry: Registry) -> None:
    with pytest.raises(ValueError, match="twice"):
        registry.add(spec("hearth", "setup"))
    with pytest.raises(ValueError, match="both a command and a group"):
        registry.add(spec("hearth", "facilitators"))
    with pytest.raises(ValueError, match="both a command and a group"):
        registry.add(spec("meeting", "schedule", "weekly"))
    registry.add(spec("meeting"))  # a family may have a spec of its own


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (spec("Hearth", "x"), "path words"),
        (spec("hearth", "two words"), "path words"),
        (spec(), "path words"),
        (spec("x", params=(param("a", ParamKind.TEXT), param("a", ParamKind.INT))), "repeat"),
        (spec("x", params=(param("a_b", ParamKind.TEXT), param("a-b", ParamKind.INT))), "option name"),
        (spec("x", params=(param("Big", ParamKind.TEXT),)), "lower-case"),
        (spec("x", params=(param("c", ParamKind.CHOICE),)), "no choices"),
        (spec("x", params=(param("f", ParamKind.FLAG, required=True),)), "cannot be required"),
        (spec("x", params=(param("n", ParamKind.INT, greedy=True),)), "greedy"),
        (spec("x", params=(param("n", ParamKind.TEXT, greedy=True, flag=True),)), "greedy"),
        (spec("x", params=(param("n", ParamKind.INT, min_value=5, max_value=1),)), "min_value"),
        (spec("x", params=(param("t", ParamKind.TAG), param("u", ParamKind.TAG))), "one tag"),
        (spec("x", params=(param("t", ParamKind.TEXT, greedy=True), param("u", ParamKind.TEXT))), "last positional"),
        (spec("x", params=(param("t", ParamKind.TEXT), param("u", ParamKind.TEXT, required=True))), "cannot follow"),
    ],
)
def test_malformed_specs_are_refused(bad: CommandSpec, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check_spec(bad)


def test_a_tag_and_flags_may_follow_a_greedy_text() -> None:
    check_spec(spec("x", params=(param("t", ParamKind.TEXT, greedy=True), param("tags", ParamKind.TAG),
                                 param("o", ParamKind.FLAG), param("n", ParamKind.INT, flag=True))))

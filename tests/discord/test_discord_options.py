"""Reading typed options and autocomplete focus out of interaction data, for any shape Discord could send."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord.commands import command_definitions, focused_option, typed_options
from bot.catalogs import Catalogs
from bot.i18n import Msg
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from commands.catalog import build_catalog
from commands.completion import SuggestionContext
from commands.spec import CommandSpec, Param, ParamKind

WS = WorkspaceRef(Platform.DISCORD, "81384788765712384")


def test_members_and_channels_become_references_of_the_server() -> None:
    data = {"name": "hearth", "type": 1, "options": [{"name": "facilitators", "type": 2, "options": [
        {"name": "add", "type": 1, "options": [
            {"name": "member", "type": 6, "value": "80351110224678912"},
            {"name": "where", "type": 7, "value": "41771983423143937"},
            {"name": "count", "type": 4, "value": 3},
            {"name": "quiet", "type": 5, "value": True},
        ]}]}]}

    path, options = typed_options(data, WS)

    assert path == ("facilitators", "add")
    assert options == {
        "member": MemberRef(WS, "80351110224678912"), "where": ChannelRef(WS, "41771983423143937"),
        "count": 3, "quiet": True,
    }


def test_the_focused_option_is_found() -> None:
    data = {"name": "hearth", "type": 1, "options": [{"name": "me", "type": 1, "options": [
        {"name": "lang", "type": 3, "value": "n"}, {"name": "tz", "type": 3, "value": "Eur", "focused": True}]}]}

    assert focused_option(data) == (("me",), "tz", "Eur")
    assert focused_option({"name": "hearth", "type": 1}) is None


def test_a_parameter_with_its_own_suggestions_is_offered_with_autocomplete() -> None:
    async def names(context: SuggestionContext, typed: str) -> Sequence[str]:
        return ["CoP sync"]

    async def nothing(ctx: Any, args: Any) -> None:
        """Only listed."""

    commands = build_catalog()
    commands.registry.add(CommandSpec(("gathering", "next"), Msg("The next gathering"), nothing, params=(
        Param("series", ParamKind.TEXT, Msg("the series"), suggest=names),
        Param("kind", ParamKind.CHOICE, Msg("kind"), choices=("a", "b"), suggest=names),
    )))

    [gathering] = [c for c in command_definitions(commands, Catalogs.load()) if c["name"] == "gathering"]
    [subcommand] = gathering["options"]
    series, kind = subcommand["options"]
    assert series["autocomplete"] is True
    assert kind["autocomplete"] is True and "choices" not in kind  # Discord refuses both at once


_values = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_leaf = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=8), "type": st.integers(0, 12), "value": _values},
    optional={"focused": st.booleans()},
)
_options = st.recursive(
    st.lists(_leaf, max_size=4),
    lambda children: st.lists(st.fixed_dictionaries({
        "name": st.text(min_size=1, max_size=8), "type": st.sampled_from([1, 2]), "options": children,
    }), max_size=2),
    max_leaves=8,
)


@given(_options)
def test_any_option_tree_reads_without_error(options: list[dict[str, Any]]) -> None:
    data = {"name": "hearth", "type": 1, "options": options}

    path, values = typed_options(data, WS)
    focused = focused_option(data)

    assert all(isinstance(word, str) for word in path)
    assert all(isinstance(value, (str, int, bool, MemberRef, ChannelRef)) for value in values.values())
    assert focused is None or isinstance(focused[2], str)


"""Suggestions while typing a parameter: built-in zones, languages and choices, and a feature's own names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Msg
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from commands.completion import MAX_SUGGESTIONS, SuggestionContext, best_matches, suggestions
from commands.spec import Param, ParamKind

WS = WorkspaceRef(Platform.DISCORD, "1")
CONTEXT = SuggestionContext(services=None, channel=ChannelRef(WS, "2"), member=MemberRef(WS, "3"))  # type: ignore[arg-type]


async def test_time_zones_starting_with_the_text_come_first() -> None:
    found = await suggestions(Param("tz", ParamKind.TIMEZONE, Msg("zone")), "new", languages=(), context=CONTEXT)

    assert "America/New_York" in found
    assert len(found) <= MAX_SUGGESTIONS
    assert not any(zone.startswith(("Etc/", "US/")) for zone in found)


async def test_a_zone_is_found_by_its_city_with_spaces() -> None:
    found = await suggestions(Param("tz", ParamKind.TIMEZONE, Msg("zone")), "los ang", languages=(), context=CONTEXT)

    assert found == ["America/Los_Angeles"]


async def test_languages_and_choices() -> None:
    language = Param("lang", ParamKind.LANGUAGE, Msg("language"))
    choice = Param("kind", ParamKind.CHOICE, Msg("kind"), choices=("rating", "open", "choice"))

    assert await suggestions(language, "", languages=("en", "nl"), context=CONTEXT) == ["en", "nl"]
    assert await suggestions(choice, "o", languages=(), context=CONTEXT) == ["open", "choice"]
    assert await suggestions(Param("n", ParamKind.INT, Msg("n")), "1", languages=(), context=CONTEXT) == []


async def test_a_feature_offers_its_own_names_for_the_workspace() -> None:
    asked: list[tuple[Any, str]] = []

    async def series_names(context: SuggestionContext, typed: str) -> Sequence[str]:
        asked.append((context.channel.workspace, typed))
        return ["CoP sync", "Quarterly review", "Book club"]

    param = Param("series", ParamKind.TEXT, Msg("series"), suggest=series_names)

    assert await suggestions(param, "c", languages=(), context=CONTEXT) == ["CoP sync", "Book club"]
    assert asked == [(WS, "c")]


@given(st.lists(st.text(max_size=20), max_size=60), st.text(max_size=10))
def test_best_matches_is_a_bounded_subset_without_repeats(candidates: list[str], typed: str) -> None:
    found = best_matches(candidates, typed)

    assert len(found) <= MAX_SUGGESTIONS
    assert len(set(found)) == len(found)
    assert set(found) <= set(candidates)

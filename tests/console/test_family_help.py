"""Every family answers `help [subcommand…]` exactly as `/hearth help <family> …` does, in English and Dutch.
Walks the whole catalogue, so a family or command added later is checked too."""

from __future__ import annotations

import pytest

from commands.catalog import build_catalog
from commands.help import FAMILY_HELP_SUMMARY
from tests.console_harness import Transcript, transcript

CATALOG = build_catalog()
LANGUAGES = ("en", "nl")


@pytest.fixture
async def t(sqlite_url: str):  # type: ignore[no-untyped-def]
    async with transcript(sqlite_url, rate_limit_count=1000) as running:
        yield running


def test_every_family_with_subcommands_has_a_help_subcommand() -> None:
    registry = CATALOG.registry
    for family in registry.families():
        assert "help" in registry.group_children((family,)), f"/{family} has no help subcommand"
    meeting_help = registry.find_by_path(("meeting", "help"))
    assert meeting_help.summary == FAMILY_HELP_SUMMARY
    assert registry.find_by_path(("hearth", "help")).summary != FAMILY_HELP_SUMMARY


@pytest.mark.parametrize("language", LANGUAGES)
async def test_family_help_answers_as_hearth_help_does(t: Transcript, language: str) -> None:
    await t.run(f"as ana\n/hearth setup\nas ben\n/hearth me --lang {language}")
    registry = CATALOG.registry
    for family in registry.families():
        if family == "hearth":
            continue
        topics = ["", *(" ".join(spec.path[1:]) for spec in registry.family(family))]
        for topic in topics:
            own = await t.one(f"/{family} help {topic}".strip())
            general = await t.one(f"/hearth help {family} {topic}".strip())
            assert own.kind == general.kind == "ephemeral" and own.to == "ben"
            assert own.text == general.text, (family, topic, language)


async def test_meeting_help_and_meeting_help_move(t: Transcript) -> None:
    await t.run("as ana\n/hearth setup")
    family = await t.one("/meeting help")
    assert family.kind == "ephemeral"
    assert family.text.startswith("/meeting")
    assert "Meeting series: schedule, list, RSVP, agenda and reminders." in family.text
    assert "/meeting move <new time…>" in family.text
    move = await t.one("/meeting help move")
    assert move.text.startswith("/meeting move <new time…>")
    assert "Move one meeting to another time (facilitators)." in move.text
    await t.run("/hearth me --lang nl")
    move = await t.one("/meeting help move")
    assert "is geen opdracht" not in move.text and "is not a command" not in move.text
    assert move.text.startswith("/meeting move <nieuw moment…> [--series <tekst>] [--date <datum>]")


async def test_help_on_nothing_of_the_family_is_refused_privately(t: Transcript) -> None:
    await t.run("as ana\n/hearth setup")
    refused = await t.one("/meeting help nonsense")
    assert refused.kind == "ephemeral" and refused.to == "ana"
    assert "There is no help on meeting nonsense." in refused.text

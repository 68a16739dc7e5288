"""Every example help shows reads, in every language, as the command it illustrates: the member's language's
words, and input Hearth understands. Walks the whole catalogue, so an example added later is checked too."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.catalogs import Catalogs
from bot.i18n import Msg, render
from bot.meetings.preferences import DM_LEADS, QUIET_HOURS
from bot.recurrence.phrases import parse_recurrence
from bot.refs import Platform, WorkspaceRef
from bot.vocabulary import languages
from commands.catalog import build_catalog
from commands.parser import parse_arguments
from commands.spec import CommandSpec, Example
from commands.values import parse_datetime
from tests.console_harness import Transcript, transcript

CATALOG = build_catalog()
TRANSLATOR = Catalogs.load()
NOW = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
ZONE = "Europe/Brussels"
WORKSPACE = WorkspaceRef(Platform.CONSOLE, "w")


def _shown(example: Example, language: str) -> str:
    if isinstance(example, str):
        return example
    text = render(TRANSLATOR, language, example)
    return "".join(part for part in text.parts if isinstance(part, str))


def _typed(shown: str) -> str:
    """`shown` as a platform delivers it: an `@name` the member picks from the list arrives as a mention."""
    return re.sub(r"(?<![\w<])@(\w+)", r"<@\1>", shown)


def _rhythm(value: str, language: str) -> object:
    return parse_recurrence(value, timezone=ZONE, now=NOW, language=language)


def _moment(value: str, language: str) -> object:
    return parse_datetime(value, now=NOW, timezone=ZONE)


# What a command's free text means, read by the readers its handler uses.
READERS: dict[tuple[tuple[str, ...], str], Callable[[str, str], object]] = {
    (("meeting", "schedule"), "when"): _rhythm,
    (("meeting", "edit"), "when"): _rhythm,
    (("meeting", "move"), "to"): _moment,
}


def _examples() -> list[tuple[CommandSpec, Example]]:
    return [(spec, example) for spec in CATALOG.registry.specs() for example in spec.examples]


def test_every_command_has_examples_and_those_with_words_are_translated() -> None:
    for spec in CATALOG.registry.specs():
        assert spec.examples, f"/{spec.name} shows no example"
    for spec, example in _examples():
        if isinstance(example, Msg):
            shown = {_shown(example, language) for language in languages()}
            assert len(shown) == len(languages()), (spec.name, example.msgid)


@pytest.mark.parametrize("language", languages())
def test_every_example_parses_as_its_own_command(language: str) -> None:
    read: set[tuple[tuple[str, ...], str]] = set()
    for spec, example in _examples():
        shown = _shown(example, language)
        family, _, rest = shown.removeprefix("/").partition(" ")
        found, text = CATALOG.registry.find(family, rest)
        assert found is spec, (shown, found.name)
        args: dict[str, Any] = parse_arguments(spec, _typed(text), workspace=WORKSPACE, timezone=ZONE, now=NOW,
                                               languages=languages())
        for name, value in args.items():
            reader = READERS.get((spec.path, name))
            if reader is not None and value is not None:
                reader(str(value), language)
                read.add((spec.path, name))
    assert read == set(READERS)


@pytest.fixture
async def t(sqlite_url: str):  # type: ignore[no-untyped-def]
    async with transcript(sqlite_url, rate_limit_count=1000) as running:
        yield running


async def _preferences(t: Transcript, member: str) -> dict[str, object]:
    workspace = t.session.workspace
    async with t.hearth.uow(read_only=True) as uow:
        found = await uow.workspaces.get(workspace.ref)
        assert found is not None
        stored = await uow.members.get(found.id, workspace.member(member).member)
    assert stored is not None
    return {key: stored.preferences.get(key) for key in (DM_LEADS, QUIET_HOURS)}


@pytest.mark.parametrize("language", languages())
async def test_every_reminder_example_changes_the_members_reminders(t: Transcript, language: str) -> None:
    await t.run(f"as ana\n/hearth setup\nas ben\n/hearth me --lang {language}")
    remind = CATALOG.registry.find_by_path(("meeting", "remind"))
    for example in remind.examples:
        before = await _preferences(t, "ben")
        answer = await t.one(_shown(example, language))
        assert answer.kind == "ephemeral" and answer.to == "ben"
        assert await _preferences(t, "ben") != before, (_shown(example, language), answer.text)


async def test_dutch_help_shows_dutch_examples(t: Transcript) -> None:
    await t.run("as ana\n/hearth setup --lang nl")
    move = await t.one("/meeting help move")
    assert "/meeting move morgen 15:00 --date 2026-12-08" in move.text and "tomorrow" not in move.text
    remind = await t.one("/hearth help meeting remind")
    assert "/meeting remind 2u vooraf" in remind.text and "before" not in remind.text
    await t.run("/hearth me --lang en")
    move = await t.one("/meeting help move")
    assert "/meeting move tomorrow 15:00 --date 2026-12-08" in move.text

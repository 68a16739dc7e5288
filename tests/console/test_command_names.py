"""Refusals and help name commands as members type them, in English and Dutch; each family and group has its own
summary. Walks the whole catalogue, so a command, group or button added later is checked too."""

from __future__ import annotations

import re

import pytest

from adapters.console.workspace import ConsoleResponder
from bot.catalogs import Catalogs
from bot.events import ActionInvoked, Actor, FormSubmitted
from bot.i18n import render
from bot.permissions import Permission
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from commands.catalog import Catalog, build_catalog
from commands.usage import typed_command
from tests.console_harness import START, Transcript, transcript

CATALOG = build_catalog()
TRANSLATOR = Catalogs.load()
LANGUAGES = ("en", "nl")


def _plain(message: object, language: str) -> str:
    text = render(TRANSLATOR, language, message)  # type: ignore[arg-type]
    return "".join(part if isinstance(part, str) else str(getattr(part, "text", "")) for part in text.parts)


def _internal_ids(catalog: Catalog) -> tuple[str, ...]:
    return catalog.interactions.routed_ids()


def _dotted_id(catalog: Catalog) -> re.Pattern[str]:
    """Any family-prefixed dotted name, the shape of Hearth's action and form ids (`hearth.settings.edit`)."""
    families = "|".join(re.escape(family) for family in catalog.registry.families())
    return re.compile(rf"(?<![\w/.-])(?:{families})\.[a-z][\w.-]*")


def _assert_no_internal_id(text: str, where: str) -> None:
    for ident in _internal_ids(CATALOG):
        assert ident not in text, f"{where} shows the internal id {ident!r}: {text!r}"
    found = _dotted_id(CATALOG).search(text)
    assert found is None, f"{where} shows the internal id {found.group(0)!r}: {text!r}"


# --- the catalogue itself ----------------------------------------------------------------------------------


def test_every_family_and_group_has_its_own_summary() -> None:
    registry = CATALOG.registry
    groups = registry.groups()
    assert ("hearth", "facilitators") in groups and ("meeting", "agenda") in groups
    for path in groups:
        summary = registry.summary(path)
        assert summary is not None, f"{typed_command(path)} declares no summary"
        if len(path) > 1:
            family = registry.summary(path[:1])
            assert family is not None and summary.msgid != family.msgid, (
                f"{typed_command(path)} is summarised with its family's summary"
            )
            for language in LANGUAGES:
                assert _plain(summary, language) != _plain(family, language), (typed_command(path), language)
    for family in registry.families():
        assert registry.summary((family,)) == CATALOG.families[family]


def test_every_facilitators_button_and_form_names_its_command() -> None:
    workspace = WorkspaceRef(Platform.CONSOLE, "w")
    actor, channel = Actor(MemberRef(workspace, "ben"), "ben"), ChannelRef(workspace, "general")
    for ident in _internal_ids(CATALOG):
        for event in (ActionInvoked(actor, channel, START, ident), FormSubmitted(actor, channel, START, ident)):
            route = CATALOG.interactions.match(event)
            assert route is not None
            if route.permission is not Permission.ANYONE:
                assert route.command is not None and route.command.startswith("/"), (ident, route)
                CATALOG.registry.find_by_path(tuple(route.command.removeprefix("/").split()))


# --- what members read -------------------------------------------------------------------------------------


@pytest.fixture
async def t(sqlite_url: str):  # type: ignore[no-untyped-def]
    async with transcript(sqlite_url, rate_limit_count=1000) as running:
        yield running


async def _as_ben_in(t: Transcript, language: str) -> None:
    await t.run(f"as ben\n/hearth me --lang {language}")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_help_text_shows_an_internal_id(t: Transcript, language: str) -> None:
    await t.run("as ana\n/hearth setup")
    await _as_ben_in(t, language)
    registry = CATALOG.registry
    topics = ["", *(" ".join(path) for path in registry.groups()), *(spec.name for spec in registry.specs())]
    for topic in topics:
        answer = await t.one(f"/hearth help {topic}".strip())
        assert answer.kind == "ephemeral"
        _assert_no_internal_id(answer.text, f"/hearth help {topic} ({language})")
    for path in registry.groups():
        answer = await t.one(f"/hearth help {' '.join(path)}")
        summary = registry.summary(path)
        assert summary is not None
        assert answer.text.startswith(typed_command(path)), answer.text
        assert _plain(summary, language) in answer.text, (path, language)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_refusal_shows_an_internal_id(t: Transcript, language: str) -> None:
    await t.run("as ana\n/hearth setup")
    await _as_ben_in(t, language)
    for spec in CATALOG.registry.specs():
        if spec.permission is Permission.ANYONE:
            continue
        answer = await t.one(f"/{spec.name}")
        assert answer.kind == "ephemeral" and answer.to == "ben"
        assert f"/{spec.name}" in answer.text and "ana" in answer.text, answer.text
        _assert_no_internal_id(answer.text, f"/{spec.name} ({language})")
    ben = t.session.workspace.member("ben")
    channel = t.session.workspace.channel("general")
    for ident in _internal_ids(CATALOG):
        for event in (ActionInvoked(ben, channel, t.hearth.clock.now(), ident, ""),
                      FormSubmitted(ben, channel, t.hearth.clock.now(), ident, {}, "")):
            route = CATALOG.interactions.match(event)
            if route is None or route.permission is Permission.ANYONE:
                continue
            before = len(t.session.workspace.outputs)
            await t.hearth.core.handle(event, ConsoleResponder(t.session.messenger, channel, "ben"))
            (answer,) = t.session.workspace.outputs[before:]
            assert answer.kind == "ephemeral" and answer.to == "ben"
            assert route.command is not None and route.command in answer.text, answer.text
            _assert_no_internal_id(answer.text, f"{ident} ({language})")
    # A member sending too fast, and a stale button, are told so without an id either.
    stale = ActionInvoked(ben, channel, t.hearth.clock.now(), "hearth.gone", "")
    before = len(t.session.workspace.outputs)
    await t.hearth.core.handle(stale, ConsoleResponder(t.session.messenger, channel, "ben"))
    (answer,) = t.session.workspace.outputs[before:]
    assert "hearth.gone" not in answer.text
    _assert_no_internal_id(answer.text, f"a stale button ({language})")


# --- regressions -------------------------------------------------------------------------------------------


async def test_a_member_clicking_edit_settings_is_told_the_command_not_its_button_id(t: Transcript) -> None:
    post = (await t.run("as ana\n/hearth setup"))[0]
    refused = await t.one(f'as ben\nclick {post.id} "Edit settings"')
    assert refused.kind == "ephemeral" and refused.to == "ben"
    assert refused.text.startswith("Only facilitators can use /hearth settings. Ask ana.")
    assert "hearth.settings.edit" not in refused.text
    await t.run("/hearth me --lang nl")
    refused = await t.one(f'click {post.id} "Edit settings"')
    assert refused.text.startswith("Alleen facilitators kunnen /hearth settings gebruiken. Vraag het aan ana.")


async def test_help_on_a_group_is_titled_and_described_by_the_group(t: Transcript) -> None:
    await t.run("as ana\n/hearth setup")
    shown = await t.one("/hearth help facilitators")
    assert shown.text.startswith("/hearth facilitators")
    assert "Who looks after the communities: add, remove or list facilitators." in shown.text
    assert "Set Hearth up, see and change settings, and get help." not in shown.text
    assert "/hearth facilitators add <member>" in shown.text
    agenda = await t.one("/hearth help meeting agenda")
    assert agenda.text.startswith("/meeting agenda")
    assert "The next meeting's agenda: propose, see, vote on and change topics." in agenda.text
    assert "Meeting series: schedule, list, RSVP, agenda and reminders." not in agenda.text
    await t.run("/hearth me --lang nl")
    shown = await t.one("/hearth help facilitators")
    assert "Wie de community's begeleidt: facilitators toevoegen, verwijderen of tonen." in shown.text
    assert "Hearth instellen" not in shown.text


async def test_help_on_a_family_is_described_by_that_family(t: Transcript) -> None:
    shown = await t.one("as ana\n/hearth help meeting")
    assert shown.text.startswith("/meeting")
    assert "Meeting series: schedule, list, RSVP, agenda and reminders." in shown.text

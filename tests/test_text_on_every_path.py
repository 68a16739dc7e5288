"""The text rules end to end on SQLite and PostgreSQL: what is refused says so privately and changes nothing,
what is allowed is stored whole, and a failed statement never puts a member's text in the log."""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from adapters.console.workspace import ConsoleResponder, Output
from bot.events import ActionInvoked, Actor, CommandInvoked, FormSubmitted, InboundEvent
from bot.ports import AlreadyExists
from bot.refs import MemberRef
from commands.hearth.common import EDIT_SETTINGS, SETTINGS_FORM
from commands.tokens import quote
from storage.database import create_engine_for, create_migration_engine
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.console_harness import Transcript, transcript

LINK_2000 = "https://teams.example.com/l/meetup-join/" + "a" * (2000 - len("https://teams.example.com/l/meetup-join/"))


@pytest.fixture
async def t(database_url: str) -> AsyncIterator[Transcript]:
    async with transcript(database_url) as running:
        await running.run("as ana\n/hearth setup --name \"Data CoP\" --goal \"Learn together\"")
        await running.run('/meeting schedule "CoP sync" every week on Tuesday at 15:00')
        yield running


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = create_migration_engine(database_url)
    yield engine
    engine.dispose()


def _one(db: Engine, query: str) -> object:
    with db.connect() as connection:
        return connection.execute(text(query)).scalar_one()


async def _send(t: Transcript, event: InboundEvent) -> list[Output]:
    before = len(t.session.workspace.outputs)
    channel = t.session.workspace.channel("general")
    await t.session.core.handle(event, ConsoleResponder(t.session.messenger, channel, t.session.member))
    return t.session.workspace.outputs[before:]


def _command(t: Transcript, command: str, rest: str, actor: Actor | None = None) -> CommandInvoked:
    return CommandInvoked(
        actor=actor or t.session.workspace.member("ana"), channel=t.session.workspace.channel("general"),
        at=t.session.clock.now(), command=command, text=rest, workspace_name=t.session.workspace.name,
        channel_name="general",
    )


async def _settings_state(t: Transcript) -> str:
    """The state of a settings form Hearth opened: the signed reference to the community it edits."""
    forms = t.session.workspace.forms
    before = set(forms)
    await _send(t, ActionInvoked(
        actor=t.session.workspace.member("ana"), channel=t.session.workspace.channel("general"),
        at=t.session.clock.now(), action_id=EDIT_SETTINGS, value="",
    ))
    (opened,) = [forms[ident] for ident in set(forms) - before]
    return str(opened.form.state)


def _private(outputs: list[Output]) -> str:
    assert len(outputs) == 1 and outputs[0].kind == "ephemeral" and outputs[0].to == "ana", outputs
    return outputs[0].text


async def test_a_nul_in_the_goal_is_refused_and_changes_nothing(t: Transcript, db: Engine) -> None:
    answer = _private(await _send(t, _command(t, "hearth", "settings --goal " + quote("Share\x00 lessons"))))
    assert "has a character Hearth cannot keep" in answer and "Sorry" not in answer
    assert _one(db, "SELECT goal FROM community") == "Learn together"


async def test_an_unpaired_surrogate_from_a_modal_is_refused_and_changes_nothing(t: Transcript, db: Engine) -> None:
    state = await _settings_state(t)
    answer = _private(await _send(t, FormSubmitted(
        actor=t.session.workspace.member("ana"), channel=t.session.workspace.channel("general"),
        at=t.session.clock.now(), form_id=SETTINGS_FORM, values={"goal": "x\ud800y"}, state=state,
    )))
    assert "has a character Hearth cannot keep" in answer
    assert _one(db, "SELECT goal FROM community") == "Learn together"


async def test_a_modal_goal_keeps_its_lines(t: Transcript, db: Engine) -> None:
    state = await _settings_state(t)
    await _send(t, FormSubmitted(
        actor=t.session.workspace.member("ana"), channel=t.session.workspace.channel("general"),
        at=t.session.clock.now(), form_id=SETTINGS_FORM, values={"goal": " Share lessons\r\nAsk questions\u2028"},
        state=state,
    ))
    assert _one(db, "SELECT goal FROM community") == "Share lessons\nAsk questions"


async def test_a_nul_in_an_agenda_topic_or_description_is_refused(t: Transcript, db: Engine) -> None:
    for command in ("agenda add " + quote("Dash\x00boards"), "edit --about " + quote("about\x00")):
        answer = _private(await _send(t, _command(t, "meeting", command)))
        assert "has a character Hearth cannot keep" in answer
    assert _one(db, "SELECT count(*) FROM meeting_agenda_item") == 0
    assert _one(db, "SELECT description FROM meeting_series") == ""


async def test_a_link_of_two_thousand_characters_is_stored_whole(t: Transcript, db: Engine) -> None:
    outputs = await t.run(f"/meeting edit --link {LINK_2000}")
    assert "Changed: CoP sync" in outputs[0].text
    assert _one(db, "SELECT location FROM meeting_series") == LINK_2000


async def test_a_longer_link_is_refused_with_the_limit(t: Transcript, db: Engine) -> None:
    answer = _private(await t.run(f"/meeting edit --link {LINK_2000}x"))
    assert "A link can have at most 2000 characters." in answer
    assert _one(db, "SELECT location FROM meeting_series") == ""


async def test_a_mention_with_an_overlong_id_is_unreadable(t: Transcript, db: Engine) -> None:
    answer = _private(await _send(t, _command(t, "hearth", "facilitators add <@" + "U" * 65 + ">")))
    assert "cannot read the mention" in answer
    assert _one(db, "SELECT count(*) FROM member") == 1


async def test_an_event_with_an_overlong_member_id_is_refused_before_anything_is_read(
    t: Transcript, db: Engine
) -> None:
    stranger = Actor(MemberRef(t.session.workspace.ref, "U" * 65), display_name="stranger")
    answer = (await _send(t, _command(t, "hearth", "help", actor=stranger)))[0]
    assert answer.kind == "ephemeral" and "Hearth cannot read where this came from" in answer.text
    assert _one(db, "SELECT count(*) FROM member") == 1


async def test_a_platform_display_name_is_cleaned_and_cut(t: Transcript, db: Engine) -> None:
    odd = Actor(MemberRef(t.session.workspace.ref, "ben"), display_name="Ben\x00 " + "b" * 300)
    await _send(t, _command(t, "hearth", "help", actor=odd))
    name = _one(db, "SELECT display_name FROM member WHERE external_id = 'ben'")
    assert name == ("Ben " + "b" * 300)[:255]


async def test_a_long_channel_name_becomes_a_community_name_that_fits(database_url: str, db: Engine) -> None:
    async with transcript(database_url) as t:
        long_name = "knowledge-sharing-" * 6  # Discord allows channel names of 100 characters
        await t.run("as ana")
        event = replace(_command(t, "hearth", "setup"), channel_name=long_name)
        outputs = await _send(t, event)
        assert "is now a Hearth community" in outputs[0].text
        assert _one(db, "SELECT name FROM community") == long_name[:80].rstrip("-")


async def test_a_statement_that_fails_never_shows_its_parameters(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        async with transcript(database_url) as t:
            await t.run("as ana\n/hearth setup --name \"Data CoP\"")
        units = SqlUnitOfWorkFactory(engine)
        async with units() as uow:
            workspace = (await uow.workspaces.on_platform(t.session.workspace.ref.platform))[0]
            community = (await uow.communities.list(workspace.id))[0]
            # Past the service's checks, straight to storage: the channel already is a community, so the insert
            # fails on the unique constraint; the error (and its cause) would name the row's values.
            private = "".join(("private ", "words"))
            with pytest.raises(AlreadyExists) as failed:
                await uow.communities.add(workspace.id, community.channel, name=private, goal=private,
                                          timezone="UTC", language="en", at=t.session.clock.now())
        logged = "".join(traceback.format_exception(failed.value))
        assert "IntegrityError" in logged and "private words" not in logged
    finally:
        await engine.dispose()

"""Bad input gets a private, translated answer that says what to do, and nothing changes."""

from __future__ import annotations

import pytest

from tests.console_harness import transcript


@pytest.fixture
async def t(sqlite_url: str):  # type: ignore[no-untyped-def]
    async with transcript(sqlite_url) as running:
        yield running
        # Whatever went wrong, no traceback ever reaches chat.
        assert all("Traceback" not in output.text for output in running.session.workspace.outputs)


async def test_unknown_subcommand_suggests_the_closest(t) -> None:  # type: ignore[no-untyped-def]
    answer = await t.one("as ana\n/hearth stup")
    assert answer.kind == "ephemeral" and answer.to == "ana"
    assert "/hearth setup" in answer.text
    assert "/hearth help" in answer.text


async def test_unknown_family_suggests_hearth(t) -> None:  # type: ignore[no-untyped-def]
    answer = await t.one("as ana\n/hearht help")
    assert answer.kind == "ephemeral"
    assert "/hearth" in answer.text


async def test_malformed_arguments_get_the_usage_line(t) -> None:  # type: ignore[no-untyped-def]
    answer = await t.one('as ana\n/hearth setup --name "Data CoP')
    assert answer.kind == "ephemeral"
    assert "/hearth setup [--name" in answer.text
    answer = await t.one("/hearth setup --colour blue")
    assert "--colour" in answer.text and "/hearth setup [--name" in answer.text
    answer = await t.one("/hearth setup --tz Mars/Olympus")
    assert "Mars/Olympus" in answer.text
    nothing = await t.one("/hearth settings")
    assert "not a Hearth community yet" in nothing.text


async def test_missing_member_gets_usage(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\n/hearth setup")
    answer = await t.one("/hearth facilitators add")
    assert answer.kind == "ephemeral"
    assert "/hearth facilitators add <member>" in answer.text


async def test_errors_are_translated_for_the_member(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\n/hearth setup\n/hearth me --lang nl")
    answer = await t.one("/hearth stup")
    assert "Bedoel je" in answer.text


async def test_permission_refusal_names_who_can(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as cleo\nas ana\n/hearth setup\n/hearth facilitators add @cleo")
    answer = await t.one("as ben\n/hearth facilitators add @ben")
    assert answer.kind == "ephemeral" and answer.to == "ben"
    assert "Ask ana, cleo." in answer.text
    listed = await t.one("/hearth facilitators list")
    assert "@ben" not in listed.text


async def test_stale_button_is_explained(t) -> None:  # type: ignore[no-untyped-def]
    from bot.events import ActionInvoked

    await t.run("as ana\n/hearth setup")
    session = t.session
    await session.core.handle(ActionInvoked(
        actor=session.workspace.member("ana"), channel=session.workspace.channel("general"),
        at=session.clock.now(), action_id="hearth.gone",
    ))
    last = session.workspace.outputs[-1]
    assert last.kind == "ephemeral" and "no longer does anything" in last.text


async def test_rate_limit_asks_to_wait(sqlite_url: str) -> None:
    async with transcript(sqlite_url, rate_limit_count=3, rate_limit_seconds=60) as t:
        outputs = await t.run("as ana\n/hearth help\n/hearth help\n/hearth help\n/hearth help")
        assert "faster than Hearth can follow" in outputs[-1].text
        assert "20 seconds" in outputs[-1].text
        await t.run("wait 20s")
        assert "What Hearth can do" in (await t.one("/hearth help")).text

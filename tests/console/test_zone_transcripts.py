"""Only canonical IANA zones enter Hearth, wherever a member gives one; a stored zone the server lacks falls back."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from sqlalchemy import text

from adapters.console.session import ScriptError
from bot.refs import Platform
from bot.tenancy import Role
from bot.time_zones import canonical_zone
from tests.console_harness import Transcript, transcript


@pytest.fixture
async def t(database_url: str):  # type: ignore[no-untyped-def]
    async with transcript(database_url, timezone="Europe/Brussels") as running:
        yield running
        assert all("Traceback" not in output.text for output in running.session.workspace.outputs)


async def _community_zone(t: Transcript) -> str | None:
    async with t.hearth.uow(read_only=True) as uow:
        workspaces = await uow.workspaces.on_platform(Platform.CONSOLE)
        communities = [c for w in workspaces for c in await uow.communities.list(w.id)]
    return communities[0].timezone if communities else None


async def _series_zones(t: Transcript) -> list[str]:
    async with t.hearth.uow(read_only=True) as uow:
        workspace = (await uow.workspaces.on_platform(Platform.CONSOLE))[0]
        community = (await uow.communities.list(workspace.id))[0]
        return [series.timezone for series in await uow.meetings.series_of(workspace.id, community.id)]


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "LOCALTIME", "factory"])
async def test_setup_refuses_names_that_are_no_zones(t: Transcript, name: str) -> None:
    answer = await t.one(f"as ana\n/hearth setup --tz {name}")
    assert answer.kind == "ephemeral" and answer.to == "ana"
    assert f"{name} is not a time zone" in answer.text
    assert "/hearth setup [--name" in answer.text
    assert await _community_zone(t) is None


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules"])
async def test_settings_me_and_meetings_refuse_names_that_are_no_zones(t: Transcript, name: str) -> None:
    await t.run("as ana\n/hearth setup --tz Europe/Amsterdam")
    for command in (f"/hearth settings --tz {name}", f"/hearth me --tz {name}",
                    f'/meeting schedule "Sync" every week on Tuesday at 15:00 --tz {name}'):
        answer = await t.one(command)
        assert answer.kind == "ephemeral" and f"{name} is not a time zone" in answer.text, command
    assert await _community_zone(t) == "Europe/Amsterdam"
    listed = await t.one("/meeting list")
    assert "Sync" not in listed.text


@pytest.mark.parametrize("typed", ["Europe/Amsterdam", "europe/amsterdam", "EUROPE/AMSTERDAM"])
async def test_setup_stores_the_canonical_spelling(t: Transcript, typed: str) -> None:
    post = (await t.run(f"as ana\n/hearth setup --tz {typed}"))[0]
    assert post.kind == "post"
    assert "Time zone: Europe/Amsterdam" in post.text
    assert await _community_zone(t) == "Europe/Amsterdam"


async def test_settings_and_me_store_the_canonical_spelling(t: Transcript) -> None:
    await t.run("as ana\n/hearth setup")
    saved = await t.one("/hearth settings --tz europe/amsterdam")
    assert "Time zone: Europe/Amsterdam" in saved.text
    assert await _community_zone(t) == "Europe/Amsterdam"
    mine = await t.one("/hearth me --tz america/new_york")
    assert "America/New_York" in mine.text


async def test_a_legacy_link_is_stored_as_its_zone(t: Transcript) -> None:
    if canonical_zone("US/Eastern") != "America/New_York":
        pytest.skip("this server's time zone database has no link table")
    saved = (await t.run("as ana\n/hearth setup --tz US/Eastern"))[0]
    assert "Time zone: America/New_York" in saved.text
    assert await _community_zone(t) == "America/New_York"


async def test_a_meeting_zone_is_stored_in_its_canonical_spelling(t: Transcript) -> None:
    await t.run("as ana\n/hearth setup")
    await t.run('/meeting schedule "Sync" every week on Tuesday at 15:00 --tz europe/amsterdam')
    assert await _series_zones(t) == ["Europe/Amsterdam"]


async def test_a_stored_zone_the_server_lacks_falls_back_and_commands_keep_working(
    t: Transcript, caplog: pytest.LogCaptureFixture
) -> None:
    await t.run("as ana\n/hearth setup --tz Europe/Amsterdam\n/hearth me --tz Europe/Amsterdam")
    async with t.hearth.uow() as uow:
        workspace = (await uow.workspaces.on_platform(Platform.CONSOLE))[0]
        community = (await uow.communities.list(workspace.id))[0]
        await uow.communities.update(replace(community, timezone="Mars/Olympus"))
        member = next(m for m in await uow.members.with_role(workspace.id, Role.FACILITATOR)
                      if m.display_name == "ana")
        await uow.members.update(replace(member, timezone="Mars/Olympus"))
        await uow.commit()
    with caplog.at_level(logging.WARNING, logger="hearth.time_zones"):
        outputs = [*await t.run('/meeting schedule "Sync" every week on Tuesday at 15:00'),
                   *await t.run("/meeting next"), *await t.run("/meeting calendar"), *await t.run("/hearth me")]
    assert outputs and all("went wrong" not in output.text for output in outputs)
    assert any("Sync" in output.text for output in outputs)
    assert await _series_zones(t) == ["Europe/Brussels"]  # HEARTH_TIMEZONE, in place of the zone it lacks
    assert await _community_zone(t) == "Mars/Olympus"  # what was stored is kept, not overwritten
    warnings = [record for record in caplog.records if "Mars/Olympus" in record.getMessage()]
    assert len(warnings) <= 2  # once for the member's, once for the community's, however many commands read them


async def test_a_series_stored_in_a_zone_the_server_lacks_keeps_its_commands_working(t: Transcript) -> None:
    await t.run('as ana\n/hearth setup --tz Europe/Amsterdam\n/meeting schedule "Sync" every week on Tuesday at 15:00')
    async with t.hearth.database.begin() as connection:
        await connection.execute(text(
            "UPDATE meeting_series SET recurrence = REPLACE(recurrence, 'Europe/Amsterdam', 'Mars/Olympus')"
        ))
    outputs = [*await t.run("/meeting list"), *await t.run("/meeting next"), *await t.run("/meeting calendar")]
    assert outputs and all("went wrong" not in output.text for output in outputs)
    assert any("Sync" in output.text for output in outputs)


async def test_the_console_clock_reads_zones_the_same_way(t: Transcript) -> None:
    for name in ("localtime", "Factory", "posixrules"):
        with pytest.raises(ScriptError, match="is not an IANA time zone"):
            await t.session.execute(f"clock 2026-03-27T09:00 {name}")
    post = (await t.run("clock 2026-03-27T09:00 europe/amsterdam\nas ana\n/hearth setup"))[0]
    assert "Time zone: Europe/Amsterdam" in post.text

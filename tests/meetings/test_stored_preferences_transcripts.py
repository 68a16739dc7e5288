"""Stored preferences through the console. `/meeting remind quiet` takes only two times of day: a time with an
offset, a zone letter, an ISO "T", seconds or a control character is refused privately, in the member's language,
and changes nothing. A stored value Hearth cannot read counts as not set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.meetings.preferences import QUIET_HOURS
from tests.console_harness import Transcript, transcript

START = """
clock 2026-03-20T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"
as ben
"""
REFUSED = ["22:00-07:00Z", "22:00-07:00+05:00", "T22:00-07:00", "22:00-\x00", "22:00:30-07:00", "22-7",
           "22:00-22:00", "22:00-07:00-05:00"]


@pytest.fixture
async def t(sqlite_url: str) -> AsyncIterator[Transcript]:
    async with transcript(sqlite_url) as running:
        await running.run(START)
        yield running
        assert all("Traceback" not in output.text for output in running.session.workspace.outputs)


async def _stored(t: Transcript) -> object:
    """Ben's quiet hours as stored."""
    workspace = t.session.workspace
    async with t.hearth.uow(read_only=True) as uow:
        found = await uow.workspaces.get(workspace.ref)
        assert found is not None
        ben = await uow.members.get(found.id, workspace.member("ben").member)
    assert ben is not None
    return ben.preferences.get(QUIET_HOURS)


@pytest.mark.parametrize("typed", REFUSED)
async def test_quiet_hours_with_offsets_seconds_or_control_characters_are_refused(t: Transcript, typed: str) -> None:
    said = await t.one("/meeting remind quiet 22:00-07:00")
    assert said.text == "No reminder DMs between 22:00 and 07:00, your time."
    refused = await t.one(f"/meeting remind quiet {typed}")
    assert refused.kind == "ephemeral" and refused.to == "ben"
    assert refused.text.startswith("Give quiet hours as two times of day, such as 22:00-07:00, or off.")
    assert "For example: /meeting remind quiet 22:00-07:00" in refused.text
    assert await _stored(t) == "22:00-07:00"  # nothing changed


async def test_the_refusal_is_in_dutch_for_a_dutch_member(t: Transcript) -> None:
    await t.run("/hearth me --lang nl")
    refused = await t.one("/meeting remind quiet 22:00-07:00Z")
    assert refused.kind == "ephemeral"
    assert refused.text.startswith("Geef stille uren als twee tijdstippen, zoals 22:00-07:00, of uit.")
    assert await _stored(t) is None


@pytest.mark.parametrize(("typed", "start", "end"), [
    ("22:00-07:00", "22:00", "07:00"), ("22:00 - 7:30", "22:00", "07:30"), ("22u-7u", "22:00", "07:00"),
    ("10pm-7am", "22:00", "07:00"),
])
async def test_times_of_day_as_members_write_them_are_quiet_hours(t: Transcript, typed: str, start: str,
                                                                   end: str) -> None:
    said = await t.one(f"/meeting remind quiet {typed}")
    assert said.text == f"No reminder DMs between {start} and {end}, your time."
    assert await _stored(t) == f"{start}-{end}"


async def test_a_stored_language_hearth_does_not_ship_counts_as_not_set(t: Transcript) -> None:
    # Written by hand (or by an older version): Ben is answered in the community's language, not with an apology.
    await t.run("/meeting remind")  # Hearth records Ben
    workspace = t.session.workspace
    async with t.hearth.uow() as uow:
        found = await uow.workspaces.get(workspace.ref)
        assert found is not None
        ben = await uow.members.get(found.id, workspace.member("ben").member)
        assert ben is not None
        await uow.members.update(replace(ben, language="xx\x00"))
        await uow.commit()
    await t.run('as ana\n/meeting schedule "CoP sync" every week on Tuesday at 15:00\nas ben')
    shown = await t.one("/meeting next")
    assert shown.kind == "ephemeral" and "CoP sync" in shown.text and "every week on Tuesday at 15:00" in shown.text

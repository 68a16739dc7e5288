"""/meeting calendar and /meeting feed: the .ics file parsed back, and feed addresses the web server accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import icalendar
import pytest

from adapters.calendar_feed import CalendarFeedHandler
from tests.console_harness import Transcript, transcript

START = """
clock 2026-03-20T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"
/meeting schedule "CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m --link https://meet.example.org/cop
/meeting skip --date 2026-04-07
/meeting move 2026-04-22 16:00 --date 2026-04-21
/meeting cancel the host is ill --date 2026-05-05
"""


@pytest.fixture
async def t(sqlite_url: str) -> AsyncIterator[Transcript]:
    async with transcript(sqlite_url, public_url="https://hearth.example.org") as running:
        await running.run(START)
        yield running


async def test_the_calendar_file_holds_the_series_with_its_skip_move_and_cancellation(t: Transcript) -> None:
    posted = await t.one("/meeting calendar")
    assert posted.kind == "post" and posted.files[0][:2] == ("cop-sync.ics", "text/calendar")
    data = t.session.workspace.messages[posted.id].message.files[0].data
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT")]
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert str(master["SUMMARY"]) == "CoP sync"
    assert master.decoded("DTSTART") == datetime(2026, 3, 24, 14, 0, tzinfo=UTC).astimezone(
        master.decoded("DTSTART").tzinfo)
    assert "FREQ=WEEKLY" in master["RRULE"].to_ical().decode() and "INTERVAL=2" in master["RRULE"].to_ical().decode()
    skipped = [d.dt for exdate in _list(master.get("EXDATE")) for d in exdate.dts]
    assert [d.astimezone(UTC) for d in skipped] == [datetime(2026, 4, 7, 13, 0, tzinfo=UTC)]
    overrides = {e.decoded("RECURRENCE-ID").astimezone(UTC): e for e in events if "RECURRENCE-ID" in e}
    moved = overrides[datetime(2026, 4, 21, 13, 0, tzinfo=UTC)]
    assert moved.decoded("DTSTART").astimezone(UTC) == datetime(2026, 4, 22, 14, 0, tzinfo=UTC)
    cancelled = overrides[datetime(2026, 5, 5, 13, 0, tzinfo=UTC)]
    assert str(cancelled["STATUS"]) == "CANCELLED" and "the host is ill" in str(cancelled["DESCRIPTION"])
    assert {str(e["UID"]) for e in events} == {str(master["UID"])}
    assert any(c.name == "VTIMEZONE" and str(c["TZID"]) == "Europe/Brussels" for c in calendar.walk())


async def test_the_feed_address_works_until_it_is_revoked(t: Transcript) -> None:
    handler = CalendarFeedHandler(t.hearth.core.services.meetings)
    shown = await t.one("/meeting feed")
    assert shown.kind == "ephemeral"
    token = _token(shown.text)
    assert shown.text.count("https://hearth.example.org/calendar/") == 1
    body = await handler.calendar(token)
    assert body is not None and b"SUMMARY:CoP sync" in body
    assert _token((await t.one("/meeting feed")).text) == token  # the same address every time

    refused = await t.one("as ben\n/meeting feed --revoke")
    assert "Only facilitators" in refused.text
    mine = await t.one("/meeting feed --mine")
    assert await handler.calendar(_token(mine.text)) is not None
    renewed = await t.one("as ana\n/meeting feed --revoke")
    assert "The old address no longer works." in renewed.text
    assert _token(renewed.text) != token
    assert await handler.calendar(token) is None
    assert await handler.calendar(_token(renewed.text)) is not None


async def test_a_member_feed_holds_only_the_meetings_they_go_to(t: Transcript) -> None:
    handler = CalendarFeedHandler(t.hearth.core.services.meetings)
    shown = await t.one("as ben\n/meeting next")
    await t.run(f"click {shown.id} Going")
    body = await handler.calendar(_token((await t.one("/meeting feed --mine")).text))
    assert body is not None
    events = list(icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert [e.decoded("DTSTART").astimezone(UTC) for e in events] == [datetime(2026, 3, 24, 14, 0, tzinfo=UTC)]


def _token(text: str) -> str:
    start = text.index("/calendar/") + len("/calendar/")
    return text[start:text.index(".ics", start)]


def _list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


async def test_a_member_feed_event_changes_sequence_when_its_meeting_moves(t: Transcript) -> None:
    handler = CalendarFeedHandler(t.hearth.core.services.meetings)
    shown = await t.one("as ben\n/meeting next")
    await t.run(f"click {shown.id} Going")
    token = _token((await t.one("/meeting feed --mine")).text)
    before = await handler.calendar(token)
    await t.run("as ana\n/meeting move 2026-03-25 15:00 --date 2026-03-24")
    after = await handler.calendar(token)
    assert before is not None and after is not None
    [old] = icalendar.Calendar.from_ical(before).walk("VEVENT")
    [new] = icalendar.Calendar.from_ical(after).walk("VEVENT")
    assert str(new["UID"]) == str(old["UID"])
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 25, 14, 0, tzinfo=UTC)

"""Calendar feeds over real HTTP (aiohttp's test server) on SQLite and PostgreSQL: the right calendar for a good
token, the same empty 404 for every other path, ETag and 304, and a member's own feed."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from multidict import CIMultiDict

from adapters.calendar_feed import CalendarFeedHandler
from adapters.log_redaction import fingerprint
from adapters.web import build_web_app
from bot.clock import SimulatedClock
from bot.meetings.model import Answer, Change, Series
from bot.meetings.ports import CalendarFeed
from bot.meetings.reminders import MeetingHooks
from bot.meetings.service import MeetingService
from bot.ports import UnitOfWorkFactory
from bot.recurrence import Recurrence
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from tests.meetings.test_ics import calendar_name, expanded, expected

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ACME = WorkspaceRef(Platform.SLACK, "T0001")
ANA, BEN = MemberRef(ACME, "U1"), MemberRef(ACME, "U2")
COMMUNITY_TOKEN = "c0mmunity-Token_1"
MEMBER_TOKEN = "ana-" + "x" * 60  # 64 characters, the longest a token may be
REVOKED_TOKEN = "revoked-token"
YEAR_2026 = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


@dataclass
class World:
    client: TestClient  # type: ignore[type-arg]
    server: TestServer
    clock: SimulatedClock
    uow_factory: UnitOfWorkFactory
    workspace_id: int
    sync: Series
    review: Series

    async def get(self, path: str, **headers: str) -> tuple[int, CIMultiDict[str], bytes]:
        async with self.client.get(path, headers=headers) as response:
            return response.status, response.headers.copy(), await response.read()

    async def raw(self, target: str) -> tuple[int, bytes]:
        """A request line sent as written, with no client to tidy up its path first."""
        reader, writer = await asyncio.open_connection(self.server.host, self.server.port)
        writer.write(f"GET {target} HTTP/1.1\r\nHost: hearth.test\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), body


def weekly(rule: str, start: datetime, uid: str, title: str, community_id: int, workspace_id: int) -> Series:
    return Series(0, workspace_id, community_id, title, Recurrence(rule, start, "Europe/Brussels"),
                  timedelta(hours=1), location="https://meet.example.org/cop", uid=uid)


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> AsyncIterator[World]:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", T0)
        community = await uow.communities.add(workspace.id, ChannelRef(ACME, "C1"), name="Data, CoP; sync",
                                              goal="", timezone="Europe/Brussels", language="en", at=T0)
        other = await uow.communities.add(workspace.id, ChannelRef(ACME, "C2"), name="Other", goal="",
                                          timezone="Europe/Brussels", language="en", at=T0)
        sync = await uow.meetings.add_series(weekly("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 1, 6, 15, 0),
                                                    "sync@hearth", "CoP sync", community.id, workspace.id), T0)
        review = await uow.meetings.add_series(weekly("FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1",
                                                      datetime(2026, 1, 1, 10, 0), "review@hearth",
                                                      "Quarterly review", community.id, workspace.id), T0)
        await uow.meetings.add_series(weekly("FREQ=WEEKLY;BYDAY=FR", datetime(2026, 1, 9, 9, 0), "other@hearth",
                                             "Not this community", other.id, workspace.id), T0)
        await uow.meetings.set_change(workspace.id, Change(sync.id, datetime(2026, 3, 31, 13, 0, tzinfo=UTC),
                                                           datetime(2026, 4, 1, 13, 0, tzinfo=UTC), sequence=1))
        await uow.meetings.set_change(workspace.id, Change(sync.id, datetime(2026, 5, 26, 13, 0, tzinfo=UTC),
                                                           cancelled=True, reason="Holiday", sequence=2))
        await uow.meetings.add_feed(CalendarFeed(COMMUNITY_TOKEN, workspace.id, community.id, None), T0)
        await uow.meetings.add_feed(CalendarFeed(MEMBER_TOKEN, workspace.id, None, ANA), T0)
        await uow.meetings.add_feed(CalendarFeed(REVOKED_TOKEN, workspace.id, other.id, None), T0)
        await uow.meetings.revoke_feeds(workspace.id, other.id, None, T0)
        await uow.commit()
    clock = SimulatedClock(T0)

    async def healthy() -> bool:
        return True

    feeds = CalendarFeedHandler(MeetingService(uow_factory, clock, None, MeetingHooks()))
    app = build_web_app(health=healthy, calendar=feeds)
    server = TestServer(app, host="127.0.0.1")
    async with TestClient(server) as client:
        yield World(client, server, clock, uow_factory, workspace.id, sync, review)


async def test_a_community_token_answers_its_calendar(world: World) -> None:
    status, headers, body = await world.get(f"/calendar/{COMMUNITY_TOKEN}.ics")

    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "private, max-age=300"
    assert headers["ETag"].startswith('W/"')
    calendar = Calendar.from_ical(body)
    assert calendar_name(calendar) == "Data, CoP; sync"
    assert sorted({str(event["UID"]) for event in calendar.walk("VEVENT")}) == ["review@hearth", "sync@hearth"]
    async with world.uow_factory() as uow:
        changes = await uow.meetings.changes(world.workspace_id, world.sync.id)
    assert len(changes) == 2
    assert expanded(calendar, "sync@hearth", *YEAR_2026) == expected(world.sync, changes, *YEAR_2026)
    assert expanded(calendar, "review@hearth", *YEAR_2026) == expected(world.review, [], *YEAR_2026)
    assert [str(event["STATUS"]) for event in calendar.walk("VEVENT") if "RECURRENCE-ID" in event] == [
        "CONFIRMED", "CANCELLED"]


async def test_a_head_request_answers_the_headers_alone(world: World) -> None:
    async with world.client.head(f"/calendar/{COMMUNITY_TOKEN}.ics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert await response.read() == b""


@pytest.mark.parametrize("path", [
    "/calendar/wrong-token.ics",
    f"/calendar/{REVOKED_TOKEN}.ics",
    f"/calendar/{COMMUNITY_TOKEN}",
    f"/calendar/{COMMUNITY_TOKEN}.ics.ics",
    f"/calendar/{COMMUNITY_TOKEN}.ICS",
    f"/calendar/{COMMUNITY_TOKEN}.ics/",
    f"/calendar/{COMMUNITY_TOKEN}.ics/more",
    f"/calendar/x{MEMBER_TOKEN}.ics",  # 65 characters
    "/calendar/.ics",
    "/calendar/",
    "/calendar/to%20ken.ics",
    "/calendar/tok.en.ics",
    "/calendar/..%2F..%2Fetc%2Fpasswd.ics",
    "/calendar/%2e%2e%2fetc%2fpasswd.ics",
])
async def test_anything_but_a_live_token_is_the_same_empty_404(world: World, path: str) -> None:
    status, headers, body = await world.get(path)
    assert (status, body) == (404, b"")
    assert headers["Cache-Control"] == "no-store"
    assert "ETag" not in headers


@pytest.mark.parametrize("target", [
    "/calendar/../etc/passwd",
    "/calendar/../../etc/passwd.ics",
    f"/calendar/../calendar/{REVOKED_TOKEN}.ics",
    "/calendar/..%2f..%2fetc%2fpasswd.ics",
    "/calendar/%2e%2e%2f%2e%2e%2fetc%2fpasswd.ics",
    "/calendar/....//....//etc/passwd.ics",
    "/calendar/%00.ics",
    f"/calendar/%2e%2e/{COMMUNITY_TOKEN}.ics",
])
async def test_traversal_paths_sent_as_written_find_nothing(world: World, target: str) -> None:
    status, body = await world.raw(target)
    assert status == 404
    assert b"root:" not in body and b"BEGIN:VCALENDAR" not in body


async def test_a_wrong_and_a_revoked_token_get_the_same_answer(world: World) -> None:
    wrong = await world.get("/calendar/never-issued.ics")
    revoked = await world.get(f"/calendar/{REVOKED_TOKEN}.ics")
    keep = ("Cache-Control", "Content-Length", "Content-Type")
    assert (wrong[0], {k: wrong[1].get(k) for k in keep}, wrong[2]) == (
        revoked[0], {k: revoked[1].get(k) for k in keep}, revoked[2])


async def test_the_etag_holds_until_a_meeting_changes(world: World) -> None:
    path = f"/calendar/{COMMUNITY_TOKEN}.ics"
    _, headers, first = await world.get(path)
    etag = headers["ETag"]

    world.clock.advance(timedelta(hours=2))  # a later reading: only DTSTAMP differs
    status, headers, body = await world.get(path, **{"If-None-Match": etag})
    assert (status, body, headers["ETag"], headers["Cache-Control"]) == (304, b"", etag, "private, max-age=300")
    assert (await world.get(path, **{"If-None-Match": f'"other", {etag}'}))[0] == 304
    assert (await world.get(path, **{"If-None-Match": etag.removeprefix("W/")}))[0] == 304
    assert (await world.get(path, **{"If-None-Match": "*"}))[0] == 304
    status, _, again = await world.get(path, **{"If-None-Match": '"something-else"'})
    assert status == 200 and again != first  # the same meetings, stamped later

    async with world.uow_factory() as uow:
        await uow.meetings.update_series(dataclasses.replace(world.sync, title="CoP sync (new room)", sequence=1),
                                         T0)
        await uow.commit()
    status, headers, body = await world.get(path, **{"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert b"SUMMARY:CoP sync (new room)" in body


async def test_a_member_feed_shows_only_the_meetings_they_attend(world: World) -> None:
    moved, cancelled = datetime(2026, 3, 31, 13, 0, tzinfo=UTC), datetime(2026, 5, 26, 13, 0, tzinfo=UTC)
    plain, maybe = datetime(2026, 1, 20, 14, 0, tzinfo=UTC), datetime(2026, 2, 3, 14, 0, tzinfo=UTC)
    review = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    async with world.uow_factory() as uow:
        for original in (moved, cancelled, plain):
            await uow.meetings.set_rsvp(world.workspace_id, world.sync.id, original, ANA, Answer.GOING, T0)
        await uow.meetings.set_rsvp(world.workspace_id, world.sync.id, maybe, ANA, Answer.MAYBE, T0)
        await uow.meetings.set_rsvp(world.workspace_id, world.review.id, review, ANA, Answer.NOT_GOING, T0)
        await uow.meetings.set_rsvp(world.workspace_id, world.review.id, review, BEN, Answer.GOING, T0)
        await uow.commit()

    status, headers, body = await world.get(f"/calendar/{MEMBER_TOKEN}.ics")

    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(body)
    assert calendar_name(calendar) == "Acme"
    events = calendar.walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [
        "sync@hearth-20260120T140000Z", "sync@hearth-20260331T130000Z", "sync@hearth-20260526T130000Z"]
    assert [event.decoded("DTSTART").astimezone(UTC) for event in events] == [
        plain, datetime(2026, 4, 1, 13, 0, tzinfo=UTC), cancelled]
    assert [str(event["STATUS"]) for event in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert all("RRULE" not in event for event in events)


async def test_a_member_feed_leaves_out_a_meeting_that_is_gone(world: World) -> None:
    skipped = datetime(2026, 1, 20, 14, 0, tzinfo=UTC)
    async with world.uow_factory() as uow:
        await uow.meetings.set_rsvp(world.workspace_id, world.sync.id, skipped, ANA, Answer.GOING, T0)
        recurrence = world.sync.recurrence.with_exdate(datetime(2026, 1, 20, 15, 0))
        await uow.meetings.update_series(dataclasses.replace(world.sync, recurrence=recurrence, sequence=1), T0)
        await uow.commit()
    status, _, body = await world.get(f"/calendar/{MEMBER_TOKEN}.ics")
    assert status == 200 and Calendar.from_ical(body).walk("VEVENT") == []


async def test_a_workspace_that_removed_hearth_serves_no_feed(world: World) -> None:
    async with world.uow_factory() as uow:
        await uow.workspaces.set_removed(world.workspace_id, T0)
        await uow.commit()
    assert (await world.get(f"/calendar/{COMMUNITY_TOKEN}.ics"))[:3:2] == (404, b"")
    assert (await world.get(f"/calendar/{MEMBER_TOKEN}.ics"))[:3:2] == (404, b"")


async def test_a_feed_that_cannot_be_read_is_an_empty_500(world: World, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> object:
        raise RuntimeError("the database is gone")

    handler = CalendarFeedHandler(MeetingService(broken, world.clock, None, MeetingHooks()))  # type: ignore[arg-type]

    async def healthy() -> bool:
        return True

    app = build_web_app(health=healthy, calendar=handler)
    async with TestClient(TestServer(app)) as client, client.get(f"/calendar/{COMMUNITY_TOKEN}.ics") as response:
        assert (response.status, await response.read()) == (500, b"")
    assert f"the calendar feed {fingerprint(COMMUNITY_TOKEN)} could not be served" in caplog.text
    assert COMMUNITY_TOKEN not in caplog.text


async def test_without_a_handler_there_is_no_calendar_route() -> None:
    async def healthy() -> bool:
        return True

    app = build_web_app(health=healthy)
    async with TestClient(TestServer(app)) as client, client.get(f"/calendar/{COMMUNITY_TOKEN}.ics") as response:
        assert response.status == 404

"""The meetings repository on SQLite and PostgreSQL: series round trips, changes, RSVPs, agendas, feeds, tenancy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.meetings.model import Answer, Change, Series, SeriesStatus
from bot.meetings.ports import CalendarFeed
from bot.ports import UnitOfWorkFactory
from bot.recurrence import Recurrence
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ACME = WorkspaceRef(Platform.SLACK, "T0001")
OTHER = WorkspaceRef(Platform.SLACK, "T0002")


async def _community(uow_factory: UnitOfWorkFactory, ref: WorkspaceRef = ACME) -> tuple[int, int]:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ref, "Acme", T0)
        community = await uow.communities.add(workspace.id, ChannelRef(ref, "C1"), name="Data", goal="",
                                              timezone="Europe/Brussels", language="en", at=T0)
        await uow.commit()
    return workspace.id, community.id


def _series(workspace_id: int, community_id: int, ref: WorkspaceRef = ACME) -> Series:
    recurrence = Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 11, 24, 15, 0), "Europe/Brussels",
                            exdates=(datetime(2026, 12, 22, 15, 0),))
    return Series(0, workspace_id, community_id, "CoP sync", recurrence, timedelta(minutes=60),
                  location="https://meet.example.org/cop", description="Every other Tuesday",
                  hosts=(MemberRef(ref, "U1"), MemberRef(ref, "U2")), reminder_leads=(timedelta(hours=2),),
                  uid="series-1@hearth")


async def test_a_series_round_trips(uow_factory: UnitOfWorkFactory) -> None:
    workspace_id, community_id = await _community(uow_factory)
    async with uow_factory() as uow:
        added = await uow.meetings.add_series(_series(workspace_id, community_id), T0)
        await uow.commit()

    async with uow_factory() as uow:
        found = await uow.meetings.get_series(workspace_id, added.id)
        listed = await uow.meetings.series_of(workspace_id, community_id)
    assert found == added
    assert listed == [added]
    assert found is not None and found.recurrence == _series(workspace_id, community_id).recurrence
    assert found.hosts == (MemberRef(ACME, "U1"), MemberRef(ACME, "U2"))
    assert found.reminder_leads == (timedelta(hours=2),)

    async with uow_factory() as uow:
        await uow.meetings.update_series(
            Series(**{**_fields(found), "status": SeriesStatus.ENDED, "sequence": 3}), T0)
        await uow.commit()
    async with uow_factory() as uow:
        ended = await uow.meetings.get_series(workspace_id, added.id)
        assert ended is not None and (ended.status, ended.sequence) == (SeriesStatus.ENDED, 3)
        assert await uow.meetings.active_series() == []
        assert await uow.meetings.active_with_changes() == []


async def test_changes_rsvps_and_agenda(uow_factory: UnitOfWorkFactory) -> None:
    workspace_id, community_id = await _community(uow_factory)
    original = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    ana, ben = MemberRef(ACME, "U1"), MemberRef(ACME, "U2")
    async with uow_factory() as uow:
        series = await uow.meetings.add_series(_series(workspace_id, community_id), T0)
        await uow.meetings.set_change(workspace_id, Change(series.id, original, original + timedelta(days=1)))
        await uow.meetings.set_change(workspace_id, Change(series.id, original, None, True, "holiday", 2))
        await uow.meetings.set_rsvp(workspace_id, series.id, original, ana, Answer.GOING, T0)
        await uow.meetings.set_rsvp(workspace_id, series.id, original, ben, Answer.MAYBE, T0)
        await uow.meetings.set_rsvp(workspace_id, series.id, original, ben, Answer.NOT_GOING, T0)
        first = await uow.meetings.add_agenda_item(workspace_id, series.id, original, ana, "Data contracts", T0)
        second = await uow.meetings.add_agenda_item(workspace_id, series.id, original, ben, "dbt tests", T0)
        await uow.meetings.toggle_vote(workspace_id, second.id, ana)
        await uow.meetings.toggle_vote(workspace_id, first.id, ben)
        await uow.meetings.toggle_vote(workspace_id, first.id, ben)  # taken back
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.meetings.changes(workspace_id, series.id) == [
            Change(series.id, original, None, True, "holiday", 2)]
        assert await uow.meetings.active_with_changes() == [
            (series, [Change(series.id, original, None, True, "holiday", 2)])]
        assert await uow.meetings.rsvps(workspace_id, series.id, original) == {
            "U1": Answer.GOING, "U2": Answer.NOT_GOING}
        assert await uow.meetings.going(workspace_id, ana) == {(series.id, original): Answer.GOING}
        agenda = await uow.meetings.agenda(workspace_id, series.id, original)
    assert [(item.text, item.score) for item in agenda] == [("dbt tests", 1), ("Data contracts", 0)]


async def test_another_workspace_sees_nothing(uow_factory: UnitOfWorkFactory) -> None:
    workspace_id, community_id = await _community(uow_factory)
    other_id, _ = await _community(uow_factory, OTHER)
    original = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    async with uow_factory() as uow:
        series = await uow.meetings.add_series(_series(workspace_id, community_id), T0)
        item = await uow.meetings.add_agenda_item(workspace_id, series.id, original, MemberRef(ACME, "U1"), "x", T0)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.meetings.get_series(other_id, series.id) is None
        assert await uow.meetings.changes(other_id, series.id) == []
        assert await uow.meetings.agenda(other_id, series.id, original) == []
        assert await uow.meetings.toggle_vote(other_id, item.id, MemberRef(OTHER, "U9")) is None
        with pytest.raises(LookupError):
            await uow.meetings.set_rsvp(other_id, series.id, original, MemberRef(OTHER, "U9"), Answer.GOING, T0)
        with pytest.raises(LookupError):
            await uow.meetings.update_series(Series(**{**_fields(series), "workspace_id": other_id}), T0)


async def test_feeds_are_found_by_token_and_revoked(uow_factory: UnitOfWorkFactory) -> None:
    workspace_id, community_id = await _community(uow_factory)
    ana = MemberRef(ACME, "U1")
    async with uow_factory() as uow:
        await uow.meetings.add_feed(CalendarFeed("community-token", workspace_id, community_id, None), T0)
        await uow.meetings.add_feed(CalendarFeed("member-token", workspace_id, None, ana), T0)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.meetings.feed("community-token") == CalendarFeed(
            "community-token", workspace_id, community_id, None)
        assert [f.token for f in await uow.meetings.feeds_of(workspace_id, None, ana)] == ["member-token"]
        assert await uow.meetings.revoke_feeds(workspace_id, community_id, None, T0) == 1
        await uow.commit()
    async with uow_factory() as uow:
        revoked = await uow.meetings.feed("community-token")
        assert revoked is not None and revoked.revoked
        assert await uow.meetings.feeds_of(workspace_id, community_id, None) == []
        assert await uow.meetings.feed("nothing") is None


def _fields(series: Series) -> dict[str, object]:
    return {name: getattr(series, name) for name in Series.__dataclass_fields__}


async def test_batch_reads_answer_for_every_series_and_meeting_asked_for(uow_factory: UnitOfWorkFactory) -> None:
    workspace_id, community_id = await _community(uow_factory)
    other_id, other_community = await _community(uow_factory, OTHER)
    first_at = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    later_at = first_at + timedelta(days=14)
    ana, ben = MemberRef(ACME, "U1"), MemberRef(ACME, "U2")
    async with uow_factory() as uow:
        first = await uow.meetings.add_series(_series(workspace_id, community_id), T0)
        second = await uow.meetings.add_series(_series(workspace_id, community_id), T0)
        foreign = await uow.meetings.add_series(_series(other_id, other_community, OTHER), T0)
        await uow.meetings.set_change(workspace_id, Change(first.id, later_at, None, True, "holiday", 1))
        await uow.meetings.set_change(workspace_id, Change(first.id, first_at, first_at + timedelta(hours=1)))
        await uow.meetings.set_change(other_id, Change(foreign.id, first_at, None, True))
        await uow.meetings.set_rsvp(workspace_id, first.id, first_at, ana, Answer.GOING, T0)
        await uow.meetings.set_rsvp(workspace_id, first.id, later_at, ben, Answer.MAYBE, T0)
        await uow.meetings.set_rsvp(workspace_id, second.id, first_at, ben, Answer.NOT_GOING, T0)
        await uow.meetings.set_rsvp(other_id, foreign.id, first_at, MemberRef(OTHER, "U1"), Answer.GOING, T0)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.meetings.series_in(workspace_id) == [first, second]
        changes = await uow.meetings.changes_of(workspace_id, [first.id, second.id, foreign.id])
        assert changes == {
            first.id: await uow.meetings.changes(workspace_id, first.id),
            second.id: [],
            foreign.id: [],  # another workspace's series: nothing crosses
        }
        assert [change.original for change in changes[first.id]] == [first_at, later_at]
        meetings = [(first.id, first_at), (first.id, later_at), (second.id, first_at), (second.id, later_at),
                    (foreign.id, first_at)]
        assert await uow.meetings.rsvps_of(workspace_id, meetings) == {
            (first.id, first_at): {"U1": Answer.GOING},
            (first.id, later_at): {"U2": Answer.MAYBE},
            (second.id, first_at): {"U2": Answer.NOT_GOING},
            (second.id, later_at): {},
            (foreign.id, first_at): {},
        }
        assert await uow.meetings.changes_of(workspace_id, []) == {}
        assert await uow.meetings.rsvps_of(workspace_id, []) == {}
        assert await uow.meetings.active_series() == [first, second, foreign]

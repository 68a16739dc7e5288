"""The meetings service on SQLite and PostgreSQL: one unit of work per request, the scheduler and hooks told after
each change, refusals that change nothing, and series of another community out of reach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SimulatedClock
from bot.errors import NotFound, PermissionDenied, UserError
from bot.meetings.model import Answer, Meeting, Series, SeriesStatus
from bot.meetings.reminders import HOST, KINDS, MeetingHooks
from bot.meetings.requests import (
    CancelMeeting,
    ChooseReminders,
    EditSeries,
    EditTopic,
    GetFeed,
    ListSeries,
    MoveMeeting,
    ProposeTopic,
    RemoveTopic,
    Rsvp,
    ScheduleSeries,
    SeriesDetails,
    SetSeriesStatus,
    ShowAgenda,
    ShowNextMeeting,
    SkipMeeting,
    UpcomingForMember,
    VoteTopic,
)
from bot.meetings.service import MeetingService
from bot.messages import UserText, join
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.scheduling.model import Schedule
from bot.tenancy import Community, Role, Scope
from tests.counting_units import CountingUnits

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
ACME = WorkspaceRef(Platform.SLACK, "T0001")
ANA = MemberRef(ACME, "U1")
BEN = MemberRef(ACME, "U2")
CY = MemberRef(ACME, "U3")


@dataclass
class RecordingScheduler:
    refreshed: list[tuple[str, int, str]] = field(default_factory=list)

    async def refresh(self, kind: str, workspace_id: int, subject: str) -> None:
        self.refreshed.append((kind, workspace_id, subject))

    async def place(self, kind: str, workspace_id: int, subjects: Sequence[str],
                    schedules: Sequence[Schedule]) -> None:
        assert {schedule.subject for schedule in schedules} <= set(subjects)
        self.refreshed.extend((kind, workspace_id, subject) for subject in subjects)


@dataclass
class World:
    service: MeetingService
    units: CountingUnits
    scheduler: RecordingScheduler
    announced: list[tuple[Series, Meeting | None]]
    facilitator: Scope
    member: Scope
    elsewhere: Scope  # Ana in another community of the same workspace
    clock: SimulatedClock
    other: Scope  # Cy, a member like Ben

    async def count(self, call: Any) -> tuple[Any, int]:
        before = self.units.opened
        result = await call
        return result, self.units.opened - before


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", NOW)
        data = await uow.communities.add(workspace.id, ChannelRef(ACME, "C1"), name="Data", goal="",
                                         timezone="Europe/Brussels", language="en", at=NOW)
        design = await uow.communities.add(workspace.id, ChannelRef(ACME, "C2"), name="Design", goal="",
                                           timezone="Europe/Brussels", language="en", at=NOW)
        ana = await uow.members.add(workspace.id, ANA, display_name="Ana", role=Role.FACILITATOR, at=NOW)
        ben = await uow.members.add(workspace.id, BEN, display_name="Ben", role=Role.MEMBER, at=NOW)
        cy = await uow.members.add(workspace.id, CY, display_name="Cy", role=Role.MEMBER, at=NOW)
        await uow.commit()
    units = CountingUnits(uow_factory)
    scheduler = RecordingScheduler()
    hooks = MeetingHooks()
    announced: list[tuple[Series, Meeting | None]] = []

    async def heard(community: Community, series: Series, meeting: Meeting | None) -> None:
        announced.append((series, meeting))

    hooks.next_meeting.append(heard)
    clock = SimulatedClock(NOW)
    return World(MeetingService(units, clock, scheduler, hooks), units, scheduler, announced,
                 Scope(workspace, ana, data), Scope(workspace, ben, data), Scope(workspace, ana, design), clock,
                 Scope(workspace, cy, data))


async def _schedule(world: World, title: str = "CoP sync") -> Series:
    view = await world.service.schedule(ScheduleSeries(world.facilitator, title, "every 2 weeks on Tuesday at 15:00",
                                                       details=SeriesDetails(duration=timedelta(minutes=60))))
    return view.series


async def test_every_request_runs_in_exactly_one_unit_of_work(world: World) -> None:
    service, ana, ben = world.service, world.facilitator, world.member
    scheduled = service.schedule(ScheduleSeries(ana, "CoP sync", "every 2 weeks on Tuesday at 15:00"))
    view, units = await world.count(scheduled)
    assert units == 1
    assert [m.start for m in view.upcoming][:1] == [datetime(2026, 11, 24, 14, 0, tzinfo=UTC)]
    moved_to = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    requests = [
        service.edit(EditSeries(ana, None, details=SeriesDetails(duration=timedelta(minutes=90)))),
        service.move(MoveMeeting(ana, None, lambda zone: moved_to)),
        service.skip(SkipMeeting(ana, "cop sync", date(2026, 12, 8))),
        service.cancel(CancelMeeting(ana, None, "holidays", date(2026, 12, 22))),
        service.all_series(ListSeries(ben)),
        service.next_meeting(ShowNextMeeting(ben)),
        service.propose_topic(ProposeTopic(ben, "Dashboards")),
        service.agenda(ShowAgenda(ben)),
        service.upcoming(UpcomingForMember(ben)),
        service.feed(GetFeed(ben, mine=True)),
        service.choose_reminders(ChooseReminders(ben, (timedelta(hours=2),))),
        service.set_status(SetSeriesStatus(ana, None, SeriesStatus.PAUSED)),
    ]
    for request in requests:
        _result, units = await world.count(request)
        assert units == 1
    original = view.upcoming[0].original
    recorded, units = await world.count(service.rsvp(Rsvp(ben, view.series.id, original, Answer.GOING)))
    assert units == 1 and recorded.view.answers == {"U2": Answer.GOING}
    agenda = await service.agenda(ShowAgenda(ben))
    voted, units = await world.count(service.vote(VoteTopic(ana, agenda.items[0].id)))
    assert units == 1 and voted.voted
    _edited, units = await world.count(service.edit_topic(EditTopic(ben, 1, "Dashboards, reviewed")))
    assert units == 1
    _removed, units = await world.count(service.remove_topic(RemoveTopic(ben, 1)))
    assert units == 1


async def test_changes_tell_the_scheduler_and_the_hooks_after_commit(world: World) -> None:
    series = await _schedule(world)
    assert {kind for kind, _, _ in world.scheduler.refreshed} == set(KINDS) - {HOST}  # no hosts: no host nudges
    assert world.announced[-1][1] is not None and world.announced[-1][1].start == datetime(2026, 11, 24, 14, 0,
                                                                                            tzinfo=UTC)
    world.scheduler.refreshed.clear()
    await world.service.skip(SkipMeeting(world.facilitator, None))
    assert (KINDS[0], series.workspace_id, str(series.id) + ":1440") in world.scheduler.refreshed
    assert world.announced[-1][1] is not None and world.announced[-1][1].start == datetime(2026, 12, 8, 14, 0,
                                                                                            tzinfo=UTC)
    await world.service.set_status(SetSeriesStatus(world.facilitator, None, SeriesStatus.ENDED))
    assert world.announced[-1][1] is None


@pytest.mark.parametrize("request_of", [
    lambda w: ScheduleSeries(w.facilitator, "CoP sync", "every week on Monday at 10:00"),  # the title is taken
    lambda w: ScheduleSeries(w.facilitator, "Other", "every week", details=SeriesDetails(duration=timedelta(hours=25))),
    lambda w: ScheduleSeries(w.facilitator, "Other", "every week", details=SeriesDetails(link="ftp://x.example")),
    lambda w: ScheduleSeries(w.facilitator, "Other", "every week",
                             details=SeriesDetails(reminder_leads=(timedelta(days=15),))),
    lambda w: ScheduleSeries(w.member, "Other", "every week on Monday at 10:00"),  # not a facilitator
    lambda w: EditSeries(w.facilitator, None),  # nothing to change
    lambda w: MoveMeeting(w.facilitator, None, lambda zone: NOW - timedelta(days=1)),  # into the past
    lambda w: MoveMeeting(w.facilitator, None, lambda zone: NOW + timedelta(days=200)),  # too far
    lambda w: SkipMeeting(w.facilitator, "CoP synk"),
    lambda w: SkipMeeting(w.facilitator, None, date(2026, 11, 25)),  # no meeting that day
    lambda w: SetSeriesStatus(w.facilitator, None, SeriesStatus.ACTIVE),  # active already
    lambda w: SetSeriesStatus(w.member, None, SeriesStatus.ENDED),
    lambda w: ProposeTopic(w.member, "x" * 201),
    lambda w: GetFeed(w.member, revoke=True),  # the community's feed: facilitators only
])
async def test_a_refusal_changes_nothing(world: World, uow_factory: UnitOfWorkFactory, request_of: Any) -> None:
    series = await _schedule(world)
    before = await _everything(uow_factory, series)
    world.scheduler.refreshed.clear()
    request = request_of(world)
    method = {
        "ScheduleSeries": world.service.schedule, "EditSeries": world.service.edit, "MoveMeeting": world.service.move,
        "SkipMeeting": world.service.skip, "SetSeriesStatus": world.service.set_status,
        "ProposeTopic": world.service.propose_topic, "GetFeed": world.service.feed,
    }[type(request).__name__]
    with pytest.raises(UserError) as raised:
        await method(request)
    if request.scope is world.member and not isinstance(request, ProposeTopic):
        assert isinstance(raised.value, PermissionDenied)
        assert raised.value.message.params["names"] is not None
    assert await _everything(uow_factory, series) == before
    assert world.scheduler.refreshed == []


async def test_a_series_of_another_community_is_out_of_reach(world: World) -> None:
    series = await _schedule(world)
    meeting = (await world.service.next_meeting(ShowNextMeeting(world.member))).meeting
    with pytest.raises(UserError):
        await world.service.rsvp(Rsvp(world.elsewhere, series.id, meeting.original, Answer.GOING))
    with pytest.raises(NotFound):
        await world.service.skip(SkipMeeting(world.elsewhere, "CoP sync"))
    with pytest.raises(NotFound):
        await world.service.next_meeting(ShowNextMeeting(world.elsewhere))
    assert (await world.service.next_meeting(ShowNextMeeting(world.member))).answers == {}
    await world.service.propose_topic(ProposeTopic(world.member, "Dashboards"))
    [item] = (await world.service.agenda(ShowAgenda(world.member))).items
    with pytest.raises(UserError):
        await world.service.vote(VoteTopic(world.elsewhere, item.id))
    [unchanged] = (await world.service.agenda(ShowAgenda(world.member))).items
    assert unchanged.votes == frozenset()


async def test_a_move_reads_the_members_words_in_the_series_zone(world: World) -> None:
    await world.service.schedule(ScheduleSeries(world.facilitator, "Tokyo sync", "every week on Friday at 09:00",
                                                timezone="Asia/Tokyo"))
    zones: list[str] = []

    def reader(zone: str) -> datetime:
        zones.append(zone)
        return datetime(2026, 12, 1, 0, 0, tzinfo=UTC)

    moved = await world.service.move(MoveMeeting(world.facilitator, None, reader))
    assert zones == ["Asia/Tokyo"] and moved.to == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


async def _everything(uow_factory: UnitOfWorkFactory, series: Series) -> tuple[Any, ...]:
    async with uow_factory() as uow:
        all_series = await uow.meetings.series_of(series.workspace_id, series.community_id)
        changes = await uow.meetings.changes(series.workspace_id, series.id)
        feeds = await uow.meetings.feeds_of(series.workspace_id, series.community_id, None)
        members = await uow.members.with_role(series.workspace_id, Role.MEMBER)
    return all_series, changes, feeds, members


# --- editing and removing agenda topics ----------------------------------------------------------------------


async def _two_topics(world: World) -> None:
    """Ben's topic with Ana's and Cy's votes (listed first), then Cy's without votes."""
    await _schedule(world)
    await world.service.propose_topic(ProposeTopic(world.member, "Dashboards"))
    await world.service.propose_topic(ProposeTopic(world.other, "dbt tests"))
    dashboards = (await world.service.agenda(ShowAgenda(world.member))).items[0]
    await world.service.vote(VoteTopic(world.facilitator, dashboards.id))
    await world.service.vote(VoteTopic(world.other, dashboards.id))


async def _agenda(world: World) -> list[tuple[str, str, frozenset[str]]]:
    """The agenda as members see it: each topic's text, author and voters, in the order it is listed."""
    agenda = await world.service.agenda(ShowAgenda(world.member))
    return [(item.text, item.author.id, item.votes) for item in agenda.items]


async def _votes_stored(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM meeting_agenda_vote"))).scalar_one())


async def test_editing_a_topic_keeps_its_votes_and_its_author(world: World) -> None:
    await _two_topics(world)
    edited = await world.service.edit_topic(EditTopic(world.member, 1, "  Dashboards,\n  how we review them "))
    assert (edited.number, edited.before, edited.item.text) == (1, "Dashboards", "Dashboards, how we review them")
    assert edited.item.votes == frozenset({"U1", "U3"}) and edited.item.author == BEN
    assert edited.series.title == "CoP sync" and edited.meeting.start == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert await _agenda(world) == [("Dashboards, how we review them", "U2", frozenset({"U1", "U3"})),
                                    ("dbt tests", "U3", frozenset())]


async def test_removing_a_topic_drops_it_and_its_votes(world: World, database_engine: AsyncEngine) -> None:
    await _two_topics(world)
    assert await _votes_stored(database_engine) == 2
    removed = await world.service.remove_topic(RemoveTopic(world.member, 1))
    assert (removed.number, removed.item.text, removed.item.votes) == (1, "Dashboards", frozenset({"U1", "U3"}))
    assert await _agenda(world) == [("dbt tests", "U3", frozenset())]
    assert await _votes_stored(database_engine) == 0


async def test_a_facilitator_edits_and_removes_any_topic(world: World) -> None:
    await _two_topics(world)
    await world.service.edit_topic(EditTopic(world.facilitator, 2, "dbt tests in CI", series="cop sync"))
    assert [topic for topic, _author, _votes in await _agenda(world)] == ["Dashboards", "dbt tests in CI"]
    await world.service.remove_topic(RemoveTopic(world.facilitator, 1))
    assert await _agenda(world) == [("dbt tests in CI", "U3", frozenset())]


@pytest.mark.parametrize("request_of", [
    lambda w: EditTopic(w.other, 1, "Not mine"),
    lambda w: RemoveTopic(w.other, 1),
    lambda w: RemoveTopic(w.member, 2),
])
async def test_anyone_else_is_refused_privately_and_nothing_changes(world: World, request_of: Any) -> None:
    await _two_topics(world)
    before = await _agenda(world)
    request = request_of(world)
    method = world.service.edit_topic if isinstance(request, EditTopic) else world.service.remove_topic
    with pytest.raises(PermissionDenied) as raised:
        await method(request)
    params = raised.value.message.params
    author = "Ben" if request.number == 1 else "Cy"
    assert params["author"] == UserText(author) and params["names"] == join([UserText("Ana")])
    assert params["command"] == UserText("/meeting agenda edit" if isinstance(request, EditTopic)
                                         else "/meeting agenda remove")
    assert await _agenda(world) == before


async def test_without_facilitators_the_refusal_names_the_author_only(world: World,
                                                                      uow_factory: UnitOfWorkFactory) -> None:
    await _two_topics(world)
    async with uow_factory() as uow:
        await uow.members.update(replace(world.facilitator.member, role=Role.MEMBER))
        await uow.commit()
    with pytest.raises(PermissionDenied) as raised:
        await world.service.remove_topic(RemoveTopic(world.other, 1))
    assert "no facilitators yet" in raised.value.message.msgid and "names" not in raised.value.message.params


@pytest.mark.parametrize("number", [0, -1, 3, 10**18])
async def test_a_number_that_is_not_on_the_agenda_changes_nothing(world: World, number: int) -> None:
    await _two_topics(world)
    before = await _agenda(world)
    for call in (world.service.edit_topic(EditTopic(world.facilitator, number, "Something else")),
                 world.service.remove_topic(RemoveTopic(world.facilitator, number))):
        with pytest.raises(NotFound) as raised:
            await call
        assert raised.value.message.params["number"] == number
        assert raised.value.hint is not None and "/meeting agenda show" in raised.value.hint.msgid
    assert await _agenda(world) == before


async def test_an_empty_agenda_says_how_to_propose_a_topic(world: World) -> None:
    await _schedule(world)
    with pytest.raises(NotFound) as raised:
        await world.service.remove_topic(RemoveTopic(world.member, 1))
    assert raised.value.hint is not None and "/meeting agenda add" in raised.value.hint.msgid


@pytest.mark.parametrize("topic", ["", "   ", "x" * 201, "a\x00b"])
async def test_an_edit_keeps_the_rules_of_a_new_topic(world: World, topic: str) -> None:
    await _two_topics(world)
    before = await _agenda(world)
    with pytest.raises(UserError):
        await world.service.edit_topic(EditTopic(world.member, 1, topic))
    assert await _agenda(world) == before


async def test_a_topic_of_another_community_is_out_of_reach(world: World) -> None:
    await _two_topics(world)
    before = await _agenda(world)
    with pytest.raises(NotFound):
        await world.service.remove_topic(RemoveTopic(world.elsewhere, 1))
    with pytest.raises(NotFound):
        await world.service.edit_topic(EditTopic(world.elsewhere, 1, "Elsewhere"))
    assert await _agenda(world) == before

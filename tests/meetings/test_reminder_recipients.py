"""Each recipient of a meeting occurrence on their own, on SQLite and PostgreSQL: a stored preference Hearth cannot
read counts as not set, a recipient whose message fails is logged once and skipped while the others are served,
and a retry of the occurrence sends nothing again to those already served."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.action_refs import ActionRefs, new_key
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.meetings.model import Answer, Meeting
from bot.meetings.preferences import DM_LEADS, QUIET_HOURS
from bot.meetings.reminders import DIRECT, ENDED, MeetingContext, MeetingHooks, meeting_kinds
from bot.meetings.requests import Rsvp, ScheduleSeries, SeriesDetails
from bot.meetings.service import MeetingService
from bot.messages import Message
from bot.ports import DeliveryError, UnitOfWorkFactory
from bot.preferences import forget_warnings
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.scheduling.engine import Engine
from bot.scheduling.ledger import Delivery, DeliveryState
from bot.scheduling.model import TransientDeliveryError
from bot.tenancy import Member, Role, Scope
from storage.ledger import SqlDeliveryLedger

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
MEETING = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # Tuesday 15:00 in Brussels
DM_DUE = MEETING - timedelta(hours=1)
ACME = WorkspaceRef(Platform.SLACK, "T0001")
CHANNEL = ChannelRef(ACME, "C1")
NAMES = {"U1": "Ana", "U2": "Ben", "U3": "Cy", "U4": "Dee"}


@dataclass
class RecordingMessenger:
    """Records each DM by member id; `failing` lists, per member id, the errors to raise on their next sends."""

    direct: list[str] = field(default_factory=list)
    failing: dict[str, list[Exception]] = field(default_factory=dict)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        return MessageRef(channel, "posted")

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        errors = self.failing.get(member.id)
        if errors:
            raise errors.pop(0)
        self.direct.append(member.id)
        return MessageRef(ChannelRef(member.workspace, f"D{member.id}"), str(len(self.direct)))

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        return None

    async def update(self, ref: MessageRef, message: Message) -> None:
        return None


@dataclass
class World:
    uow: UnitOfWorkFactory
    ledger: SqlDeliveryLedger
    clock: SimulatedClock
    messenger: RecordingMessenger
    hooks: MeetingHooks
    members: dict[str, Member]

    async def engine(self) -> Engine:
        kinds = meeting_kinds(self.uow, self.messenger, Catalogs.load(), ActionRefs(new_key()), self.hooks,
                              recipients=self.ledger, clock=self.clock)
        engine = Engine(kinds=kinds, ledger=self.ledger, clock=self.clock, owner="test")
        await engine.start()
        return engine

    async def store_preferences(self, member_id: str, **preferences: object) -> None:
        """Write preferences straight into storage, as an older version (or a hand) would have."""
        async with self.uow() as uow:
            member = await uow.members.get(self.members[member_id].workspace_id, self.members[member_id].ref)
            assert member is not None
            await uow.members.update(replace(member, preferences={**member.preferences, **preferences}))
            await uow.commit()

    async def dm_rows(self) -> list[Delivery]:
        return [row for row in await self.ledger.recent(50) if row.occurrence.kind == DIRECT]

    async def until(self, engine: Engine, moment: datetime) -> None:
        await engine.advance_to(moment, self.clock.set)


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    forget_warnings()  # each test sees the warnings a new process would give


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine) -> World:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ACME, "Acme", NOW)
        community = await uow.communities.add(workspace.id, CHANNEL, name="Data", goal="",
                                              timezone="Europe/Brussels", language="en", at=NOW)
        members = {
            member_id: await uow.members.add(workspace.id, MemberRef(ACME, member_id), display_name=name,
                                             role=Role.FACILITATOR if member_id == "U1" else Role.MEMBER, at=NOW)
            for member_id, name in NAMES.items()
        }
        await uow.commit()
    clock = SimulatedClock(NOW)
    hooks = MeetingHooks()
    service = MeetingService(uow_factory, clock, None, hooks)
    ana = Scope(workspace, members["U1"], community)
    view = await service.schedule(ScheduleSeries(ana, "CoP sync", "every week on Tuesday at 15:00",
                                                 details=SeriesDetails(duration=timedelta(minutes=60),
                                                                       reminder_leads=())))
    meeting = view.upcoming[0]
    assert meeting.start == MEETING
    for member in members.values():
        await service.rsvp(Rsvp(Scope(workspace, member, community), view.series.id, meeting.original, Answer.GOING))
    return World(uow_factory, SqlDeliveryLedger(database_engine), clock, RecordingMessenger(), hooks, members)


async def test_an_unreadable_stored_quiet_hours_value_counts_as_not_set(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # What `/meeting remind quiet 22:00-07:00Z` once stored: reading it compared naive with aware times and failed
    # the whole delivery, so no member going got their DM. Dee's lead times are unreadable too.
    await world.store_preferences("U3", **{QUIET_HOURS: "22:00-07:00Z"})
    await world.store_preferences("U4", **{DM_LEADS: "60,²"})
    async with world.uow() as uow:  # and Ben's language is none Hearth ships
        await uow.members.update(replace(world.members["U2"], language="xx"))
        await uow.commit()
    engine = await world.engine()
    with caplog.at_level(logging.INFO):
        await world.until(engine, DM_DUE + timedelta(minutes=1))
    # Cy's quiet hours count as not set (no window then), Dee gets the default hour, Ben the community's language:
    # everyone going is reminded.
    assert sorted(world.messenger.direct) == ["U1", "U2", "U3", "U4"]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.name for record in warnings] == ["hearth.preferences"] * 3
    assert any(QUIET_HOURS in record.getMessage() and f"member {world.members['U3'].id}" in record.getMessage()
               for record in warnings)
    assert any(DM_LEADS in record.getMessage() for record in warnings)
    assert any("language" in record.getMessage() for record in warnings)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "22:00-07:00Z" not in logged and "²" not in logged
    (row,) = await world.dm_rows()
    assert row.state is DeliveryState.SENT


async def test_a_recipient_whose_message_cannot_be_built_is_logged_once_and_skipped(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # A bug while building or sending Ben's DM (here: the messenger fails unexpectedly): Ben is skipped, logged once
    # without the error's text, the others get their DM, and the occurrence is done.
    world.messenger.failing["U2"] = [RuntimeError("cannot render 'Ben's secret text'")]
    engine = await world.engine()
    with caplog.at_level(logging.WARNING):
        await world.until(engine, DM_DUE + timedelta(hours=2))
    assert sorted(world.messenger.direct) == ["U1", "U3", "U4"]
    skipped = [record.getMessage() for record in caplog.records if "recipient U2" in record.getMessage()]
    assert len(skipped) == 1
    assert "RuntimeError at test_reminder_recipients.py" in skipped[0] and "secret" not in skipped[0]
    (row,) = await world.dm_rows()
    assert row.state is DeliveryState.SENT
    assert await world.ledger.recipients_handled(row.occurrence) == {"U1", "U2", "U3", "U4"}


async def test_a_transient_failure_of_one_recipient_retries_only_them(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # Cy's platform is down for now: Ana, Ben and Dee get their DM at once; the occurrence is retried 30 s later
    # and sends only to Cy, never a second DM to the others.
    world.messenger.failing["U3"] = [TransientDeliveryError("the platform answered 503")]
    engine = await world.engine()
    with caplog.at_level(logging.WARNING):
        await world.until(engine, DM_DUE + timedelta(seconds=1))
        assert sorted(world.messenger.direct) == ["U1", "U2", "U4"]
        (row,) = await world.dm_rows()
        assert row.state is DeliveryState.PENDING
        assert "1 of 4 recipients failed for now" in row.detail
        await world.until(engine, DM_DUE + timedelta(minutes=5))
    assert sorted(world.messenger.direct) == ["U1", "U2", "U3", "U4"]
    (row,) = await world.dm_rows()
    assert row.state is DeliveryState.SENT and row.attempts == 2
    assert len([r for r in caplog.records if "recipient U3" in r.getMessage()]) == 1


async def test_a_member_whose_dms_are_closed_is_not_tried_again(world: World) -> None:
    # Ana's DMs are closed for good, Ben's platform fails for now: the retry sends to Ben only.
    world.messenger.failing["U1"] = [DeliveryError("the member does not accept direct messages from Hearth")]
    world.messenger.failing["U2"] = [TransientDeliveryError("rate limited")]
    engine = await world.engine()
    await world.until(engine, DM_DUE + timedelta(minutes=5))
    assert sorted(world.messenger.direct) == ["U2", "U3", "U4"]
    assert world.messenger.failing["U1"] == []  # tried once


async def test_a_retry_after_a_meeting_runs_no_hook_twice(world: World) -> None:
    # The series' last meeting: the hooks run and the facilitator is told there is no next one. Ana's DM fails
    # for now, so the occurrence is retried; the feedback hook that already ran does not run again.
    ran: list[datetime] = []

    async def feedback_poll(context: MeetingContext, meeting: Meeting) -> None:
        ran.append(meeting.start)

    world.hooks.after_meeting.append(feedback_poll)
    async with world.uow() as uow:
        (series,) = await uow.meetings.series_in(world.members["U1"].workspace_id)
        # An end on its day, not a count of one: a recurrence of one occurrence is a single meeting, which ends by
        # itself instead of telling the facilitators.
        last = replace(series.recurrence, until=datetime(2026, 11, 24, 15, 0))
        await uow.meetings.update_series(replace(series, recurrence=last), NOW)
        await uow.commit()
    engine = await world.engine()
    await world.until(engine, MEETING)  # the reminder DMs
    world.messenger.failing["U1"] = [TransientDeliveryError("the platform answered 503")]
    await world.until(engine, MEETING + timedelta(hours=1, minutes=5))
    assert ran == [MEETING]
    ended = [row for row in await world.ledger.recent(20) if row.occurrence.kind == ENDED]
    assert [row.state for row in ended] == [DeliveryState.SENT]
    assert await world.ledger.recipients_handled(ended[0].occurrence) == {"hook:" + feedback_poll.__qualname__, "U1"}

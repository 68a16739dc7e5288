"""A meeting's day reminders across the daylight-saving weeks of Brussels, New York and Sydney, on SQLite and
PostgreSQL: the channel reminder "a day before", a member's own `1d` reminder DM and the host's agenda nudge three
days before each come at the meeting's usual local time on the day; an hour lead stays that many hours of real
time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.action_refs import ActionRefs, new_key
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.meetings.model import Answer
from bot.meetings.reminders import MeetingHooks, meeting_kinds
from bot.meetings.requests import ChooseReminders, Rsvp, ScheduleSeries, SeriesDetails
from bot.meetings.service import MeetingService
from bot.messages import Message
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.scheduling.engine import Engine
from bot.tenancy import Role, Scope
from storage.ledger import SqlDeliveryLedger
from tests.dst_weeks import CHANGES

ACME = WorkspaceRef(Platform.SLACK, "T0001")
CHANNEL = ChannelRef(ACME, "C1")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass
class TimedMessenger:
    """Records when each message went out, by the simulated clock: channel posts, and DMs by member id."""

    clock: SimulatedClock
    posts: list[datetime] = field(default_factory=list)
    direct: dict[str, list[datetime]] = field(default_factory=dict)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.posts.append(self.clock.now())
        return MessageRef(channel, str(len(self.posts)))

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        self.direct.setdefault(member.id, []).append(self.clock.now())
        return MessageRef(ChannelRef(member.workspace, f"D{member.id}"), "1")

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        return None

    async def update(self, ref: MessageRef, message: Message) -> None:
        return None


def _local(moments: list[datetime], zone: str) -> list[datetime]:
    return [moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for moment in moments]


@dataclass
class Community:
    """A community in `zone` with one weekly series; Ana (facilitator, going to every meeting) chose her own
    reminder DM lead times, Ben hosts every meeting."""

    clock: SimulatedClock
    messenger: TimedMessenger
    starts: list[datetime]  # the meetings' starts, UTC

    @classmethod
    async def make(cls, uow_factory: UnitOfWorkFactory, database: AsyncEngine, zone: str, now: datetime,
                   rhythm: str, channel_leads: tuple[timedelta, ...], dm_leads: tuple[timedelta, ...],
                   until: datetime) -> Community:
        async with uow_factory() as uow:
            workspace = await uow.workspaces.add(ACME, "Acme", now)
            community = await uow.communities.add(workspace.id, CHANNEL, name="Data", goal="", timezone=zone,
                                                  language="en", at=now)
            ana = await uow.members.add(workspace.id, MemberRef(ACME, "U1"), display_name="Ana",
                                        role=Role.FACILITATOR, at=now)
            ben = await uow.members.add(workspace.id, MemberRef(ACME, "U2"), display_name="Ben", role=Role.MEMBER,
                                        at=now)
            await uow.commit()
        clock = SimulatedClock(now)
        service = MeetingService(uow_factory, clock, None, MeetingHooks())
        scope = Scope(workspace, ana, community)
        view = await service.schedule(ScheduleSeries(scope, "CoP sync", rhythm, details=SeriesDetails(
            duration=HOUR, hosts=(ben.ref,), reminder_leads=channel_leads)))
        meetings = [meeting for meeting in view.upcoming if meeting.start <= until]
        ana = await service.choose_reminders(ChooseReminders(scope, dm_leads))
        for meeting in meetings:
            await service.rsvp(Rsvp(Scope(workspace, ana, community), view.series.id, meeting.original,
                                    Answer.GOING))
        messenger = TimedMessenger(clock)
        ledger = SqlDeliveryLedger(database)
        kinds = meeting_kinds(uow_factory, messenger, Catalogs.load(), ActionRefs(new_key()), MeetingHooks(),
                              recipients=ledger, clock=clock)
        engine = Engine(kinds=kinds, ledger=ledger, clock=clock, owner="test")
        await engine.start()
        await engine.advance_to(meetings[-1].start, clock.set)
        return cls(clock, messenger, [meeting.start for meeting in meetings])


@pytest.mark.parametrize(("zone", "sunday"), CHANGES)
async def test_day_reminders_come_at_the_usual_local_time_in_a_daylight_saving_week(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine, zone: str, sunday: datetime
) -> None:
    # A weekly Sunday 10:00 meeting, the week before the change, the week of it and the week after. The channel is
    # reminded a day and 10 hours before, Ana chose a reminder DM a day before.
    local = ZoneInfo(zone)
    now = (sunday - timedelta(days=12)).replace(tzinfo=local).astimezone(UTC)  # a Tuesday, before any reminder
    last = (sunday + 7 * DAY + 10 * HOUR).replace(tzinfo=local)
    world = await Community.make(uow_factory, database_engine, zone, now, "every week on Sunday at 10:00",
                                 (DAY, 10 * HOUR), (DAY,), last)
    starts = _local(world.starts, zone)
    assert starts == [sunday + timedelta(days=7 * week, hours=10) for week in (-1, 0, 1)]
    saturdays = [start - DAY for start in starts]
    posts, direct = world.messenger.posts, world.messenger.direct
    # The channel: Saturday 10:00 local each week, and exactly 10 hours before each meeting.
    hour_posts = [start - 10 * HOUR for start in world.starts]
    assert _local([post for post in posts if post not in hour_posts], zone) == saturdays
    assert sorted(post for post in posts if post in hour_posts) == hour_posts
    assert len(posts) == 6
    # Ana's own reminder: Saturday 10:00 local, every week.
    assert _local(direct["U1"], zone) == saturdays
    # Ben's agenda nudge: Thursday 10:00 local, three calendar days before.
    assert _local(direct["U2"], zone) == [start - 3 * DAY for start in starts]
    # Across the change, a day on the calendar is 23 or 25 hours of real time.
    leads = [start - sent for start, sent in zip(world.starts, direct["U1"], strict=True)]
    assert leads[0] == leads[2] == DAY and abs(leads[1] - DAY) == HOUR


async def test_a_day_reminder_landing_in_the_spring_forward_gap_comes_after_it(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    # A Monday 02:30 meeting in Brussels, reminded a day before: on Sunday 29 March 2026, 02:30 does not exist, so
    # the channel reminder and Ana's DM come at 03:30, as a meeting set for 02:30 that day would.
    brussels = ZoneInfo("Europe/Brussels")
    now = datetime(2026, 3, 24, 12, 0, tzinfo=brussels).astimezone(UTC)
    world = await Community.make(uow_factory, database_engine, "Europe/Brussels", now,
                                 "every week on Monday at 02:30", (DAY,), (DAY,),
                                 datetime(2026, 3, 30, 3, 0, tzinfo=brussels))
    assert _local(world.starts, "Europe/Brussels") == [datetime(2026, 3, 30, 2, 30)]
    assert _local(world.messenger.posts, "Europe/Brussels") == [datetime(2026, 3, 29, 3, 30)]
    assert _local(world.messenger.direct["U1"], "Europe/Brussels") == [datetime(2026, 3, 29, 3, 30)]
    assert world.starts[0] - world.messenger.posts[0] == DAY - HOUR

"""The activity repository's contract, on SQLite and PostgreSQL: batches in, aggregates out, tenants apart."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.activity.model import Activity, ActivityKind, MemberPosts, Question, WeekActivity
from bot.activity.weeks import MOST_WEEKS, week_bounds
from bot.ports import ReadOnlyUnit, UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from bot.tenancy import Community, Member, Role, Workspace

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
ACME = WorkspaceRef(Platform.SLACK, "T0ACME")
OTHER = WorkspaceRef(Platform.SLACK, "T0OTHER")


@dataclass
class Place:
    workspace: Workspace
    community: Community
    second: Community
    ana: Member
    ben: Member
    cem: Member

    def row(self, member: Member, at: datetime, kind: ActivityKind = ActivityKind.POST, message: str = "m",
            thread: str | None = None, *, question: bool = False, community: Community | None = None) -> Activity:
        where = community or self.community
        return Activity(self.workspace.id, where.id, member.id, where.channel.id, at, kind, message, thread,
                        is_question=question)


async def _place(uow_factory: UnitOfWorkFactory, ref: WorkspaceRef = ACME) -> Place:
    async with uow_factory() as uow:
        workspace = await uow.workspaces.add(ref, "Acme", T0)
        communities = [await uow.communities.add(workspace.id, ChannelRef(ref, channel), name=channel, goal="",
                                                 timezone="Europe/Brussels", language="en", at=T0)
                       for channel in ("C0DATA", "C0DESIGN")]
        members = [await uow.members.add(workspace.id, MemberRef(ref, name), display_name=name, role=Role.MEMBER,
                                         at=T0) for name in ("U0ANA", "U0BEN", "U0CEM")]
        await uow.commit()
    return Place(workspace, *communities, *members)


async def _add(uow_factory: UnitOfWorkFactory, rows: list[Activity]) -> int:
    async with uow_factory() as uow:
        stored = await uow.activity.add_many(rows)
        await uow.commit()
    return stored


async def test_rows_added_in_one_batch_are_counted_per_week_in_the_community_zone(
        uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    # Brussels: Monday 2 March 00:00 is Sunday 23:00 UTC; a post at Sunday 23:30 UTC is already in the new week.
    rows = [
        place.row(place.ana, datetime(2026, 3, 1, 22, 30, tzinfo=UTC)),  # Sunday 23:30 local: the week before
        place.row(place.ana, datetime(2026, 3, 1, 23, 30, tzinfo=UTC)),  # Monday 00:30 local
        place.row(place.ben, T0, ActivityKind.REPLY, "m2", "m1"),
        place.row(place.cem, T0, ActivityKind.REACTION, "m1"),
        place.row(place.ana, T0 + timedelta(days=14)),
        place.row(place.ana, T0, community=place.second),  # another community: not counted
    ]
    assert await _add(uow_factory, rows) == 6

    async with uow_factory(read_only=True) as uow:
        weeks = await uow.activity.weeks(place.workspace.id, place.community.id, "Europe/Brussels", T0,
                                         T0 + timedelta(days=15))
    monday = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    assert weeks == [
        WeekActivity(monday, 1, 1, 1),
        WeekActivity(monday + timedelta(weeks=1), 0, 0, 0),
        WeekActivity(monday + timedelta(weeks=2), 1, 0, 0),
    ]
    assert weeks[0].messages == 2


async def test_a_week_across_a_clock_change_is_counted_by_the_local_calendar(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    # Brussels goes to summer time on Sunday 29 March 2026: that week is 167 hours long.
    late_sunday = datetime(2026, 3, 29, 21, 30, tzinfo=UTC)  # Sunday 23:30 CEST, still that week
    next_monday = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # Monday 00:30 CEST
    await _add(uow_factory, [place.row(place.ana, late_sunday), place.row(place.ben, next_monday)])

    async with uow_factory(read_only=True) as uow:
        weeks = await uow.activity.weeks(place.workspace.id, place.community.id, "Europe/Brussels",
                                         datetime(2026, 3, 25, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert [(week.start, week.posts) for week in weeks] == [
        (datetime(2026, 3, 22, 23, 0, tzinfo=UTC), 1),
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), 1),
    ]


def test_week_bounds_refuse_what_they_cannot_count() -> None:
    with pytest.raises(ValueError, match="IANA"):
        week_bounds("Mars/Olympus", T0, T0)
    with pytest.raises(ValueError, match="before"):
        week_bounds("UTC", T0, T0 - timedelta(seconds=1))
    with pytest.raises(ValueError, match="aware"):
        week_bounds("UTC", T0.replace(tzinfo=None), T0)
    with pytest.raises(ValueError, match="at most"):
        week_bounds("UTC", T0, T0 + timedelta(weeks=MOST_WEEKS + 1))
    assert week_bounds("UTC", T0, T0) == [datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)]


async def test_each_members_messages_and_last_message_in_a_period(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    await _add(uow_factory, [
        place.row(place.ana, T0),
        place.row(place.ana, T0 + timedelta(days=3), ActivityKind.REPLY, "m2", "m1"),
        place.row(place.ana, T0 + timedelta(days=9)),  # after the period
        place.row(place.ben, T0 - timedelta(days=1)),  # before it
        place.row(place.ben, T0 + timedelta(days=1)),
        place.row(place.cem, T0 + timedelta(days=2), ActivityKind.REACTION, "m1"),  # a reaction is no message
        place.row(place.cem, T0, community=place.second),
    ])

    async with uow_factory(read_only=True) as uow:
        period = await uow.activity.member_messages(place.workspace.id, place.community.id, T0,
                                                    T0 + timedelta(days=7))
    assert period == [
        MemberPosts(place.ana.id, 2, T0 + timedelta(days=3)),
        MemberPosts(place.ben.id, 1, T0 + timedelta(days=1)),
    ]


async def test_a_members_last_messages_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    times = [T0 + timedelta(hours=7 * n) for n in range(40)]
    await _add(uow_factory, [place.row(place.ana, at, message=f"m{n}") for n, at in enumerate(times)]
               + [place.row(place.ana, T0 + timedelta(days=30), ActivityKind.REACTION, "m1"),
                  place.row(place.ben, T0 + timedelta(days=30))])

    async with uow_factory(read_only=True) as uow:
        recent = await uow.activity.recent_messages(place.workspace.id, place.community.id, place.ana.id)
        three = await uow.activity.recent_messages(place.workspace.id, place.community.id, place.ana.id, most=3)
        elsewhere = await uow.activity.recent_messages(place.workspace.id, place.second.id, place.ana.id)
    assert recent == sorted(times, reverse=True)[:30]
    assert three == recent[:3]
    assert elsewhere == []


async def test_several_members_last_messages_at_once(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    times = {member.id: [T0 + timedelta(hours=5 * n + offset) for n in range(35)]
             for offset, member in enumerate((place.ana, place.ben))}
    await _add(uow_factory, [place.row(member, at, message=f"{member.id}.{n}")
                             for member in (place.ana, place.ben) for n, at in enumerate(times[member.id])]
               + [place.row(place.cem, T0, community=place.second),
                  place.row(place.ben, T0 + timedelta(days=40), ActivityKind.REACTION, "m1")])

    async with uow_factory(read_only=True) as uow:
        found = await uow.activity.recent_messages_of(place.workspace.id, place.community.id,
                                                      [place.ana.id, place.ben.id, place.cem.id])
        two = await uow.activity.recent_messages_of(place.workspace.id, place.community.id, [place.ben.id], most=2)
        one_by_one = {member.id: await uow.activity.recent_messages(place.workspace.id, place.community.id, member.id)
                      for member in (place.ana, place.ben)}
    assert found == one_by_one  # the same as asking for each member, newest first; cem posted elsewhere only
    assert two == {place.ben.id: one_by_one[place.ben.id][:2]}


async def test_a_question_is_unanswered_until_someone_else_replies_or_reacts(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    day = timedelta(days=1)
    await _add(uow_factory, [
        place.row(place.ana, T0, message="q1", question=True),  # only its author answered: unanswered
        place.row(place.ana, T0 + day, ActivityKind.REPLY, "r1", "q1"),
        place.row(place.ana, T0 + day, ActivityKind.REACTION, "q1"),
        place.row(place.ben, T0 + timedelta(hours=1), message="q2", question=True),  # ana replied
        place.row(place.ana, T0 + day, ActivityKind.REPLY, "r2", "q2"),
        place.row(place.cem, T0 + timedelta(hours=2), message="q3", question=True),  # ben reacted
        place.row(place.ben, T0 + day, ActivityKind.REACTION, "q3"),
        place.row(place.cem, T0 + timedelta(hours=3), message="q4", question=True),  # a reaction on a reply only
        place.row(place.cem, T0 + day, ActivityKind.REPLY, "r4", "q4"),
        place.row(place.ana, T0 + day, ActivityKind.REACTION, "r4"),
        place.row(place.ben, T0 + timedelta(hours=4), message="p5"),  # no question
        place.row(place.ben, T0 + timedelta(days=3), message="q6", question=True),  # too new
        place.row(place.ben, T0 - timedelta(days=30), message="q7", question=True),  # too old
        place.row(place.ben, T0 + timedelta(hours=5), message="q8", question=True, community=place.second),
    ])

    async with uow_factory(read_only=True) as uow:
        open_ = await uow.activity.unanswered(place.workspace.id, place.community.id, T0 - timedelta(days=7),
                                              T0 + timedelta(days=2))
        first = await uow.activity.unanswered(place.workspace.id, place.community.id, T0 - timedelta(days=7),
                                              T0 + timedelta(days=2), most=1)
    channel = place.community.channel.id
    assert open_ == [Question(channel, "q1", place.ana.id, T0),
                     Question(channel, "q4", place.cem.id, T0 + timedelta(hours=3))]
    assert first == open_[:1]


async def test_a_question_answered_in_another_channel_is_still_open(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    await _add(uow_factory, [
        place.row(place.ana, T0, message="q1", question=True),
        # The same message id in another channel (Slack's ids are unique per channel only).
        place.row(place.ben, T0, ActivityKind.REPLY, "r1", "q1", community=place.second),
    ])
    async with uow_factory(read_only=True) as uow:
        found = await uow.activity.unanswered(place.workspace.id, place.community.id, T0, T0 + timedelta(days=1))
    assert [question.message_id for question in found] == ["q1"]


async def test_purging_deletes_only_the_older_rows_of_one_workspace(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    other = await _place(uow_factory, OTHER)
    await _add(uow_factory, [
        place.row(place.ana, T0 - timedelta(seconds=1)),
        place.row(place.ana, T0 - timedelta(days=3), community=place.second),
        place.row(place.ben, T0),
        other.row(other.ana, T0 - timedelta(days=3)),
    ])
    async with uow_factory() as uow:
        assert sorted(await uow.activity.workspaces()) == sorted([place.workspace.id, other.workspace.id])
        assert await uow.activity.purge(place.workspace.id, T0) == 2
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        left = await uow.activity.member_messages(place.workspace.id, place.community.id, T0 - timedelta(days=9),
                                                  T0 + timedelta(days=1))
        others = await uow.activity.member_messages(other.workspace.id, other.community.id,
                                                    T0 - timedelta(days=9), T0)
    assert left == [MemberPosts(place.ben.id, 1, T0)]
    assert others == [MemberPosts(other.ana.id, 1, T0 - timedelta(days=3))]


async def test_a_read_only_unit_refuses_to_write(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    async with uow_factory(read_only=True) as uow:
        with pytest.raises(ReadOnlyUnit):
            await uow.activity.add_many([place.row(place.ana, T0)])
        with pytest.raises(ReadOnlyUnit):
            await uow.activity.purge(place.workspace.id, T0)


async def test_rows_of_an_erased_workspace_are_left_out_of_a_batch(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    gone = await _place(uow_factory, OTHER)
    late = gone.row(gone.ana, T0)  # recorded, then its workspace was erased before the batch was written
    async with uow_factory() as uow:
        await uow.workspaces.delete(gone.workspace.id)
        await uow.commit()

    assert await _add(uow_factory, [place.row(place.ana, T0), late, replace(late, member_id=10**9)]) == 1
    async with uow_factory(read_only=True) as uow:
        assert await uow.activity.workspaces() == [place.workspace.id]


async def test_erasing_a_workspace_erases_its_activity(uow_factory: UnitOfWorkFactory) -> None:
    place = await _place(uow_factory)
    await _add(uow_factory, [place.row(place.ana, T0), place.row(place.ben, T0, community=place.second)])
    async with uow_factory() as uow:
        await uow.workspaces.delete(place.workspace.id)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.activity.workspaces() == []
        assert await uow.activity.member_messages(place.workspace.id, place.community.id, T0 - timedelta(days=1),
                                                  T0 + timedelta(days=1)) == []


async def test_one_workspace_never_sees_or_writes_into_anothers_record(uow_factory: UnitOfWorkFactory) -> None:
    acme = await _place(uow_factory)
    other = await _place(uow_factory, OTHER)
    mine = acme.row(acme.ana, T0, message="q1", question=True)
    stray = [replace(mine, community_id=other.community.id), replace(mine, member_id=other.ana.id),
             replace(mine, workspace_id=other.workspace.id)]
    assert await _add(uow_factory, [mine, *stray]) == 1  # ids of another workspace's community or member: left out

    week = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    async with uow_factory(read_only=True) as uow:
        for workspace, community in ((other.workspace.id, acme.community.id),
                                     (acme.workspace.id, other.community.id)):
            assert await uow.activity.member_messages(workspace, community, *week) == []
            assert await uow.activity.unanswered(workspace, community, *week) == []
            assert await uow.activity.recent_messages(workspace, community, acme.ana.id) == []
            assert [w.posts for w in await uow.activity.weeks(workspace, community, "UTC", *week)] == [0, 0]
        assert len(await uow.activity.unanswered(acme.workspace.id, acme.community.id, *week)) == 1
    async with uow_factory() as uow:
        assert await uow.activity.purge(other.workspace.id, T0 + timedelta(days=1)) == 0
        await uow.commit()


async def test_a_moment_in_any_zone_is_stored_as_every_other_moment(uow_factory: UnitOfWorkFactory) -> None:
    from datetime import timezone

    from sqlalchemy import text

    place = await _place(uow_factory)
    await _add(uow_factory, [place.row(place.ana, datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1))))])
    async with uow_factory(read_only=True) as uow:
        assert await uow.activity.recent_messages(place.workspace.id, place.community.id, place.ana.id) == [T0]
        raw = (await uow.run(text("SELECT at FROM activity"))).scalar_one()  # type: ignore[attr-defined]
    if isinstance(raw, str):  # SQLite keeps text: the very text SQLAlchemy writes for every moment of the schema
        assert raw == "2026-03-02 09:00:00.000000"
    else:
        assert raw == T0

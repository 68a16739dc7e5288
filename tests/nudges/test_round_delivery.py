"""Sending a round, on SQLite and PostgreSQL: a DM that cannot be delivered (closed DMs) is remembered and not tried
again in a loop, until the member turns nudges on again; a round that fails for now is tried again with the nudges
it planned, none sent twice and none planned anew; each round is one planning unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.activity.model import Activity, ActivityKind
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.messages import Message
from bot.nudges.model import LogState
from bot.nudges.requests import ChangeWishes
from bot.nudges.rounds import NudgeRounds
from bot.nudges.rules import CLOSED_PAUSE
from bot.nudges.service import NudgeService
from bot.ports import DeliveryError, UnitOfWorkFactory
from bot.refs import ChannelRef, MemberRef, MessageRef
from bot.scheduling.engine import Engine
from bot.scheduling.model import TransientDeliveryError
from storage.ledger import SqlDeliveryLedger
from tests.counting_units import CountingUnits
from tests.worlds import TwoCommunities, two_communities

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Brussels


@dataclass
class RecordingMessenger:
    """Records every DM attempt by member id and every post; `failing` lists, per member id, errors to raise."""

    attempts: list[str] = field(default_factory=list)
    direct: list[tuple[str, Message]] = field(default_factory=list)
    posts: list[Message] = field(default_factory=list)
    failing: dict[str, list[Exception]] = field(default_factory=dict)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self.posts.append(message)
        return MessageRef(channel, str(len(self.posts)))

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        self.attempts.append(member.id)
        errors = self.failing.get(member.id)
        if errors:
            raise errors.pop(0)
        self.direct.append((member.id, message))
        return MessageRef(ChannelRef(member.workspace, f"D{member.id}"), str(len(self.direct)))

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        return None

    async def update(self, ref: MessageRef, message: Message) -> None:
        return None


async def busy_fortnight(uow_factory: UnitOfWorkFactory, acme: TwoCommunities) -> None:
    """Every member of Data posts once every day for the first two weeks."""
    community = acme.ana.community
    assert community is not None
    rows = [Activity(acme.ana.workspace.id, community.id, scope.member.id, "C1", START + timedelta(days=day),
                     ActivityKind.POST, f"{scope.member.id}.{day}")
            for day in range(14) for scope in acme.members]
    async with uow_factory() as uow:
        await uow.activity.add_many(rows)
        await uow.commit()


async def engine_for(uow_factory: UnitOfWorkFactory, service: NudgeService, messenger: RecordingMessenger,
                     clock: SimulatedClock, database: object) -> Engine:
    ledger = SqlDeliveryLedger(database)  # type: ignore[arg-type]
    rounds = NudgeRounds(service, messenger, Catalogs.load(), recipients=ledger, clock=clock)
    engine = Engine(kinds=[rounds], ledger=ledger, clock=clock, owner="test")
    await engine.start()
    return engine


async def test_a_closed_dm_is_remembered_and_not_tried_again_until_the_member_turns_nudges_on(
        uow_factory: UnitOfWorkFactory, database_engine: object) -> None:
    acme = await two_communities(uow_factory, members=2, at=START)
    await busy_fortnight(uow_factory, acme)
    clock = SimulatedClock(START)
    service = NudgeService(uow_factory, clock)
    messenger = RecordingMessenger(failing={"U1": [DeliveryError("DMs closed")]})
    engine = await engine_for(uow_factory, service, messenger, clock, database_engine)
    await engine.advance_to(START + timedelta(days=23), clock.set)
    assert messenger.attempts.count("U1") == 1  # tried once, remembered
    assert [member for member, _message in messenger.direct].count("U2") == 1
    member_one = acme.members[0].member
    async with uow_factory() as uow:
        wishes = await uow.nudges.wishes(acme.ana.workspace.id, member_one.id)
        assert wishes.dm_closed_at is not None
        closed = [r for r in await uow.nudges.awaiting(acme.ana.workspace.id, acme.ana.community.id)  # type: ignore[union-attr]
                  if r.member_id == member_one.id]
        assert closed == []  # not waiting for an answer: it never arrived
    await engine.advance_to(START + timedelta(days=45), clock.set)
    assert messenger.attempts.count("U1") == 1  # weeks later, still not tried again
    assert clock.now() - wishes.dm_closed_at < CLOSED_PAUSE

    await service.change_wishes(ChangeWishes(acme.members[0], off=False))  # /nudge me on
    await engine.advance_to(START + timedelta(days=50), clock.set)
    assert messenger.attempts.count("U1") == 2  # tried again, and delivered
    assert [member for member, _message in messenger.direct].count("U1") == 1


async def test_a_round_that_fails_for_now_sends_what_it_planned_once(uow_factory: UnitOfWorkFactory,
                                                                       database_engine: object) -> None:
    acme = await two_communities(uow_factory, members=3, at=START)
    await busy_fortnight(uow_factory, acme)
    clock = SimulatedClock(START)
    units = CountingUnits(uow_factory)
    service = NudgeService(units, clock)
    messenger = RecordingMessenger(failing={"U2": [TransientDeliveryError("rate limited")]})
    engine = await engine_for(uow_factory, service, messenger, clock, database_engine)
    await engine.advance_to(START + timedelta(days=21, hours=3), clock.set)
    delivered = [member for member, _message in messenger.direct]
    assert sorted(delivered) == ["U1", "U2", "U3"]  # U2 on the retry, and nobody twice
    assert messenger.attempts.count("U2") == 2
    async with uow_factory() as uow:
        workspace_id = acme.ana.workspace.id
        logged = [await uow.nudges.log_entry(workspace_id, n) for n in range(1, 40)]
    personal = [r for r in logged if r is not None and r.member_id is not None]
    assert len(personal) == 3  # the retry planned nothing new
    assert all(r.state is LogState.SENT for r in personal)
    # Every nudge names its log entry, so `/nudge why` finds it.
    for _member, message in messenger.direct:
        assert message.delivery_key.endswith(tuple(f"|{r.id}" for r in personal))

"""Core.handle: middleware order, the two kinds of error, and isolation of failing handlers."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.action_refs import ActionRefs, new_key
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.context import Defaults, EventContext, Route
from bot.core import Core
from bot.errors import UserError
from bot.events import Actor, CommandInvoked, InboundEvent, MemberJoined, MessagePosted
from bot.i18n import _
from bot.meetings.reminders import MeetingHooks
from bot.messages import Form, Message
from bot.middleware import check_permission, ignore_bots, rate_limit, resolve_community
from bot.permissions import Permission
from bot.polls.anonymity import BallotSealer
from bot.ratelimit import RateLimiter
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.services import build_services
from storage.database import create_engine_for
from storage.unit_of_work import SqlUnitOfWorkFactory

WS = WorkspaceRef(Platform.CONSOLE, "w1")
CHANNEL = ChannelRef(WS, "c1")
ANA = Actor(MemberRef(WS, "ana"), "ana")
BOT = Actor(MemberRef(WS, "hearth"), "Hearth", is_bot=True)
NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


@dataclass
class RecordingResponder:
    answers: list[Message] = field(default_factory=list)

    async def respond(self, message: Message) -> MessageRef | None:
        self.answers.append(message)
        return None

    async def open_form(self, form: Form) -> None:
        raise AssertionError("no forms here")


@dataclass
class Handler:
    name: str
    permission: Permission = Permission.ANYONE
    fail: Exception | None = None
    seen: list[EventContext] = field(default_factory=list)

    def match(self, event: InboundEvent) -> Route | None:
        return Route(self.name, self.run, self.permission, interactive=isinstance(event, CommandInvoked))

    async def run(self, ctx: EventContext) -> None:
        self.seen.append(ctx)
        if self.fail is not None:
            raise self.fail


def text_of(message: Message) -> str:
    return " ".join(
        part for block in message.blocks for part in getattr(getattr(block, "text", None), "parts", ())
        if isinstance(part, str)
    )


@pytest.fixture
async def make_core(sqlite_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine_for(sqlite_url)
    clock = SimulatedClock(NOW)

    def build(*handlers: Handler, capacity: int = 100) -> Core:
        uow = SqlUnitOfWorkFactory(engine)
        return Core(
            handlers=handlers,
            middleware=[ignore_bots, rate_limit(RateLimiter(clock, capacity=capacity, period=timedelta(minutes=1))),
                        resolve_community, check_permission],
            messenger=None,  # type: ignore[arg-type]
            translator=Catalogs.load(),
            clock=clock,
            uow=uow,
            defaults=Defaults(),
            services=build_services(uow, clock, None, MeetingHooks(), BallotSealer(bytes(32))),
            refs=ActionRefs(new_key()),
        )

    yield build
    await engine.dispose()


def command(actor: Actor = ANA) -> CommandInvoked:
    return CommandInvoked(actor=actor, channel=CHANNEL, at=NOW, command="x")


async def test_bots_and_hearth_itself_are_ignored(make_core) -> None:  # type: ignore[no-untyped-def]
    handler = Handler("h")
    core = make_core(handler)
    await core.handle(command(BOT), RecordingResponder())
    assert handler.seen == []


async def test_member_and_workspace_are_resolved_and_recorded(make_core) -> None:  # type: ignore[no-untyped-def]
    handler = Handler("h")
    core = make_core(handler)
    await core.handle(command(), RecordingResponder())
    ctx = handler.seen[0]
    assert ctx.workspace is not None and ctx.workspace.ref == WS
    assert ctx.member is not None and ctx.member.display_name == "ana"
    assert ctx.community is None
    await core.handle(command(Actor(ANA.member, "Ana R.")), RecordingResponder())
    assert handler.seen[1].member is not None and handler.seen[1].member.display_name == "Ana R."
    assert handler.seen[1].member.id == ctx.member.id


async def test_user_error_is_shown_privately_with_hint(make_core) -> None:  # type: ignore[no-untyped-def]
    core = make_core(Handler("h", fail=UserError(_("Not like that."), hint=_("Like this."))))
    responder = RecordingResponder()
    await core.handle(command(), responder)
    (answer,) = responder.answers
    assert answer.ephemeral
    assert text_of(answer) == "Not like that. Like this."


async def test_internal_error_is_logged_once_and_answered_with_an_apology(
    make_core, caplog: pytest.LogCaptureFixture  # type: ignore[no-untyped-def]
) -> None:
    core = make_core(Handler("h", fail=RuntimeError("boom")))
    responder = RecordingResponder()
    with caplog.at_level(logging.ERROR, logger="hearth.core"):
        await core.handle(command(), responder)
    (answer,) = responder.answers
    assert answer.ephemeral and "Sorry, something went wrong" in text_of(answer)
    assert "boom" not in text_of(answer)
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None


async def test_a_failing_handler_never_stops_the_others(make_core) -> None:  # type: ignore[no-untyped-def]
    first, second = Handler("first", fail=RuntimeError("boom")), Handler("second")
    core = make_core(first, second)
    event = MemberJoined(actor=ANA, at=NOW)
    responder = RecordingResponder()
    await core.handle(event, responder)
    assert len(first.seen) == 1 and len(second.seen) == 1
    assert responder.answers == []  # passive events never get an apology in chat


async def test_facilitator_route_refused_before_it_runs(make_core) -> None:  # type: ignore[no-untyped-def]
    handler = Handler("/x", permission=Permission.FACILITATOR)
    core = make_core(handler)
    responder = RecordingResponder()
    await core.handle(command(), responder)
    assert handler.seen == []
    assert "has none yet" in text_of(responder.answers[0])


async def test_admins_may_act_as_facilitators(make_core) -> None:  # type: ignore[no-untyped-def]
    handler = Handler("/x", permission=Permission.FACILITATOR)
    core = make_core(handler)
    await core.handle(command(Actor(ANA.member, "ana", is_admin=True)), RecordingResponder())
    assert len(handler.seen) == 1


async def test_rate_limit_applies_to_commands_not_to_messages(make_core) -> None:  # type: ignore[no-untyped-def]
    handler = Handler("h")
    core = make_core(handler, capacity=2)
    for _attempt in range(3):
        await core.handle(command(), RecordingResponder())
    assert len(handler.seen) == 2
    for index in range(5):
        responder = RecordingResponder()
        await core.handle(
            MessagePosted(actor=ANA, channel=CHANNEL, at=NOW, message=MessageRef(CHANNEL, f"m{index}")), responder,
        )
        assert responder.answers == []  # never asked to slow down
    # Outside every community a member's message reaches no passive handler: nothing to record.
    assert len(handler.seen) == 2


def test_message_posted_carries_no_text() -> None:
    fields = set(MessagePosted.__dataclass_fields__)
    assert not fields & {"text", "content", "body"}


async def test_a_passive_event_that_fails_before_its_handlers_is_never_answered(
    make_core, caplog: pytest.LogCaptureFixture  # type: ignore[no-untyped-def]
) -> None:
    handler = Handler("h")
    core = make_core(handler)
    too_long = ChannelRef(WS, "c" * 65)  # an id longer than Hearth keeps: refused before any handler runs
    responder = RecordingResponder()
    with caplog.at_level(logging.WARNING, logger="hearth.core"):
        await core.handle(MessagePosted(actor=ANA, channel=too_long, at=NOW, message=MessageRef(too_long, "m1")),
                          responder)
    assert handler.seen == [] and responder.answers == []  # an ordinary message: nothing said in chat
    assert any(record.getMessage().startswith("ignored MessagePosted") for record in caplog.records)
    await core.handle(CommandInvoked(actor=ANA, channel=too_long, at=NOW, command="x"), responder)
    assert "longer than Hearth keeps" in text_of(responder.answers[0])  # a command is still told

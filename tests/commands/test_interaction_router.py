"""Buttons and forms are routed by their stable ids; an id can be routed only once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.action_refs import ActionRef
from bot.context import EventContext
from bot.events import ActionInvoked, Actor, CommandInvoked, FormSubmitted
from bot.permissions import Permission
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from commands.router import InteractionRouter

WS = WorkspaceRef(Platform.CONSOLE, "w")
ACTOR = Actor(MemberRef(WS, "ana"), "ana")
CHANNEL = ChannelRef(WS, "c")
NOW = datetime(2026, 3, 27, tzinfo=UTC)


async def nothing(ctx: EventContext, ref: ActionRef) -> None:
    return None


async def plain(ctx: EventContext) -> None:
    return None


async def nothing_submitted(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    return None


def test_an_id_is_routed_once() -> None:
    router = InteractionRouter()
    router.on_action("a.b", nothing, kind="x")
    with pytest.raises(ValueError, match="already routed"):
        router.on_action("a.b", nothing, kind="x")
    with pytest.raises(ValueError, match="already routed"):
        router.on_plain_action("a.b", plain)
    router.on_form("a.b", nothing_submitted, kind="x")  # forms have their own ids
    with pytest.raises(ValueError, match="already routed"):
        router.on_form("a.b", nothing_submitted, kind="x")


def test_routes_carry_the_permission_and_ignore_other_events() -> None:
    router = InteractionRouter()
    router.on_plain_action("edit", plain, permission=Permission.FACILITATOR)
    router.on_form("settings", nothing_submitted, kind="x", permission=Permission.FACILITATOR)
    click = router.match(ActionInvoked(actor=ACTOR, channel=CHANNEL, at=NOW, action_id="edit"))
    submit = router.match(FormSubmitted(actor=ACTOR, channel=CHANNEL, at=NOW, form_id="settings"))
    assert click is not None and click.permission is Permission.FACILITATOR
    assert submit is not None and submit.permission is Permission.FACILITATOR
    stale = router.match(ActionInvoked(actor=ACTOR, channel=CHANNEL, at=NOW, action_id="gone"))
    assert stale is not None and stale.permission is Permission.ANYONE
    assert router.match(CommandInvoked(actor=ACTOR, channel=CHANNEL, at=NOW, command="hearth")) is None

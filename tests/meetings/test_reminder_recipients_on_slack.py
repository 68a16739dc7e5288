"""Reminder DMs on Slack, over its Web API: when Slack refuses one member's DM, for good or for now, the other
member going still gets theirs, and the retry of the occurrence sends no DM twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SimulatedClock
from bot.meetings.reminders import DIRECT
from bot.scheduling.ledger import DeliveryState
from tests.slack.slack_harness import SlackWorld, fresh_trigger, slack_world

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
MEETING = datetime(2026, 3, 24, 14, 0, tzinfo=UTC)  # Tuesday 15:00 in Brussels
MEMBERS = ("U0ANA", "U0BEN")


async def _both_going(world: SlackWorld) -> None:
    await world.command('setup --name "Data CoP" --tz Europe/Brussels')
    await world.drain()
    await world.command('schedule "CoP sync" every week on Tuesday at 15:00 --for 60m --remind none',
                        command="/meeting")
    await world.drain()
    for user in MEMBERS:
        await world.command("next", command="/meeting", user=user)
        await world.drain()
        shown = world.fake.calls_to("chat.postEphemeral")[-1]
        going = next(e for b in shown.params["blocks"] if b["type"] == "actions" for e in b["elements"])
        await world.interaction({
            "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": world.fake.team_id},
            "user": {"id": user, "team_id": world.fake.team_id}, "channel": {"id": "C0DATA"},
            "container": {"type": "message", "channel_id": "C0DATA", "is_ephemeral": True},
            "actions": [{"action_id": going["action_id"], "value": going["value"], "type": "button"}],
        })
        await world.drain()


def _reminded(world: SlackWorld) -> list[str]:
    """The members who got a reminder DM, by the DM channel it was posted in."""
    return sorted(
        world.fake.channels[call.text("channel")]["user"] for call in world.fake.calls_to("chat.postMessage")
        if call.text("text").startswith("Reminder: CoP sync starts")
    )


@pytest.mark.parametrize("refusal", ["user_not_found", "internal_error"])
async def test_one_members_dm_refused_by_slack_keeps_nobody_else_from_theirs(sqlite_url: str, refusal: str) -> None:
    clock = SimulatedClock(NOW)
    async with slack_world(sqlite_url, clock=clock) as world:
        await _both_going(world)
        engine = world.hearth.scheduler
        await engine.start()
        await engine.advance_to(MEETING - timedelta(hours=1, minutes=1), clock.set)
        world.fake.fail_next("conversations.open", error=refusal)  # the first member's DM, whoever it is
        await engine.advance_to(MEETING - timedelta(minutes=55), clock.set)
        (row,) = [row for row in await world.hearth.storage.ledger.recent(20) if row.occurrence.kind == DIRECT]
        handled = await world.hearth.storage.ledger.recipients_handled(row.occurrence)
        if refusal == "user_not_found":  # for good: the other member is reminded, the refused one not tried again
            assert len(_reminded(world)) == 1 and handled == set(MEMBERS)
            assert row.state is DeliveryState.SENT
            assert len(world.fake.calls_to("conversations.open")) == 2
        else:  # for now: the other member is reminded at once, the refused one by the retry 30 s later
            assert row.state is DeliveryState.SENT and row.attempts == 2
            assert _reminded(world) == sorted(MEMBERS)  # each once
            assert len(world.fake.calls_to("conversations.open")) == 3

"""Polls on Slack and Discord, over their protocols against the fake servers: the post with its option buttons, a
click that answers privately and rewrites the post with the new counts, and an anonymous poll that never puts a
voter next to a choice in anything sent to the platform."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.clock import SimulatedClock
from tests.discord.discord_harness import discord_world, option, subcommand
from tests.slack.slack_harness import fresh_trigger, slack_world

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


async def test_a_slack_poll_is_answered_with_its_buttons(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command('new "Which day?" "Monday" "Friday" --anonymous', command="/poll")
        await world.drain()
        message = next(m for (where, _ts), m in world.fake.messages.items()
                       if where == "C0DATA" and "poll.choose" in json.dumps(m))
        buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert [b["text"]["text"] for b in buttons] == ["Monday", "Friday"]
        for user in ("U0BEN", "U0CY", "U0DEE"):
            await world.interaction({
                "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": world.fake.team_id},
                "user": {"id": user, "team_id": world.fake.team_id}, "channel": {"id": "C0DATA"},
                "container": {"type": "message", "channel_id": "C0DATA", "message_ts": message["ts"]},
                "message": message,
                "actions": [{"action_id": buttons[1]["action_id"], "value": buttons[1]["value"], "type": "button"}],
            })
            await world.drain()
        confirmed = world.fake.calls_to("chat.postEphemeral")[-1]
        assert confirmed.params["user"] == "U0DEE" and "You chose Friday." in json.dumps(confirmed.params)
        updated = world.fake.calls_to("chat.update")[-1]
        shown = json.dumps(updated.params, ensure_ascii=False)
        assert "3 (100%) 2. Friday" in shown and "3 members answered" in shown
        # Nothing sent to the platform, other than each member's own confirmation, names a voter.
        for call in world.fake.calls_to("chat.update"):
            assert not any(user in json.dumps(call.params) for user in ("U0BEN", "U0CY", "U0DEE"))


async def test_a_discord_poll_is_answered_with_its_buttons(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))
        posted = await world.answer(await world.command("poll", subcommand(
            "rating", option("question", "How useful was today?"), option("scale", "10"))))
        rows = posted["data"]["components"]
        labels = [button["label"] for row in rows for button in row["components"]]
        assert labels == [str(n) for n in range(1, 11)] and len(rows) == 2
        message = world.fake.interaction_responses[list(world.fake.interaction_responses)[-1]]
        click = await world.click(message, rows[1]["components"][3]["custom_id"])  # 9
        answer = await world.answer(click)
        assert answer["type"] in (4, 7)
        assert "9" in json.dumps(answer["data"], ensure_ascii=False)

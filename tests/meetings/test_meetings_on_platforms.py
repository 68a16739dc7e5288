"""Meetings on Slack and Discord, over their protocols: the announcement with native dates, RSVP buttons that
work, and the meetings section of Slack's App Home."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from bot.clock import SimulatedClock
from tests.discord.discord_harness import discord_world, option, subcommand
from tests.slack.slack_harness import fresh_trigger, slack_world

SCHEDULE = '"CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m --link https://meet.example.org/cop'
NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)


async def test_slack_shows_native_dates_rsvp_buttons_and_the_home_section(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command(f"schedule {SCHEDULE}", command="/meeting")
        await world.drain()
        posted = world.fake.calls_to("chat.postMessage")[-1]
        text = json.dumps(posted.params["blocks"])
        # 24 March 15:00 in Brussels is 14:00 UTC; Slack shows it in each reader's zone.
        assert f"<!date^{int(datetime(2026, 3, 24, 14, 0, tzinfo=UTC).timestamp())}^" in text
        await world.command("next", command="/meeting", user="U0BEN")
        await world.drain()
        shown = world.fake.calls_to("chat.postEphemeral")[-1]
        buttons = [e for b in shown.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert [b["text"]["text"] for b in buttons] == ["Going", "Maybe", "Not going"]
        going = buttons[0]
        await world.interaction({
            "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": world.fake.team_id},
            "user": {"id": "U0BEN", "team_id": world.fake.team_id}, "channel": {"id": "C0DATA"},
            "container": {"type": "message", "channel_id": "C0DATA", "is_ephemeral": True},
            "actions": [{"action_id": going["action_id"], "value": going["value"], "type": "button"}],
        })
        await world.drain()
        confirmed = world.fake.calls_to("chat.postEphemeral")[-1]
        assert "You are going to CoP sync" in json.dumps(confirmed.params)
        await world.event({"type": "app_home_opened", "user": "U0BEN", "channel": "D0BEN", "tab": "home"}, "EvH1")
        await world.drain()
        (published,) = world.fake.calls_to("views.publish")
        home = json.dumps(published.params["view"], ensure_ascii=False)
        assert "Next meetings" in home and "CoP sync" in home and "you are going" in home


async def test_discord_shows_native_timestamps_and_rsvp_buttons_that_work(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))
        scheduled = await world.answer(await world.command("meeting", subcommand(
            "schedule", option("title", "CoP sync"), option("when", "every 2 weeks on Tuesday at 15:00"),
            option("for", "60m"), option("link", "https://meet.example.org/cop"))))
        moment = int(datetime(2026, 3, 24, 14, 0, tzinfo=UTC).timestamp())
        assert f"<t:{moment}:F>" in json.dumps(scheduled["data"])
        shown = await world.answer(await world.command("meeting", subcommand("next")))
        [row] = shown["data"]["components"]
        labels = [button["label"] for button in row["components"]]
        assert labels == ["Going", "Maybe", "Not going"]
        message = world.fake.interaction_responses[list(world.fake.interaction_responses)[-1]]
        click = await world.click(message, row["components"][0]["custom_id"])
        answer = await world.answer(click)
        assert answer["type"] == 4 and "You are going to CoP sync" in answer["data"]["content"]
        assert re.search(r"<t:\d+:F>", answer["data"]["content"])
        assert timedelta(0) < datetime.fromtimestamp(moment, UTC) - NOW


async def test_discord_mirrors_the_next_meeting_as_a_scheduled_event(sqlite_url: str) -> None:
    env = {"DISCORD_SCHEDULED_EVENTS": "on"}
    async with discord_world(sqlite_url, clock=SimulatedClock(NOW), env=env) as world:
        fake = world.fake
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))
        await world.answer(await world.command("meeting", subcommand(
            "schedule", option("title", "CoP sync"), option("when", "every 2 weeks on Tuesday at 15:00"),
            option("link", "https://meet.example.org/cop"))))
        [event] = fake.scheduled_events.values()
        assert (event["name"], event["entity_type"], event["privacy_level"]) == ("CoP sync", 3, 2)
        assert event["entity_metadata"] == {"location": "https://meet.example.org/cop"}
        assert datetime.fromisoformat(event["scheduled_start_time"]) == datetime(2026, 3, 24, 14, 0, tzinfo=UTC)

        await world.answer(await world.command("meeting", subcommand("move", option("to", "2026-03-25 16:00"))))
        [moved] = fake.scheduled_events.values()
        assert moved["id"] == event["id"]
        assert datetime.fromisoformat(moved["scheduled_start_time"]) == datetime(2026, 3, 25, 15, 0, tzinfo=UTC)

        await world.answer(await world.command("meeting", subcommand("end")))
        assert fake.scheduled_events == {}


async def test_the_discord_event_moves_on_to_the_following_meeting_when_one_ends(sqlite_url: str) -> None:
    clock = SimulatedClock(NOW)
    async with discord_world(sqlite_url, clock=clock, env={"DISCORD_SCHEDULED_EVENTS": "on"}) as world:
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))
        await world.answer(await world.command("meeting", subcommand(
            "schedule", option("title", "CoP sync"), option("when", "every 2 weeks on Tuesday at 15:00"))))
        await world.hearth.scheduler.start()
        await world.hearth.scheduler.advance_to(datetime(2026, 3, 24, 16, 0, tzinfo=UTC), clock.set)
        [event] = world.fake.scheduled_events.values()
        # 7 April 15:00 in Brussels is 13:00 UTC: summer time started on 29 March.
        assert datetime.fromisoformat(event["scheduled_start_time"]) == datetime(2026, 4, 7, 13, 0, tzinfo=UTC)

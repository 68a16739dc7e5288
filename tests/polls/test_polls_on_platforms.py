"""Polls on Slack and Discord, over their protocols against the fake servers: the post with its option buttons, a
click that answers privately and rewrites the post with the new counts, and an anonymous poll that never puts a
voter next to a choice in anything sent to the platform."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from bot.clock import SimulatedClock
from tests.discord.discord_harness import discord_world, option, subcommand
from tests.slack.slack_harness import buttons, fresh_trigger, slack_world

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


async def test_a_slack_poll_is_answered_with_its_buttons(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command('new "Which day?" "Monday" "Friday" --anonymous', command="/poll")
        await world.drain()
        message = world.posted("poll.choose")
        choices = buttons(message)
        assert [b["text"]["text"] for b in choices] == ["Monday", "Friday"]
        for user in ("U0BEN", "U0CY", "U0DEE"):
            await world.click(message, choices[1], user=user)
            await world.drain()
        confirmed = world.fake.calls_to("chat.postEphemeral")[-1]
        assert confirmed.params["user"] == "U0DEE" and "You chose Friday." in json.dumps(confirmed.params)
        updated = world.fake.calls_to("chat.update")[-1]
        shown = json.dumps(updated.params, ensure_ascii=False)
        assert "3 (100%) 2. Friday" in shown and "3 members answered" in shown
        # Nothing sent to the platform, other than each member's own confirmation, names a voter.
        for call in world.fake.calls_to("chat.update"):
            assert not any(user in json.dumps(call.params) for user in ("U0BEN", "U0CY", "U0DEE"))



async def test_a_storm_of_clicks_on_slack_rewrites_the_post_a_few_times_ending_with_every_vote(sqlite_url: str,
                                                                                            ) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command('new "Which day?" "Monday" "Friday"', command="/poll")
        await world.drain()
        message = world.posted("poll.choose")
        friday = buttons(message)[1]
        members = [f"U0M{n:02d}" for n in range(30)]
        await asyncio.gather(*(world.click(message, friday, user=user) for user in members))
        await world.drain()
        confirmed = {call.params["user"] for call in world.fake.calls_to("chat.postEphemeral")
                     if "You chose Friday." in json.dumps(call.params)}
        assert confirmed == set(members)  # each member's own confirmation
        updates = world.fake.calls_to("chat.update")
        assert 1 <= len(updates) < 30  # edits that came while one was sent waited; only the newest went
        assert "30 members answered" in json.dumps(updates[-1].params, ensure_ascii=False)

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


async def test_a_slack_survey_is_answered_in_a_modal_with_menus(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command("survey session", command="/poll")
        await world.drain()
        message = world.posted("poll.survey")
        [button] = buttons(message)
        assert button["text"]["text"] == "Answer the survey"
        await world.click(message, button, user="U0BEN")
        await world.drain()
        [opened] = world.fake.calls_to("views.open")
        view = opened.params["view"] if isinstance(opened.params["view"], dict) else json.loads(opened.params["view"])
        inputs = [block for block in view["blocks"] if block["type"] == "input"]
        assert [block["block_id"] for block in inputs] == ["q0", "q1", "q2", "q3"]
        rating = inputs[2]["element"]
        assert rating["type"] == "static_select"
        assert [option["value"] for option in rating["options"]] == ["1", "2", "3", "4", "5"]
        await world.interaction({
            "type": "view_submission", "team": {"id": world.fake.team_id},
            "user": {"id": "U0BEN", "team_id": world.fake.team_id}, "trigger_id": fresh_trigger(),
            "view": {"id": "V0001", "type": "modal", "callback_id": view["callback_id"],
                     "private_metadata": view["private_metadata"],
                     "state": {"values": {
                         "q0": {"q0": {"type": "plain_text_input", "value": "The pace"}},
                         "q1": {"q1": {"type": "plain_text_input", "value": None}},
                         "q2": {"q2": {"type": "static_select", "selected_option": {"value": "4"}}},
                         "q3": {"q3": {"type": "plain_text_input", "value": "Pair review"}},
                     }}},
        })
        await world.drain()
        confirmed = world.fake.calls_to("chat.postEphemeral")[-1]
        assert confirmed.params["user"] == "U0BEN" and "Your answers are kept." in json.dumps(confirmed.params)


async def test_a_discord_survey_is_answered_in_a_modal_of_text_fields(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))
        posted = await world.answer(await world.command("poll", subcommand(
            "survey", option("template", "compass"))))
        [row] = posted["data"]["components"]
        [button] = row["components"]
        assert button["label"] == "Answer the survey"
        message = world.fake.interaction_responses[list(world.fake.interaction_responses)[-1]]
        modal = await world.answer(await world.click(message, button["custom_id"]))
        assert modal["type"] == 9
        form = modal["data"]
        fields = [row["components"][0] for row in form["components"]]
        assert [field["custom_id"] for field in fields] == ["q0", "q1", "q2", "q3", "q4"]
        assert all(len(field["label"]) <= 45 for field in fields)
        submitted = world.fake.interaction_payload(interaction_type=5, data={
            "custom_id": form["custom_id"],
            "components": [{"type": 1, "components": [{"type": 4, "custom_id": f"q{n}", "value": value}]}
                           for n, value in enumerate(("2", "4", " 5 ", "1", "3"))],
        })
        await world.fake.dispatch("INTERACTION_CREATE", submitted)
        saved = await world.answer(submitted)
        shown = json.dumps(saved["data"], ensure_ascii=False)
        assert "Your answers are kept." in shown and "Your compass" in shown
        assert saved["data"].get("flags", 0) & 64  # only the member who answered sees the reading


async def test_the_slack_home_lists_the_open_polls_awaiting_the_members_answer(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command('new "Which day?" "Monday" "Friday" --closes 3d', command="/poll")
        await world.command('rating "How useful was it?" --anonymous', command="/poll")
        await world.drain()
        message = next(m for (where, _ts), m in world.fake.messages.items()
                       if where == "C0DATA" and "Which day?" in json.dumps(m) and "poll.choose" in json.dumps(m))
        await world.event({"type": "app_home_opened", "user": "U0BEN", "channel": "D0BEN", "tab": "home"}, "EvH1")
        await world.drain()
        home = json.dumps(world.fake.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)
        assert "Polls awaiting your answer" in home and "Which day?" in home and "How useful was it?" in home
        await world.click(message, buttons(message)[0], user="U0BEN")
        await world.drain()
        await world.event({"type": "app_home_opened", "user": "U0BEN", "channel": "D0BEN", "tab": "home"}, "EvH2")
        await world.drain()
        home = json.dumps(world.fake.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)
        assert "Which day?" not in home and "How useful was it?" in home

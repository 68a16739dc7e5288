"""Reminders of unanswered polls by direct message: once, to the members who have not answered, never to one who
turned them off or is in their quiet hours, for anonymous polls without telling anyone who answered; over the
console and over Slack's protocol against the fake server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.console.workspace import Output
from bot.clock import SimulatedClock
from tests.console_harness import Transcript, transcript
from tests.discord.discord_harness import discord_world, option, subcommand
from tests.discord.fake_discord import FakeDiscord
from tests.slack.slack_harness import buttons, slack_world

START = """
clock 2026-12-02T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"
as ben
/poll list
as cy
/poll list
as dee
/poll list
as eve
/poll list
"""


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(START)
        yield running


def reminders(outputs: list[Output]) -> list[str | None]:
    return sorted(o.to for o in outputs if o.kind == "dm" and "you have not answered yet" in o.text)


async def test_a_reminder_goes_once_to_those_who_have_not_answered(t: Transcript) -> None:
    await t.run("as dee\n/poll remind off")
    await t.run("as eve\n/meeting remind quiet 08:00-12:00")
    posted = await t.one('as ana\n/poll new "Which day?" "Monday" "Friday" --anonymous --closes 3d --remind 1d')
    await t.run(f"as ben\nclick {posted.id} Monday")
    early = await t.run("until 2026-12-04T08:30")
    assert reminders(early) == []
    outputs = await t.run("until 2026-12-04T09:05")  # a day before 09:00 on the 5th, Brussels time
    # Ana (the author) and Cy have not answered; Ben has (anonymously), Dee turned reminders off, Eve is in her
    # quiet hours.
    assert reminders(outputs) == ["ana", "cy"]
    text = next(o.text for o in outputs if o.kind == "dm" and o.to == "cy")
    assert "Poll 1 in" in text and "Which day?" in text and "/poll remind off" in text
    assert "ben" not in text
    later = await t.run("until 2026-12-05T10:00")
    assert reminders(later) == []


async def test_a_reminder_needs_a_closing_time_and_fits_in_it(t: Transcript) -> None:
    refused = await t.one('as ana\n/poll new "Which day?" "Monday" "Friday" --remind 1d')
    assert refused.text.startswith("A reminder comes before the poll closes: give --closes as well.")
    refused = await t.one('/poll new "Which day?" "Monday" "Friday" --closes 1d --remind 2d')
    assert refused.text.startswith("--remind is a length of time before the poll closes")
    assert "No polls yet" in (await t.one("/poll list")).text


async def test_members_turn_reminders_back_on(t: Transcript) -> None:
    off = await t.one("as cy\n/poll remind off")
    assert off.kind == "ephemeral" and off.text.startswith("No more reminders of polls")
    on = await t.one("/poll remind on")
    assert on.text.startswith("You get a reminder by direct message")
    await t.run('as ana\n/poll open "What next?" --closes 2d --remind 1h')
    outputs = await t.run("until 2026-12-04T09:05")
    assert "cy" in reminders(outputs)


async def test_slack_reminds_the_channels_members_who_have_not_answered(sqlite_url: str) -> None:
    clock = SimulatedClock(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    async with slack_world(sqlite_url, clock=clock) as world:
        world.fake.channel_members["C0DATA"] = [f"U0M{n:03d}" for n in range(250)] + ["U0BEN"]
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.command('new "Which day?" "Monday" "Friday" --closes 2d --remind 1d', command="/poll")
        await world.drain()
        message = world.posted("poll.choose")
        button = buttons(message)[0]
        await world.click(message, button, user="U0BEN")
        await world.drain()
        await world.hearth.scheduler.start()
        await world.hearth.scheduler.advance_to(datetime(2026, 12, 3, 8, 5, tzinfo=UTC), clock.set)
        await world.drain()
        opened = sorted(call.params["users"] for call in world.fake.calls_to("conversations.open"))
        assert len(opened) == 250 and "U0BEN" not in opened and world.fake.bot_user_id not in opened
        assert len(world.fake.calls_to("conversations.members")) == 2  # 252 members, pages of 200


async def test_discord_reminds_the_servers_members_who_can_read_the_channel(sqlite_url: str) -> None:
    clock = SimulatedClock(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    async with FakeDiscord() as fake:
        fake.guild_members = [fake.member_payload(fake.user_payload(f"90000000000000000{n}", f"m{n}"))
                              for n in range(3)]
        fake.guild_members.append(fake.member_payload(fake.user_payload("800000000000000001", "helper", bot=True)))
        async with discord_world(sqlite_url, fake=fake, clock=clock) as world:
            await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))
            posted = await world.answer(await world.command("poll", subcommand(
                "open", option("question", "What next?"), option("closes", "2d"), option("remind", "1d"))))
            assert "What next?" in json.dumps(posted), posted
            await world.hearth.scheduler.start()
            await world.hearth.scheduler.advance_to(datetime(2026, 12, 3, 8, 5, tzinfo=UTC), clock.set)
            opened = await fake.wait_for("POST", "/users/@me/channels", count=3)
            recipients = sorted(str(call.json["recipient_id"]) for call in opened)
            assert recipients == [f"90000000000000000{n}" for n in range(3)]

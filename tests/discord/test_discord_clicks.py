"""Clicks over Discord's real protocol: a button of another community's series or topic, clicked in this community's
channel, is refused and changes nothing; garbled, forged and foreign custom ids answer "That button no longer works"
with no traceback; an RSVP rewrites only a message Hearth made for the same series."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clock import SimulatedClock
from bot.meetings.messages import SERIES_REF
from bot.refs import ChannelRef, Platform, WorkspaceRef
from commands.hearth.common import COMMUNITY_REF
from tests.discord.discord_harness import DiscordWorld, discord_world, group, option, subcommand
from tests.references import community_of, reference

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
MEETING = datetime(2026, 3, 24, 14, 0, tzinfo=UTC)  # 24 March 15:00 in Brussels
REMINDED = datetime(2026, 3, 23, 14, 1, tzinfo=UTC)  # the channel reminder a day before posts the announcement
GARBLED = ["²", "1" * 80, "99999999999999999999", "1:99999999999999:going", "ms.1.1.0.0.AAAAAAAAAAAAAAAA",
           "1:1774360800:going", "1"]  # the last two: an RSVP and a vote button as Hearth made them before references
EPHEMERAL = 64


@dataclass
class Guild:
    world: DiscordWorld
    data: str  # the public community's channel
    private: str  # the private community's channel

    @contextmanager
    def inside(self, channel: str) -> Iterator[None]:
        """Interactions made meanwhile come from `channel`."""
        fake, before = self.world.fake, self.world.fake.channel_id
        fake.channel_id = channel
        try:
            yield
        finally:
            fake.channel_id = before

    async def run(self, channel: str, name: str, *options: Any) -> dict[str, Any]:
        with self.inside(channel):
            return await self.world.answer(await self.world.command(name, *options))

    async def click(self, message: dict[str, Any], custom_id: str) -> dict[str, Any]:
        """Click `custom_id` on `message` in the public channel; the callback's data. Discord delivers only clicks on
        components a message has, so a custom id `message` lacks is added to it as one more button."""
        ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
        if custom_id not in ids:
            extra = {"type": 2, "style": 2, "label": "extra", "custom_id": custom_id}
            message = {**message, "components": [*message["components"], {"type": 1, "components": [extra]}]}
        with self.inside(self.data):
            answer = await self.world.answer(await self.world.click(message, custom_id))
        await self.world.adapter.in_flight.wait_idle()  # what the click does after answering (an update) is done
        assert answer["type"] == 4, answer
        data: dict[str, Any] = answer["data"]
        return data

    def announcement(self, channel: str, title: str) -> dict[str, Any]:
        for message in self.world.fake.messages.values():
            if message["channel_id"] == channel and title in json.dumps(message) and message["components"]:
                return message
        raise AssertionError(f"no announcement of {title} in {channel}")

    def channel(self, channel: str) -> ChannelRef:
        return ChannelRef(WorkspaceRef(Platform.DISCORD, self.world.fake.guild_id), channel)

    async def rsvps(self, channel: str, title: str) -> dict[str, Any]:
        community = await community_of(self.world.hearth, self.channel(channel))
        async with self.world.hearth.uow(read_only=True) as uow:
            [series] = [s for s in await uow.meetings.series_of(community.workspace_id, community.id)
                        if s.title == title]
            return dict(await uow.meetings.rsvps(community.workspace_id, series.id, MEETING))

    def edits(self, message: dict[str, Any]) -> list[Any]:
        return self.world.fake.calls_to("PATCH", rf"/channels/{message['channel_id']}/messages/{message['id']}")


def custom_id(message: dict[str, Any], label: str) -> str:
    return str(next(c["custom_id"] for row in message["components"] for c in row["components"] if c["label"] == label))


def schedule(title: str) -> dict[str, Any]:
    return subcommand("schedule", option("title", title), option("when", "every 2 weeks on Tuesday at 15:00"),
                      option("for", "60m"))


@pytest.fixture
async def guild(database_url: str) -> AsyncIterator[Guild]:
    """Data CoP in the fake's channel with "CoP sync" and "Book club", a private community in a second channel with
    "Secret reorg plan for Q3" and an agenda topic; every series' channel reminder posted."""
    clock = SimulatedClock(NOW)
    async with discord_world(database_url, clock=clock) as world:
        fake = world.fake
        private = fake.snowflake()
        fake.channels[private] = {**fake.channels[fake.channel_id], "id": private, "name": "private"}
        at = Guild(world, fake.channel_id, private)
        for channel, name in ((at.data, "Data CoP"), (private, "Private CoP")):
            await at.run(channel, "hearth", subcommand("setup", option("name", name), option("tz", "Europe/Brussels")))
        await at.run(at.data, "meeting", schedule("CoP sync"))
        await at.run(at.data, "meeting", schedule("Book club"))
        await at.run(private, "meeting", schedule("Secret reorg plan for Q3"))
        topic = option("topic", "Layoffs in the data team")
        await at.run(private, "meeting", group("agenda", subcommand("add", topic)))
        await world.hearth.scheduler.start()
        await world.hearth.scheduler.advance_to(REMINDED, clock.set)
        yield at


async def test_an_rsvp_of_another_communitys_series_is_refused_and_rewrites_nothing(guild: Guild) -> None:
    public = guild.announcement(guild.data, "CoP sync")
    secret = guild.announcement(guild.private, "Secret reorg plan for Q3")
    value = custom_id(secret, "Going")

    answer = await guild.click(public, value)

    assert answer["flags"] & EPHEMERAL and "belongs to another community" in answer["content"]
    assert "Secret reorg" not in json.dumps(answer)
    assert await guild.rsvps(guild.private, "Secret reorg plan for Q3") == {}
    assert guild.edits(public) == []


async def test_a_vote_for_another_communitys_topic_is_refused_and_changes_nothing(guild: Guild) -> None:
    shown = await guild.run(guild.private, "meeting", group("agenda", subcommand("show")))
    [row] = shown["data"]["components"]
    [vote] = row["components"]
    message = guild.world.fake.interaction_responses[list(guild.world.fake.interaction_responses)[-1]]

    answer = await guild.click(message, vote["custom_id"])

    assert answer["flags"] & EPHEMERAL and "belongs to another community" in answer["content"]
    assert "Layoffs" not in json.dumps(answer)
    community = await community_of(guild.world.hearth, guild.channel(guild.private))
    async with guild.world.hearth.uow(read_only=True) as uow:
        [series] = await uow.meetings.series_of(community.workspace_id, community.id)
        [item] = await uow.meetings.agenda(community.workspace_id, series.id, MEETING)
    assert item.votes == frozenset()


async def test_garbled_forged_and_foreign_custom_ids_answer_that_the_button_no_longer_works(
        guild: Guild, caplog: pytest.LogCaptureFixture) -> None:
    public = guild.announcement(guild.data, "CoP sync")
    going = custom_id(public, "Going")
    flipped = going[:-1] + ("A" if going[-1] != "A" else "B")
    community = await community_of(guild.world.hearth, guild.channel(guild.data))
    foreign = reference(guild.world.hearth, community, SERIES_REF, 1, int(MEETING.timestamp()), 0,
                        workspace_id=community.workspace_id + 1)
    values = [f"meeting.rsvp|{value}"[:100] for value in (*GARBLED, foreign)]

    with caplog.at_level(logging.INFO):
        for value in (*values, flipped):
            answer = await guild.click(public, value)
            assert answer["flags"] & EPHEMERAL, value
            assert "That button no longer works. Use /meeting next." in answer["content"], value
        for value in GARBLED:
            answer = await guild.click(public, f"meeting.agenda.vote|{value}"[:100])
            assert "That button no longer works. Use /meeting agenda show." in answer["content"], value

    assert not [r for r in caplog.records if r.exc_info or r.levelno > logging.INFO], caplog.text
    assert all(value not in caplog.text for value in (flipped, foreign, "99999999999999999999"))
    assert await guild.rsvps(guild.data, "CoP sync") == {}
    assert guild.edits(public) == []


async def test_an_rsvp_rewrites_only_a_message_made_for_its_series(guild: Guild) -> None:
    sync = guild.announcement(guild.data, "CoP sync")
    book_club = guild.announcement(guild.data, "Book club")

    answer = await guild.click(sync, custom_id(book_club, "Going"))
    assert "You are going to Book club" in answer["content"]
    assert await guild.rsvps(guild.data, "Book club") != {}
    assert guild.edits(sync) == []

    answer = await guild.click(sync, custom_id(sync, "Maybe"))
    assert "You might come to CoP sync" in answer["content"]
    [edit] = guild.edits(sync)
    assert "CoP sync" in json.dumps(edit.json) and "Maybe: 1" in json.dumps(edit.json)


async def test_a_settings_form_of_another_community_or_with_a_garbled_state_changes_nothing(guild: Guild) -> None:
    fake, hearth = guild.world.fake, guild.world.hearth
    private = await community_of(hearth, guild.channel(guild.private))
    theirs = f"hearth.settings:{reference(hearth, private, COMMUNITY_REF, private.id)}"
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "name", "value": "Renamed"}]}]
    answers = []
    for custom, components in ((theirs, rows), ("hearth.settings:²", rows), ("hearth.settings:42", rows),
                               ("nothing-of-hearth", rows), (theirs, {"not": "a list"})):
        with guild.inside(guild.data):
            submitted = fake.interaction_payload(interaction_type=5, data={"custom_id": custom,
                                                                           "components": components})
            await fake.dispatch("INTERACTION_CREATE", submitted)
            answer = await guild.world.answer(submitted)
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL, custom
        answers.append(answer["data"]["content"])

    assert "belongs to another community" in answers[0]
    assert all("no longer does anything" in answer for answer in answers[1:4])
    assert "belongs to another community" in answers[4]
    data = await community_of(hearth, guild.channel(guild.data))
    assert (data.name, (await community_of(hearth, guild.channel(guild.private))).name) == ("Data CoP", "Private CoP")


async def test_an_rsvp_on_a_reminder_keeps_its_heading_and_everything_else_it_said(guild: Guild) -> None:
    reminder = guild.announcement(guild.data, "CoP sync")
    assert reminder["content"].startswith("## Reminder: CoP sync starts <t:")
    *details, who_comes = reminder["embeds"]

    await guild.click(reminder, custom_id(reminder, "Going"))
    [edit] = guild.edits(reminder)
    assert edit.json["content"] == reminder["content"]
    assert edit.json["embeds"][:-1] == details
    assert edit.json["components"] == reminder["components"]
    assert edit.json["embeds"][-1]["description"].startswith("-# Going: 1 · Maybe: 0 · Not going: 0\n-# Going: <@")
    assert who_comes["description"] == "-# Going: 0 · Maybe: 0 · Not going: 0"

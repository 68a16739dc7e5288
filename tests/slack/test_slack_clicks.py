"""Clicks over Slack's real protocol: a button of another community's series or topic, clicked in this community's
channel, is refused and changes nothing; garbled, forged and foreign values answer "That button no longer works"
with no traceback; an RSVP rewrites only a message Hearth made for the same series."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.slack.inbound import form_metadata
from bot.clock import SimulatedClock
from bot.meetings.messages import SERIES_REF
from bot.refs import ChannelRef, Platform, WorkspaceRef
from commands.hearth.common import COMMUNITY_REF
from tests.references import community_of, reference
from tests.slack.slack_harness import TEAM, SlackWorld, fresh_trigger, slack_world

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
# 24 March 15:00 in Brussels is 14:00 UTC; the channel reminder a day before posts the announcement.
MEETING = datetime(2026, 3, 24, 14, 0, tzinfo=UTC)
REMINDED = datetime(2026, 3, 23, 14, 1, tzinfo=UTC)
GARBLED = ["²", "1" * 5000, "99999999999999999999", "1:99999999999999:going", "", "ms.1.1.0.0.AAAAAAAAAAAAAAAA",
           "1:1774360800:going", "1"]  # the last two: an RSVP and a vote button as Hearth made them before references


@dataclass
class Posted:
    """An announcement Hearth posted in a channel: the message as Slack stores it, and its buttons."""

    channel: str
    message: dict[str, Any]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]

    def value(self, label: str) -> str:
        return str(next(b["value"] for b in self.buttons if b["text"]["text"] == label))


@dataclass
class Communities:
    world: SlackWorld
    clock: SimulatedClock

    async def run(self, text: str, *, channel: str, command: str = "/meeting", user: str = "U0ANA") -> None:
        await self.world.command(text, channel=channel, command=command, user=user)
        await self.world.drain()

    async def click(self, posted: Posted | None, channel: str, action_id: str, value: str, *,
                    user: str = "U0BEN") -> str:
        """Click `action_id` carrying `value` in `channel`, on `posted` (None: an ephemeral message); the answer."""
        before = len(self.world.fake.calls_to("chat.postEphemeral"))
        payload: dict[str, Any] = {
            "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM}, "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": posted is None},
            "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        }
        if posted is not None:
            payload["container"]["message_ts"] = posted.message["ts"]
            payload["message"] = posted.message
        await self.world.interaction(payload)
        await self.world.drain()
        whispers = self.world.fake.calls_to("chat.postEphemeral")[before:]
        assert len(whispers) == 1, whispers
        return json.dumps(whispers[0].params, ensure_ascii=False)

    def announcement(self, channel: str, title: str) -> Posted:
        for (where, _ts), message in self.world.fake.messages.items():
            if where == channel and title in json.dumps(message) and "meeting.rsvp" in json.dumps(message):
                return Posted(channel, message)
        raise AssertionError(f"no announcement of {title} in {channel}")

    async def rsvps(self, channel: str, title: str) -> dict[str, Any]:
        community = await community_of(self.world.hearth, self._channel(channel))
        async with self.world.hearth.uow(read_only=True) as uow:
            [series] = [s for s in await uow.meetings.series_of(community.workspace_id, community.id)
                        if s.title == title]
            return dict(await uow.meetings.rsvps(community.workspace_id, series.id, MEETING))

    async def votes(self, channel: str, title: str) -> list[frozenset[str]]:
        community = await community_of(self.world.hearth, self._channel(channel))
        async with self.world.hearth.uow(read_only=True) as uow:
            [series] = [s for s in await uow.meetings.series_of(community.workspace_id, community.id)
                        if s.title == title]
            return [item.votes for item in await uow.meetings.agenda(community.workspace_id, series.id, MEETING)]

    def _channel(self, channel: str) -> ChannelRef:
        return ChannelRef(WorkspaceRef(Platform.SLACK, TEAM), channel)


@pytest.fixture
async def two_communities(database_url: str) -> AsyncIterator[Communities]:
    """Data CoP in C0DATA with "CoP sync" and "Book club", a private community in C0PRIV with "Secret reorg plan for
    Q3" and an agenda topic; every series' channel reminder posted."""
    clock = SimulatedClock(NOW)
    async with slack_world(database_url, clock=clock) as world:
        setup = Communities(world, clock)
        await setup.run('setup --name "Data CoP" --tz Europe/Brussels', channel="C0DATA", command="/hearth")
        await setup.run('setup --name "Private CoP" --tz Europe/Brussels', channel="C0PRIV", command="/hearth")
        for channel, title in (("C0DATA", "CoP sync"), ("C0DATA", "Book club"),
                               ("C0PRIV", "Secret reorg plan for Q3")):
            await setup.run(f'schedule "{title}" every 2 weeks on Tuesday at 15:00 --for 60m', channel=channel)
        await setup.run('agenda add "Layoffs in the data team" --series "Secret reorg plan for Q3"', channel="C0PRIV")
        await world.hearth.scheduler.start()
        await world.hearth.scheduler.advance_to(REMINDED, clock.set)
        await world.drain()
        yield setup


async def test_an_rsvp_of_another_communitys_series_is_refused_and_changes_nothing(
        two_communities: Communities) -> None:
    at = two_communities
    public = at.announcement("C0DATA", "CoP sync")
    secret = at.announcement("C0PRIV", "Secret reorg plan for Q3")
    updates = len(at.world.fake.calls_to("chat.update"))

    answer = await at.click(public, "C0DATA", "meeting.rsvp", secret.value("Going"))

    assert "belongs to another community" in answer and "Secret reorg" not in answer
    assert await at.rsvps("C0PRIV", "Secret reorg plan for Q3") == {}
    assert len(at.world.fake.calls_to("chat.update")) == updates
    assert at.announcement("C0DATA", "CoP sync").message == public.message


async def test_a_vote_for_another_communitys_topic_is_refused_and_changes_nothing(
        two_communities: Communities) -> None:
    at = two_communities
    await at.run('agenda show --series "Secret reorg plan for Q3"', channel="C0PRIV", user="U0BEN")
    shown = at.world.fake.calls_to("chat.postEphemeral")[-1]
    [vote] = [e for b in shown.params["blocks"] if b["type"] == "actions" for e in b["elements"]]

    answer = await at.click(None, "C0DATA", "meeting.agenda.vote", vote["value"])

    assert "belongs to another community" in answer and "Layoffs" not in answer
    assert await at.votes("C0PRIV", "Secret reorg plan for Q3") == [frozenset()]
    voted = await at.click(None, "C0PRIV", "meeting.agenda.vote", vote["value"])  # where it belongs, it counts
    assert "You upvoted Layoffs in the data team." in voted


async def test_garbled_forged_and_foreign_values_answer_that_the_button_no_longer_works(
        two_communities: Communities, caplog: pytest.LogCaptureFixture) -> None:
    at = two_communities
    public = at.announcement("C0DATA", "CoP sync")
    going = public.value("Going")
    community = await community_of(at.world.hearth, at._channel("C0DATA"))
    flipped = going[:-1] + ("A" if going[-1] != "A" else "B")
    foreign = reference(at.world.hearth, community, SERIES_REF, 1, int(MEETING.timestamp()), 0,
                        workspace_id=community.workspace_id + 1)
    updates = len(at.world.fake.calls_to("chat.update"))

    with caplog.at_level(logging.INFO):
        for value in (*GARBLED, flipped, foreign):
            answer = await at.click(public, "C0DATA", "meeting.rsvp", value)
            assert "That button no longer works. Use /meeting next." in answer, value
            answer = await at.click(None, "C0DATA", "meeting.agenda.vote", value)
            assert "That button no longer works. Use /meeting agenda show." in answer, value

    assert not [r for r in caplog.records if r.exc_info or r.levelno > logging.INFO], caplog.text
    assert all(value not in caplog.text for value in (flipped, foreign, "99999999999999999999"))
    assert await at.rsvps("C0DATA", "CoP sync") == {}
    assert len(at.world.fake.calls_to("chat.update")) == updates


async def test_an_rsvp_rewrites_only_a_message_made_for_its_series(two_communities: Communities) -> None:
    at = two_communities
    sync = at.announcement("C0DATA", "CoP sync")
    book_club = at.announcement("C0DATA", "Book club")

    answer = await at.click(sync, "C0DATA", "meeting.rsvp", book_club.value("Going"))
    assert "You are going to Book club" in answer
    assert "U0BEN" in await at.rsvps("C0DATA", "Book club")
    assert at.world.fake.calls_to("chat.update") == []  # the CoP sync post is not rewritten with Book club

    answer = await at.click(sync, "C0DATA", "meeting.rsvp", sync.value("Maybe"))
    assert "You might come to CoP sync" in answer
    [update] = at.world.fake.calls_to("chat.update")
    assert update.params["ts"] == sync.message["ts"] and "CoP sync" in json.dumps(update.params)
    assert "Maybe: 1" in json.dumps(update.params)


async def test_a_settings_form_of_another_community_or_with_a_garbled_state_changes_nothing(
        two_communities: Communities) -> None:
    at = two_communities
    hearth = at.world.hearth
    private = await community_of(hearth, at._channel("C0PRIV"))
    theirs = reference(hearth, private, COMMUNITY_REF, private.id)
    answers = []
    for state in (theirs, "²", str(private.id), "1" * 5000):
        before = len(at.world.fake.calls_to("chat.postEphemeral"))
        await at.world.interaction({
            "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0ANA", "team_id": TEAM},
            "trigger_id": "3.4.5",
            "view": {"id": "V0001", "type": "modal", "callback_id": "hearth.settings",
                     "private_metadata": form_metadata(state, "C0DATA"),
                     "state": {"values": {"name": {"name": {"type": "plain_text_input", "value": "Renamed"}}}}},
        })
        await at.world.drain()
        [answer] = at.world.fake.calls_to("chat.postEphemeral")[before:]
        answers.append(json.dumps(answer.params))

    assert "belongs to another community" in answers[0]
    assert all("no longer does anything" in answer for answer in answers[1:])
    names = [(await community_of(hearth, at._channel(c))).name for c in ("C0DATA", "C0PRIV")]
    assert names == ["Data CoP", "Private CoP"]


def _without_who_comes(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block for block in blocks if block["type"] != "context" or "Going:" not in json.dumps(block)]


async def test_an_rsvp_on_a_reminder_keeps_its_heading_and_everything_else_it_said(
        two_communities: Communities) -> None:
    at = two_communities
    reminder = at.announcement("C0DATA", "CoP sync")
    blocks = reminder.message["blocks"]
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"].startswith("Reminder: CoP sync starts ")

    await at.click(reminder, "C0DATA", "meeting.rsvp", reminder.value("Going"))
    [update] = at.world.fake.calls_to("chat.update")
    updated = update.params["blocks"]
    assert updated[0] == blocks[0]
    assert update.params["text"].startswith("Reminder: CoP sync starts ")
    assert _without_who_comes(updated) == _without_who_comes(blocks)
    said = json.dumps(updated, ensure_ascii=False)
    assert "Going: 1 · Maybe: 0 · Not going: 0" in said and "Going: <@U0BEN>" in said

    again = Posted("C0DATA", {**reminder.message, "blocks": updated})
    await at.click(again, "C0DATA", "meeting.rsvp", again.value("Maybe"), user="U0CAT")
    [_first, second] = at.world.fake.calls_to("chat.update")
    assert second.params["blocks"][0] == blocks[0]
    assert "Going: 1 · Maybe: 1 · Not going: 0" in json.dumps(second.params["blocks"], ensure_ascii=False)

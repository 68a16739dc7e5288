"""Saving to the library over Slack's protocol, against the fake Slack: the community's reaction reads the message
(`conversations.history`, or `conversations.replies` for a thread's reply) and saves its links with Slack's
permalink; without a history scope it says privately what to do instead; the "Save to library" message shortcut
opens a modal and its submission saves with the title, tags and note."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack.manifest import BOT_SCOPES
from tests.slack.slack_harness import TEAM, SlackWorld, slack_world

MESSAGE_TS = "1774598400.000100"


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(sqlite_url) as running:
        await running.command('setup --name "Data CoP"')
        await running.drain()
        running.fake.messages[("C0DATA", MESSAGE_TS)] = {
            "type": "message", "ts": MESSAGE_TS, "user": "U0BEN",
            "text": "Great read: <https://example.org/cop?utm_source=slack|CoP guide> &amp; more"}
        yield running


def _history_scopes(world: SlackWorld) -> None:
    world.fake.workspaces[TEAM].scopes = (*BOT_SCOPES, "channels:history", "groups:history")


async def _react(world: SlackWorld, ts: str = MESSAGE_TS, reaction: str = "books", event_id: str = "EvR1") -> None:
    await world.event({"type": "reaction_added", "user": "U0ANA", "reaction": reaction,
                       "item": {"type": "message", "channel": "C0DATA", "ts": ts}, "event_ts": "1774598500.000200"},
                      event_id)
    await world.drain()


def _whispers(world: SlackWorld) -> list[str]:
    return [json.dumps(call.params, ensure_ascii=False) for call in world.fake.calls_to("chat.postEphemeral")]


async def _shown(world: SlackWorld, item_id: int) -> str:
    """What `/library show` answers about the item, as Slack's JSON."""
    await world.command(f"show {item_id}", command="/library")
    await world.drain()
    return _whispers(world)[-1]


async def test_the_reaction_saves_the_links_of_the_message_with_its_permalink(world: SlackWorld) -> None:
    _history_scopes(world)
    await _react(world)
    [history] = world.fake.calls_to("conversations.history")
    assert history.params["latest"] == MESSAGE_TS and history.params["oldest"] == MESSAGE_TS
    [whisper] = _whispers(world)[-1:]
    assert "Saved to the library as item 1" in whisper and "example.org/cop" in whisper
    shown = await _shown(world, 1)
    assert "https://example.org/cop?utm_source=slack" in shown
    assert f"https://hearth-test.slack.com/archives/C0DATA/p{MESSAGE_TS.replace('.', '')}" in shown


async def test_a_reply_in_a_thread_is_read_from_the_thread(world: SlackWorld) -> None:
    _history_scopes(world)
    reply = "1774598460.000300"
    world.fake.messages[("C0DATA", reply)] = {"type": "message", "ts": reply, "thread_ts": MESSAGE_TS,
                                               "user": "U0BEN", "text": "And <https://example.org/two>"}
    await _react(world, reply)
    assert len(world.fake.calls_to("conversations.replies")) == 1
    assert "Saved to the library as item 1" in _whispers(world)[-1] and "example.org/two" in _whispers(world)[-1]


async def test_without_a_history_scope_the_member_is_told_what_to_do(world: SlackWorld) -> None:
    await _react(world)
    whisper = _whispers(world)[-1]
    assert "could not read that message, so nothing was saved" in whisper
    assert "Save to library" in whisper


async def test_another_reaction_saves_nothing_and_says_nothing(world: SlackWorld) -> None:
    _history_scopes(world)
    before = len(_whispers(world))
    await _react(world, reaction="thumbsup")
    assert world.fake.calls_to("conversations.history") == [] and len(_whispers(world)) == before


async def test_the_message_shortcut_opens_a_modal_and_saves_what_it_is_given(world: SlackWorld) -> None:
    await world.interaction({
        "type": "message_action", "callback_id": "library.save", "trigger_id": "4.5.6",
        "team": {"id": TEAM, "domain": "hearth-test"}, "user": {"id": "U0ANA", "team_id": TEAM},
        "channel": {"id": "C0DATA", "name": "data-cop"}, "message_ts": MESSAGE_TS,
        "message": world.fake.messages[("C0DATA", MESSAGE_TS)],
    })
    await world.drain()
    [opened] = world.fake.calls_to("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == "library.save" and "Save to library" in json.dumps(view)
    assert "https://example.org/cop?utm_source=slack" in json.dumps(view)

    def field(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value}

    await world.interaction({
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0ANA", "team_id": TEAM},
        "trigger_id": "3.4.5",
        "view": {"id": "V0001", "type": "modal", "callback_id": "library.save",
                 "private_metadata": view["private_metadata"],
                 "state": {"values": {"saved": {"saved": field("https://example.org/cop?utm_source=slack")},
                                      "title": {"title": field("A guide to <communities>")},
                                      "tags": {"tags": field("#cop #guide")},
                                      "note": {"note": field("For newcomers")}}}},
    })
    await world.drain()
    posted = json.dumps([call.params for call in world.fake.calls_to("chat.postMessage")], ensure_ascii=False)
    assert "saved to the library" in posted and "A guide to &lt;communities&gt;" in posted
    shown = await _shown(world, 1)
    assert "A guide to &lt;communities&gt;" in shown and "#cop #guide" in shown and "For newcomers" in shown
    assert f"/archives/C0DATA/p{MESSAGE_TS.replace('.', '')}" in shown

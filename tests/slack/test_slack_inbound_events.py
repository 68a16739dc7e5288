"""Reactions, joins, selects and thread replies arrive in the core as Hearth's own events."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.events import ActionInvoked, MemberJoined, MessagePosted, ReactionAdded
from bot.messages import Message
from bot.refs import ChannelRef, MessageRef, Platform, WorkspaceRef
from tests.slack.slack_harness import TEAM, Recorder, SlackWorld, fresh_trigger, slack_world


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(sqlite_url) as running:
        yield running


async def test_reactions_joins_and_thread_replies(world: SlackWorld) -> None:
    await world.command('setup --name "Data CoP"')  # members' messages reach handlers in a community's channel
    await world.drain()
    recorder = Recorder((ReactionAdded, MemberJoined, MessagePosted))
    world.hearth.core.handlers.append(recorder)
    await world.event({"type": "reaction_added", "user": "U0BEN", "reaction": "books",
                       "item": {"type": "message", "channel": "C0DATA", "ts": "1774598400.000100"},
                       "event_ts": "1774598460.000200"}, "EvR1")
    await world.event({"type": "member_joined_channel", "user": "U0BEN", "channel": "C0DATA", "team": TEAM}, "EvJ1")
    await world.event({"type": "message", "channel": "C0DATA", "user": "U0ANA", "text": "Agreed.",
                       "ts": "1774598500.000300", "thread_ts": "1774598400.000100"}, "EvM1")
    await world.drain()
    # Each event is worked on after its own acknowledgement, concurrently: find them by kind.
    (reaction,) = [e for e in recorder.seen if isinstance(e, ReactionAdded)]
    (joined,) = [e for e in recorder.seen if isinstance(e, MemberJoined)]
    (reply,) = [e for e in recorder.seen if isinstance(e, MessagePosted)]
    assert isinstance(reaction, ReactionAdded) and reaction.emoji == "books"
    assert reaction.message.id == "1774598400.000100" and reaction.actor.display_name == "ben"
    assert isinstance(joined, MemberJoined) and joined.actor.member.id == "U0BEN"
    assert isinstance(reply, MessagePosted) and reply.is_reply and not reply.is_question


async def test_a_select_choice_arrives_as_its_value(world: SlackWorld) -> None:
    recorder = Recorder((ActionInvoked,))
    world.hearth.core.handlers.insert(0, recorder)
    await world.interaction({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0ANA", "team_id": TEAM},
        "channel": {"id": "C0DATA"}, "container": {"message_ts": "1.000100", "channel_id": "C0DATA"},
        "trigger_id": fresh_trigger(),
        "actions": [{"type": "static_select", "action_id": "poll.vote#2", "block_id": "b",
                     "selected_option": {"text": {"type": "plain_text", "text": "Yes"}, "value": "yes"}}],
    })
    await world.drain()
    (action,) = recorder.seen
    assert isinstance(action, ActionInvoked)
    assert (action.action_id, action.value) == ("poll.vote", "yes")  # the duplicate-id suffix is Slack's only


async def test_replies_go_into_the_thread(world: SlackWorld) -> None:
    channel = ChannelRef(WorkspaceRef(Platform.SLACK, TEAM), "C0DATA")
    parent = MessageRef(channel, "1774598400.000100")
    message = Message.text("In the thread")
    await world.adapter.messenger.send(channel, Message(message.blocks, thread=parent))
    (post,) = world.fake.calls_to("chat.postMessage")
    assert post.text("thread_ts") == "1774598400.000100"

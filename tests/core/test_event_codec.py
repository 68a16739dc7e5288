"""The event codec: every command, click, form and shortcut reads back exactly, through real JSON text; anything
else is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.event_codec import ReplayableEvent, decode, encode
from bot.events import (
    ActionInvoked,
    Actor,
    CommandInvoked,
    FormSubmitted,
    MemberJoined,
    MessagePosted,
    ShortcutInvoked,
)
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef

texts = st.text(max_size=30)
ids = st.text(alphabet="0123456789abcdefXYZ", min_size=1, max_size=20)
workspaces = st.builds(WorkspaceRef, st.sampled_from(Platform), ids)
channels = st.builds(ChannelRef, workspaces, ids)
members = st.builds(MemberRef, workspaces, ids)
messages = st.builds(MessageRef, channels, ids)
zones = st.one_of(st.just(UTC), st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones)
actors = st.builds(Actor, members, texts, is_bot=st.booleans(), is_admin=st.booleans(),
                   timezone=st.none() | texts, locale=st.none() | texts)
option_values = st.one_of(texts, st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), members, channels)

commands = st.builds(
    CommandInvoked, actor=actors, channel=channels, at=moments, command=texts, text=texts,
    path=st.lists(texts, max_size=3).map(tuple),
    options=st.none() | st.dictionaries(texts, option_values, max_size=4), workspace_name=texts, channel_name=texts)
actions = st.builds(ActionInvoked, actor=actors, channel=channels, at=moments, action_id=texts, value=texts,
                    message=st.none() | messages, message_values=st.lists(texts, max_size=4).map(tuple))
forms = st.builds(FormSubmitted, actor=actors, channel=channels, at=moments, form_id=texts,
                  values=st.dictionaries(texts, texts, max_size=4), state=texts)
shortcuts = st.builds(ShortcutInvoked, actor=actors, channel=channels, at=moments, shortcut_id=texts,
                      message=messages, text=texts)


@given(st.one_of(commands, actions, forms, shortcuts))
def test_every_replayable_event_reads_back_exactly_through_json_text(event: ReplayableEvent) -> None:
    stored = json.dumps(encode(event), ensure_ascii=True)
    decoded = decode(json.loads(stored))

    assert decoded == event
    assert type(decoded) is type(event)
    assert decoded.at.utcoffset() == event.at.utcoffset()


@given(st.dictionaries(texts, option_values, min_size=1, max_size=4))
def test_option_values_keep_their_kind(options: dict[str, Any]) -> None:
    event = CommandInvoked(Actor(MemberRef(WorkspaceRef(Platform.DISCORD, "1"), "2"), "Ada"),
                           ChannelRef(WorkspaceRef(Platform.DISCORD, "1"), "3"), datetime(2026, 1, 1, tzinfo=UTC),
                           "hearth", options=options)
    decoded = decode(json.loads(json.dumps(encode(event))))

    assert isinstance(decoded, CommandInvoked) and decoded.options is not None
    assert [type(value) for value in decoded.options.values()] == [type(value) for value in options.values()]


WORKSPACE = WorkspaceRef(Platform.DISCORD, "1")
ADA = Actor(MemberRef(WORKSPACE, "2"), "Ada")
GENERAL = ChannelRef(WORKSPACE, "3")
NOON = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_other_events_and_naive_times_are_refused() -> None:
    with pytest.raises(TypeError):
        encode(MemberJoined(ADA, NOON))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        encode(MessagePosted(ADA, GENERAL, NOON, MessageRef(GENERAL, "4")))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="zone"):
        encode(CommandInvoked(ADA, GENERAL, NOON.replace(tzinfo=None), "hearth"))
    with pytest.raises(TypeError):
        encode(CommandInvoked(ADA, GENERAL, NOON, "hearth", options={"x": 1.5}))  # type: ignore[dict-item]


GOOD = encode(CommandInvoked(ADA, GENERAL, NOON, "hearth", options={"n": 3, "who": MemberRef(WORKSPACE, "9")}))


@pytest.mark.parametrize("broken", [
    {},
    {**GOOD, "kind": "reaction"},
    {**GOOD, "at": "2026-01-01T12:00:00"},
    {**GOOD, "at": "noon"},
    {**GOOD, "channel": ["discord", "1"]},
    {**GOOD, "channel": ["telegram", "1", "3"]},
    {**GOOD, "path": "setup"},
    {**GOOD, "options": {"n": {"int": True}}},
    {**GOOD, "options": {"n": {"int": 3, "str": "3"}}},
    {**GOOD, "options": {"n": {"float": 1.5}}},
    {**GOOD, "options": {"n": 3}},
    {**GOOD, "actor": {**GOOD["actor"], "is_admin": "yes"}},
    {key: value for key, value in GOOD.items() if key != "command"},
    [GOOD],
])
def test_anything_the_codec_did_not_make_is_refused(broken: Any) -> None:
    assert decode(GOOD) == decode(json.loads(json.dumps(GOOD)))
    with pytest.raises(ValueError, match=r"must|has no|unknown|kind|zone|isoformat"):
        decode(broken)

"""Properties of the Block Kit renderer for any message: within Slack's limits, and no member text ever a token."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block as SdkBlock

from adapters.slack.action_ids import split_action_id
from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_PAYLOAD_TEXT,
    WORD_JOINER,
    ZWSP,
    SlackPayload,
    block_text_length,
    mrkdwn,
    render_message,
)
from bot.messages import (
    Actions,
    Attachment,
    Block,
    Button,
    ButtonStyle,
    ChannelMention,
    Divider,
    Field,
    Fields,
    Heading,
    Image,
    Inline,
    Link,
    MemberMention,
    Message,
    Note,
    Option,
    Paragraph,
    Select,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
)
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef

quick = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WS = WorkspaceRef(Platform.SLACK, "T1")
HEARTH_TOKEN = re.compile(r"<(?:@[A-Za-z0-9]+|#[A-Za-z0-9]+|!date\^\d+\^[^|<>]*\|[^<>]*|https?://[^|<>]*(?:\|[^<>]*)?)>")
BROADCASTS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam")
TRICKS = ["<!channel>", "<!here>", "<!everyone>", "@here", "@channel", "<@U1>", "<#C1>", "<https://evil|docs>",
          "<!date^1^{ago}|x>", "&lt;", "&amp;", "**", "*", "_", "~", "`", "```", ">", "<", "&", "|", "\n", " ",
          "\u200b"]

short_text = st.text(max_size=12)
tricky = st.lists(st.one_of(short_text, st.sampled_from(TRICKS)), max_size=6).map("".join)
# Long strings are a short one repeated, which hypothesis builds far faster than 20,000 drawn characters.
long_text = st.builds(lambda chunk, times: chunk * times, st.text(min_size=1, max_size=10), st.integers(1, 2000))
any_text = st.one_of(tricky, tricky, long_text)

zones = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))])
timestamps = st.builds(Timestamp, st.datetimes(timezones=zones), st.sampled_from(TimestampStyle))
ids = st.one_of(st.from_regex(r"[UWC][A-Z0-9]{2,10}", fullmatch=True), tricky)
urls = st.one_of(
    st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(["https://", "http://", "HTTPS://", "javascript:",
                                                                 "ftp://", "//", "mailto:", ""]), tricky),
    st.builds(lambda n: "https://x.org/" + "a" * n, st.integers(0, 2000)),
)
labels = st.one_of(tricky, tricky.map(UserText), long_text.map(UserText))
inline: st.SearchStrategy[Inline] = st.one_of(
    any_text,
    any_text.map(UserText),
    timestamps,
    ids.map(lambda i: MemberMention(MemberRef(WS, i))),
    ids.map(lambda i: ChannelMention(ChannelRef(WS, i))),
    st.builds(Link, urls, labels),
)
texts = st.lists(inline, max_size=6).map(lambda parts: Text(tuple(parts)))

action_ids = st.one_of(st.sampled_from(["vote", "vote#2", "poll.pick", "join", ""]), st.text(max_size=20),
                       st.just("x" * 300))
values = st.one_of(short_text, st.builds(lambda n: "v" * n, st.integers(0, 2500)))
buttons = st.builds(Button, any_text, action_ids, values, st.sampled_from(ButtonStyle))
options = st.builds(Option, any_text, values)
selects = st.builds(Select, action_ids, any_text, st.lists(options, max_size=130).map(tuple))
elements = st.lists(st.one_of(buttons, buttons, selects), max_size=40).map(tuple)
attachments = st.builds(Attachment, short_text, st.just("image/png"), st.just(b""))
blocks: st.SearchStrategy[Block] = st.one_of(
    st.builds(Heading, texts),
    st.builds(Paragraph, texts),
    st.builds(Fields, st.lists(st.builds(Field, texts, texts), max_size=15).map(tuple)),
    st.builds(Note, texts),
    st.just(Divider()),
    st.builds(Actions, elements),
    st.builds(Image, attachments, any_text),
)
messages = st.builds(Message, st.lists(blocks, max_size=12).map(tuple))
many_small = st.builds(Message, st.lists(st.one_of(
    st.builds(Paragraph, st.lists(inline, max_size=2).map(lambda p: Text(tuple(p)))),
    st.just(Divider()),
    st.builds(Actions, st.lists(st.builds(Button, short_text, action_ids), min_size=1, max_size=3).map(tuple)),
), min_size=40, max_size=300).map(tuple))


def text_objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn"):
            return [node]
        return [found for value in node.values() for found in text_objects(value)]
    if isinstance(node, list):
        return [found for item in node for found in text_objects(item)]
    return []


def assert_inert(mrkdwn_text: str) -> None:
    """Nothing outside Hearth's own tokens is a control character or the start of an entity other than the three."""
    rest = HEARTH_TOKEN.sub("", mrkdwn_text)
    assert "<" not in rest, rest
    assert ">" not in rest, rest
    assert not re.search(r"&(?!amp;|lt;|gt;)", rest), rest


def assert_block_limits(block: dict[str, Any]) -> None:
    kind = block["type"]
    if kind == "header":
        assert len(block["text"]["text"]) <= 150
    elif kind == "section":
        assert len(block.get("text", {}).get("text", "")) <= 3000
        assert len(block.get("fields", [])) <= 10
        assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
    elif kind == "context":
        assert 1 <= len(block["elements"]) <= 10
        assert all(len(e["text"]) <= 3000 for e in block["elements"])
    elif kind == "actions":
        assert 1 <= len(block["elements"]) <= 25
        for element in block["elements"]:
            assert len(element.get("action_id", "")) <= 255
            if element["type"] == "button":
                assert len(element["text"]["text"]) <= 75
                assert len(element.get("value", "")) <= 2000
            else:
                assert 1 <= len(element["options"]) <= 100
                assert len(element.get("placeholder", {}).get("text", "")) <= 150
                assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in element["options"])
    else:
        assert kind == "divider"


def assert_within_limits(payloads: list[SlackPayload]) -> None:
    assert payloads
    seen_ids: list[str] = []
    for payload in payloads:
        assert 1 <= len(payload["blocks"]) <= MAX_BLOCKS
        assert sum(map(block_text_length, payload["blocks"])) <= MAX_PAYLOAD_TEXT
        assert len(payload["text"]) <= 3000
        for block in payload["blocks"]:
            assert_block_limits(block)
            seen_ids += [e["action_id"] for e in block.get("elements", []) if "action_id" in e]
        assert all(obj["text"].strip() for obj in text_objects(payload["blocks"]))
    assert len(seen_ids) == len(set(seen_ids))


def assert_safe(payloads: list[SlackPayload]) -> None:
    for payload in payloads:
        assert_inert(payload["text"])
        for obj in text_objects(payload["blocks"]):
            if obj["type"] == "mrkdwn":
                assert obj["verbatim"] is True
                assert_inert(obj["text"])
        wire = json.dumps(payload, ensure_ascii=False)
        assert not any(broadcast in wire for broadcast in BROADCASTS)


def assert_actions_last(payloads: list[SlackPayload]) -> None:
    if len(payloads) > 1:
        kinds = [block["type"] for payload in payloads for block in payload["blocks"]]
        if "actions" in kinds:
            assert set(kinds[kinds.index("actions"):]) == {"actions"}


@quick
@given(messages)
def test_any_message_renders_within_slacks_limits_and_safely(message: Message) -> None:
    payloads = render_message(message)
    assert_within_limits(payloads)
    assert_safe(payloads)
    assert_actions_last(payloads)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(many_small)
def test_hundreds_of_blocks_paginate(message: Message) -> None:
    payloads = render_message(message)
    assert_within_limits(payloads)
    assert_actions_last(payloads)
    if sum(1 for b in message.blocks if not isinstance(b, Paragraph)) >= MAX_BLOCKS:
        assert len(payloads) >= 2


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_every_block_validates_with_slack_sdk(message: Message) -> None:
    for payload in render_message(message):
        for block in payload["blocks"]:
            parsed = SdkBlock.parse(block)
            assert parsed is not None
            parsed.validate_json()


@quick
@given(st.lists(st.one_of(buttons, selects), max_size=60))
def test_rendered_action_ids_are_unique_and_read_back(elements: list[Button | Select]) -> None:
    message = Message((Actions(tuple(elements)),))
    blocks = [b for p in render_message(message) for b in p["blocks"] if b["type"] == "actions"]
    rendered = [e for b in blocks for e in b["elements"]]
    kept = [e for e in elements if not isinstance(e, Select) or e.options]
    assert len(rendered) == len(kept)
    for model, element in zip(kept, rendered, strict=True):
        if model.action_id and len(model.action_id) <= 200:
            assert split_action_id(element["action_id"]) == model.action_id


@quick
@given(any_text)
def test_member_text_reads_back_exactly_and_never_forms_a_token(typed: str) -> None:
    rendered = mrkdwn(Text.of(UserText(typed)))
    assert HEARTH_TOKEN.search(rendered) is None
    assert_inert(rendered)
    assert not re.search(r"@(here|channel|everyone)", rendered, re.IGNORECASE)
    # Hearth's invisible spaces removed, what was typed reads back, a member's own invisible space as a word joiner.
    assert html.unescape(rendered.replace(ZWSP, "")) == typed.replace(ZWSP, WORD_JOINER)

"""Properties of the Discord renderer for any message: within Discord's limits, and no member text ever live."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.custom_ids import split_custom_id
from adapters.discord.render import ZWSP, escape, render_message
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
from tests.discord.payload_data import payload_data

quick = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

WS = WorkspaceRef(Platform.DISCORD, "1")
MEMBERS = ("11", "22", "33")
CHANNELS = ("44", "55")
TRICKS = ["@everyone", "@here", "@EveryOne", "<@1>", "<@!1>", "<@&1>", "<#1>", "</cmd:1>", "<t:1:R>",
          "[docs](https://evil)", "](", "[", "]", "(", ")", "**", "*", "_", "~", "`", "```", "|", "||", ">", "#",
          "-# ", "<", "\\", "\n", " ", ZWSP, "https://x.org"]

short_text = st.text(max_size=12)
tricky = st.lists(st.one_of(short_text, st.sampled_from(TRICKS)), max_size=6).map("".join)
# Long strings are a short one repeated, which hypothesis builds far faster than thousands of drawn characters.
long_text = st.builds(lambda chunk, times: chunk * times, st.text(min_size=1, max_size=10), st.integers(1, 1500))
any_text = st.one_of(tricky, tricky, long_text)

zones = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))])
timestamps = st.builds(Timestamp, st.datetimes(timezones=zones), st.sampled_from(TimestampStyle))
urls = st.one_of(
    st.builds(lambda scheme, rest: scheme + rest,
              st.sampled_from(["https://", "http://", "HTTPS://", "javascript:", "ftp://", "//", ""]), tricky),
    st.builds(lambda n: "https://x.org/" + "a" * n, st.integers(0, 1200)),
)
labels = st.one_of(tricky, tricky.map(UserText), long_text.map(UserText))
inline: st.SearchStrategy[Inline] = st.one_of(
    any_text,
    any_text.map(UserText),
    timestamps,
    st.builds(lambda i: MemberMention(MemberRef(WS, i)), st.sampled_from(MEMBERS)),
    st.builds(lambda i: ChannelMention(ChannelRef(WS, i)), st.sampled_from(CHANNELS)),
    st.builds(Link, urls, labels),
)
texts = st.lists(inline, max_size=6).map(lambda parts: Text(tuple(parts)))
action_ids = st.one_of(st.sampled_from(["poll.vote", "rsvp", "", "x#2", "a|b"]), tricky, long_text)
buttons = st.builds(Button, tricky, action_ids, st.one_of(st.just(""), tricky), st.sampled_from(ButtonStyle))
options = st.builds(Option, any_text, any_text)
selects = st.builds(Select, action_ids, any_text, st.lists(options, max_size=30).map(tuple))
files = st.builds(Attachment, st.one_of(tricky, st.just("chart.png")), st.just("image/png"), st.just(b"x"))
blocks: st.SearchStrategy[Block] = st.one_of(
    st.builds(Heading, texts),
    st.builds(Paragraph, texts),
    st.builds(Note, texts),
    st.just(Divider()),
    st.builds(Fields, st.lists(st.builds(Field, texts, texts), max_size=30).map(tuple)),
    st.builds(Actions, st.lists(st.one_of(buttons, buttons, selects), max_size=8).map(tuple)),
    st.builds(Image, files, any_text),
)
messages = st.builds(Message, st.lists(blocks, max_size=12).map(tuple), st.booleans(),
                     files=st.lists(files, max_size=12).map(tuple))


def render(message: Message) -> list[dict[str, Any]]:
    return [payload_data(payload) for payload in render_message(message)]


def texts_of(payload: dict[str, Any]) -> list[str]:
    found = [payload["content"]]
    for embed in payload["embeds"]:
        found.append(embed.get("description", ""))
        for field in embed.get("fields", []):
            found.extend([field["name"], field["value"]])
    return found


def embed_size(embed: dict[str, Any]) -> int:
    return len(embed.get("description", "")) + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def check_limits(payload: dict[str, Any]) -> None:
    assert 1 <= len(payload["content"]) <= 2000 or payload["embeds"] or payload["files"]
    assert len(payload["content"]) <= 2000
    assert len(payload["embeds"]) <= 10
    assert sum(map(embed_size, payload["embeds"])) <= 6000
    for embed in payload["embeds"]:
        assert len(embed.get("description", "")) <= 4096
        assert len(embed.get("fields", [])) <= 25
        for field in embed.get("fields", []):
            assert 1 <= len(field["name"]) <= 256
            assert 1 <= len(field["value"]) <= 1024
    assert len(payload["files"]) <= 10
    names = [file.filename for file in payload["files"]]
    assert len(set(names)) == len(names)
    for embed in payload["embeds"]:
        if "image" in embed:
            assert embed["image"]["url"].removeprefix("attachment://") in names
    assert len(payload["components"]) <= 5
    for row in payload["components"]:
        assert row["type"] == 1
        kinds = [component["type"] for component in row["components"]]
        assert kinds == [3] or (1 <= len(kinds) <= 5 and set(kinds) == {2})
        for component in row["components"]:
            assert 1 <= len(component["custom_id"]) <= 100
            if component["type"] == 2:
                assert 1 <= len(component["label"]) <= 80
            else:
                assert 1 <= len(component["options"]) <= 25
                assert len(component.get("placeholder", "")) <= 150
                values = [option["value"] for option in component["options"]]
                assert len(set(values)) == len(values)
                for option in component["options"]:
                    assert 1 <= len(option["label"]) <= 100
                    assert 1 <= len(option["value"]) <= 100
    assert payload["allowed_mentions"]["parse"] == []
    assert len(payload["allowed_mentions"]["users"]) <= 100
    assert set(payload["allowed_mentions"]["users"]) <= set(MEMBERS)


SAFE_URL = r"https?://[^\s()<>\[\]\\]+"
HEARTH_TOKEN = re.compile(
    rf"<@(?:{'|'.join(MEMBERS)})>|<#(?:{'|'.join(CHANNELS)})>|<t:-?\d+:[DtFR]>|<{SAFE_URL}>"
    rf"|\[(?:\\.|[^\\\[\]])*\]\({SAFE_URL}\)"
)


# Escapes, Hearth's tokens, an inert bracket, a bracket Discord would read, and runs of anything else.
SCANNER = re.compile(rf"\\.|{HEARTH_TOKEN.pattern}|[<\[]{ZWSP}|(?P<live>[<\[])|[^\\<\[]+", re.DOTALL)


def check_nothing_live(text: str) -> int:
    """How many tokens of Hearth's shape `text` holds; every `<` and `[` that Discord would read must start one,
    and there is no broadcast."""
    assert "@everyone" not in text.lower()
    assert "@here" not in text.lower()
    tokens = 0
    for match in SCANNER.finditer(text):
        assert match.group("live") is None, text[match.start(): match.start() + 40]
        tokens += match.group().startswith(("<", "[")) and not match.group().endswith(ZWSP)
    return tokens


def token_parts(message: Message) -> int:
    """How many parts of `message` Hearth renders as tokens: its dates, mentions and links."""
    found: list[Text] = []
    for block in message.blocks:
        if isinstance(block, Heading | Paragraph | Note):
            found.append(block.text)
        elif isinstance(block, Fields):
            found.extend(text for item in block.items for text in (item.label, item.value))
    return sum(not isinstance(part, str | UserText) for text in found for part in text.parts)


@quick
@given(messages)
def test_any_message_renders_within_discords_limits(message: Message) -> None:
    payloads = render(message)
    assert payloads
    for payload in payloads:
        check_limits(payload)
        assert payload["ephemeral"] is message.ephemeral
    assert all(payload["components"] == [] for payload in payloads[:-1])
    assert sum(len(payload["files"]) for payload in payloads) == len(message.files) + sum(
        isinstance(block, Image) for block in message.blocks)


@quick
@given(messages)
def test_no_member_text_is_ever_a_live_mention_or_link(message: Message) -> None:
    # Shape alone cannot tell Hearth's tokens from a member's, so they are counted: never more than Hearth put in.
    tokens = sum(check_nothing_live(text) for payload in render(message) for text in texts_of(payload))
    assert tokens <= token_parts(message)


@quick
@given(st.lists(st.one_of(buttons, selects), min_size=1, max_size=5))
def test_custom_ids_are_unique_and_map_back(elements: list[Button | Select]) -> None:
    [payload] = render(Message((Actions(tuple(elements)),)))
    rendered = [c["custom_id"] for row in payload["components"] for c in row["components"]]
    assert len(set(rendered)) == len(rendered)
    expected = [(f"{e.action_id}|{e.value}" if e.value else e.action_id) if isinstance(e, Button) else e.action_id
                for e in elements if isinstance(e, Button) or e.options]
    for raw, packed in zip(rendered, expected, strict=True):
        if len(packed) <= 92:
            assert split_custom_id(raw) == packed


@quick
@given(st.text())
def test_escape_only_adds_backslashes_and_invisible_spaces(text: str) -> None:
    escaped = escape(text)
    assert re.sub(r"\\(.)", r"\1", escaped.replace(ZWSP, ""), flags=re.DOTALL) == text.replace(ZWSP, "")
    assert check_nothing_live(escaped) == 0


def test_the_check_sees_live_tokens() -> None:
    for live in ("<@1>", "x <#1>", "\\\\<@&1>", "</a:1>", "hi @here"):
        try:
            check_nothing_live(live)
        except AssertionError:
            continue
        raise AssertionError(f"{live!r} passed the check")
    assert check_nothing_live(f"\\<@1> <@11> [{ZWSP}a] <t:5:R> [x](https://e.org)") == 3

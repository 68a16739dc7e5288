"""The Block Kit renderer: escaping, member markup, native tokens, Slack's limits and pagination."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from slack_sdk.models.blocks import Block as SdkBlock

from adapters.slack.action_ids import split_action_id
from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_PAYLOAD_TEXT,
    ZWSP,
    SlackPayload,
    block_text_length,
    escape,
    files_to_upload,
    mrkdwn,
    plain_text,
    render_message,
    split_mrkdwn,
    timestamp_fallback,
    truncate_mrkdwn,
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

Z = ZWSP
WS = WorkspaceRef(Platform.SLACK, "T1")
AT = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)
EPOCH = 1774969200
# Every token Hearth emits; what is left once they are gone must hold no control character.
HEARTH_TOKEN = re.compile(r"<(?:@[A-Za-z0-9]+|#[A-Za-z0-9]+|!date\^\d+\^[^|<>]*\|[^<>]*|https?://[^|<>]*(?:\|[^<>]*)?)>")


def member(member_id: str = "U1") -> MemberMention:
    return MemberMention(MemberRef(WS, member_id))


def channel(channel_id: str = "C1") -> ChannelMention:
    return ChannelMention(ChannelRef(WS, channel_id))


def md(*parts: Inline) -> str:
    return mrkdwn(Text.of(*parts))


def one_payload(*blocks: Block) -> SlackPayload:
    payloads = render_message(Message(blocks))
    assert len(payloads) == 1
    return payloads[0]


def only_block(block: Block) -> dict[str, Any]:
    blocks = one_payload(block)["blocks"]
    assert len(blocks) == 1
    return blocks[0]


def assert_valid(payloads: list[SlackPayload]) -> None:
    for payload in payloads:
        for block in payload["blocks"]:
            parsed = SdkBlock.parse(block)
            assert parsed is not None
            parsed.validate_json()


def without_tokens(text: str) -> str:
    return HEARTH_TOKEN.sub("", text)


# Escaping


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a & b", "a &amp; b"),
    ("<b>", "&lt;b&gt;"),
    ("&lt;", "&amp;lt;"),
    ("*_~`|@", "*_~`|@"),
])
def test_escape_converts_only_the_three_control_characters(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@pytest.mark.parametrize(("typed", "rendered"), [
    ("<!channel>", "&lt;!channel&gt;"),
    ("<!here>", "&lt;!here&gt;"),
    ("<!everyone>", "&lt;!everyone&gt;"),
    ("<!subteam^S1>", "&lt;!subteam^S1&gt;"),
    ("<@U1>", "&lt;@U1&gt;"),
    ("<#C1>", "&lt;#C1&gt;"),
    ("<https://x|y>", "&lt;https://x|y&gt;"),
    ("<https://evil|docs.company.com>", "&lt;https://evil|docs.company.com&gt;"),
    ("&lt;already&gt;", "&amp;lt;already&amp;gt;"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
])
def test_member_text_is_escaped(typed: str, rendered: str) -> None:
    assert md(UserText(typed)) == rendered
    assert "<" not in md(UserText(typed))


def test_hearths_own_words_are_escaped_too() -> None:
    assert md("a < b & c > d") == "a &lt; b &amp; c &gt; d"


@pytest.mark.parametrize("typed", ["@here", "@channel", "@everyone", "@Here please", "ping @channel!"])
def test_typed_broadcast_words_are_broken_by_an_invisible_space(typed: str) -> None:
    rendered = md(UserText(typed))
    assert not re.search(r"@(here|channel|everyone)", rendered, re.IGNORECASE)
    assert rendered.replace(Z, "") == typed


def test_an_address_keeps_its_at_sign() -> None:
    assert md(UserText("ana@example.org")) == "ana@example.org"


def test_every_mrkdwn_object_is_verbatim() -> None:
    payload = one_payload(Paragraph(Text.of(UserText("@here https://x.org #general"))),
                          Fields((Field(Text.of("a"), Text.of("b")),)), Note(Text.of("n")))
    objects = [b["text"] for b in payload["blocks"] if "text" in b]
    objects += [f for b in payload["blocks"] for f in b.get("fields", []) + b.get("elements", [])]
    assert objects
    assert all(o["verbatim"] is True for o in objects)


# Markup


def test_hearth_bold_becomes_slack_bold_and_code_stays() -> None:
    assert md("**Polls** use `/hearth poll`") == "*Polls* use `/hearth poll`"


def test_markup_may_open_and_close_in_other_parts() -> None:
    assert md("**", UserText("Data CoP"), "** is now open") == "*Data CoP* is now open"


@pytest.mark.parametrize(("typed", "rendered"), [
    ("*x*", f"{Z}*{Z}x{Z}*{Z}"),
    ("_x_", f"{Z}_{Z}x{Z}_{Z}"),
    ("~x~", f"{Z}~{Z}x{Z}~{Z}"),
    ("`x`", f"{Z}`{Z}x{Z}`{Z}"),
    ("```x```", f"{Z}`{Z}{Z}`{Z}{Z}`{Z}x{Z}`{Z}{Z}`{Z}{Z}`{Z}"),
    ("> quote", f"{Z}&gt; quote"),
    ("a\n  > quote > b", f"a\n  {Z}&gt; quote &gt; b"),
])
def test_member_markup_is_wrapped_in_invisible_spaces(typed: str, rendered: str) -> None:
    assert md(UserText(typed)) == rendered


def test_member_marker_inside_hearth_bold_cannot_close_it() -> None:
    rendered = md("**", UserText("a*b"), "**")
    assert rendered == f"*a{Z}*{Z}b*"
    assert [m.start() for m in re.finditer(r"(?<!\u200b)\*(?!\u200b)", rendered)] == [0, len(rendered) - 1]


def test_plain_text_drops_markup_and_keeps_member_text_as_typed() -> None:
    text = Text.of("**", UserText("*x* <!here>"), "** `c` ", member(), " in ", channel(), " ",
                   Link("https://x.org", "docs"), " ", Link("https://y.org"))
    assert plain_text(text) == "*x* <!here> c @U1 in #C1 docs https://y.org"


# Native tokens


@pytest.mark.parametrize(("style", "token", "fallback"), [
    (TimestampStyle.DATE, "{date_long}", "Tue 31 Mar 2026"),
    (TimestampStyle.TIME, "{time}", "15:00 UTC"),
    (TimestampStyle.DATETIME, "{date_long} {time}", "Tue 31 Mar 2026 15:00 UTC"),
    (TimestampStyle.RELATIVE, "{ago}", "Tue 31 Mar 2026 15:00 UTC"),
])
def test_timestamps_use_slacks_date_token(style: TimestampStyle, token: str, fallback: str) -> None:
    assert md(Timestamp(AT, style)) == f"<!date^{EPOCH}^{token}|{fallback}>"


def test_timestamp_fallback_is_in_utc() -> None:
    brussels = AT.astimezone(timezone(timedelta(hours=2)))
    assert timestamp_fallback(Timestamp(brussels)) == "Tue 31 Mar 2026 15:00 UTC"
    assert md(Timestamp(brussels)).startswith(f"<!date^{EPOCH}^")


def test_timestamp_before_1970_is_written_out() -> None:
    assert md(Timestamp(datetime(1969, 7, 20, 20, 17, tzinfo=UTC))) == "Sun 20 Jul 1969 20:17 UTC"


def test_timestamp_at_the_edge_of_the_calendar_renders() -> None:
    edge = datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5)))
    assert "<" not in md(Timestamp(edge))


def test_mentions_are_native() -> None:
    assert md("Hi ", member("U0ANA"), " in ", channel("C0DATA")) == "Hi <@U0ANA> in <#C0DATA>"


@pytest.mark.parametrize("odd_id", ["U1>|<!channel", "here>", "", "U 1"])
def test_an_id_that_is_not_slacks_is_shown_as_text(odd_id: str) -> None:
    for mention in (member(odd_id), channel(odd_id)):
        rendered = md(mention)
        assert without_tokens(rendered) == rendered
        assert "<" not in rendered


def test_links_are_native_for_http_and_https() -> None:
    assert md(Link("https://x.org/a", "docs")) == "<https://x.org/a|docs>"
    assert md(Link("http://x.org", UserText("site"))) == "<http://x.org|site>"
    assert md(Link("HTTPS://x.org/A")) == "<https://x.org/A>"


def test_link_url_is_escaped_and_cannot_end_the_token_early() -> None:
    assert md(Link("https://x.org/?a=1&b=2|3 4>5", "x")) == "<https://x.org/?a=1&amp;b=2%7C3%204%3E5|x>"


def test_link_label_cannot_end_the_token_or_format() -> None:
    rendered = md(Link("https://x.org", UserText("a|b>c *d*\nnext")))
    assert rendered == f"<https://x.org|a∣b&gt;c {Z}*{Z}d{Z}*{Z} next>"
    assert rendered.count("|") == 1


def test_a_disguised_link_typed_as_a_label_stays_text() -> None:
    rendered = md(Link("https://x.org", UserText("<https://evil|docs>")))
    assert without_tokens(rendered) == ""
    assert "evil|" not in rendered


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "ftp://x.org/f", "mailto:ana@example.org", "//x.org", "https:/x.org", "http://[", "x.org",
    "data:text/html,<b>",
])
def test_other_urls_are_shown_as_escaped_text(url: str) -> None:
    rendered = md(Link(url, "docs"))
    assert "<" not in rendered
    assert rendered.replace(Z, "") == escape(f"docs ({url})")


def test_an_enormous_link_is_shown_as_text() -> None:
    rendered = md(Link("https://x.org/" + "a" * 3000, "docs"))
    assert "<" not in rendered


# Blocks


def test_heading_is_a_plain_text_header_with_readable_tokens() -> None:
    block = only_block(Heading(Text.of("**Meet** ", member(), " at ", Timestamp(AT, TimestampStyle.TIME))))
    assert block == {"type": "header", "text": {"type": "plain_text", "text": "Meet @U1 at 15:00 UTC", "emoji": True}}


def test_long_heading_is_cut_with_an_ellipsis() -> None:
    text = only_block(Heading(Text.of(UserText("x" * 400))))["text"]["text"]
    assert len(text) == 150
    assert text.endswith("…")


def test_a_typed_broadcast_in_a_heading_is_inert() -> None:
    text = only_block(Heading(Text.of(UserText("<!channel> @here"))))["text"]["text"]
    assert "<!" not in text
    assert "@here" not in text


def test_paragraph_is_a_mrkdwn_section() -> None:
    assert only_block(Paragraph(Text.of("**Hi** ", member()))) == {
        "type": "section", "text": {"type": "mrkdwn", "text": "*Hi* <@U1>", "verbatim": True},
    }


def test_blank_blocks_are_left_out() -> None:
    payload = one_payload(Heading(Text.of(" ")), Paragraph(Text()), Note(Text.of(UserText("\n"))),
                          Fields((Field(Text(), Text()),)), Paragraph(Text.of("kept")))
    assert [b["type"] for b in payload["blocks"]] == ["section"]


def test_long_paragraph_is_split_at_line_ends() -> None:
    lines = [f"line {n} " + "word " * 40 for n in range(40)]
    blocks = one_payload(Paragraph(Text.of("\n".join(lines))))["blocks"]
    texts = [b["text"]["text"] for b in blocks]
    assert len(texts) >= 2
    assert all(len(t) <= 3000 for t in texts)
    assert all(t.startswith("line ") and t.endswith("word") for t in texts)
    assert "\n".join(texts).split() == "\n".join(lines).split()


def test_a_paragraph_without_line_ends_is_split_between_words() -> None:
    words = " ".join(f"w{n}" for n in range(1500))
    texts = [b["text"]["text"] for b in one_payload(Paragraph(Text.of(words)))["blocks"]]
    assert len(texts) >= 2
    assert " ".join(texts) == words


def test_a_split_never_cuts_an_entity_or_a_token() -> None:
    parts: list[Inline] = []
    for _ in range(400):
        parts += ["&<>", member("U12345"), Link("https://x.org/" + "p" * 30, UserText("l&b")), channel("C9")]
    rendered = md(*parts)
    pieces = split_mrkdwn(rendered, 3000)
    assert len(pieces) > 2
    assert "".join(pieces).replace(Z, "") == rendered
    for piece in pieces:
        assert len(piece) <= 3000
        assert re.fullmatch(r"(?:&(?:amp|lt|gt);|<[^<>]*>|[^&<>])*", piece)


def test_a_piece_never_starts_a_quote() -> None:
    pieces = split_mrkdwn(md(UserText("a > b " * 1000)), 3000)
    assert len(pieces) >= 2
    assert not any(piece.startswith("&gt;") for piece in pieces)
    assert any(piece.startswith(f"{Z}&gt;") for piece in pieces)


def test_a_bold_span_cut_in_two_is_closed_and_reopened() -> None:
    pieces = split_mrkdwn(md("**" + "bold words " * 600 + "** and `" + "code " * 700 + "` end"), 3000)
    assert len(pieces) >= 3
    assert pieces[0].startswith("*")
    assert pieces[0].endswith("*")
    assert pieces[1].startswith("*")
    assert pieces[-1].startswith("`")
    assert pieces[-1].endswith("` end")
    assert all(len(p) <= 3000 for p in pieces)


def test_invisible_spaces_a_member_typed_cannot_hide_hearths_bold() -> None:
    # Around Hearth's `**`, a member's own U+200B would read as a neutralised marker if it were sent as typed.
    rendered = md(UserText(f"x{Z}"), "**", UserText(Z + "y" * 4000), "**")
    assert f"x{Z}*" not in rendered and "x\u2060*\u2060" in rendered
    pieces = split_mrkdwn(rendered, 3000)
    assert len(pieces) == 2
    assert pieces[0].endswith("*") and pieces[1].startswith("*") and not pieces[1].endswith("**")


def test_truncation_ends_with_an_ellipsis_and_closes_spans() -> None:
    cut = truncate_mrkdwn(md("**", UserText("&" * 100), "**"), 50)
    assert len(cut) <= 50
    assert cut.startswith("*&amp;")
    assert cut.endswith("…*")
    assert truncate_mrkdwn("short", 50) == "short"


def test_fields_are_bold_labels_over_values() -> None:
    block = only_block(Fields((Field(Text.of("Goal"), Text.of(UserText("*learn*"))), Field(Text.of("Next"), Text()))))
    assert block["type"] == "section"
    assert [f["text"] for f in block["fields"]] == [f"*Goal*\n{Z}*{Z}learn{Z}*{Z}", "*Next*"]


def test_the_labels_own_markup_is_not_nested_in_its_bold() -> None:
    block = only_block(Fields((Field(Text.of("**Goal**"), Text.of("x")),)))
    assert block["fields"][0]["text"] == "*Goal*\nx"


def test_more_than_ten_fields_make_several_sections() -> None:
    items = tuple(Field(Text.of(f"L{n}"), Text.of(f"v{n}")) for n in range(23))
    blocks = one_payload(Fields(items))["blocks"]
    assert [len(b["fields"]) for b in blocks] == [10, 10, 3]


def test_a_field_is_cut_to_2000_and_a_section_holds_3000() -> None:
    items = tuple(Field(Text.of("Label"), Text.of(UserText("v" * 5000))) for _ in range(3))
    blocks = one_payload(Fields(items))["blocks"]
    assert all(len(f["text"]) <= 2000 and f["text"].endswith("…") for b in blocks for f in b["fields"])
    assert all(block_text_length(b) <= 3000 for b in blocks)
    assert sum(len(b["fields"]) for b in blocks) == 3


def test_note_is_one_mrkdwn_context_element() -> None:
    assert only_block(Note(Text.of("from ", UserText("<b>")))) == {
        "type": "context", "elements": [{"type": "mrkdwn", "text": "from &lt;b&gt;", "verbatim": True}],
    }


def test_a_long_note_becomes_several_context_blocks() -> None:
    blocks = one_payload(Note(Text.of("word " * 2000)))["blocks"]
    assert len(blocks) >= 4
    assert all(b["type"] == "context" and len(b["elements"]) == 1 for b in blocks)
    assert all(len(b["elements"][0]["text"]) <= 3000 for b in blocks)


def test_divider() -> None:
    assert only_block(Divider()) == {"type": "divider"}


def test_image_is_its_alt_text_and_its_file_goes_to_the_uploader() -> None:
    chart = Attachment("chart.png", "image/png", b"\x89PNG")
    sheet = Attachment("data.csv", "text/csv", b"a,b")
    message = Message((Image(chart, "Attendance <by> week"), Image(chart, "")), files=(sheet,))
    blocks = render_message(message)[0]["blocks"]
    assert [b["elements"][0]["text"] for b in blocks] == ["Attendance &lt;by&gt; week", "chart.png"]
    assert files_to_upload(message) == (sheet, chart, chart)


# Actions


def test_buttons_carry_label_action_id_value_and_style() -> None:
    block = only_block(Actions((
        Button("Join", "meeting.join", "42", ButtonStyle.PRIMARY),
        Button("Leave", "meeting.leave", style=ButtonStyle.DANGER),
        Button("Later", "meeting.later"),
    )))
    assert block == {"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Join", "emoji": True}, "action_id": "meeting.join",
         "value": "42", "style": "primary"},
        {"type": "button", "text": {"type": "plain_text", "text": "Leave", "emoji": True},
         "action_id": "meeting.leave", "style": "danger"},
        {"type": "button", "text": {"type": "plain_text", "text": "Later", "emoji": True},
         "action_id": "meeting.later"},
    ]}


def test_button_text_and_value_are_cut_to_slacks_limits() -> None:
    element = only_block(Actions((Button("x" * 100, "a", "v" * 2500),)))["elements"][0]
    assert len(element["text"]["text"]) == 75
    assert element["text"]["text"].endswith("…")
    assert element["value"] == "v" * 2000


def test_a_blank_button_label_is_an_ellipsis() -> None:
    assert only_block(Actions((Button(" ", "a"),)))["elements"][0]["text"]["text"] == "…"


def test_more_than_25_elements_make_several_actions_blocks() -> None:
    blocks = one_payload(Actions(tuple(Button(f"b{n}", f"a{n}") for n in range(30))))["blocks"]
    assert [len(b["elements"]) for b in blocks] == [25, 5]


def test_repeated_action_ids_get_a_suffix_that_split_action_id_removes() -> None:
    message = Message((
        Actions((Button("a", "vote"), Button("b", "vote"), Select("vote", "pick", (Option("x", "1"),)))),
        Actions((Button("c", "vote"), Button("d", "poll#7"), Button("e", "poll#7"), Button("f", "other"))),
    ))
    ids = [e["action_id"] for b in render_message(message)[0]["blocks"] for e in b["elements"]]
    assert ids == ["vote", "vote#2", "vote#3", "vote#4", "poll#7#1", "poll#7#2", "other"]
    assert [split_action_id(i) for i in ids] == ["vote"] * 4 + ["poll#7"] * 2 + ["other"]


def test_an_empty_action_id_is_left_for_slack_to_make_up() -> None:
    assert "action_id" not in only_block(Actions((Button("a", ""),)))["elements"][0]


def test_select_is_a_static_select_with_at_most_100_options() -> None:
    options = tuple(Option("o" * 80 if n == 0 else f"o{n}", "v" * 200 if n == 0 else str(n)) for n in range(120))
    element = only_block(Actions((Select("topic.pick", "Pick a topic", options),)))["elements"][0]
    assert element["type"] == "static_select"
    assert element["action_id"] == "topic.pick"
    assert element["placeholder"]["text"] == "Pick a topic"
    assert len(element["options"]) == 100
    assert len(element["options"][0]["text"]["text"]) == 75
    assert element["options"][0]["value"] == "v" * 150
    assert element["options"][1] == {"text": {"type": "plain_text", "text": "o1", "emoji": True}, "value": "1"}


def test_a_select_without_options_is_left_out() -> None:
    payload = one_payload(Paragraph(Text.of("x")), Actions((Select("a", "p", ()),)))
    assert [b["type"] for b in payload["blocks"]] == ["section"]


# Payloads


def test_payload_fallback_text_is_the_plain_message() -> None:
    payload = one_payload(
        Heading(Text.of("**Weekly** digest")),
        Paragraph(Text.of("**", UserText("Data CoP"), "** meets ", Timestamp(AT), " with ", member())),
        Fields((Field(Text.of("Goal"), Text.of("learn")),)),
        Divider(),
        Actions((Button("Join", "join"),)),
    )
    assert payload["text"] == (f"Weekly digest\nData CoP meets <!date^{EPOCH}^{{date_long}} {{time}}|"
                               "Tue 31 Mar 2026 15:00 UTC> with <@U1>\nGoal\nlearn\nJoin")


def test_fallback_text_is_cut_to_3000() -> None:
    payload = one_payload(*(Paragraph(Text.of(UserText("<&> " * 150))) for _ in range(3)))
    assert len(payload["text"]) <= 3000
    assert payload["text"].endswith("…")
    assert "<" not in payload["text"]


def test_more_than_50_blocks_make_several_payloads_in_order() -> None:
    payloads = render_message(Message(tuple(Paragraph(Text.of(f"p{n}")) for n in range(120))))
    assert [len(p["blocks"]) for p in payloads] == [50, 50, 20]
    texts = [b["text"]["text"] for p in payloads for b in p["blocks"]]
    assert texts == [f"p{n}" for n in range(120)]
    assert payloads[1]["text"].startswith("p50\np51")


def test_payload_text_stays_under_the_cap() -> None:
    payloads = render_message(Message(tuple(Paragraph(Text.of("x " * 1400)) for _ in range(12))))
    assert len(payloads) >= 3
    assert all(sum(map(block_text_length, p["blocks"])) <= MAX_PAYLOAD_TEXT for p in payloads)
    assert all(len(p["blocks"]) <= MAX_BLOCKS for p in payloads)


def test_actions_go_with_the_last_payload() -> None:
    blocks: list[Block] = [Paragraph(Text.of(f"p{n}")) for n in range(60)]
    blocks.insert(3, Actions((Button("Join", "join"),)))
    payloads = render_message(Message(tuple(blocks)))
    assert len(payloads) == 2
    assert all(b["type"] != "actions" for b in payloads[0]["blocks"])
    assert payloads[-1]["blocks"][-1]["type"] == "actions"


def test_a_message_that_fits_keeps_its_order() -> None:
    payload = one_payload(Paragraph(Text.of("a")), Actions((Button("Join", "join"),)), Paragraph(Text.of("b")))
    assert [b["type"] for b in payload["blocks"]] == ["section", "actions", "section"]


def test_a_message_with_nothing_to_show_still_has_one_payload() -> None:
    files_only = Message((), files=(Attachment("export.csv", "text/csv", b""),))
    assert render_message(files_only)[0]["blocks"][0]["elements"][0]["text"] == "export.csv"
    assert render_message(Message((Paragraph(Text()),)))[0]["text"] == "…"


def test_a_rich_message_validates_with_slack_sdk() -> None:
    message = Message((
        Heading(Text.of("**Digest** for ", UserText("<Data & AI>"))),
        Paragraph(Text.of("word " * 1500, member(), Link("https://x.org", "x"))),
        Fields(tuple(Field(Text.of(f"L{n}"), Text.of(UserText("v" * 2500))) for n in range(12))),
        Note(Text.of("note")),
        Divider(),
        Image(Attachment("c.png", "image/png", b""), "chart"),
        Actions((*(Button("b" * 90, "same", "v" * 3000) for _ in range(30)),
                 Select("s", "p" * 200, tuple(Option("o" * 90, "v" * 200) for _ in range(150))))),
    ))
    payloads = render_message(message)
    assert_valid(payloads)
    json.dumps(payloads)


@pytest.mark.parametrize("url", ["https://docs.example.org@evil.example/login", "http://:80/x"])
def test_addresses_that_hide_their_host_are_never_links(url: str) -> None:
    rendered = mrkdwn(Text.of(Link(url, "Docs")))
    assert "<http" not in rendered  # shown as text, never a clickable token
    assert "Docs" in rendered


def test_timestamp_fallback_is_in_the_readers_language() -> None:
    dutch = Timestamp(AT, language="nl")
    assert timestamp_fallback(dutch) == "di 31 mrt 2026 15:00 UTC"
    assert md(dutch) == f"<!date^{EPOCH}^{{date_long}} {{time}}|di 31 mrt 2026 15:00 UTC>"
    assert timestamp_fallback(Timestamp(AT, TimestampStyle.RELATIVE, "nl")) == "di 31 mrt 2026 15:00 UTC"

"""The Discord renderer: escaping, inline tokens, layout, limits, pagination and custom ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.discord.custom_ids import read_custom_id, split_custom_id
from adapters.discord.render import (
    ELLIPSIS,
    MAX_CONTENT,
    MAX_EMBED_TOTAL,
    MAX_EMBEDS,
    MAX_FIELDS,
    RULE,
    ZWSP,
    escape,
    markdown,
    render_message,
)
from bot.messages import (
    Actions,
    Attachment,
    Button,
    ButtonStyle,
    ChannelMention,
    Divider,
    Field,
    Fields,
    Heading,
    Image,
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

WS = WorkspaceRef(Platform.DISCORD, "1")
PNG = Attachment("chart.png", "image/png", b"\x89PNG")


def member(member_id: str) -> MemberMention:
    return MemberMention(MemberRef(WS, member_id))


def channel(channel_id: str) -> ChannelMention:
    return ChannelMention(ChannelRef(WS, channel_id))


def user(value: str) -> str:
    return markdown(Text.of(UserText(value)))


def render(message: Message) -> list[dict[str, Any]]:
    return [payload_data(payload) for payload in render_message(message)]


# escape


@pytest.mark.parametrize("character", ["\\", "*", "_", "~", "`", "|", "[", "]", "<", ">", "#"])
def test_escape_puts_a_backslash_before_markdown_characters(character: str) -> None:
    assert escape(f"a{character}b") == f"a\\{character}b"


@pytest.mark.parametrize("word", ["@everyone", "@here", "@EVERYONE", "hi @here!"])
def test_escape_neutralises_broadcasts(word: str) -> None:
    assert "@" + ZWSP in escape(word)
    assert "@everyone" not in escape(word).lower()
    assert "@here" not in escape(word).lower()


@pytest.mark.parametrize("token", ["<@123>", "<@!123>", "<@&123>", "<#123>", "</cmd:1>", "<t:1:F>"])
def test_escape_escapes_the_opening_of_every_token(token: str) -> None:
    assert escape(token).startswith("\\<")


def test_escape_breaks_masked_links_and_leaves_list_markers() -> None:
    assert escape("[docs](https://evil)") == "\\[docs\\](https://evil)"
    assert escape("- item\n+ other") == "- item\n+ other"
    assert escape("# heading\n> quote") == "\\# heading\n\\> quote"
    assert escape("plain words") == "plain words"


# markdown


def test_hearth_markup_is_kept_and_its_other_characters_escaped() -> None:
    assert markdown(Text.of("**Poll** `id` a_b #1")) == "**Poll** `id` a\\_b \\#1"


def test_a_span_may_open_in_one_part_and_close_in_another() -> None:
    assert markdown(Text.of("**", UserText("Ann"), "** joined")) == "**Ann** joined"


def test_an_unclosed_span_is_closed() -> None:
    assert markdown(Text.of("**bold `code")) == "**bold `code`**"


def test_user_markup_cannot_close_hearth_bold() -> None:
    assert markdown(Text.of("**", UserText("x** <@1>"), "**")) == "**x\\*\\* \\<@1\\>**"


def test_user_text_inside_hearth_code_cannot_close_it() -> None:
    rendered = markdown(Text.of("`", UserText("a`<@1> @here]"), "`"))
    assert rendered == f"`aˋ<{ZWSP}@1> @{ZWSP}here]{ZWSP}`"
    assert markdown(Text.of("`[x](https://e)`")) == f"`[{ZWSP}x]{ZWSP}(https://e)`"


@pytest.mark.parametrize(
    ("style", "letter"),
    [(TimestampStyle.DATE, "D"), (TimestampStyle.TIME, "t"), (TimestampStyle.DATETIME, "F"),
     (TimestampStyle.RELATIVE, "R")],
)
def test_timestamps_are_native(style: TimestampStyle, letter: str) -> None:
    at = datetime(2026, 3, 31, 15, 0, 30, tzinfo=UTC)
    assert markdown(Text.of(Timestamp(at, style))) == f"<t:{int(at.timestamp())}:{letter}>"


def test_timestamps_before_1970_floor() -> None:
    at = datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)
    assert markdown(Text.of(Timestamp(at, TimestampStyle.DATE))) == "<t:-1:D>"


def test_mentions_are_tokens_only_for_snowflakes() -> None:
    assert markdown(Text.of(member("42"), " ", channel("7"))) == "<@42> <#7>"
    assert markdown(Text.of(member("everyone"))) == f"@{ZWSP}everyone"
    assert markdown(Text.of(member("1><@2"))) == "@1\\>\\<@2"


def test_links() -> None:
    assert markdown(Text.of(Link("https://x.org/a", "docs"))) == "[docs](https://x.org/a)"
    assert markdown(Text.of(Link("https://x.org/a"))) == "<https://x.org/a>"
    assert markdown(Text.of(Link("https://x.org/a b)", UserText("[x]")))) == "[\\[x\\]](https://x.org/a%20b%29)"
    assert markdown(Text.of(Link("HTTPS://x.org", "**a**"))) == "[a](https://x.org)"


def test_broadcast_words_in_urls_are_encoded() -> None:
    assert markdown(Text.of(Link("https://x.org/@here"))) == "<https://x.org/%40here>"


@pytest.mark.parametrize(
    "url", ["https://docs.org@evil.example/", "javascript:alert(1)", "ftp://x.org", "https://", "//x.org", "x.org",
            "http:///a"],
)
def test_other_links_are_escaped_text(url: str) -> None:
    rendered = markdown(Text.of(Link(url, UserText("docs"))))
    assert "](" not in rendered.replace("\\]", "")
    assert rendered.startswith("docs (")


# layout


def test_text_blocks_go_to_the_content_in_order() -> None:
    message = Message((Heading(Text.of("Weekly", "\n", "digest")), Paragraph(Text.of("Hello")), Divider(),
                       Note(Text.of("line one\n**line two\nthree**"))))
    [payload] = render(message)
    assert payload["content"] == "\n".join(
        ["## Weekly digest", "Hello", RULE, "-# line one", "-# **line two**", "-# **three**"])
    assert payload["embeds"] == []
    assert payload["components"] == []
    assert payload["allowed_mentions"] == {"parse": [], "users": []}


def test_blank_blocks_are_left_out_and_an_empty_message_is_an_ellipsis() -> None:
    [payload] = render(Message((Paragraph(Text.of("  ")), Heading(Text()))))
    assert payload["content"] == ELLIPSIS
    assert render(Message(()))[0]["content"] == ELLIPSIS


def test_fields_are_an_embed_of_inline_fields() -> None:
    message = Message((Fields((Field(Text.of("Host"), Text.of(member("42"))), Field(Text.of("Empty"), Text()),
                               Field(Text(), Text()))),))
    [payload] = render(message)
    assert payload["embeds"] == [{"fields": [{"name": "Host", "value": "<@42>", "inline": True},
                                             {"name": "Empty", "value": ZWSP, "inline": True}]}]
    assert payload["allowed_mentions"]["users"] == ["42"]


def test_many_fields_make_several_embeds() -> None:
    items = tuple(Field(Text.of(f"f{i}"), Text.of("v")) for i in range(60))
    [payload] = render(Message((Fields(items),)))
    assert [len(embed["fields"]) for embed in payload["embeds"]] == [MAX_FIELDS, MAX_FIELDS, 10]


def test_long_field_values_are_cut() -> None:
    [payload] = render(Message((Fields((Field(Text.of("n" * 300), Text.of("**" + "v" * 2000 + "**")),)),)))
    field = payload["embeds"][0]["fields"][0]
    assert len(field["name"]) <= 256
    assert len(field["value"]) <= 1024
    assert field["value"].endswith(ELLIPSIS + "**")


def test_text_after_an_embed_keeps_its_place_in_a_description() -> None:
    message = Message((Paragraph(Text.of("before")), Fields((Field(Text.of("a"), Text.of("b")),)),
                       Paragraph(Text.of("after")), Note(Text.of("small"))))
    [payload] = render(message)
    assert payload["content"] == "before"
    assert payload["embeds"][1] == {"description": "after\n-# small"}


def test_an_image_is_an_attachment_embed() -> None:
    spaced = Attachment("my chart.png", "image/png", b"1")
    message = Message((Image(PNG, "A *chart*"), Image(PNG, ""), Image(spaced, "x")), files=(PNG,))
    [payload] = render(message)
    names = [file.filename for file in payload["files"]]
    assert names == ["chart.png", "2_chart.png", "my_chart.png", "3_chart.png"]
    assert [embed["image"]["url"] for embed in payload["embeds"]] == [
        "attachment://chart.png", "attachment://2_chart.png", "attachment://my_chart.png"]
    assert payload["embeds"][0]["description"] == "A \\*chart\\*"
    assert "description" not in payload["embeds"][1]
    assert payload["files"][1].fp.read() == PNG.data


def test_files_are_at_most_ten_a_payload() -> None:
    files = tuple(Attachment(f"f{i}.csv", "text/csv", b"") for i in range(23))
    payloads = render(Message((Paragraph(Text.of("export")),), files=files))
    assert [len(p["files"]) for p in payloads] == [10, 10, 3]
    assert payloads[0]["content"] == "export"


def test_ephemeral_is_carried_by_every_payload() -> None:
    payloads = render(Message((Paragraph(Text.of("x " * 3000)),), ephemeral=True))
    assert len(payloads) > 1
    assert all(p["ephemeral"] for p in payloads)


# pagination


def test_long_paragraphs_are_cut_at_spaces_and_reopen_spans() -> None:
    payloads = render(Message((Paragraph(Text.of("**" + "word " * 1000 + "**")),)))
    assert len(payloads) == 3
    for payload in payloads:
        assert len(payload["content"]) <= MAX_CONTENT
        assert payload["content"].startswith("**word")
        assert payload["content"].replace(" ", "").endswith("word**")


def test_an_escape_is_never_cut() -> None:
    payloads = render(Message((Paragraph(Text.of(UserText("*" * 5000))),)))
    for payload in payloads:
        assert payload["content"].replace("\\*", "") == ""


def test_many_embeds_start_a_new_payload() -> None:
    images = tuple(Image(Attachment(f"{i}.png", "image/png", b""), "alt") for i in range(12))
    payloads = render(Message(images))
    assert [len(p["embeds"]) for p in payloads] == [MAX_EMBEDS, 2]
    assert [len(p["files"]) for p in payloads] == [10, 2]


def test_embed_characters_stay_within_6000_per_payload() -> None:
    fields = tuple(Fields((Field(Text.of("n"), Text.of("v" * 1000)),) * 5) for _ in range(4))
    payloads = render_message(Message(fields))
    assert len(payloads) > 1
    for payload in payloads:
        assert sum(map(len, payload.embeds)) <= MAX_EMBED_TOTAL


def test_mentioned_users_are_listed_per_payload() -> None:
    payloads = render(Message((Paragraph(Text.of(member("1"), " x" * 1500, member("2"), member("1"))),)))
    assert [p["allowed_mentions"]["users"] for p in payloads] == [["1"], ["2", "1"]]


def test_at_most_100_users_are_allowed() -> None:
    mentions = [member(str(i)) for i in range(150)]
    [payload] = render(Message.text(Text.of(*mentions)))
    assert payload["allowed_mentions"]["users"] == [str(i) for i in range(100)]


# components


def test_buttons_fill_rows_of_five_and_a_select_has_its_own_row() -> None:
    buttons = tuple(Button(f"b{i}", f"act.{i}") for i in range(7))
    select = Select("pick", "Pick one", (Option("A", "a"), Option("B", "b")))
    payloads = render(Message((Paragraph(Text.of("x " * 1500)), Actions((*buttons, select, buttons[0])))))
    assert all(p["components"] == [] for p in payloads[:-1])
    rows = payloads[-1]["components"]
    assert [len(row["components"]) for row in rows] == [5, 2, 1, 1]
    assert rows[2]["components"][0] == {"type": 3, "custom_id": "pick", "placeholder": "Pick one",
                                        "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]}
    assert rows[3]["components"][0]["custom_id"] == "act.0#2"


def test_button_styles_and_values() -> None:
    actions = Actions((Button("Yes", "rsvp", "yes", ButtonStyle.PRIMARY), Button("", "rsvp", "no", ButtonStyle.DANGER),
                       Button("Later", "later")))
    [payload] = render(Message((actions,)))
    row = payload["components"][0]["components"]
    assert [(b["style"], b["label"], b["custom_id"]) for b in row] == [
        (1, "Yes", "rsvp|yes"), (4, ELLIPSIS, "rsvp|no"), (2, "Later", "later")]
    assert read_custom_id(row[0]["custom_id"]) == ("rsvp", "yes")
    assert read_custom_id(row[2]["custom_id"]) == ("later", "")
    assert payload["content"] == ELLIPSIS


def test_custom_ids_are_unique_and_reversible() -> None:
    actions = Actions((Button("a", "x"), Button("a", "x"), Button("a", "x#2"), Button("a", ""), Button("a", "")))
    [payload] = render(Message((actions,)))
    ids = [b["custom_id"] for b in payload["components"][0]["components"]]
    assert ids == ["x", "x#2", "x#2#1", "#1", "#2"]
    assert [split_custom_id(raw) for raw in ids] == ["x", "x", "x#2", "", ""]


def test_long_custom_ids_and_labels_are_cut() -> None:
    actions = Actions((Button("L" * 200, "a" * 150), Select("s" * 150, "p" * 200, (Option("o" * 200, "v" * 200),))))
    [payload] = render(Message((actions,)))
    button = payload["components"][0]["components"][0]
    select = payload["components"][1]["components"][0]
    assert len(button["label"]) == 80
    assert len(button["custom_id"]) <= 100
    assert len(select["custom_id"]) <= 100
    assert len(select["placeholder"]) == 150
    assert len(select["options"][0]["label"]) == 100
    assert len(select["options"][0]["value"]) == 100


def test_selects_keep_25_distinct_options_and_empty_selects_are_left_out() -> None:
    options = tuple(Option(f"o{i}", str(i % 30)) for i in range(40))
    actions = Actions((Select("many", "", options), Select("none", "Pick", ())))
    [payload] = render(Message((actions,)))
    [row] = payload["components"]
    [select] = row["components"]
    assert len(select["options"]) == 25
    assert "placeholder" not in select
    assert len({option["value"] for option in select["options"]}) == 25


def test_at_most_five_rows() -> None:
    actions = tuple(Actions((Select(f"s{i}", "p", (Option("a", "a"),)),)) for i in range(7))
    [payload] = render(Message(actions))
    assert [row["components"][0]["custom_id"] for row in payload["components"]] == ["s0", "s1", "s2", "s3", "s4"]


def test_long_text_in_place_of_a_token_is_cut_like_any_text() -> None:
    message = Message((Paragraph(Text.of(Link("https://", UserText("0" * 5000)), member("x" * 5000))),))
    payloads = render(message)
    assert len(payloads) > 2
    assert all(len(p["content"]) <= MAX_CONTENT for p in payloads)


def test_a_field_name_writes_its_date_in_the_readers_language() -> None:
    at = datetime(2026, 3, 31, 13, 0, tzinfo=UTC)
    message = Message((Fields((Field(Text.of(Timestamp(at, TimestampStyle.DATE, "nl")),
                                     Text.of(Timestamp(at, language="nl"))),)),))
    [payload] = render(message)
    [embed] = payload["embeds"]
    [field] = embed["fields"]
    assert field["name"] == "di 31 mrt 2026"
    assert field["value"] == "<t:1774962000:F>"  # the value stays native: Discord writes it for each reader

"""Slack's escaped text read into typed pieces: only Slack's own tokens make mentions, whatever else is typed."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import escape
from adapters.slack.inbound import links_in, neutral_text
from adapters.slack.incoming_text import (
    ChannelPiece,
    LinkPiece,
    MemberPiece,
    TextPiece,
    neutral,
    plain,
    slack_pieces,
)
from commands.values import _CHANNEL as CORE_CHANNEL
from commands.values import _MEMBER as CORE_MEMBER

# The spans Slack itself makes for a member or a channel: the only ones that may become mentions.
REAL_MEMBER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
REAL_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>")

tricky = st.text(alphabet=st.sampled_from(list("\x00\x01<>&|@#!UWCG0AB;amplgt: /h\n")) | st.characters(),
                 max_size=80)
slack_like = st.lists(
    st.one_of(tricky, st.sampled_from(["<@U0BEN>", "<@U0ANA|ana>", "<#C0DATA|data>", "<!here>", "&lt;", "&gt;",
                                       "&amp;", "<https://x.org|x>", "\x00@U0BEN\x01", "&lt;@U0BEN&gt;", "<@"])),
    max_size=12,
).map("".join)


def test_pieces_are_typed() -> None:
    assert slack_pieces("add <@U0ANA|ana> in <#C0DATA|data>, see <https://x.org/a?b=1|x> &lt;b&gt; <!here>") == [
        TextPiece("add "), MemberPiece("U0ANA"), TextPiece(" in "), ChannelPiece("C0DATA"), TextPiece(", see "),
        LinkPiece("https://x.org/a?b=1"), TextPiece(" <b> "),
    ]


def test_control_characters_are_only_characters() -> None:
    assert slack_pieces("\x00@U0BEN\x01") == [TextPiece("\x00@U0BEN\x01")]
    assert neutral_text("facilitators add \x00@U0BEN\x01") == "facilitators add \x00@U0BEN\x01"
    assert neutral_text("a\x00b") == "a\x00b"  # a NUL is never a `<`


def test_a_typed_mention_stays_text() -> None:
    # A member who types "<@U0BEN>" sends "&lt;@U0BEN&gt;": text, which the neutral form cannot read as a mention.
    assert slack_pieces("&lt;@U0BEN&gt; &lt;#C0DATA&gt;") == [TextPiece("<@U0BEN> <#C0DATA>")]
    assert neutral_text("&lt;@U0BEN&gt; &lt;#C0DATA&gt;") == "‹@U0BEN> ‹#C0DATA>"
    assert neutral_text("a &lt; b &lt;= c") == "a < b <= c"


def test_tokens_hearth_does_not_know_stay_as_they_came() -> None:
    assert neutral_text("<mailto:a@b.org|a@b.org> <@lower>") == "<mailto:a@b.org|a@b.org> ‹@lower>"


def test_links_are_read_from_the_pieces() -> None:
    assert links_in("&lt;https://not.a.link&gt; <https://b.org> <https://a.org|a> <https://b.org|b>") == (
        "https://b.org", "https://a.org",
    )


def test_a_long_text_of_entities_is_read_in_one_pass() -> None:
    assert plain(slack_pieces("&amp;" * 50_000)) == "&" * 50_000


@given(slack_like)
def test_no_mention_or_channel_that_slack_did_not_make(text: str) -> None:
    converted = neutral_text(text)
    assert {m.group(1) for m in CORE_MEMBER.finditer(converted)} <= {m.group(1) for m in REAL_MEMBER.finditer(text)}
    assert {m.group(1) for m in CORE_CHANNEL.finditer(converted)} <= {
        m.group(1) for m in REAL_CHANNEL.finditer(text)
    }
    members = [piece.member_id for piece in slack_pieces(text) if isinstance(piece, MemberPiece)]
    assert members == [m.group(1) for m in REAL_MEMBER.finditer(text)]


@given(tricky)
def test_typed_text_round_trips(typed: str) -> None:
    # As Slack sends what a member typed: `&`, `<` and `>` escaped, every other character as it is.
    pieces = slack_pieces(escape(typed))
    assert plain(pieces) == typed
    assert all(isinstance(piece, TextPiece) for piece in pieces)
    assert neutral(pieces) == re.sub(r"<(?=[@#])", "‹", typed)

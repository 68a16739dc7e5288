"""Slack payloads become Hearth's events; text is read for metadata only and never crosses."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.inbound import (
    actor_from_user,
    command_event,
    form_metadata,
    links_in,
    message_event,
    neutral_text,
    read_form_metadata,
    slack_time,
)
from bot.refs import MemberRef, Platform, WorkspaceRef

WS = WorkspaceRef(Platform.SLACK, "T1")
ANA = actor_from_user("T1", None, "U1")


def test_mentions_links_and_escapes_become_neutral() -> None:
    text = "add <@U0ANA|ana> in <#C0DATA|data> see <https://x.org/a?b=1|x> &lt;b&gt; &amp; <!here>"
    assert neutral_text(text) == "add <@U0ANA> in <#C0DATA> see https://x.org/a?b=1 <b> & "


@given(st.text())
def test_neutral_text_never_fails(text: str) -> None:
    assert isinstance(neutral_text(text), str)


def test_command_payload() -> None:
    event = command_event(
        {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/Hearth",
         "text": "facilitators add <@U2|bo>", "channel_name": "data", "team_domain": "acme"},
        ANA, datetime(2026, 3, 27, tzinfo=UTC),
    )
    assert (event.command, event.text, event.channel.id, event.channel_name) == (
        "hearth", "facilitators add <@U2>", "C1", "data",
    )
    assert event.channel.workspace == WS


def test_message_metadata_only() -> None:
    posted = message_event("T1", {"type": "message", "channel": "C1", "user": "U1", "ts": "1774598400.000100",
                                  "thread_ts": "1774598000.000100", "text": "How do I <https://a.org|this>?"}, ANA)
    assert posted is not None
    assert posted.is_question and posted.links == ("https://a.org",)
    assert posted.thread is not None and posted.thread.id == "1774598000.000100"
    assert posted.at == datetime(2026, 3, 27, 8, 0, 0, 100, tzinfo=UTC)


def test_a_thread_parent_is_not_a_reply() -> None:
    posted = message_event("T1", {"type": "message", "channel": "C1", "user": "U1", "ts": "1.000100",
                                  "thread_ts": "1.000100", "text": "x"}, ANA)
    assert posted is not None and posted.thread is None


def test_edits_deletions_and_bots_are_not_posts() -> None:
    base = {"type": "message", "channel": "C1", "user": "U1", "ts": "1.0", "text": "x"}
    assert message_event("T1", {**base, "subtype": "message_changed"}, ANA) is None  # type: ignore[typeddict-item]
    assert message_event("T1", {**base, "subtype": "message_deleted"}, ANA) is None  # type: ignore[typeddict-item]
    assert message_event("T1", {**base, "bot_id": "B1"}, ANA) is None  # type: ignore[typeddict-item]


def test_actor_from_users_info() -> None:
    actor = actor_from_user("T1", {"id": "U1", "name": "ana", "real_name": "Ana R", "tz": "Europe/Brussels",
                                   "locale": "nl-NL", "is_admin": True, "profile": {"display_name": ""}}, "U1")
    assert actor.member == MemberRef(WS, "U1")
    assert (actor.display_name, actor.timezone, actor.locale, actor.is_admin, actor.is_bot) == (
        "Ana R", "Europe/Brussels", "nl", True, False,
    )
    assert actor_from_user("T1", {"id": "USLACKBOT", "name": "slackbot"}, "USLACKBOT").is_bot


def test_form_metadata_round_trip_and_foreign_views() -> None:
    assert read_form_metadata(form_metadata("12", "C1")) == ("12", "C1")
    assert read_form_metadata("not json") == ("", "")
    assert read_form_metadata("[1]") == ("", "")


def test_links_are_unique_in_order() -> None:
    assert links_in("<https://b.org> <https://a.org|a> <https://b.org|b>") == ("https://b.org", "https://a.org")


def test_slack_time() -> None:
    assert slack_time("1774598400.000100").microsecond == 100

"""The text limits and the character rule (`bot.text_limits`), and that every limit fits the columns it lands in."""

from __future__ import annotations

import pytest

from bot import text_limits
from bot.errors import UserError
from bot.text_limits import (
    TEXT_LIMITS,
    TextLimit,
    has_unkeepable,
    keepable,
    one_line,
    platform_name,
    readable_id,
    several_lines,
    shown,
)
from storage.tables import metadata

# Where each kind of text is stored. A new limit needs its columns here; a new text column needs its limit.
COLUMNS: dict[str, tuple[str, ...]] = {
    "community name": ("community.name",),
    "community goal": ("community.goal",),
    "series title": ("meeting_series.title",),
    "series description": ("meeting_series.description",),
    "meeting place": ("meeting_series.location",),
    "meeting link": ("meeting_series.location",),
    "cancellation reason": ("meeting_change.reason",),
    "agenda topic": ("meeting_agenda_item.text",),
    "platform id": (
        "workspace.external_id", "community.channel_id", "member.external_id", "meeting_rsvp.member_id",
        "meeting_agenda_item.author_id", "meeting_agenda_vote.member_id", "calendar_feed.member_id",
        "poll.author_id", "poll_ballot.member_id", "poll_template.author_id", "library_item.saved_by",
        "library_save.member_id",
    ),
    "time zone name": ("community.timezone", "member.timezone"),
    "language code": ("community.language", "member.language"),
    "member display name": ("member.display_name",),
    "workspace name": ("workspace.name",),
    "poll title": ("poll.title", "poll_template.title"),
    "library address": ("library_item.url",),
    "library title": ("library_item.title",),
    "library note": ("library_item.note",),
    "library idea": ("library_item.text",),
    "discussion prompt": ("nudge_prompt.text",),
}


def _length(column: str) -> int:
    table, name = column.split(".")
    length = getattr(metadata.tables[table].columns[name].type, "length", None)  # String, or SQLModel's AutoString
    assert isinstance(length, int), column
    return length


@pytest.mark.parametrize("limit", TEXT_LIMITS, ids=lambda limit: limit.kind)
def test_every_limit_fits_the_columns_it_is_stored_in(limit: TextLimit) -> None:
    assert limit.kind in COLUMNS, f"say where {limit.kind} is stored"
    for column in COLUMNS[limit.kind]:
        assert _length(column) >= limit.most, f"{column} holds {_length(column)}, Hearth allows {limit.most}"


def test_every_limit_the_module_declares_is_listed() -> None:
    declared = {value for value in vars(text_limits).values() if isinstance(value, TextLimit)}
    assert declared == set(TEXT_LIMITS)
    assert set(COLUMNS) == {limit.kind for limit in TEXT_LIMITS}


def test_links_of_two_thousand_characters_fit() -> None:
    assert text_limits.LINK.most == 2000
    assert _length("meeting_series.location") >= 2000


@pytest.mark.parametrize("text", [
    "a\x00b", "\x00", "bell\x07", "escape\x1b[31m", "del\x7f", "c1\x9b", "x\ud800y", "\udfff", "half \ud83d",
])
def test_control_characters_and_lone_surrogates_are_refused(text: str) -> None:
    assert has_unkeepable(text)
    with pytest.raises(UserError) as refused:
        keepable(text)
    assert refused.value.message.msgid.startswith("{value} has a character Hearth cannot keep")
    with pytest.raises(UserError):
        one_line(text)
    with pytest.raises(UserError):
        several_lines(text)


@pytest.mark.parametrize("text", [
    "plain", "tab\there", "two\nlines", "\u202eright to left", "zero\u200bwidth\u200d\ufeff", "🔥", "Zoë",
    "<script>alert(1)</script>", "<@U123> @everyone <!channel>", "",
])
def test_other_text_is_kept_as_typed(text: str) -> None:
    assert not has_unkeepable(text)
    assert keepable(text) == text


def test_a_surrogate_pair_is_read_as_the_character_it_stands_for() -> None:
    assert keepable("fire \ud83d\udd25") == "fire 🔥"
    assert len(keepable("\ud83d\udd25")) == 1


def test_one_line_text_has_its_whitespace_collapsed() -> None:
    assert one_line("  Data\r\n CoP\t\u2028 sync\x1f ") == "Data CoP sync"


def test_several_lines_keep_their_breaks_and_tabs() -> None:
    assert several_lines("  one\r\ntwo\rthree\u2028four\x0bfive\tsix\x1fseven  ") == (
        "one\ntwo\nthree\nfour\nfive\tsix seven"
    )


def test_lengths_are_counted_in_characters() -> None:
    assert len(keepable("🔥" * 500)) == 500  # 2,000 bytes in UTF-8, 500 characters for PostgreSQL too


def test_a_platform_name_is_cleaned_and_cut_rather_than_refused() -> None:
    assert platform_name("Ana\x00 \ud800Banana\n", text_limits.DISPLAY_NAME) == "Ana Banana"
    assert platform_name("x" * 300, text_limits.DISPLAY_NAME) == "x" * 255


@pytest.mark.parametrize(("ident", "readable"), [
    ("U123ABC", True), ("1577630644811333635", True), ("", True), ("U" * 64, True),
    ("U" * 65, False), ("U\x00", False), ("U 1", False), ("x\ud800", False),
])
def test_platform_ids_are_readable_up_to_64_characters(ident: str, readable: bool) -> None:
    assert readable_id(ident) is readable


def test_what_is_shown_back_replaces_what_cannot_be_kept() -> None:
    assert shown("a\x00b\ud800c").value == "a\ufffdb\ufffdc"
    assert len(shown("x" * 10_000).value) == 60

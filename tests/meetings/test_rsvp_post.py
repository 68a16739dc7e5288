"""An RSVP button names the post it sits in, so the post a click rewrites keeps its kind and heading."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.action_refs import ActionRef
from bot.meetings.messages import SERIES_REF, Post, RsvpClick, read_rsvp
from bot.meetings.model import Answer

START = datetime(2026, 3, 24, 14, 0, tzinfo=UTC)
MOMENT = int(START.timestamp())


def _ref(*payload: int) -> ActionRef:
    return ActionRef(1, 2, SERIES_REF, 3, payload)


def test_a_button_reads_back_its_meeting_answer_and_post() -> None:
    assert read_rsvp(_ref(MOMENT, 1, int(Post.REMINDER))) == RsvpClick(START, Answer.MAYBE, Post.REMINDER)
    assert read_rsvp(_ref(MOMENT, 0, int(Post.ANNOUNCEMENT))) == RsvpClick(START, Answer.GOING, Post.ANNOUNCEMENT)


def test_a_button_made_before_posts_were_named_is_an_announcements() -> None:
    assert read_rsvp(_ref(MOMENT, 2)) == RsvpClick(START, Answer.NOT_GOING, Post.ANNOUNCEMENT)


def test_a_payload_no_rsvp_button_carries_is_not_read() -> None:
    for payload in ((), (MOMENT,), (MOMENT, 0, len(Post)), (MOMENT, len(Answer), 0), (MOMENT, 0, 0, 0)):
        assert read_rsvp(_ref(*payload)) is None, payload

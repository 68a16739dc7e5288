"""What the nudges keep: a community's agreed rhythm (its goal), each member's own wishes, and its prompt bank."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.text_limits import NUDGE_PROMPT

__all__ = ["MOST_POSTS", "NUDGE_PROMPT", "ROUND_KIND", "Goal", "LogState", "MemberWishes", "NudgeRecord", "Period",
           "Prompt"]


# The schedule kind of each community's rounds (`bot.nudges.rounds`), its subject the community's id.
ROUND_KIND = "nudges.round"


class Period(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


# The most posts a goal may ask for: more than any community of practice agrees on, and a typo's guard.
MOST_POSTS = {Period.WEEK: 500, Period.MONTH: 2000}


@dataclass(frozen=True, slots=True)
class Goal:
    """How often the community agreed to post: `posts` messages (posts and replies) each `period`, agreed
    `since`."""

    posts: int
    period: Period
    since: datetime | None = field(default=None, compare=False)  # when it was agreed (None: not yet stored)

    def per_week(self) -> float:
        """The goal as posts a week (a month counts as 52/12 weeks)."""
        return float(self.posts) if self.period is Period.WEEK else self.posts * 12 / 52


@dataclass(frozen=True, slots=True)
class MemberWishes:
    """A member's own say over personal nudges: `every_days` their own cadence (None: Hearth reads their rhythm),
    `off` no personal nudges at all, `snoozed_until` none before then, `ignored` how many in a row went
    unanswered (after three, none until they post again)."""

    every_days: int | None = None
    off: bool = False
    snoozed_until: datetime | None = None
    ignored: int = 0
    dm_closed_at: datetime | None = None  # a DM to them could not be delivered then (their DMs are closed)


@dataclass(frozen=True, slots=True)
class Prompt:
    """A discussion prompt of the community's bank: one of Hearth's for its kind (`key`, worded in the community's
    language when shown) or one the community added (`text`)."""

    id: int
    key: str  # "" for the community's own
    text: str  # "" for one of Hearth's
    added_by: str = ""


class LogState(enum.StrEnum):
    """Where a nudge is: planned in a round, sent, not deliverable (DMs closed), and for a personal one, answered
    (the member posted within a week) or ignored (they did not)."""

    PLANNED = "planned"
    SENT = "sent"
    UNDELIVERABLE = "closed"
    ANSWERED = "answered"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class NudgeRecord:
    """One nudge of a community's round, as the nudge log keeps it.

    `member_id` is the member a personal nudge (quiet member, newcomer, below rhythm) went to, None for one in the
    channel (a prompt, a surfaced question). `subject` names what it is about: the prompt's id, the question's
    "channel/message", the week's Monday; `pointer` what a personal nudge pointed at ("meeting:<series>:<start>",
    "question:<channel>/<message>", "poll:<id>", "library:<id>", or ""). `facts` are the numbers the rule fired on.
    """

    id: int
    community_id: int
    rule: str
    member_id: int | None
    subject: str
    pointer: str
    facts: Mapping[str, int] = field(default_factory=dict)
    state: LogState = LogState.PLANNED
    round_at: datetime | None = None
    planned_at: datetime | None = None

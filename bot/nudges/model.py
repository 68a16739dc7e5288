"""What the nudges keep: a community's agreed rhythm (its goal), each member's own wishes, and its prompt bank."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.text_limits import NUDGE_PROMPT

__all__ = ["MOST_POSTS", "NUDGE_PROMPT", "Goal", "MemberWishes", "Period", "Prompt"]


class Period(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


# The most posts a goal may ask for: more than any community of practice agrees on, and a typo's guard.
MOST_POSTS = {Period.WEEK: 500, Period.MONTH: 2000}


@dataclass(frozen=True, slots=True)
class Goal:
    """How often the community agreed to post: `posts` messages (posts and replies) each `period`."""

    posts: int
    period: Period

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


@dataclass(frozen=True, slots=True)
class Prompt:
    """A discussion prompt of the community's bank: one of Hearth's for its kind (`key`, worded in the community's
    language when shown) or one the community added (`text`)."""

    id: int
    key: str  # "" for the community's own
    text: str  # "" for one of Hearth's
    added_by: str = ""
